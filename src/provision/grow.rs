//! "Order additional IPs": when WHMCS completes a configurable-option upgrade
//! (AfterConfigOptionsUpgrade) or activates a product addon (AddonActivation), the service
//! gets what its relations now add up to — the same plan and allocation as PreModuleCreate
//! (all or nothing: a pool that cannot supply every missing unit takes nothing), WHMCS's IP
//! fields written, and the new addresses told to the panel and NetBox as AfterModuleCreate
//! does.

use super::after_create::{self, AfterCreate};
use super::create::{self, Provisioned};
use super::params::ModuleParams;
use crate::error::{Error, Result};
use crate::providers::Integrations;
use crate::store::{Db, RetryPolicy};
use mysql::params;
use mysql::prelude::Queryable;
use serde::Serialize;
use serde_json::{Map, Value, json};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Grown {
    pub service_id: u32,
    /// What the service holds now.
    pub addresses: Vec<String>,
    /// Of those, what this call assigned.
    pub added: Vec<String>,
    /// The panel's answer for the new addresses (None: told, or nothing to tell).
    pub panel_error: Option<String>,
}

/// The service of a configurable-options upgrade (`tblupgrades.relid`), once WHMCS has
/// completed it.
pub fn service_of_upgrade(db: &Db, upgrade_id: u64) -> Result<u32> {
    let row: Option<(u32, String, String)> = db.run(RetryPolicy::Transient, |conn| {
        Ok(conn.exec_first(
            "SELECT relid, type, status FROM tblupgrades WHERE id = :id",
            params! {"id" => upgrade_id},
        )?)
    })?;
    match row {
        None => Err(Error::NotFound(format!(
            "Upgrade #{upgrade_id} does not exist in WHMCS (tblupgrades)."
        ))),
        Some((_, kind, _)) if kind != "configoptions" => Err(Error::invalid(format!(
            "Upgrade #{upgrade_id} is a {kind} upgrade, not a configurable options one."
        ))),
        Some((service, _, _)) => Ok(service),
    }
}

pub fn grow(db: &Db, service_id: u32, integrations: &Integrations<'_>) -> Result<Grown> {
    let params = params_of(db, service_id)?;
    let before = held(db, service_id)?;
    match create::pre_module_create(db, &params)? {
        Provisioned::Abort(message) => return Err(Error::PoolExhausted(message)),
        Provisioned::NoRelation | Provisioned::Overrides(_) => {}
    }
    let addresses = held(db, service_id)?;
    let added: Vec<String> = addresses
        .iter()
        .filter(|a| !before.contains(a))
        .cloned()
        .collect();
    let mut panel_error = None;
    if !added.is_empty() {
        let AfterCreate { error, .. } =
            after_create::after_module_create(db, &params, integrations)?;
        panel_error = error;
    }
    Ok(Grown {
        service_id,
        addresses,
        added,
        panel_error,
    })
}

/// The module parameters WHMCS would pass for the service, as far as provisioning reads
/// them (the server's credentials come through the resolver).
fn params_of(db: &Db, service_id: u32) -> Result<ModuleParams> {
    db.run(RetryPolicy::Transient, |conn| {
        let row: Option<(String, String, String, u32)> = conn.exec_first(
            "SELECT COALESCE(p.servertype, ''), h.username, h.domain, h.server FROM tblhosting h \
             LEFT JOIN tblproducts p ON p.id = h.packageid WHERE h.id = :id",
            params! {"id" => service_id},
        )?;
        let (module, username, domain, server_id) = row.ok_or_else(|| {
            Error::NotFound(format!(
                "Service #{service_id} does not exist in WHMCS (tblhosting)."
            ))
        })?;
        let fields: Vec<(String, String)> = conn.exec(
            "SELECT SUBSTRING_INDEX(f.fieldname, '|', 1), v.value FROM tblcustomfieldsvalues v \
             JOIN tblcustomfields f ON f.id = v.fieldid WHERE f.type = 'product' AND v.relid = :id ORDER BY v.id",
            params! {"id" => service_id},
        )?;
        let custom_values: Map<String, Value> =
            fields.into_iter().map(|(k, v)| (k, json!(v))).collect();
        Ok(ModuleParams {
            service_id,
            module,
            username,
            domain,
            server_id,
            custom_values,
            ..ModuleParams::default()
        })
    })
}

fn held(db: &Db, service_id: u32) -> Result<Vec<String>> {
    let rows: Vec<(Vec<u8>, u8)> = db.run(RetryPolicy::Transient, |conn| {
        Ok(conn.exec(
            "SELECT address, prefix_len FROM mod_ipmanager_addresses WHERE service_id = :s AND state = 'assigned' \
             ORDER BY LENGTH(address), address",
            params! {"s" => service_id},
        )?)
    })?;
    rows.into_iter()
        .map(|(bytes, len)| {
            crate::ipam::allocator::unit_text(crate::net::Addr::from_bytes(&bytes)?, len)
        })
        .collect()
}
