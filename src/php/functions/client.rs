//! What the client area may see: always scoped to one client id.

use crate::error::Error;
use crate::php::convert::{from_zval, to_php};
use crate::store::registry;
use crate::whmcs::services;
use ext_php_rs::prelude::*;
use ext_php_rs::types::Zval;

/// The client's services with their IPs (client id from `$_SESSION['uid']`).
#[php_function]
pub fn ipmanager_client_services(client_id: &Zval) -> PhpResult<Zval> {
    let id = match from_zval(client_id)? {
        serde_json::Value::Number(n) => n.as_i64(),
        serde_json::Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
    .ok_or_else(|| {
        Error::invalid("Client id must be a whole number (WHMCS's $_SESSION['uid']).")
    })?;
    let db = registry::db()?;
    Ok(to_php(&services::for_client(&db, id)?)?)
}

pub fn register(module: ModuleBuilder) -> ModuleBuilder {
    module.function(wrap_function!(ipmanager_client_services))
}
