//! Shared set-up for integration tests: a fresh database on the private MariaDB per test.
#![allow(dead_code)]

pub mod fake_da;
pub mod fake_plesk;
pub mod fake_pve;
pub mod fake_solusvm;
pub mod fake_whm;
pub mod http_faults;
pub mod http_server;
pub mod ipam;
pub mod netbox;
pub mod panels;
pub mod pdns;
pub mod proxy;

use ipmanager::store::{Db, DbConfig};
use mysql::prelude::Queryable;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU32, Ordering};

static NEXT: AtomicU32 = AtomicU32::new(0);

/// Reads var/db.env written by `scripts/mariadb.sh start` (run by `make test`).
pub fn base_config() -> DbConfig {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/var/db.env");
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("{path}: {e}; start the private MariaDB with `make db` first"));
    let env: HashMap<&str, &str> = text.lines().filter_map(|l| l.split_once('=')).collect();
    DbConfig {
        host: env["DB_HOST"].into(),
        port: env["DB_PORT"].parse().unwrap(),
        username: env["DB_USER"].into(),
        password: env["DB_PASSWORD"].into(),
        database: env["DB_NAME"].into(),
        socket: None,
    }
}

/// A database that exists for one test and is dropped afterwards.
pub struct TestDb {
    pub name: String,
    pub config: DbConfig,
    pub db: Db,
}

impl TestDb {
    pub fn new(label: &str) -> TestDb {
        let base = base_config();
        let name = format!(
            "ipm_test_{label}_{}_{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        );
        admin_conn(&base)
            .query_drop(format!("CREATE DATABASE `{name}`"))
            .unwrap();
        let config = DbConfig {
            database: name.clone(),
            ..base
        };
        let db = Db::connect(&config).unwrap();
        TestDb { name, config, db }
    }

    /// A plain connection outside the pool, for set-up and for provoking failures.
    pub fn conn(&self) -> mysql::Conn {
        admin_conn(&self.config)
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Ok(mut conn) = mysql::Conn::new(opts(&base_config())) {
            let _ = conn.query_drop(format!("DROP DATABASE IF EXISTS `{}`", self.name));
        }
    }
}

fn opts(config: &DbConfig) -> mysql::OptsBuilder {
    mysql::OptsBuilder::new()
        .ip_or_hostname(Some(&config.host))
        .tcp_port(config.port)
        .user(Some(&config.username))
        .pass(Some(&config.password))
        .db_name(Some(&config.database))
        .prefer_socket(false)
}

fn admin_conn(config: &DbConfig) -> mysql::Conn {
    mysql::Conn::new(opts(config)).unwrap()
}

/// A typed request read from a PHP-shaped value, exactly as the native functions read it.
pub fn req<T: ipmanager::php::requests::FromPhp>(value: serde_json::Value) -> T {
    T::from_php(&value).unwrap_or_else(|e| panic!("{value}: {e}"))
}
