//! A WHM API 1 server on loopback that follows shared/providers.md: `Authorization: whm
//! USER:TOKEN`, replies `{"metadata":{"command","reason","result","version"},"data"}` with
//! failures as HTTP 200 and `result: 0`; `setsiteip` and `listips` with the documented
//! reasons, keeping which account has which IP. Faults can be injected per request.
//! The reply to a refused token is not documented there: this fake answers HTTP 403, and
//! the client treats any 401/403 alike.

use serde_json::{Value, json};
use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    None,
    /// Reply only after this long.
    Slow(Duration),
    ServerError,
    NotJson,
}

pub struct State {
    pub token: String,
    /// user → (domain, ip)
    pub accounts: HashMap<String, (String, String)>,
    /// The server's IPs: (ip, main address).
    pub ips: Vec<(String, bool)>,
    pub fault: Fault,
    pub calls: Vec<String>,
}

pub struct FakeWhm {
    pub port: u16,
    pub state: Arc<Mutex<State>>,
}

impl FakeWhm {
    pub fn start(token: &str, main_ip: &str, dedicated: &[&str]) -> FakeWhm {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let mut ips = vec![(main_ip.to_string(), true)];
        ips.extend(dedicated.iter().map(|ip| (ip.to_string(), false)));
        let state = Arc::new(Mutex::new(State {
            token: token.into(),
            accounts: HashMap::new(),
            ips,
            fault: Fault::None,
            calls: Vec::new(),
        }));
        let shared = Arc::clone(&state);
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let state = Arc::clone(&shared);
                std::thread::spawn(move || serve(stream, &state));
            }
        });
        FakeWhm { port, state }
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
        self.state.lock().unwrap().fault = fault;
    }
}

fn serve(stream: TcpStream, state: &Mutex<State>) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut request_line = String::new();
    if reader.read_line(&mut request_line).is_err() {
        return;
    }
    let mut authorization = String::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
            break;
        }
        if let Some((name, value)) = line.split_once(':')
            && name.eq_ignore_ascii_case("authorization")
        {
            authorization = value.trim().to_string();
        }
    }
    let target = request_line
        .split_whitespace()
        .nth(1)
        .unwrap_or("/")
        .to_string();
    let (path, query) = target.split_once('?').unwrap_or((&target, ""));
    let params: HashMap<String, String> = query
        .split('&')
        .filter_map(|kv| kv.split_once('='))
        .map(|(k, v)| (decode(k), decode(v)))
        .collect();
    let function = path.trim_start_matches("/json-api/").to_string();
    let fault = state.lock().unwrap().fault;
    let (status, body) = {
        let mut s = state.lock().unwrap();
        s.calls.push(function.clone());
        if authorization != format!("whm root:{}", s.token) {
            (403, "Access denied".to_string())
        } else {
            (200, answer(&mut s, &function, &params).to_string())
        }
    };
    let (status, body) = match fault {
        Fault::ServerError => (500, "Internal Server Error".to_string()),
        Fault::NotJson => (200, "<html>cpsrvd</html>".to_string()),
        Fault::Slow(d) => {
            std::thread::sleep(d);
            (status, body)
        }
        Fault::None => (status, body),
    };
    let mut stream = stream;
    let _ = write!(
        stream,
        "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
}

fn decode(text: &str) -> String {
    let bytes = text.replace('+', " ").into_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let escaped = (bytes[i] == b'%' && i + 2 < bytes.len())
            .then(|| std::str::from_utf8(&bytes[i + 1..i + 3]).ok())
            .flatten()
            .and_then(|hex| u8::from_str_radix(hex, 16).ok());
        match escaped {
            Some(b) => {
                out.push(b);
                i += 3;
            }
            None => {
                out.push(bytes[i]);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn reply(command: &str, result: i64, reason: &str, data: Value) -> Value {
    json!({"metadata": {"command": command, "reason": reason, "result": result, "version": 1}, "data": data})
}

fn answer(s: &mut State, function: &str, params: &HashMap<String, String>) -> Value {
    if params.get("api.version").map(String::as_str) != Some("1") {
        return reply(function, 0, "API version 1 is required.", Value::Null);
    }
    match function {
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
            reply("setsiteip", 1, "OK", Value::Null)
        }
        other => reply(other, 0, &format!("Unknown function {other}"), Value::Null),
    }
}
