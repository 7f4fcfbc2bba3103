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
}
