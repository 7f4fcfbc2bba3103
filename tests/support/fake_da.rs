//! A DirectAdmin legacy API on loopback that follows shared/providers.md: HTTP Basic with
//! the admin's user and password (a login key is used the same way), URL-encoded replies
//! `error=0&text=…&details=…`; `CMD_API_SHOW_RESELLER_IPS` (`ip=X`: `status` and `owner`;
//! `action=all`: `list[]=`) and the admin IP pool `CMD_API_IP_MANAGER` (add, delete).
//! Giving an IP to an existing user has no documented call, so this fake has none either:
//! the test does it the way an admin would, in DirectAdmin itself (`assign_to_user`).
//! Not documented there, and so this fake's own choices: a refused login answers HTTP 401,
//! an IP outside the pool answers `error=1`.

use super::http_server::{Fault, Request, Server, reply};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

pub const USER: &str = "admin";
pub const PASSWORD: &str = "Da-Admin-Secret!";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PoolIp {
    pub status: String,
    pub owner: String,
}

#[derive(Default)]
pub struct State {
    pub pool: BTreeMap<String, PoolIp>,
}

pub struct FakeDa {
    pub server: Server,
    pub state: Arc<Mutex<State>>,
}

fn encoded(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{k}={}", ipmanager::providers::http::path_segment(v)))
        .collect::<Vec<_>>()
        .join("&")
}

fn text(status: u16, pairs: &[(&str, &str)]) -> super::http_server::Reply {
    super::http_server::Reply {
        status,
        body: encoded(pairs),
        content_type: "text/plain",
    }
}

impl FakeDa {
    pub fn start() -> FakeDa {
        let state = Arc::new(Mutex::new(State::default()));
        let shared = Arc::clone(&state);
        let server = Server::start(move |r| answer(&shared, r));
        FakeDa { server, state }
    }

    pub fn port(&self) -> u16 {
        self.server.port
    }

    pub fn set_fault(&self, fault: Fault) {
        self.server.set_fault(fault);
    }

    /// What an admin does in DirectAdmin's Modify User: the user now owns the IP.
    pub fn assign_to_user(&self, ip: &str, user: &str) {
        let mut s = self.state.lock().unwrap();
        let entry = s.pool.get_mut(ip).expect("the IP is in the pool");
        entry.status = "owned".into();
        entry.owner = user.into();
    }

    /// And takes it away again.
    pub fn take_from_user(&self, ip: &str) {
        let mut s = self.state.lock().unwrap();
        if let Some(entry) = s.pool.get_mut(ip) {
            entry.status = "free".into();
            entry.owner.clear();
        }
    }

    pub fn pool(&self) -> BTreeMap<String, PoolIp> {
        self.state.lock().unwrap().pool.clone()
    }
}

fn basic_ok(r: &Request) -> bool {
    let expected = format!("{USER}:{PASSWORD}");
    let given = r
        .header("authorization")
        .strip_prefix("Basic ")
        .unwrap_or("");
    decode_base64(given).as_deref() == Some(expected.as_bytes())
}

fn decode_base64(text: &str) -> Option<Vec<u8>> {
    const TABLE: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut bits = 0u32;
    let mut count = 0;
    let mut out = Vec::new();
    for c in text.bytes().filter(|c| *c != b'=') {
        bits = (bits << 6) | TABLE.iter().position(|t| *t == c)? as u32;
        count += 6;
        if count >= 8 {
            count -= 8;
            out.push((bits >> count) as u8);
        }
    }
    Some(out)
}

fn answer(state: &Mutex<State>, r: &Request) -> super::http_server::Reply {
    if !basic_ok(r) {
        return reply(401, "Unauthorized");
    }
    let mut s = state.lock().unwrap();
    match r.path.as_str() {
        "/CMD_API_SHOW_RESELLER_IPS" => {
            if r.param("action") == Some("all") {
                let list: Vec<String> = s
                    .pool
                    .keys()
                    .map(|ip| format!("list[]={}", ipmanager::providers::http::path_segment(ip)))
                    .collect();
                return super::http_server::Reply {
                    status: 200,
                    body: list.join("&"),
                    content_type: "text/plain",
                };
            }
            let ip = r.param("ip").unwrap_or_default();
            match s.pool.get(ip) {
                Some(entry) => text(
                    200,
                    &[
                        ("status", &entry.status),
                        ("owner", &entry.owner),
                        ("reseller", USER),
                    ],
                ),
                None => text(200, &[("error", "1"), ("text", "IP does not exist")]),
            }
        }
        "/CMD_API_IP_MANAGER" if r.method == "POST" => match r.param("action") {
            Some("add") => {
                let ip = r.param("ip").unwrap_or_default().to_string();
                if s.pool.contains_key(&ip) {
                    return text(200, &[("error", "1"), ("text", "IP already exists")]);
                }
                s.pool.insert(
                    ip,
                    PoolIp {
                        status: r.param("status").unwrap_or("free").into(),
                        owner: String::new(),
                    },
                );
                text(200, &[("error", "0"), ("text", "IP Added")])
            }
            Some("select") if r.param("delete") == Some("yes") => {
                let ip = r.param("select0").unwrap_or_default();
                if s.pool.get(ip).is_some_and(|e| !e.owner.is_empty()) {
                    return text(200, &[("error", "1"), ("text", "IP is in use")]);
                }
                s.pool.remove(ip);
                text(200, &[("error", "0"), ("text", "IPs deleted")])
            }
            _ => text(200, &[("error", "1"), ("text", "Unknown action")]),
        },
        _ => reply(404, "Not Found"),
    }
}
