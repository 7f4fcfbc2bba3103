//! Which addresses of a subnet are never handed out: reservation rules and exclusions.
//!
//! Follows NetBox's usable bounds: IPv4 network and broadcast are reserved except in /31 and
//! /32 (RFC 3021); the IPv6 subnet-router anycast address (`::` of the subnet) except in /127
//! and /128.

use super::addr::{Addr, Family};
use super::cidr::Cidr;
use super::range::AddrRange;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReservationRules {
    pub network: bool,
    pub broadcast: bool,
    pub gateway: bool,
    pub anycast: bool,
    pub first: u32,
    pub last: u32,
}

impl Default for ReservationRules {
    fn default() -> Self {
        ReservationRules {
            network: true,
            broadcast: true,
            gateway: true,
            anycast: true,
            first: 0,
            last: 0,
        }
    }
}

/// Why a range is blocked, shown to admins and stored with the range.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum BlockReason {
    Network,
    Broadcast,
    Gateway,
    Anycast,
    FirstN,
    LastN,
    Reserved,
    Excluded,
}

impl BlockReason {
    pub fn as_str(self) -> &'static str {
        match self {
            BlockReason::Network => "network",
            BlockReason::Broadcast => "broadcast",
            BlockReason::Gateway => "gateway",
            BlockReason::Anycast => "anycast",
            BlockReason::FirstN => "first",
            BlockReason::LastN => "last",
            BlockReason::Reserved => "reserved",
            BlockReason::Excluded => "excluded",
        }
    }

    /// Exclusions are addresses IP Manager does not manage; all else is "reserved".
    pub fn is_exclusion(self) -> bool {
        self == BlockReason::Excluded
    }
}

impl ReservationRules {
    /// Every blocked range of the subnet with its reason; ranges may overlap (a gateway that is
    /// also among the first N), callers merge when counting.
    pub fn blocked(
        &self,
        subnet: &Cidr,
        gateway: Option<Addr>,
        reserved: &[AddrRange],
        excluded: &[AddrRange],
    ) -> Vec<(AddrRange, BlockReason)> {
        let mut out = Vec::new();
        let range = subnet.range();
        let single = |v: u128| AddrRange {
            family: subnet.family(),
            start: v,
            end: v,
        };
        match subnet.family() {
            Family::V4 if subnet.prefix_len() <= 30 => {
                if self.network {
                    out.push((single(range.start), BlockReason::Network));
                }
                if self.broadcast {
                    out.push((single(range.end), BlockReason::Broadcast));
                }
            }
            Family::V6 if subnet.prefix_len() <= 126 && self.anycast => {
                out.push((single(range.start), BlockReason::Anycast));
            }
            _ => {}
        }
        if let (true, Some(gw)) = (self.gateway, gateway) {
            out.push((AddrRange::single(gw), BlockReason::Gateway));
        }
        let count = range.count();
        if self.first > 0 {
            let n = u128::from(self.first).min(count);
            out.push((
                AddrRange {
                    family: range.family,
                    start: range.start,
                    end: range.start + (n - 1),
                },
                BlockReason::FirstN,
            ));
        }
        if self.last > 0 {
            let n = u128::from(self.last).min(count);
            out.push((
                AddrRange {
                    family: range.family,
                    start: range.end - (n - 1),
                    end: range.end,
                },
                BlockReason::LastN,
            ));
        }
        out.extend(reserved.iter().map(|r| (*r, BlockReason::Reserved)));
        out.extend(excluded.iter().map(|r| (*r, BlockReason::Excluded)));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::net::range::merge;

    fn blocked(cidr: &str, rules: ReservationRules, gw: Option<&str>) -> Vec<String> {
        let subnet = Cidr::parse(cidr).unwrap();
        let gw = gw.map(|g| Addr::parse(g, "gw").unwrap());
        let ranges = rules
            .blocked(&subnet, gw, &[], &[])
            .into_iter()
            .map(|(r, _)| r)
            .collect();
        merge(ranges).iter().map(|r| r.to_string()).collect()
    }

    #[test]
    fn ipv4_network_broadcast_and_gateway() {
        let b = blocked(
            "192.0.2.0/24",
            ReservationRules::default(),
            Some("192.0.2.1"),
        );
        assert_eq!(b, ["192.0.2.0-192.0.2.1", "192.0.2.255"]);
    }

    #[test]
    fn slash_31_and_32_keep_every_address() {
        assert!(blocked("192.0.2.0/31", ReservationRules::default(), None).is_empty());
        assert!(blocked("192.0.2.7/32", ReservationRules::default(), None).is_empty());
        assert_eq!(
            blocked("192.0.2.0/30", ReservationRules::default(), None),
            ["192.0.2.0", "192.0.2.3"]
        );
    }

    #[test]
    fn ipv6_anycast_except_127_and_128() {
        assert_eq!(
            blocked("2001:db8::/64", ReservationRules::default(), None),
            ["2001:db8::"]
        );
        assert!(blocked("2001:db8::/127", ReservationRules::default(), None).is_empty());
        let no_anycast = ReservationRules {
            anycast: false,
            ..Default::default()
        };
        assert!(blocked("2001:db8::/64", no_anycast, None).is_empty());
    }

    #[test]
    fn first_and_last_n_are_clamped_to_the_subnet() {
        let rules = ReservationRules {
            first: 3,
            last: 2,
            ..Default::default()
        };
        assert_eq!(
            blocked("10.0.0.0/24", rules, None),
            ["10.0.0.0-10.0.0.2", "10.0.0.254-10.0.0.255"]
        );
        let huge = ReservationRules {
            first: 1000,
            network: false,
            broadcast: false,
            ..Default::default()
        };
        assert_eq!(blocked("10.0.0.0/30", huge, None), ["10.0.0.0-10.0.0.3"]);
    }
}
