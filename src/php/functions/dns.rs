//! Reverse DNS: settings (the API key is taken, never given back), Test connection, which
//! subnets IP Manager manages the reverse zones of, PTRs set by admins and clients, a
//! subnet's reset, and the status box.

use crate::dns::{self, client::PowerDns, ptrs, settings};
use crate::error::Error;
use crate::php::args;
use crate::php::convert::{from_zval, to_php};
use crate::php::loose::Fields;
use crate::store::{RetryPolicy, registry};
use ext_php_rs::prelude::*;
use ext_php_rs::types::Zval;
use mysql::prelude::Queryable;
use serde::Serialize;

fn text(value: &Zval, what: &str) -> crate::Result<String> {
    match from_zval(value)? {
        serde_json::Value::String(s) => Ok(s),
        serde_json::Value::Number(n) => Ok(n.to_string()),
        _ => Err(Error::invalid(format!("{what} must be text."))),
    }
}

/// A hostname, or null / '' to go back to the default.
fn hostname(value: Option<&Zval>) -> crate::Result<Option<String>> {
    Ok(match value.map(from_zval).transpose()? {
        None | Some(serde_json::Value::Null) => None,
        Some(serde_json::Value::String(s)) if s.trim().is_empty() => None,
        Some(serde_json::Value::String(s)) => Some(s),
        Some(_) => return Err(Error::invalid("The hostname must be text.")),
    })
}

#[php_function]
pub fn ipmanager_dns_settings() -> PhpResult<Zval> {
    Ok(to_php(&settings::read(&*registry::db()?)?)?)
}

/// Saves `enabled`, `url`, `api_key` ('' keeps it), `server_id`, `ttl`, `template`,
/// `release_template`, `nameservers`, `forward_confirm`.
#[php_function]
pub fn ipmanager_dns_settings_save(input: &Zval) -> PhpResult<Zval> {
    let input = args::array(input, "The reverse DNS settings")?;
    let f = Fields::new("reverse DNS settings", &input)?;
    f.allow_only(&[
        "enabled",
        "url",
        "api_key",
        "server_id",
        "ttl",
        "template",
        "release_template",
        "nameservers",
        "forward_confirm",
    ])?;
    let form = settings::DnsForm {
        enabled: f.optional_bool("enabled")?.unwrap_or(false),
        url: f.optional_str("url")?.unwrap_or_default(),
        api_key: f.optional_str("api_key")?.unwrap_or_default(),
        server_id: f.optional_str("server_id")?.unwrap_or_default(),
        ttl: f
            .optional_int("ttl", 0, i64::from(u32::MAX))?
            .map_or(3600, |n| n as u32),
        template: f
            .optional_str("template")?
            .unwrap_or_else(|| "{domain}".into()),
        release_template: f.optional_str("release_template")?.unwrap_or_default(),
        nameservers: f.optional_str("nameservers")?.unwrap_or_default(),
        forward_confirm: f.optional_bool("forward_confirm")?.unwrap_or(false),
    };
    Ok(to_php(&settings::save(&*registry::db()?, &form)?)?)
}

/// "Test connection": PowerDNS's version, or its exact refusal.
#[php_function]
pub fn ipmanager_dns_test() -> PhpResult<String> {
    let s = settings::read(&*registry::db()?)?;
    if s.url.is_empty() || !s.key_set {
        return Err(Error::NotConfigured("Enter PowerDNS's API URL and key first.".into()).into());
    }
    Ok(PowerDns::new(&s.url, &s.api_key, &s.server_id, &Default::default())?.status()?)
}

#[derive(Serialize)]
struct Status {
    settings: settings::DnsSettings,
    /// PowerDNS's version, or why it does not answer (None without URL or key).
    reachable: Option<bool>,
    message: String,
    waiting: u64,
    failing: u64,
    subnets: Vec<ManagedSubnet>,
    /// The changes for PowerDNS, newest first, a page at a time (with their errors).
    queue: crate::paging::Page<crate::providers::outbox::Queued>,
}

#[derive(Serialize)]
struct ManagedSubnet {
    id: u64,
    cidr: String,
    name: String,
    managed: bool,
    zone: String,
}

/// The Reverse DNS page and the dashboard box: settings, whether PowerDNS answers (within
/// 2 s), the queue's counts and a page of it (`page`, `per_page`), and each subnet with
/// whether IP Manager manages its zone.
#[php_function]
pub fn ipmanager_dns_status(filters: Option<&Zval>) -> PhpResult<Zval> {
    let filters = args::optional_array(filters, "The filters")?;
    let f = Fields::new("Reverse DNS queue filters", &filters)?;
    f.allow_only(&["page", "per_page"])?;
    let paging = crate::php::requests::paging(&f)?;
    let db = registry::db()?;
    let s = settings::read(&db)?;
    let (reachable, message) = if s.url.is_empty() || !s.key_set {
        (None, String::new())
    } else {
        let options = crate::providers::http::HttpOptions {
            deadline: Some(std::time::Instant::now() + std::time::Duration::from_secs(2)),
            ..Default::default()
        };
        match PowerDns::new(&s.url, &s.api_key, &s.server_id, &options).and_then(|p| p.status()) {
            Ok(v) => (Some(true), v),
            Err(e) => (Some(false), e.to_string()),
        }
    };
    let (waiting, failing, managed): (u64, u64, Vec<(u64, u8)>) = db.run(RetryPolicy::Transient, |conn| {
        let counts: Option<(u64, u64)> = conn.query_first(
            "SELECT COUNT(*), COALESCE(SUM(last_error IS NOT NULL), 0) FROM mod_ipmanager_outbox WHERE target = 'dns' AND status = 'pending'",
        )?;
        let managed: Vec<(u64, u8)> = conn.query("SELECT subnet_id, enabled FROM mod_ipmanager_dns_subnets")?;
        let (w, f) = counts.unwrap_or((0, 0));
        Ok((w, f, managed))
    })?;
    let subnets = crate::ipam::subnets::list(&db)?
        .into_iter()
        .map(|sub| ManagedSubnet {
            managed: managed.iter().any(|(id, on)| *id == sub.id && *on == 1),
            zone: dns::names::zone_of(&sub.cidr).unwrap_or_default(),
            id: sub.id,
            cidr: sub.cidr.to_string(),
            name: sub.name,
        })
        .collect();
    let queue = crate::providers::outbox::list(&db, crate::providers::outbox::Target::Dns, paging)?;
    Ok(to_php(&Status {
        settings: s,
        reachable,
        message,
        waiting,
        failing,
        subnets,
        queue,
    })?)
}

/// Turns reverse-DNS management of subnet `id` on or off.
#[php_function]
pub fn ipmanager_dns_subnet(id: &Zval, managed: &Zval) -> PhpResult<()> {
    let id = args::id(id, "Subnet id")?;
    let on = args::flag(Some(managed), "managed")?;
    settings::manage_subnet(&*registry::db()?, id, on)?;
    Ok(())
}

/// Resets every PTR of subnet `id` to the defaults; how many addresses.
#[php_function]
pub fn ipmanager_dns_reset(id: &Zval) -> PhpResult<i64> {
    let id = args::id(id, "Subnet id")?;
    let db = registry::db()?;
    let n = ptrs::reset_subnet(&db, id)?;
    let deadline = Some(std::time::Instant::now() + crate::providers::configured::CALL_BUDGET);
    let _ = dns::mirror::after_commit(&db, 0, deadline);
    Ok(n as i64)
}

/// An admin sets (or with null clears) the PTR of an assigned address.
#[php_function]
pub fn ipmanager_ptr_set(address: &Zval, host: Option<&Zval>) -> PhpResult<Zval> {
    let address = text(address, "The address")?;
    let host = hostname(host)?;
    Ok(to_php(&ptrs::set(
        &*registry::db()?,
        ptrs::Editor::Admin,
        &address,
        host.as_deref(),
    )?)?)
}

/// The session's client sets (or clears) the PTR of an address they hold.
#[php_function]
pub fn ipmanager_client_ptr_set(
    client_id: &Zval,
    address: &Zval,
    host: Option<&Zval>,
) -> PhpResult<Zval> {
    let client = text(client_id, "Client id")?
        .trim()
        .parse::<u32>()
        .ok()
        .filter(|c| *c > 0)
        .ok_or_else(|| Error::invalid("Client id must be a positive whole number."))?;
    let address = text(address, "The address")?;
    let host = hostname(host)?;
    Ok(to_php(&ptrs::set(
        &*registry::db()?,
        ptrs::Editor::Client(client),
        &address,
        host.as_deref(),
    )?)?)
}

pub fn register(module: ModuleBuilder) -> ModuleBuilder {
    module
        .function(wrap_function!(ipmanager_dns_settings))
        .function(wrap_function!(ipmanager_dns_settings_save))
        .function(wrap_function!(ipmanager_dns_test))
        .function(wrap_function!(ipmanager_dns_status))
        .function(wrap_function!(ipmanager_dns_subnet))
        .function(wrap_function!(ipmanager_dns_reset))
        .function(wrap_function!(ipmanager_ptr_set))
        .function(wrap_function!(ipmanager_client_ptr_set))
}
