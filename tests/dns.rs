//! The PowerDNS API client against the real PowerDNS make test starts: reverse zones
//! created on their boundaries once, PTRs set, replaced and deleted in one request each and
//! answered by `dig -x` (IPv4 in a /24 and in a /26 kept in its /24's zone, IPv6 inside a
//! /64), and a wrong key refused in words without the key.

mod support;

use ipmanager::Error;
use ipmanager::dns::client::{PowerDns, PtrChange};
use ipmanager::dns::names;
use ipmanager::net::{Addr, Cidr};
use ipmanager::providers::http::HttpOptions;
use support::pdns::real;

fn client(key: &str) -> PowerDns {
    let r = real();
    PowerDns::new(&r.url, key, &r.server_id, &HttpOptions::default()).unwrap()
}

/// A /24 and a /48 no other run uses.
fn unique() -> (String, String) {
    let n = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos()
        % 60000;
    (
        format!("10.{}.{}.0/24", 100 + n / 256 % 150, n % 256),
        format!("2001:db8:{:x}::/48", 0x1000 + n),
    )
}

#[test]
fn ptrs_are_set_replaced_and_deleted_and_dig_answers() {
    let r = real();
    let pdns = client(&r.key);
    assert_eq!(pdns.status().unwrap(), "PowerDNS 4.7.3");
    let (v4, v6) = unique();
    let v4 = Cidr::parse(&v4).unwrap();
    let quarter = Cidr::parse(&v4.to_string().replace(".0/24", ".64/26")).unwrap();
    let zone = names::zone_of(&v4).unwrap();
    assert_eq!(
        names::zone_of(&quarter).unwrap(),
        zone,
        "a /26 lives in its /24's zone"
    );
    let ns = vec!["ns1.example.net.".to_string()];
    assert!(pdns.ensure_zone(&zone, &ns).unwrap(), "created");
    assert!(!pdns.ensure_zone(&zone, &ns).unwrap(), "once");

    let one = Addr::parse(&v4.to_string().replace(".0/24", ".10"), "a").unwrap();
    let other = Addr::parse(&v4.to_string().replace(".0/24", ".70"), "a").unwrap();
    let set = |addr: Addr, host: Option<&str>| PtrChange {
        name: names::ptr_name(addr),
        hostname: host.map(|h| names::hostname(h).unwrap()),
    };
    pdns.patch(
        &zone,
        &[
            set(one, Some("vps1.example.net")),
            set(other, Some("mail.example.org")),
        ],
        300,
    )
    .unwrap();
    assert_eq!(
        r.dig_x(&one.to_string()),
        Ok(vec!["vps1.example.net.".to_string()])
    );
    assert_eq!(
        r.dig_x(&other.to_string()),
        Ok(vec!["mail.example.org.".to_string()])
    );
    pdns.patch(&zone, &[set(one, Some("new.example.net"))], 300)
        .unwrap();
    assert_eq!(
        r.dig_x(&one.to_string()),
        Ok(vec!["new.example.net.".to_string()])
    );
    pdns.patch(&zone, &[set(one, None), set(other, None)], 300)
        .unwrap();
    assert_eq!(r.dig_x(&one.to_string()), Err("NXDOMAIN".to_string()));
    pdns.patch(&zone, &[set(one, None)], 300).unwrap();

    let v6 = Cidr::parse(&v6).unwrap();
    let zone6 = names::zone_of(&v6).unwrap();
    pdns.ensure_zone(&zone6, &ns).unwrap();
    let inside = Addr::parse(
        &format!(
            "{}1:2::3",
            v6.network().to_string().trim_end_matches("::").to_string() + ":"
        ),
        "a",
    )
    .unwrap();
    pdns.patch(&zone6, &[set(inside, Some("v6.example.net"))], 300)
        .unwrap();
    assert_eq!(
        r.dig_x(&inside.to_string()),
        Ok(vec!["v6.example.net.".to_string()])
    );
}

#[test]
fn a_wrong_key_is_refused_without_showing_it() {
    let e = client("not-the-key-0123456789").status().unwrap_err();
    assert!(
        matches!(&e, Error::Integration(m) if m.contains("refused the API key") && !m.contains("not-the-key")),
        "{e}"
    );
}
