//! A TCP proxy in front of the private MariaDB that injects faults the tests need:
//! - `lose_next_commit_ack`: the next packet holding `COMMIT` (alone, or as a statement of a
//!   multi-statement packet) goes through to the server, which commits,
//!   but its answer is swallowed and the connection dropped (a lost acknowledgement);
//! - `go_silent`: from now on the proxy accepts connections and forwards nothing (a server
//!   that accepts TCP and never answers).

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::thread;

pub struct Proxy {
    pub port: u16,
    commits_to_break: Arc<AtomicU32>,
    silent: Arc<AtomicBool>,
    /// How many acknowledgements were swallowed so far.
    pub broken: Arc<AtomicU32>,
}

const COM_QUERY: u8 = 0x03;

impl Proxy {
    pub fn start(upstream_port: u16) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let commits_to_break = Arc::new(AtomicU32::new(0));
        let silent = Arc::new(AtomicBool::new(false));
        let broken = Arc::new(AtomicU32::new(0));
        let (c, s, b) = (commits_to_break.clone(), silent.clone(), broken.clone());
        thread::spawn(move || {
            for client in listener.incoming().flatten() {
                let (c, s, b) = (c.clone(), s.clone(), b.clone());
                thread::spawn(move || serve(client, upstream_port, c, s, b));
            }
        });
        Proxy {
            port,
            commits_to_break,
            silent,
            broken,
        }
    }

    pub fn lose_next_commit_ack(&self) {
        self.commits_to_break.store(1, Ordering::SeqCst);
    }

    pub fn go_silent(&self) {
        self.silent.store(true, Ordering::SeqCst);
    }
}

fn serve(
    client: TcpStream,
    upstream_port: u16,
    commits_to_break: Arc<AtomicU32>,
    silent: Arc<AtomicBool>,
    broken: Arc<AtomicU32>,
) {
    if silent.load(Ordering::SeqCst) {
        // Accept and say nothing, ever (until the client gives up).
        let mut sink = [0u8; 1024];
        let mut client = client;
        while matches!(client.read(&mut sink), Ok(n) if n > 0) {}
        return;
    }
    let Ok(server) = TcpStream::connect(("127.0.0.1", upstream_port)) else {
        return;
    };
    let commit_sent = Arc::new(AtomicBool::new(false));
    let (mut c_read, mut s_write) = (client.try_clone().unwrap(), server.try_clone().unwrap());
    let flag = commit_sent.clone();
    let silent_up = silent.clone();
    // Client to server, packet by packet (3-byte length, sequence id, payload).
    let up = thread::spawn(move || {
        loop {
            let mut header = [0u8; 4];
            if c_read.read_exact(&mut header).is_err() {
                break;
            }
            let len = u32::from_le_bytes([header[0], header[1], header[2], 0]) as usize;
            let mut payload = vec![0u8; len];
            if c_read.read_exact(&mut payload).is_err() {
                break;
            }
            if silent_up.load(Ordering::SeqCst) {
                continue;
            }
            if payload.first() == Some(&COM_QUERY)
                && is_commit(&payload[1..])
                && commits_to_break
                    .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
                    .is_ok()
            {
                flag.store(true, Ordering::SeqCst);
            }
            if s_write.write_all(&header).is_err() || s_write.write_all(&payload).is_err() {
                break;
            }
        }
        let _ = s_write.shutdown(Shutdown::Both);
    });
    // Server to client: after a broken COMMIT, the answer is swallowed and both sides close.
    let (mut s_read, mut c_write) = (server, client);
    let mut buf = [0u8; 16384];
    loop {
        let n = match s_read.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        if commit_sent.load(Ordering::SeqCst) {
            // Only once the server has answered the whole packet (every statement up to and
            // after COMMIT ran), so that it is the acknowledgement that is lost, not the
            // rest of the packet.
            swallow_answer(&mut s_read, buf[..n].to_vec());
            broken.fetch_add(1, Ordering::SeqCst);
            break;
        }
        if silent.load(Ordering::SeqCst) {
            continue;
        }
        if c_write.write_all(&buf[..n]).is_err() {
            break;
        }
    }
    let _ = c_write.shutdown(Shutdown::Both);
    let _ = s_read.shutdown(Shutdown::Both);
    let _ = up.join();
}

/// Reads the server's answer to a (multi-statement) query until its last packet: an error,
/// or an OK packet without "more results" (a commit packet holds no SELECT, so every
/// statement answers with one OK or error packet).
fn swallow_answer(server: &mut TcpStream, mut pending: Vec<u8>) {
    const MORE_RESULTS: u16 = 0x0008;
    let _ = server.set_read_timeout(Some(std::time::Duration::from_secs(10)));
    let mut buf = [0u8; 16384];
    loop {
        while pending.len() >= 4 {
            let len = u32::from_le_bytes([pending[0], pending[1], pending[2], 0]) as usize;
            if pending.len() < 4 + len {
                break;
            }
            let payload: Vec<u8> = pending.drain(..4 + len).skip(4).collect();
            match payload.first() {
                Some(0xff) => return,
                Some(0x00) => {
                    let mut at = 1;
                    skip_lenenc(&payload, &mut at); // affected rows
                    skip_lenenc(&payload, &mut at); // last insert id
                    let flags = payload
                        .get(at..at + 2)
                        .map(|f| u16::from_le_bytes([f[0], f[1]]))
                        .unwrap_or(0);
                    if flags & MORE_RESULTS == 0 {
                        return;
                    }
                }
                _ => {}
            }
        }
        match server.read(&mut buf) {
            Ok(0) | Err(_) => return,
            Ok(n) => pending.extend_from_slice(&buf[..n]),
        }
    }
}

fn skip_lenenc(payload: &[u8], at: &mut usize) {
    *at += match payload.get(*at) {
        Some(0xfc) => 3,
        Some(0xfd) => 4,
        Some(0xfe) => 9,
        _ => 1,
    };
}

/// A query that commits: `COMMIT` alone or as one statement of a multi-statement packet.
fn is_commit(query: &[u8]) -> bool {
    query.starts_with(b"COMMIT") || query.windows(b"\nCOMMIT".len()).any(|w| w == b"\nCOMMIT")
}
