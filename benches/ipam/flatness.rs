//! Allocation latency in pools of every size and fill.

use super::measure::{stats, timed};
use crate::support::req;
use ipmanager::ipam::allocator::{self, Target};
use ipmanager::ipam::release::{self, ReleaseMode};
use ipmanager::ipam::{pools, subnets};
use ipmanager::net::{Addr, Cidr};
use ipmanager::store::Db;
use serde_json::json;

/// Pools in a /24, /16, /8 and a /64-per-VPS pool in an IPv6 /32: empty, half and 99% full.
/// Every fill is real: the subnet is filled by allocations of large prefixes (a filler pool
/// handing out 1/256ths of the subnet) and 2,000 single units just below the search point,
/// all through the allocator; nothing is written behind its back.
pub fn flatness(db: &Db) {
    println!("3. allocate in pools of every size, empty / half / 99% full");
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
                &req(
                    json!({"cidr": c.to_string(), "name": name, "store_free_ips": false,
                "reserve_network": false, "reserve_broadcast": false, "reserve_anycast": false}),
                ),
            )
            .unwrap();
            let p = pools::create(
                db,
                &req(json!({"subnet_id": s.id, "name": name, "prefix_len": unit})),
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
        &req(json!({"subnet_id": subnet_id, "name": format!("{cidr} filler"), "prefix_len": block_len})),
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
