//! Inclusive address ranges, and the `a` / `a-b` list syntax admins type.

use super::addr::{Addr, Family};
use super::cidr::Cidr;
use crate::error::{Error, Result};
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct AddrRange {
    pub family: Family,
    pub start: u128,
    pub end: u128,
}

impl AddrRange {
    /// `start..=end`; callers guarantee `start <= end` and one family.
    pub fn new(start: Addr, end: Addr) -> AddrRange {
        AddrRange {
            family: start.family,
            start: start.value,
            end: end.value,
        }
    }

    pub fn single(addr: Addr) -> AddrRange {
        AddrRange::new(addr, addr)
    }

    pub fn first(&self) -> Addr {
        Addr::new(self.family, self.start)
    }

    pub fn last(&self) -> Addr {
        Addr::new(self.family, self.end)
    }

    pub fn contains(&self, value: u128) -> bool {
        self.start <= value && value <= self.end
    }

    pub fn overlaps(&self, other: &AddrRange) -> bool {
        self.family == other.family && self.start <= other.end && other.start <= self.end
    }

    /// Number of addresses; saturates at u128::MAX for the whole IPv6 space.
    pub fn count(&self) -> u128 {
        (self.end - self.start).saturating_add(1)
    }

    /// Parses one `a` or `a-b` item that must lie inside `subnet`.
    pub fn parse_within(text: &str, subnet: &Cidr, what: &str) -> Result<AddrRange> {
        let item = text.trim();
        let (a, b) = match item.split_once('-') {
            Some((a, b)) => (Addr::parse(a, what)?, Addr::parse(b, what)?),
            None => {
                let a = Addr::parse(item, what)?;
                (a, a)
            }
        };
        for addr in [a, b] {
            if !subnet.contains(addr) {
                return Err(Error::invalid(format!(
                    "{what} {addr} is outside the subnet {subnet}."
                )));
            }
        }
        if a.value > b.value {
            return Err(Error::invalid(format!(
                "{what} range {a}-{b} runs backwards; write the lower address first ({b}-{a})."
            )));
        }
        Ok(AddrRange::new(a, b))
    }

    /// Parses a list separated by commas, spaces or new lines.
    pub fn parse_list(text: &str, subnet: &Cidr, what: &str) -> Result<Vec<AddrRange>> {
        let mut ranges = text
            .split([',', '\n', '\r', ' ', '\t', ';'])
            .filter(|s| !s.trim().is_empty())
            .map(|item| AddrRange::parse_within(item, subnet, what))
            .collect::<Result<Vec<_>>>()?;
        ranges.sort();
        Ok(merge(ranges))
    }
}

/// Sorts and merges overlapping or adjacent ranges.
pub fn merge(mut ranges: Vec<AddrRange>) -> Vec<AddrRange> {
    ranges.sort();
    let mut merged: Vec<AddrRange> = Vec::with_capacity(ranges.len());
    for r in ranges {
        match merged.last_mut() {
            Some(last) if last.family == r.family && r.start <= last.end.saturating_add(1) => {
                last.end = last.end.max(r.end);
            }
            _ => merged.push(r),
        }
    }
    merged
}

impl fmt::Display for AddrRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.start == self.end {
            write!(f, "{}", self.first())
        } else {
            write!(f, "{}-{}", self.first(), self.last())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn net(s: &str) -> Cidr {
        Cidr::parse(s).unwrap()
    }

    #[test]
    fn lists_accept_singles_and_ranges_and_merge_them() {
        let ranges = AddrRange::parse_list(
            "10.0.0.5, 10.0.0.10-10.0.0.12\n10.0.0.6 10.0.0.13",
            &net("10.0.0.0/24"),
            "Excluded address",
        )
        .unwrap();
        let shown: Vec<String> = ranges.iter().map(|r| r.to_string()).collect();
        assert_eq!(shown, ["10.0.0.5-10.0.0.6", "10.0.0.10-10.0.0.13"]);
        assert_eq!(ranges[1].count(), 4);
    }

    #[test]
    fn outside_backwards_and_mixed_family_items_are_refused() {
        let subnet = net("10.0.0.0/24");
        let msg = AddrRange::parse_list("10.0.1.1", &subnet, "Excluded address")
            .unwrap_err()
            .to_string();
        assert_eq!(
            msg,
            "Excluded address 10.0.1.1 is outside the subnet 10.0.0.0/24."
        );
        let msg = AddrRange::parse_list("10.0.0.9-10.0.0.3", &subnet, "Excluded address")
            .unwrap_err()
            .to_string();
        assert!(
            msg.contains("runs backwards") && msg.contains("10.0.0.3-10.0.0.9"),
            "{msg}"
        );
        assert!(AddrRange::parse_list("2001:db8::1", &subnet, "Excluded address").is_err());
    }

    #[test]
    fn ipv6_ranges_count_without_overflow() {
        let whole = net("::/0").range();
        assert_eq!(whole.count(), u128::MAX);
        let r =
            AddrRange::parse_within("2001:db8::-2001:db8::ff", &net("2001:db8::/64"), "r").unwrap();
        assert_eq!(r.count(), 256);
    }
}
