//! Usable, assigned, reserved and free counts of subnets and pools, read from the counters
//! kept with every state change (never by counting rows, so it stays fast at any size).

use super::busy;
use super::gaps::unit_size;
use super::model::{Pool, Subnet, decimal};
use crate::net::AddrRange;
use crate::net::range::merge;
use crate::store::Outcome;
use mysql::params;
use mysql::prelude::Queryable;
use serde::{Serialize, Serializer};

/// A count that may exceed PHP's integer range (IPv6): a number when it fits, else a string.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Count(pub u128);

impl Serialize for Count {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match i64::try_from(self.0) {
            Ok(n) => s.serialize_i64(n),
            Err(_) => s.serialize_str(&self.0.to_string()),
        }
    }
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Utilization {
    /// "address" or "/64" etc.: what the counts count.
    pub unit: String,
    pub total: Count,
    pub usable: Count,
    pub assigned: Count,
    pub reserved: Count,
    pub free: Count,
    /// (assigned + reserved) / usable, 0–100, one decimal.
    pub percent: f64,
}

fn utilization(
    unit: String,
    total: u128,
    usable: u128,
    assigned: u128,
    reserved: u128,
) -> Utilization {
    let used = assigned.saturating_add(reserved);
    let percent = if usable == 0 {
        100.0
    } else {
        ((used as f64 / usable as f64) * 1000.0).round() / 10.0
    };
    Utilization {
        unit,
        total: Count(total),
        usable: Count(usable),
        assigned: Count(assigned),
        reserved: Count(reserved),
        free: Count(usable.saturating_sub(used)),
        percent: percent.min(100.0),
    }
}

pub fn of_subnet(q: &mut impl Queryable, subnet: &Subnet) -> Outcome<Utilization> {
    let total = subnet.cidr.size().unwrap_or(u128::MAX);
    let statics = busy::static_intervals(q, subnet)?;
    let blocked: u128 = merged(&statics, subnet.cidr.range())
        .iter()
        .map(AddrRange::count)
        .sum();
    let expired = expired_quarantine(q, "subnet_id", subnet.id)?;
    Ok(utilization(
        "address".into(),
        total,
        total.saturating_sub(blocked),
        subnet.assigned_count,
        subnet.reserved_count.saturating_sub(expired),
    ))
}

pub fn of_pool(q: &mut impl Queryable, subnet: &Subnet, pool: &Pool) -> Outcome<Utilization> {
    let range = busy::clip(pool.range, subnet);
    let host_bits = pool.unit_host_bits();
    let size = unit_size(host_bits).unwrap_or(u128::MAX);
    let first_unit = range.start.div_ceil(size);
    let end_units = if range.end == u128::MAX {
        u128::MAX / size
    } else {
        (range.end + 1) / size
    };
    let total = end_units.saturating_sub(first_unit);
    // Units touched by blocked ranges or child subnets, each counted once.
    let statics = busy::static_intervals(q, subnet)?;
    let mut blocked = 0u128;
    let mut last_counted: Option<u128> = None;
    for r in merged(&statics, range) {
        let lo = (r.start / size).max(first_unit);
        let hi = (r.end / size).min(end_units.saturating_sub(1));
        if hi < lo {
            continue;
        }
        let lo = match last_counted {
            Some(prev) if prev >= lo => prev + 1,
            _ => lo,
        };
        if hi >= lo {
            blocked += hi - lo + 1;
            last_counted = Some(hi);
        }
    }
    let reserved: Option<u64> = q.exec_first(
        "SELECT COUNT(*) FROM mod_ipmanager_addresses WHERE subnet_id = :s AND blocked = 0 AND address BETWEEN :lo AND :hi \
         AND (state = 'reserved' OR (state = 'quarantined' AND quarantine_until > UTC_TIMESTAMP()))",
        params! {"s" => subnet.id, "lo" => range.first().to_bytes(), "hi" => range.last().to_bytes()},
    )?;
    let unit = if host_bits == 0 {
        "address".to_string()
    } else {
        format!("/{}", pool.unit_prefix_len)
    };
    Ok(utilization(
        unit,
        total,
        total.saturating_sub(blocked),
        pool.assigned_count,
        u128::from(reserved.unwrap_or(0)),
    ))
}

fn merged(statics: &[(u128, u128)], within: AddrRange) -> Vec<AddrRange> {
    merge(
        statics
            .iter()
            .filter(|(s, e)| *e >= within.start && *s <= within.end)
            .map(|(s, e)| AddrRange {
                family: within.family,
                start: (*s).max(within.start),
                end: (*e).min(within.end),
            })
            .collect(),
    )
}

/// Addresses counted as reserved whose quarantine has run out (they are free again).
fn expired_quarantine(q: &mut impl Queryable, column: &str, id: u64) -> Outcome<u128> {
    let sum: Option<Option<String>> = q.exec_first(
        format!(
            "SELECT CAST(SUM(size) AS CHAR) FROM mod_ipmanager_addresses WHERE state = 'quarantined' \
             AND quarantine_until <= UTC_TIMESTAMP() AND blocked = 0 AND {column} = :id"
        ),
        params! {"id" => id},
    )?;
    match sum.flatten() {
        Some(text) => decimal(&text).map_err(Into::into),
        None => Ok(0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_beyond_php_integers_become_strings() {
        assert_eq!(serde_json::to_string(&Count(5)).unwrap(), "5");
        assert_eq!(
            serde_json::to_string(&Count(1u128 << 80)).unwrap(),
            "\"1208925819614629174706176\""
        );
    }

    #[test]
    fn percent_is_rounded_and_empty_subnets_are_full() {
        let u = utilization("address".into(), 256, 253, 100, 1);
        assert_eq!(u.free, Count(152));
        assert_eq!(u.percent, 39.9);
        assert_eq!(utilization("address".into(), 1, 0, 0, 0).percent, 100.0);
    }
}
