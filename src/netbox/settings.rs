//! The admin's NetBox settings: where it is (URL, API token, TLS verification or a pinned
//! certificate, timeouts), the tag on every object IP Manager manages, and what a release
//! does there. The token is stored for the extension only: it is never handed back to the
//! pages (they see whether one is set).

use crate::error::{Error, Result};
use crate::store::{Db, Outcome, RetryPolicy};
use mysql::params;
use mysql::prelude::Queryable;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ReleaseAction {
    /// The address stays in NetBox with status `deprecated`.
    Deprecate,
    /// The address is deleted from NetBox.
    Delete,
}

#[derive(Clone, PartialEq, Eq, Serialize)]
pub struct NetBoxSettings {
    pub enabled: bool,
    pub url: String,
    #[serde(skip)]
    pub token: String,
    /// Whether a token is stored (the pages never see it).
    pub token_set: bool,
    pub verify_tls: bool,
    /// SHA-256 of NetBox's own certificate (`AB:CD:…`), '' for none.
    pub fingerprint: String,
    pub connect_timeout_ms: u32,
    pub timeout_ms: u32,
    /// The slug of the tag put on every object IP Manager creates or manages in NetBox.
    pub tag: String,
    pub release_action: ReleaseAction,
    /// Mirror each assignment and release as it happens (else only on a full push).
    pub push_on_assign: bool,
}

// Hand-written so the token never reaches a log line.
impl std::fmt::Debug for NetBoxSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NetBoxSettings")
            .field("enabled", &self.enabled)
            .field("url", &self.url)
            .field("token_set", &self.token_set)
            .field("tag", &self.tag)
            .finish_non_exhaustive()
    }
}

impl Default for NetBoxSettings {
    fn default() -> Self {
        NetBoxSettings {
            enabled: false,
            url: String::new(),
            token: String::new(),
            token_set: false,
            verify_tls: true,
            fingerprint: String::new(),
            connect_timeout_ms: 3000,
            timeout_ms: 8000,
            tag: "ip-manager".into(),
            release_action: ReleaseAction::Deprecate,
            push_on_assign: true,
        }
    }
}

/// What the settings form sends. An empty token keeps the stored one.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NetBoxForm {
    pub enabled: bool,
    pub url: String,
    pub token: String,
    pub verify_tls: bool,
    pub fingerprint: String,
    pub connect_timeout_ms: u32,
    pub timeout_ms: u32,
    pub tag: String,
    pub release_action: String,
    pub push_on_assign: bool,
}

const TABLE: &str = "mod_ipmanager_netbox_settings";

pub fn read(db: &Db) -> Result<NetBoxSettings> {
    db.run(RetryPolicy::Transient, read_in)
}

pub fn read_in(q: &mut impl Queryable) -> Outcome<NetBoxSettings> {
    let stored = crate::store::key_values::read(q, TABLE)?;
    let mut s = NetBoxSettings::default();
    let flag = |key: &str, default: bool| stored.get(key).map_or(default, |v| v == "1");
    let number = |key: &str, default: u32| {
        stored
            .get(key)
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
    };
    let text = |key: &str, default: &str| {
        stored
            .get(key)
            .cloned()
            .unwrap_or_else(|| default.to_string())
    };
    s.enabled = flag("enabled", s.enabled);
    s.url = text("url", &s.url);
    s.token = text("token", "");
    s.token_set = !s.token.is_empty();
    s.verify_tls = flag("verify_tls", s.verify_tls);
    s.fingerprint = text("fingerprint", "");
    s.connect_timeout_ms = number("connect_timeout_ms", s.connect_timeout_ms);
    s.timeout_ms = number("timeout_ms", s.timeout_ms);
    s.tag = text("tag", &s.tag);
    s.release_action = if text("release_action", "deprecate") == "delete" {
        ReleaseAction::Delete
    } else {
        ReleaseAction::Deprecate
    };
    s.push_on_assign = flag("push_on_assign", s.push_on_assign);
    Ok(s)
}

/// Checks and saves the settings; a bad value is refused and nothing changes.
pub fn save(db: &Db, form: &NetBoxForm) -> Result<NetBoxSettings> {
    let url = form.url.trim().trim_end_matches('/').to_string();
    if !url.is_empty()
        && (!(url.starts_with("https://") || url.starts_with("http://"))
            || url.len() < 10
            || url.chars().any(|c| c.is_whitespace() || c.is_control()))
    {
        return Err(Error::invalid(
            "The NetBox URL is its address with http:// or https://, e.g. https://netbox.example.net.",
        ));
    }
    let token = form.token.trim().to_string();
    if !token.is_empty() {
        super::client::authorization(&token)?;
    }
    let fingerprint = crate::providers::http::checked_reach(
        &form.fingerprint,
        form.connect_timeout_ms,
        form.timeout_ms,
    )?;
    let tag = form.tag.trim().to_string();
    if tag.is_empty()
        || tag.len() > 100
        || !tag
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
    {
        return Err(Error::invalid(
            "The tag is a NetBox slug: lower-case letters, digits, - and _, at most 100 (e.g. ip-manager).",
        ));
    }
    let release_action = match form.release_action.trim() {
        "" | "deprecate" => "deprecate",
        "delete" => "delete",
        other => {
            return Err(Error::invalid(format!(
                "'{other}' is not a release action; choose deprecate or delete."
            )));
        }
    };
    db.transaction(RetryPolicy::Transient, |tx| {
        let current = read_in(tx)?;
        let token = if token.is_empty() {
            current.token.clone()
        } else {
            token.clone()
        };
        if form.enabled && (url.is_empty() || token.is_empty()) {
            return Err(Error::invalid(
                "Enter NetBox's URL and an API token before turning the integration on.",
            )
            .into());
        }
        let values: [(&str, String); 10] = [
            ("enabled", flag(form.enabled)),
            ("url", url.clone()),
            ("token", token),
            ("verify_tls", flag(form.verify_tls)),
            ("fingerprint", fingerprint.clone()),
            ("connect_timeout_ms", form.connect_timeout_ms.to_string()),
            ("timeout_ms", form.timeout_ms.to_string()),
            ("tag", tag.clone()),
            ("release_action", release_action.to_string()),
            ("push_on_assign", flag(form.push_on_assign)),
        ];
        crate::store::key_values::write(tx, TABLE, &values)?;
        crate::audit::record(
            tx,
            "netbox.saved",
            ("netbox", 0),
            None,
            Some(&serde_json::json!({"enabled": form.enabled, "url": url, "tag": tag, "release_action": release_action})),
            &format!(
                "NetBox {} at {}.",
                if form.enabled { "enabled" } else { "disabled" },
                if url.is_empty() { "no URL" } else { url.as_str() }
            ),
        )
    })?;
    super::mirror::settings_changed();
    read(db)
}

/// Keeps what a run (`last_push`, `last_sync`) reported, with when, in the caller's
/// transaction: the NetBox page shows it.
pub fn keep_run(
    tx: &mut crate::store::Tx<'_>,
    key: &str,
    report: &serde_json::Value,
) -> Outcome<()> {
    let at = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let value = serde_json::json!({"at": at, "report": report}).to_string();
    crate::store::key_values::write(tx, TABLE, &[(key, value)])
}

/// What the last run of `key` reported: `{at: seconds since the epoch, report}`, if any.
pub fn last_run(db: &Db, key: &str) -> Result<Option<serde_json::Value>> {
    let stored: Option<String> = db.run(RetryPolicy::Transient, |conn| {
        Ok(conn.exec_first(
            "SELECT value FROM mod_ipmanager_netbox_settings WHERE setting = :s",
            params! {"s" => key},
        )?)
    })?;
    Ok(stored.and_then(|s| serde_json::from_str(&s).ok()))
}

fn flag(on: bool) -> String {
    if on { "1" } else { "0" }.to_string()
}
