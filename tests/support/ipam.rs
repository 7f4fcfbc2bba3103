//! Helpers for IPAM tests: a migrated database and terse constructors.
#![allow(dead_code)]

use super::TestDb;
use ipmanager::ipam::allocator::{self, Target};
use ipmanager::ipam::model::{Pool, Subnet};
use ipmanager::ipam::{pools, subnets};
use ipmanager::store::migrations;
use serde_json::{Value, json};

pub fn migrated(label: &str) -> TestDb {
    let test = TestDb::new(label);
    migrations::migrate(&test.db).unwrap();
    test
}

pub fn subnet(test: &TestDb, input: Value) -> Subnet {
    subnets::create(&test.db, &super::req(input.clone())).unwrap_or_else(|e| panic!("{input}: {e}"))
}

pub fn pool(test: &TestDb, input: Value) -> Pool {
    pools::create(&test.db, &super::req(input.clone())).unwrap_or_else(|e| panic!("{input}: {e}"))
}

pub fn take(test: &TestDb, pool: &Pool, service: u32) -> String {
    allocator::allocate(&test.db, Target::Pool(pool.id), service, 1).unwrap()[0]
        .address
        .clone()
}

pub fn simple(test: &TestDb, cidr: &str) -> (Subnet, Pool) {
    let s = subnet(test, json!({"cidr": cidr, "name": cidr}));
    let p = pool(
        test,
        json!({"subnet_id": s.id, "name": format!("pool {cidr}")}),
    );
    (s, p)
}

/// Adds the WHMCS tables of the harness to a test database.
pub fn whmcs_tables(test: &TestDb) {
    use mysql::prelude::Queryable;
    let sql = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/harness/schema/whmcs.sql"
    ))
    .unwrap();
    let mut conn = test.conn();
    for statement in sql
        .split(';')
        .map(str::trim)
        .filter(|s| s.contains("CREATE"))
    {
        conn.query_drop(statement).unwrap();
    }
}
