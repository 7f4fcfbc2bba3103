//! HTTP for the panel clients: one `ureq` agent per server with connect and overall
//! timeouts (a dead panel must not hang a checkout), TLS verified unless the server record
//! opts out, and errors that say which panel and what to check — never a credential.

use crate::error::{Error, Result};
use std::time::Duration;

/// How a client reaches one server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HttpOptions {
    pub connect_timeout: Duration,
    /// The whole request, connecting included.
    pub timeout: Duration,
    /// Off only where the admin opted out for a self-signed panel certificate.
    pub verify_tls: bool,
}

impl Default for HttpOptions {
    fn default() -> Self {
        HttpOptions {
            connect_timeout: Duration::from_secs(3),
            timeout: Duration::from_secs(8),
            verify_tls: true,
        }
    }
}

/// A reply: status and body as text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    pub status: u16,
    pub body: String,
}

pub fn agent(options: &HttpOptions) -> ureq::Agent {
    ureq::Agent::config_builder()
        .timeout_connect(Some(options.connect_timeout))
        .timeout_global(Some(options.timeout))
        .http_status_as_error(false)
        .tls_config(
            ureq::tls::TlsConfig::builder()
                .disable_verification(!options.verify_tls)
                .build(),
        )
        .build()
        .into()
}

/// GET `url` with `query` and `headers`. A transport failure (refused, timed out, TLS) is
/// an Integration error naming the panel and the address, without the query's values.
pub fn get(
    agent: &ureq::Agent,
    panel: &str,
    url: &str,
    query: &[(&str, &str)],
    headers: &[(&str, &str)],
) -> Result<Reply> {
    let mut request = agent.get(url);
    for (key, value) in query {
        request = request.query(key, value);
    }
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let mut response = request.call().map_err(|e| {
        Error::Integration(format!("{panel} at {url} did not answer: {}", describe(&e)))
    })?;
    let status = response.status().as_u16();
    let body = response.body_mut().read_to_string().map_err(|e| {
        Error::Integration(format!(
            "{panel} at {url} sent an unreadable reply: {}",
            describe(&e)
        ))
    })?;
    Ok(Reply { status, body })
}

/// ureq's error in words, never with request contents.
fn describe(error: &ureq::Error) -> String {
    match error {
        ureq::Error::Timeout(_) => {
            "it did not reply in time (the panel may be down or overloaded)".into()
        }
        ureq::Error::Io(e) if e.kind() == std::io::ErrorKind::ConnectionRefused => {
            "the connection was refused (wrong port, or the panel is not running)".into()
        }
        ureq::Error::Tls(_) | ureq::Error::Rustls(_) => {
            "the TLS handshake failed (a self-signed certificate? \
             verify the certificate or turn verification off for this server)"
                .into()
        }
        other => other.to_string(),
    }
}
