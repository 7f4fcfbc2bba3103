//! Which units an allocation takes: the lowest available ones of the search (`space::
//! available`), taken out of the free rows they lie in (`space::FreeSet`).

use crate::ipam::model::{Pool, Subnet};
use crate::ipam::space::blocks::Run;
use crate::ipam::space::free_set::Changes;
use crate::ipam::space::{Block, Blocked, FreeSet, available, rows};
use crate::net::{Addr, AddrRange, Cidr, Family};
use crate::store::{Outcome, Tx};

/// Where an allocation looks and what size it hands out.
pub struct Search {
    pub subnet_id: u64,
    pub family: Family,
    pub range: AddrRange,
    /// Prefix length of a unit (the family's full length for single addresses).
    pub unit_prefix: u8,
    pub blocked: Vec<(u128, u128)>,
}

impl Search {
    pub fn of(subnet: &Subnet, pool: Option<&Pool>, blocked: &Blocked) -> Search {
        let family = subnet.family();
        let (range, unit_prefix) = match pool {
            Some(p) => (super::clip(p.range, subnet), p.unit_prefix_len),
            None => (subnet.cidr.range(), family.bits()),
        };
        Search {
            subnet_id: subnet.id,
            family,
            range,
            unit_prefix,
            blocked: blocked.intervals(),
        }
    }

    pub fn unit_bits(&self) -> u8 {
        self.family.bits() - self.unit_prefix
    }

    pub fn cidr(&self, unit: Block) -> crate::Result<Cidr> {
        Cidr::containing(Addr::new(self.family, unit.start()), self.unit_prefix)
    }
}

/// The lowest `need` available units and what taking them changes; `None` when the search
/// has fewer than `need`.
pub fn plan(search: &Search, free: Vec<(u64, Run)>, need: usize) -> Option<Changes> {
    let mut set = FreeSet::new(free);
    let units = available::units(
        set.runs().collect::<Vec<_>>(),
        search.range,
        search.unit_bits(),
        &search.blocked,
        need,
    );
    if units.len() < need {
        return None;
    }
    for unit in units {
        if !set.take(unit) {
            return None;
        }
    }
    Some(set.changes())
}

/// How many runs past the search's start one read returns for `count` units: enough for
/// the usual case (a few blocked addresses at the start of the search) in one read.
pub fn batch_for(count: u32) -> usize {
    count as usize + 4
}

/// Plans the take from the runs the read packet brought (`first`, read with `batch_for`),
/// reading on from there (a batch at a time) until they hold `need` units or the search is
/// exhausted.
pub fn read_and_plan(
    tx: &mut Tx<'_>,
    search: &Search,
    need: usize,
    batch: usize,
    first: Option<Vec<rows::RawFreeRow>>,
) -> Outcome<Option<Changes>> {
    let mut reader = rows::Candidates::new(
        search.subnet_id,
        search.family,
        search.range,
        search.unit_prefix,
        batch,
    );
    let mut free: Vec<(u64, Run)> = Vec::new();
    let mut first = first;
    loop {
        let batch = match first.take() {
            Some(rows) => reader.accept(rows)?,
            None => reader.next_batch(tx)?,
        };
        if batch.is_empty() {
            return Ok(None);
        }
        free.extend(batch);
        if let Some(changes) = plan(search, free.clone(), need) {
            return Ok(Some(changes));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b(start: u128, bits: u8) -> Block {
        Block::new(start, bits).unwrap()
    }

    fn run(start: u128, end: u128) -> Run {
        Run::new(start, end).unwrap()
    }

    fn search(start: u128, end: u128, unit_prefix: u8, blocked: Vec<(u128, u128)>) -> Search {
        Search {
            subnet_id: 1,
            family: Family::V4,
            range: AddrRange {
                family: Family::V4,
                start,
                end,
            },
            unit_prefix,
            blocked,
        }
    }

    #[test]
    fn the_lowest_units_are_taken_and_the_rows_split() {
        let s = search(0, 255, 32, vec![(0, 0)]);
        let changes = plan(&s, vec![(5, run(0, 7))], 2).unwrap();
        assert_eq!(changes.units, [(b(1, 0), None), (b(2, 0), None)]);
        // .0 is blocked: its piece stays free (as stored), never handed out.
        assert_eq!(changes.moved, [(5, run(0, 0))]);
        assert_eq!(changes.new_free, [run(3, 7)]);
    }

    #[test]
    fn a_pool_range_inside_a_free_block_starts_at_the_range() {
        let s = search(16, 31, 30, vec![]);
        let changes = plan(&s, vec![(9, run(0, 255))], 1).unwrap();
        assert_eq!(changes.units, [(b(16, 2), None)]);
    }

    #[test]
    fn too_few_units_plan_nothing() {
        let s = search(0, 7, 32, vec![]);
        assert!(plan(&s, vec![(1, run(0, 1))], 3).is_none());
    }

    /// The planner against a naive reference: every unit-sized aligned block of the range,
    /// lowest first, taken when each of its addresses is free and none is blocked; and the
    /// rows it writes back hold exactly the free addresses minus the units.
    mod against_reference {
        use super::*;
        use proptest::prelude::*;
        use std::collections::BTreeSet;

        fn naive(free: &BTreeSet<u128>, s: &Search, need: usize) -> Vec<u128> {
            let size = 1u128 << s.unit_bits();
            let blocked = |a: u128| s.blocked.iter().any(|(lo, hi)| *lo <= a && a <= *hi);
            let mut start = s.range.start.div_ceil(size) * size;
            let mut out = Vec::new();
            while out.len() < need && start + size - 1 <= s.range.end {
                if (start..start + size).all(|a| free.contains(&a) && !blocked(a)) {
                    out.push(start);
                }
                start += size;
            }
            out
        }

        proptest! {
            #[test]
            fn takes_what_the_naive_reference_takes(
                raw in proptest::collection::vec((0u128..256, 0u128..40), 0..12),
                lo in 0u128..256, len in 0u128..256, unit_prefix in 29u8..=32,
                blocked in proptest::collection::vec((0u128..256, 0u128..8), 0..4),
                need in 1usize..8,
            ) {
                let mut runs: Vec<Run> = Vec::new();
                for (start, len) in raw {
                    let candidate = run(start, (start + len).min(255));
                    // Stored runs never overlap nor touch.
                    if runs.iter().all(|f| candidate.end + 1 < f.start || f.end + 1 < candidate.start) {
                        runs.push(candidate);
                    }
                }
                let rows: Vec<(u64, Run)> = runs.iter().enumerate().map(|(i, r)| (i as u64 + 1, *r)).collect();
                let free: BTreeSet<u128> = runs.iter().flat_map(|r| r.start..=r.end).collect();
                // As `Blocked::intervals` gives them: sorted, overlaps merged.
                let mut sorted: Vec<(u128, u128)> = blocked.into_iter().map(|(a, l)| (a, a + l)).collect();
                sorted.sort();
                let mut merged: Vec<(u128, u128)> = Vec::new();
                for (a, b) in sorted {
                    match merged.last_mut() {
                        Some(last) if a <= last.1 + 1 => last.1 = last.1.max(b),
                        _ => merged.push((a, b)),
                    }
                }
                let s = search(lo, (lo + len).min(255), unit_prefix, merged);
                let expected = naive(&free, &s, need);
                match plan(&s, rows.clone(), need) {
                    None => prop_assert!(expected.len() < need, "planned nothing, the reference finds {expected:?}"),
                    Some(changes) => {
                        let taken: Vec<u128> = changes.units.iter().map(|(b, _)| b.start()).collect();
                        prop_assert_eq!(&taken, &expected);
                        // Write the changes back as the database would and compare addresses.
                        let mut after: std::collections::BTreeMap<u64, Run> = rows.into_iter().collect();
                        for id in &changes.deleted { after.remove(id); }
                        for (id, r) in &changes.moved { after.insert(*id, *r); }
                        for (_, id) in &changes.units { if let Some(id) = id { after.remove(id); } }
                        let mut left: BTreeSet<u128> = after.values().flat_map(|r| r.start..=r.end).collect();
                        left.extend(changes.new_free.iter().flat_map(|r| r.start..=r.end));
                        let mut want = free.clone();
                        for (b, _) in &changes.units { for a in b.start()..=b.end() { want.remove(&a); } }
                        prop_assert_eq!(left, want);
                    }
                }
            }
        }
    }
}
