//! The client area: the session client's services with what IP Manager assigned, and
//! giving an address back. PHP passes WHMCS's `$_SESSION['uid']`; every check is made here.

use crate::error::Error;
use crate::jobs::client_ips;
use crate::php::convert::{from_zval, to_php};
use crate::providers::configured::{self, CALL_BUDGET};
use crate::store::registry;
use ext_php_rs::prelude::*;
use ext_php_rs::types::Zval;

fn whole(value: &Zval, what: &str) -> crate::Result<i64> {
    match from_zval(value)? {
        serde_json::Value::Number(n) => n.as_i64(),
        serde_json::Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
    .ok_or_else(|| Error::invalid(format!("{what} must be a whole number.")))
}

/// `policy` (what clients may give back: nothing, additional or any) and the client's
/// `services`, each with its `addresses` (`id`, `address`, `prefix`, `primary`, `state`,
/// `can_unassign`).
#[php_function]
pub fn ipmanager_client_services(client_id: &Zval) -> PhpResult<Zval> {
    let id = whole(client_id, "Client id (WHMCS's $_SESSION['uid'])")?;
    let db = registry::db()?;
    Ok(to_php(&client_ips::services(&db, id)?)?)
}

/// The client gives assignment `id` back: refused unless it is theirs and the setting
/// allows it; then as an admin's unassign (the server first, quarantine, WHMCS's IP fields).
#[php_function]
pub fn ipmanager_client_unassign(client_id: &Zval, id: &Zval) -> PhpResult<Zval> {
    let client = whole(client_id, "Client id (WHMCS's $_SESSION['uid'])")?;
    let row = whole(id, "Assignment id")?;
    let row = u64::try_from(row)
        .map_err(|_| Error::invalid("Assignment id must be a positive whole number."))?;
    let db = registry::db()?;
    let done = configured::with(&db, Some(CALL_BUDGET), |integrations| {
        client_ips::unassign(&db, client, row, integrations)
    })?;
    crate::netbox::mirror::after_call(&db, &[]);
    Ok(to_php(&done)?)
}

pub fn register(module: ModuleBuilder) -> ModuleBuilder {
    module
        .function(wrap_function!(ipmanager_client_services))
        .function(wrap_function!(ipmanager_client_unassign))
}
