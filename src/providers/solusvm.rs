//! SolusVM v1 admin API (`shared/providers.md`): `vserver-addip` / `vserver-delip` by form
//! POST with the API id and key (WHMCS's server username and access hash, or password),
//! `rdtype=json`. Success only where `status` is `success`. What SolusVM answers to adding
//! an address the server already has, or deleting one it lacks, is not documented
//! (unconfirmed): such an answer is shown as the panel's refusal, never taken for success,
//! so the admin checks the server and retries or forces.

use super::http::{self, Body, Client};
use super::settings::IntegrationSettings;
use super::{IpChange, Provider, ServerAccess};
use crate::error::{Error, Result};
use serde_json::Value;

pub const NAME: &str = "SolusVM";
const DEFAULT_PORT: u16 = 5656;

pub struct Solusvm {
    guest_field: String,
}

impl Solusvm {
    pub fn new(settings: &IntegrationSettings) -> Solusvm {
        Solusvm {
            guest_field: settings.option("guest_field").to_string(),
        }
    }
}

struct Api {
    client: Client,
    url: String,
    id: String,
    key: String,
}

impl Api {
    fn new(server: &ServerAccess) -> Result<Api> {
        let key = if server.access_hash.trim().is_empty() {
            server.password.clone()
        } else {
            server.access_hash.split_whitespace().collect()
        };
        let id = server.username.trim().to_string();
        if id.is_empty() || key.is_empty() {
            return Err(Error::invalid(
                "The SolusVM server needs its API id (username) and API key (access hash or password) in WHMCS.",
            ));
        }
        Ok(Api {
            client: Client::new(NAME, &server.http, &[&key])?,
            url: format!(
                "{}/api/admin/command.php",
                http::origin(NAME, server, (DEFAULT_PORT, DEFAULT_PORT))?
            ),
            id,
            key,
        })
    }

    fn command(&self, action: &str, params: &[(&str, &str)]) -> Result<Value> {
        let mut form = vec![
            ("id", self.id.as_str()),
            ("key", self.key.as_str()),
            ("action", action),
            ("rdtype", "json"),
        ];
        form.extend_from_slice(params);
        let reply = self
            .client
            .send(action, "POST", &self.url, &[], &[], Body::Form(&form))?;
        reply.answered(NAME, action, "API id (username) and API key")?;
        match serde_json::from_str::<Value>(&reply.body) {
            Ok(body) if body.get("status").and_then(Value::as_str) == Some("success") => Ok(body),
            Ok(body) => Err(Error::Integration(format!(
                "{NAME} {action}: {}",
                body.get("statusmsg")
                    .and_then(Value::as_str)
                    .unwrap_or("no reason given")
            ))),
            // Plain-text refusals come with HTTP 200 ("Invalid id or key", "Invalid
            // ipaddress" for a caller not whitelisted).
            Err(_) => Err(Error::Integration(format!(
                "{NAME} {action}: {}",
                reply.body.trim().chars().take(200).collect::<String>()
            ))),
        }
    }
}

fn vserver<'a>(integration: &Solusvm, change: &'a IpChange) -> Result<&'a str> {
    let id = change.guest_id.trim();
    if id.is_empty() || !id.chars().all(|c| c.is_ascii_digit()) {
        return Err(Error::Integration(format!(
            "Service #{} has no {NAME} vserverid in its custom field '{}' (found '{id}'); fill it in, then retry.",
            change.service_id, integration.guest_field
        )));
    }
    Ok(id)
}

impl Solusvm {
    /// `action` for each address of the change on its virtual server, the address as
    /// `field`.
    fn each(&self, change: &IpChange, action: &str, field: &str) -> Result<()> {
        if change.addresses.is_empty() {
            return Ok(());
        }
        super::refuse_unsupported(self, change)?;
        let id = vserver(self, change)?;
        let api = Api::new(&change.server)?;
        for address in &change.addresses {
            api.command(action, &[("vserverid", id), (field, address)])?;
        }
        Ok(())
    }
}

impl Provider for Solusvm {
    fn name(&self) -> &str {
        NAME
    }

    fn guest_field(&self) -> Option<&str> {
        Some(&self.guest_field)
    }

    /// The v1 API adds and deletes single IPv4 addresses.
    fn unsupported(&self, address: &str) -> Option<String> {
        (address.contains(':') || address.contains('/')).then(|| {
            format!(
                "{address} is not supported by {NAME}: its v1 API adds and deletes single IPv4 addresses; configure IPv6 and prefixes on the server."
            )
        })
    }

    fn add_ips(&self, change: &IpChange) -> Result<()> {
        self.each(change, "vserver-addip", "ipv4addr")
    }

    fn remove_ips(&self, change: &IpChange) -> Result<()> {
        self.each(change, "vserver-delip", "ipaddr")
    }

    /// SolusVM v1 documents no version call, so the check deletes nothing from a server that
    /// cannot exist (vserverid 0): "Virtual server not found" proves id and key are accepted.
    fn test_connection(&self, server: &ServerAccess) -> Result<String> {
        let api = Api::new(server)?;
        match api.command("vserver-delip", &[("vserverid", "0"), ("ipaddr", "")]) {
            Ok(_) => Ok(format!("{NAME} answered (credentials accepted)")),
            Err(Error::Integration(message)) if message.contains("Virtual server not found") => {
                Ok(format!("{NAME} answered (credentials accepted)"))
            }
            Err(e) => Err(e),
        }
    }
}
