//! The utilization summary over a million addresses.

use super::measure::{conn, stats, timed};
use crate::support::req;
use ipmanager::ipam::allocator::{self, Target};
use ipmanager::ipam::{api, pools, subnets};
use ipmanager::store::{Db, DbConfig, migrations};
use mysql::prelude::Queryable;
use serde_json::json;
use std::time::Instant;

/// A fresh, migrated database of its own: its name, settings and pool.
fn scratch(base: &DbConfig, suffix: &str) -> (String, DbConfig, Db) {
    let name = format!("{}_{suffix}", super::DB_NAME);
    conn(base)
        .query_drop(format!(
            "DROP DATABASE IF EXISTS `{name}`; CREATE DATABASE `{name}`"
        ))
        .unwrap();
    let cfg = DbConfig {
        database: name.clone(),
        ..base.clone()
    };
    let db = Db::connect(&cfg).unwrap();
    migrations::migrate(&db).unwrap();
    (name, cfg, db)
}

pub fn utilization_summary(base: &DbConfig) {
    println!(
        "6. utilization summary over 1,000,000 addresses (16 stored /16 subnets, 1,048,576 rows)"
    );
    // A database of its own, so the lists hold exactly these subnets.
    let (name, cfg, db) = scratch(base, "util");
    let db = &db;
    let raw = &mut conn(&cfg);
    let t = Instant::now();
    for i in 0..16u8 {
        let cidr = format!("100.{}.0.0/16", 64 + i);
        let s = subnets::create(
            db,
            &req(json!({"cidr": cidr, "name": cidr, "store_free_ips": true})),
        )
        .unwrap();
        let p = pools::create(db, &req(json!({"subnet_id": s.id, "name": cidr}))).unwrap();
        allocator::allocate(db, Target::Pool(p.id), 1, 200).unwrap();
    }
    println!("  (set-up took {:.1} s)", t.elapsed().as_secs_f64());
    let mut ours = Vec::new();
    let mut recount = Vec::new();
    for _ in 0..5 {
        ours.push(timed(|| {
            let subnets = api::subnet_list(db).unwrap();
            let pools = api::pool_list(db, None).unwrap();
            assert!(subnets.len() >= 16 && pools.len() >= 16);
        }));
        recount.push(timed(|| {
            let _: Vec<(u64, String, u64)> = raw
                .query("SELECT subnet_id, state, COUNT(*) FROM mod_ipmanager_addresses GROUP BY subnet_id, state")
                .unwrap();
        }));
    }
    let o = stats(&mut ours);
    let r = stats(&mut recount);
    println!(
        "  subnet and pool lists with utilization (counters): median {:.1} ms",
        o.0 / 1000.0
    );
    println!(
        "  for comparison, counting the rows (GROUP BY):       median {:.1} ms",
        r.0 / 1000.0
    );
    println!("  (goal: under 100 ms)\n");
    conn(base)
        .query_drop(format!("DROP DATABASE IF EXISTS `{name}`"))
        .unwrap();
}

/// The dashboard picks the five fullest subnets and pools: ranked by their counters, with an
/// exact utilization for the best 15 of each, against reading every one (what it did first).
pub fn dashboard(base: &DbConfig) {
    const SUBNETS: usize = 1_000;
    println!("7. dashboard over {SUBNETS} subnets, each with a pool and 1-20 addresses in use");
    let (name, cfg, db) = scratch(base, "dash");
    let db = &db;
    super::measure::whmcs_schema(&mut conn(&cfg));
    let t = Instant::now();
    for i in 0..SUBNETS {
        let cidr = format!("10.{}.{}.0/24", i / 256, i % 256);
        let s = subnets::create(
            db,
            &req(json!({"cidr": cidr, "name": cidr, "store_free_ips": false})),
        )
        .unwrap();
        let p = pools::create(db, &req(json!({"subnet_id": s.id, "name": cidr}))).unwrap();
        allocator::allocate(db, Target::Pool(p.id), 1, 1 + (i % 20) as u32).unwrap();
    }
    println!("  (set-up took {:.1} s)", t.elapsed().as_secs_f64());
    let mut ranked = Vec::new();
    let mut every = Vec::new();
    for _ in 0..5 {
        ranked.push(timed(|| {
            let d = ipmanager::dashboard::read(db).unwrap();
            assert_eq!(d.fullest_subnets.len(), 5);
        }));
        every.push(timed(|| {
            let subnets = api::subnet_list(db).unwrap();
            let pools = api::pool_list(db, None).unwrap();
            assert_eq!(subnets.len(), SUBNETS);
            assert_eq!(pools.len(), SUBNETS);
        }));
    }
    let r = stats(&mut ranked);
    let e = stats(&mut every);
    println!(
        "  dashboard (ranked by counters, 15 exact each):       median {:.1} ms",
        r.0 / 1000.0
    );
    println!(
        "  every subnet's and pool's utilization read:          median {:.1} ms  ({:.1}x the dashboard)\n",
        e.0 / 1000.0,
        e.0 / r.0
    );
    conn(base)
        .query_drop(format!("DROP DATABASE IF EXISTS `{name}`"))
        .unwrap();
}
