//! A SolusVM v1 admin API on loopback that follows shared/providers.md: form POSTs to
//! `/api/admin/command.php` with `id`, `key`, `action` and `rdtype=json`; `vserver-addip`
//! and `vserver-delip` with their documented success replies; "Invalid id or key" as plain
//! text with HTTP 200; "Virtual server not found" for an unknown vserverid. What SolusVM
//! answers to adding an address a server already has, or deleting one it lacks, is not
//! documented: this fake then answers the documented error shape with a message of its own,
//! which the client must never take for success.

use super::http_server::{Fault, Request, Server, reply};
use serde_json::json;
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

pub const ID: &str = "Xk2PZ9apiid";
pub const KEY: &str = "Q7yT4mSolusKey";

#[derive(Default)]
pub struct State {
    /// vserverid → its IPv4 addresses.
    pub servers: BTreeMap<u32, Vec<String>>,
}

pub struct FakeSolusvm {
    pub server: Server,
    pub state: Arc<Mutex<State>>,
}

impl FakeSolusvm {
    pub fn start() -> FakeSolusvm {
        let state = Arc::new(Mutex::new(State::default()));
        let shared = Arc::clone(&state);
        let server = Server::start(move |r| answer(&shared, r));
        FakeSolusvm { server, state }
    }

    pub fn port(&self) -> u16 {
        self.server.port
    }

    pub fn set_fault(&self, fault: Fault) {
        self.server.set_fault(fault);
    }

    pub fn add_vserver(&self, id: u32) {
        self.state.lock().unwrap().servers.insert(id, Vec::new());
    }

    pub fn ips_of(&self, id: u32) -> Vec<String> {
        self.state.lock().unwrap().servers[&id].clone()
    }
}

fn error(message: &str) -> super::http_server::Reply {
    reply(
        200,
        json!({"status": "error", "statusmsg": message}).to_string(),
    )
}

fn answer(state: &Mutex<State>, r: &Request) -> super::http_server::Reply {
    if r.method != "POST" || r.path != "/api/admin/command.php" {
        return reply(404, "Not Found");
    }
    if r.param("id") != Some(ID) || r.param("key") != Some(KEY) {
        return super::http_server::Reply {
            status: 200,
            body: "Invalid id or key".into(),
            content_type: "text/html",
        };
    }
    let mut s = state.lock().unwrap();
    let id: u32 = r
        .param("vserverid")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let Some(ips) = s.servers.get_mut(&id) else {
        return error("Virtual server not found");
    };
    match r.param("action") {
        Some("vserver-addip") => {
            let ip = r.param("ipv4addr").unwrap_or_default().to_string();
            if ips.contains(&ip) {
                return error(
                    "(fake: undocumented case) the address is already on this virtual server",
                );
            }
            ips.push(ip.clone());
            reply(
                200,
                json!({"status": "success", "statusmsg": "Ip address added", "ipaddress": ip})
                    .to_string(),
            )
        }
        Some("vserver-delip") => {
            let ip = r.param("ipaddr").unwrap_or_default();
            let Some(at) = ips.iter().position(|held| held == ip) else {
                return error(
                    "(fake: undocumented case) the address is not on this virtual server",
                );
            };
            ips.remove(at);
            reply(
                200,
                json!({"status": "success", "statusmsg": "Ip address deleted"}).to_string(),
            )
        }
        _ => error("Invalid action"),
    }
}
