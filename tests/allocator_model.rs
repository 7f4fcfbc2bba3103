//! The allocator on the real MariaDB against a deliberately naive in-memory reference:
//! random subnets (stored and sparse, IPv4 and IPv6, single addresses and prefixes),
//! reservation rules, exclusions, pool ranges, allocations, releases and quarantines.

mod support;

use ipmanager::Error;
use ipmanager::ipam::allocator::{self, Target};
use ipmanager::ipam::release::{self, ReleaseMode};
use ipmanager::ipam::{api, pools, subnets};
use ipmanager::net::{Addr, Cidr};
use mysql::prelude::Queryable;
use proptest::prelude::*;
use serde_json::json;
use std::collections::{BTreeMap, BTreeSet};

#[derive(Debug, Clone)]
struct Setup {
    cidr: &'static str,
    stored: bool,
    unit_prefix: Option<u8>,
    network: bool,
    broadcast: bool,
    anycast: bool,
    first: u32,
    last: u32,
    gateway: Option<u128>,
    excluded: Option<u128>,
    range: Option<(u128, u128)>,
}

#[derive(Debug, Clone)]
enum Op {
    Allocate { service: u32, count: u32 },
    ReleaseFree { service: u32 },
    ReleaseQuarantine { service: u32 },
    ExpireQuarantines,
}

fn setup() -> impl Strategy<Value = Setup> {
    let kinds = prop_oneof![
        Just(("10.0.0.0/27", true, None)),
        Just(("10.0.0.0/28", false, None)),
        Just(("2001:db8::/123", false, None)),
        Just(("10.0.0.0/26", false, Some(30u8))),
        Just(("2001:db8::/118", false, Some(124u8))),
    ];
    (
        kinds,
        any::<[bool; 3]>(),
        0u32..3,
        0u32..3,
        proptest::option::of(0u128..32),
        proptest::option::of(0u128..32),
        proptest::option::of((0u128..64, 0u128..64)),
    )
        .prop_map(
            |(
                (cidr, stored, unit_prefix),
                [network, broadcast, anycast],
                first,
                last,
                gateway,
                excluded,
                range,
            )| Setup {
                cidr,
                stored,
                unit_prefix,
                network,
                broadcast,
                anycast,
                first,
                last,
                gateway,
                excluded,
                range,
            },
        )
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        6 => (1u32..10, 1u32..3).prop_map(|(service, count)| Op::Allocate { service, count }),
        2 => (1u32..10).prop_map(|service| Op::ReleaseFree { service }),
        2 => (1u32..10).prop_map(|service| Op::ReleaseQuarantine { service }),
        1 => Just(Op::ExpireQuarantines),
    ]
}

/// The naive reference: every address of the subnet checked one by one.
struct Model {
    base: u128,
    size: u128,
    unit: u128,
    unit_prefix: u8,
    family_bits: u8,
    blocked: BTreeSet<u128>,
    range: (u128, u128),
    gateway: Option<u128>,
    /// unit start offset → (service, quarantined)
    units: BTreeMap<u128, (u32, bool)>,
}

impl Model {
    fn new(s: &Setup) -> (Model, Cidr) {
        let cidr = Cidr::parse(s.cidr).unwrap();
        let bits = cidr.family().bits();
        let size = cidr.size().unwrap();
        let unit_prefix = s.unit_prefix.unwrap_or(bits);
        let mut blocked = BTreeSet::new();
        let v4 = bits == 32;
        if v4 && cidr.prefix_len() <= 30 && s.network {
            blocked.insert(0);
        }
        if v4 && cidr.prefix_len() <= 30 && s.broadcast {
            blocked.insert(size - 1);
        }
        if !v4 && cidr.prefix_len() <= 126 && s.anycast {
            blocked.insert(0);
        }
        for i in 0..u128::from(s.first).min(size) {
            blocked.insert(i);
        }
        for i in 0..u128::from(s.last).min(size) {
            blocked.insert(size - 1 - i);
        }
        // The API refuses a gateway on the network or broadcast address: such cases get none.
        let gateway = s
            .gateway
            .map(|g| g % size)
            .filter(|g| !(v4 && cidr.prefix_len() <= 30 && (*g == 0 || *g == size - 1)));
        if let Some(g) = gateway {
            blocked.insert(g);
        }
        if let Some(x) = s.excluded {
            blocked.insert(x % size);
        }
        let range = match s.range {
            Some((a, b)) => ((a % size).min(b % size), (a % size).max(b % size)),
            None => (0, size - 1),
        };
        let model = Model {
            base: cidr.network().value,
            size,
            unit: 1 << (bits - unit_prefix),
            unit_prefix,
            family_bits: bits,
            blocked,
            range,
            gateway,
            units: BTreeMap::new(),
        };
        (model, cidr)
    }

    fn busy(&self, offset: u128) -> bool {
        self.blocked.contains(&offset)
            || self
                .units
                .iter()
                .any(|(start, _)| *start <= offset && offset < start + self.unit)
    }

    fn allocate(&mut self, service: u32, count: u32) -> Option<Vec<u128>> {
        let held: Vec<u128> = self
            .units
            .iter()
            .filter(|(_, (s, q))| *s == service && !q)
            .map(|(u, _)| *u)
            .collect();
        if held.len() >= count as usize {
            return Some(held[..count as usize].to_vec());
        }
        let mut picked = Vec::new();
        let mut start = self.range.0.div_ceil(self.unit) * self.unit;
        while picked.len() + held.len() < count as usize {
            if start + self.unit - 1 > self.range.1 {
                return None;
            }
            if (start..start + self.unit).all(|o| !self.busy(o)) {
                picked.push(start);
                self.units.insert(start, (service, false)); // tentatively
            }
            start += self.unit;
        }
        let mut all = held;
        all.extend(picked);
        all.sort();
        Some(all)
    }

    fn undo(&mut self, picked: &[u128]) {
        for p in picked {
            self.units.remove(p);
        }
    }

    fn text(&self, offset: u128, family: ipmanager::net::Family) -> String {
        let addr = Addr::new(family, self.base + offset);
        if self.unit_prefix == self.family_bits {
            addr.to_string()
        } else {
            Cidr::containing(addr, self.unit_prefix)
                .unwrap()
                .to_string()
        }
    }
}

fn clear(test: &support::TestDb) {
    test.conn()
        .query_drop(
            "DELETE FROM mod_ipmanager_addresses; DELETE FROM mod_ipmanager_pools; \
                     DELETE FROM mod_ipmanager_subnets;",
        )
        .unwrap();
}

#[test]
fn allocator_agrees_with_the_reference() {
    let test = support::ipam::migrated("model");
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig {
        cases: 40,
        ..ProptestConfig::default()
    });
    let strategy = (setup(), proptest::collection::vec(op(), 1..30));
    let outcome = runner.run(&strategy, |(s, ops)| {
        clear(&test);
        let (mut model, cidr) = Model::new(&s);
        let family = cidr.family();
        let gateway = model.gateway;
        let mut input = json!({
            "cidr": s.cidr, "name": "model", "store_free_ips": s.stored,
            "reserve_network": s.network, "reserve_broadcast": s.broadcast, "reserve_anycast": s.anycast,
            "reserve_first": s.first, "reserve_last": s.last,
        });
        if let Some(g) = gateway { input["gateway"] = json!(Addr::new(family, model.base + g).to_string()); }
        if let Some(x) = s.excluded { input["excluded"] = json!(Addr::new(family, model.base + x % model.size).to_string()); }
        let subnet = subnets::create(&test.db, &input).unwrap();
        let mut pool_input = json!({"subnet_id": subnet.id, "name": "model pool",
            "range": format!("{}-{}", Addr::new(family, model.base + model.range.0), Addr::new(family, model.base + model.range.1))});
        if let Some(p) = s.unit_prefix { pool_input["prefix_len"] = json!(p); }
        let pool = match pools::create(&test.db, &pool_input) {
            Ok(p) => p,
            Err(Error::InvalidInput(m)) if m.contains("does not fit") => return Ok(()),
            Err(e) => panic!("{e}"),
        };

        for op in ops {
            match op {
                Op::Allocate { service, count } => {
                    let before: BTreeSet<u128> = model.units.keys().copied().collect();
                    let expected = model.allocate(service, count);
                    let got = allocator::allocate(&test.db, Target::Pool(pool.id), service, count);
                    match (expected, got) {
                        (Some(want), Ok(got)) => {
                            let mut got: Vec<String> = got.into_iter().map(|a| a.address).collect();
                            got.sort_by_key(|t| Addr::parse(t.split('/').next().unwrap(), "a").unwrap().value);
                            let want: Vec<String> = want.iter().map(|o| model.text(*o, family)).collect();
                            prop_assert_eq!(got, want, "allocate {} x{}", service, count);
                        }
                        (None, Err(Error::PoolExhausted(_))) => {
                            let added: Vec<u128> = model.units.keys().copied().filter(|u| !before.contains(u)).collect();
                            model.undo(&added);
                        }
                        (want, got) => prop_assert!(false, "allocate {} x{}: model {:?}, allocator {:?}", service, count, want, got),
                    }
                }
                Op::ReleaseFree { service } => {
                    release::release_service(&test.db, service, None, ReleaseMode::Free).unwrap();
                    model.units.retain(|_, (s, q)| *s != service || *q);
                }
                Op::ReleaseQuarantine { service } => {
                    release::release_service(&test.db, service, None, ReleaseMode::Quarantine { hours: 2 }).unwrap();
                    for (s, q) in model.units.values_mut() { if *s == service { *q = true; } }
                }
                Op::ExpireQuarantines => {
                    test.conn().query_drop("UPDATE mod_ipmanager_addresses SET quarantine_until = UTC_TIMESTAMP() - INTERVAL 1 SECOND WHERE state = 'quarantined'").unwrap();
                    release::settle_all(&test.db).unwrap();
                    model.units.retain(|_, (_, q)| !*q);
                }
            }
            let assigned_units = model.units.values().filter(|(_, q)| !q).count() as u128;
            let quarantined_units = model.units.values().filter(|(_, q)| *q).count() as u128;
            let pool_u = api::pool_view(&test.db, pool.id).unwrap().utilization;
            prop_assert_eq!(pool_u.assigned.get(), assigned_units);
            prop_assert_eq!(pool_u.reserved.get(), quarantined_units);
            let subnet_u = api::subnet_view(&test.db, subnet.id).unwrap().utilization;
            prop_assert_eq!(subnet_u.assigned.get(), assigned_units * model.unit);
            prop_assert_eq!(subnet_u.reserved.get(), quarantined_units * model.unit);
            prop_assert_eq!(subnet_u.usable.get(), model.size - model.blocked.len() as u128);
        }
        Ok(())
    });
    if let Err(e) = outcome {
        panic!("{e}");
    }
}
