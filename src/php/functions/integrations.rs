//! The panel integrations: settings, per-server settings, "Test connection", the outbox
//! queue (list, retry now, force, the cron run), the decrypted server passwords PHP hands
//! over, and the module-call journal PHP writes to `logModuleCall`.

use crate::error::Error;
use crate::jobs::unassign;
use crate::php::args;
use crate::php::convert::{from_zval, to_php};
use crate::php::loose::Fields;
use crate::php::requests::paging;
use crate::providers::configured::{self, CALL_BUDGET};
use crate::providers::settings::{self, IntegrationForm, Kind, ServerSettings};
use crate::providers::{journal, outbox, overview, servers};
use crate::store::registry;
use ext_php_rs::prelude::*;
use ext_php_rs::types::Zval;
use serde_json::Value;
use std::collections::BTreeMap;

/// Integrations, servers, the queue (`page`, `per_page`) and its counts.
#[php_function]
pub fn ipmanager_integrations(filters: Option<&Zval>) -> PhpResult<Zval> {
    let filters = args::optional_array(filters, "The filters")?;
    let f = Fields::new("integration filters", &filters)?;
    f.allow_only(&["page", "per_page"])?;
    Ok(to_php(&overview::read(&*registry::db()?, paging(&f)?)?)?)
}

/// Saves one integration: `integration`, `enabled`, `modules` (comma list),
/// `push_on_create`, `remove_on_release`, `options` (array). Returns it as saved.
#[php_function]
pub fn ipmanager_integration_save(input: &Zval) -> PhpResult<Zval> {
    let input = args::array(input, "The integration")?;
    let f = Fields::new("integration", &input)?;
    f.allow_only(&[
        "integration",
        "enabled",
        "modules",
        "push_on_create",
        "remove_on_release",
        "options",
    ])?;
    let mut options = BTreeMap::new();
    match input.get("options") {
        // PHP's empty array reads as a list.
        None | Some(Value::Null) => {}
        Some(Value::Array(list)) if list.is_empty() => {}
        Some(Value::Object(map)) => {
            for (key, value) in map {
                let text = match value {
                    Value::String(s) => s.trim().to_string(),
                    Value::Number(n) => n.to_string(),
                    Value::Bool(b) => if *b { "1" } else { "0" }.to_string(),
                    _ => {
                        return Err(
                            Error::invalid(format!("The option '{key}' must be text.")).into()
                        );
                    }
                };
                options.insert(key.clone(), text);
            }
        }
        Some(_) => return Err(Error::invalid("'options' must be an array.").into()),
    }
    let form = IntegrationForm {
        kind: Kind::parse(&f.required_str("integration")?)?,
        enabled: f.optional_bool("enabled")?.unwrap_or(false),
        modules: f.optional_str("modules")?.unwrap_or_default(),
        push_on_create: f.optional_bool("push_on_create")?.unwrap_or(false),
        remove_on_release: f.optional_bool("remove_on_release")?.unwrap_or(false),
        options,
    };
    Ok(to_php(&settings::save(&*registry::db()?, &form)?)?)
}

/// Saves how a WHMCS server is reached: `server_id`, `verify_tls`, `fingerprint`,
/// `connect_timeout_ms`, `timeout_ms`.
#[php_function]
pub fn ipmanager_server_settings_save(input: &Zval) -> PhpResult<()> {
    let input = args::array(input, "The server settings")?;
    let f = Fields::new("server settings", &input)?;
    f.allow_only(&[
        "server_id",
        "verify_tls",
        "fingerprint",
        "connect_timeout_ms",
        "timeout_ms",
    ])?;
    let server_id =
        f.optional_int("server_id", 1, i64::from(u32::MAX))?
            .ok_or_else(|| Error::invalid("Which server? 'server_id' is missing."))? as u32;
    let defaults = ServerSettings::defaults(server_id);
    let ms = |key: &str, default: u32| -> crate::Result<u32> {
        Ok(f.optional_int(key, 0, i64::from(u32::MAX))?
            .map_or(default, |n| n as u32))
    };
    let settings = ServerSettings {
        server_id,
        verify_tls: f.optional_bool("verify_tls")?.unwrap_or(false),
        fingerprint: f.optional_str("fingerprint")?.unwrap_or_default(),
        connect_timeout_ms: ms("connect_timeout_ms", defaults.connect_timeout_ms)?,
        timeout_ms: ms("timeout_ms", defaults.timeout_ms)?,
    };
    settings::save_server(&*registry::db()?, &settings)?;
    Ok(())
}

/// Asks server `server_id`'s panel its version ("Test connection"); `integration` picks the
/// integration when the server's module is not mapped yet.
#[php_function]
pub fn ipmanager_integration_test(
    server_id: &Zval,
    integration: Option<&Zval>,
) -> PhpResult<String> {
    let server_id = u32::try_from(args::id(server_id, "Server id")?)
        .map_err(|_| Error::invalid("Server id is out of range."))?;
    let kind = match integration.map(from_zval).transpose()? {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) if s.trim().is_empty() => None,
        Some(Value::String(s)) => Some(Kind::parse(&s)?),
        Some(_) => {
            return Err(Error::invalid("The integration must be a name such as 'proxmox'.").into());
        }
    };
    Ok(overview::test_connection(
        &*registry::db()?,
        server_id,
        kind,
    )?)
}

/// Makes a waiting panel change due now and delivers it; returns what became of it.
#[php_function]
pub fn ipmanager_outbox_retry(id: &Zval) -> PhpResult<Zval> {
    let id = args::id(id, "Panel change id")?;
    let db = registry::db()?;
    outbox::retry_now(&db, id)?;
    let done = configured::with(&db, Some(CALL_BUDGET), |integrations| {
        outbox::deliver(&db, id, &integrations.delivery(), &unassign::after_delivery)
    })?;
    Ok(to_php(&done)?)
}

/// Closes a waiting panel change without the panel's word; a removal releases its address.
/// `who` names the admin in the log.
#[php_function]
pub fn ipmanager_outbox_force(id: &Zval, who: &Zval) -> PhpResult<Zval> {
    let id = args::id(id, "Panel change id")?;
    let who = match from_zval(who)? {
        Value::String(s) if !s.trim().is_empty() && s.len() <= 190 => s.trim().to_string(),
        _ => return Err(Error::invalid("Say who forces it (the admin's name).").into()),
    };
    Ok(to_php(&outbox::force(
        &*registry::db()?,
        id,
        &who,
        &unassign::after_delivery,
    )?)?)
}

/// The cron run: delivers the due panel changes, at most `limit` (default 200).
#[php_function]
pub fn ipmanager_outbox_run(limit: Option<&Zval>) -> PhpResult<Zval> {
    let limit = match limit.map(from_zval).transpose()? {
        None | Some(Value::Null) => 200,
        Some(Value::Number(n)) => {
            n.as_u64()
                .filter(|n| (1..=10_000).contains(n))
                .ok_or_else(|| Error::invalid("The limit must be 1 to 10000."))? as u32
        }
        Some(_) => return Err(Error::invalid("The limit must be a number.").into()),
    };
    let db = registry::db()?;
    let done = configured::with(&db, None, |integrations| {
        outbox::deliver_due(
            &db,
            &integrations.delivery(),
            limit,
            &unassign::after_delivery,
        )
    })?;
    Ok(to_php(&done)?)
}

/// The encrypted passwords of the servers an enabled integration serves, for PHP to
/// `decrypt()` and hand back with `ipmanager_server_passwords`.
#[php_function]
pub fn ipmanager_server_records() -> PhpResult<Zval> {
    Ok(to_php(&servers::encrypted_passwords(&*registry::db()?)?)?)
}

/// Decrypted server passwords (`[server id => password]`), kept in this worker only.
#[php_function]
pub fn ipmanager_server_passwords(passwords: &Zval) -> PhpResult<()> {
    let Value::Object(map) = args::array(passwords, "The passwords")? else {
        return Ok(());
    };
    let mut kept = Vec::with_capacity(map.len());
    for (id, password) in map {
        let id: u32 = id
            .parse()
            .map_err(|_| Error::invalid(format!("'{id}' is not a server id.")))?;
        let Value::String(password) = password else {
            return Err(
                Error::invalid(format!("The password of server #{id} must be text.")).into(),
            );
        };
        kept.push((id, password));
    }
    servers::remember_passwords(kept);
    Ok(())
}

/// What the panel clients sent and received since the last call (secrets masked), for
/// WHMCS's `logModuleCall`.
#[php_function]
pub fn ipmanager_module_calls() -> PhpResult<Zval> {
    Ok(to_php(&journal::drain())?)
}

pub fn register(module: ModuleBuilder) -> ModuleBuilder {
    module
        .function(wrap_function!(ipmanager_integrations))
        .function(wrap_function!(ipmanager_integration_save))
        .function(wrap_function!(ipmanager_server_settings_save))
        .function(wrap_function!(ipmanager_integration_test))
        .function(wrap_function!(ipmanager_outbox_retry))
        .function(wrap_function!(ipmanager_outbox_force))
        .function(wrap_function!(ipmanager_outbox_run))
        .function(wrap_function!(ipmanager_server_records))
        .function(wrap_function!(ipmanager_server_passwords))
        .function(wrap_function!(ipmanager_module_calls))
}
