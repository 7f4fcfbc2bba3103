//! Ranges of a subnet that are never handed out: its reservation rules, reservations and
//! exclusions, and its child subnets, each with the reason shown to admins.

use crate::ipam::model::Subnet;
use crate::net::AddrRange;
use crate::net::range::merge;
use crate::store::{Failure, Outcome};
use mysql::params;
use mysql::prelude::Queryable;

/// The reason stored on parent rows covered by a child subnet.
pub const CHILD_SUBNET: &str = "subnet";

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Blocked {
    /// (first, last, reason), sorted by first; ranges may overlap.
    ranges: Vec<(u128, u128, &'static str)>,
}

impl Blocked {
    /// From the subnet's rules and its child subnets' ranges.
    pub fn new(subnet: &Subnet, children: &[(u128, u128)]) -> Blocked {
        let mut ranges: Vec<(u128, u128, &'static str)> = subnet
            .rule_blocked()
            .into_iter()
            .map(|(r, why)| (r.start, r.end, why.as_str()))
            .collect();
        ranges.extend(children.iter().map(|(s, e)| (*s, *e, CHILD_SUBNET)));
        ranges.sort();
        Blocked { ranges }
    }

    /// Reads the child subnets from the database.
    pub fn read(q: &mut impl Queryable, subnet: &Subnet) -> Outcome<Blocked> {
        let rows: Vec<(Vec<u8>, Vec<u8>)> = q.exec(
            "SELECT network, last_address FROM mod_ipmanager_subnets WHERE parent_id = :id ORDER BY network",
            params! {"id" => subnet.id},
        )?;
        let children = rows
            .into_iter()
            .map(|(a, b)| {
                Ok((
                    crate::net::Addr::from_bytes(&a)?.value,
                    crate::net::Addr::from_bytes(&b)?.value,
                ))
            })
            .collect::<crate::Result<Vec<_>>>()
            .map_err(Failure::Domain)?;
        Ok(Blocked::new(subnet, &children))
    }

    /// Merged, sorted intervals.
    pub fn intervals(&self) -> Vec<(u128, u128)> {
        merge(
            self.ranges
                .iter()
                .map(|(s, e, _)| AddrRange {
                    family: crate::net::Family::V6,
                    start: *s,
                    end: *e,
                })
                .collect(),
        )
        .into_iter()
        .map(|r| (r.start, r.end))
        .collect()
    }

    /// Why `start..=end` is (partly) blocked, if it is.
    pub fn reason(&self, start: u128, end: u128) -> Option<&'static str> {
        self.ranges
            .iter()
            .find(|(s, e, _)| *s <= end && start <= *e)
            .map(|(_, _, why)| *why)
    }

    /// Addresses of `within` that are blocked, each counted once.
    pub fn count_in(&self, within: AddrRange) -> u128 {
        self.intervals()
            .into_iter()
            .filter(|(s, e)| *s <= within.end && within.start <= *e)
            .map(|(s, e)| {
                AddrRange {
                    family: within.family,
                    start: s.max(within.start),
                    end: e.min(within.end),
                }
                .count()
            })
            .fold(0u128, u128::saturating_add)
    }
}

/// `ranges` minus `cut` (both sorted, `cut` merged).
pub fn minus(ranges: &[(u128, u128)], cut: &[(u128, u128)]) -> Vec<(u128, u128)> {
    let mut out = Vec::new();
    for &(start, end) in ranges {
        let mut at = Some(start);
        for &(s, e) in cut {
            let Some(from) = at else { break };
            if e < from || s > end {
                continue;
            }
            if s > from {
                out.push((from, s - 1));
            }
            at = e.checked_add(1).filter(|n| *n <= end);
        }
        if let Some(from) = at
            && from <= end
        {
            out.push((from, end));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::minus;

    #[test]
    fn subtracting_ranges() {
        assert_eq!(
            minus(&[(0, 10)], &[(2, 3), (5, 5)]),
            [(0, 1), (4, 4), (6, 10)]
        );
        assert_eq!(minus(&[(0, 10)], &[(0, 10)]), []);
        assert_eq!(minus(&[(4, 6)], &[(0, 1), (9, 12)]), [(4, 6)]);
        assert_eq!(minus(&[(0, u128::MAX)], &[(5, u128::MAX)]), [(0, 4)]);
    }
}
