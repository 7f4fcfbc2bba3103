//! A Plesk XML API on loopback that follows shared/providers.md: `POST
//! /enterprise/control/agent.php` with `HTTP_AUTH_LOGIN` + `HTTP_AUTH_PASSWD` or `KEY`;
//! replies `<packet><OP><ACTION><result><status>ok|error</status><errcode/><errtext/>`,
//! packet-level errors in `<system>` (1001 authentication, 11003 bad secret key, 1014 parse
//! error); `ip add` (a duplicate: 1013 "IP address was already added on the server"),
//! `ip del` (refused for the server's own IP or one in use), `ip get`, and `webspace set`
//! of a subscription's IP. Not documented there, so this fake's own choices: deleting an
//! IP the server lacks and setting a subscription to one answer 1018 (IP not found); an
//! unknown subscription answers 1013 (object not found).

use super::http_server::{Fault, Request, Server, reply};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

pub const LOGIN: &str = "admin";
pub const PASSWORD: &str = "Plesk-Admin-Secret!";
pub const KEY: &str = "6d2b7f0e-secret-key-plesk";

#[derive(Default)]
pub struct State {
    /// The server's IPs: ip → (type, netmask); the first is its main shared IP.
    pub ips: BTreeMap<String, (String, String)>,
    pub main_ip: String,
    /// subscription (domain) → its IP.
    pub subscriptions: BTreeMap<String, String>,
}

pub struct FakePlesk {
    pub server: Server,
    pub state: Arc<Mutex<State>>,
}

impl FakePlesk {
    pub fn start(main_ip: &str) -> FakePlesk {
        let mut state = State {
            main_ip: main_ip.into(),
            ..State::default()
        };
        state
            .ips
            .insert(main_ip.into(), ("shared".into(), "255.255.255.0".into()));
        let state = Arc::new(Mutex::new(state));
        let shared = Arc::clone(&state);
        let server = Server::start(move |r| answer(&shared, r));
        FakePlesk { server, state }
    }

    pub fn port(&self) -> u16 {
        self.server.port
    }

    pub fn set_fault(&self, fault: Fault) {
        self.server.set_fault(fault);
    }

    pub fn add_subscription(&self, domain: &str) {
        let mut s = self.state.lock().unwrap();
        let main = s.main_ip.clone();
        s.subscriptions.insert(domain.into(), main);
    }

    pub fn ip_of(&self, domain: &str) -> String {
        self.state.lock().unwrap().subscriptions[domain].clone()
    }

    pub fn has_ip(&self, ip: &str) -> bool {
        self.state.lock().unwrap().ips.contains_key(ip)
    }
}

fn xml(status: u16, body: String) -> super::http_server::Reply {
    super::http_server::Reply {
        status,
        body,
        content_type: "text/xml",
    }
}

fn result(op: &str, action: &str, code: Option<(&str, &str)>) -> super::http_server::Reply {
    let inner = match code {
        None => "<status>ok</status>".to_string(),
        Some((errcode, errtext)) => {
            format!(
                "<status>error</status><errcode>{errcode}</errcode><errtext>{errtext}</errtext>"
            )
        }
    };
    xml(
        200,
        format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><packet version=\"1.6.9.1\"><{op}><{action}><result>{inner}</result></{action}></{op}></packet>"
        ),
    )
}

fn system(errcode: &str, errtext: &str) -> super::http_server::Reply {
    xml(
        200,
        format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><packet version=\"1.6.9.1\"><system><status>error</status><errcode>{errcode}</errcode><errtext>{errtext}</errtext></system></packet>"
        ),
    )
}

/// The text of the first `<tag>…</tag>` in the packet.
fn first<'a>(body: &'a str, tag: &str) -> Option<&'a str> {
    let open = format!("<{tag}>");
    let start = body.find(&open)? + open.len();
    let end = body[start..].find(&format!("</{tag}>"))? + start;
    Some(&body[start..end])
}

fn answer(state: &Mutex<State>, r: &Request) -> super::http_server::Reply {
    if r.method != "POST" || r.path != "/enterprise/control/agent.php" {
        return reply(404, "Not Found");
    }
    let by_key = !r.header("key").is_empty();
    if by_key && r.header("key") != KEY {
        return system("11003", "Secret key is invalid");
    }
    if !by_key && (r.header("http_auth_login") != LOGIN || r.header("http_auth_passwd") != PASSWORD)
    {
        return system("1001", "Authentication failed - wrong password.");
    }
    let body = r.body.as_str();
    if !body.contains("<packet>") || body.contains("<!DOCTYPE") {
        return system("1014", "Parser error: Request is invalid");
    }
    let mut s = state.lock().unwrap();
    if body.contains("<ip><add>") {
        let ip = first(body, "ip_address").unwrap_or_default().to_string();
        if s.ips.contains_key(&ip) {
            return result(
                "ip",
                "add",
                Some(("1013", "IP address was already added on the server")),
            );
        }
        let kind = first(body, "type").unwrap_or("shared").to_string();
        let mask = first(body, "netmask").unwrap_or_default().to_string();
        s.ips.insert(ip, (kind, mask));
        return result("ip", "add", None);
    }
    if body.contains("<ip><del>") {
        let ip = first(body, "ip_address").unwrap_or_default().to_string();
        if ip == s.main_ip || s.subscriptions.values().any(|held| *held == ip) {
            return result(
                "ip",
                "del",
                Some(("1023", "Operation failed: the IP address is in use")),
            );
        }
        if s.ips.remove(&ip).is_none() {
            return result("ip", "del", Some(("1018", "IP address does not exist")));
        }
        return result("ip", "del", None);
    }
    if body.contains("<ip><get") {
        return result("ip", "get", None);
    }
    if body.contains("<webspace><set>") {
        let domain = first(body, "name").unwrap_or_default().to_string();
        let ip = first(body, "ip_address").unwrap_or_default().to_string();
        if !s.subscriptions.contains_key(&domain) {
            return result(
                "webspace",
                "set",
                Some(("1013", "Object not found: subscription")),
            );
        }
        if !s.ips.contains_key(&ip) {
            return result(
                "webspace",
                "set",
                Some(("1018", "IP address does not exist")),
            );
        }
        s.subscriptions.insert(domain, ip);
        return result("webspace", "set", None);
    }
    system("1014", "Parser error: unknown operation")
}
