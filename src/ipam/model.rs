//! Subnets, pools and address rows as stored, and how they are read back.

use crate::error::{Error, Result};
use crate::net::range::AddrRange;
use crate::net::rules::BlockReason;
use crate::net::{Addr, Amount, Cidr, Family, ReservationRules};
use mysql::Row;
use mysql::prelude::FromValue;

pub const SUBNET_COLUMNS: &str = "id, name, family, network, prefix_len, parent_id, gateway, vlan, \
    description, stored, rules_json, reserved_text, excluded_text, \
    CAST(assigned_count AS CHAR) AS assigned_count, CAST(reserved_count AS CHAR) AS reserved_count";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subnet {
    pub id: u64,
    pub name: String,
    pub cidr: Cidr,
    pub parent_id: Option<u64>,
    pub gateway: Option<Addr>,
    pub vlan: Option<u16>,
    pub description: String,
    pub stored: bool,
    pub rules: ReservationRules,
    pub reserved_text: String,
    pub excluded_text: String,
    /// Addresses assigned or releasing (up to 2^128 in an IPv6 /0).
    pub assigned_count: Amount,
    /// Addresses reserved or quarantined.
    pub reserved_count: Amount,
}

impl Subnet {
    pub fn from_row(mut row: Row) -> Result<Subnet> {
        Subnet::from_row_ref(&mut row)
    }

    pub fn from_row_ref(row: &mut Row) -> Result<Subnet> {
        let family: u8 = take(row, "family")?;
        let family = Family::from_number(family).ok_or_else(|| {
            Error::Internal(format!("Stored subnet has unknown family {family}."))
        })?;
        let network = Addr::from_bytes(&take::<Vec<u8>>(row, "network")?)?;
        let rules_json: String = take(row, "rules_json")?;
        let rules = serde_json::from_str(&rules_json).map_err(|e| {
            Error::Internal(format!("Stored reservation rules are unreadable: {e}."))
        })?;
        let subnet = Subnet {
            id: take(row, "id")?,
            name: take(row, "name")?,
            cidr: Cidr::stored(network, take(row, "prefix_len")?)?,
            parent_id: take(row, "parent_id")?,
            gateway: take::<Option<Vec<u8>>>(row, "gateway")?
                .map(|b| Addr::from_bytes(&b))
                .transpose()?,
            vlan: take(row, "vlan")?,
            description: take(row, "description")?,
            stored: take::<u8>(row, "stored")? == 1,
            rules,
            reserved_text: take(row, "reserved_text")?,
            excluded_text: take(row, "excluded_text")?,
            assigned_count: amount(&take::<String>(row, "assigned_count")?)?,
            reserved_count: amount(&take::<String>(row, "reserved_count")?)?,
        };
        if subnet.cidr.network() != network || network.family != family {
            return Err(Error::Internal(format!(
                "Stored subnet {} is not normalised.",
                subnet.id
            )));
        }
        Ok(subnet)
    }

    pub fn family(&self) -> Family {
        self.cidr.family()
    }

    /// Ranges the admin typed, parsed again (they were validated when saved).
    pub fn reserved_ranges(&self) -> Vec<AddrRange> {
        AddrRange::parse_list(&self.reserved_text, &self.cidr, "Reserved address")
            .unwrap_or_default()
    }

    pub fn excluded_ranges(&self) -> Vec<AddrRange> {
        AddrRange::parse_list(&self.excluded_text, &self.cidr, "Excluded address")
            .unwrap_or_default()
    }

    /// What the subnet's own rules keep from being handed out (child subnets aside).
    pub fn rule_blocked(&self) -> Vec<(AddrRange, BlockReason)> {
        self.rules.blocked(
            &self.cidr,
            self.gateway,
            &self.reserved_ranges(),
            &self.excluded_ranges(),
        )
    }
}

pub const POOL_COLUMNS: &str = "id, subnet_id, name, range_start, range_end, unit_prefix_len, \
    description, CAST(assigned_count AS CHAR) AS assigned_count";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pool {
    pub id: u64,
    pub subnet_id: u64,
    pub name: String,
    pub range: AddrRange,
    /// The prefix length handed out: the family's full length for single addresses.
    pub unit_prefix_len: u8,
    pub description: String,
    pub assigned_count: u128,
}

impl Pool {
    pub fn from_row(mut row: Row) -> Result<Pool> {
        Pool::from_row_prefixed(&mut row, "")
    }

    /// Reads a pool whose columns carry `prefix` (e.g. "p_" in a join with its subnet).
    pub fn from_row_prefixed(row: &mut Row, prefix: &str) -> Result<Pool> {
        let col = |name: &str| format!("{prefix}{name}");
        let start = Addr::from_bytes(&take::<Vec<u8>>(row, &col("range_start"))?)?;
        let end = Addr::from_bytes(&take::<Vec<u8>>(row, &col("range_end"))?)?;
        Ok(Pool {
            id: take(row, &col("id"))?,
            subnet_id: take(row, &col("subnet_id"))?,
            name: take(row, &col("name"))?,
            range: AddrRange::new(start, end),
            unit_prefix_len: take(row, &col("unit_prefix_len"))?,
            description: take(row, &col("description"))?,
            assigned_count: decimal(&take::<String>(row, &col("assigned_count"))?)?,
        })
    }

    pub fn family(&self) -> Family {
        self.range.family
    }

    pub fn hands_out_prefixes(&self) -> bool {
        self.unit_prefix_len < self.family().bits()
    }

    pub fn unit_host_bits(&self) -> u8 {
        self.family().bits() - self.unit_prefix_len
    }
}

/// The five states of an address row. Free rows are a stored subnet's free addresses, or a
/// sparse subnet's free blocks (see `space`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum State {
    Free,
    Reserved,
    Assigned,
    Releasing,
    Quarantined,
}

impl State {
    pub const ALL: [State; 5] = [
        State::Free,
        State::Reserved,
        State::Assigned,
        State::Releasing,
        State::Quarantined,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            State::Free => "free",
            State::Reserved => "reserved",
            State::Assigned => "assigned",
            State::Releasing => "releasing",
            State::Quarantined => "quarantined",
        }
    }

    pub fn parse(text: &str) -> Result<State> {
        State::ALL
            .into_iter()
            .find(|s| s.as_str() == text.trim())
            .ok_or_else(|| {
                Error::invalid(format!(
                    "State '{}' is not known; use one of free, reserved, assigned, releasing, quarantined.",
                    text.trim()
                ))
            })
    }

    /// Counted as "assigned" in utilization: a releasing address may still be on a server.
    pub fn counts_as_assigned(self) -> bool {
        matches!(self, State::Assigned | State::Releasing)
    }
}

/// Reads a named column; a missing or mistyped column is a bug, not user input.
pub fn take<T: FromValue>(row: &mut Row, column: &str) -> Result<T> {
    row.take_opt::<T, _>(column)
        .ok_or_else(|| {
            Error::Internal(format!("Column '{column}' is missing from a query result."))
        })?
        .map_err(|e| Error::Internal(format!("Column '{column}' has an unexpected value: {e}.")))
}

/// DECIMAL(39,0) read as text.
pub fn decimal(text: &str) -> Result<u128> {
    text.trim()
        .parse::<u128>()
        .map_err(|_| Error::Internal(format!("A stored count '{text}' is not a whole number.")))
}

/// A count of addresses as text (DECIMAL(39,0), up to 2^128).
pub fn amount(text: &str) -> Result<Amount> {
    Amount::parse(text)
        .ok_or_else(|| Error::Internal(format!("A stored count '{text}' is not a whole number.")))
}

/// A row's size as text: 2^128 (a free block of the whole IPv6 space) does not fit a u128
/// and is read as u128::MAX; no held row is that large.
pub fn size(text: &str) -> Result<u128> {
    if text.trim() == "340282366920938463463374607431768211456" {
        return Ok(u128::MAX);
    }
    decimal(text)
}
