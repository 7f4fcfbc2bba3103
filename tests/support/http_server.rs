//! A small HTTP/1.1 server on loopback for the panel fakes: one thread per connection,
//! plain or HTTPS with a self-signed certificate, the request parsed (method, path, query,
//! headers, form or text body), the fake's handler answers, and faults can be injected for
//! every request: slow, hung, 5xx, 401/403, a body that is not the panel's format, a
//! change applied whose reply never arrives, and a port that refuses connections.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
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
    /// The request is carried out, and its reply never arrives (the client cannot know
    /// whether it happened: its retry must be harmless).
    AppliedThenHang,
    ServerError,
    Unauthorized,
    Forbidden,
    /// HTTP 200 with a body in no panel's format (a proxy's error page).
    Garbled,
    /// Nothing listens on the port any more.
    Refused,
}

/// Every fault, for tests that try each one. `Slow` stays within the fakes' request
/// timeout (a panel that answers late but in time); `Hang` is the one past it.
pub const FAULTS: [Fault; 8] = [
    Fault::Slow(Duration::from_millis(250)),
    Fault::Hang,
    Fault::AppliedThenHang,
    Fault::ServerError,
    Fault::Unauthorized,
    Fault::Forbidden,
    Fault::Garbled,
    Fault::Refused,
];

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
    pub content_type: &'static str,
}

pub fn reply(status: u16, body: impl Into<String>) -> Reply {
    Reply {
        status,
        body: body.into(),
        content_type: "application/json",
    }
}

type Handler = dyn Fn(&Request) -> Reply + Send + Sync;

/// The self-signed certificate of an HTTPS fake.
pub struct Tls {
    config: Arc<rustls::ServerConfig>,
    /// SHA-256 of the certificate, as an admin would pin it (`AB:CD:…`).
    pub fingerprint: String,
}

impl Tls {
    fn self_signed() -> Tls {
        let issued = rcgen::generate_simple_self_signed(vec!["localhost".into()]).unwrap();
        let der = issued.cert.der().clone();
        let fingerprint = ipmanager::providers::pinned_tls::show_fingerprint(
            &ipmanager::providers::pinned_tls::fingerprint_of(der.as_ref()),
        );
        let key = rustls::pki_types::PrivateKeyDer::Pkcs8(
            rustls::pki_types::PrivatePkcs8KeyDer::from(issued.signing_key.serialize_der()),
        );
        let config = rustls::ServerConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(vec![der], key)
        .unwrap();
        Tls {
            config: Arc::new(config),
            fingerprint,
        }
    }
}

pub struct Server {
    pub port: u16,
    fault: Arc<Mutex<Fault>>,
    requests: Arc<Mutex<Vec<String>>>,
    handler: Arc<Handler>,
    tls: Option<Arc<Tls>>,
    /// Whether the accept loop runs; cleared to refuse connections.
    listening: Arc<AtomicBool>,
}

impl Server {
    pub fn start(handler: impl Fn(&Request) -> Reply + Send + Sync + 'static) -> Server {
        Server::launch(Arc::new(handler), None)
    }

    /// HTTPS with a certificate made for this server (self-signed, for `localhost`).
    pub fn start_tls(handler: impl Fn(&Request) -> Reply + Send + Sync + 'static) -> Server {
        Server::launch(Arc::new(handler), Some(Arc::new(Tls::self_signed())))
    }

    fn launch(handler: Arc<Handler>, tls: Option<Arc<Tls>>) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let server = Server {
            port: listener.local_addr().unwrap().port(),
            fault: Arc::new(Mutex::new(Fault::None)),
            requests: Arc::new(Mutex::new(Vec::new())),
            handler,
            tls,
            listening: Arc::new(AtomicBool::new(true)),
        };
        server.accept(listener);
        server
    }

    fn accept(&self, listener: TcpListener) {
        let (handler, fault, requests, tls, listening) = (
            Arc::clone(&self.handler),
            Arc::clone(&self.fault),
            Arc::clone(&self.requests),
            self.tls.clone(),
            Arc::clone(&self.listening),
        );
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                if !listening.load(Ordering::SeqCst) {
                    // Dropping the listener closes the port: later connects are refused.
                    return;
                }
                let (handler, fault, requests, tls) = (
                    Arc::clone(&handler),
                    Arc::clone(&fault),
                    Arc::clone(&requests),
                    tls.clone(),
                );
                std::thread::spawn(move || match tls {
                    None => serve(stream, &*handler, &fault, &requests),
                    Some(tls) => {
                        let Ok(conn) = rustls::ServerConnection::new(Arc::clone(&tls.config))
                        else {
                            return;
                        };
                        serve(
                            rustls::StreamOwned::new(conn, stream),
                            &*handler,
                            &fault,
                            &requests,
                        );
                    }
                });
            }
        });
    }

    /// The certificate's fingerprint of an HTTPS fake.
    pub fn fingerprint(&self) -> String {
        self.tls
            .as_ref()
            .map(|t| t.fingerprint.clone())
            .unwrap_or_default()
    }

    pub fn set_fault(&self, fault: Fault) {
        let was = std::mem::replace(&mut *self.fault.lock().unwrap(), fault);
        match (was == Fault::Refused, fault == Fault::Refused) {
            (false, true) => {
                self.listening.store(false, Ordering::SeqCst);
                // Wake the accept loop so it sees the flag and closes the port.
                let _ = TcpStream::connect(("127.0.0.1", self.port));
                for _ in 0..100 {
                    if TcpStream::connect(("127.0.0.1", self.port)).is_err() {
                        return;
                    }
                    std::thread::sleep(Duration::from_millis(10));
                }
                panic!("port {} still accepts connections", self.port);
            }
            (true, false) => {
                self.listening.store(true, Ordering::SeqCst);
                let listener = TcpListener::bind(("127.0.0.1", self.port)).unwrap();
                self.accept(listener);
            }
            _ => {}
        }
    }

    /// "METHOD /path" of every request so far.
    pub fn seen(&self) -> Vec<String> {
        self.requests.lock().unwrap().clone()
    }
}

fn serve(
    stream: impl Read + Write,
    handler: &Handler,
    fault: &Mutex<Fault>,
    requests: &Mutex<Vec<String>>,
) {
    let mut reader = BufReader::new(stream);
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
        Fault::AppliedThenHang => {
            handler(&request);
            std::thread::sleep(Duration::from_secs(30));
            return;
        }
        Fault::ServerError => reply(500, "Internal Server Error"),
        Fault::Unauthorized => reply(401, ""),
        Fault::Forbidden => reply(403, "Forbidden"),
        Fault::Garbled => Reply {
            status: 200,
            body: "<html><body>502 Bad Gateway (proxy)</body></html>".into(),
            content_type: "text/html",
        },
        Fault::Slow(d) => {
            std::thread::sleep(d);
            handler(&request)
        }
        Fault::None | Fault::Refused => handler(&request),
    };
    let stream = reader.get_mut();
    let _ = write!(
        stream,
        "HTTP/1.1 {} X\r\nContent-Type: {}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{}",
        answer.status,
        answer.content_type,
        answer.body.len(),
        answer.body
    );
    let _ = stream.flush();
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
