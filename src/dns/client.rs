//! PowerDNS Authoritative's HTTP API (`/api/v1/servers/<id>/…`, header `X-API-Key`), over
//! the panels' HTTP client: timeouts, TLS verification or a pinned certificate, the call's
//! deadline and the masked module log all apply. Failures are said in words, never with the
//! key.

use crate::error::{Error, Result};
use crate::providers::http::{Body, Client, HttpOptions};
use serde_json::{Value, json};

pub const NAME: &str = "PowerDNS";
/// PTRs per PATCH: about 0.5 MB of JSON, well under PowerDNS's default 2 MB body limit.
const PATCH_RRSETS: usize = 4000;
/// Further tries of a PATCH PowerDNS failed with a 5xx (each within the call's deadline).
const PATCH_RETRIES: u32 = 3;

pub struct PowerDns {
    client: Client,
    /// `http://127.0.0.1:8081/api/v1/servers/localhost`
    server: String,
    key: String,
}

/// One PTR change for `patch`: the owner name and the hostname (None deletes it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PtrChange {
    pub name: String,
    pub hostname: Option<String>,
}

impl PowerDns {
    pub fn new(url: &str, key: &str, server_id: &str, options: &HttpOptions) -> Result<PowerDns> {
        let base = url.trim().trim_end_matches('/');
        if !(base.starts_with("https://") || base.starts_with("http://")) || base.len() < 10 {
            return Err(Error::invalid(
                "The PowerDNS API URL is its address with http:// or https://, e.g. http://127.0.0.1:8081.",
            ));
        }
        let server_id = server_id.trim();
        if server_id.is_empty()
            || !server_id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.')
        {
            return Err(Error::invalid(
                "The PowerDNS server id is a name such as localhost (letters, digits, - _ .).",
            ));
        }
        if key.trim().is_empty() {
            return Err(Error::invalid(
                "Enter the PowerDNS API key (its api-key setting).",
            ));
        }
        Ok(PowerDns {
            client: Client::new(NAME, options, &[key.trim()])?,
            server: format!("{base}/api/v1/servers/{server_id}"),
            key: key.trim().to_string(),
        })
    }

    fn call(&self, method: &str, path: &str, body: Option<&Value>) -> Result<(u16, Value)> {
        let url = format!("{}{path}", self.server);
        let text = body.map(Value::to_string);
        let headers = [
            ("X-API-Key", self.key.as_str()),
            ("Accept", "application/json"),
            ("Content-Type", "application/json"),
        ];
        let reply = self.client.send(
            path,
            method,
            &url,
            &[],
            &headers,
            text.as_deref().map_or(Body::None, Body::Text),
        )?;
        let parsed = serde_json::from_str(&reply.body).unwrap_or(Value::Null);
        Ok((reply.status, parsed))
    }

    fn refused(method: &str, path: &str, status: u16, body: &Value) -> Error {
        let said = body
            .get("error")
            .and_then(Value::as_str)
            .unwrap_or("no reason given");
        match status {
            401 | 403 => Error::Integration(format!(
                "{NAME} refused the API key (HTTP {status}); check it against PowerDNS's api-key setting."
            )),
            _ => Error::Integration(format!(
                "{NAME} refused {method} {path} (HTTP {status}): {said}"
            )),
        }
    }

    /// PowerDNS's version ("Test connection").
    pub fn status(&self) -> Result<String> {
        let (status, body) = self.call("GET", "", None)?;
        if status != 200 {
            return Err(Self::refused("GET", "/", status, &body));
        }
        let version = body.get("version").and_then(Value::as_str).unwrap_or("?");
        Ok(format!("{NAME} {version}"))
    }

    /// Whether the zone exists (absolute name, e.g. `113.0.203.in-addr.arpa.`).
    pub fn zone_exists(&self, zone: &str) -> Result<bool> {
        let path = format!("/zones/{zone}");
        let (status, body) = self.call("GET", &path, None)?;
        match status {
            200 => Ok(true),
            404 | 422 => Ok(false),
            _ => Err(Self::refused("GET", &path, status, &body)),
        }
    }

    /// The names of the zones PowerDNS holds (absolute).
    pub fn zones(&self) -> Result<Vec<String>> {
        let (status, body) = self.call("GET", "/zones", None)?;
        if status != 200 {
            return Err(Self::refused("GET", "/zones", status, &body));
        }
        let zones = body.as_array().map(Vec::as_slice).unwrap_or_default();
        Ok(zones
            .iter()
            .filter_map(|z| z.get("name").and_then(Value::as_str))
            .map(str::to_string)
            .collect())
    }

    /// Creates a Native zone with these nameservers (absolute names), unless it exists.
    pub fn ensure_zone(&self, zone: &str, nameservers: &[String]) -> Result<bool> {
        if self.zone_exists(zone)? {
            return Ok(false);
        }
        let body = json!({"name": zone, "kind": "Native", "nameservers": nameservers});
        let (status, reply) = self.call("POST", "/zones", Some(&body))?;
        match status {
            200..=299 => Ok(true),
            // Made meanwhile by another worker.
            409 => Ok(false),
            _ => Err(Self::refused("POST", "/zones", status, &reply)),
        }
    }

    /// Sets or deletes PTRs in one zone: one request per `PATCH_RRSETS` (PowerDNS refuses
    /// a body over its webserver-max-bodysize, 2 MB by default — about 15,000 PTRs).
    pub fn patch(&self, zone: &str, changes: &[PtrChange], ttl: u32) -> Result<()> {
        for chunk in changes.chunks(PATCH_RRSETS) {
            self.patch_once(zone, chunk, ttl)?;
        }
        Ok(())
    }

    fn patch_once(&self, zone: &str, changes: &[PtrChange], ttl: u32) -> Result<()> {
        let rrsets: Vec<Value> = changes
            .iter()
            .map(|c| match &c.hostname {
                Some(host) => {
                    json!({"name": c.name, "type": "PTR", "ttl": ttl, "changetype": "REPLACE",
                    "records": [{"content": host, "disabled": false}]})
                }
                None => json!({"name": c.name, "type": "PTR", "changetype": "DELETE"}),
            })
            .collect();
        let path = format!("/zones/{zone}");
        let body = json!({"rrsets": rrsets});
        let mut attempt = 0;
        loop {
            let (status, reply) = self.call("PATCH", &path, Some(&body))?;
            match status {
                200..=299 => return Ok(()),
                // A backend busy for a moment (SQLite's "database is locked" comes back as
                // HTTP 500); REPLACE and DELETE are safe to send again.
                500..=599 if attempt < PATCH_RETRIES => {
                    attempt += 1;
                    std::thread::sleep(std::time::Duration::from_millis(150 * u64::from(attempt)));
                }
                _ => return Err(Self::refused("PATCH", &path, status, &reply)),
            }
        }
    }
}
