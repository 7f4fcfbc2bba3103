//! Reverse DNS names: an address's PTR owner name, the reverse zone a subnet's PTRs live in,
//! hostnames as RFC 1123 allows them, and the default PTR from a template.
//!
//! Zones sit on the boundaries reverse DNS delegates on: IPv4 octets (a /8, /16 or /24 zone;
//! a subnet smaller than a /24 keeps its PTRs in the /24 zone around it, which the hosting
//! company holds whole — RFC 2317 classless delegation is for when it does not, and is not
//! done), IPv6 nibbles (a /48 subnet's zone is its /48; a /50 one's is the /52 that holds it
//! rounded down to /48, i.e. the nibble boundary at or above its prefix).

use crate::error::{Error, Result};
use crate::net::{Addr, Cidr, Family};

/// The PTR owner name of `addr`, absolute (`10.113.0.203.in-addr.arpa.`).
pub fn ptr_name(addr: Addr) -> String {
    match addr.family {
        Family::V4 => {
            let o = (addr.value as u32).to_be_bytes();
            format!("{}.{}.{}.{}.in-addr.arpa.", o[3], o[2], o[1], o[0])
        }
        Family::V6 => {
            let mut out = String::with_capacity(73);
            for i in 0..32 {
                let nibble = (addr.value >> (i * 4)) & 0xf;
                out.push(char::from_digit(nibble as u32, 16).unwrap_or('0'));
                out.push('.');
            }
            out.push_str("ip6.arpa.");
            out
        }
    }
}

/// Of `zones`, the one a record `name` belongs in: the longest it ends in (absolute names).
pub fn zone_holding(name: &str, zones: &[String]) -> Option<String> {
    zones
        .iter()
        .filter(|zone| name == zone.as_str() || name.ends_with(&format!(".{zone}")))
        .max_by_key(|zone| zone.len())
        .cloned()
}

/// The reverse zone holding the PTRs of `subnet` (absolute name).
pub fn zone_of(subnet: &Cidr) -> Result<String> {
    let addr = subnet.network();
    match subnet.family() {
        Family::V4 => {
            let octets = match subnet.prefix_len() {
                0..=7 => {
                    return Err(Error::invalid(format!(
                        "{subnet} is larger than a /8; reverse zones for it would be delegated per /8. Manage its /8 subnets' reverse DNS instead."
                    )));
                }
                8..=15 => 1,
                16..=23 => 2,
                _ => 3,
            };
            let o = (addr.value as u32).to_be_bytes();
            let labels: Vec<String> = o[..octets].iter().rev().map(u8::to_string).collect();
            Ok(format!("{}.in-addr.arpa.", labels.join(".")))
        }
        Family::V6 => {
            let nibbles = (usize::from(subnet.prefix_len()) / 4).max(1);
            if nibbles < 4 {
                return Err(Error::invalid(format!(
                    "{subnet} is larger than a /16; manage the reverse DNS of the subnets inside it."
                )));
            }
            let mut labels = Vec::with_capacity(nibbles);
            for i in 0..nibbles {
                let shift = 124 - i * 4;
                labels.push(format!("{:x}", (addr.value >> shift) & 0xf));
            }
            labels.reverse();
            Ok(format!("{}.ip6.arpa.", labels.join(".")))
        }
    }
}

/// A hostname a PTR may point at: letters, digits and hyphens in labels of 1-63 (not
/// starting or ending with a hyphen), at least two labels, 253 at most; a trailing dot is
/// taken. Returned absolute and lower-case.
pub fn hostname(text: &str) -> Result<String> {
    let name = text.trim().trim_end_matches('.').to_ascii_lowercase();
    let refuse = |why: &str| {
        Err(Error::invalid(format!(
            "'{}' is not a hostname a PTR can point at: {why}.",
            text.trim()
        )))
    };
    if name.is_empty() {
        return refuse("it is empty");
    }
    if name.len() > 253 {
        return refuse("it is longer than 253 characters");
    }
    let labels: Vec<&str> = name.split('.').collect();
    if labels.len() < 2 {
        return refuse("it needs a domain (e.g. mail.example.com)");
    }
    for label in &labels {
        if label.is_empty() {
            return refuse("it has an empty label (two dots in a row)");
        }
        if label.len() > 63 {
            return refuse("a label is longer than 63 characters");
        }
        if !label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
            return refuse("only letters, digits, hyphens and dots are allowed");
        }
        if label.starts_with('-') || label.ends_with('-') {
            return refuse("a label cannot start or end with a hyphen");
        }
    }
    if labels
        .last()
        .is_some_and(|tld| tld.chars().all(|c| c.is_ascii_digit()))
    {
        return refuse("the last label cannot be all digits");
    }
    Ok(format!("{name}."))
}

/// The default PTR from a template: `{ip-dashed}` (203-0-113-10, or the IPv6 address with
/// colons as dashes), `{ip}`, `{domain}` (the service's), `{service}` (its id). The result
/// is checked as a hostname.
pub fn from_template(template: &str, addr: Addr, domain: &str, service_id: u32) -> Result<String> {
    let dashed = addr
        .to_string()
        .replace(['.', ':'], "-")
        .trim_matches('-')
        .to_string();
    let text = template
        .replace("{ip-dashed}", &dashed)
        .replace("{ip}", &addr.to_string())
        .replace("{domain}", domain.trim().trim_end_matches('.'))
        .replace("{service}", &service_id.to_string());
    hostname(&text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v4(s: &str) -> Addr {
        Addr::parse(s, "a").unwrap()
    }

    #[test]
    fn a_name_belongs_in_the_longest_zone_it_ends_in() {
        let zones: Vec<String> = [
            "10.in-addr.arpa.",
            "0.10.in-addr.arpa.",
            "110.10.in-addr.arpa.",
        ]
        .map(String::from)
        .to_vec();
        let at = |n: &str| zone_holding(n, &zones);
        assert_eq!(
            at("5.1.0.10.in-addr.arpa.").as_deref(),
            Some("0.10.in-addr.arpa.")
        );
        assert_eq!(
            at("5.1.7.10.in-addr.arpa.").as_deref(),
            Some("10.in-addr.arpa.")
        );
        // A label boundary, not a text suffix: 10.110… is not inside 0.10… .
        assert_eq!(
            at("5.1.110.10.in-addr.arpa.").as_deref(),
            Some("110.10.in-addr.arpa.")
        );
        assert_eq!(at("5.1.0.11.in-addr.arpa."), None);
    }

    #[test]
    fn ptr_names_reverse_octets_and_nibbles() {
        assert_eq!(ptr_name(v4("203.0.113.10")), "10.113.0.203.in-addr.arpa.");
        let six = ptr_name(v4("2001:db8::1"));
        assert!(six.starts_with("1.0.0.0.0.0.0.0."), "{six}");
        assert!(six.ends_with("8.b.d.0.1.0.0.2.ip6.arpa."), "{six}");
        assert_eq!(six.split('.').count(), 35);
    }

    #[test]
    fn zones_sit_on_octet_and_nibble_boundaries() {
        let z = |s: &str| zone_of(&Cidr::parse(s).unwrap());
        assert_eq!(z("203.0.113.0/24").unwrap(), "113.0.203.in-addr.arpa.");
        assert_eq!(
            z("203.0.113.64/26").unwrap(),
            "113.0.203.in-addr.arpa.",
            "smaller than /24: the /24 zone"
        );
        assert_eq!(z("10.20.0.0/16").unwrap(), "20.10.in-addr.arpa.");
        assert_eq!(z("10.20.0.0/20").unwrap(), "20.10.in-addr.arpa.");
        assert_eq!(z("10.0.0.0/8").unwrap(), "10.in-addr.arpa.");
        assert!(z("10.0.0.0/7").is_err());
        assert_eq!(
            z("2001:db8:80::/48").unwrap(),
            "0.8.0.0.8.b.d.0.1.0.0.2.ip6.arpa."
        );
        assert_eq!(
            z("2001:db8:80::/50").unwrap(),
            "0.8.0.0.8.b.d.0.1.0.0.2.ip6.arpa."
        );
        assert_eq!(
            z("2001:db8:80:4000::/52").unwrap(),
            "4.0.8.0.0.8.b.d.0.1.0.0.2.ip6.arpa."
        );
        assert!(z("2000::/12").is_err());
    }

    #[test]
    fn hostnames_follow_rfc_1123() {
        assert_eq!(hostname("Mail.Example.com").unwrap(), "mail.example.com.");
        assert_eq!(hostname("mail.example.com.").unwrap(), "mail.example.com.");
        for bad in [
            "",
            "localhost",
            "a..b.com",
            "-a.example.com",
            "a-.example.com",
            "a_b.example.com",
            "mail.example.com\u{0}",
            "mail.example.com evil",
            "1.2.3.4",
            &format!("{}.com", "a".repeat(64)),
            &format!("{}.com", "a.".repeat(130)),
        ] {
            assert!(hostname(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn templates_fill_in_the_address_and_service() {
        assert_eq!(
            from_template("{ip-dashed}.static.example.net", v4("203.0.113.10"), "", 5).unwrap(),
            "203-0-113-10.static.example.net."
        );
        assert_eq!(
            from_template("{domain}", v4("203.0.113.10"), "vps5.example.net", 5).unwrap(),
            "vps5.example.net."
        );
        assert_eq!(
            from_template(
                "s{service}.{ip-dashed}.example.net",
                v4("2001:db8::1"),
                "",
                7
            )
            .unwrap(),
            "s7.2001-db8--1.example.net."
        );
        assert!(
            from_template("{domain}", v4("203.0.113.10"), "", 5).is_err(),
            "no domain: no PTR"
        );
    }
}
