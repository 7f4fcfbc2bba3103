//! Allocation after Synchronize imported millions of rows.

use super::measure::{row, stats, timed};
use crate::support::req;
use ipmanager::ipam::allocator::{self, Target};
use ipmanager::ipam::release::{self, ReleaseMode};
use ipmanager::ipam::{pools, subnets};
use ipmanager::net::Addr;
use ipmanager::store::Db;
use mysql::Conn;
use mysql::prelude::Queryable;
use serde_json::json;
use std::time::Instant;

/// Rows that arrived through Synchronize, not through the allocator: two /12 pools of one
/// /8 filled to 99% by importing WHMCS's assigned IPs (about 2 million real rows), with the
/// free 1% scattered (every 100th address), so rows lie below and above every search point.
pub fn flat_after_synchronize(db: &Db, raw: &mut Conn) {
    println!(
        "4. allocation after Synchronize imported two /12 pools of one /8 to 99% (every 100th address free)"
    );
    let s = subnets::create(
        db,
        &req(json!({"cidr": "20.0.0.0/8", "name": "synced /8", "reserve_network": false, "reserve_broadcast": false})),
    )
    .unwrap();
    let a = pools::create(
        db,
        &req(json!({"subnet_id": s.id, "name": "synced A", "cidr": "20.0.0.0/12"})),
    )
    .unwrap();
    let b = pools::create(
        db,
        &req(json!({"subnet_id": s.id, "name": "synced B", "cidr": "20.16.0.0/12"})),
    )
    .unwrap();
    let control_subnet = subnets::create(
        db,
        &req(json!({"cidr": "21.0.0.0/24", "name": "empty /24", "store_free_ips": false})),
    )
    .unwrap();
    let control = pools::create(
        db,
        &req(json!({"subnet_id": control_subnet.id, "name": "empty /24"})),
    )
    .unwrap();
    // 4,000 addresses per service (one assignedips text), every 100th address left out.
    let mut service = 1u32;
    let mut entries = 0u64;
    for first in [20u128 << 24, (20u128 << 24) + (16 << 16)] {
        let mut batch: Vec<String> = Vec::new();
        for offset in 0..(1u128 << 20) {
            if offset % 100 == 0 {
                continue;
            }
            batch.push(Addr::new(ipmanager::net::Family::V4, first + offset).to_string());
            if batch.len() == 4000 || offset == (1 << 20) - 1 {
                raw.exec_drop(
                    "INSERT INTO tblhosting (id, userid, packageid, domain, domainstatus, assignedips) VALUES (?, 1, 1, '', 'Active', ?)",
                    (service, batch.join("\n")),
                )
                .unwrap();
                entries += batch.len() as u64;
                service += 1;
                batch.clear();
            }
        }
    }
    let t = Instant::now();
    let report =
        ipmanager::jobs::sync::run(db, &ipmanager::jobs::sync::SyncOptions::default()).unwrap();
    let took = t.elapsed().as_secs_f64();
    println!(
        "  Synchronize imported {} of {entries} entries ({} services) in {took:.1} s: {:.0} entries/s",
        report.imported.len(),
        service - 1,
        report.imported.len() as f64 / took
    );
    let first = timed(|| {
        allocator::allocate(db, Target::Pool(a.id), 5_000_000, 1).unwrap();
    });
    println!("  first allocation afterwards: {first:.0} µs (was 53 s with the next-free hint)");
    let mut samples: Vec<(&str, u64, Vec<f64>)> = vec![
        ("/12 A, 99% synced", a.id, Vec::new()),
        ("/12 B, 99% synced", b.id, Vec::new()),
        ("empty /24", control.id, Vec::new()),
    ];
    let mut svc = 6_000_000u32;
    for _ in 0..200 {
        for (_, pool, times) in samples.iter_mut() {
            svc += 1;
            times.push(timed(|| {
                allocator::allocate(db, Target::Pool(*pool), svc, 1).unwrap();
            }));
            release::release_service(db, svc, None, ReleaseMode::Free).unwrap();
        }
    }
    let mut p50s = Vec::new();
    for (name, _, times) in samples.iter_mut() {
        let st = stats(times);
        row(name, &st);
        p50s.push(st.0);
    }
    println!(
        "  synced /12 against the empty /24, p50: {:.2}x and {:.2}x (goal <= 1.2x)\n",
        p50s[0] / p50s[2],
        p50s[1] / p50s[2]
    );
}
