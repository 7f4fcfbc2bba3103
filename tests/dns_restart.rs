//! PowerDNS itself stopped mid-way and started again (the issue's own words, not a proxy):
//! the assignment and the release made while it is down stand, their changes wait with the
//! error, and once it is back the queue converges — `dig -x` answers what IP Manager holds.
//! A test binary of its own: cargo runs test binaries one after another, so no other test
//! meets the stopped server.

mod support;

use ipmanager::dns::mirror;
use ipmanager::dns::settings;
use ipmanager::ipam::allocator::{self, Target};
use ipmanager::ipam::release::{self, ReleaseMode};
use mysql::prelude::Queryable;
use serde_json::json;
use support::ipam::{migrated, pool, subnet, whmcs_tables};
use support::pdns::real;

fn pdns(command: &str) {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/pdns.sh");
    let status = std::process::Command::new("bash")
        .args([script, command])
        .stdout(std::process::Stdio::null())
        .status()
        .expect("bash");
    assert!(status.success(), "scripts/pdns.sh {command}");
}

/// Starts PowerDNS again however the test ends.
struct Restart;

impl Drop for Restart {
    fn drop(&mut self) {
        pdns("start");
    }
}

#[test]
fn powerdns_stopped_and_started_again_converges() {
    let r = real();
    let test = migrated("dnsr");
    whmcs_tables(&test);
    for id in [5, 6] {
        test.conn()
            .exec_drop(
                "INSERT INTO tblhosting (id, userid, packageid, domain, domainstatus) VALUES (?, 1, 1, ?, 'Active')",
                (id, format!("vps{id}.example.net")),
            )
            .unwrap();
    }
    settings::save(&test.db, &r.form(&r.url)).unwrap();
    let n = std::process::id() % 200;
    let s = subnet(
        &test,
        json!({"cidr": format!("10.58.{n}.0/24"), "name": "restart"}),
    );
    let p = pool(&test, json!({"subnet_id": s.id, "name": "restart"}));
    settings::manage_subnet(&test.db, s.id, true).unwrap();
    let first = allocator::allocate(&test.db, Target::Pool(p.id), 5, 1).unwrap()[0]
        .address
        .clone();
    assert_eq!(
        mirror::after_commit(&test.db, 5, None).unwrap()[0].error,
        None
    );
    assert_eq!(r.dig_x(&first), Ok(vec!["vps5.example.net.".to_string()]));

    let _restart = Restart;
    pdns("stop");
    let second = allocator::allocate(&test.db, Target::Pool(p.id), 6, 1).unwrap()[0]
        .address
        .clone();
    release::release_address(&test.db, &first, ReleaseMode::Free).unwrap();
    for service in [5, 6] {
        let told = mirror::after_commit(&test.db, service, None).unwrap();
        let error = told[0].error.clone().unwrap_or_default();
        assert!(error.contains("PowerDNS"), "service {service}: {error}");
    }
    let waiting = || -> Vec<(u64, Option<String>)> {
        test.conn()
            .query("SELECT id, last_error FROM mod_ipmanager_outbox WHERE target = 'dns' AND status = 'pending'")
            .unwrap()
    };
    assert_eq!(waiting().len(), 2, "both changes wait");
    assert!(waiting().iter().all(|w| w.1.is_some()), "{:?}", waiting());

    pdns("start");
    test.conn()
        .query_drop("UPDATE mod_ipmanager_outbox SET next_attempt_at = UTC_TIMESTAMP(3) WHERE status = 'pending'")
        .unwrap();
    for service in [5, 6] {
        let told = mirror::after_commit(&test.db, service, None).unwrap();
        assert!(told.iter().all(|d| d.error.is_none()), "{told:?}");
    }
    assert!(waiting().is_empty(), "{:?}", waiting());
    assert_eq!(r.dig_x(&first), Err("NXDOMAIN".to_string()));
    assert_eq!(r.dig_x(&second), Ok(vec!["vps6.example.net.".to_string()]));
}
