//! The private PowerDNS `scripts/pdns.sh start` runs (make test starts it): its API and DNS
//! port from var/pdns/pdns.env, and `dig` against it.
#![allow(dead_code)]

use std::collections::HashMap;

pub struct RealPowerDns {
    pub url: String,
    pub key: String,
    pub server_id: String,
    pub dns_port: u16,
}

pub fn real() -> RealPowerDns {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/var/pdns/pdns.env");
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("{path}: {e}; start PowerDNS with `make pdns` first"));
    let env: HashMap<&str, &str> = text.lines().filter_map(|l| l.split_once('=')).collect();
    RealPowerDns {
        url: env["PDNS_URL"].into(),
        key: env["PDNS_API_KEY"].into(),
        server_id: env["PDNS_SERVER_ID"].into(),
        dns_port: env["PDNS_DNS_PORT"].parse().unwrap(),
    }
}

impl RealPowerDns {
    /// What `dig -x` answers for the address: the PTR hostnames, or the status (NXDOMAIN…).
    pub fn dig_x(&self, address: &str) -> Result<Vec<String>, String> {
        let out = std::process::Command::new("dig")
            .args([
                "-p",
                &self.dns_port.to_string(),
                "@127.0.0.1",
                "+norecurse",
                "+tries=1",
                "+time=2",
                "-x",
                address,
            ])
            .output()
            .expect("dig (Debian's dnsutils)");
        let text = String::from_utf8_lossy(&out.stdout);
        let status = text
            .split("status: ")
            .nth(1)
            .and_then(|s| s.split(',').next())
            .unwrap_or("no answer")
            .to_string();
        if status != "NOERROR" {
            return Err(status);
        }
        Ok(text
            .lines()
            .filter(|l| !l.starts_with(';'))
            .map(|l| l.split_whitespace().collect::<Vec<_>>())
            // owner, TTL, class, type, data (dig pads with tabs or, for long names, spaces)
            .filter(|f| f.len() == 5 && f[3] == "PTR")
            .map(|f| f[4].to_string())
            .collect())
    }
}
