//! A WHM API 1 server on loopback that follows shared/providers.md: `Authorization: whm
//! USER:TOKEN`, replies `{"metadata":{"command","reason","result","version"},"data"}` with
//! failures as HTTP 200 and `result: 0`; `setsiteip`, `listips` and `version` with the
//! documented reasons, keeping which account has which IP. Faults come from the shared
//! server (http_server.rs). The reply to a refused token is not documented there: this fake
//! answers HTTP 403, and the client treats any 401/403 alike.

use super::http_server::{Fault, Request, Server};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

pub struct State {
    pub token: String,
    /// user → (domain, ip)
    pub accounts: HashMap<String, (String, String)>,
    /// The server's IPs: (ip, main address).
    pub ips: Vec<(String, bool)>,
    /// Requests that changed an account's IP.
    pub changes: u32,
}

pub struct FakeWhm {
    pub port: u16,
    pub server: Server,
    pub state: Arc<Mutex<State>>,
}

impl FakeWhm {
    pub fn start(token: &str, main_ip: &str, dedicated: &[&str]) -> FakeWhm {
        FakeWhm::launch(token, main_ip, dedicated, false)
    }

    /// WHM over HTTPS with a self-signed certificate, as a fresh cPanel server has.
    pub fn start_tls(token: &str, main_ip: &str, dedicated: &[&str]) -> FakeWhm {
        FakeWhm::launch(token, main_ip, dedicated, true)
    }

    fn launch(token: &str, main_ip: &str, dedicated: &[&str], tls: bool) -> FakeWhm {
        let mut ips = vec![(main_ip.to_string(), true)];
        ips.extend(dedicated.iter().map(|ip| (ip.to_string(), false)));
        let state = Arc::new(Mutex::new(State {
            token: token.into(),
            accounts: HashMap::new(),
            ips,
            changes: 0,
        }));
        let shared = Arc::clone(&state);
        let handler = move |r: &Request| {
            let mut s = shared.lock().unwrap();
            if r.header("authorization") != format!("whm root:{}", s.token) {
                return super::http_server::reply(403, "Access denied");
            }
            let function = r.path.trim_start_matches("/json-api/").to_string();
            let params: HashMap<String, String> = r.query.clone();
            super::http_server::reply(200, answer(&mut s, &function, &params).to_string())
        };
        let server = if tls {
            Server::start_tls(handler)
        } else {
            Server::start(handler)
        };
        FakeWhm {
            port: server.port,
            server,
            state,
        }
    }

    pub fn add_account(&self, user: &str, domain: &str) {
        let mut s = self.state.lock().unwrap();
        let main = s.ips.iter().find(|(_, main)| *main).unwrap().0.clone();
        s.accounts.insert(user.into(), (domain.into(), main));
    }

    pub fn ip_of(&self, user: &str) -> String {
        self.state.lock().unwrap().accounts[user].1.clone()
    }

    pub fn set_fault(&self, fault: Fault) {
        self.server.set_fault(fault);
    }
}

fn reply(command: &str, result: i64, reason: &str, data: Value) -> Value {
    json!({"metadata": {"command": command, "reason": reason, "result": result, "version": 1}, "data": data})
}

fn answer(s: &mut State, function: &str, params: &HashMap<String, String>) -> Value {
    if params.get("api.version").map(String::as_str) != Some("1") {
        return reply(function, 0, "API version 1 is required.", Value::Null);
    }
    match function {
        "version" => {
            json!({"metadata": {"command": "version", "reason": "OK", "result": 1, "version": 1}, "data": {"version": "11.124.0.12"}})
        }
        "listips" => {
            let used: Vec<String> = s.accounts.values().map(|(_, ip)| ip.clone()).collect();
            let ips: Vec<Value> = s
                .ips
                .iter()
                .map(|(ip, main)| {
                    json!({"active": 1, "dedicated": i64::from(!main), "if": "eth0", "ip": ip,
                           "mainaddr": i64::from(*main), "netmask": "255.255.255.0", "network": "",
                           "public_ip": ip, "removable": i64::from(!main), "used": i64::from(used.contains(ip))})
                })
                .collect();
            reply("listips", 1, "OK", json!({"ip": ips}))
        }
        "setsiteip" => {
            let ip = params.get("ip").cloned().unwrap_or_default();
            let user = params.get("user").cloned().unwrap_or_default();
            let Some((domain, current)) = s.accounts.get(&user).cloned() else {
                return reply(
                    "setsiteip",
                    0,
                    &format!("Invalid user: {user}"),
                    Value::Null,
                );
            };
            if current == ip {
                return reply(
                    "setsiteip",
                    1,
                    &format!("{domain} is already using ip {ip}"),
                    Value::Null,
                );
            }
            let Some((_, main)) = s.ips.iter().find(|(known, _)| *known == ip).cloned() else {
                return reply(
                    "setsiteip",
                    0,
                    "Unable to set to an unconfigured ip address",
                    Value::Null,
                );
            };
            let taken = s
                .accounts
                .iter()
                .any(|(other, (_, held))| *other != user && *held == ip);
            if taken && !main {
                return reply(
                    "setsiteip",
                    0,
                    &format!(
                        "Sorry, {ip} is in use by another domain name and is not a shared ip."
                    ),
                    Value::Null,
                );
            }
            s.accounts.insert(user, (domain, ip));
            s.changes += 1;
            reply("setsiteip", 1, "OK", Value::Null)
        }
        other => reply(other, 0, &format!("Unknown function {other}"), Value::Null),
    }
}
