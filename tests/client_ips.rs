//! The client area's rules, checked again under the subnet's lock: an assignment that is not
//! the client's (or moved to another client meanwhile) is refused and logged with nothing
//! changed; the main IP is kept under "additional IPs only" even when it became the main IP
//! after the client's page was read; concurrent give-backs of one address release it once.

mod support;

use ipmanager::Error;
use ipmanager::ipam::allocator::{self, Target};
use ipmanager::ipam::release::ReleaseMode;
use ipmanager::jobs::client_ips::{self, ClientUnassign};
use ipmanager::jobs::unassign;
use ipmanager::providers::Integrations;
use mysql::prelude::Queryable;
use support::TestDb;
use support::ipam::{migrated, simple, whmcs_tables};

/// Client 1 with service 10 (main .1, extra .2), client 2 with service 20 (.3).
fn scene(label: &str) -> (TestDb, Vec<String>) {
    let test = migrated(label);
    whmcs_tables(&test);
    let (_, pool) = simple(&test, "10.61.0.0/24");
    let mut held = Vec::new();
    for (service, count) in [(10, 2), (20, 1)] {
        for a in allocator::allocate(&test.db, Target::Pool(pool.id), service, count).unwrap() {
            held.push(a.address);
        }
    }
    let mut c = test.conn();
    for (id, client, dedicated, assigned) in [
        (10, 1, held[0].as_str(), held[1].as_str()),
        (20, 2, held[2].as_str(), ""),
    ] {
        c.exec_drop(
            "INSERT INTO tblhosting (id, userid, packageid, domain, domainstatus, dedicatedip, assignedips) VALUES (?, ?, 1, ?, 'Active', ?, ?)",
            (id, client, format!("s{id}.example"), dedicated, assigned),
        )
        .unwrap();
    }
    (test, held)
}

fn row_of(test: &TestDb, address: &str) -> (u64, String, Option<u32>) {
    let all: Vec<(u64, Vec<u8>, String, Option<u32>)> = test
        .conn()
        .query("SELECT id, address, state, service_id FROM mod_ipmanager_addresses WHERE state <> 'free'")
        .unwrap();
    let (id, _, state, service) = all
        .into_iter()
        .find(|r| ipmanager::net::Addr::from_bytes(&r.1).unwrap().to_string() == address)
        .unwrap();
    (id, state, service)
}

#[test]
fn a_client_sees_only_their_own_assignments_with_the_main_ip_marked() {
    let (test, held) = scene("cip_view");
    let view = client_ips::services(&test.db, 1).unwrap();
    assert_eq!(view.policy, ClientUnassign::Additional);
    assert_eq!(view.services.len(), 1);
    let addresses: Vec<(&str, bool, bool)> = view.services[0]
        .addresses
        .iter()
        .map(|a| (a.address.as_str(), a.primary, a.can_unassign))
        .collect();
    assert_eq!(
        addresses,
        [
            (held[0].as_str(), true, false),
            (held[1].as_str(), false, true)
        ]
    );
    assert!(matches!(
        client_ips::services(&test.db, 0),
        Err(Error::InvalidInput(_))
    ));
}

#[test]
fn another_clients_assignment_is_refused_logged_and_untouched() {
    let (test, held) = scene("cip_other");
    let (row, _, _) = row_of(&test, &held[2]);
    let e = client_ips::unassign(&test.db, 1, row, &Integrations::none()).unwrap_err();
    assert!(matches!(e, Error::NotFound(_)), "{e}");
    assert_eq!(row_of(&test, &held[2]).1, "assigned");
    let refused: Vec<String> = test
        .conn()
        .query("SELECT message FROM mod_ipmanager_logs WHERE action = 'client.refused'")
        .unwrap();
    assert_eq!(refused.len(), 1);
    assert!(refused[0].contains("Client #1"), "{refused:?}");
}

/// The checks the client's page made are made again under the lock: the service moved to
/// another client, or the address became the main IP, after the page was read.
#[test]
fn ownership_and_the_main_ip_are_checked_again_under_the_lock() {
    let (test, held) = scene("cip_lock");
    let (extra, _, _) = row_of(&test, &held[1]);
    let request = |client: u32, keep_primary: bool| unassign::Request {
        row_id: extra,
        service_id: Some(10),
        client_id: Some(client),
        orphan_only: false,
        stale_only: false,
        keep_primary,
        mode: ReleaseMode::Quarantine { hours: 24 },
    };
    // The admin made the extra address the main one after the client's page was read.
    test.conn()
        .exec_drop(
            "UPDATE tblhosting SET dedicatedip = ? WHERE id = 10",
            (&held[1],),
        )
        .unwrap();
    let e = unassign::unassign(&test.db, request(1, true), &Integrations::none()).unwrap_err();
    assert!(
        matches!(&e, Error::Conflict(m) if m.contains("main IP")),
        "{e}"
    );
    assert_eq!(row_of(&test, &held[1]).1, "assigned");
    // The service went to client 2 meanwhile: client 1's request finds nothing.
    test.conn()
        .query_drop("UPDATE tblhosting SET userid = 2 WHERE id = 10")
        .unwrap();
    let e = unassign::unassign(&test.db, request(1, false), &Integrations::none()).unwrap_err();
    assert!(matches!(e, Error::NotFound(_)), "{e}");
    assert_eq!(row_of(&test, &held[1]).1, "assigned");
}

#[test]
fn two_give_backs_of_one_address_at_once_release_it_once() {
    let (test, held) = scene("cip_race");
    let (extra, _, _) = row_of(&test, &held[1]);
    let outcomes: Vec<Result<_, Error>> = std::thread::scope(|s| {
        let runs: Vec<_> = (0..4)
            .map(|_| s.spawn(|| client_ips::unassign(&test.db, 1, extra, &Integrations::none())))
            .collect();
        runs.into_iter().map(|r| r.join().unwrap()).collect()
    });
    assert_eq!(
        outcomes.iter().filter(|o| o.is_ok()).count(),
        1,
        "{outcomes:?}"
    );
    assert!(
        outcomes
            .iter()
            .filter_map(|o| o.as_ref().err())
            .all(|e| matches!(e, Error::NotFound(_)))
    );
    assert_eq!(row_of(&test, &held[1]).1, "quarantined");
    let releases: Option<u64> = test
        .conn()
        .query_first("SELECT COUNT(*) FROM mod_ipmanager_logs WHERE action = 'address.release'")
        .unwrap();
    assert_eq!(releases, Some(1));
    let fields: Option<(String, String)> = test
        .conn()
        .query_first("SELECT dedicatedip, assignedips FROM tblhosting WHERE id = 10")
        .unwrap();
    assert_eq!(fields, Some((held[0].clone(), String::new())));
}
