//! The reverse-DNS settings: where PowerDNS's API is (URL, key — stored for the extension
//! only, never handed back —, server id), the TTL, the default PTR (a template), what a
//! release does, the nameservers new reverse zones get, and which subnets manage theirs.

use super::names;
use crate::error::{Error, Result};
use crate::store::{Db, Failure, Outcome, RetryPolicy};
use mysql::params;
use mysql::prelude::Queryable;
use serde::Serialize;

#[derive(Clone, PartialEq, Eq, Serialize)]
pub struct DnsSettings {
    pub enabled: bool,
    pub url: String,
    #[serde(skip)]
    pub api_key: String,
    pub key_set: bool,
    pub server_id: String,
    pub ttl: u32,
    /// The default PTR: `{domain}` (the service's domain) or a template such as
    /// `{ip-dashed}.static.example.net`.
    pub template: String,
    /// On release: delete the PTR, or set it to `release_template`.
    pub release_template: String,
    /// Nameservers of the reverse zones IP Manager creates (absolute names).
    pub nameservers: Vec<String>,
    /// A hand-set PTR must resolve back to its address.
    pub forward_confirm: bool,
}

// Hand-written so the key never reaches a log line.
impl std::fmt::Debug for DnsSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DnsSettings")
            .field("enabled", &self.enabled)
            .field("url", &self.url)
            .field("key_set", &self.key_set)
            .finish_non_exhaustive()
    }
}

/// What the settings form sends; an empty key keeps the stored one.
#[derive(Debug, Clone, Default)]
pub struct DnsForm {
    pub enabled: bool,
    pub url: String,
    pub api_key: String,
    pub server_id: String,
    pub ttl: u32,
    pub template: String,
    pub release_template: String,
    pub nameservers: String,
    pub forward_confirm: bool,
}

const TABLE: &str = "mod_ipmanager_dns_settings";

pub fn read(db: &Db) -> Result<DnsSettings> {
    db.run(RetryPolicy::Transient, read_in)
}

pub fn read_in(q: &mut impl Queryable) -> Outcome<DnsSettings> {
    let s = crate::store::key_values::read(q, TABLE)?;
    let text = |k: &str, d: &str| s.get(k).cloned().unwrap_or_else(|| d.to_string());
    let api_key = text("api_key", "");
    Ok(DnsSettings {
        enabled: text("enabled", "0") == "1",
        url: text("url", ""),
        key_set: !api_key.is_empty(),
        api_key,
        server_id: text("server_id", "localhost"),
        ttl: text("ttl", "3600").parse().unwrap_or(3600),
        template: text("template", "{domain}"),
        release_template: text("release_template", ""),
        nameservers: text("nameservers", "")
            .split_whitespace()
            .map(str::to_string)
            .collect(),
        forward_confirm: text("forward_confirm", "0") == "1",
    })
}

/// Checks and saves the settings; a bad value is refused and nothing changes.
pub fn save(db: &Db, form: &DnsForm) -> Result<DnsSettings> {
    let url = form.url.trim().trim_end_matches('/').to_string();
    if !(url.is_empty() || url.starts_with("http://") || url.starts_with("https://")) {
        return Err(Error::invalid(
            "The PowerDNS API URL is its address with http:// or https://, e.g. http://127.0.0.1:8081.",
        ));
    }
    if !(60..=604_800).contains(&form.ttl) {
        return Err(Error::invalid("The TTL is 60 to 604800 seconds."));
    }
    let probe = crate::net::Addr::parse("192.0.2.1", "probe")?;
    names::from_template(form.template.trim(), probe, "example.net", 1).map_err(|e| {
        Error::invalid(format!(
            "The default PTR template does not make a hostname ({e}); use {{domain}} or e.g. {{ip-dashed}}.static.example.net."
        ))
    })?;
    if !form.release_template.trim().is_empty() {
        names::from_template(form.release_template.trim(), probe, "", 1).map_err(|e| {
            Error::invalid(format!(
                "The PTR after release must be a template without {{domain}} (the address has no service then): {e}"
            ))
        })?;
    }
    let mut nameservers = Vec::new();
    for ns in form
        .nameservers
        .split([' ', ',', '\n'])
        .filter(|s| !s.trim().is_empty())
    {
        nameservers.push(names::hostname(ns)?);
    }
    let server_id = if form.server_id.trim().is_empty() {
        "localhost".to_string()
    } else {
        form.server_id.trim().to_string()
    };
    db.transaction(RetryPolicy::Transient, |tx| {
        let current = read_in(tx)?;
        let key = if form.api_key.trim().is_empty() { current.api_key.clone() } else { form.api_key.trim().to_string() };
        if form.enabled && (url.is_empty() || key.is_empty()) {
            return Err(Error::invalid("Enter PowerDNS's API URL and key before turning reverse DNS on.").into());
        }
        let values = [
            ("enabled", if form.enabled { "1" } else { "0" }.to_string()),
            ("url", url.clone()),
            ("api_key", key),
            ("server_id", server_id.clone()),
            ("ttl", form.ttl.to_string()),
            ("template", form.template.trim().to_string()),
            ("release_template", form.release_template.trim().to_string()),
            ("nameservers", nameservers.join(" ")),
            ("forward_confirm", if form.forward_confirm { "1" } else { "0" }.to_string()),
        ];
        crate::store::key_values::write(tx, TABLE, &values)?;
        crate::audit::record(
            tx,
            "dns.saved",
            ("dns", 0),
            None,
            Some(&serde_json::json!({"enabled": form.enabled, "url": url, "template": form.template.trim()})),
            &format!("Reverse DNS {} at {}.", if form.enabled { "enabled" } else { "disabled" }, if url.is_empty() { "no URL" } else { url.as_str() }),
        )
    })?;
    read(db)
}

/// Turns reverse-DNS management of a subnet on or off.
pub fn manage_subnet(db: &Db, subnet_id: u64, on: bool) -> Result<()> {
    db.transaction(RetryPolicy::Transient, |tx| {
        let cidr: Option<String> = tx.exec_first(
            "SELECT name FROM mod_ipmanager_subnets WHERE id = :id",
            params! {"id" => subnet_id},
        )?;
        let Some(name) = cidr else {
            return Err(Error::NotFound(format!("Subnet #{subnet_id} does not exist.")).into());
        };
        if on {
            // A subnet with no reverse zone of its own (an IPv4 one larger than a /8, an
            // IPv6 one larger than a /16) is refused with the reason, never half-managed.
            let subnet = crate::ipam::subnets::load(tx, subnet_id)?;
            names::zone_of(&subnet.cidr).map_err(Failure::Domain)?;
        }
        tx.exec_drop(
            "INSERT INTO mod_ipmanager_dns_subnets (subnet_id, enabled) VALUES (:s, :on) \
             ON DUPLICATE KEY UPDATE enabled = VALUES(enabled)",
            params! {"s" => subnet_id, "on" => on},
        )?;
        crate::audit::record(
            tx,
            "dns.subnet",
            ("subnet", subnet_id),
            None,
            Some(&serde_json::json!({"managed": on})),
            &format!(
                "Reverse DNS of subnet {name} {}.",
                if on {
                    "managed by IP Manager"
                } else {
                    "no longer managed"
                }
            ),
        )
    })
}
