//! Utilization as a page shows it: counts in the unit an admin thinks in (addresses for IPv4
//! and small IPv6 subnets, /64 prefixes for IPv6 subnets of /64 or larger, a pool's own unit
//! for its pool), written in full with thousands separators — never 4.2×10^20 addresses.

use crate::net::Amount;
use serde::Serialize;

/// The counts of a utilization, written out.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Shown {
    /// What the counts count, plural: "addresses", "/64 prefixes".
    pub unit: String,
    pub used: String,
    pub usable: String,
    pub assigned: String,
    pub reserved: String,
    pub quarantined: String,
    pub free: String,
}

/// How counts of addresses (or of a pool's units) are turned into what is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShowIn {
    /// The counts are shown as they are, in units of this prefix length (`None`: addresses).
    Units(Option<u8>),
    /// Counts of IPv6 addresses shown as /64 prefixes (2^64 addresses each).
    Slash64,
}

impl ShowIn {
    pub fn unit_name(self) -> String {
        match self {
            ShowIn::Units(None) => "addresses".into(),
            ShowIn::Units(Some(len)) => format!("/{len} prefixes"),
            ShowIn::Slash64 => "/64 prefixes".into(),
        }
    }

    pub fn count(self, amount: Amount) -> String {
        match self {
            ShowIn::Units(_) => grouped(&amount.to_string()),
            ShowIn::Slash64 => in_slash64(amount),
        }
    }
}

/// "1234567" as "1,234,567".
pub fn grouped(digits: &str) -> String {
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Addresses as /64 prefixes: whole prefixes grouped, a remainder rounded to two decimals
/// (so a /48 less its anycast address shows 65,536, not 65,535.99), and an amount below
/// one hundredth of a /64 as "<0.01" (never as 0 when something is there).
fn in_slash64(amount: Amount) -> String {
    if amount == Amount::ALL {
        return grouped(&(1u128 << 64).to_string());
    }
    let value = amount.get();
    let mut whole = value >> 64;
    let rest = value & u128::from(u64::MAX);
    // Hundredths of a /64, rounded to the nearest.
    let mut hundredths = (rest * 100 + (1 << 63)) >> 64;
    if hundredths == 100 {
        whole += 1;
        hundredths = 0;
    }
    match (whole, rest, hundredths) {
        (0, 0, _) => "0".into(),
        (0, _, 0) => "<0.01".into(),
        (_, _, 0) => grouped(&whole.to_string()),
        _ => format!("{}.{hundredths:02}", grouped(&whole.to_string()))
            .trim_end_matches('0')
            .to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_are_written_in_full_with_separators() {
        assert_eq!(grouped("0"), "0");
        assert_eq!(grouped("999"), "999");
        assert_eq!(grouped("1000"), "1,000");
        assert_eq!(grouped("65536"), "65,536");
        assert_eq!(
            grouped("18446744073709551616"),
            "18,446,744,073,709,551,616"
        );
    }

    #[test]
    fn ipv6_addresses_are_shown_as_slash64_prefixes() {
        let slash64 = |n: u128| Amount::new(n << 64);
        let show = ShowIn::Slash64;
        assert_eq!(show.count(Amount::ZERO), "0");
        assert_eq!(show.count(slash64(65_536)), "65,536");
        assert_eq!(
            show.count(Amount::new(1)),
            "<0.01",
            "one address is not nothing"
        );
        assert_eq!(show.count(Amount::new((1 << 64) + (1 << 63))), "1.5");
        assert_eq!(show.count(Amount::new((3 << 64) + (1 << 62))), "3.25");
        assert_eq!(
            show.count(Amount::new((65_536 << 64) - 1)),
            "65,536",
            "a /48 less one address rounds to its /64s"
        );
        assert_eq!(show.count(Amount::ALL), "18,446,744,073,709,551,616");
        assert_eq!(show.unit_name(), "/64 prefixes");
        assert_eq!(ShowIn::Units(Some(29)).unit_name(), "/29 prefixes");
        assert_eq!(ShowIn::Units(None).count(Amount::new(254)), "254");
    }
}
