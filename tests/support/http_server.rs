//! A small HTTP/1.1 server on loopback for the panel fakes: one thread per connection,
//! the request parsed (method, path, query, headers, form or text body), the fake's handler
//! answers, and faults can be injected for every request.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Short timeouts, so a test of a dead panel takes a second, not eight.
pub fn quick() -> ipmanager::providers::http::HttpOptions {
    ipmanager::providers::http::HttpOptions {
        connect_timeout: Duration::from_millis(500),
        timeout: Duration::from_millis(800),
        ..Default::default()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    None,
    /// Reply only after this long.
    Slow(Duration),
    /// Never reply (the connection stays open until the client gives up).
    Hang,
    ServerError,
    NotJson,
}

pub struct Request {
    pub method: String,
    pub path: String,
    pub query: HashMap<String, String>,
    pub headers: HashMap<String, String>,
    pub form: Vec<(String, String)>,
    pub body: String,
}

impl Request {
    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(&name.to_ascii_lowercase())
            .map(String::as_str)
            .unwrap_or_default()
    }
    pub fn param(&self, name: &str) -> Option<&str> {
        self.form
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .or_else(|| self.query.get(name).map(String::as_str))
    }
}

pub struct Reply {
    pub status: u16,
    pub body: String,
}

pub fn reply(status: u16, body: impl Into<String>) -> Reply {
    Reply {
        status,
        body: body.into(),
    }
}

pub struct Server {
    pub port: u16,
    pub fault: Arc<Mutex<Fault>>,
    pub requests: Arc<Mutex<Vec<String>>>,
}

impl Server {
    pub fn start(handler: impl Fn(&Request) -> Reply + Send + Sync + 'static) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let fault = Arc::new(Mutex::new(Fault::None));
        let requests = Arc::new(Mutex::new(Vec::new()));
        let handler = Arc::new(handler);
        let (f, r) = (Arc::clone(&fault), Arc::clone(&requests));
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let (handler, fault, requests) =
                    (Arc::clone(&handler), Arc::clone(&f), Arc::clone(&r));
                std::thread::spawn(move || serve(stream, &*handler, &fault, &requests));
            }
        });
        Server {
            port,
            fault,
            requests,
        }
    }

    pub fn set_fault(&self, fault: Fault) {
        *self.fault.lock().unwrap() = fault;
    }

    /// "METHOD /path" of every request so far.
    pub fn seen(&self) -> Vec<String> {
        self.requests.lock().unwrap().clone()
    }
}

fn serve(
    stream: TcpStream,
    handler: &(dyn Fn(&Request) -> Reply + Send + Sync),
    fault: &Mutex<Fault>,
    requests: &Mutex<Vec<String>>,
) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut line = String::new();
    if reader.read_line(&mut line).unwrap_or(0) == 0 {
        return;
    }
    let mut parts = line.split_whitespace();
    let method = parts.next().unwrap_or("GET").to_string();
    let target = parts.next().unwrap_or("/").to_string();
    let mut headers = HashMap::new();
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h).unwrap_or(0) == 0 || h == "\r\n" {
            break;
        }
        if let Some((k, v)) = h.split_once(':') {
            headers.insert(k.trim().to_ascii_lowercase(), v.trim().to_string());
        }
    }
    let length: usize = headers
        .get("content-length")
        .and_then(|l| l.parse().ok())
        .unwrap_or(0);
    let mut raw = vec![0u8; length];
    let _ = reader.read_exact(&mut raw);
    let body = String::from_utf8_lossy(&raw).into_owned();
    let (path, query) = target.split_once('?').unwrap_or((&target, ""));
    let form = if headers
        .get("content-type")
        .is_some_and(|t| t.contains("x-www-form-urlencoded"))
    {
        pairs(&body)
    } else {
        Vec::new()
    };
    let request = Request {
        method: method.clone(),
        path: path.to_string(),
        query: pairs(query).into_iter().collect(),
        headers,
        form,
        body,
    };
    requests
        .lock()
        .unwrap()
        .push(format!("{} {}", request.method, request.path));
    let fault = *fault.lock().unwrap();
    let answer = match fault {
        Fault::Hang => {
            std::thread::sleep(Duration::from_secs(30));
            return;
        }
        Fault::ServerError => reply(500, "Internal Server Error"),
        Fault::NotJson => reply(200, "<html>proxy error</html>"),
        Fault::Slow(d) => {
            std::thread::sleep(d);
            handler(&request)
        }
        Fault::None => handler(&request),
    };
    let mut stream = stream;
    let _ = write!(
        stream,
        "HTTP/1.1 {} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{}",
        answer.status,
        answer.body.len(),
        answer.body
    );
}

pub fn pairs(text: &str) -> Vec<(String, String)> {
    text.split('&')
        .filter(|kv| !kv.is_empty())
        .map(|kv| match kv.split_once('=') {
            Some((k, v)) => (decode(k), decode(v)),
            None => (decode(kv), String::new()),
        })
        .collect()
}

pub fn decode(text: &str) -> String {
    let bytes = text.replace('+', " ").into_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let escaped = (bytes[i] == b'%')
            .then(|| bytes.get(i + 1..i + 3))
            .flatten()
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
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
