//! DirectAdmin legacy API (`shared/providers.md`): HTTP Basic with the admin's user and
//! password or login key, URL-encoded replies (`error=0&text=...`). What is documented: the
//! admin IP pool (`CMD_API_IP_MANAGER` add and delete) and one IP's status and owner
//! (`CMD_API_SHOW_RESELLER_IPS ip=X`). Giving an IP to an *existing* user has no documented
//! call (unconfirmed), so this integration never guesses one:
//! - add: the address is put in the server's pool (free); if its owner is already the
//!   service's user the add is done, otherwise the delivery reports that the admin must
//!   assign it in DirectAdmin, and each retry checks again until that is done;
//! - remove: while the user still owns it the delivery reports that the admin must take it
//!   away in DirectAdmin; once it is not the user's, it is deleted from the pool so that
//!   no other server's guest meets it configured here.

use super::http::{self, Body, Client};
use super::{IpChange, Provider, ServerAccess};
use crate::error::{Error, Result};
use std::collections::HashMap;

pub const NAME: &str = "DirectAdmin";
const DEFAULT_PORT: u16 = 2222;

pub struct DirectAdmin;

struct Api {
    client: Client,
    base: String,
    authorization: String,
}

/// One IP as `CMD_API_SHOW_RESELLER_IPS ip=X` describes it.
#[derive(Debug, PartialEq, Eq)]
enum IpState {
    NotInPool,
    /// `status` (free, shared, owned, server) and the owner, if one is named.
    Pooled {
        status: String,
        owner: String,
    },
}

impl Api {
    fn new(server: &ServerAccess) -> Result<Api> {
        let user = server.username.trim();
        let secret = if server.password.is_empty() {
            server.access_hash.trim().to_string()
        } else {
            server.password.clone()
        };
        if user.is_empty() || secret.is_empty() {
            return Err(Error::invalid(
                "The DirectAdmin server needs the admin's username and password or login key in WHMCS.",
            ));
        }
        let basic = base64(format!("{user}:{secret}").as_bytes());
        Ok(Api {
            client: Client::new(NAME, &server.http, &[&secret, &basic])?,
            base: http::origin(NAME, server, (DEFAULT_PORT, DEFAULT_PORT))?,
            authorization: format!("Basic {basic}"),
        })
    }

    /// One command's reply body, once the HTTP status says it was answered.
    fn command_text(&self, command: &str, form: &[(&str, &str)]) -> Result<String> {
        let url = format!("{}/{command}", self.base);
        let reply = self.client.send(
            command,
            "POST",
            &url,
            &[],
            &[("Authorization", self.authorization.as_str())],
            Body::Form(form),
        )?;
        reply.answered(NAME, command, "username and password or login key")?;
        Ok(reply.body)
    }

    /// One command's URL-encoded reply. An error page or a proxy's answer must never read
    /// as "not in the pool": that would release an address the user still holds.
    fn command(&self, command: &str, form: &[(&str, &str)]) -> Result<HashMap<String, String>> {
        let body = self.command_text(command, form)?;
        let fields = url_decoded(&body);
        let known = ["error", "status", "list[]"];
        if !known.iter().any(|k| fields.contains_key(*k)) || body.trim_start().starts_with('<') {
            return Err(Error::Integration(format!(
                "{NAME} answered {command} with something that is not its URL-encoded reply."
            )));
        }
        Ok(fields)
    }

    fn state_of(&self, ip: &str) -> Result<IpState> {
        let reply = self.command("CMD_API_SHOW_RESELLER_IPS", &[("ip", ip)])?;
        if reply.get("error").map(String::as_str) == Some("1") {
            return Ok(IpState::NotInPool);
        }
        match reply.get("status") {
            Some(status) => Ok(IpState::Pooled {
                status: status.clone(),
                owner: reply.get("owner").cloned().unwrap_or_default(),
            }),
            None => Ok(IpState::NotInPool),
        }
    }

    fn ok(&self, command: &str, form: &[(&str, &str)]) -> Result<()> {
        let reply = self.command(command, form)?;
        match reply.get("error").map(String::as_str) {
            Some("0") => Ok(()),
            _ => Err(Error::Integration(format!(
                "{NAME} {command}: {} {}",
                reply.get("text").map(String::as_str).unwrap_or("refused"),
                reply.get("details").map(String::as_str).unwrap_or_default()
            ))),
        }
    }
}

/// `a=1&b=x%20y` as a map (DirectAdmin's legacy reply form).
fn url_decoded(body: &str) -> HashMap<String, String> {
    body.trim()
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .map(|(k, v)| (decode(k), decode(v)))
        .collect()
}

fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let escaped = (bytes[i] == b'%')
            .then(|| bytes.get(i + 1..i + 3))
            .flatten()
            .and_then(|hex| std::str::from_utf8(hex).ok())
            .and_then(|hex| u8::from_str_radix(hex, 16).ok());
        match (escaped, bytes[i]) {
            (Some(b), _) => {
                out.push(b);
                i += 3;
            }
            (None, b'+') => {
                out.push(b' ');
                i += 1;
            }
            (None, b) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn base64(input: &[u8]) -> String {
    const TABLE: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(input.len().div_ceil(3) * 4);
    for chunk in input.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for (i, shift) in [18, 12, 6, 0].into_iter().enumerate() {
            if i <= chunk.len() {
                out.push(TABLE[((n >> shift) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

impl Provider for DirectAdmin {
    fn name(&self) -> &str {
        NAME
    }

    /// Its IP manager takes single addresses.
    fn unsupported(&self, address: &str) -> Option<String> {
        address.contains('/').then(|| {
            format!("{address} is a prefix; {NAME}'s IP manager takes single addresses: configure it on the server by hand.")
        })
    }

    fn add_ips(&self, change: &IpChange) -> Result<()> {
        if change.addresses.is_empty() {
            return Ok(());
        }
        super::refuse_unsupported(self, change)?;
        let user = change.username_on(NAME)?;
        let api = Api::new(&change.server)?;
        let mut to_assign = Vec::new();
        for ip in &change.addresses {
            let state = match api.state_of(ip)? {
                IpState::NotInPool => {
                    let mask = match change.network_of(ip) {
                        Some(n) if !ip.contains(':') => crate::net::ipv4_netmask(n.prefix_len),
                        Some(n) => n.prefix_len.to_string(),
                        None => "255.255.255.255".into(),
                    };
                    api.ok(
                        "CMD_API_IP_MANAGER",
                        &[
                            ("action", "add"),
                            ("ip", ip),
                            ("netmask", &mask),
                            ("notify", "no"),
                            ("add", "Submit"),
                            ("status", "free"),
                        ],
                    )?;
                    api.state_of(ip)?
                }
                pooled => pooled,
            };
            match state {
                IpState::Pooled { owner, .. } if owner == user => {}
                _ => to_assign.push(ip.as_str()),
            }
        }
        if to_assign.is_empty() {
            return Ok(());
        }
        Err(Error::Integration(format!(
            "{NAME} has no documented API call to give an existing user an IP: {} is in the server's IP pool now; \
             assign it to user {user} in DirectAdmin (Modify User), then Retry — the next attempt sees it done.",
            to_assign.join(", ")
        )))
    }

    fn remove_ips(&self, change: &IpChange) -> Result<()> {
        if change.addresses.is_empty() {
            return Ok(());
        }
        super::refuse_unsupported(self, change)?;
        let user = change.username_on(NAME)?;
        let api = Api::new(&change.server)?;
        let mut still_owned = Vec::new();
        for ip in &change.addresses {
            match api.state_of(ip)? {
                IpState::NotInPool => {}
                IpState::Pooled { owner, .. } if owner == user => still_owned.push(ip.as_str()),
                IpState::Pooled { status, .. } if status == "free" => {
                    api.ok(
                        "CMD_API_IP_MANAGER",
                        &[("action", "select"), ("delete", "yes"), ("select0", ip)],
                    )?;
                }
                // Shared, server or another owner's: not this service's to take away.
                IpState::Pooled { .. } => {}
            }
        }
        if still_owned.is_empty() {
            return Ok(());
        }
        Err(Error::Integration(format!(
            "{NAME} has no documented API call to take an IP from an existing user: user {user} still holds {}; \
             change it in DirectAdmin (Modify User), then Retry — the address stays releasing until then.",
            still_owned.join(", ")
        )))
    }

    fn test_connection(&self, server: &ServerAccess) -> Result<String> {
        // An empty pool answers an empty list.
        let body =
            Api::new(server)?.command_text("CMD_API_SHOW_RESELLER_IPS", &[("action", "all")])?;
        let reply = url_decoded(&body);
        if body.trim_start().starts_with('<') || reply.get("error").map(String::as_str) == Some("1")
        {
            return Err(Error::Integration(format!(
                "{NAME}: {}",
                reply.get("text").map(String::as_str).unwrap_or(
                    "the reply is not DirectAdmin's (check the port and that this is DirectAdmin)"
                )
            )));
        }
        Ok(format!("{NAME} answered (credentials accepted)"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replies_are_url_decoded_and_basic_auth_is_base64() {
        let m = url_decoded("error=0&text=IP+added&details=a%20b%zz");
        assert_eq!(m["text"], "IP added");
        assert_eq!(m["details"], "a b%zz");
        assert_eq!(base64(b"admin:pw"), "YWRtaW46cHc=");
        assert_eq!(base64(b"ab"), "YWI=");
        assert_eq!(base64(b"abc"), "YWJj");
    }
}
