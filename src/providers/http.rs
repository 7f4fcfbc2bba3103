//! HTTP for the panel clients: one `ureq` agent per server with connect and overall
//! timeouts (a dead panel must not hang a checkout), a deadline for a whole delivery (a
//! panel asked several times still answers within the hook's bound), TLS verified unless
//! the admin opted out for that server, and errors that say which panel and what to check —
//! never a credential. Every exchange is written to the module-call journal with the
//! client's secrets masked.

use super::journal;
use crate::error::{Error, Result};
use std::time::{Duration, Instant};

/// How a client reaches one server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HttpOptions {
    pub connect_timeout: Duration,
    /// One request, connecting included.
    pub timeout: Duration,
    /// Off only where the admin opted out for a self-signed panel certificate.
    pub verify_tls: bool,
    /// The SHA-256 of the panel's own certificate: when set, exactly that certificate is
    /// accepted (names and issuers are not checked) and `verify_tls` does not apply.
    pub fingerprint: Option<[u8; 32]>,
    /// No request of this delivery runs past it (the hook's bound).
    pub deadline: Option<Instant>,
}

impl Default for HttpOptions {
    fn default() -> Self {
        HttpOptions {
            connect_timeout: Duration::from_secs(3),
            timeout: Duration::from_secs(8),
            verify_tls: true,
            fingerprint: None,
            deadline: None,
        }
    }
}

impl HttpOptions {
    /// The options an admin's settings describe (timeouts in milliseconds, the pin parsed).
    pub fn from_settings(
        verify_tls: bool,
        fingerprint: Option<[u8; 32]>,
        connect_timeout_ms: u32,
        timeout_ms: u32,
    ) -> HttpOptions {
        HttpOptions {
            connect_timeout: Duration::from_millis(u64::from(connect_timeout_ms)),
            timeout: Duration::from_millis(u64::from(timeout_ms)),
            verify_tls,
            fingerprint,
            deadline: None,
        }
    }
}

/// Checks how an admin wants a service reached (a panel's server, NetBox): timeouts in
/// range (connect 100 ms – 10 s, request 100 ms – 30 s) and a pin that parses. The pin as it
/// is kept (`AB:CD:…`, or '' for none).
pub fn checked_reach(
    fingerprint: &str,
    connect_timeout_ms: u32,
    timeout_ms: u32,
) -> Result<String> {
    let pin = super::pinned_tls::parse_fingerprint(fingerprint)?
        .map(|pin| super::pinned_tls::show_fingerprint(&pin))
        .unwrap_or_default();
    if !(100..=10_000).contains(&connect_timeout_ms) {
        return Err(Error::invalid(
            "The connect timeout must be between 100 and 10000 ms.",
        ));
    }
    if !(100..=30_000).contains(&timeout_ms) {
        return Err(Error::invalid(
            "The request timeout must be between 100 and 30000 ms.",
        ));
    }
    Ok(pin)
}

/// A reply: status and body as text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    pub status: u16,
    pub body: String,
}

impl Reply {
    /// Ok for a 2xx reply; refused credentials (401, 403) say what to check in WHMCS
    /// (`credentials`, e.g. "username and API token"), any other status names `what`.
    pub fn answered(&self, panel: &str, what: &str, credentials: &str) -> Result<()> {
        match self.status {
            200..=299 => Ok(()),
            401 | 403 => Err(Error::Integration(format!(
                "{panel} refused the credentials (HTTP {}); check the server's {credentials} in WHMCS.",
                self.status
            ))),
            status => Err(Error::Integration(format!(
                "{panel} answered {what} with HTTP {status}."
            ))),
        }
    }
}

/// `scheme://host:port` of a panel from WHMCS's server record: HTTPS when the record's
/// "secure" is on, its port or the panel's usual one for that scheme.
pub fn origin(panel: &str, server: &super::ServerAccess, ports: (u16, u16)) -> Result<String> {
    let host = host_of(panel, &server.hostname, &server.ip)?;
    let (scheme, usual) = if server.secure {
        ("https", ports.0)
    } else {
        ("http", ports.1)
    };
    Ok(format!(
        "{scheme}://{host}:{}",
        server.port.unwrap_or(usual)
    ))
}

/// What to send.
pub enum Body<'a> {
    None,
    Form(&'a [(&'a str, &'a str)]),
    Text(&'a str),
}

/// One server's connection: the agent, the panel's name for messages and the journal, and
/// the values to mask in the journal (tokens, passwords, keys).
pub struct Client {
    agent: ureq::Agent,
    options: HttpOptions,
    pub panel: &'static str,
    secrets: Vec<String>,
}

impl Client {
    pub fn new(panel: &'static str, options: &HttpOptions, secrets: &[&str]) -> Result<Client> {
        let config = ureq::Agent::config_builder()
            .timeout_connect(Some(options.connect_timeout))
            .timeout_global(Some(options.timeout))
            .http_status_as_error(false)
            .tls_config(
                ureq::tls::TlsConfig::builder()
                    .disable_verification(!options.verify_tls && options.fingerprint.is_none())
                    .build(),
            )
            .build();
        let agent = match options.fingerprint {
            None => ureq::Agent::new_with_config(config),
            Some(pinned) => {
                use ureq::unversioned::transport::{Connector, TcpConnector};
                let connector =
                    ().chain(TcpConnector::default())
                        .chain(super::pinned_tls::PinnedConnector::new(pinned)?);
                ureq::Agent::with_parts(
                    config,
                    connector,
                    ureq::unversioned::resolver::DefaultResolver::default(),
                )
            }
        };
        Ok(Client {
            agent,
            options: *options,
            panel,
            secrets: secrets
                .iter()
                .filter(|s| !s.is_empty())
                .map(|s| s.to_string())
                .collect(),
        })
    }

    /// Adds a value to mask (e.g. a session ticket obtained on the way).
    pub fn mask(&mut self, secret: &str) {
        if !secret.is_empty() {
            self.secrets.push(secret.to_string());
        }
    }

    /// Sends one request. `action` names it in the journal. A transport failure (refused,
    /// timed out, TLS) is an Integration error naming the panel and the address.
    pub fn send(
        &self,
        action: &str,
        method: &str,
        url: &str,
        query: &[(&str, &str)],
        headers: &[(&str, &str)],
        body: Body<'_>,
    ) -> Result<Reply> {
        self.exchange_logged(action, method, url, query, headers, body, false)
    }

    /// A login: its reply carries a session credential, so the journal gets only its status.
    pub fn send_login(&self, action: &str, url: &str, body: Body<'_>) -> Result<Reply> {
        self.exchange_logged(action, "POST", url, &[], &[], body, true)
    }

    #[allow(clippy::too_many_arguments)]
    fn exchange_logged(
        &self,
        action: &str,
        method: &str,
        url: &str,
        query: &[(&str, &str)],
        headers: &[(&str, &str)],
        body: Body<'_>,
        withhold_reply: bool,
    ) -> Result<Reply> {
        let timeout = self.time_left(url)?;
        let outcome = self.exchange(method, url, query, headers, &body, timeout);
        let shown_request = self.describe_request(method, url, query, &body);
        match &outcome {
            Ok(reply) if withhold_reply => journal::record(
                self.panel,
                action,
                &shown_request,
                &format!(
                    "HTTP {} (reply withheld: it carries a session credential)",
                    reply.status
                ),
            ),
            Ok(reply) => journal::record(
                self.panel,
                action,
                &shown_request,
                &self.masked(&format!("HTTP {}\n{}", reply.status, reply.body)),
            ),
            Err(e) => journal::record(self.panel, action, &shown_request, &e.to_string()),
        }
        outcome
    }

    /// What remains of the per-request timeout and the delivery's deadline.
    fn time_left(&self, url: &str) -> Result<Duration> {
        let Some(deadline) = self.options.deadline else {
            return Ok(self.options.timeout);
        };
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(Error::Integration(format!(
                "{} at {url} was not asked: the time allowed for this delivery ran out; it is retried later.",
                self.panel
            )));
        }
        Ok(left.min(self.options.timeout))
    }

    fn exchange(
        &self,
        method: &str,
        url: &str,
        query: &[(&str, &str)],
        headers: &[(&str, &str)],
        body: &Body<'_>,
        timeout: Duration,
    ) -> Result<Reply> {
        let failed = |e: ureq::Error| {
            Error::Integration(format!(
                "{} at {url} did not answer: {}",
                self.panel,
                describe(&e)
            ))
        };
        let mut response = match (method, body) {
            ("GET", _) | ("DELETE", Body::None) => {
                let request = if method == "GET" {
                    self.agent.get(url)
                } else {
                    self.agent.delete(url)
                };
                with_parts(request, query, headers)
                    .config()
                    .timeout_global(Some(timeout))
                    .build()
                    .call()
                    .map_err(failed)?
            }
            _ => {
                let request = match method {
                    "PUT" => self.agent.put(url),
                    "PATCH" => self.agent.patch(url),
                    // NetBox's bulk delete names the objects in the body.
                    "DELETE" => self.agent.delete(url).force_send_body(),
                    _ => self.agent.post(url),
                };
                let request = with_parts(request, query, headers)
                    .config()
                    .timeout_global(Some(timeout))
                    .build();
                match body {
                    Body::None => request.send_empty(),
                    Body::Form(fields) => request.send_form(fields.iter().copied()),
                    Body::Text(text) => request.send(*text),
                }
                .map_err(failed)?
            }
        };
        let status = response.status().as_u16();
        let body = response.body_mut().read_to_string().map_err(|e| {
            Error::Integration(format!(
                "{} at {url} sent an unreadable reply: {}",
                self.panel,
                describe(&e)
            ))
        })?;
        Ok(Reply { status, body })
    }

    /// The request as the journal shows it: method, address, parameters and body with every
    /// secret masked (headers are left out: they carry the credentials).
    fn describe_request(
        &self,
        method: &str,
        url: &str,
        query: &[(&str, &str)],
        body: &Body<'_>,
    ) -> String {
        let pairs = |list: &[(&str, &str)]| {
            list.iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join("&")
        };
        let mut shown = format!("{method} {url}");
        if !query.is_empty() {
            shown.push('?');
            shown.push_str(&pairs(query));
        }
        match body {
            Body::None => {}
            Body::Form(fields) => {
                shown.push('\n');
                shown.push_str(&pairs(fields));
            }
            Body::Text(text) => {
                shown.push('\n');
                shown.push_str(text);
            }
        }
        self.masked(&shown)
    }

    fn masked(&self, text: &str) -> String {
        journal::mask(text, &self.secrets)
    }
}

/// A request with its query parameters and headers, with or without a body to come.
fn with_parts<B>(
    mut request: ureq::RequestBuilder<B>,
    query: &[(&str, &str)],
    headers: &[(&str, &str)],
) -> ureq::RequestBuilder<B> {
    for (key, value) in query {
        request = request.query(key, value);
    }
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    request
}

const TLS_FAILED: &str = "the TLS handshake failed (a self-signed certificate? pin its SHA-256 \
     fingerprint for this server, or turn verification off)";

/// ureq's error in words, never with request contents.
fn describe(error: &ureq::Error) -> String {
    if let Some(refusal) = tls_refusal(error) {
        return match refusal {
            rustls::Error::General(pin) => format!("the TLS handshake was refused: {pin}"),
            _ => TLS_FAILED.into(),
        };
    }
    match error {
        ureq::Error::Timeout(_) => "it did not reply in time (it may be down or overloaded)".into(),
        ureq::Error::Io(e) if e.kind() == std::io::ErrorKind::ConnectionRefused => {
            "the connection was refused (wrong port, or it is not running)".into()
        }
        ureq::Error::Tls(_) => TLS_FAILED.into(),
        other => other.to_string(),
    }
}

/// The TLS library's own error, however ureq wrapped it (a pinned certificate's mismatch
/// comes back inside an I/O error).
fn tls_refusal(error: &ureq::Error) -> Option<&rustls::Error> {
    match error {
        ureq::Error::Rustls(e) => Some(e),
        ureq::Error::Io(e) => e.get_ref().and_then(|i| i.downcast_ref::<rustls::Error>()),
        _ => None,
    }
}

/// `value` for a URL path segment: everything but unreserved characters percent-encoded
/// (Proxmox's IP set entries contain `/`).
pub fn path_segment(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// The host a client connects to: the server record's hostname, else its IP.
pub fn host_of(panel: &str, hostname: &str, ip: &str) -> Result<String> {
    let host = if hostname.trim().is_empty() {
        ip.trim()
    } else {
        hostname.trim()
    };
    if host.is_empty() {
        return Err(Error::invalid(format!(
            "The {panel} server has no hostname or IP address in WHMCS; fill one in under Setup > Servers."
        )));
    }
    // An IPv6 literal goes in brackets in a URL.
    Ok(if host.contains(':') && !host.starts_with('[') {
        format!("[{host}]")
    } else {
        host.to_string()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_segments_encode_slashes_and_colons() {
        assert_eq!(path_segment("192.0.2.5/32"), "192.0.2.5%2F32");
        assert_eq!(path_segment("2001:db8::1"), "2001%3Adb8%3A%3A1");
    }

    #[test]
    fn hosts_come_from_the_hostname_or_the_ip() {
        assert_eq!(host_of("X", " pve1 ", "192.0.2.1").unwrap(), "pve1");
        assert_eq!(host_of("X", "", "2001:db8::1").unwrap(), "[2001:db8::1]");
        assert!(host_of("X", "", " ").is_err());
    }
}
