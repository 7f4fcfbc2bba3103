//! NetBox's REST API (`shared/netbox.md`): token auth (v2 `Bearer nbt_<key>.<token>`, v1
//! `Token <40 characters>`), JSON in and out, `{count, next, previous, results}` pages,
//! failures as 403 `{"detail"}`, 400 `{"field": ["message"]}` and 409 `{"detail"}`, said in
//! words without the token. Over the panels' HTTP client, so timeouts, TLS verification or
//! a pinned certificate, the call's deadline and the masked module log all apply.

use super::settings::NetBoxSettings;
use crate::error::{Error, Result};
use crate::providers::http::{Body, Client, HttpOptions};
use serde_json::Value;

pub const NAME: &str = "NetBox";
/// Objects per page when reading lists (NetBox's own maximum is 1,000).
const PAGE: usize = 1000;

pub struct NetBox {
    client: Client,
    /// `https://netbox.example.net` without a trailing slash.
    base: String,
    authorization: String,
}

/// Which header a token goes in: v2 tokens (`nbt_<key>.<token>`) as a bearer, v1 tokens
/// (40 characters) with NetBox's own `Token` scheme.
pub fn authorization(token: &str) -> Result<String> {
    let token = token.trim();
    let plain = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric());
    if let Some(rest) = token.strip_prefix("nbt_") {
        return match rest.split_once('.') {
            Some((key, secret)) if plain(key) && plain(secret) => Ok(format!("Bearer {token}")),
            _ => Err(Error::invalid(
                "A NetBox v2 token reads nbt_<key>.<token> (letters and digits); copy it whole from NetBox (Admin > API Tokens).",
            )),
        };
    }
    if token.len() == 40 && plain(token) {
        return Ok(format!("Token {token}"));
    }
    Err(Error::invalid(
        "A NetBox API token is either a v2 token (nbt_<key>.<token>) or a v1 token of 40 letters and digits.",
    ))
}

impl NetBox {
    pub fn new(settings: &NetBoxSettings) -> Result<NetBox> {
        NetBox::until(settings, None)
    }

    /// A client none of whose requests runs past `deadline` (a hook's bound).
    pub fn until(
        settings: &NetBoxSettings,
        deadline: Option<std::time::Instant>,
    ) -> Result<NetBox> {
        let base = settings.url.trim().trim_end_matches('/').to_string();
        if !(base.starts_with("https://") || base.starts_with("http://")) || base.len() < 10 {
            return Err(Error::invalid(
                "The NetBox URL is its address with http:// or https://, e.g. https://netbox.example.net.",
            ));
        }
        let authorization = authorization(&settings.token)?;
        let options = HttpOptions {
            deadline,
            ..HttpOptions::from_settings(
                settings.verify_tls,
                crate::providers::pinned_tls::parse_fingerprint(&settings.fingerprint)?,
                settings.connect_timeout_ms,
                settings.timeout_ms,
            )
        };
        let token = settings.token.trim().to_string();
        let secret = token.rsplit('.').next().unwrap_or_default().to_string();
        Ok(NetBox {
            client: Client::new(NAME, &options, &[&token, &secret])?,
            base,
            authorization,
        })
    }

    /// One request to `/api/<path>`: the JSON reply, or NetBox's refusal in words.
    pub fn call(
        &self,
        method: &str,
        path: &str,
        query: &[(&str, &str)],
        body: Option<&Value>,
    ) -> Result<Value> {
        let url = format!("{}/api/{}", self.base, path.trim_start_matches('/'));
        let text = body.map(Value::to_string);
        let headers = [
            ("Authorization", self.authorization.as_str()),
            ("Accept", "application/json"),
            ("Content-Type", "application/json"),
        ];
        let reply = self.client.send(
            path,
            method,
            &url,
            query,
            &headers,
            text.as_deref().map_or(Body::None, Body::Text),
        )?;
        let parsed: Option<Value> = serde_json::from_str(&reply.body).ok();
        match reply.status {
            204 => Ok(Value::Null),
            200..=299 => parsed.ok_or_else(|| {
                Error::Integration(format!(
                    "{NAME} answered {method} {path} with something that is not JSON; is {} NetBox?",
                    self.base
                ))
            }),
            status => Err(Error::Integration(refusal(method, path, status, parsed.as_ref()))),
        }
    }

    /// Every object of a list endpoint matching `query`, page by page.
    pub fn list(&self, path: &str, query: &[(&str, &str)]) -> Result<Vec<Value>> {
        let mut all = Vec::new();
        loop {
            let offset = all.len().to_string();
            let limit = PAGE.to_string();
            let mut q: Vec<(&str, &str)> = query.to_vec();
            q.push(("limit", &limit));
            q.push(("offset", &offset));
            let page = self.call("GET", path, &q, None)?;
            let results = page
                .get("results")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            let count = page.get("count").and_then(Value::as_u64).unwrap_or(0) as usize;
            let got = results.len();
            all.extend(results);
            if got == 0 || all.len() >= count {
                return Ok(all);
            }
        }
    }

    /// NetBox's version, from `/api/status/` ("Test connection").
    pub fn status(&self) -> Result<String> {
        let status = self.call("GET", "status/", &[], None)?;
        let version = status
            .get("netbox-version")
            .and_then(Value::as_str)
            .ok_or_else(|| {
                Error::Integration(format!(
                    "{} answered /api/status/ without a netbox-version; is it NetBox?",
                    self.base
                ))
            })?;
        Ok(format!("{NAME} {version}"))
    }
}

/// NetBox's refusal in words: its `detail`, or each field's messages.
fn refusal(method: &str, path: &str, status: u16, body: Option<&Value>) -> String {
    let detail = body.and_then(|b| b.get("detail")).and_then(Value::as_str);
    let fields = body.and_then(Value::as_object).map(|map| {
        map.iter()
            .filter(|(k, _)| k.as_str() != "detail")
            .map(|(k, v)| {
                let messages = match v {
                    Value::Array(list) => list
                        .iter()
                        .map(|m| m.as_str().map_or_else(|| m.to_string(), str::to_string))
                        .collect::<Vec<_>>()
                        .join(" "),
                    other => other
                        .as_str()
                        .map_or_else(|| other.to_string(), str::to_string),
                };
                format!("{k}: {messages}")
            })
            .collect::<Vec<_>>()
            .join("; ")
    });
    match (status, detail, fields) {
        (401 | 403, Some(d), _) => format!(
            "{NAME} refused the API token (HTTP {status}): {d} Check the token and its permissions under Settings."
        ),
        (401 | 403, None, _) => format!(
            "{NAME} refused the API token (HTTP {status}); check the token and its permissions under Settings."
        ),
        (_, Some(d), _) => format!("{NAME} refused {method} {path} (HTTP {status}): {d}"),
        (_, None, Some(f)) if !f.is_empty() => {
            format!("{NAME} refused {method} {path} (HTTP {status}): {f}")
        }
        _ => format!("{NAME} answered {method} {path} with HTTP {status}."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn tokens_of_both_formats_go_in_their_own_header() {
        let v2 = format!("nbt_abcDEF123456.{}", "x".repeat(40));
        assert_eq!(authorization(&v2).unwrap(), format!("Bearer {v2}"));
        let v1 = "0123456789abcdef0123456789abcdef01234567";
        assert_eq!(authorization(v1).unwrap(), format!("Token {v1}"));
        for bad in ["", "nbt_", "nbt_key", "nbt_k.y-z", "short", &"x".repeat(41)] {
            assert!(authorization(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn refusals_are_said_in_netboxs_words() {
        assert_eq!(
            refusal(
                "POST",
                "ipam/ip-addresses/",
                400,
                Some(
                    &json!({"address": ["Duplicate IP address found in global table: 192.0.2.1/24"]})
                )
            ),
            "NetBox refused POST ipam/ip-addresses/ (HTTP 400): address: Duplicate IP address found in global table: 192.0.2.1/24"
        );
        assert!(
            refusal(
                "GET",
                "status/",
                403,
                Some(&json!({"detail": "Invalid v2 token"}))
            )
            .starts_with("NetBox refused the API token (HTTP 403): Invalid v2 token")
        );
        assert_eq!(
            refusal("GET", "x/", 502, None),
            "NetBox answered GET x/ with HTTP 502."
        );
    }
}
