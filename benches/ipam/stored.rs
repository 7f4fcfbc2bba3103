//! Creating a stored subnet against a plain INSERT of the same rows.

use crate::support::req;
use ipmanager::ipam::subnets;
use ipmanager::net::{Addr, Cidr};
use ipmanager::store::Db;
use mysql::prelude::Queryable;
use mysql::{Conn, Value};
use serde_json::json;
use std::time::Instant;

pub fn stored_creation(db: &Db, raw: &mut Conn) {
    println!(
        "5. creating a stored /16 (65,536 rows) against a plain multi-row INSERT of the same rows"
    );
    let mut ours = Vec::new();
    let mut plain = Vec::new();
    raw.query_drop("CREATE TABLE bench_plain LIKE mod_ipmanager_addresses")
        .unwrap();
    for round in 0..3u8 {
        let cidr = format!("172.{}.0.0/16", 16 + round);
        let t = Instant::now();
        let s = subnets::create(
            db,
            &req(json!({"cidr": cidr, "name": cidr, "store_free_ips": true})),
        )
        .unwrap();
        ours.push(t.elapsed().as_secs_f64() * 1000.0);
        subnets::delete(db, s.id, true).unwrap();

        raw.query_drop("TRUNCATE bench_plain").unwrap();
        let t = Instant::now();
        raw.query_drop("BEGIN").unwrap();
        let base = Cidr::parse(&cidr).unwrap().network().value;
        for chunk_start in (0..65_536u128).step_by(4096) {
            let mut sql = String::from(
                "INSERT INTO bench_plain (subnet_id, address, last_address, prefix_len, size, state, blocked, note, updated_at) VALUES ",
            );
            let mut params: Vec<Value> = Vec::with_capacity(4096 * 7);
            for i in 0..4096u128 {
                if i > 0 {
                    sql.push(',');
                }
                sql.push_str("(?, ?, ?, ?, 1, ?, ?, ?, UTC_TIMESTAMP())");
                let bytes =
                    Addr::new(ipmanager::net::Family::V4, base + chunk_start + i).to_bytes();
                params.extend([
                    Value::from(1u64),
                    bytes.clone().into(),
                    bytes.into(),
                    32u8.into(),
                    "free".into(),
                    0u8.into(),
                    "".into(),
                ]);
            }
            raw.exec_drop(sql, params).unwrap();
        }
        raw.query_drop("COMMIT").unwrap();
        plain.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    ours.sort_by(f64::total_cmp);
    plain.sort_by(f64::total_cmp);
    println!(
        "  ipmanager_subnet_create (stored /16): median {:.0} ms (runs: {:?})",
        ours[1],
        ours.iter().map(|v| v.round()).collect::<Vec<_>>()
    );
    println!(
        "  plain multi-row INSERT, same rows:    median {:.0} ms",
        plain[1]
    );
    println!(
        "  ratio: {:.2}x   (goal: under 1 s and within 2x)\n",
        ours[1] / plain[1]
    );
}
