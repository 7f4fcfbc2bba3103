//! Faults between the client and the server, injected by a proxy:
//! - the COMMIT acknowledgement is lost after the server committed, for every mutation:
//!   the retry must find the committed change and report exactly it, never apply it twice;
//! - a server that accepts connections and never answers: every call gives up within the
//!   retry budget with a clear message.

mod support;

use ipmanager::audit::{self, Actor};
use ipmanager::ipam::allocator::{self, Target};
use ipmanager::ipam::{api, pools, subnets};
use ipmanager::jobs::{alerts, assignments, cleaner, client_ips, orphans, sync, upkeep};
use ipmanager::providers::Integrations;
use ipmanager::provision::{configs, create, grow};
use ipmanager::store::{Db, DbConfig};
use mysql::prelude::Queryable;
use serde_json::{Value, json};
use std::time::{Duration, Instant};
use support::TestDb;
use support::proxy::Proxy;
use support::req;

/// Services 1-5 (1 and 2 with addresses, 2 suspended, 5 with an IP WHMCS knows and IP
/// Manager does not), a stored IPv4 subnet and a sparse IPv6 one with pools, a configuration
/// for PreModuleCreate, a quarantined address, and a stale address for the cleaner.
fn setup(test: &TestDb) {
    audit::set_actor(Actor::System);
    support::ipam::whmcs_tables(test);
    let mut c = test.conn();
    c.query_drop(
        "INSERT INTO tblproducts (id, type, name, servertype) VALUES (1, 'server', 'VPS', 'proxmox'); \
         INSERT INTO tblhosting (id, userid, packageid, domain, domainstatus, dedicatedip) VALUES \
         (1, 1, 1, 'a', 'Active', '10.60.0.1'), (2, 1, 1, 'b', 'Suspended', ''), (3, 1, 1, 'c', 'Active', ''), \
         (4, 1, 1, 'd', 'Pending', ''), (5, 1, 1, 'e', 'Active', '10.60.0.40'); \
         INSERT INTO tblservers (id, name, type, hostname) VALUES (3, 'node3', 'proxmox', 'node3.example')",
    )
    .unwrap();
    let db = &test.db;
    let v4 = subnets::create(
        db,
        &req(json!({"cidr": "10.60.0.0/26", "name": "v4", "gateway": "10.60.0.62"})),
    )
    .unwrap();
    let v6 = subnets::create(db, &req(json!({"cidr": "2001:db8:60::/120", "name": "v6"}))).unwrap();
    let p4 = pools::create(
        db,
        &req(json!({"subnet_id": v4.id, "name": "p4", "range": "10.60.0.1-10.60.0.30"})),
    )
    .unwrap();
    pools::create(
        db,
        &req(json!({"subnet_id": v6.id, "name": "p6", "prefix_len": 124})),
    )
    .unwrap();
    allocator::allocate(db, Target::Pool(p4.id), 1, 1).unwrap(); // .1, listed in WHMCS
    allocator::allocate(db, Target::Pool(p4.id), 2, 2).unwrap(); // .2 .3, suspended service
    allocator::allocate(db, Target::Pool(p4.id), 3, 1).unwrap(); // .4, stale (WHMCS lists nothing)
    api::release(
        db,
        &req(json!({"address": "10.60.0.4", "mode": "quarantine", "quarantine_hours": 5})),
    )
    .unwrap();
    allocator::allocate(db, Target::Pool(p4.id), 3, 1).unwrap(); // .5, stale
    // .4's quarantine has ended (not yet returned); an operation key is old enough to purge.
    c.query_drop(
        "UPDATE mod_ipmanager_addresses SET quarantine_until = UTC_TIMESTAMP() - INTERVAL 1 HOUR WHERE state = 'quarantined'; \
         INSERT INTO mod_ipmanager_operations (op_key, created_at, result) \
         VALUES (UNHEX('00000000000000000000000000000001'), UTC_TIMESTAMP() - INTERVAL 2 DAY, '\"old\"')",
    )
    .unwrap();
    let config = configs::save(db, &req(json!({"name": "VPS", "ipv4_count": 1}))).unwrap();
    configs::add_relation(db, &req(json!({"configuration_id": config, "target_type": "product", "target_id": 1, "pool_id": p4.id})))
        .unwrap();
}

/// Every mutation, by number; returns what the caller would be told.
fn mutate(db: &Db, which: usize) -> Value {
    let hours = 24;
    let outcome = match which {
        0 => allocator::allocate(db, Target::Pool(1), 9, 2).map(|r| json!(r)),
        1 => allocator::allocate(db, Target::Subnet(2), 9, 1).map(|r| json!(r)),
        2 => allocator::allocate(db, Target::Pool(2), 9, 3).map(|r| json!(r)),
        3 => api::release(db, &req(json!({"address": "10.60.0.1", "mode": "free"})))
            .map(|r| json!(r)),
        4 => api::release(
            db,
            &req(json!({"service_id": 2, "mode": "quarantine", "quarantine_hours": 3})),
        )
        .map(|r| json!(r)),
        5 => subnets::create(db, &req(json!({"cidr": "10.61.0.0/24", "name": "new"})))
            .map(|s| json!(s.id)),
        6 => subnets::update(
            db,
            1,
            &req(json!({"name": "v4", "gateway": "10.60.0.62", "excluded": "10.60.0.6-10.60.0.9"})),
        )
        .map(|(_, r)| json!(r)),
        7 => subnets::delete(db, 2, true).map(|r| json!(r)),
        8 => pools::create(
            db,
            &req(json!({"subnet_id": 1, "name": "more", "range": "10.60.0.31-10.60.0.40"})),
        )
        .map(|p| json!(p.id)),
        9 => pools::update(
            db,
            1,
            &req(json!({"name": "p4 renamed", "range": "10.60.0.1-10.60.0.35"})),
        )
        .map(|p| json!(p.id)),
        10 => pools::delete(db, 1, true).map(|n| json!(n)),
        11 => assignments::assign(
            db,
            &req(json!({"service_id": 4, "address": "10.60.0.20"})),
            &Integrations::none(),
        )
        .map(|a| json!(a)),
        12 => {
            assignments::assign(db, &req(json!({"service_id": 4, "pool_id": 2})), &Integrations::none()).map(|a| json!(a))
        }
        13 => assignments::unassign(
            db,
            &req(json!({"id": row_id(db, 1), "service_id": 1, "mode": "free"})),
            &Integrations::none(),
            hours,
        )
        .map(|r| json!(r)),
        14 => orphans::release(
            db,
            &req(json!({"all": true, "mode": "free"})),
            &Integrations::none(),
            hours,
        )
        .map(|r| json!(r)),
        15 => sync::run(db, &req(json!({}))).map(|r| json!(r)),
        16 => cleaner::run(db, cleaner::Behavior::MarkFree, &Integrations::none()).map(|r| json!(r)),
        17 => configs::save(db, &req(json!({"name": "Second", "ipv4_count": 2}))).map(|id| json!(id)),
        18 => configs::add_relation(
            db,
            &req(json!({"configuration_id": 1, "target_type": "server", "target_id": 3, "pool_id": 1})),
        )
        .map(|id| json!(id)),
        19 => configs::delete_relation(db, 1).map(|()| json!(null)),
        20 => configs::delete(db, 1).map(|()| json!(null)),
        21 => create::pre_module_create(db, &req(json!({"serviceid": 4, "customfields": {}})))
            .map(|r| json!(r)),
        22 => alerts::check(db).map(|r| json!(r.crossings)),
        23 => upkeep::run(db).map(|r| json!(r)),
        24 => client_ips::unassign(db, 1, row_id(db, 3), &Integrations::none()).map(|r| json!(r)),
        25 => grow::grow(db, 4, &Integrations::none()).map(|r| json!(r)),
        _ => unreachable!(),
    };
    match outcome {
        Ok(v) => v,
        Err(e) => json!({"refused": e.to_string()}),
    }
}

const MUTATIONS: usize = 26;

fn row_id(db: &Db, service: u32) -> u64 {
    db.run(ipmanager::store::RetryPolicy::Transient, |c| {
        Ok(c.exec_first::<u64, _, _>(
            "SELECT id FROM mod_ipmanager_addresses WHERE service_id = ? AND state = 'assigned' ORDER BY address LIMIT 1",
            (service,),
        )?)
    })
    .unwrap()
    .unwrap()
}

/// Everything the module and WHMCS hold, without clock readings and operation keys.
fn dump(test: &TestDb) -> Vec<String> {
    let mut c = test.conn();
    let mut out = Vec::new();
    for table in [
        "mod_ipmanager_subnets",
        "mod_ipmanager_pools",
        "mod_ipmanager_addresses",
        "mod_ipmanager_logs",
        "mod_ipmanager_configurations",
        "mod_ipmanager_relations",
        "mod_ipmanager_usage_alerts",
        "mod_ipmanager_operations",
        "tblhosting",
    ] {
        let rows: Vec<mysql::Row> = c.query(format!("SELECT * FROM {table}")).unwrap();
        let mut lines: Vec<String> = rows
            .into_iter()
            .map(|row| {
                let columns = row.columns();
                row.unwrap()
                    .into_iter()
                    .zip(columns.iter())
                    .filter(|(_, col)| {
                        let name = col.name_str();
                        !(name.ends_with("_at")
                            || name == "quarantine_until"
                            || name == "op_key"
                            || name == "regdate")
                    })
                    .map(|(v, col)| format!("{}={}", col.name_str(), v.as_sql(false)))
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect();
        lines.sort();
        out.extend(lines.into_iter().map(|l| format!("{table}: {l}")));
    }
    out
}

// Three parts, so the mutations run on three connections at once.
#[test]
fn a_lost_commit_acknowledgement_never_applies_ipam_changes_twice() {
    lost_acknowledgements(0..8);
}

#[test]
fn a_lost_commit_acknowledgement_never_applies_assignment_changes_twice() {
    lost_acknowledgements(8..16);
}

#[test]
fn a_lost_commit_acknowledgement_never_applies_job_or_configuration_changes_twice() {
    lost_acknowledgements(16..MUTATIONS);
}

/// Runs each mutation on two identical databases, once cleanly and once with its first
/// COMMIT acknowledgement lost: the caller must be told the same, and the state be the same.
fn lost_acknowledgements(mutations: std::ops::Range<usize>) {
    let base = support::base_config();
    let proxy = Proxy::start(base.port);
    for which in mutations {
        let clean = support::ipam::migrated(&format!("ack_clean_{which}"));
        setup(&clean);
        let told_clean = mutate(&clean.db, which);
        assert!(
            told_clean.get("refused").is_none(),
            "mutation {which} failed: {told_clean}"
        );

        let faulty = support::ipam::migrated(&format!("ack_lost_{which}"));
        setup(&faulty);
        let through_proxy = Db::connect(&DbConfig {
            port: proxy.port,
            ..faulty.config.clone()
        })
        .unwrap();
        let broken_before = proxy.broken.load(std::sync::atomic::Ordering::SeqCst);
        proxy.lose_next_commit_ack();
        let told_faulty = mutate(&through_proxy, which);
        assert_eq!(
            proxy.broken.load(std::sync::atomic::Ordering::SeqCst),
            broken_before + 1,
            "mutation {which}: no COMMIT acknowledgement was lost (the fault was not injected)"
        );
        assert!(
            through_proxy.retried_attempts() >= 1,
            "mutation {which} was not retried"
        );
        assert_eq!(
            told_faulty, told_clean,
            "mutation {which}: the caller was told something else"
        );
        let (a, b) = (dump(&clean), dump(&faulty));
        if a != b {
            let only_clean: Vec<&String> = a.iter().filter(|l| !b.contains(l)).collect();
            let only_faulty: Vec<&String> = b.iter().filter(|l| !a.contains(l)).collect();
            panic!(
                "mutation {which}: the state differs\nclean only: {only_clean:#?}\nfaulty only: {only_faulty:#?}"
            );
        }
    }
}

#[test]
fn a_server_that_never_answers_is_given_up_on_within_the_budget() {
    let base = support::base_config();
    let test = support::ipam::migrated("silent");
    let proxy = Proxy::start(base.port);
    let db = Db::connect(&DbConfig {
        port: proxy.port,
        ..test.config.clone()
    })
    .unwrap();
    // Works while the server answers.
    assert!(api::subnet_list(&db).unwrap().is_empty());
    proxy.go_silent();
    let started = Instant::now();
    let err = subnets::create(&db, &req(json!({"cidr": "10.62.0.0/24", "name": "x"}))).unwrap_err();
    let spent = started.elapsed();
    assert!(matches!(err, ipmanager::Error::Database(_)), "{err:?}");
    assert!(spent < Duration::from_secs(21), "gave up after {spent:?}");
    assert!(
        spent >= Duration::from_secs(4),
        "gave up too early ({spent:?}), before any timeout"
    );
    let message = err.to_string();
    assert!(message.contains("15 s"), "{message}");
    // A fresh connection to a server that accepts and never answers fails the same way.
    let started = Instant::now();
    let err = match Db::connect(&DbConfig {
        port: proxy.port,
        ..test.config.clone()
    }) {
        Err(e) => e,
        Ok(fresh) => fresh.server_version().unwrap_err(),
    };
    assert!(matches!(err, ipmanager::Error::Database(_)), "{err:?}");
    assert!(
        started.elapsed() < Duration::from_secs(21),
        "{:?}",
        started.elapsed()
    );
}
