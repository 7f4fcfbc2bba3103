//! Configurations, relations, and what the PreModuleCreate hook runs.

use crate::php::args;
use crate::php::convert::to_php;
use crate::php::requests::FromPhp;
use crate::providers::configured::{self, CALL_BUDGET};
use crate::providers::servers;
use crate::provision::config_form::{ConfigurationForm, RelationForm};
use crate::provision::params::ModuleParams;
use crate::provision::{after_create, configs, create, grow};
use crate::store::registry;
use ext_php_rs::prelude::*;
use ext_php_rs::types::Zval;

/// PreModuleCreate: returns the overriding parameters, `['abortcmd' => true, ...]`, or `[]`.
#[php_function]
pub fn ipmanager_premodule_create(params: &Zval) -> PhpResult<Zval> {
    let params = ModuleParams::from_php(&args::array(params, "The module parameters")?)?;
    let outcome = create::pre_module_create(&*registry::db()?, &params)?;
    Ok(to_php(&outcome.into_hook_result())?)
}

/// AfterModuleCreate: the service's IPs go to the panel integration serving the module,
/// through the outbox, within 10 s; nothing happens where no integration adds IPs.
#[php_function]
pub fn ipmanager_after_module_create(params: &Zval) -> PhpResult<Zval> {
    let params = ModuleParams::from_php(&args::array(params, "The module parameters")?)?;
    if params.server_id > 0 && !params.server.password.is_empty() {
        servers::remember_passwords([(params.server_id, params.server.password.clone())]);
    }
    let db = registry::db()?;
    let report = configured::with(&db, Some(CALL_BUDGET), |integrations| {
        after_create::after_module_create(&db, &params, integrations)
    })?;
    Ok(to_php(&report)?)
}

/// AfterConfigOptionsUpgrade (`upgradeid`) or AddonActivation (`serviceid`): the service
/// gets what its relations now add up to, all or nothing, told to its panel and NetBox.
/// `request`: `['upgrade_id' => n]` or `['service_id' => n]`.
#[php_function]
pub fn ipmanager_service_grow(request: &Zval) -> PhpResult<Zval> {
    let request = args::array(request, "The request")?;
    let f = crate::php::loose::Fields::new("grow request", &request)?;
    f.allow_only(&["upgrade_id", "service_id"])?;
    let db = registry::db()?;
    let service_id = match (
        f.optional_int("upgrade_id", 1, i64::MAX)?,
        f.optional_int("service_id", 1, i64::from(u32::MAX))?,
    ) {
        (Some(upgrade), None) => grow::service_of_upgrade(&db, upgrade as u64)?,
        (None, Some(service)) => service as u32,
        _ => {
            return Err(crate::Error::invalid(
                "Give either 'upgrade_id' (AfterConfigOptionsUpgrade) or 'service_id' (AddonActivation).",
            )
            .into());
        }
    };
    let grown = configured::with(&db, Some(CALL_BUDGET), |integrations| {
        grow::grow(&db, service_id, integrations)
    })?;
    Ok(to_php(&grown)?)
}

/// Creates (no 'id') or edits a configuration; returns its id.
/// Field errors for a configuration form (`[['field' => ..., 'message' => ...], ...]`;
/// empty = valid). Writes nothing.
#[php_function]
pub fn ipmanager_configuration_validate(input: &Zval) -> PhpResult<Zval> {
    let input = ConfigurationForm::from_php(&args::array(input, "The configuration")?)?;
    Ok(to_php(&configs::validate(&*registry::db()?, &input)?)?)
}

/// Field errors for a relation form (target, draws_from, option_value_id, extra_count, or
/// form); empty = valid. Writes nothing.
#[php_function]
pub fn ipmanager_relation_validate(input: &Zval) -> PhpResult<Zval> {
    let input = RelationForm::from_php(&args::array(input, "The relation")?)?;
    Ok(to_php(&configs::validate_relation(
        &*registry::db()?,
        &input,
    )?)?)
}

#[php_function]
pub fn ipmanager_configuration_save(input: &Zval) -> PhpResult<i64> {
    let input = ConfigurationForm::from_php(&args::array(input, "The configuration")?)?;
    Ok(configs::save(&*registry::db()?, &input)? as i64)
}

#[php_function]
pub fn ipmanager_configuration_delete(id: &Zval) -> PhpResult<()> {
    let id = args::id(id, "Configuration id")?;
    configs::delete(&*registry::db()?, id)?;
    Ok(())
}

#[php_function]
pub fn ipmanager_configuration_list() -> PhpResult<Zval> {
    Ok(to_php(&configs::list(&*registry::db()?)?)?)
}

/// Products, servers, product addons and configurable options a relation can point at.
#[php_function]
pub fn ipmanager_relation_targets() -> PhpResult<Zval> {
    Ok(to_php(&configs::targets(&*registry::db()?)?)?)
}

/// Adds a relation; returns its id.
#[php_function]
pub fn ipmanager_relation_add(input: &Zval) -> PhpResult<i64> {
    let input = RelationForm::from_php(&args::array(input, "The relation")?)?;
    Ok(configs::add_relation(&*registry::db()?, &input)? as i64)
}

#[php_function]
pub fn ipmanager_relation_delete(id: &Zval) -> PhpResult<()> {
    let id = args::id(id, "Relation id")?;
    configs::delete_relation(&*registry::db()?, id)?;
    Ok(())
}

pub fn register(module: ModuleBuilder) -> ModuleBuilder {
    module
        .function(wrap_function!(ipmanager_premodule_create))
        .function(wrap_function!(ipmanager_after_module_create))
        .function(wrap_function!(ipmanager_service_grow))
        .function(wrap_function!(ipmanager_configuration_validate))
        .function(wrap_function!(ipmanager_relation_validate))
        .function(wrap_function!(ipmanager_configuration_save))
        .function(wrap_function!(ipmanager_configuration_delete))
        .function(wrap_function!(ipmanager_configuration_list))
        .function(wrap_function!(ipmanager_relation_targets))
        .function(wrap_function!(ipmanager_relation_add))
        .function(wrap_function!(ipmanager_relation_delete))
}
