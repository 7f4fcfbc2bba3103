//! Jobs over many services.

use crate::jobs::sync;
use crate::php::args;
use crate::php::convert::to_php;
use crate::store::registry;
use ext_php_rs::prelude::*;
use ext_php_rs::types::Zval;

/// Synchronize: imports WHMCS's dedicated and assigned IPs as assignments.
#[php_function]
pub fn ipmanager_sync(options: Option<&Zval>) -> PhpResult<Zval> {
    let options = match options {
        Some(z) if !z.is_null() => args::array(z, "The options")?,
        _ => serde_json::Value::Object(Default::default()),
    };
    Ok(to_php(&sync::run(&*registry::db()?, &options)?)?)
}

pub fn register(module: ModuleBuilder) -> ModuleBuilder {
    module.function(wrap_function!(ipmanager_sync))
}
