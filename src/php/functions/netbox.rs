//! NetBox: its settings (the token is taken, never given back), "Test connection", the
//! page's overview and queue, sync from NetBox and the full push.

use crate::netbox::{self, settings};
use crate::php::args;
use crate::php::convert::to_php;
use crate::php::loose::Fields;
use crate::store::registry;
use ext_php_rs::prelude::*;
use ext_php_rs::types::Zval;

/// The NetBox settings as the page shows them (`token_set` instead of the token).
#[php_function]
pub fn ipmanager_netbox_settings() -> PhpResult<Zval> {
    Ok(to_php(&settings::read(&*registry::db()?)?)?)
}

/// Saves the NetBox settings: `enabled`, `url`, `token` ('' keeps the stored one),
/// `verify_tls`, `fingerprint`, `connect_timeout_ms`, `timeout_ms`, `tag`,
/// `release_action` (deprecate or delete), `push_on_assign`. Returns them as saved.
#[php_function]
pub fn ipmanager_netbox_settings_save(input: &Zval) -> PhpResult<Zval> {
    let input = args::array(input, "The NetBox settings")?;
    let f = Fields::new("NetBox settings", &input)?;
    f.allow_only(&[
        "enabled",
        "url",
        "token",
        "verify_tls",
        "fingerprint",
        "connect_timeout_ms",
        "timeout_ms",
        "tag",
        "release_action",
        "push_on_assign",
    ])?;
    let defaults = settings::NetBoxSettings::default();
    let ms = |key: &str, default: u32| -> crate::Result<u32> {
        Ok(f.optional_int(key, 0, i64::from(u32::MAX))?
            .map_or(default, |n| n as u32))
    };
    let form = settings::NetBoxForm {
        enabled: f.optional_bool("enabled")?.unwrap_or(false),
        url: f.optional_str("url")?.unwrap_or_default(),
        token: f.optional_str("token")?.unwrap_or_default(),
        verify_tls: f.optional_bool("verify_tls")?.unwrap_or(false),
        fingerprint: f.optional_str("fingerprint")?.unwrap_or_default(),
        connect_timeout_ms: ms("connect_timeout_ms", defaults.connect_timeout_ms)?,
        timeout_ms: ms("timeout_ms", defaults.timeout_ms)?,
        tag: f.optional_str("tag")?.unwrap_or(defaults.tag),
        release_action: f.optional_str("release_action")?.unwrap_or_default(),
        push_on_assign: f.optional_bool("push_on_assign")?.unwrap_or(false),
    };
    Ok(to_php(&settings::save(&*registry::db()?, &form)?)?)
}

/// The full push: NetBox made to show IP Manager's subnets and assignments, sending only
/// what differs (bulk create, update, deprecate or delete); objects made outside IP
/// Manager are reported as conflicts and left as they are.
#[php_function]
pub fn ipmanager_netbox_push() -> PhpResult<Zval> {
    Ok(to_php(&netbox::push::push(&*registry::db()?)?)?)
}

/// The last push (`at`, seconds since the epoch, and its `report`), or null.
#[php_function]
pub fn ipmanager_netbox_last_push() -> PhpResult<Zval> {
    Ok(to_php(&netbox::push::last(&*registry::db()?)?)?)
}

/// Every subnet with the NetBox scope it maps to (`site_id`, `tenant_id`, `vrf_id`).
#[php_function]
pub fn ipmanager_netbox_scopes() -> PhpResult<Zval> {
    Ok(to_php(&netbox::scopes::listed(&*registry::db()?)?)?)
}

/// Sets a subnet's NetBox scope: `subnet_id`, and `site_id`, `tenant_id`, `vrf_id` (NetBox's
/// ids; '' for none).
#[php_function]
pub fn ipmanager_netbox_scope_save(input: &Zval) -> PhpResult<()> {
    let input = args::array(input, "The NetBox scope")?;
    let f = Fields::new("NetBox scope", &input)?;
    f.allow_only(&["subnet_id", "site_id", "tenant_id", "vrf_id"])?;
    let subnet_id = f
        .optional_int("subnet_id", 1, i64::MAX)?
        .ok_or_else(|| crate::Error::invalid("Which subnet? 'subnet_id' is missing."))?
        as u64;
    let id = |key: &str| -> crate::Result<Option<u32>> {
        Ok(f.optional_int(key, 1, i64::from(u32::MAX))?
            .map(|n| n as u32))
    };
    let scope = netbox::scopes::Scope {
        site_id: id("site_id")?,
        tenant_id: id("tenant_id")?,
        vrf_id: id("vrf_id")?,
    };
    let db = registry::db()?;
    netbox::scopes::save(&db, subnet_id, scope)?;
    netbox::mirror::after_call(&db, &[]);
    Ok(())
}

/// "Test connection": NetBox's version, or its exact refusal.
#[php_function]
pub fn ipmanager_netbox_test() -> PhpResult<String> {
    Ok(netbox::test_connection(&*registry::db()?)?)
}

/// The NetBox page: settings, connection state (asked now, within 2 s), last push and sync
/// with counts, and the queue of changes for NetBox (`page`, `per_page`).
#[php_function]
pub fn ipmanager_netbox_overview(filters: Option<&Zval>) -> PhpResult<Zval> {
    let filters = args::optional_array(filters, "The filters")?;
    let f = Fields::new("NetBox queue filters", &filters)?;
    f.allow_only(&["page", "per_page"])?;
    Ok(to_php(&netbox::overview::read(
        &*registry::db()?,
        crate::php::requests::paging(&f)?,
    )?)?)
}

/// Sync from NetBox: prefixes to subnets, addresses to assignments or reservations
/// (`dry_run` => true: the same report, nothing kept).
#[php_function]
pub fn ipmanager_netbox_sync(options: Option<&Zval>) -> PhpResult<Zval> {
    let options = args::optional_array(options, "The options")?;
    let f = Fields::new("NetBox sync options", &options)?;
    f.allow_only(&["dry_run"])?;
    let dry_run = f.optional_bool("dry_run")?.unwrap_or(false);
    let db = registry::db()?;
    let report = netbox::sync::run(&db, dry_run)?;
    if !dry_run {
        netbox::mirror::after_call(&db, &[]);
    }
    Ok(to_php(&report)?)
}

/// Sends the NetBox changes that are due now (at most 200, stopping at the first failure):
/// what each became.
#[php_function]
pub fn ipmanager_netbox_drain() -> PhpResult<Zval> {
    let deadline = std::time::Instant::now() + crate::providers::configured::CALL_BUDGET;
    Ok(to_php(&netbox::mirror::drain(
        &*registry::db()?,
        200,
        Some(deadline),
    )?)?)
}

pub fn register(module: ModuleBuilder) -> ModuleBuilder {
    module
        .function(wrap_function!(ipmanager_netbox_settings))
        .function(wrap_function!(ipmanager_netbox_settings_save))
        .function(wrap_function!(ipmanager_netbox_test))
        .function(wrap_function!(ipmanager_netbox_push))
        .function(wrap_function!(ipmanager_netbox_last_push))
        .function(wrap_function!(ipmanager_netbox_scopes))
        .function(wrap_function!(ipmanager_netbox_scope_save))
        .function(wrap_function!(ipmanager_netbox_overview))
        .function(wrap_function!(ipmanager_netbox_sync))
        .function(wrap_function!(ipmanager_netbox_drain))
}
