//! The utilization summary over a million addresses.

use super::measure::{conn, stats, timed};
use crate::support::req;
use ipmanager::ipam::allocator::{self, Target};
use ipmanager::ipam::{api, pools, subnets};
use ipmanager::store::{Db, DbConfig, migrations};
use mysql::prelude::Queryable;
use serde_json::json;
use std::time::Instant;

pub fn utilization_summary(base: &DbConfig) {
    println!(
        "6. utilization summary over 1,000,000 addresses (16 stored /16 subnets, 1,048,576 rows)"
    );
    // A database of its own, so the lists hold exactly these subnets.
    let name = format!("{}_util", super::DB_NAME);
    conn(base)
        .query_drop(format!(
            "DROP DATABASE IF EXISTS `{name}`; CREATE DATABASE `{name}`"
        ))
        .unwrap();
    let cfg = DbConfig {
        database: name.clone(),
        ..base.clone()
    };
    let db = &Db::connect(&cfg).unwrap();
    migrations::migrate(db).unwrap();
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
