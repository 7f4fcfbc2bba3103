//! cPanel / WHM (API 1, `shared/providers.md`). An account has exactly one IPv4: adding
//! points the account at its dedicated IP (`setsiteip`), removing points it back at the
//! server's shared main IP (`listips`, `mainaddr = 1`). IPv6 is not handled through this
//! API: such addresses get a "not supported by cPanel" error rather than a silent skip.

use super::http::{self, Body, Client};
use super::{IpChange, Provider, ServerAccess};
use crate::error::{Error, Result};
use serde_json::Value;

pub const NAME: &str = "cPanel";

/// The integration: a WHM client per server, made for each change.
pub struct Cpanel;

/// WHM API 1 on one server.
struct Whm {
    client: Client,
    base: String,
    authorization: String,
}

impl Whm {
    /// WHM on the server's port (2087 with TLS, 2086 without, unless the record names one),
    /// authenticated with the server's API token (WHMCS's access hash).
    fn new(server: &ServerAccess) -> Result<Whm> {
        if server.access_hash.trim().is_empty() {
            return Err(Error::invalid(
                "The cPanel server has no API token in WHMCS (the server's access hash); create one in WHM under Manage API Tokens.",
            ));
        }
        let token: String = server.access_hash.split_whitespace().collect();
        Ok(Whm {
            client: Client::new(NAME, &server.http, &[&token])?,
            base: format!("{}/json-api", http::origin(NAME, server, (2087, 2086))?),
            authorization: format!("whm {}:{token}", server.username.trim()),
        })
    }

    /// One WHM API 1 call: `metadata.result` 1 is success (WHM answers failures with HTTP
    /// 200, `result` 0 and a `reason`); the reply's `data` is returned.
    fn call(&self, function: &str, params: &[(&str, &str)]) -> Result<Value> {
        let url = format!("{}/{function}", self.base);
        let mut query = vec![("api.version", "1")];
        query.extend_from_slice(params);
        let reply = self.client.send(
            function,
            "GET",
            &url,
            &query,
            &[("Authorization", self.authorization.as_str())],
            Body::None,
        )?;
        reply.answered(NAME, function, "username and API token (access hash)")?;
        let body: Value = serde_json::from_str(&reply.body).map_err(|_| {
            Error::Integration(format!(
                "{NAME} answered {function} with something that is not JSON."
            ))
        })?;
        let result = body.pointer("/metadata/result").and_then(Value::as_i64);
        let reason = body
            .pointer("/metadata/reason")
            .and_then(Value::as_str)
            .unwrap_or("no reason given")
            .to_string();
        match result {
            Some(1) => Ok(body.get("data").cloned().unwrap_or(Value::Null)),
            Some(_) => Err(Error::Integration(format!("{NAME} {function}: {reason}"))),
            None => Err(Error::Integration(format!(
                "{NAME} answered {function} without a result."
            ))),
        }
    }

    /// The server's shared main IP, where an account goes back to when it loses its own.
    fn main_ip(&self) -> Result<String> {
        let data = self.call("listips", &[])?;
        data.get("ip")
            .and_then(Value::as_array)
            .and_then(|ips| {
                ips.iter()
                    .find(|ip| ip.get("mainaddr").and_then(Value::as_i64) == Some(1))
            })
            .and_then(|ip| ip.get("ip"))
            .and_then(Value::as_str)
            .map(str::to_string)
            .ok_or_else(|| Error::Integration(format!("{NAME} listips names no main IP.")))
    }

    fn set_site_ip(&self, user: &str, ip: &str) -> Result<()> {
        self.call("setsiteip", &[("ip", ip), ("user", user)])
            .map(|_| ())
    }
}

/// The one IPv4 an account can have; IPv6 addresses and prefixes are not supported.
/// The account's one IPv4 (after `refuse_unsupported`, only IPv4 addresses are left).
fn the_ipv4(change: &IpChange) -> Result<Option<String>> {
    match change.addresses.as_slice() {
        [] => Ok(None),
        [one] => Ok(Some(one.clone())),
        more => Err(Error::Integration(format!(
            "A {NAME} account has exactly one IPv4 address; service #{} was given {}.",
            change.service_id,
            more.len()
        ))),
    }
}

impl Provider for Cpanel {
    fn name(&self) -> &str {
        NAME
    }

    /// An account holds one IPv4 address; WHM API 1 sets no IPv6 or prefix on it.
    fn unsupported(&self, address: &str) -> Option<String> {
        (address.contains(':') || address.contains('/')).then(|| {
            format!(
                "{address}: IPv6 and prefixes are not supported by {NAME} through WHM API 1; configure it on the server by hand."
            )
        })
    }

    /// Points the account at its dedicated IP; repeating it is harmless (WHM answers
    /// "already using ip" with result 1).
    fn add_ips(&self, change: &IpChange) -> Result<()> {
        let user = change.username_on(NAME)?;
        super::refuse_unsupported(self, change)?;
        match the_ipv4(change)? {
            Some(ip) => Whm::new(&change.server)?.set_site_ip(user, &ip),
            None => Ok(()),
        }
    }

    /// Points the account back at the server's shared main IP; repeating it is harmless.
    fn remove_ips(&self, change: &IpChange) -> Result<()> {
        let user = change.username_on(NAME)?;
        super::refuse_unsupported(self, change)?;
        match the_ipv4(change)? {
            Some(_) => {
                let whm = Whm::new(&change.server)?;
                whm.set_site_ip(user, &whm.main_ip()?)
            }
            None => Ok(()),
        }
    }

    /// WHM's version (`version`), or why it refused.
    fn test_connection(&self, server: &ServerAccess) -> Result<String> {
        let data = Whm::new(server)?.call("version", &[])?;
        let version = data
            .get("version")
            .and_then(Value::as_str)
            .unwrap_or("unknown");
        Ok(format!("WHM {version}"))
    }
}
