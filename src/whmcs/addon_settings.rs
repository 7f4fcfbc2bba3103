//! The addon's configuration values, as WHMCS stores them in `tbladdonmodules`.

use crate::error::Result;
use crate::store::script::literal;
use crate::store::{Db, RetryPolicy};
use mysql::params;
use mysql::prelude::Queryable;
use std::collections::BTreeMap;

pub const MODULE_NAME: &str = "ipmanager";

/// Setting names (the keys of `ipmanager_config()['fields']`).
pub const DELETE_DATA_ON_DEACTIVATE: &str = "delete_data_on_deactivate";
pub const DELETE_DATA_CONFIRMATION: &str = "delete_data_confirmation";
/// What the admin must type into the confirmation field for data to be dropped.
pub const DELETE_DATA_PHRASE: &str = "DELETE ALL IP DATA";

/// Every setting WHMCS stored for this addon (WHMCS writes `on` for a ticked yes/no box).
pub fn read(db: &Db) -> Result<BTreeMap<String, String>> {
    db.run(RetryPolicy::Transient, |conn| {
        Ok(from_rows(conn.exec(
            "SELECT setting, value FROM tbladdonmodules WHERE module = :module",
            params! {"module" => MODULE_NAME},
        )?))
    })
}

/// The same query for a packet.
pub fn sql() -> String {
    format!(
        "SELECT setting, value FROM tbladdonmodules WHERE module = {}",
        literal(MODULE_NAME)
    )
}

/// The settings from the rows of either query.
pub fn from_rows(rows: Vec<(String, Option<String>)>) -> BTreeMap<String, String> {
    rows.into_iter()
        .map(|(k, v)| (k, v.unwrap_or_default()))
        .collect()
}

pub fn is_on(settings: &BTreeMap<String, String>, name: &str) -> bool {
    settings
        .get(name)
        .is_some_and(|v| matches!(v.trim(), "on" | "1" | "yes" | "true"))
}
