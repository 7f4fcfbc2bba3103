//! The private NetBox `scripts/netbox.sh start` runs (make test starts it): its address and
//! tokens from var/netbox/netbox.env.

use std::collections::HashMap;

pub struct RealNetBox {
    pub url: String,
    /// A v2 token (`nbt_<key>.<token>`).
    pub token: String,
    /// A v1 token (40 characters).
    pub token_v1: String,
}

pub fn real() -> RealNetBox {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/var/netbox/netbox.env");
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("{path}: {e}; start NetBox with `make netbox` first"));
    let env: HashMap<&str, &str> = text.lines().filter_map(|l| l.split_once('=')).collect();
    RealNetBox {
        url: env["NETBOX_URL"].into(),
        token: env["NETBOX_TOKEN"].into(),
        token_v1: env["NETBOX_TOKEN_V1"].into(),
    }
}

/// The settings form as an admin fills it in: on, this URL and token, verified TLS.
pub fn form(
    url: &str,
    token: &str,
    tag: &str,
    release: &str,
) -> ipmanager::netbox::settings::NetBoxForm {
    ipmanager::netbox::settings::NetBoxForm {
        enabled: true,
        url: url.into(),
        token: token.into(),
        verify_tls: true,
        fingerprint: String::new(),
        connect_timeout_ms: 1000,
        timeout_ms: 20_000,
        tag: tag.into(),
        release_action: release.into(),
        push_on_assign: true,
    }
}

/// Deletes every IP address and prefix NetBox holds under `cidr` (what a test made there).
pub fn remove_under(nb: &ipmanager::netbox::client::NetBox, cidr: &str) {
    for (endpoint, filter) in [
        ("ipam/ip-addresses/", "parent"),
        ("ipam/prefixes/", "within_include"),
    ] {
        let ids: Vec<serde_json::Value> = nb
            .list(endpoint, &[(filter, cidr)])
            .unwrap_or_default()
            .iter()
            .map(|o| serde_json::json!({"id": o["id"]}))
            .collect();
        if !ids.is_empty() {
            let _ = nb.call(
                "DELETE",
                endpoint,
                &[],
                Some(&serde_json::Value::Array(ids)),
            );
        }
    }
}
