//! The allocation's writes travel in the commit packet, after its reads. Whatever changes
//! the rows it read in between — possible only if the subnet lock was lost, e.g. when a
//! Galera node rolled the transaction back under us — must stop that packet before COMMIT,
//! and the retry must decide afresh. Here the change is made by another connection in the
//! gap between the two packets (the subnet lock does not cover address rows changed behind
//! the product's back, which is what lets the test reach that gap).

mod support;

use ipmanager::ipam::allocator::{self, Allocation, Target};
use ipmanager::store::RetryPolicy;
use mysql::prelude::Queryable;
use serde_json::json;
use std::cell::Cell;
use support::TestDb;
use support::ipam::{migrated, pool, subnet};

/// Allocates one unit, running `meddle` on another connection once, between the read packet
/// and the commit packet of the first attempt, which must be stopped and run again.
fn allocate_with_meddling(
    test: &TestDb,
    target: Target,
    service: u32,
    meddle: &str,
) -> Vec<Allocation> {
    let first = Cell::new(true);
    let before = test.db.retried_attempts();
    let got = test
        .db
        .transaction(RetryPolicy::TransientAndDuplicate, |tx| {
            let got = allocator::allocate_in(tx, target, service, 1)?;
            if first.replace(false) {
                test.conn().query_drop(meddle).unwrap();
            }
            Ok(got)
        })
        .unwrap();
    assert!(
        test.db.retried_attempts() > before,
        "the commit packet was not stopped"
    );
    got
}

fn free_rows(test: &TestDb) -> Vec<(String, String)> {
    test.conn()
        .query(
            "SELECT INET6_NTOA(address), INET6_NTOA(last_address) FROM mod_ipmanager_addresses \
             WHERE state = 'free' ORDER BY address",
        )
        .unwrap()
}

#[test]
fn a_free_run_changed_between_read_and_commit_is_not_written_over() {
    let test = migrated("checks_moved");
    let s = subnet(
        &test,
        json!({"cidr": "10.70.0.0/24", "name": "s", "store_free_ips": false}),
    );
    let p = pool(&test, json!({"subnet_id": s.id, "name": "p"}));
    // Meanwhile .1-.3 are taken out of the run behind the allocator's back (as another
    // writer holding the lock would have done): the planned move of the run's start to .2
    // would hand .2 and .3 back as free.
    let meddle = "UPDATE mod_ipmanager_addresses SET address = INET6_ATON('10.70.0.4') \
                  WHERE state = 'free' AND address = INET6_ATON('10.70.0.1')";
    let got = allocate_with_meddling(&test, Target::Pool(p.id), 7, meddle);
    assert_eq!(
        got[0].address, "10.70.0.4",
        "decided afresh on the changed run"
    );
    assert_eq!(
        free_rows(&test),
        [("10.70.0.5".to_string(), "10.70.0.254".to_string())]
    );
    let held: u64 = test
        .conn()
        .query_first("SELECT COUNT(*) FROM mod_ipmanager_addresses WHERE service_id = 7")
        .unwrap()
        .unwrap();
    assert_eq!(held, 1, "the first attempt's unit row was rolled back");
}

#[test]
fn a_free_row_grown_between_read_and_commit_is_not_taken_over_as_a_unit() {
    let test = migrated("checks_converted");
    let s = subnet(
        &test,
        json!({"cidr": "10.71.0.0/28", "name": "s", "store_free_ips": false, "reserve_network": false, "reserve_broadcast": false}),
    );
    let p = pool(
        &test,
        json!({"subnet_id": s.id, "name": "p", "range": "10.71.0.0-10.71.0.7"}),
    );
    for service in 1..=9 {
        allocator::allocate(&test.db, Target::Subnet(s.id), service, 1).unwrap();
    }
    ipmanager::ipam::release::release_address(
        &test.db,
        "10.71.0.7",
        ipmanager::ipam::release::ReleaseMode::Free,
    )
    .unwrap();
    // .7 is now a one-address free row the pool's allocation takes over as its unit.
    // Meanwhile .8 is given up behind the allocator's back and the row grows to .7-.8:
    // taking it over as a single address would leave an assigned row spanning two.
    let meddle = "DELETE FROM mod_ipmanager_addresses WHERE service_id = 9; \
                  UPDATE mod_ipmanager_addresses SET last_address = INET6_ATON('10.71.0.8') \
                  WHERE state = 'free' AND address = INET6_ATON('10.71.0.7')";
    let got = allocate_with_meddling(&test, Target::Pool(p.id), 20, meddle);
    assert_eq!(got[0].address, "10.71.0.7");
    let spans: Vec<(String, String)> = test
        .conn()
        .query(
            "SELECT INET6_NTOA(address), INET6_NTOA(last_address) FROM mod_ipmanager_addresses \
             WHERE state = 'assigned' AND address <> last_address",
        )
        .unwrap();
    assert!(
        spans.is_empty(),
        "an assigned row spans several addresses: {spans:?}"
    );
    assert_eq!(
        free_rows(&test),
        [
            ("10.71.0.8".to_string(), "10.71.0.8".to_string()),
            ("10.71.0.9".to_string(), "10.71.0.15".to_string())
        ]
    );
}
