//! Threads racing for the same pools, each with its own connection pool as separate PHP
//! workers would have: every service gets a distinct unit, the surplus get PoolExhausted.

mod support;

use ipmanager::Error;
use ipmanager::ipam::allocator::{self, Target};
use ipmanager::ipam::api;
use ipmanager::ipam::release;
use ipmanager::store::Db;
use mysql::prelude::Queryable;
use serde_json::json;
use std::collections::BTreeSet;
use std::sync::Barrier;
use support::ipam::{migrated, pool, subnet};

const THREADS: u32 = 24;
const SERVICES_PER_THREAD: u32 = 3;

fn race(test: &support::TestDb, target: Target) -> (Vec<String>, usize) {
    let barrier = Barrier::new(THREADS as usize);
    let results: Vec<Vec<Result<String, Error>>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..THREADS)
            .map(|t| {
                let barrier = &barrier;
                let config = test.config.clone();
                scope.spawn(move || {
                    let db = Db::connect(&config).unwrap();
                    barrier.wait();
                    (0..SERVICES_PER_THREAD)
                        .map(|i| {
                            let service = 1000 + t * SERVICES_PER_THREAD + i;
                            allocator::allocate(&db, target, service, 1)
                                .map(|a| a[0].address.clone())
                        })
                        .collect()
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let mut won = Vec::new();
    let mut exhausted = 0;
    for r in results.into_iter().flatten() {
        match r {
            Ok(a) => won.push(a),
            Err(Error::PoolExhausted(m)) => {
                assert!(m.contains("Pool \""), "{m}");
                exhausted += 1
            }
            Err(e) => panic!("unexpected error under load: {e:?}"),
        }
    }
    (won, exhausted)
}

fn assert_distinct_and_counted(
    test: &support::TestDb,
    won: &[String],
    exhausted: usize,
    capacity: usize,
    pool_id: u64,
) {
    let unique: BTreeSet<&String> = won.iter().collect();
    assert_eq!(
        unique.len(),
        won.len(),
        "an address was handed out twice: {won:?}"
    );
    assert_eq!(won.len(), capacity);
    assert_eq!(
        exhausted,
        (THREADS * SERVICES_PER_THREAD) as usize - capacity
    );
    let rows: u64 = test
        .conn()
        .exec_first(
            "SELECT COUNT(*) FROM mod_ipmanager_addresses WHERE pool_id = ? AND state = 'assigned'",
            (pool_id,),
        )
        .unwrap()
        .unwrap();
    assert_eq!(rows as usize, capacity);
    assert_eq!(
        api::pool_view(&test.db, pool_id)
            .unwrap()
            .utilization
            .assigned
            .get(),
        capacity as u128
    );
}

#[test]
fn racing_on_a_stored_pool() {
    let test = migrated("race_stored");
    let s = subnet(&test, json!({"cidr": "10.50.0.0/24", "name": "s"}));
    let p = pool(
        &test,
        json!({"subnet_id": s.id, "name": "p", "range": "10.50.0.10-10.50.0.49"}),
    );
    let (won, exhausted) = race(&test, Target::Pool(p.id));
    assert_distinct_and_counted(&test, &won, exhausted, 40, p.id);
}

#[test]
fn racing_on_a_sparse_prefix_pool_and_a_single_address_pool_of_one_subnet() {
    let test = migrated("race_mixed");
    let s = subnet(
        &test,
        json!({"cidr": "2001:db8:50::/120", "name": "v6", "reserve_anycast": false}),
    );
    let singles = pool(&test, json!({"subnet_id": s.id, "name": "singles"}));
    let blocks = pool(
        &test,
        json!({"subnet_id": s.id, "name": "blocks", "prefix_len": 124}),
    );
    let (mut all, mut exhausted) = (Vec::new(), [0usize; 2]);
    std::thread::scope(|scope| {
        let a = scope.spawn(|| race(&test, Target::Pool(blocks.id)));
        let b = scope.spawn(|| race(&test, Target::Pool(singles.id)));
        for (i, (won, ex)) in [a.join().unwrap(), b.join().unwrap()]
            .into_iter()
            .enumerate()
        {
            all.extend(won);
            exhausted[i] = ex;
        }
    });
    // 256 addresses, 144 requests: no two may overlap, whether /124 or single.
    let mut intervals: Vec<(u128, u128)> = all
        .iter()
        .map(|a| {
            let cidr = if a.contains('/') {
                ipmanager::net::Cidr::parse(a).unwrap()
            } else {
                ipmanager::net::Cidr::parse(&format!("{a}/128")).unwrap()
            };
            (cidr.network().value, cidr.last().value)
        })
        .collect();
    intervals.sort();
    for pair in intervals.windows(2) {
        assert!(pair[0].1 < pair[1].0, "overlap: {pair:?}");
    }
    // Nothing is released in this race, so every "exhausted" answer must still be true at
    // the end: the pool that refused has no free unit of its size left.
    let used: u128 = intervals.iter().map(|(a, b)| b - a + 1).sum();
    let free_singles = release::free_units(&test.db, Target::Pool(singles.id), None, 500).unwrap();
    let free_blocks = release::free_units(&test.db, Target::Pool(blocks.id), None, 500).unwrap();
    assert!(
        exhausted.iter().sum::<usize>() > 0,
        "the demand was meant to exceed the subnet"
    );
    if exhausted[0] > 0 {
        assert_eq!(
            free_blocks,
            Vec::<String>::new(),
            "/124 requests were refused"
        );
    }
    if exhausted[1] > 0 {
        assert_eq!(
            free_singles,
            Vec::<String>::new(),
            "single requests were refused"
        );
    }
    let view = api::subnet_view(&test.db, s.id).unwrap().utilization;
    assert_eq!(
        view.assigned.get(),
        used,
        "the counter equals what was handed out"
    );
    assert_eq!(
        view.free.get(),
        free_singles.len() as u128,
        "free space is what is left"
    );
    assert_eq!(used + free_singles.len() as u128, 256);
}
