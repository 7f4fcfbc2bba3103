//! One address of either family, with arithmetic and its storage form.

use crate::error::{Error, Result};
use serde::Serialize;
use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Family {
    V4,
    V6,
}

impl Family {
    pub fn bits(self) -> u8 {
        match self {
            Family::V4 => 32,
            Family::V6 => 128,
        }
    }

    pub fn number(self) -> u8 {
        match self {
            Family::V4 => 4,
            Family::V6 => 6,
        }
    }

    pub fn from_number(n: u8) -> Option<Family> {
        match n {
            4 => Some(Family::V4),
            6 => Some(Family::V6),
            _ => None,
        }
    }

    /// The highest address value of the family.
    pub fn max_value(self) -> u128 {
        match self {
            Family::V4 => u128::from(u32::MAX),
            Family::V6 => u128::MAX,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Addr {
    pub family: Family,
    pub value: u128,
}

impl Addr {
    pub fn new(family: Family, value: u128) -> Addr {
        Addr { family, value }
    }

    /// Parses one address; `what` names it in the message ("gateway", "excluded address").
    pub fn parse(text: &str, what: &str) -> Result<Addr> {
        let trimmed = text.trim();
        trimmed.parse::<IpAddr>().map(Addr::from).map_err(|_| {
            Error::invalid(format!(
                "{what} '{trimmed}' is not an IPv4 or IPv6 address."
            ))
        })
    }

    /// Network-order bytes: 4 for IPv4, 16 for IPv6 (what the database stores).
    pub fn to_bytes(self) -> Vec<u8> {
        match self.family {
            Family::V4 => (self.value as u32).to_be_bytes().to_vec(),
            Family::V6 => self.value.to_be_bytes().to_vec(),
        }
    }

    pub fn from_bytes(bytes: &[u8]) -> Result<Addr> {
        match bytes.len() {
            4 => {
                let mut b = [0u8; 4];
                b.copy_from_slice(bytes);
                Ok(Addr::new(Family::V4, u128::from(u32::from_be_bytes(b))))
            }
            16 => {
                let mut b = [0u8; 16];
                b.copy_from_slice(bytes);
                Ok(Addr::new(Family::V6, u128::from_be_bytes(b)))
            }
            n => Err(Error::Internal(format!(
                "A stored address has {n} bytes (expected 4 or 16); the database row is damaged."
            ))),
        }
    }

    pub fn to_ip(self) -> IpAddr {
        match self.family {
            Family::V4 => IpAddr::V4(Ipv4Addr::from(self.value as u32)),
            Family::V6 => IpAddr::V6(Ipv6Addr::from(self.value)),
        }
    }

    /// The next address, if the family has one.
    pub fn checked_add(self, n: u128) -> Option<Addr> {
        self.value
            .checked_add(n)
            .filter(|v| *v <= self.family.max_value())
            .map(|value| Addr { value, ..self })
    }
}

impl From<IpAddr> for Addr {
    fn from(ip: IpAddr) -> Addr {
        match ip {
            IpAddr::V4(v4) => Addr::new(Family::V4, u128::from(u32::from(v4))),
            IpAddr::V6(v6) => Addr::new(Family::V6, u128::from(v6)),
        }
    }
}

impl fmt::Display for Addr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.to_ip().fmt(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_round_trip_and_sort_like_numbers() {
        for text in [
            "0.0.0.0",
            "10.0.0.255",
            "255.255.255.255",
            "::",
            "2001:db8::1",
            "ffff::",
        ] {
            let a = Addr::parse(text, "address").unwrap();
            assert_eq!(Addr::from_bytes(&a.to_bytes()).unwrap(), a);
            assert_eq!(a.to_string(), text);
        }
        let lo = Addr::parse("10.0.0.255", "a").unwrap().to_bytes();
        let hi = Addr::parse("10.0.1.0", "a").unwrap().to_bytes();
        assert!(lo < hi);
    }

    #[test]
    fn ipv6_is_normalised_and_ipv4_cannot_overflow() {
        assert_eq!(
            Addr::parse(" 2001:DB8:0:0::0001 ", "a")
                .unwrap()
                .to_string(),
            "2001:db8::1"
        );
        let top = Addr::parse("255.255.255.255", "a").unwrap();
        assert_eq!(top.checked_add(1), None);
        let msg = Addr::parse("10.0.0.256", "gateway")
            .unwrap_err()
            .to_string();
        assert!(msg.contains("gateway '10.0.0.256'"), "{msg}");
    }
}
