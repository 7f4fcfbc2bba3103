//! Usable, assigned, reserved and free counts of subnets and pools. Assigned and reserved
//! come from counters kept with every state change; free is counted from the free rows by
//! the same rule the allocator uses (`space::available`), so the numbers never disagree with
//! what can be handed out.

use super::allocator::clip;
use super::gaps::unit_size;
use super::model::{Pool, Subnet};
use super::shown::{ShowIn, Shown};
use super::space::{Blocked, available, rows};
use crate::net::{Addr, AddrRange, Amount};
use crate::store::{Failure, Outcome};
use mysql::params;
use mysql::prelude::Queryable;
use serde::Serialize;

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Utilization {
    /// "address" or "/64" etc.: what the counts count.
    pub unit: String,
    pub total: Amount,
    /// Total minus what rules, reservations, exclusions and child subnets block.
    pub usable: Amount,
    /// Usable minus free: everything held, whatever holds it.
    pub used: Amount,
    pub assigned: Amount,
    /// Reserved by hand (not quarantined).
    pub reserved: Amount,
    /// Released and waiting out their quarantine.
    pub quarantined: Amount,
    /// Held by something else sharing the range (another pool's units, single addresses
    /// handed out from the subnet): neither free nor counted above.
    pub other: Amount,
    /// What the allocator can still hand out.
    pub free: Amount,
    /// (usable - free) / usable, 0–100, one decimal; 100 when nothing is usable.
    pub percent: f64,
    /// The counts as a page shows them (`shown`).
    pub shown: Shown,
}

/// Counts of one subnet or pool, in `unit`s.
struct Counts {
    total: Amount,
    usable: Amount,
    assigned: Amount,
    reserved: Amount,
    quarantined: Amount,
    free: Amount,
}

fn utilization(unit: String, show_in: ShowIn, c: Counts) -> Utilization {
    let used = c.usable.saturating_sub(c.free);
    let percent = if c.usable == Amount::ZERO {
        100.0
    } else {
        (used.ratio(c.usable) * 1000.0).round() / 10.0
    };
    let shown = Shown {
        unit: show_in.unit_name(),
        used: show_in.count(used),
        usable: show_in.count(c.usable),
        assigned: show_in.count(c.assigned),
        reserved: show_in.count(c.reserved),
        quarantined: show_in.count(c.quarantined),
        free: show_in.count(c.free),
    };
    Utilization {
        unit,
        total: c.total,
        usable: c.usable,
        used,
        assigned: c.assigned,
        reserved: c.reserved,
        quarantined: c.quarantined,
        other: used.saturating_sub(
            c.assigned
                .saturating_add(c.reserved)
                .saturating_add(c.quarantined),
        ),
        free: c.free,
        percent: percent.min(100.0),
        shown,
    }
}

pub fn of_subnet(q: &mut impl Queryable, subnet: &Subnet) -> Outcome<Utilization> {
    let total = Amount::of_size(subnet.cidr.size());
    let blocked = Blocked::read(q, subnet)?;
    let usable = total.saturating_sub(Amount::new(blocked.count_in(subnet.cidr.range())));
    let free = free_addresses(q, subnet, &blocked, usable)?;
    // The reserved counter holds quarantines too; they are told apart for the page.
    let quarantined: Option<Option<String>> = q.exec_first(
        "SELECT CAST(SUM(size) AS CHAR) FROM mod_ipmanager_addresses WHERE subnet_id = :s \
         AND state = 'quarantined' AND blocked = 0",
        params! {"s" => subnet.id},
    )?;
    let quarantined = quarantined
        .flatten()
        .and_then(|t| Amount::parse(&t))
        .unwrap_or_default();
    // IPv6 subnets of /64 or larger are counted in /64s, the unit they are handed out in.
    let show_in = if subnet.family() == crate::net::Family::V6 && subnet.cidr.prefix_len() <= 64 {
        ShowIn::Slash64
    } else {
        ShowIn::Units(None)
    };
    Ok(utilization(
        "address".into(),
        show_in,
        Counts {
            total,
            usable,
            assigned: subnet.assigned_count,
            reserved: subnet.reserved_count.saturating_sub(quarantined),
            quarantined,
            free,
        },
    ))
}

/// The subnet's free addresses without reading its free rows: every address is free, held or
/// blocked, and free rows touch neither of the others, so free = usable - (held - what of
/// it lies in blocked ranges). Held comes from the counters; the overlap is read for the
/// blocked ranges alone (addresses given out before a rule covered them).
fn free_addresses(
    q: &mut impl Queryable,
    subnet: &Subnet,
    blocked: &Blocked,
    usable: Amount,
) -> Outcome<Amount> {
    let family = subnet.family();
    let mut overlap = Amount::ZERO;
    for (lo, hi) in blocked.intervals() {
        let rows: Vec<(Vec<u8>, Vec<u8>)> = q.exec(
            "(SELECT address, last_address FROM mod_ipmanager_addresses WHERE subnet_id = :s AND address < :lo \
               ORDER BY address DESC LIMIT 1) \
             UNION ALL \
             (SELECT address, last_address FROM mod_ipmanager_addresses WHERE subnet_id = :s \
               AND address BETWEEN :lo AND :hi AND state <> 'free' AND blocked = 0)",
            params! {"s" => subnet.id, "lo" => Addr::new(family, lo).to_bytes(), "hi" => Addr::new(family, hi).to_bytes()},
        )?;
        for (a, b) in rows {
            let (a, b) = (
                Addr::from_bytes(&a).map_err(Failure::Domain)?.value,
                Addr::from_bytes(&b).map_err(Failure::Domain)?.value,
            );
            let (start, end) = (a.max(lo), b.min(hi));
            if start <= end {
                overlap = overlap.saturating_add(Amount::of_size((end - start).checked_add(1)));
            }
        }
    }
    let held = subnet
        .assigned_count
        .saturating_add(subnet.reserved_count)
        .saturating_sub(overlap);
    Ok(usable.saturating_sub(held))
}

pub fn of_pool(q: &mut impl Queryable, subnet: &Subnet, pool: &Pool) -> Outcome<Utilization> {
    let range = clip(pool.range, subnet);
    let unit_bits = pool.unit_host_bits();
    let blocked = Blocked::read(q, subnet)?;
    let total = units_in(range, unit_bits);
    let usable = total.saturating_sub(blocked_units(&blocked.intervals(), range, unit_bits));
    let free = if unit_bits == 0 && range == subnet.cidr.range() {
        // A pool of single addresses over the whole subnet: the subnet's free addresses.
        let subnet_usable = Amount::of_size(subnet.cidr.size())
            .saturating_sub(Amount::new(blocked.count_in(range)));
        free_addresses(q, subnet, &blocked, subnet_usable)?
    } else {
        free_units(q, subnet, &blocked, range, pool.unit_prefix_len)?
    };
    let held: Option<(Option<u64>, Option<u64>)> = q.exec_first(
        "SELECT SUM(state = 'reserved'), SUM(state = 'quarantined') FROM mod_ipmanager_addresses \
         WHERE subnet_id = :s AND blocked = 0 AND address BETWEEN :lo AND :hi AND state IN ('reserved', 'quarantined')",
        params! {"s" => subnet.id, "lo" => range.first().to_bytes(), "hi" => range.last().to_bytes()},
    )?;
    let (reserved, quarantined) = held.unwrap_or_default();
    let (unit, show_in) = if unit_bits == 0 {
        ("address".to_string(), ShowIn::Units(None))
    } else {
        (
            format!("/{}", pool.unit_prefix_len),
            ShowIn::Units(Some(pool.unit_prefix_len)),
        )
    };
    Ok(utilization(
        unit,
        show_in,
        Counts {
            total,
            usable,
            assigned: Amount::new(pool.assigned_count),
            reserved: Amount::new(u128::from(reserved.unwrap_or(0))),
            quarantined: Amount::new(u128::from(quarantined.unwrap_or(0))),
            free,
        },
    ))
}

/// Units of `unit_prefix` free in `range`: the runs large enough to hold one, counted by the
/// same rule as the free list.
fn free_units(
    q: &mut impl Queryable,
    subnet: &Subnet,
    blocked: &Blocked,
    range: AddrRange,
    unit_prefix: u8,
) -> Outcome<Amount> {
    let blocked = blocked.intervals();
    let unit_bits = subnet.family().bits() - unit_prefix;
    if unit_bits == 0 {
        return free_addresses_in(q, subnet, range, &blocked);
    }
    let mut reader = rows::Candidates::new(subnet.id, subnet.family(), range, unit_prefix, 5000);
    let mut free = Amount::ZERO;
    loop {
        let batch = reader.next_batch(q)?;
        if batch.is_empty() {
            return Ok(free);
        }
        let runs = batch.into_iter().map(|(_, r)| r);
        free = free.saturating_add(available::count(runs, range, unit_bits, &blocked));
    }
}

/// Free single addresses in `range`: the runs wholly inside add up in SQL (free runs never
/// touch blocked ranges); the one or two crossing its ends are clipped here.
fn free_addresses_in(
    q: &mut impl Queryable,
    subnet: &Subnet,
    range: AddrRange,
    blocked: &[(u128, u128)],
) -> Outcome<Amount> {
    let family = subnet.family();
    let (lo, hi) = (range.first().to_bytes(), range.last().to_bytes());
    let inside: Option<Option<String>> = q.exec_first(
        "SELECT CAST(SUM(size) AS CHAR) FROM mod_ipmanager_addresses WHERE subnet_id = :s AND state = 'free' \
         AND address BETWEEN :lo AND :hi AND last_address <= :hi",
        params! {"s" => subnet.id, "lo" => &lo, "hi" => &hi},
    )?;
    let inside = inside
        .flatten()
        .and_then(|t| Amount::parse(&t))
        .unwrap_or_default();
    let mut edges: Vec<rows::FreeRow> =
        rows::overlapping(q, subnet.id, family, range.start, range.start)?;
    edges.extend(rows::overlapping(
        q, subnet.id, family, range.end, range.end,
    )?);
    edges.retain(|(_, r)| r.start < range.start || r.end > range.end);
    edges.sort();
    edges.dedup();
    let crossing = available::count(edges.into_iter().map(|(_, r)| r), range, 0, blocked);
    Ok(inside.saturating_add(crossing))
}

/// Aligned units of `2^unit_bits` inside `range`.
fn units_in(range: AddrRange, unit_bits: u8) -> Amount {
    let Some(size) = unit_size(unit_bits) else {
        return Amount::new(u128::from(range.start == 0 && range.end == u128::MAX));
    };
    let first = range.start.div_ceil(size);
    // (end + 1) / size without overflowing at the top of the space.
    let end_units = range.end / size + u128::from(range.end % size == size - 1);
    if size == 1 && range.start == 0 && range.end == u128::MAX {
        return Amount::ALL;
    }
    Amount::new(end_units.saturating_sub(first))
}

/// Units of `range` touched by a blocked range, each counted once.
fn blocked_units(blocked: &[(u128, u128)], range: AddrRange, unit_bits: u8) -> Amount {
    let Some(size) = unit_size(unit_bits) else {
        return Amount::new(u128::from(!blocked.is_empty()));
    };
    let first_unit = range.start.div_ceil(size);
    let end_units = range.end / size + u128::from(range.end % size == size - 1);
    let mut count = Amount::ZERO;
    let mut last_counted: Option<u128> = None;
    for &(s, e) in blocked {
        if e < range.start || s > range.end {
            continue;
        }
        let lo = (s.max(range.start) / size).max(first_unit);
        let hi = (e.min(range.end) / size).min(end_units.saturating_sub(1));
        if hi < lo || end_units == 0 {
            continue;
        }
        let lo = match last_counted {
            Some(prev) if prev >= lo => prev + 1,
            _ => lo,
        };
        if hi >= lo {
            count = count.saturating_add(Amount::new(hi - lo).saturating_add(Amount::new(1)));
            last_counted = Some(hi);
        }
    }
    count
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::net::Family;

    fn r(start: u128, end: u128) -> AddrRange {
        AddrRange {
            family: Family::V4,
            start,
            end,
        }
    }

    #[test]
    fn percent_is_rounded_and_empty_subnets_are_full() {
        let counts = |usable, assigned, reserved, quarantined, free| Counts {
            total: Amount::new(256),
            usable: Amount::new(usable),
            assigned: Amount::new(assigned),
            reserved: Amount::new(reserved),
            quarantined: Amount::new(quarantined),
            free: Amount::new(free),
        };
        let u = utilization(
            "address".into(),
            ShowIn::Units(None),
            counts(253, 100, 1, 0, 152),
        );
        assert_eq!(u.free, Amount::new(152));
        assert_eq!(u.used, Amount::new(101));
        assert_eq!(u.other, Amount::ZERO);
        assert_eq!(u.percent, 39.9);
        let q = utilization(
            "address".into(),
            ShowIn::Units(None),
            counts(253, 100, 1, 2, 150),
        );
        assert_eq!((q.quarantined, q.other), (Amount::new(2), Amount::ZERO));
        assert_eq!(q.shown.quarantined, "2");
        let empty = utilization("address".into(), ShowIn::Units(None), counts(0, 0, 0, 0, 0));
        assert_eq!(empty.percent, 100.0);
    }

    #[test]
    fn units_in_a_range_and_those_a_block_touches() {
        assert_eq!(units_in(r(0, 255), 3), Amount::new(32));
        assert_eq!(units_in(r(5, 20), 3), Amount::new(1));
        assert_eq!(units_in(r(0, u128::MAX), 0), Amount::ALL);
        assert_eq!(units_in(r(0, u128::MAX), 127), Amount::new(2));
        assert_eq!(
            blocked_units(&[(0, 0), (7, 9), (255, 255)], r(0, 255), 3),
            Amount::new(3)
        );
    }
}
