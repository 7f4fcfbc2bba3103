//! A TCP proxy in front of a real HTTP service (the private NetBox) that is switched, at
//! any moment, between passing requests through and one fault: refusing connections
//! (service down), accepting and never answering (hung), or answering every request with a
//! fixed status and body (403, 409, NetBox's "Duplicate IP address found").
#![allow(dead_code)]

use parking_lot::Mutex;
use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::Arc;
use std::thread;
use std::time::Duration;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mode {
    Pass,
    /// The connection is closed at once, before any answer.
    Down,
    /// Accepted; nothing is ever answered.
    Hang,
    /// Every request is answered with this status and JSON body.
    Answer(u16, String),
}

pub struct HttpFaults {
    pub port: u16,
    mode: Arc<Mutex<Mode>>,
    /// Requests seen (each one, whatever the mode).
    pub requests: Arc<Mutex<Vec<String>>>,
}

impl HttpFaults {
    pub fn start(upstream: &str) -> HttpFaults {
        let upstream = upstream
            .trim_start_matches("http://")
            .trim_end_matches('/')
            .to_string();
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let mode = Arc::new(Mutex::new(Mode::Pass));
        let requests = Arc::new(Mutex::new(Vec::new()));
        let (m, r) = (mode.clone(), requests.clone());
        thread::spawn(move || {
            for client in listener.incoming().flatten() {
                let (m, r, up) = (m.clone(), r.clone(), upstream.clone());
                thread::spawn(move || serve(client, &up, &m, &r));
            }
        });
        HttpFaults {
            port,
            mode,
            requests,
        }
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    pub fn set(&self, mode: Mode) {
        *self.mode.lock() = mode;
    }
}

/// One request's head and body, read whole (Content-Length bodies, as ureq sends them).
fn read_request(stream: &mut TcpStream) -> Option<Vec<u8>> {
    let mut data = Vec::new();
    let mut buf = [0u8; 16384];
    loop {
        if let Some(end) = data.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&data[..end]).to_ascii_lowercase();
            let length = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .and_then(|v| v.trim().parse::<usize>().ok())
                .unwrap_or(0);
            if data.len() >= end + 4 + length {
                return Some(data);
            }
        }
        let n = stream.read(&mut buf).ok()?;
        if n == 0 {
            return None;
        }
        data.extend_from_slice(&buf[..n]);
    }
}

fn serve(mut client: TcpStream, upstream: &str, mode: &Mutex<Mode>, seen: &Mutex<Vec<String>>) {
    let now = mode.lock().clone();
    match now {
        Mode::Down => {
            let _ = client.shutdown(Shutdown::Both);
        }
        Mode::Hang => {
            thread::sleep(Duration::from_secs(120));
        }
        Mode::Answer(status, body) => {
            if let Some(request) = read_request(&mut client) {
                let line = String::from_utf8_lossy(&request);
                seen.lock()
                    .push(line.lines().next().unwrap_or_default().to_string());
                let reply = format!(
                    "HTTP/1.1 {status} Fault\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = client.write_all(reply.as_bytes());
            }
            let _ = client.shutdown(Shutdown::Both);
        }
        Mode::Pass => {
            let Ok(server) = TcpStream::connect(upstream) else {
                return;
            };
            let (mut c2, mut s2) = (client.try_clone().unwrap(), server.try_clone().unwrap());
            let mut server = server;
            let up = thread::spawn(move || {
                let _ = std::io::copy(&mut c2, &mut server);
                let _ = server.shutdown(Shutdown::Write);
            });
            let _ = std::io::copy(&mut s2, &mut client);
            let _ = client.shutdown(Shutdown::Both);
            let _ = up.join();
        }
    }
}
