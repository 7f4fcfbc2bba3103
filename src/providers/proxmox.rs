//! Proxmox VE (`shared/providers.md`). The guest is found on the cluster by its vmid (the
//! service's custom field); an LXC container gets the address on a `netN` interface, a QEMU
//! guest on a cloud-init `ipconfigN` (then the drive is regenerated); both keep every other
//! key of the interface (`hwaddr`, bridge, name). With the option on, the interface's
//! firewall IP set `ipfilter-netN` holds the address too (anti-spoofing): added before the
//! interface, removed after it, so a configured address is never blocked.
//!
//! Units: a single address takes its subnet's prefix length; a prefix unit (a routed /64, a
//! /29 block) is configured as its first host address with the unit's length, and the IP set
//! holds the whole prefix.

use super::http::{self, Body, Client};
use super::settings::IntegrationSettings;
use super::{IpChange, Network, Provider, ServerAccess};
use crate::error::{Error, Result};
use crate::ipam::release::parse_unit;
use serde_json::{Map, Value};

pub const NAME: &str = "Proxmox VE";
const DEFAULT_PORT: u16 = 8006;
const MOST_INTERFACES: u32 = 32;

pub struct Proxmox {
    guest_field: String,
    bridge: String,
    firewall_ipset: bool,
}

impl Proxmox {
    pub fn new(settings: &IntegrationSettings) -> Proxmox {
        Proxmox {
            guest_field: settings.option("guest_field").to_string(),
            bridge: settings.option("bridge").to_string(),
            firewall_ipset: settings.option("firewall_ipset") == "1",
        }
    }
}

/// The API of one Proxmox VE server (or cluster), authenticated.
struct Pve {
    client: Client,
    base: String,
    headers: Vec<(&'static str, String)>,
}

impl Pve {
    /// With an API token (the server's access hash: `USER@REALM!TOKENID=SECRET`, or
    /// `TOKENID=SECRET` with the user in the username field), else a ticket from the
    /// username and password.
    fn connect(server: &ServerAccess) -> Result<Pve> {
        let base = format!(
            "{}/api2/json",
            http::origin(NAME, server, (DEFAULT_PORT, DEFAULT_PORT))?
        );
        let token = server.access_hash.trim().trim_start_matches("PVEAPIToken=");
        if !token.is_empty() {
            let token = if token.contains('!') {
                token.to_string()
            } else {
                format!("{}!{token}", server.username.trim())
            };
            let secret = token.split_once('=').map(|(_, s)| s).unwrap_or(&token);
            let client = Client::new(NAME, &server.http, &[secret, &token])?;
            return Ok(Pve {
                client,
                base,
                headers: vec![("Authorization", format!("PVEAPIToken={token}"))],
            });
        }
        if server.password.is_empty() {
            return Err(Error::invalid(
                "The Proxmox VE server has neither an API token (access hash) nor a password in WHMCS.",
            ));
        }
        let user = if server.username.contains('@') {
            server.username.trim().to_string()
        } else {
            format!("{}@pam", server.username.trim())
        };
        let mut client = Client::new(NAME, &server.http, &[&server.password])?;
        let reply = client.send_login(
            "access/ticket",
            &format!("{base}/access/ticket"),
            Body::Form(&[("username", &user), ("password", &server.password)]),
        )?;
        let data = answer("log in", reply.status, &reply.body)?;
        let text = |key: &str| data.get(key).and_then(Value::as_str).map(str::to_string);
        let (Some(ticket), Some(csrf)) = (text("ticket"), text("CSRFPreventionToken")) else {
            return Err(Error::Integration(format!(
                "{NAME} answered the login without a ticket."
            )));
        };
        client.mask(&ticket);
        client.mask(&csrf);
        Ok(Pve {
            client,
            base,
            headers: vec![
                ("Cookie", format!("PVEAuthCookie={ticket}")),
                ("CSRFPreventionToken", csrf),
            ],
        })
    }

    fn call(&self, method: &str, path: &str, form: &[(&str, &str)]) -> Result<Value> {
        let headers: Vec<(&str, &str)> =
            self.headers.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let url = format!("{}{path}", self.base);
        let (query, body) = match method {
            "GET" | "DELETE" => (form, Body::None),
            _ => (&[][..], Body::Form(form)),
        };
        let reply = self
            .client
            .send(path, method, &url, query, &headers, body)?;
        answer(&format!("{method} {path}"), reply.status, &reply.body)
    }

    /// The node and type (`qemu` or `lxc`) of guest `vmid`.
    fn locate(&self, vmid: &str) -> Result<(String, String)> {
        let guests = self.call("GET", "/cluster/resources", &[("type", "vm")])?;
        guests
            .as_array()
            .into_iter()
            .flatten()
            .find(|g| {
                g.get("vmid")
                    .map(|v| v.to_string().trim_matches('"') == vmid)
                    .unwrap_or(false)
            })
            .and_then(|g| {
                let node = g.get("node")?.as_str()?.to_string();
                let kind = g.get("type")?.as_str()?.to_string();
                Some((node, kind))
            })
            .ok_or_else(|| {
                Error::Integration(format!(
                    "{NAME} has no guest with vmid {vmid} on the cluster; check the service's vmid field."
                ))
            })
    }
}

/// Proxmox's envelope: `data` on success; 400 with `errors` per parameter; 401 for refused
/// credentials; other failures with the message in the body (newer servers) or the status.
fn answer(what: &str, status: u16, body: &str) -> Result<Value> {
    let parsed: Option<Value> = serde_json::from_str(body).ok();
    match status {
        200..=299 => parsed
            .map(|mut v| v.get_mut("data").map(Value::take).unwrap_or(Value::Null))
            .ok_or_else(|| {
                Error::Integration(format!(
                    "{NAME} answered {what} with something that is not JSON."
                ))
            }),
        401 | 403 => Err(Error::Integration(format!(
            "{NAME} refused the credentials (HTTP {status}); check the server's username and API token or password in WHMCS."
        ))),
        _ => {
            let detail = parsed
                .as_ref()
                .and_then(|v| {
                    if let Some(errors) = v.get("errors").and_then(Value::as_object) {
                        return Some(
                            errors
                                .iter()
                                .map(|(k, m)| format!("{k}: {}", m.as_str().unwrap_or_default()))
                                .collect::<Vec<_>>()
                                .join("; "),
                        );
                    }
                    v.get("message").and_then(Value::as_str).map(str::to_string)
                })
                .unwrap_or_else(|| body.trim().chars().take(200).collect());
            Err(Error::Integration(format!(
                "{NAME} refused {what} (HTTP {status}): {detail}"
            )))
        }
    }
}

/// How one unit goes on an interface.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Placement {
    v6: bool,
    /// `192.0.2.5/24` as the interface's `ip`/`ip6` value.
    interface_cidr: String,
    /// The bare address, to find it again.
    address: String,
    gateway: Option<String>,
    /// The IP set entry (`/32` and `/128` stripped, as Proxmox stores it).
    ipset_cidr: String,
}

fn placement(unit: &str, network: Option<&Network>) -> Result<Placement> {
    let cidr = parse_unit(unit, "Address")?;
    let v6 = unit.contains(':');
    let full = if v6 { 128 } else { 32 };
    let single = cidr.prefix_len() == full;
    let address = if single {
        cidr.network().to_string()
    } else {
        cidr.network()
            .checked_add(1)
            .ok_or_else(|| Error::invalid(format!("{unit} has no host address")))?
            .to_string()
    };
    let interface_len = match (single, network) {
        (true, Some(n)) => n.prefix_len,
        (true, None) => full,
        (false, _) => cidr.prefix_len(),
    };
    Ok(Placement {
        v6,
        interface_cidr: format!("{address}/{interface_len}"),
        address,
        gateway: network.and_then(|n| n.gateway.clone()),
        ipset_cidr: if single {
            cidr.network().to_string()
        } else {
            cidr.to_string()
        },
    })
}

/// An interface value (`name=eth0,bridge=vmbr0,hwaddr=..,ip=..`) as ordered key/value pairs;
/// a bare first item (QEMU's `virtio=MAC`) is kept as it is.
fn fields(value: &str) -> Vec<(String, String)> {
    value
        .split(',')
        .filter(|p| !p.is_empty())
        .map(|p| match p.split_once('=') {
            Some((k, v)) => (k.to_string(), v.to_string()),
            None => (p.to_string(), String::new()),
        })
        .collect()
}

fn joined(fields: &[(String, String)]) -> String {
    fields
        .iter()
        .map(|(k, v)| {
            if v.is_empty() {
                k.clone()
            } else {
                format!("{k}={v}")
            }
        })
        .collect::<Vec<_>>()
        .join(",")
}

fn get<'a>(fields: &'a [(String, String)], key: &str) -> Option<&'a str> {
    fields
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
}

fn set(fields: &mut Vec<(String, String)>, key: &str, value: Option<&str>) {
    fields.retain(|(k, _)| k != key);
    if let Some(value) = value {
        fields.push((key.to_string(), value.to_string()));
    }
}

/// Whether an interface value's `ip`/`ip6` is this address (any prefix length).
fn holds(fields: &[(String, String)], key: &str, address: &str) -> bool {
    get(fields, key).is_some_and(|v| v.split('/').next() == Some(address))
}

/// The guest's configuration: keys of one prefix (`net`, `ipconfig`) by index, and digest.
struct GuestConfig {
    entries: Map<String, Value>,
    digest: String,
}

impl GuestConfig {
    fn read(config: Value) -> GuestConfig {
        let entries = match config {
            Value::Object(map) => map,
            _ => Map::new(),
        };
        let digest = entries
            .get("digest")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        GuestConfig { entries, digest }
    }

    fn value(&self, key: &str) -> Option<&str> {
        self.entries.get(key).and_then(Value::as_str)
    }

    fn indexes(&self, prefix: &str) -> Vec<u32> {
        let mut found: Vec<u32> = self
            .entries
            .keys()
            .filter_map(|k| k.strip_prefix(prefix)?.parse().ok())
            .collect();
        found.sort_unstable();
        found
    }

    fn free_index(&self, prefix: &str) -> Result<u32> {
        (0..MOST_INTERFACES)
            .find(|i| !self.entries.contains_key(&format!("{prefix}{i}")))
            .ok_or_else(|| {
                Error::Integration(format!(
                    "The guest already has {MOST_INTERFACES} interfaces; {NAME} allows no more."
                ))
            })
    }
}

/// What to write back: changed keys, deleted keys, and the interfaces touched.
#[derive(Default)]
struct Edit {
    put: Vec<(String, String)>,
    delete: Vec<String>,
}

impl Edit {
    fn is_empty(&self) -> bool {
        self.put.is_empty() && self.delete.is_empty()
    }
}

/// Where a guest's addresses live: LXC `netN` (`ip`, `gw`, `ip6`, `gw6`) or QEMU
/// `ipconfigN` over the NIC `netN` (same keys).
struct Layout {
    lxc: bool,
}

impl Layout {
    fn key(&self) -> &'static str {
        if self.lxc { "net" } else { "ipconfig" }
    }

    fn family_keys(v6: bool) -> (&'static str, &'static str) {
        if v6 { ("ip6", "gw6") } else { ("ip", "gw") }
    }

    /// Adds `p` unless an interface has it; returns the interface index that holds it.
    fn add(
        &self,
        config: &mut GuestConfig,
        edit: &mut Edit,
        p: &Placement,
        bridge: &str,
    ) -> Result<u32> {
        let (ip_key, gw_key) = Layout::family_keys(p.v6);
        let prefix = self.key();
        for i in config.indexes(prefix) {
            let current = fields(config.value(&format!("{prefix}{i}")).unwrap_or_default());
            if holds(&current, ip_key, &p.address) {
                return Ok(i);
            }
        }
        let gateway_taken = config.indexes(prefix).into_iter().any(|i| {
            get(
                &fields(config.value(&format!("{prefix}{i}")).unwrap_or_default()),
                gw_key,
            )
            .is_some()
        });
        // An interface with no address of this family takes it (LXC: any netN; QEMU: an
        // ipconfigN whose NIC exists, or a NIC with no ipconfig yet).
        let reuse = config.indexes("net").into_iter().find(|i| {
            let current = fields(config.value(&format!("{prefix}{i}")).unwrap_or_default());
            get(&current, ip_key).is_none()
        });
        let index = match reuse {
            Some(i) => i,
            None => {
                let i = config.free_index("net")?;
                let nic = if self.lxc {
                    format!("name=eth{i},bridge={bridge}")
                } else {
                    format!("virtio,bridge={bridge}")
                };
                if !self.lxc {
                    // A QEMU guest needs the NIC itself; its ipconfig is written below.
                    edit.put.push((format!("net{i}"), nic.clone()));
                }
                config.entries.insert(format!("net{i}"), Value::String(nic));
                i
            }
        };
        let key = format!("{prefix}{index}");
        let mut current = fields(config.value(&key).unwrap_or_default());
        set(&mut current, ip_key, Some(&p.interface_cidr));
        if !gateway_taken && let Some(gw) = &p.gateway {
            set(&mut current, gw_key, Some(gw));
        }
        let value = joined(&current);
        edit.put.retain(|(k, _)| *k != key);
        edit.put.push((key.clone(), value.clone()));
        config.entries.insert(key, Value::String(value));
        Ok(index)
    }

    /// Takes `p` off the interface holding it (an LXC interface left with no address other
    /// than net0 goes); returns the index it was on, if any.
    fn remove(&self, config: &mut GuestConfig, edit: &mut Edit, p: &Placement) -> Option<u32> {
        let (ip_key, gw_key) = Layout::family_keys(p.v6);
        let prefix = self.key();
        let index = config.indexes(prefix).into_iter().find(|i| {
            holds(
                &fields(config.value(&format!("{prefix}{i}")).unwrap_or_default()),
                ip_key,
                &p.address,
            )
        })?;
        let key = format!("{prefix}{index}");
        let mut current = fields(config.value(&key).unwrap_or_default());
        set(&mut current, ip_key, None);
        set(&mut current, gw_key, None);
        let (other_ip, _) = Layout::family_keys(!p.v6);
        let empty = get(&current, other_ip).is_none();
        let goes = empty && (!self.lxc || index > 0);
        edit.put.retain(|(k, _)| *k != key);
        if goes {
            edit.delete.push(key.clone());
            config.entries.remove(&key);
        } else {
            let value = joined(&current);
            edit.put.push((key.clone(), value.clone()));
            config.entries.insert(key, Value::String(value));
        }
        Some(index)
    }
}

/// One change on one guest.
struct Guest {
    pve: Pve,
    base: String,
    layout: Layout,
}

impl Guest {
    fn open(integration: &Proxmox, change: &IpChange) -> Result<Guest> {
        let vmid = change.guest_id.trim();
        if vmid.is_empty() || !vmid.chars().all(|c| c.is_ascii_digit()) {
            return Err(Error::Integration(format!(
                "Service #{} has no {NAME} vmid in its custom field '{}' (found '{vmid}'); fill it in, then retry.",
                change.service_id, integration.guest_field
            )));
        }
        let pve = Pve::connect(&change.server)?;
        let (node, kind) = pve.locate(vmid)?;
        if kind != "lxc" && kind != "qemu" {
            return Err(Error::Integration(format!(
                "{NAME} guest {vmid} is of type '{kind}', neither lxc nor qemu."
            )));
        }
        Ok(Guest {
            base: format!("/nodes/{}/{kind}/{vmid}", http::path_segment(&node)),
            layout: Layout { lxc: kind == "lxc" },
            pve,
        })
    }

    fn config(&self) -> Result<GuestConfig> {
        Ok(GuestConfig::read(self.pve.call(
            "GET",
            &format!("{}/config", self.base),
            &[],
        )?))
    }

    fn write(&self, config: &GuestConfig, edit: &Edit) -> Result<()> {
        if edit.is_empty() {
            return Ok(());
        }
        let delete = edit.delete.join(",");
        let mut form: Vec<(&str, &str)> = edit
            .put
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        if !delete.is_empty() {
            form.push(("delete", &delete));
        }
        if !config.digest.is_empty() {
            form.push(("digest", &config.digest));
        }
        self.pve
            .call("PUT", &format!("{}/config", self.base), &form)?;
        if !self.layout.lxc {
            // The cloud-init drive carries the ipconfig; the guest applies it on reboot.
            self.pve
                .call("PUT", &format!("{}/cloudinit", self.base), &[])?;
        }
        Ok(())
    }

    fn ipset_add(&self, index: u32, cidr: &str) -> Result<()> {
        let name = format!("ipfilter-net{index}");
        let sets = format!("{}/firewall/ipset", self.base);
        tolerate(
            self.pve.call("POST", &sets, &[("name", &name)]),
            "already exists",
        )?;
        tolerate(
            self.pve
                .call("POST", &format!("{sets}/{name}"), &[("cidr", cidr)]),
            "already exists",
        )
    }

    fn ipset_remove(&self, index: u32, cidr: &str) -> Result<()> {
        let path = format!(
            "{}/firewall/ipset/ipfilter-net{index}/{}",
            self.base,
            http::path_segment(cidr)
        );
        // An absent entry is success; an absent set holds nothing to remove.
        tolerate(self.pve.call("DELETE", &path, &[]), "no such IPSet")
    }
}

/// A refusal whose message says the wanted state already holds counts as success.
fn tolerate(outcome: Result<Value>, already: &str) -> Result<()> {
    match outcome {
        Ok(_) => Ok(()),
        Err(Error::Integration(message)) if message.contains(already) => Ok(()),
        Err(e) => Err(e),
    }
}

fn placements(change: &IpChange) -> Result<Vec<Placement>> {
    change
        .addresses
        .iter()
        .map(|a| placement(a, change.network_of(a)))
        .collect()
}

impl Provider for Proxmox {
    fn name(&self) -> &str {
        NAME
    }

    fn guest_field(&self) -> Option<&str> {
        Some(&self.guest_field)
    }

    fn add_ips(&self, change: &IpChange) -> Result<()> {
        let wanted = placements(change)?;
        if wanted.is_empty() {
            return Ok(());
        }
        let guest = Guest::open(self, change)?;
        let mut config = guest.config()?;
        let mut edit = Edit::default();
        let mut sets = Vec::new();
        for p in &wanted {
            let index = guest.layout.add(&mut config, &mut edit, p, &self.bridge)?;
            sets.push((index, p.ipset_cidr.clone()));
        }
        if self.firewall_ipset {
            for (index, cidr) in &sets {
                guest.ipset_add(*index, cidr)?;
            }
        }
        guest.write(&config, &edit)
    }

    fn remove_ips(&self, change: &IpChange) -> Result<()> {
        let gone = placements(change)?;
        if gone.is_empty() {
            return Ok(());
        }
        let guest = Guest::open(self, change)?;
        let mut config = guest.config()?;
        let interfaces: Vec<u32> = config.indexes("net");
        let mut edit = Edit::default();
        for p in &gone {
            guest.layout.remove(&mut config, &mut edit, p);
        }
        guest.write(&config, &edit)?;
        if self.firewall_ipset {
            // Every interface's set: a retry after a partial removal finds the address in
            // no interface any more, but maybe still in a set.
            for index in interfaces {
                for p in &gone {
                    guest.ipset_remove(index, &p.ipset_cidr)?;
                }
            }
        }
        Ok(())
    }

    fn test_connection(&self, server: &ServerAccess) -> Result<String> {
        let version = Pve::connect(server)?.call("GET", "/version", &[])?;
        let text = |k: &str| {
            version
                .get(k)
                .and_then(Value::as_str)
                .unwrap_or("unknown")
                .to_string()
        };
        Ok(format!(
            "{NAME} {} (release {})",
            text("version"),
            text("release")
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn network(address: &str, len: u8, gw: &str) -> Network {
        Network {
            address: address.into(),
            prefix_len: len,
            gateway: Some(gw.into()),
        }
    }

    #[test]
    fn single_addresses_take_the_subnet_length_and_prefixes_their_first_host() {
        let p = placement("192.0.2.5", Some(&network("192.0.2.5", 24, "192.0.2.1"))).unwrap();
        assert_eq!(
            (p.interface_cidr.as_str(), p.ipset_cidr.as_str()),
            ("192.0.2.5/24", "192.0.2.5")
        );
        let p = placement("2001:db8:1::/64", None).unwrap();
        assert_eq!(
            (p.interface_cidr.as_str(), p.ipset_cidr.as_str()),
            ("2001:db8:1::1/64", "2001:db8:1::/64")
        );
    }

    #[test]
    fn an_lxc_interface_keeps_its_hwaddr_and_an_extra_ip_gets_a_new_one() {
        let mut config = GuestConfig::read(serde_json::json!({
            "net0": "name=eth0,bridge=vmbr0,hwaddr=BC:24:11:00:00:01,type=veth",
            "digest": "abc"
        }));
        let layout = Layout { lxc: true };
        let mut edit = Edit::default();
        let first = placement("192.0.2.5", Some(&network("192.0.2.5", 24, "192.0.2.1"))).unwrap();
        let second = placement("192.0.2.6", Some(&network("192.0.2.6", 24, "192.0.2.1"))).unwrap();
        assert_eq!(
            layout.add(&mut config, &mut edit, &first, "vmbr0").unwrap(),
            0
        );
        assert_eq!(
            layout
                .add(&mut config, &mut edit, &second, "vmbr0")
                .unwrap(),
            1
        );
        assert_eq!(
            layout.add(&mut config, &mut edit, &first, "vmbr0").unwrap(),
            0
        );
        assert_eq!(
            config.value("net0"),
            Some(
                "name=eth0,bridge=vmbr0,hwaddr=BC:24:11:00:00:01,type=veth,ip=192.0.2.5/24,gw=192.0.2.1"
            )
        );
        assert_eq!(
            config.value("net1"),
            Some("name=eth1,bridge=vmbr0,ip=192.0.2.6/24")
        );
        let mut edit = Edit::default();
        assert_eq!(layout.remove(&mut config, &mut edit, &second), Some(1));
        assert_eq!(layout.remove(&mut config, &mut edit, &first), Some(0));
        assert_eq!(edit.delete, vec!["net1"]);
        assert_eq!(
            config.value("net0"),
            Some("name=eth0,bridge=vmbr0,hwaddr=BC:24:11:00:00:01,type=veth")
        );
        assert_eq!(layout.remove(&mut config, &mut edit, &first), None);
    }
}
