//! Who is acting, and the change log.

use crate::audit::{self, Actor, LogFilter};
use crate::php::args;
use crate::php::convert::to_php;
use crate::php::requests::FromPhp;
use crate::store::registry;
use ext_php_rs::prelude::*;
use ext_php_rs::types::Zval;

/// Sets who the following changes are logged as (the addon calls it on every request).
#[php_function]
pub fn ipmanager_set_actor(actor: &Zval) -> PhpResult<()> {
    audit::set_actor(Actor::from_php(&args::array(actor, "The actor")?)?);
    Ok(())
}

/// The change log, newest first, filtered and paginated.
#[php_function]
pub fn ipmanager_log_list(filters: Option<&Zval>) -> PhpResult<Zval> {
    let filters = LogFilter::from_php(&args::optional_array(filters, "The filters")?)?;
    Ok(to_php(&audit::list(&*registry::db()?, &filters)?)?)
}

pub fn register(module: ModuleBuilder) -> ModuleBuilder {
    module
        .function(wrap_function!(ipmanager_set_actor))
        .function(wrap_function!(ipmanager_log_list))
}
