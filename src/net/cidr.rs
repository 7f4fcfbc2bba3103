//! A subnet in CIDR form, parsed strictly and normalised.

use super::addr::{Addr, Family};
use super::range::AddrRange;
use crate::error::{Error, Result};
use ipnet::IpNet;
use std::fmt;

/// A network: its first address (host bits clear) and a prefix length that exists for its
/// family. The fields are private so that no other shape can be built.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Cidr {
    network: Addr,
    prefix_len: u8,
}

impl Cidr {
    /// Parses `a.b.c.d/n` or `x::/n`. Host bits set are refused, naming the network meant.
    pub fn parse(text: &str) -> Result<Cidr> {
        let trimmed = text.trim();
        let Some((addr_text, len_text)) = trimmed.split_once('/') else {
            return Err(Error::invalid(format!(
                "'{trimmed}' is not in CIDR form: write the network and prefix length, e.g. 192.0.2.0/24 or 2001:db8::/48."
            )));
        };
        let addr = Addr::parse(addr_text, "Network address")?;
        let bits = addr.family.bits();
        let prefix_len: u8 = len_text
            .trim()
            .parse()
            .ok()
            .filter(|n| *n <= bits)
            .ok_or_else(|| {
                Error::invalid(format!(
                    "Prefix length '/{}' is out of range: an {} prefix length is 0 to {bits}.",
                    len_text.trim(),
                    family_name(addr.family)
                ))
            })?;
        let cidr = Cidr::containing(addr, prefix_len)?;
        if cidr.network != addr {
            return Err(Error::invalid(format!(
                "{trimmed} has host bits set; did you mean {cidr}?"
            )));
        }
        Ok(cidr)
    }

    /// The network containing `addr` at `prefix_len` (host bits cleared); refuses a prefix
    /// length longer than the family has.
    pub fn containing(addr: Addr, prefix_len: u8) -> Result<Cidr> {
        if prefix_len > addr.family.bits() {
            return Err(Error::invalid(format!(
                "Prefix length /{prefix_len} does not exist for {}: it is 0 to {}.",
                family_name(addr.family),
                addr.family.bits()
            )));
        }
        let mask = mask(addr.family, prefix_len);
        Ok(Cidr {
            network: Addr::new(addr.family, addr.value & mask),
            prefix_len,
        })
    }

    /// A single address as a network of one (/32 or /128).
    pub fn host(addr: Addr) -> Cidr {
        Cidr {
            network: addr,
            prefix_len: addr.family.bits(),
        }
    }

    /// A network read back from storage: a prefix length that cannot exist there means the
    /// row is damaged.
    pub fn stored(addr: Addr, prefix_len: u8) -> Result<Cidr> {
        Cidr::containing(addr, prefix_len).map_err(|_| {
            Error::Internal(format!(
                "A stored network {addr}/{prefix_len} has an impossible prefix length; the row is damaged."
            ))
        })
    }

    pub fn network(&self) -> Addr {
        self.network
    }

    pub fn prefix_len(&self) -> u8 {
        self.prefix_len
    }

    pub fn family(&self) -> Family {
        self.network.family
    }

    pub fn host_bits(&self) -> u8 {
        self.family().bits() - self.prefix_len
    }

    /// Number of addresses; `None` only for the whole IPv6 space (2^128).
    pub fn size(&self) -> Option<u128> {
        1u128.checked_shl(u32::from(self.host_bits()))
    }

    pub fn last(&self) -> Addr {
        let host_mask = !mask(self.family(), self.prefix_len) & self.family().max_value();
        Addr::new(self.family(), self.network.value | host_mask)
    }

    pub fn range(&self) -> AddrRange {
        AddrRange::new(self.network, self.last())
    }

    pub fn contains(&self, addr: Addr) -> bool {
        addr.family == self.family() && self.range().contains(addr.value)
    }

    pub fn contains_cidr(&self, other: &Cidr) -> bool {
        other.family() == self.family()
            && other.prefix_len >= self.prefix_len
            && self.contains(other.network)
    }

    pub fn overlaps(&self, other: &Cidr) -> bool {
        self.contains_cidr(other) || other.contains_cidr(self)
    }

    /// How an allocation unit is written: "192.0.2.5" for a single address,
    /// "2001:db8:1::/64" for a prefix.
    pub fn unit_text(&self) -> String {
        if self.prefix_len == self.family().bits() {
            self.network.to_string()
        } else {
            self.to_string()
        }
    }

    pub fn to_ipnet(&self) -> Option<IpNet> {
        IpNet::new(self.network.to_ip(), self.prefix_len).ok()
    }
}

impl fmt::Display for Cidr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.network, self.prefix_len)
    }
}

impl From<IpNet> for Cidr {
    fn from(net: IpNet) -> Cidr {
        // ipnet guarantees a valid prefix length for the family.
        Cidr {
            network: Addr::from(net.network()),
            prefix_len: net.prefix_len(),
        }
    }
}

pub fn family_name(family: Family) -> &'static str {
    match family {
        Family::V4 => "IPv4",
        Family::V6 => "IPv6",
    }
}

/// The network mask of `prefix_len` bits for the family, as a u128 value (a prefix length
/// beyond the family's is treated as the full length).
fn mask(family: Family, prefix_len: u8) -> u128 {
    let bits = u32::from(family.bits());
    let host = bits.saturating_sub(u32::from(prefix_len));
    let all = family.max_value();
    match 1u128.checked_shl(host) {
        Some(block) => all & !(block - 1),
        None => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_normalises_both_families() {
        let v4 = Cidr::parse(" 95.90.94.0/24 ").unwrap();
        assert_eq!(v4.to_string(), "95.90.94.0/24");
        assert_eq!(v4.size(), Some(256));
        assert_eq!(v4.last().to_string(), "95.90.94.255");
        let v6 = Cidr::parse("2001:DB8:0::/48").unwrap();
        assert_eq!(v6.to_string(), "2001:db8::/48");
        assert_eq!(v6.last().to_string(), "2001:db8:0:ffff:ffff:ffff:ffff:ffff");
        assert_eq!(Cidr::parse("::/0").unwrap().size(), None);
        assert_eq!(Cidr::parse("0.0.0.0/0").unwrap().size(), Some(1 << 32));
    }

    #[test]
    fn host_bits_name_the_network_that_was_meant() {
        let msg = Cidr::parse("10.1.2.3/16").unwrap_err().to_string();
        assert_eq!(
            msg,
            "10.1.2.3/16 has host bits set; did you mean 10.1.0.0/16?"
        );
        let msg = Cidr::parse("2001:db8::1/64").unwrap_err().to_string();
        assert!(msg.contains("did you mean 2001:db8::/64?"), "{msg}");
    }

    #[test]
    fn bad_forms_and_prefix_lengths_are_refused() {
        assert!(
            Cidr::parse("10.0.0.0")
                .unwrap_err()
                .to_string()
                .contains("CIDR form")
        );
        assert!(
            Cidr::parse("10.0.0.0/33")
                .unwrap_err()
                .to_string()
                .contains("0 to 32")
        );
        assert!(
            Cidr::parse("2001:db8::/129")
                .unwrap_err()
                .to_string()
                .contains("0 to 128")
        );
        assert!(Cidr::parse("10.0.0.0/-1").is_err());
        assert!(
            Cidr::parse("banana/24")
                .unwrap_err()
                .to_string()
                .contains("'banana'")
        );
    }

    #[test]
    fn a_prefix_length_beyond_the_family_cannot_be_built() {
        let v4 = Addr::parse("10.0.0.0", "a").unwrap();
        assert!(Cidr::containing(v4, 33).is_err());
        assert!(
            Cidr::stored(v4, 200)
                .unwrap_err()
                .to_string()
                .contains("damaged")
        );
        assert_eq!(Cidr::containing(v4, 0).unwrap().to_string(), "0.0.0.0/0");
        let v6 = Addr::parse("2001:db8::1", "a").unwrap();
        assert_eq!(Cidr::host(v6).prefix_len(), 128);
        assert_eq!(Cidr::containing(v6, 0).unwrap().size(), None);
    }

    #[test]
    fn containment_and_overlap() {
        let parent = Cidr::parse("10.0.0.0/16").unwrap();
        let child = Cidr::parse("10.0.5.0/24").unwrap();
        let other = Cidr::parse("10.1.0.0/24").unwrap();
        assert!(parent.contains_cidr(&child) && !child.contains_cidr(&parent));
        assert!(parent.overlaps(&child) && child.overlaps(&parent));
        assert!(!parent.overlaps(&other));
        let v6 = Cidr::parse("::/0").unwrap();
        assert!(!v6.overlaps(&parent), "families never overlap");
    }
}

/// The dotted IPv4 netmask of a prefix length (`24` → `255.255.255.0`); lengths over 32
/// count as 32.
pub fn ipv4_netmask(prefix_len: u8) -> String {
    let len = u32::from(prefix_len.min(32));
    let mask = u32::MAX.checked_shl(32 - len).unwrap_or(0);
    std::net::Ipv4Addr::from(mask).to_string()
}

#[cfg(test)]
mod netmask_tests {
    #[test]
    fn netmasks_of_every_edge() {
        assert_eq!(super::ipv4_netmask(0), "0.0.0.0");
        assert_eq!(super::ipv4_netmask(24), "255.255.255.0");
        assert_eq!(super::ipv4_netmask(32), "255.255.255.255");
        assert_eq!(super::ipv4_netmask(99), "255.255.255.255");
    }
}
