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

impl RealPowerDns {
    /// The settings form as an admin fills it in: on, this server at `url` (its own, or a
    /// proxy in front of it), the service's domain as the default PTR, deleted on release.
    pub fn form(&self, url: &str) -> ipmanager::dns::settings::DnsForm {
        ipmanager::dns::settings::DnsForm {
            enabled: true,
            url: url.into(),
            api_key: self.key.clone(),
            server_id: self.server_id.clone(),
            ttl: 300,
            template: "{domain}".into(),
            release_template: String::new(),
            nameservers: "ns1.example.net".into(),
            forward_confirm: false,
        }
    }
}
