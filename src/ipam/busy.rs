//! The busy intervals of one subnet in address order: its blocked ranges and child subnets
//! (few, held in memory) merged with its address rows (read in batches from the database,
//! only as far as the search needs).

use super::model::Subnet;
use super::subnets;
use crate::net::{Addr, AddrRange};
use crate::store::{Failure, Outcome};
use mysql::params;
use mysql::prelude::Queryable;
use std::collections::VecDeque;

pub const BATCH: usize = 512;

/// First and last address of a row, as stored.
type RawInterval = (Vec<u8>, Vec<u8>);

/// Rows that make addresses unavailable: everything but free rows and run-out quarantines.
const BUSY_ROW: &str =
    "state <> 'free' AND NOT (state = 'quarantined' AND quarantine_until <= UTC_TIMESTAMP())";

/// The subnet's blocked ranges (reservation rules, reservations, exclusions), unsorted.
pub fn blocked_intervals(subnet: &Subnet) -> Vec<(u128, u128)> {
    subnet
        .rules
        .blocked(
            &subnet.cidr,
            subnet.gateway,
            &subnet.reserved_ranges(),
            &subnet.excluded_ranges(),
        )
        .into_iter()
        .map(|(r, _)| (r.start, r.end))
        .collect()
}

/// Blocked ranges and child subnets, sorted by start.
pub fn static_intervals(q: &mut impl Queryable, subnet: &Subnet) -> Outcome<Vec<(u128, u128)>> {
    let mut out = blocked_intervals(subnet);
    out.extend(
        subnets::child_ranges(q, subnet.id)?
            .into_iter()
            .map(|r| (r.start, r.end)),
    );
    out.sort();
    Ok(out)
}

pub struct Walker<'q, Q: Queryable> {
    q: &'q mut Q,
    subnet_id: u64,
    family: crate::net::Family,
    statics: VecDeque<(u128, u128)>,
    rows: VecDeque<(u128, u128)>,
    cursor: Option<u128>,
    rows_done: bool,
    every_row_busy: bool,
    pub error: Option<Failure>,
}

impl<'q, Q: Queryable> Walker<'q, Q> {
    /// Starts at the row that covers `from` (if any), so a unit there is seen as busy; that
    /// row and the first batch after `from` come in one round trip.
    pub fn new(
        q: &'q mut Q,
        subnet: &Subnet,
        statics: Vec<(u128, u128)>,
        from: u128,
        every_row_busy: bool,
    ) -> Outcome<Walker<'q, Q>> {
        let family = subnet.family();
        let filter = if every_row_busy { "TRUE" } else { BUSY_ROW };
        let first: Vec<(u8, Vec<u8>, Vec<u8>)> = q.exec(
            format!(
                "(SELECT 0 AS part, address, last_address FROM mod_ipmanager_addresses WHERE subnet_id = :s \
                  AND address <= :from AND {filter} ORDER BY address DESC LIMIT 1) \
                 UNION ALL \
                 (SELECT 1 AS part, address, last_address FROM mod_ipmanager_addresses WHERE subnet_id = :s \
                  AND address > :from AND {filter} ORDER BY address LIMIT {BATCH})"
            ),
            params! {"s" => subnet.id, "from" => Addr::new(family, from).to_bytes()},
        )?;
        let mut covering = None;
        let mut batch = Vec::with_capacity(first.len());
        for (part, a, b) in first {
            let (a, b) = (
                Addr::from_bytes(&a).map_err(Failure::Domain)?,
                Addr::from_bytes(&b).map_err(Failure::Domain)?,
            );
            if part == 0 {
                covering = Some((a.value, b.value));
            } else {
                batch.push((a.value, b.value));
            }
        }
        batch.sort();
        let mut walker = Walker::prefetched(q, subnet, statics, from, covering, batch);
        walker.every_row_busy = every_row_busy;
        Ok(walker)
    }

    /// A walk whose covering row and first batch were already read (every row counts as
    /// busy, as the allocator needs).
    pub fn prefetched(
        q: &'q mut Q,
        subnet: &Subnet,
        statics: Vec<(u128, u128)>,
        from: u128,
        covering: Option<(u128, u128)>,
        batch: Vec<(u128, u128)>,
    ) -> Walker<'q, Q> {
        let rows_done = batch.len() < BATCH;
        let cursor = batch.last().map(|(a, _)| *a).or(Some(from));
        let mut rows: VecDeque<(u128, u128)> = covering
            .filter(|(_, end)| *end >= from)
            .into_iter()
            .collect();
        rows.extend(batch);
        Walker {
            q,
            subnet_id: subnet.id,
            family: subnet.family(),
            statics: statics
                .into_iter()
                .filter(|(_, end)| *end >= from)
                .collect(),
            rows,
            cursor,
            rows_done,
            every_row_busy: true,
            error: None,
        }
    }

    fn refill(&mut self) {
        let Some(cursor) = self.cursor else {
            self.rows_done = true;
            return;
        };
        let filter = if self.every_row_busy {
            "TRUE"
        } else {
            BUSY_ROW
        };
        let fetched: Result<Vec<RawInterval>, mysql::Error> = self.q.exec(
            format!(
                "SELECT address, last_address FROM mod_ipmanager_addresses WHERE subnet_id = :s AND address > :c \
                 AND {filter} ORDER BY address LIMIT {BATCH}"
            ),
            params! {"s" => self.subnet_id, "c" => Addr::new(self.family, cursor).to_bytes()},
        );
        match fetched {
            Err(e) => {
                self.error = Some(Failure::Db(e));
                self.rows_done = true;
            }
            Ok(batch) => {
                if batch.len() < BATCH {
                    self.rows_done = true;
                }
                for (a, b) in batch {
                    match (Addr::from_bytes(&a), Addr::from_bytes(&b)) {
                        (Ok(a), Ok(b)) => {
                            self.cursor = Some(a.value);
                            self.rows.push_back((a.value, b.value));
                        }
                        (Err(e), _) | (_, Err(e)) => {
                            self.error = Some(Failure::Domain(e));
                            self.rows_done = true;
                            return;
                        }
                    }
                }
            }
        }
    }
}

impl<Q: Queryable> Iterator for Walker<'_, Q> {
    type Item = (u128, u128);

    fn next(&mut self) -> Option<(u128, u128)> {
        if self.rows.is_empty() && !self.rows_done {
            self.refill();
        }
        match (self.rows.front(), self.statics.front()) {
            (Some(r), Some(s)) if s <= r => self.statics.pop_front(),
            (Some(_), _) => self.rows.pop_front(),
            (None, Some(_)) => self.statics.pop_front(),
            (None, None) => None,
        }
    }
}

/// The range a search covers, clipped to the subnet.
pub fn clip(range: AddrRange, subnet: &Subnet) -> AddrRange {
    let s = subnet.cidr.range();
    AddrRange {
        family: range.family,
        start: range.start.max(s.start),
        end: range.end.min(s.end),
    }
}
