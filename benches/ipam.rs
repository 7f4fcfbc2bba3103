//! `make bench`: IPAM figures, each comparison measured side by side in this run.
//! Prints numbers and ratios; asserts nothing. Needs the private MariaDB (make db).

use ipmanager::ipam::allocator::{self, Target};
use ipmanager::ipam::release::{self, ReleaseMode};
use ipmanager::ipam::{api, pools, subnets};
use ipmanager::net::{Addr, Cidr};
use ipmanager::store::{Db, DbConfig, migrations};
use mysql::prelude::Queryable;
use mysql::{Conn, OptsBuilder, Value};
use serde_json::json;
use std::time::Instant;

// The integration tests' reader of var/db.env (written by `make db`).
#[path = "../tests/support/mod.rs"]
mod support;

const DB_NAME: &str = "ipm_test_bench_ipam";

fn main() {
    let base = support::base_config();
    let mut admin = conn(&base);
    admin
        .query_drop(format!("DROP DATABASE IF EXISTS `{DB_NAME}`"))
        .ok();
    admin
        .query_drop(format!("CREATE DATABASE `{DB_NAME}`"))
        .expect("create bench database");
    let cfg = DbConfig {
        database: DB_NAME.into(),
        ..base
    };
    let db = Db::connect(&cfg).expect("connect");
    migrations::migrate(&db).expect("migrate");
    let mut raw = conn(&cfg);

    println!(
        "IPAM benchmarks (MariaDB {}, release build)\n",
        db.server_version().unwrap_or_default()
    );
    // IPM_BENCH=latency,flatness,… runs only those sections (while working on one).
    let only = std::env::var("IPM_BENCH").unwrap_or_default();
    let wanted = |name: &str| only.is_empty() || only.split(',').any(|s| s == name);
    if wanted("latency") {
        latency_against_floor(&db, &mut raw);
    }
    if wanted("flatness") {
        flatness(&db, &mut raw);
    }
    if wanted("synchronize") {
        flat_after_synchronize(&db, &mut raw);
    }
    if wanted("stored") {
        stored_creation(&db, &mut raw);
    }
    if wanted("utilization") {
        utilization_summary(&support::base_config());
    }

    admin
        .query_drop(format!("DROP DATABASE IF EXISTS `{DB_NAME}`"))
        .ok();
}

fn latency_against_floor(db: &Db, raw: &mut Conn) {
    println!(
        "1. allocate latency against the floor (one bare BEGIN; SELECT … FOR UPDATE; UPDATE …; COMMIT)"
    );
    raw.query_drop(
        "CREATE TABLE bench_floor (id INT PRIMARY KEY, n BIGINT NOT NULL) ENGINE=InnoDB",
    )
    .unwrap();
    raw.query_drop("INSERT INTO bench_floor VALUES (1, 0)")
        .unwrap();
    let s = subnets::create(
        db,
        &json!({"cidr": "10.128.0.0/16", "name": "latency sparse", "store_free_ips": false}),
    )
    .unwrap();
    let sparse = pools::create(db, &json!({"subnet_id": s.id, "name": "latency sparse"})).unwrap();
    let s = subnets::create(
        db,
        &json!({"cidr": "10.129.0.0/16", "name": "latency stored", "store_free_ips": true}),
    )
    .unwrap();
    let stored = pools::create(db, &json!({"subnet_id": s.id, "name": "latency stored"})).unwrap();
    let n = 2000u32;
    // Interleaved so that both see the same machine state.
    let (mut floor, mut a_sparse, mut a_stored) = (Vec::new(), Vec::new(), Vec::new());
    for service in 2..n + 2 {
        floor.push(timed(|| {
            raw.query_drop("BEGIN").unwrap();
            raw.query_drop("SELECT n FROM bench_floor WHERE id = 1 FOR UPDATE")
                .unwrap();
            raw.query_drop("UPDATE bench_floor SET n = n + 1 WHERE id = 1")
                .unwrap();
            raw.query_drop("COMMIT").unwrap();
        }));
        a_sparse.push(timed(|| {
            allocator::allocate(db, Target::Pool(sparse.id), service, 1).unwrap();
        }));
        a_stored.push(timed(|| {
            allocator::allocate(db, Target::Pool(stored.id), service, 1).unwrap();
        }));
    }
    let f = stats(&mut floor);
    let sp = stats(&mut a_sparse);
    let st = stats(&mut a_stored);
    row("floor transaction", &f);
    row("allocate, sparse IPv4 /16 pool", &sp);
    row("allocate, stored IPv4 /16 pool", &st);
    println!(
        "  ratio sparse/floor: p50 {:.2}x  p99 {:.2}x",
        sp.0 / f.0,
        sp.1 / f.1
    );
    println!(
        "  ratio stored/floor: p50 {:.2}x  p99 {:.2}x   (goal <= 1.5x)\n",
        st.0 / f.0,
        st.1 / f.1
    );
}

/// Pools in a /24, /16, /8 and a /64-per-VPS pool in an IPv6 /32: empty, half and 99% full.
/// Every fill is real: the subnet is filled by allocations of large prefixes (a filler pool
/// handing out 1/256ths of the subnet) and 2,000 single units just below the search point,
/// all through the allocator; nothing is written behind its back.
fn flatness(db: &Db, _raw: &mut Conn) {
    println!("2. allocate in pools of every size, empty / half / 99% full");
    println!("   (round-robin over all twelve pools, 200 rounds, so machine noise hits all alike;");
    println!("    each allocation is released again, untimed, so the fill stays put)");
    let cases = [
        ("10.1.0.0/24", 32u8),
        ("10.2.0.0/16", 32),
        ("11.0.0.0/8", 32),
        ("2001:db8::/32", 64),
    ];
    let mut pools_under_test = Vec::new();
    for (cidr, unit) in cases.iter() {
        for (k, (fill_name, fill)) in [("empty", 0.0f64), ("half", 0.5), ("99%", 0.99)]
            .into_iter()
            .enumerate()
        {
            // One subnet per fill level: shift the CIDR so the three do not overlap.
            let base = Cidr::parse(cidr).unwrap();
            let shift = (k as u128) << (base.family().bits() - base.prefix_len());
            let c = Cidr::containing(
                Addr::new(base.family(), base.network().value + shift),
                base.prefix_len(),
            )
            .unwrap();
            let name = format!("{c} {fill_name}");
            let s = subnets::create(
                db,
                &json!({"cidr": c.to_string(), "name": name, "store_free_ips": false,
                "reserve_network": false, "reserve_broadcast": false, "reserve_anycast": false}),
            )
            .unwrap();
            let p = pools::create(
                db,
                &json!({"subnet_id": s.id, "name": name, "prefix_len": unit}),
            )
            .unwrap();
            let rows = fill_subnet(db, s.id, p.id, c, *unit, fill);
            pools_under_test.push((
                format!("{cidr} (/{unit} units)"),
                fill_name,
                rows,
                p.id,
                Vec::new(),
            ));
        }
    }
    let mut service = 100_000u32;
    for _ in 0..200 {
        for (_, _, _, pool, samples) in pools_under_test.iter_mut() {
            service += 1;
            samples.push(timed(|| {
                allocator::allocate(db, Target::Pool(*pool), service, 1).unwrap();
            }));
            release::release_service(db, service, None, ReleaseMode::Free).unwrap();
        }
    }
    let mut p50s = Vec::new();
    for (name, fill, rows, _, samples) in pools_under_test.iter_mut() {
        let st = stats(samples);
        println!(
            "  {name:<26} {fill:<5} ({rows:>6} rows)  p50 {:>8.1} µs  p99 {:>8.1} µs",
            st.0, st.1
        );
        p50s.push(st.0);
    }
    let fastest = p50s.iter().cloned().fold(f64::MAX, f64::min);
    let slowest = p50s.iter().cloned().fold(0.0, f64::max);
    println!(
        "  slowest/fastest p50: {:.2}x   (goal <= 1.2x)\n",
        slowest / fastest
    );
}

/// Fills `fill` of the subnet through the allocator: whole 1/256ths of it handed out as
/// prefixes by a filler pool, then up to 2,000 units of the measured pool. Returns the rows.
fn fill_subnet(db: &Db, subnet_id: u64, pool_id: u64, cidr: Cidr, unit: u8, fill: f64) -> u64 {
    if fill == 0.0 {
        return 0;
    }
    let block_len = cidr.prefix_len() + 8;
    let filler = pools::create(
        db,
        &json!({"subnet_id": subnet_id, "name": format!("{cidr} filler"), "prefix_len": block_len}),
    )
    .unwrap();
    let blocks = ((256.0 * fill) as u32).saturating_sub(1);
    let mut rows = 0u64;
    if blocks > 0 {
        rows += allocator::allocate(db, Target::Pool(filler.id), 1, blocks)
            .unwrap()
            .len() as u64;
    }
    let units_per_block = 1u128 << (unit - block_len).min(100);
    let singles = units_per_block.min(2_000) as u32;
    let mut service = 10;
    let mut left = singles;
    while left > 0 {
        let n = left.min(allocator::MAX_COUNT);
        rows += allocator::allocate(db, Target::Pool(pool_id), service, n)
            .unwrap()
            .len() as u64;
        service += 1;
        left -= n;
    }
    rows
}

/// Rows that arrived through Synchronize, not through the allocator: two /12 pools of one
/// /8 filled to 99% by importing WHMCS's assigned IPs (about 2 million real rows), with the
/// free 1% scattered (every 100th address), so rows lie below and above every search point.
fn flat_after_synchronize(db: &Db, raw: &mut Conn) {
    println!(
        "5. allocation after Synchronize imported two /12 pools of one /8 to 99% (every 100th address free)"
    );
    let schema = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/harness/schema/whmcs.sql"
    ))
    .unwrap();
    for statement in schema
        .split(';')
        .map(str::trim)
        .filter(|s| s.contains("CREATE"))
    {
        raw.query_drop(statement).unwrap();
    }
    let s = subnets::create(
        db,
        &json!({"cidr": "20.0.0.0/8", "name": "synced /8", "reserve_network": false, "reserve_broadcast": false}),
    )
    .unwrap();
    let a = pools::create(
        db,
        &json!({"subnet_id": s.id, "name": "synced A", "cidr": "20.0.0.0/12"}),
    )
    .unwrap();
    let b = pools::create(
        db,
        &json!({"subnet_id": s.id, "name": "synced B", "cidr": "20.16.0.0/12"}),
    )
    .unwrap();
    let control_subnet = subnets::create(
        db,
        &json!({"cidr": "21.0.0.0/24", "name": "empty /24", "store_free_ips": false}),
    )
    .unwrap();
    let control = pools::create(
        db,
        &json!({"subnet_id": control_subnet.id, "name": "empty /24"}),
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
    let report = ipmanager::jobs::sync::run(db, &json!({})).unwrap();
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

fn stored_creation(db: &Db, raw: &mut Conn) {
    println!(
        "3. creating a stored /16 (65,536 rows) against a plain multi-row INSERT of the same rows"
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
            &json!({"cidr": cidr, "name": cidr, "store_free_ips": true}),
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

fn utilization_summary(base: &DbConfig) {
    println!(
        "4. utilization summary over 1,000,000 addresses (16 stored /16 subnets, 1,048,576 rows)"
    );
    // A database of its own, so the lists hold exactly these subnets.
    let name = format!("{DB_NAME}_util");
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
            &json!({"cidr": cidr, "name": cidr, "store_free_ips": true}),
        )
        .unwrap();
        let p = pools::create(db, &json!({"subnet_id": s.id, "name": cidr})).unwrap();
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

fn timed(f: impl FnOnce()) -> f64 {
    let t = Instant::now();
    f();
    t.elapsed().as_secs_f64() * 1e6
}

/// (p50, p99) in microseconds.
fn stats(samples: &mut [f64]) -> (f64, f64) {
    samples.sort_by(f64::total_cmp);
    let at = |q: f64| samples[((samples.len() as f64 - 1.0) * q).round() as usize];
    (at(0.5), at(0.99))
}

fn row(name: &str, s: &(f64, f64)) {
    println!("  {name:<34} p50 {:>8.1} µs   p99 {:>8.1} µs", s.0, s.1);
}

fn conn(cfg: &DbConfig) -> Conn {
    Conn::new(
        OptsBuilder::new()
            .ip_or_hostname(Some(&cfg.host))
            .tcp_port(cfg.port)
            .user(Some(&cfg.username))
            .pass(Some(&cfg.password))
            .db_name(Some(&cfg.database))
            .prefer_socket(false),
    )
    .expect("connect")
}
