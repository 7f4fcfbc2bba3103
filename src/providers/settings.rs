//! The admin's choices for the panel integrations: which are on, which WHMCS provisioning
//! modules each serves (module names differ between, say, Proxmox modules), whether it adds
//! IPs on create and removes them on release, its own options; and how each WHMCS server is
//! reached (TLS verification, connect and request timeouts).

use crate::error::{Error, Result};
use crate::ipam::model::take;
use crate::store::{Db, Outcome, RetryPolicy};
use mysql::prelude::Queryable;
use mysql::{Row, params};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Cpanel,
    Directadmin,
    Plesk,
    Proxmox,
    Solusvm,
}

impl Kind {
    pub const ALL: [Kind; 5] = [
        Kind::Cpanel,
        Kind::Directadmin,
        Kind::Plesk,
        Kind::Proxmox,
        Kind::Solusvm,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Kind::Cpanel => "cpanel",
            Kind::Directadmin => "directadmin",
            Kind::Plesk => "plesk",
            Kind::Proxmox => "proxmox",
            Kind::Solusvm => "solusvm",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Kind::Cpanel => super::cpanel::NAME,
            Kind::Directadmin => super::directadmin::NAME,
            Kind::Plesk => super::plesk::NAME,
            Kind::Proxmox => super::proxmox::NAME,
            Kind::Solusvm => super::solusvm::NAME,
        }
    }

    pub fn parse(text: &str) -> Result<Kind> {
        Kind::ALL
            .into_iter()
            .find(|k| k.key() == text.trim())
            .ok_or_else(|| {
                Error::invalid(format!(
                    "'{text}' is not an integration; choose one of cpanel, directadmin, plesk, proxmox, solusvm."
                ))
            })
    }

    /// The WHMCS module names the integration serves until the admin says otherwise.
    fn default_modules(self) -> &'static [&'static str] {
        match self {
            Kind::Cpanel => &["cpanel"],
            Kind::Directadmin => &["directadmin"],
            Kind::Plesk => &["plesk"],
            Kind::Proxmox => &["proxmox", "proxmoxve", "pvewhmcs"],
            Kind::Solusvm => &["solusvmpro", "solusvm"],
        }
    }

    /// The options this integration knows, with their defaults.
    pub fn option_defaults(self) -> &'static [(&'static str, &'static str)] {
        match self {
            // Where the WHMCS module keeps the guest's id; the bridge of an added interface;
            // whether the guest's firewall IP set (anti-spoofing) is kept in step.
            Kind::Proxmox => &[
                ("guest_field", "vmid"),
                ("bridge", "vmbr0"),
                ("firewall_ipset", "1"),
            ],
            Kind::Solusvm => &[("guest_field", "vserverid")],
            Kind::Plesk => &[("interface", "eth0")],
            _ => &[],
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IntegrationSettings {
    pub kind: Kind,
    pub label: String,
    pub enabled: bool,
    /// WHMCS provisioning module names (lower case).
    pub modules: Vec<String>,
    /// Add the IPs on AfterModuleCreate and manual assign.
    pub push_on_create: bool,
    /// Remove the IPs on unassign, orphan release and IP Cleaner "mark free" (and wait for
    /// the panel before the address is free again).
    pub remove_on_release: bool,
    pub options: BTreeMap<String, String>,
}

impl IntegrationSettings {
    fn defaults(kind: Kind) -> IntegrationSettings {
        IntegrationSettings {
            kind,
            label: kind.label().to_string(),
            enabled: false,
            modules: kind
                .default_modules()
                .iter()
                .map(|m| m.to_string())
                .collect(),
            push_on_create: true,
            remove_on_release: true,
            options: kind
                .option_defaults()
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        }
    }

    pub fn option(&self, key: &str) -> &str {
        self.options
            .get(key)
            .map(String::as_str)
            .unwrap_or_default()
    }

    pub fn serves(&self, module: &str) -> bool {
        let module = module.trim().to_ascii_lowercase();
        !module.is_empty() && self.modules.contains(&module)
    }
}

/// The label of the enabled integration that removes `module`'s IPs from the panel on
/// release, if any (what the admin's confirmations say will happen).
pub fn remover<'a>(all: &'a [IntegrationSettings], module: &str) -> Option<&'a str> {
    all.iter()
        .find(|s| s.enabled && s.remove_on_release && s.serves(module))
        .map(|s| s.label.as_str())
}

/// Every integration as it is before the admin changes anything.
pub fn all_defaults() -> Vec<IntegrationSettings> {
    Kind::ALL
        .into_iter()
        .map(IntegrationSettings::defaults)
        .collect()
}

/// Every integration, configured or not, in `Kind::ALL` order.
pub fn all(db: &Db) -> Result<Vec<IntegrationSettings>> {
    db.run(RetryPolicy::Transient, read_all)
}

pub fn read_all(q: &mut impl Queryable) -> Outcome<Vec<IntegrationSettings>> {
    let rows: Vec<Row> = q.query(
        "SELECT integration, enabled, modules, push_on_create, remove_on_release, options FROM mod_ipmanager_integrations",
    )?;
    let mut stored = BTreeMap::new();
    for mut row in rows {
        let key: String = take(&mut row, "integration")?;
        let Ok(kind) = Kind::parse(&key) else {
            continue;
        };
        let mut settings = IntegrationSettings::defaults(kind);
        settings.enabled = take::<u8>(&mut row, "enabled")? == 1;
        let modules: String = take(&mut row, "modules")?;
        settings.modules = module_list(&modules);
        settings.push_on_create = take::<u8>(&mut row, "push_on_create")? == 1;
        settings.remove_on_release = take::<u8>(&mut row, "remove_on_release")? == 1;
        let options: String = take(&mut row, "options")?;
        let options: BTreeMap<String, String> = serde_json::from_str(&options).unwrap_or_default();
        for (key, value) in options {
            if settings.options.contains_key(&key) {
                settings.options.insert(key, value);
            }
        }
        stored.insert(kind, settings);
    }
    Ok(Kind::ALL
        .into_iter()
        .map(|k| {
            stored
                .remove(&k)
                .unwrap_or_else(|| IntegrationSettings::defaults(k))
        })
        .collect())
}

fn module_list(text: &str) -> Vec<String> {
    let mut list: Vec<String> = text
        .split([',', ' ', '\n'])
        .map(|m| m.trim().to_ascii_lowercase())
        .filter(|m| !m.is_empty())
        .collect();
    list.dedup();
    list
}

/// What the Integrations form sends for one integration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IntegrationForm {
    pub kind: Kind,
    pub enabled: bool,
    pub modules: String,
    pub push_on_create: bool,
    pub remove_on_release: bool,
    pub options: BTreeMap<String, String>,
}

/// Saves one integration's settings. A module served by another enabled integration, an
/// enabled integration with no module, or an unknown option is refused; nothing changes.
pub fn save(db: &Db, form: &IntegrationForm) -> Result<IntegrationSettings> {
    let modules = module_list(&form.modules);
    if modules.iter().any(|m| {
        m.len() > 64
            || !m
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    }) {
        return Err(Error::invalid(
            "Module names are WHMCS provisioning module names (letters, digits, _ and -, at most 64), separated by commas.",
        ));
    }
    if form.enabled && modules.is_empty() {
        return Err(Error::invalid(format!(
            "Name at least one WHMCS module for {} before enabling it (e.g. {}).",
            form.kind.label(),
            form.kind.default_modules().join(", ")
        )));
    }
    let known = form.kind.option_defaults();
    for (key, value) in &form.options {
        if !known.iter().any(|(k, _)| k == key) {
            return Err(Error::invalid(format!(
                "{} has no option '{key}'.",
                form.kind.label()
            )));
        }
        if value.len() > 100 || value.chars().any(char::is_control) {
            return Err(Error::invalid(format!(
                "The option '{key}' must be a short line of text."
            )));
        }
    }
    db.transaction(RetryPolicy::Transient, |tx| {
        let others = read_all(tx)?;
        if form.enabled
            && let Some((other, module)) = others
                .iter()
                .filter(|o| o.enabled && o.kind != form.kind)
                .find_map(|o| modules.iter().find(|m| o.serves(m)).map(|m| (o, m)))
        {
            return Err(Error::Conflict(format!(
                "The module '{module}' is already served by {}; a module goes to one integration.",
                other.label
            ))
            .into());
        }
        let mut options: BTreeMap<String, String> = known
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        options.extend(form.options.clone());
        let options_text = serde_json::to_string(&options)
            .map_err(|e| Error::Internal(format!("Integration options: {e}")))?;
        tx.exec_drop(
            "INSERT INTO mod_ipmanager_integrations (integration, enabled, modules, push_on_create, remove_on_release, options, updated_at) \
             VALUES (:k, :e, :m, :p, :r, :o, UTC_TIMESTAMP()) ON DUPLICATE KEY UPDATE enabled = VALUES(enabled), \
             modules = VALUES(modules), push_on_create = VALUES(push_on_create), remove_on_release = VALUES(remove_on_release), \
             options = VALUES(options), updated_at = VALUES(updated_at)",
            params! {
                "k" => form.kind.key(), "e" => form.enabled, "m" => modules.join(","),
                "p" => form.push_on_create, "r" => form.remove_on_release, "o" => options_text,
            },
        )?;
        crate::audit::record(
            tx,
            "integration.saved",
            ("integration", 0),
            None,
            Some(&serde_json::json!({"integration": form.kind.key(), "enabled": form.enabled, "modules": modules})),
            &format!(
                "{} {} for {}.",
                form.kind.label(),
                if form.enabled { "enabled" } else { "disabled" },
                if modules.is_empty() { "no module".to_string() } else { modules.join(", ") }
            ),
        )?;
        Ok(())
    })?;
    all(db)?
        .into_iter()
        .find(|s| s.kind == form.kind)
        .ok_or_else(|| Error::Internal("The saved integration was not read back.".into()))
}

/// How IP Manager reaches one WHMCS server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServerSettings {
    pub server_id: u32,
    pub verify_tls: bool,
    /// The pinned SHA-256 of the panel's certificate (`AB:CD:…`), '' for none.
    pub fingerprint: String,
    pub connect_timeout_ms: u32,
    pub timeout_ms: u32,
}

impl ServerSettings {
    pub fn defaults(server_id: u32) -> ServerSettings {
        ServerSettings {
            server_id,
            verify_tls: true,
            fingerprint: String::new(),
            connect_timeout_ms: 3000,
            timeout_ms: 8000,
        }
    }

    pub fn http(&self) -> super::http::HttpOptions {
        super::http::HttpOptions::from_settings(
            self.verify_tls,
            // Saved only once it parsed, so a stored pin always reads back.
            super::pinned_tls::parse_fingerprint(&self.fingerprint)
                .ok()
                .flatten(),
            self.connect_timeout_ms,
            self.timeout_ms,
        )
    }
}

pub fn server_settings(q: &mut impl Queryable, server_id: u32) -> Outcome<ServerSettings> {
    let row: Option<(u8, String, u32, u32)> = q.exec_first(
        "SELECT verify_tls, fingerprint, connect_timeout_ms, timeout_ms FROM mod_ipmanager_server_settings WHERE server_id = :id",
        params! {"id" => server_id},
    )?;
    Ok(match row {
        Some((verify, fingerprint, connect, timeout)) => ServerSettings {
            server_id,
            verify_tls: verify == 1,
            fingerprint,
            connect_timeout_ms: connect,
            timeout_ms: timeout,
        },
        None => ServerSettings::defaults(server_id),
    })
}

/// Saves how a server is reached (checked by `http::checked_reach`).
pub fn save_server(db: &Db, settings: &ServerSettings) -> Result<()> {
    let fingerprint = super::http::checked_reach(
        &settings.fingerprint,
        settings.connect_timeout_ms,
        settings.timeout_ms,
    )?;
    db.transaction(RetryPolicy::Transient, |tx| {
        let exists: Option<u32> = tx.exec_first(
            "SELECT id FROM tblservers WHERE id = :id",
            params! {"id" => settings.server_id},
        )?;
        if exists.is_none() {
            return Err(Error::NotFound(format!(
                "Server #{} does not exist in WHMCS.",
                settings.server_id
            ))
            .into());
        }
        tx.exec_drop(
            "INSERT INTO mod_ipmanager_server_settings (server_id, verify_tls, fingerprint, connect_timeout_ms, timeout_ms, updated_at) \
             VALUES (:id, :v, :f, :c, :t, UTC_TIMESTAMP()) ON DUPLICATE KEY UPDATE verify_tls = VALUES(verify_tls), \
             fingerprint = VALUES(fingerprint), connect_timeout_ms = VALUES(connect_timeout_ms), timeout_ms = VALUES(timeout_ms), updated_at = VALUES(updated_at)",
            params! {
                "id" => settings.server_id, "v" => settings.verify_tls, "f" => &fingerprint,
                "c" => settings.connect_timeout_ms, "t" => settings.timeout_ms,
            },
        )?;
        crate::audit::record(
            tx,
            "integration.server_saved",
            ("server", u64::from(settings.server_id)),
            None,
            Some(&serde_json::json!({"verify_tls": settings.verify_tls, "fingerprint": fingerprint, "connect_timeout_ms": settings.connect_timeout_ms, "timeout_ms": settings.timeout_ms})),
            &format!(
                "Server #{}: TLS {}, timeouts {} / {} ms.",
                settings.server_id,
                if !fingerprint.is_empty() {
                    "pinned to its certificate"
                } else if settings.verify_tls {
                    "verified"
                } else {
                    "not verified"
                },
                settings.connect_timeout_ms,
                settings.timeout_ms
            ),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn module_lists_are_lower_case_and_trimmed() {
        assert_eq!(
            module_list(" Proxmox, pvewhmcs ,,\nproxmoxVE"),
            vec!["proxmox", "pvewhmcs", "proxmoxve"]
        );
        let s = IntegrationSettings::defaults(Kind::Proxmox);
        assert!(s.serves("ProxMox") && !s.serves("") && !s.serves("cpanel"));
    }
}
