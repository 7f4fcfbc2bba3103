//! The seam to the hosting panels (cPanel, DirectAdmin, Plesk, Proxmox VE, SolusVM). Jobs
//! and hooks talk to a `Provider` found through a `Providers` registry, so the core knows no
//! HTTP and tests can put a recording provider in. The panel clients themselves come with
//! the Integrations work; until one is enabled, `NoIntegrations` answers for every module.

pub mod cpanel;
pub mod http;
pub mod netbox;
pub mod outbox;

use crate::error::Result;
use serde::Serialize;

/// Where the panel is, as WHMCS's server record says (password already decrypted by PHP).
#[derive(Clone, Default, PartialEq, Eq, Serialize)]
pub struct ServerAccess {
    pub hostname: String,
    pub ip: String,
    /// The port the server record names; None: the panel's usual one.
    pub port: Option<u16>,
    pub username: String,
    #[serde(skip)]
    pub password: String,
    #[serde(skip)]
    pub access_hash: String,
    pub secure: bool,
}

// Hand-written so credentials never reach a log line.
impl std::fmt::Debug for ServerAccess {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServerAccess")
            .field("hostname", &self.hostname)
            .field("ip", &self.ip)
            .field("port", &self.port)
            .field("username", &self.username)
            .field("secure", &self.secure)
            .finish_non_exhaustive()
    }
}

/// IPs to add to or remove from one service on its panel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IpChange {
    pub module: String,
    pub service_id: u32,
    pub username: String,
    pub domain: String,
    pub server: ServerAccess,
    pub addresses: Vec<String>,
}

pub trait Provider {
    fn name(&self) -> &str;
    fn add_ips(&self, change: &IpChange) -> Result<()>;
    fn remove_ips(&self, change: &IpChange) -> Result<()>;
}

/// Finds the integration for a provisioning module (`proxmox`, `cpanel`, ...).
pub trait Providers {
    fn for_module(&self, module: &str) -> Option<&dyn Provider>;
}

/// Everything outside IP Manager that hears about assignments: the hosting panels and
/// NetBox.
pub struct Integrations<'a> {
    pub panels: &'a dyn Providers,
    pub netbox: &'a dyn netbox::IpamMirror,
    /// A WHMCS server record's credentials (PHP decrypts them); None when it is gone.
    pub servers: &'a dyn Fn(u32) -> Option<ServerAccess>,
}

fn no_servers(_: u32) -> Option<ServerAccess> {
    None
}

impl Integrations<'static> {
    /// Nothing enabled (the state until the panel clients and NetBox are configured).
    pub fn none() -> Integrations<'static> {
        Integrations {
            panels: &NoIntegrations,
            netbox: &netbox::NoNetBox,
            servers: &no_servers,
        }
    }
}

/// No integration enabled: every panel is left alone.
pub struct NoIntegrations;

impl Providers for NoIntegrations {
    fn for_module(&self, _module: &str) -> Option<&dyn Provider> {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_credentials_never_show_in_debug_or_json() {
        let access = ServerAccess {
            hostname: "pve1".into(),
            ip: "192.0.2.10".into(),
            port: Some(8006),
            username: "root@pam".into(),
            password: "S3cret!".into(),
            access_hash: "TOKEN=abc".into(),
            secure: true,
        };
        let shown = format!("{access:?} {}", serde_json::to_string(&access).unwrap());
        assert!(
            !shown.contains("S3cret!") && !shown.contains("TOKEN=abc"),
            "{shown}"
        );
    }
}
