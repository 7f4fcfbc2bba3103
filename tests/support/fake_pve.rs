//! A Proxmox VE API on loopback that follows shared/providers.md: `PVEAPIToken` or ticket
//! auth (401 after a deliberate delay), `{"data": ...}` envelopes, 400 with an `errors`
//! object per parameter, 500 with the message for other failures; guests found through
//! `/cluster/resources`; LXC/QEMU config GET and PUT (`delete`, `digest`, unknown keys
//! refused, deleting an unset key harmless); cloud-init regeneration; firewall IP sets
//! with their duplicate answers, `/32` stripped, absent entries deleted harmlessly.

use super::http_server::{Fault, Reply, Request, Server, decode, reply};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

pub const TOKEN: &str = "root@pam!ipmanager=6f1c3e7a-0d52-4b8e-9a51-3c2f7d9e8b10";
pub const PASSWORD: &str = "Pve-Root-Secret!";

#[derive(Debug, Clone, Default)]
pub struct Guest {
    pub node: String,
    pub kind: String,
    pub config: BTreeMap<String, String>,
    pub ipsets: BTreeMap<String, Vec<String>>,
    pub cloudinit_regenerated: u32,
    pub version: u32,
}

#[derive(Default)]
pub struct State {
    pub guests: BTreeMap<u32, Guest>,
    pub auth_delay: Duration,
}

pub struct FakePve {
    pub server: Server,
    pub state: Arc<Mutex<State>>,
}

impl FakePve {
    pub fn start() -> FakePve {
        let state = Arc::new(Mutex::new(State {
            guests: BTreeMap::new(),
            auth_delay: Duration::from_secs(3),
        }));
        let shared = Arc::clone(&state);
        let server = Server::start(move |r| answer(&shared, r));
        FakePve { server, state }
    }

    pub fn port(&self) -> u16 {
        self.server.port
    }

    pub fn add_guest(&self, vmid: u32, kind: &str, config: &[(&str, &str)]) {
        self.state.lock().unwrap().guests.insert(
            vmid,
            Guest {
                node: "pve1".into(),
                kind: kind.into(),
                config: config
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect(),
                ..Guest::default()
            },
        );
    }

    pub fn guest(&self, vmid: u32) -> Guest {
        self.state.lock().unwrap().guests[&vmid].clone()
    }

    pub fn set_fault(&self, fault: Fault) {
        self.server.set_fault(fault);
    }

    /// Every address any interface or IP set of the guest holds (bare, without length).
    pub fn addresses_of(&self, vmid: u32) -> Vec<String> {
        let guest = self.guest(vmid);
        let mut found: Vec<String> = guest
            .config
            .iter()
            .filter(|(k, _)| k.starts_with("net") || k.starts_with("ipconfig"))
            .flat_map(|(_, v)| {
                v.split(',')
                    .filter_map(|p| p.split_once('='))
                    .filter(|(k, _)| *k == "ip" || *k == "ip6")
                    .map(|(_, ip)| ip.split('/').next().unwrap_or(ip).to_string())
                    .collect::<Vec<_>>()
            })
            .collect();
        for entries in guest.ipsets.values() {
            found.extend(entries.iter().cloned());
        }
        found.sort();
        found.dedup();
        found
    }
}

fn data(value: Value) -> Reply {
    reply(200, json!({ "data": value }).to_string())
}

fn bad_param(name: &str, message: &str) -> Reply {
    reply(
        400,
        json!({"data": null, "errors": {name: message}}).to_string(),
    )
}

fn failure(message: &str) -> Reply {
    reply(500, json!({"data": null, "message": message}).to_string())
}

fn digest(guest: &Guest) -> String {
    format!("{:040x}", guest.version)
}

fn answer(state: &Mutex<State>, r: &Request) -> Reply {
    let path = r.path.trim_start_matches("/api2/json");
    if r.method == "POST" && path == "/access/ticket" {
        if r.param("username") == Some("root@pam") && r.param("password") == Some(PASSWORD) {
            return data(
                json!({"ticket": "PVE:root@pam:TICKET123", "CSRFPreventionToken": "CSRF456", "username": "root@pam"}),
            );
        }
        std::thread::sleep(state.lock().unwrap().auth_delay);
        return reply(401, "authentication failure");
    }
    let by_token = r.header("authorization") == format!("PVEAPIToken={TOKEN}");
    let by_ticket = r.header("cookie") == "PVEAuthCookie=PVE:root@pam:TICKET123"
        && (r.method == "GET" || r.header("csrfpreventiontoken") == "CSRF456");
    if !by_token && !by_ticket {
        std::thread::sleep(state.lock().unwrap().auth_delay);
        return reply(401, "");
    }
    let mut s = state.lock().unwrap();
    let segments: Vec<String> = path
        .split('/')
        .filter(|p| !p.is_empty())
        .map(decode)
        .collect();
    let segs: Vec<&str> = segments.iter().map(String::as_str).collect();
    match (r.method.as_str(), segs.as_slice()) {
        ("GET", ["version"]) => {
            data(json!({"version": "8.2.4", "release": "8.2", "repoid": "faa83925"}))
        }
        ("GET", ["cluster", "resources"]) => {
            let list: Vec<Value> = s
                .guests
                .iter()
                .filter(|_| r.query.get("type").is_none_or(|t| t == "vm"))
                .map(|(id, g)| json!({"id": format!("{}/{id}", g.kind), "type": g.kind, "vmid": id, "node": g.node, "name": format!("guest{id}"), "status": "running"}))
                .collect();
            data(Value::Array(list))
        }
        (method, ["nodes", node, kind, vmid, rest @ ..]) => {
            let Some(guest) = vmid
                .parse::<u32>()
                .ok()
                .and_then(|id| s.guests.get_mut(&id))
                .filter(|g| g.node == *node && g.kind == *kind)
            else {
                return failure(&format!(
                    "Configuration file 'nodes/{node}/{kind}/{vmid}.conf' does not exist"
                ));
            };
            guest_call(guest, method, rest, r)
        }
        _ => reply(501, format!("Method '{} {path}' not implemented", r.method)),
    }
}

fn guest_call(guest: &mut Guest, method: &str, rest: &[&str], r: &Request) -> Reply {
    let interface_key = |k: &str| {
        let prefix = if guest.kind == "lxc" {
            &["net"][..]
        } else {
            &["net", "ipconfig"][..]
        };
        prefix.iter().any(|p| {
            k.strip_prefix(p)
                .is_some_and(|n| n.parse::<u32>().is_ok_and(|n| n < 32))
        })
    };
    match (method, rest) {
        ("GET", ["config"]) => {
            let mut map = serde_json::Map::new();
            for (k, v) in &guest.config {
                map.insert(k.clone(), Value::String(v.clone()));
            }
            map.insert("digest".into(), Value::String(digest(guest)));
            data(Value::Object(map))
        }
        ("PUT", ["config"]) => {
            for (k, _) in &r.form {
                if k != "delete" && k != "digest" && !interface_key(k) {
                    return bad_param(
                        k,
                        "property is not defined in schema and the schema does not allow additional properties",
                    );
                }
            }
            if let Some(d) = r.param("digest")
                && d != digest(guest)
            {
                return failure(
                    "detected modified configuration - file changed by other user? Try again.",
                );
            }
            for (k, v) in &r.form {
                if interface_key(k) {
                    guest.config.insert(k.clone(), v.clone());
                }
            }
            for k in r
                .param("delete")
                .unwrap_or_default()
                .split(',')
                .filter(|k| !k.is_empty())
            {
                guest.config.remove(k); // an unset key only warns
            }
            guest.version += 1;
            data(Value::Null)
        }
        ("PUT", ["cloudinit"]) if guest.kind == "qemu" => {
            guest.cloudinit_regenerated += 1;
            data(Value::Null)
        }
        ("POST", ["firewall", "ipset"]) => {
            let name = r.param("name").unwrap_or_default().to_string();
            if guest.ipsets.contains_key(&name) {
                return bad_param("name", &format!("IPSet '{name}' already exists"));
            }
            guest.ipsets.insert(name, Vec::new());
            data(Value::Null)
        }
        ("GET", ["firewall", "ipset", name]) => match guest.ipsets.get(*name) {
            Some(entries) => data(json!(
                entries
                    .iter()
                    .map(|c| json!({"cidr": c}))
                    .collect::<Vec<_>>()
            )),
            None => failure(&format!("no such IPSet '{name}'")),
        },
        ("POST", ["firewall", "ipset", name]) => {
            let Some(entries) = guest.ipsets.get_mut(*name) else {
                return failure(&format!("no such IPSet '{name}'"));
            };
            let cidr = r.param("cidr").unwrap_or_default();
            let cidr = cidr
                .strip_suffix("/32")
                .or_else(|| cidr.strip_suffix("/128"))
                .unwrap_or(cidr)
                .to_string();
            if entries.contains(&cidr) {
                return bad_param("cidr", &format!("address '{cidr}' already exists"));
            }
            entries.push(cidr);
            data(Value::Null)
        }
        ("DELETE", ["firewall", "ipset", name, cidr]) => {
            let Some(entries) = guest.ipsets.get_mut(*name) else {
                return failure(&format!("no such IPSet '{name}'"));
            };
            entries.retain(|c| c != cidr);
            data(Value::Null)
        }
        _ => reply(501, "Method not implemented"),
    }
}
