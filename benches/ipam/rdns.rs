//! Reverse DNS (issue 13), against the real PowerDNS `make pdns` starts: the latency from
//! an assignment's COMMIT to PowerDNS holding its PTR (through the outbox), beside the
//! API's own PATCH of one PTR; and the reset of a /16 — 65,536 PTRs — sent as one bulk rrset
//! PATCH.

use super::measure::{row, stats};
use crate::support::ipam::{migrated, pool, subnet, whmcs_tables};
use crate::support::pdns::real;
use ipmanager::dns::client::{PowerDns, PtrChange};
use ipmanager::dns::settings;
use ipmanager::dns::{mirror, names, ptrs};
use ipmanager::ipam::allocator::{self, Target};
use mysql::prelude::Queryable;
use serde_json::json;
use std::time::Instant;

const MEASURED: u32 = 200;

pub fn run() {
    println!("Reverse DNS (a real PowerDNS 4.7 with the SQLite backend on loopback; issue 13)");
    let r = real();
    let test = migrated("bench_rdns");
    whmcs_tables(&test);
    test.conn()
        .query_drop("INSERT INTO tblhosting (id, userid, packageid, domain, domainstatus) SELECT seq, 1, 1, CONCAT('vps', seq, '.example.net'), 'Active' FROM seq_1_to_70000")
        .expect("services");
    settings::save(&test.db, &r.form(&r.url)).expect("settings");
    let stamp = std::process::id() % 200 + 20;
    let s = subnet(
        &test,
        json!({"cidr": format!("100.{stamp}.0.0/16"), "name": "rdns /16", "store_free_ips": false}),
    );
    let p = pool(&test, json!({"subnet_id": s.id, "name": "rdns /16"}));
    settings::manage_subnet(&test.db, s.id, true).expect("manage");

    // COMMIT → PowerDNS, through the outbox.
    let mut through = Vec::new();
    for service in 1..=MEASURED {
        allocator::allocate(&test.db, Target::Pool(p.id), service, 1).expect("allocate");
        let t = Instant::now();
        let sent = mirror::after_commit(&test.db, service, None).expect("deliver");
        through.push(t.elapsed().as_secs_f64() * 1e6);
        assert!(sent.len() == 1 && sent[0].error.is_none(), "{sent:?}");
    }
    // The API's own floor: one PATCH of one PTR.
    let pdns = PowerDns::new(&r.url, &r.key, &r.server_id, &Default::default()).expect("client");
    let zone =
        names::zone_of(&ipmanager::net::Cidr::parse(&format!("100.{stamp}.0.0/16")).unwrap())
            .unwrap();
    let mut floor = Vec::new();
    for n in 0..MEASURED {
        let addr =
            ipmanager::net::Addr::parse(&format!("100.{stamp}.250.{}", n % 250 + 1), "a").unwrap();
        let change = PtrChange {
            name: names::ptr_name(addr),
            hostname: Some("floor.example.net.".into()),
        };
        let t = Instant::now();
        pdns.patch(&zone, &[change], 300).expect("patch");
        floor.push(t.elapsed().as_secs_f64() * 1e6);
    }
    let (through, floor) = (stats(&mut through), stats(&mut floor));
    row("  PowerDNS PATCH of one PTR (floor)", &floor);
    row("  PTR update through the outbox", &through);
    println!("    {:.1}x the API's own PATCH at p50", through.0 / floor.0);

    // Fill the /16 and reset it: one change naming 65,536 addresses, one PATCH per zone.
    let t = Instant::now();
    let mut service = MEASURED + 1;
    let mut held = MEASURED;
    while held < 65_534 {
        let take = 256.min(65_534 - held);
        allocator::allocate(&test.db, Target::Pool(p.id), service, take).expect("fill");
        held += take;
        service += 1;
    }
    test.conn()
        .query_drop("DELETE FROM mod_ipmanager_outbox WHERE target = 'dns'")
        .expect("drop the fill's own changes");
    let filled = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let n = ptrs::reset_subnet(&test.db, s.id).expect("reset");
    let queued = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let sent = mirror::after_commit(&test.db, 0, None).expect("deliver");
    let delivered = t.elapsed().as_secs_f64();
    println!(
        "  reset of a /16: {n} PTRs queued in {queued:.2} s, sent in {delivered:.1} s ({:.0} PTRs/s, {}) (filled in {filled:.0} s)",
        n as f64 / delivered,
        if sent.iter().all(|d| d.error.is_none()) {
            "all taken".to_string()
        } else {
            format!("{:?}", sent.iter().find_map(|d| d.error.clone()))
        }
    );
    pdns.patch(&zone, &[], 300).ok();
}
