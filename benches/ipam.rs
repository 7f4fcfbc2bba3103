//! `make bench`: IPAM figures, each comparison measured side by side in this run.
//! Prints numbers and ratios; asserts nothing. Needs the private MariaDB (make db).
//! `IPM_BENCH=latency,provisioning,…` runs only those sections (while working on one).

#[path = "ipam/flatness.rs"]
mod flatness;
#[path = "ipam/latency.rs"]
mod latency;
#[path = "ipam/measure.rs"]
mod measure;
#[path = "ipam/netbox.rs"]
mod netbox;
#[path = "ipam/panels.rs"]
mod panels;
#[path = "ipam/provisioning.rs"]
mod provisioning;
#[path = "ipam/rdns.rs"]
mod rdns;
#[path = "ipam/stored.rs"]
mod stored;
#[path = "ipam/synchronize.rs"]
mod synchronize;
#[path = "ipam/transfer.rs"]
mod transfer;
#[path = "ipam/utilization.rs"]
mod utilization;

use ipmanager::store::{Db, DbConfig, migrations};
use mysql::prelude::Queryable;

// The integration tests' reader of var/db.env (written by `make db`).
#[path = "../tests/support/mod.rs"]
mod support;

pub const DB_NAME: &str = "ipm_test_bench_ipam";

fn main() {
    let base = support::base_config();
    let mut admin = measure::conn(&base);
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
    let mut raw = measure::conn(&cfg);
    measure::whmcs_schema(&mut raw);

    println!(
        "IPAM benchmarks (MariaDB {}, release build)\n",
        db.server_version().unwrap_or_default()
    );
    let only = std::env::var("IPM_BENCH").unwrap_or_default();
    let wanted = |name: &str| only.is_empty() || only.split(',').any(|s| s == name);
    if wanted("latency") || wanted("provisioning") {
        latency::floor_table(&mut raw);
    }
    if wanted("latency") {
        latency::run(&db, &cfg);
    }
    if wanted("provisioning") {
        provisioning::run(&db, &cfg);
    }
    if wanted("flatness") {
        flatness::flatness(&db);
    }
    if wanted("synchronize") {
        synchronize::flat_after_synchronize(&db, &mut raw);
    }
    if wanted("stored") {
        stored::stored_creation(&db, &mut raw);
    }
    if wanted("utilization") {
        utilization::utilization_summary(&support::base_config());
    }
    if wanted("dashboard") {
        utilization::dashboard(&support::base_config());
    }
    if wanted("panels") {
        panels::run();
    }
    if wanted("netbox") {
        netbox::run();
    }
    if wanted("transfer") {
        transfer::run();
    }
    if wanted("rdns") {
        rdns::run();
    }

    admin
        .query_drop(format!("DROP DATABASE IF EXISTS `{DB_NAME}`"))
        .ok();
}
