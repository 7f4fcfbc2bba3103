//! What the addon's activate, upgrade and deactivate entry points do.

use crate::error::Result;
use crate::store::Db;
use crate::store::migrations;
use crate::whmcs::addon_settings::{
    self, DELETE_DATA_CONFIRMATION, DELETE_DATA_ON_DEACTIVATE, DELETE_DATA_PHRASE,
};
use serde::Serialize;

/// WHMCS's result shape for `_activate` / `_deactivate`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AddonResult {
    pub status: &'static str,
    pub description: String,
}

impl AddonResult {
    fn success(description: String) -> Self {
        AddonResult {
            status: "success",
            description,
        }
    }
    fn info(description: String) -> Self {
        AddonResult {
            status: "info",
            description,
        }
    }
}

pub fn activate(db: &Db) -> Result<AddonResult> {
    let report = migrations::migrate(db)?;
    Ok(if report.applied.is_empty() {
        AddonResult::info(format!(
            "IP Manager is already set up (schema version {}); nothing was changed.",
            report.to_version
        ))
    } else {
        AddonResult::success(format!(
            "IP Manager is activated: database schema created up to version {}. \
             Next: set which admin roles may use it, then add your first subnet.",
            report.to_version
        ))
    })
}

/// `previous_version` is the addon version WHMCS had recorded; the schema itself knows
/// its own version, so migrations run from whatever the database holds.
pub fn upgrade(db: &Db, previous_version: &str) -> Result<AddonResult> {
    let report = migrations::migrate(db)?;
    Ok(AddonResult::success(format!(
        "IP Manager upgraded from {previous_version}: schema version {} → {} ({} migration(s)).",
        report.from_version,
        report.to_version,
        report.applied.len()
    )))
}

/// Keeps all data unless the admin both ticked "delete data on deactivate" and typed the
/// confirmation phrase: deactivating is often only a step in troubleshooting.
pub fn deactivate(db: &Db) -> Result<AddonResult> {
    let settings = addon_settings::read(db)?;
    let wants_delete = addon_settings::is_on(&settings, DELETE_DATA_ON_DEACTIVATE);
    let confirmed = settings
        .get(DELETE_DATA_CONFIRMATION)
        .is_some_and(|v| v.trim() == DELETE_DATA_PHRASE);
    if !wants_delete {
        return Ok(AddonResult::success(
            "IP Manager is deactivated. All subnets, pools and assignments are kept and come \
             back when you activate it again."
                .into(),
        ));
    }
    if !confirmed {
        return Ok(AddonResult::info(format!(
            "IP Manager is deactivated and its data was kept: \"Delete data on deactivate\" is \
             ticked but the confirmation field does not read \"{DELETE_DATA_PHRASE}\"."
        )));
    }
    let dropped = migrations::drop_all_tables(db)?;
    Ok(AddonResult::success(format!(
        "IP Manager is deactivated and its data was deleted as configured ({} tables dropped).",
        dropped.len()
    )))
}
