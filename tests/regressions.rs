//! The defects reported in issue 7, each reproduced as it was reported.

mod support;

use ipmanager::Error;
use ipmanager::ipam::allocator::{self, Target};
use ipmanager::ipam::release::{self, ReleaseMode};
use ipmanager::ipam::{api, subnets};
use ipmanager::jobs::{assignments, orphans};
use ipmanager::providers::Integrations;
use mysql::prelude::Queryable;
use serde_json::json;
use support::ipam::{migrated, pool, subnet};
use support::req;

/// 1. An address assigned before it was excluded (or reserved) stayed blocked in the free
///    list but was handed out again after its release.
#[test]
fn an_address_blocked_while_assigned_stays_blocked_after_its_release() {
    let test = migrated("reg_blocked");
    for (stored, rule) in [
        (true, "excluded"),
        (true, "reserved"),
        (false, "excluded"),
        (false, "reserved"),
    ] {
        test.conn()
            .query_drop("DELETE FROM mod_ipmanager_addresses; DELETE FROM mod_ipmanager_pools; DELETE FROM mod_ipmanager_subnets")
            .unwrap();
        let s = subnet(
            &test,
            json!({"cidr": "10.9.0.0/29", "name": "s", "store_free_ips": stored}),
        );
        let got = allocator::allocate(&test.db, Target::Subnet(s.id), 1, 1).unwrap();
        assert_eq!(got[0].address, "10.9.0.1");
        subnets::update(&test.db, s.id, &req(json!({"name": "s", rule: "10.9.0.1"}))).unwrap();
        release::release_address(&test.db, "10.9.0.1", ReleaseMode::Free).unwrap();
        let free = release::free_units(&test.db, Target::Subnet(s.id), None, 10).unwrap();
        assert!(
            !free.contains(&"10.9.0.1".to_string()),
            "{stored} {rule}: {free:?}"
        );
        let next = allocator::allocate(&test.db, Target::Subnet(s.id), 2, 1).unwrap();
        assert_eq!(next[0].address, "10.9.0.2", "stored={stored} {rule}");
        assert_eq!(Some(&next[0].address), free.first());
    }
}

/// 2. A sparse /26 with a /29 pool: a single address allocated on the subnet and released
///    left 10.8.0.0/29 in the free list, the allocator skipped it, and it was never handed
///    out again (7 of 8 /29s).
#[test]
fn a_released_single_gives_its_prefix_back_and_every_prefix_can_be_handed_out() {
    let test = migrated("reg_mixed");
    let s = subnet(
        &test,
        json!({"cidr": "10.8.0.0/26", "name": "s", "store_free_ips": false, "reserve_network": false, "reserve_broadcast": false}),
    );
    let blocks = pool(
        &test,
        json!({"subnet_id": s.id, "name": "blocks", "prefix_len": 29}),
    );
    allocator::allocate(&test.db, Target::Subnet(s.id), 1, 1).unwrap();
    release::release_service(&test.db, 1, None, ReleaseMode::Free).unwrap();
    let free = release::free_units(&test.db, Target::Pool(blocks.id), None, 10).unwrap();
    assert_eq!(free.first().map(String::as_str), Some("10.8.0.0/29"));
    let first = allocator::allocate(&test.db, Target::Pool(blocks.id), 10, 1).unwrap();
    assert_eq!(
        first[0].address, "10.8.0.0/29",
        "the free list's first unit is handed out next"
    );
    for service in 11..18 {
        allocator::allocate(&test.db, Target::Pool(blocks.id), service, 1).unwrap();
    }
    assert_eq!(
        api::pool_view(&test.db, blocks.id)
            .unwrap()
            .utilization
            .assigned
            .get(),
        8
    );
    assert!(matches!(
        allocator::allocate(&test.db, Target::Pool(blocks.id), 99, 1),
        Err(Error::PoolExhausted(_))
    ));
}

/// 3. Releases acted on a row id read before the lock; since rows are reused in place, a
///    stale id freed the address another service held by then (handed to a third one).
#[test]
fn a_stale_assignment_id_never_frees_the_address_another_service_holds_now() {
    let test = migrated("reg_stale");
    support::ipam::whmcs_tables(&test);
    test.conn()
        .query_drop(
            "INSERT INTO tblproducts (id, type, name, servertype) VALUES (1, 'server', 'VPS', 'proxmox'); \
             INSERT INTO tblhosting (id, userid, packageid, domain, domainstatus) VALUES \
             (1, 1, 1, 'a', 'Cancelled'), (2, 1, 1, 'b', 'Cancelled'), (3, 1, 1, 'c', 'Active')",
        )
        .unwrap();
    let s = subnet(&test, json!({"cidr": "10.7.0.0/29", "name": "s"}));
    let p = pool(&test, json!({"subnet_id": s.id, "name": "p"}));
    allocator::allocate(&test.db, Target::Pool(p.id), 1, 1).unwrap();
    let id: u64 = test
        .conn()
        .query_first("SELECT id FROM mod_ipmanager_addresses WHERE service_id = 1")
        .unwrap()
        .unwrap();
    // The admin's page shows row `id` held by service #1; meanwhile it is released and the
    // same stored row goes to service #2.
    release::release_service(&test.db, 1, None, ReleaseMode::Free).unwrap();
    allocator::allocate(&test.db, Target::Pool(p.id), 2, 1).unwrap();
    let holder: Option<u32> = test
        .conn()
        .exec_first(
            "SELECT service_id FROM mod_ipmanager_addresses WHERE id = ?",
            (id,),
        )
        .unwrap();
    assert_eq!(holder, Some(2), "the stored row was reused in place");
    // Unassign and orphan release of what the page showed (row `id`, service #1): refused.
    let err = assignments::unassign(
        &test.db,
        &req(json!({"id": id, "service_id": 1, "mode": "free"})),
        &Integrations::none(),
        0,
    )
    .unwrap_err();
    assert!(matches!(err, Error::NotFound(_)), "{err:?}");
    let err = orphans::release(
        &test.db,
        &req(json!({"id": id, "service_id": 1})),
        &Integrations::none(),
        0,
    )
    .unwrap_err();
    assert!(matches!(err, Error::NotFound(_)), "{err:?}");
    let holder: Option<u32> = test
        .conn()
        .exec_first(
            "SELECT service_id FROM mod_ipmanager_addresses WHERE id = ? AND state = 'assigned'",
            (id,),
        )
        .unwrap();
    assert_eq!(holder, Some(2), "service #2 still holds its address");
    // A third service cannot get it.
    let third = allocator::allocate(&test.db, Target::Pool(p.id), 3, 1).unwrap();
    assert_ne!(third[0].address, "10.7.0.1");
}
