//! The seam to the hosting panels (cPanel, DirectAdmin, Plesk, Proxmox VE, SolusVM). Jobs
//! and hooks talk to a `Provider` found through a `Providers` registry, so the core knows no
//! HTTP and tests can put a recording provider in. `configured::Configured` is the registry
//! the admin's Integrations settings build; `NoIntegrations` answers where none is enabled.

pub mod configured;
pub mod cpanel;
pub mod directadmin;
pub mod http;
pub mod journal;
pub mod outbox;
pub mod overview;
pub mod pinned_tls;
pub mod plesk;
pub mod proxmox;
pub mod servers;
pub mod settings;
pub mod solusvm;

use crate::error::Result;
use outbox::Operation;
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
    /// How IP Manager reaches it (the admin's per-server settings).
    #[serde(skip)]
    pub http: http::HttpOptions,
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
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct IpChange {
    pub module: String,
    pub service_id: u32,
    pub username: String,
    pub domain: String,
    pub server: ServerAccess,
    /// Addresses and prefixes as IP Manager writes them (`192.0.2.5`, `2001:db8:1::/64`).
    pub addresses: Vec<String>,
    /// The subnet each address sits in, for panels that configure an interface.
    pub networks: Vec<Network>,
    /// The guest's id on the panel (Proxmox vmid, SolusVM vserverid), from the service's
    /// custom field the integration names; empty when it has none.
    pub guest_id: String,
}

impl IpChange {
    pub fn network_of(&self, address: &str) -> Option<&Network> {
        self.networks.iter().find(|n| n.address == address)
    }

    /// The service's account name on `panel` (WHMCS's username field), which must be set.
    pub fn username_on(&self, panel: &str) -> Result<&str> {
        let user = self.username.trim();
        if user.is_empty() {
            return Err(crate::Error::Integration(format!(
                "Service #{} has no {panel} username in WHMCS.",
                self.service_id
            )));
        }
        Ok(user)
    }
}

/// Where one address of a change lives.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Network {
    pub address: String,
    /// The subnet's prefix length (the interface's netmask).
    pub prefix_len: u8,
    /// The subnet's gateway, if it has one.
    pub gateway: Option<String>,
}

pub trait Provider {
    fn name(&self) -> &str;
    fn add_ips(&self, change: &IpChange) -> Result<()>;
    fn remove_ips(&self, change: &IpChange) -> Result<()>;
    /// Why this panel cannot take `address` through its API (None: it can). The outbox
    /// leaves such addresses out of what it asks, keeps the reason on the change for the
    /// admin (who configures them by hand), and never lets them block the others.
    fn unsupported(&self, _address: &str) -> Option<String> {
        None
    }
    /// The product custom field holding the guest's id on the panel, if the panel needs one.
    fn guest_field(&self) -> Option<&str> {
        None
    }
    /// Asks the panel something harmless with these credentials: its version, or the exact
    /// error.
    fn test_connection(&self, _server: &ServerAccess) -> Result<String> {
        Err(crate::Error::Integration(format!(
            "{} cannot test a connection.",
            self.name()
        )))
    }
}

/// Refuses a change holding an address the panel cannot take: the outbox leaves those out
/// before asking, so only a direct call meets this, and is told plainly.
pub fn refuse_unsupported(provider: &dyn Provider, change: &IpChange) -> Result<()> {
    match change
        .addresses
        .iter()
        .find_map(|a| provider.unsupported(a))
    {
        Some(why) => Err(crate::Error::Integration(why)),
        None => Ok(()),
    }
}

/// Finds the integration for a provisioning module (`proxmox`, `cpanel`, ...).
pub trait Providers {
    fn for_module(&self, module: &str) -> Option<&dyn Provider>;
    /// Whether changes of this kind go to the module's panel (the admin's switches "push on
    /// create" and "remove on release").
    fn tells(&self, module: &str, _operation: Operation) -> bool {
        self.for_module(module).is_some()
    }
}

/// The hosting panels that hear about assignments (NetBox hears through its own outbox
/// rows, `netbox::mirror`), and how a delivery reaches them.
pub struct Integrations<'a> {
    pub panels: &'a dyn Providers,
    /// A WHMCS server record's credentials (PHP decrypts them); None when it is gone.
    pub servers: &'a dyn Fn(u32) -> Result<Option<ServerAccess>>,
    /// No panel request made for this call runs past it (a hook's bound).
    pub deadline: Option<std::time::Instant>,
}

impl Integrations<'_> {
    pub fn delivery(&self) -> outbox::Delivery<'_> {
        outbox::Delivery {
            panels: self.panels,
            servers: self.servers,
            deadline: self.deadline,
        }
    }
}

fn no_servers(_: u32) -> Result<Option<ServerAccess>> {
    Ok(None)
}

impl Integrations<'static> {
    /// Nothing enabled (the state until the panel clients and NetBox are configured).
    pub fn none() -> Integrations<'static> {
        Integrations {
            panels: &NoIntegrations,
            servers: &no_servers,
            deadline: None,
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
            http: http::HttpOptions::default(),
        };
        let shown = format!("{access:?} {}", serde_json::to_string(&access).unwrap());
        assert!(
            !shown.contains("S3cret!") && !shown.contains("TOKEN=abc"),
            "{shown}"
        );
    }
}
