//! Generating a case from a seed, running its steps against the database and the model,
//! and the checks after every step.

use super::Rng;
use super::model::{Held, Model, PoolSpec, Rules, Unit, family};
use super::support::{TestDb, req};
use ipmanager::Error;
use ipmanager::ipam::allocator::{self, Target};
use ipmanager::ipam::release::{self, ReleaseMode};
use ipmanager::ipam::{api, pools, subnets};
use ipmanager::jobs::{assignments, cleaner, orphans, sync, upkeep};
use ipmanager::net::Addr;
use ipmanager::providers::outbox;
use ipmanager::providers::{Integrations, IpChange, Provider, Providers, ServerAccess};
use mysql::prelude::Queryable;
use serde_json::{Value, json};
use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, BTreeSet};

const SERVICES: u32 = 6;
const QUARANTINE_HOURS: u32 = 2;

#[derive(Debug, Clone)]
pub struct Setup {
    pub cidr: &'static str,
    pub bits: u8,
    pub prefix: u8,
    pub stored: bool,
    pub rules: Rules,
    pub pools: Vec<PoolSpec>,
}

#[derive(Debug, Clone)]
pub enum Step {
    Allocate {
        pool: Option<usize>,
        service: u32,
        count: u32,
    },
    ReleaseService {
        service: u32,
        free: bool,
    },
    ReleaseAddress {
        pick: usize,
        free: bool,
    },
    Expire {
        settle: bool,
    },
    EditRules(Rules),
    Assign {
        service: u32,
        offset: u128,
        unit_of: Option<usize>,
    },
    Sync {
        service: u32,
        offset: u128,
        unit_of: Option<usize>,
    },
    Cleaner,
    Suspend {
        service: u32,
    },
    Resume {
        service: u32,
    },
    OrphanRelease {
        free: bool,
    },
    Unassign {
        pick: usize,
        free: bool,
    },
    /// The panel stops answering (every add and removal fails) …
    PanelDown,
    /// … answers again …
    PanelUp,
    /// … and the cron delivers what waits in the outbox.
    Drain,
}

/// A panel in this process: it refuses everything while down, and remembers which service
/// it was told holds which unit.
#[derive(Default)]
pub struct FlakyPanel {
    down: Cell<bool>,
    holds: RefCell<BTreeSet<(u32, String)>>,
}

impl Provider for FlakyPanel {
    fn name(&self) -> &str {
        "Flaky panel"
    }
    fn add_ips(&self, change: &IpChange) -> ipmanager::Result<()> {
        if self.down.get() {
            return Err(Error::Integration("the panel is down".into()));
        }
        let mut holds = self.holds.borrow_mut();
        for a in &change.addresses {
            holds.insert((change.service_id, a.clone()));
        }
        Ok(())
    }
    fn remove_ips(&self, change: &IpChange) -> ipmanager::Result<()> {
        if self.down.get() {
            return Err(Error::Integration("the panel is down".into()));
        }
        let mut holds = self.holds.borrow_mut();
        for a in &change.addresses {
            holds.remove(&(change.service_id, a.clone()));
        }
        Ok(())
    }
}

impl Providers for FlakyPanel {
    fn for_module(&self, _module: &str) -> Option<&dyn Provider> {
        Some(self)
    }
}

fn any_server(_: u32) -> ipmanager::Result<Option<ServerAccess>> {
    Ok(Some(ServerAccess::default()))
}

pub fn generate(rng: &mut Rng) -> (Setup, Vec<Step>) {
    let (cidr, bits, prefix, stored, units): (&'static str, u8, u8, bool, Vec<u8>) =
        match rng.below(4) {
            0 => ("10.0.0.0/27", 32, 27, true, vec![32, 32]),
            1 => ("10.0.0.0/26", 32, 26, false, vec![32, 30]),
            2 => ("2001:db8::/122", 128, 122, false, vec![128, 124]),
            _ => ("10.0.0.0/27", 32, 27, false, vec![29, 32]),
        };
    let size = 1u128 << (bits - prefix);
    let rules = random_rules(rng, bits, prefix, size);
    let mut pools = Vec::new();
    for unit in units.into_iter().take(1 + rng.below(2) as usize) {
        let usize_ = 1u128 << (bits - unit);
        let units_in_subnet = size / usize_;
        let first = u128::from(rng.below(units_in_subnet as u64 / 2 + 1) as u32);
        let last = first + u128::from(rng.below((units_in_subnet - first) as u64) as u32);
        // Single-address pools get ragged ranges; prefix pools aligned ones.
        let (lo, hi) = if unit == bits && rng.chance(50) {
            let lo = u128::from(rng.below(size as u64 / 2) as u32);
            (lo, lo + u128::from(rng.below((size - lo) as u64) as u32))
        } else {
            (first * usize_, (last + 1) * usize_ - 1)
        };
        pools.push(PoolSpec { lo, hi, unit });
    }
    let setup = Setup {
        cidr,
        bits,
        prefix,
        stored,
        rules,
        pools,
    };
    let steps = (0..10 + rng.below(25))
        .map(|_| random_step(rng, &setup, size))
        .collect();
    (setup, steps)
}

fn random_rules(rng: &mut Rng, bits: u8, prefix: u8, size: u128) -> Rules {
    let v4 = bits == 32;
    let pick = |rng: &mut Rng| u128::from(rng.below(size as u64) as u32);
    let mut gateway = if rng.chance(40) {
        Some(pick(rng))
    } else {
        None
    };
    if v4 && prefix <= 30 && gateway.is_some_and(|g| g == 0 || g == size - 1) {
        gateway = None;
    }
    Rules {
        network: rng.chance(70),
        broadcast: rng.chance(70),
        anycast: rng.chance(50),
        gateway,
        first: rng.below(3) as u32,
        last: rng.below(3) as u32,
        excluded: (0..rng.below(3)).map(|_| pick(rng)).collect(),
        reserved: (0..rng.below(2)).map(|_| pick(rng)).collect(),
    }
}

fn random_step(rng: &mut Rng, setup: &Setup, size: u128) -> Step {
    let service = 1 + rng.below(u64::from(SERVICES)) as u32;
    let pools = setup.pools.len() as u64;
    let unit_of = |rng: &mut Rng| {
        let p = rng.below(pools) as usize;
        (setup.pools[p].unit < setup.bits).then_some(p)
    };
    match rng.below(110) {
        0..=29 => Step::Allocate {
            pool: if rng.chance(80) {
                Some(rng.below(pools) as usize)
            } else {
                None
            },
            service,
            count: 1 + rng.below(3) as u32,
        },
        30..=37 => Step::ReleaseService {
            service,
            free: rng.chance(50),
        },
        38..=44 => Step::ReleaseAddress {
            pick: rng.below(1000) as usize,
            free: rng.chance(50),
        },
        45..=50 => Step::Expire {
            settle: rng.chance(50),
        },
        51..=57 => Step::EditRules(random_rules(rng, setup.bits, setup.prefix, size)),
        58..=66 => Step::Assign {
            service,
            offset: u128::from(rng.below(size as u64) as u32),
            unit_of: unit_of(rng),
        },
        67..=74 => Step::Sync {
            service,
            offset: u128::from(rng.below(size as u64) as u32),
            unit_of: unit_of(rng),
        },
        75..=79 => Step::Cleaner,
        80..=84 => Step::Suspend { service },
        85..=87 => Step::Resume { service },
        88..=92 => Step::OrphanRelease {
            free: rng.chance(50),
        },
        93..=99 => Step::Unassign {
            pick: rng.below(1000) as usize,
            free: rng.chance(50),
        },
        100..=103 => Step::PanelDown,
        104..=106 => Step::PanelUp,
        _ => Step::Drain,
    }
}

/// What the case created, by model index.
struct Ids {
    subnet: u64,
    pools: Vec<u64>,
}

pub fn run_case(test: &TestDb, setup: &Setup, steps: &[Step]) -> Result<(), String> {
    reset(test);
    let network = ipmanager::net::Cidr::parse(setup.cidr).map_err(|e| e.to_string())?;
    let mut model = Model {
        bits: setup.bits,
        prefix: setup.prefix,
        base: network.network().value,
        size: 1u128 << (setup.bits - setup.prefix),
        stored: setup.stored,
        rules: setup.rules.clone(),
        pools: setup.pools.clone(),
        units: BTreeMap::new(),
        whmcs: (1..=SERVICES)
            .map(|s| (s, ("Active".to_string(), Vec::new())))
            .collect(),
    };
    let mut input = rules_json(&model, &setup.rules);
    input["cidr"] = json!(setup.cidr);
    input["store_free_ips"] = json!(setup.stored);
    let subnet = subnets::create(&test.db, &req(input)).map_err(|e| format!("subnet: {e}"))?;
    let mut ids = Ids {
        subnet: subnet.id,
        pools: Vec::new(),
    };
    for (i, p) in setup.pools.iter().enumerate() {
        let range = format!("{}-{}", addr(&model, p.lo), addr(&model, p.hi));
        let pool = pools::create(
            &test.db,
            &req(json!({"subnet_id": subnet.id, "name": format!("p{i}"), "range": range, "prefix_len": p.unit})),
        )
        .map_err(|e| format!("pool {i}: {e}"))?;
        ids.pools.push(pool.id);
    }
    check(test, &model, &ids).map_err(|e| format!("after set-up: {e}"))?;
    let panel = FlakyPanel::default();
    let integrations = Integrations {
        panels: &panel,
        servers: &any_server,
        deadline: None,
    };
    let world = World {
        test,
        ids: &ids,
        panel: &panel,
        integrations: &integrations,
    };
    for (i, step) in steps.iter().enumerate() {
        apply(&world, &mut model, step).map_err(|e| format!("step {i} {step:?}: {e}"))?;
        check(test, &model, &ids).map_err(|e| format!("after step {i} {step:?}: {e}"))?;
        check_panel(&model, &panel).map_err(|e| format!("after step {i} {step:?}: {e}"))?;
    }
    // The panel comes back and the cron runs: nothing is left waiting.
    apply(&world, &mut model, &Step::PanelUp)?;
    for _ in 0..2 {
        apply(&world, &mut model, &Step::Drain)?;
    }
    check(test, &model, &ids).map_err(|e| format!("after the final drain: {e}"))?;
    if model
        .units
        .values()
        .any(|u| matches!(u.state, Held::Releasing { .. }))
    {
        return Err(
            "units still releasing after the panel came back and the outbox drained".into(),
        );
    }
    let waiting: u64 = test
        .conn()
        .query_first("SELECT COUNT(*) FROM mod_ipmanager_outbox WHERE status = 'pending'")
        .unwrap()
        .unwrap_or(0);
    if waiting > 0 {
        return Err(format!(
            "{waiting} panel changes still waiting after the final drain"
        ));
    }
    Ok(())
}

/// What a step runs against.
struct World<'a> {
    test: &'a TestDb,
    ids: &'a Ids,
    panel: &'a FlakyPanel,
    integrations: &'a Integrations<'a>,
}

/// Nothing the panel holds is free or another service's: every unit it was told a service
/// holds is held by that service in the model (which `check` holds equal to the database),
/// assigned or waiting for the panel's removal.
fn check_panel(model: &Model, panel: &FlakyPanel) -> Result<(), String> {
    for (service, text) in panel.holds.borrow().iter() {
        let held = model.units.iter().any(|(start, u)| {
            u.service == *service
                && model.text(*start, u.len) == *text
                && matches!(u.state, Held::Assigned | Held::Releasing { .. })
        });
        if !held {
            return Err(format!(
                "the panel still has {text} for service {service}, but IP Manager does not hold it for that service"
            ));
        }
    }
    Ok(())
}

fn reset(test: &TestDb) {
    let mut c = test.conn();
    c.query_drop(
        "DELETE FROM mod_ipmanager_addresses; DELETE FROM mod_ipmanager_pools; DELETE FROM mod_ipmanager_subnets; \
         DELETE FROM mod_ipmanager_logs; DELETE FROM mod_ipmanager_operations; DELETE FROM tblhosting; \
         DELETE FROM tblproducts; DELETE FROM mod_ipmanager_outbox",
    )
    .unwrap();
    c.query_drop("INSERT INTO tblproducts (id, type, name, servertype) VALUES (1, 'server', 'VPS', 'proxmox')")
        .unwrap();
    for s in 1..=SERVICES {
        c.exec_drop(
            "INSERT INTO tblhosting (id, userid, packageid, domain, domainstatus) VALUES (?, 1, 1, ?, 'Active')",
            (s, format!("s{s}.example")),
        )
        .unwrap();
    }
}

fn addr(model: &Model, offset: u128) -> String {
    Addr::new(family(model.bits), model.base + offset).to_string()
}

fn rules_json(model: &Model, r: &Rules) -> Value {
    let list = |v: &[u128]| {
        v.iter()
            .map(|o| addr(model, *o))
            .collect::<Vec<_>>()
            .join(",")
    };
    json!({
        "name": "model", "reserve_network": r.network, "reserve_broadcast": r.broadcast,
        "reserve_anycast": r.anycast, "reserve_gateway": true,
        "gateway": r.gateway.map(|g| addr(model, g)).unwrap_or_default(),
        "reserve_first": r.first, "reserve_last": r.last,
        "excluded": list(&r.excluded), "reserved": list(&r.reserved),
    })
}

fn mode(free: bool) -> ReleaseMode {
    if free {
        ReleaseMode::Free
    } else {
        ReleaseMode::Quarantine {
            hours: QUARANTINE_HOURS,
        }
    }
}

/// Releases a model unit as `mode` would: quarantine an assigned one, else free it.
fn release_in_model(model: &mut Model, start: u128, free: bool) {
    let Some(unit) = model.units.get_mut(&start) else {
        return;
    };
    if !free && matches!(unit.state, Held::Assigned | Held::Releasing { .. }) {
        unit.state = Held::Quarantined;
    } else {
        model.units.remove(&start);
    }
}

fn target(ids: &Ids, pool: Option<usize>) -> Target {
    match pool {
        Some(i) => Target::Pool(ids.pools[i]),
        None => Target::Subnet(ids.subnet),
    }
}

/// A unit's removal as the panel path reports it: released (and gone from WHMCS) when the
/// panel confirmed, else waiting for it.
fn removal_in_model(model: &mut Model, start: u128, free: bool, confirmed: bool) {
    if confirmed {
        let Some(unit) = model.units.get(&start) else {
            return;
        };
        let (service, text) = (unit.service, model.text(start, unit.len));
        release_in_model(model, start, free);
        model.whmcs_remove(service, &text);
    } else if let Some(unit) = model.units.get_mut(&start) {
        unit.state = Held::Releasing { free };
    }
}

fn start_of(model: &Model, text: &str) -> Option<u128> {
    model
        .units
        .iter()
        .find(|(s, u)| model.text(**s, u.len) == text)
        .map(|(s, _)| *s)
}

/// The low-level release (`ipmanager_release`, what a termination calls) does not ask the
/// panel: the account goes with its IPs, so the panel forgets what it held there.
fn panel_forgets(world: &World<'_>, model: &Model, start: u128) {
    if let Some(u) = model.units.get(&start) {
        let text = model.text(start, u.len);
        world.panel.holds.borrow_mut().remove(&(u.service, text));
    }
}

fn apply(world: &World<'_>, model: &mut Model, step: &Step) -> Result<(), String> {
    let (test, ids, integrations) = (world.test, world.ids, world.integrations);
    let db = &test.db;
    match step {
        Step::Allocate {
            pool,
            service,
            count,
        } => {
            let held = model.held_by(*service, *pool);
            let (_, _, len) = model.target(*pool);
            let fresh: Option<Vec<u128>> = if held.len() >= *count as usize {
                Some(Vec::new())
            } else {
                let need = *count as usize - held.len();
                let available = model.available(*pool);
                (available.len() >= need).then(|| available[..need].to_vec())
            };
            let got = allocator::allocate(db, target(ids, *pool), *service, *count);
            match (fresh, got) {
                (Some(fresh), Ok(got)) => {
                    let mut want: Vec<(String, bool)> = held
                        .iter()
                        .take(*count as usize)
                        .map(|s| (model.text(*s, len), false))
                        .chain(fresh.iter().map(|s| (model.text(*s, len), true)))
                        .collect();
                    let mut got: Vec<(String, bool)> =
                        got.into_iter().map(|a| (a.address, a.new)).collect();
                    want.sort();
                    got.sort();
                    if want != got {
                        return Err(format!("allocated {got:?}, the model expected {want:?}"));
                    }
                    for start in fresh {
                        if (start..start + model.unit_size(len)).any(|o| model.blocked(o)) {
                            return Err(format!(
                                "handed out a blocked unit {}",
                                model.text(start, len)
                            ));
                        }
                        model.units.insert(
                            start,
                            Unit {
                                len,
                                service: *service,
                                pool: *pool,
                                state: Held::Assigned,
                            },
                        );
                    }
                }
                (None, Err(Error::PoolExhausted(_))) => {}
                (want, got) => {
                    return Err(format!(
                        "model expected {want:?}, the allocator gave {got:?}"
                    ));
                }
            }
        }
        Step::ReleaseService { service, free } => {
            release::release_service(db, *service, None, mode(*free)).map_err(|e| e.to_string())?;
            // Units waiting for the panel's removal are left to its confirmation.
            let mine: Vec<u128> = model
                .units
                .iter()
                .filter(|(_, u)| u.service == *service && u.state == Held::Assigned)
                .map(|(s, _)| *s)
                .collect();
            for start in mine {
                panel_forgets(world, model, start);
                release_in_model(model, start, *free);
            }
        }
        Step::ReleaseAddress { pick, free } => {
            let held: Vec<(u128, u8)> = model.units.iter().map(|(s, u)| (*s, u.len)).collect();
            if held.is_empty() {
                return Ok(());
            }
            let (start, len) = held[pick % held.len()];
            let got = release::release_address(db, &model.text(start, len), mode(*free));
            match (model.units[&start].state, got) {
                // Never freed while its panel may still have it.
                (Held::Releasing { .. }, Err(Error::Conflict(_))) => {}
                (Held::Releasing { .. }, got) => {
                    return Err(format!("released a unit waiting for its panel: {got:?}"));
                }
                (_, got) => {
                    got.map_err(|e| e.to_string())?;
                    panel_forgets(world, model, start);
                    release_in_model(model, start, *free);
                }
            }
        }
        Step::Expire { settle } => {
            test.conn()
                .query_drop(
                    "UPDATE mod_ipmanager_addresses SET quarantine_until = UTC_TIMESTAMP() - INTERVAL 1 SECOND \
                     WHERE state = 'quarantined'",
                )
                .unwrap();
            if *settle {
                upkeep::run(db).map_err(|e| e.to_string())?;
            }
            model.units.retain(|_, u| u.state != Held::Quarantined);
        }
        Step::EditRules(rules) => {
            subnets::update(db, ids.subnet, &req(rules_json(model, rules)))
                .map_err(|e| e.to_string())?;
            model.rules = rules.clone();
        }
        Step::Assign {
            service,
            offset,
            unit_of,
        } => {
            let len = unit_of.map_or(model.bits, |p| model.pools[p].unit);
            let size = model.unit_size(len);
            let start = offset / size * size;
            let text = model.text(start, len);
            let expect_ok = model.is_available(start, len) && !(model.stored && len < model.bits);
            let got = assignments::assign(
                db,
                &req(json!({"service_id": service, "address": text})),
                integrations,
            );
            match (expect_ok, got) {
                (true, Ok(shown)) if shown.address == text => {
                    let pool = model.pool_for(start, len);
                    model.units.insert(
                        start,
                        Unit {
                            len,
                            service: *service,
                            pool,
                            state: Held::Assigned,
                        },
                    );
                    model.whmcs_add(*service, &text);
                }
                (false, Err(Error::Conflict(_))) => {}
                (want, got) => {
                    return Err(format!(
                        "assign {text}: model says available={want}, got {got:?}"
                    ));
                }
            }
        }
        Step::Sync {
            service,
            offset,
            unit_of,
        } => {
            let len = unit_of.map_or(model.bits, |p| model.pools[p].unit);
            let size = model.unit_size(len);
            let text = model.text(offset / size * size, len);
            add_to_whmcs(test, *service, &text);
            model.whmcs_add(*service, &text);
            sync::run(db, &req(json!({}))).map_err(|e| e.to_string())?;
            sync_in_model(model);
        }
        Step::Cleaner => {
            let run = cleaner::run(db, cleaner::Behavior::MarkFree, integrations)
                .map_err(|e| e.to_string())?;
            let stale: Vec<u128> = model
                .units
                .iter()
                .filter(|(start, u)| {
                    u.state == Held::Assigned && {
                        let listed = &model.whmcs[&u.service].1;
                        !listed.contains(&model.text(**start, u.len))
                            && !listed.contains(&addr(model, **start))
                    }
                })
                .map(|(s, _)| *s)
                .collect();
            let reported: BTreeMap<String, Option<String>> = run
                .stale
                .into_iter()
                .map(|s| (s.address, s.panel_error))
                .collect();
            if reported.len() != stale.len() {
                return Err(format!(
                    "cleaner reported {reported:?}, the model expected {} stale",
                    stale.len()
                ));
            }
            for start in stale {
                let text = model.text(start, model.units[&start].len);
                let Some(error) = reported.get(&text) else {
                    return Err(format!("cleaner did not report {text}: {reported:?}"));
                };
                removal_in_model(model, start, true, error.is_none());
            }
        }
        Step::Suspend { service } | Step::Resume { service } => {
            let status = if matches!(step, Step::Suspend { .. }) {
                "Suspended"
            } else {
                "Active"
            };
            test.conn()
                .exec_drop(
                    "UPDATE tblhosting SET domainstatus = ? WHERE id = ?",
                    (status, service),
                )
                .unwrap();
            model.whmcs.entry(*service).or_default().0 = status.to_string();
        }
        Step::OrphanRelease { free } => {
            let mode_text = if *free { "free" } else { "quarantine" };
            let report = orphans::release(
                db,
                &req(json!({"all": true, "mode": mode_text})),
                integrations,
                QUARANTINE_HOURS,
            )
            .map_err(|e| e.to_string())?;
            let orphans: Vec<(u128, u8)> = model
                .units
                .iter()
                .filter(|(_, u)| {
                    matches!(u.state, Held::Assigned | Held::Releasing { .. })
                        && model.whmcs[&u.service].0 != "Active"
                })
                .map(|(s, u)| (*s, u.len))
                .collect();
            if report.released.len() + report.failed.len() != orphans.len()
                || !report.skipped.is_empty()
            {
                return Err(format!(
                    "released {:?}, the model expected {} orphans",
                    report,
                    orphans.len()
                ));
            }
            for (start, len) in orphans {
                let text = model.text(start, len);
                let confirmed = report.released.contains(&text);
                if !confirmed && !report.failed.iter().any(|(a, _)| *a == text) {
                    return Err(format!(
                        "orphan {text} neither released nor failed: {report:?}"
                    ));
                }
                removal_in_model(model, start, *free, confirmed);
            }
        }
        Step::Unassign { pick, free } => {
            let assigned: Vec<(u128, u8, u32)> = model
                .units
                .iter()
                .filter(|(_, u)| matches!(u.state, Held::Assigned | Held::Releasing { .. }))
                .map(|(s, u)| (*s, u.len, u.service))
                .collect();
            if assigned.is_empty() {
                return Ok(());
            }
            let (start, _, service) = assigned[pick % assigned.len()];
            let id: Option<u64> = test
                .conn()
                .exec_first(
                    "SELECT id FROM mod_ipmanager_addresses WHERE subnet_id = ? AND address = ?",
                    (
                        ids.subnet,
                        Addr::new(family(model.bits), model.base + start).to_bytes(),
                    ),
                )
                .unwrap();
            let mode_text = if *free { "free" } else { "quarantine" };
            let done = assignments::unassign(
                db,
                &req(json!({"id": id, "service_id": service, "mode": mode_text})),
                integrations,
                QUARANTINE_HOURS,
            )
            .map_err(|e| e.to_string())?;
            removal_in_model(model, start, *free, done.error.is_none());
        }
        Step::PanelDown => world.panel.down.set(true),
        Step::PanelUp => world.panel.down.set(false),
        Step::Drain => {
            test.conn()
                .query_drop("UPDATE mod_ipmanager_outbox SET next_attempt_at = UTC_TIMESTAMP(3) WHERE status = 'pending'")
                .unwrap();
            let done = outbox::deliver_due(
                db,
                &integrations.delivery(),
                100,
                &ipmanager::jobs::unassign::after_delivery,
            )
            .map_err(|e| e.to_string())?;
            for d in done
                .iter()
                .filter(|d| d.error.is_none() && d.operation == outbox::Operation::Remove)
            {
                for text in &d.addresses {
                    let Some(start) = start_of(model, text) else {
                        continue;
                    };
                    if let Held::Releasing { free } = model.units[&start].state {
                        removal_in_model(model, start, free, true);
                    }
                }
            }
        }
    }
    Ok(())
}

/// The dedicated IP if empty, else one more assigned IP (as WHMCS admins type them).
fn add_to_whmcs(test: &TestDb, service: u32, text: &str) {
    let (dedicated, assigned): (String, String) = test
        .conn()
        .exec_first(
            "SELECT dedicatedip, assignedips FROM tblhosting WHERE id = ?",
            (service,),
        )
        .unwrap()
        .unwrap();
    let listed = dedicated == text || assigned.lines().any(|l| l.trim() == text);
    if listed {
        return;
    }
    let sql = if dedicated.is_empty() {
        "UPDATE tblhosting SET dedicatedip = ? WHERE id = ?"
    } else {
        "UPDATE tblhosting SET assignedips = TRIM(LEADING '\n' FROM CONCAT(assignedips, '\n', ?)) WHERE id = ?"
    };
    test.conn().exec_drop(sql, (text, service)).unwrap();
}

/// Synchronize as the model sees it: every service WHMCS still keeps (here: every one), its
/// IPs sorted by address, then service; the earlier claim wins.
fn sync_in_model(model: &mut Model) {
    let mut entries: Vec<(u128, u32, u8)> = Vec::new();
    for (service, (_, ips)) in &model.whmcs {
        for text in ips {
            let cidr = release::parse_unit(text, "a").unwrap();
            let start = cidr.network().value - model.base;
            entries.push((start, *service, cidr.prefix_len()));
        }
    }
    entries.sort();
    for (start, service, len) in entries {
        let size = model.unit_size(len);
        let overlapping: Vec<(u128, Unit)> = model
            .units
            .iter()
            .filter(|(s, u)| **s < start + size && start < **s + model.unit_size(u.len))
            .map(|(s, u)| (*s, u.clone()))
            .collect();
        if !overlapping.is_empty() {
            continue; // already correct, or conflicting: nothing changes either way
        }
        if (start..start + size).any(|o| model.blocked(o)) || (model.stored && len < model.bits) {
            continue;
        }
        let pool = model.pool_for(start, len);
        model.units.insert(
            start,
            Unit {
                len,
                service,
                pool,
                state: Held::Assigned,
            },
        );
    }
}

/// A held unit as text, holder, state and pool.
type HeldRow = (String, Option<u32>, String, Option<u64>);

fn check(test: &TestDb, model: &Model, ids: &Ids) -> Result<(), String> {
    let mut c = test.conn();
    // 1. What is held equals the model.
    type Raw = (Vec<u8>, u8, Option<u32>, String, Option<u64>);
    let rows: Vec<Raw> = c
        .exec(
            "SELECT address, prefix_len, service_id, state, pool_id FROM mod_ipmanager_addresses WHERE subnet_id = ? \
             AND state <> 'free' AND blocked = 0 AND NOT (state = 'quarantined' AND quarantine_until <= UTC_TIMESTAMP()) \
             ORDER BY address",
            (ids.subnet,),
        )
        .unwrap();
    let got: Vec<HeldRow> = rows
        .into_iter()
        .map(|(a, len, svc, state, pool)| {
            let a = Addr::from_bytes(&a).unwrap().value - model.base;
            (model.text(a, len), svc, state, pool)
        })
        .collect();
    let want: Vec<HeldRow> = model
        .units
        .iter()
        .map(|(s, u)| {
            let state = match u.state {
                Held::Assigned => "assigned",
                Held::Quarantined => "quarantined",
                Held::Releasing { .. } => "releasing",
            };
            (
                model.text(*s, u.len),
                Some(u.service),
                state.to_string(),
                u.pool.map(|p| ids.pools[p]),
            )
        })
        .collect();
    if got != want {
        return Err(format!("held rows {got:?}\n  model {want:?}"));
    }
    // 2. The free list of every target is the model's naive list.
    let targets: Vec<Option<usize>> = std::iter::once(None)
        .chain((0..model.pools.len()).map(Some))
        .collect();
    for t in targets {
        let listed =
            release::free_units(&test.db, target(ids, t), None, 500).map_err(|e| e.to_string())?;
        let (_, _, len) = model.target(t);
        let want: Vec<String> = model
            .available(t)
            .into_iter()
            .map(|s| model.text(s, len))
            .collect();
        if listed != want {
            return Err(format!("free list of {t:?}: {listed:?}\n  model: {want:?}"));
        }
        // Utilization counts the same free units.
        let free = match t {
            None => api::subnet_view(&test.db, ids.subnet).map(|v| v.utilization.free),
            Some(p) => api::pool_view(&test.db, ids.pools[p]).map(|v| v.utilization.free),
        }
        .map_err(|e| e.to_string())?;
        if free.get() != want.len() as u128 {
            return Err(format!(
                "utilization of {t:?} says {} free, the model {}",
                free.get(),
                want.len()
            ));
        }
    }
    // 3. Counters equal a recount.
    let counters: (String, String) = c
        .exec_first(
            "SELECT CAST(assigned_count AS CHAR), CAST(reserved_count AS CHAR) FROM mod_ipmanager_subnets WHERE id = ?",
            (ids.subnet,),
        )
        .unwrap()
        .unwrap();
    let recount: (String, String) = c
        .exec_first(
            "SELECT CAST(COALESCE(SUM(IF(state IN ('assigned', 'releasing'), size, 0)), 0) AS CHAR), \
             CAST(COALESCE(SUM(IF(state IN ('reserved', 'quarantined'), size, 0)), 0) AS CHAR) \
             FROM mod_ipmanager_addresses WHERE subnet_id = ? AND blocked = 0",
            (ids.subnet,),
        )
        .unwrap()
        .unwrap();
    if counters != recount {
        return Err(format!("subnet counters {counters:?}, recount {recount:?}"));
    }
    for pool in &ids.pools {
        let (counter, rows): (u64, u64) = c
            .exec_first(
                "SELECT assigned_count, (SELECT COUNT(*) FROM mod_ipmanager_addresses WHERE pool_id = p.id \
                 AND state IN ('assigned', 'releasing')) FROM mod_ipmanager_pools p WHERE id = ?",
                (pool,),
            )
            .unwrap()
            .unwrap();
        if counter != rows {
            return Err(format!("pool #{pool} counter {counter}, recount {rows}"));
        }
    }
    // 4. Free space is consistent: rows never overlap; held rows are aligned units; free
    //    rows avoid blocked addresses, are single addresses (stored) or maximal runs that
    //    never touch and record the largest aligned block they hold (sparse); together with
    //    held rows and blocked addresses they cover the subnet.
    let all: Vec<(Vec<u8>, Vec<u8>, u8, String)> = c
        .exec(
            "SELECT address, last_address, prefix_len, state FROM mod_ipmanager_addresses WHERE subnet_id = ? ORDER BY address",
            (ids.subnet,),
        )
        .unwrap();
    let mut covered: BTreeSet<u128> = BTreeSet::new();
    let mut previous: Option<(u128, bool)> = None;
    for (a, b, len, state) in all {
        let (a, b) = (
            Addr::from_bytes(&a).unwrap().value - model.base,
            Addr::from_bytes(&b).unwrap().value - model.base,
        );
        let free = state == "free";
        if let Some((end, was_free)) = previous {
            if a <= end {
                return Err(format!("rows overlap at {}", addr(model, a)));
            }
            if free && was_free && a == end + 1 && !model.stored {
                return Err(format!(
                    "free runs touch at {} (they were not merged)",
                    addr(model, a)
                ));
            }
        }
        previous = Some((b, free));
        if free {
            if (a..=b).any(|o| model.blocked(o)) {
                return Err(format!(
                    "free row {}-{} covers a blocked address",
                    addr(model, a),
                    addr(model, b)
                ));
            }
            if model.stored && a != b {
                return Err(format!(
                    "stored subnet with a free run {}-{}",
                    addr(model, a),
                    addr(model, b)
                ));
            }
            let fit = ipmanager::ipam::space::blocks::Run::new(model.base + a, model.base + b)
                .unwrap()
                .fit();
            if len != model.bits - fit {
                return Err(format!(
                    "free run {}-{} records /{len}, holds a /{}",
                    addr(model, a),
                    addr(model, b),
                    model.bits - fit
                ));
            }
        } else if b - a + 1 != model.unit_size(len)
            || !(model.base + a).is_multiple_of(model.unit_size(len))
        {
            return Err(format!("row {} is not an aligned /{len}", addr(model, a)));
        }
        covered.extend(a..=b);
    }
    if let Some(hole) = (0..model.size).find(|o| !covered.contains(o) && !model.blocked(*o)) {
        return Err(format!(
            "{} is neither free, held nor blocked: lost",
            addr(model, hole)
        ));
    }
    // 5. WHMCS's fields are what the model says.
    for (service, (_, ips)) in &model.whmcs {
        let (d, a): (String, String) = c
            .exec_first(
                "SELECT dedicatedip, assignedips FROM tblhosting WHERE id = ?",
                (service,),
            )
            .unwrap()
            .unwrap();
        let got: BTreeSet<String> = std::iter::once(d.as_str())
            .chain(a.lines())
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(String::from)
            .collect();
        let want: BTreeSet<String> = ips.iter().cloned().collect();
        if got != want {
            return Err(format!(
                "service #{service} in WHMCS {got:?}, model {want:?}"
            ));
        }
    }
    Ok(())
}
