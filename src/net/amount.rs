//! Numbers of addresses or units from 0 to 2^128: the whole IPv6 space holds one address
//! more than a u128 can count.

use serde::{Serialize, Serializer};
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default, Hash)]
pub struct Amount {
    /// 2^128 exactly (then `value` is 0).
    all: bool,
    value: u128,
}

const TWO_POW_128: &str = "340282366920938463463374607431768211456";

impl Amount {
    pub const ZERO: Amount = Amount {
        all: false,
        value: 0,
    };
    /// 2^128: every IPv6 address.
    pub const ALL: Amount = Amount {
        all: true,
        value: 0,
    };

    pub fn new(value: u128) -> Amount {
        Amount { all: false, value }
    }

    /// A size as `Cidr::size` gives it (`None` for the whole IPv6 space).
    pub fn of_size(size: Option<u128>) -> Amount {
        size.map_or(Amount::ALL, Amount::new)
    }

    /// DECIMAL text from the database.
    pub fn parse(text: &str) -> Option<Amount> {
        let text = text.trim();
        if text == TWO_POW_128 {
            return Some(Amount::ALL);
        }
        text.parse::<u128>().ok().map(Amount::new)
    }

    /// The value, or u128::MAX for 2^128.
    pub fn get(self) -> u128 {
        if self.all { u128::MAX } else { self.value }
    }

    pub fn saturating_add(self, other: Amount) -> Amount {
        if self.all || other.all {
            return Amount::ALL;
        }
        match self.value.checked_add(other.value) {
            Some(v) => Amount::new(v),
            // The sum of two u128 parts reaches 2^128 at most as a count of addresses.
            None => Amount::ALL,
        }
    }

    pub fn saturating_sub(self, other: Amount) -> Amount {
        match (self.all, other.all) {
            (_, true) => Amount::ZERO,
            (true, false) if other.value == 0 => Amount::ALL,
            // 2^128 - v = (u128::MAX - v) + 1, which fits since v > 0.
            (true, false) => Amount::new(u128::MAX - other.value + 1),
            (false, false) => Amount::new(self.value.saturating_sub(other.value)),
        }
    }

    /// `self / other` as a fraction (for percentages).
    pub fn ratio(self, other: Amount) -> f64 {
        let as_f64 = |a: Amount| {
            if a.all {
                2f64.powi(128)
            } else {
                a.value as f64
            }
        };
        if as_f64(other) == 0.0 {
            return 0.0;
        }
        as_f64(self) / as_f64(other)
    }
}

impl fmt::Display for Amount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.all {
            f.write_str(TWO_POW_128)
        } else {
            write!(f, "{}", self.value)
        }
    }
}

/// A number when it fits PHP's integers, else a decimal string.
impl Serialize for Amount {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match (self.all, i64::try_from(self.value)) {
            (false, Ok(n)) => s.serialize_i64(n),
            _ => s.serialize_str(&self.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Amount;

    #[test]
    fn the_whole_ipv6_space_is_counted_exactly() {
        let all = Amount::of_size(None);
        assert_eq!(all.to_string(), "340282366920938463463374607431768211456");
        assert_eq!(all.saturating_sub(Amount::new(1)).get(), u128::MAX);
        assert_eq!(
            Amount::new(u128::MAX).saturating_add(Amount::new(1)),
            Amount::ALL
        );
        assert_eq!(
            Amount::parse("340282366920938463463374607431768211456"),
            Some(Amount::ALL)
        );
        assert_eq!(serde_json::to_string(&Amount::new(5)).unwrap(), "5");
        assert_eq!(
            serde_json::to_string(&Amount::new(1u128 << 80)).unwrap(),
            "\"1208925819614629174706176\""
        );
        assert_eq!(Amount::new(1).ratio(Amount::new(4)), 0.25);
    }
}
