//! Some of a subnet's free runs, read under its lock, and what taking units out of them
//! changes: pure bookkeeping, written back in one go by `rows::write`.

use super::blocks::{Block, Run};
use std::collections::BTreeMap;

/// A free run and the row that stores it (`None` for a piece not stored yet).
type Entry = (Option<u64>, Run);

#[derive(Debug, Default)]
pub struct FreeSet {
    /// Keyed by run start: runs never overlap.
    runs: BTreeMap<u128, Entry>,
    /// The runs as stored, by row id.
    stored: BTreeMap<u64, Run>,
    taken: Vec<(Block, Option<u64>)>,
}

/// What to write after taking units.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Changes {
    /// Free rows that now store another run (their start moved or their end shrank).
    pub moved: Vec<(u64, Run)>,
    /// Free rows no longer needed.
    pub deleted: Vec<u64>,
    /// Free runs to store as new rows.
    pub new_free: Vec<Run>,
    /// Units taken, in the order they were taken; `Some(id)` when the unit was exactly that
    /// free row (the row is kept and becomes the unit's).
    pub units: Vec<(Block, Option<u64>)>,
    /// The runs the moved and deleted rows stored when they were read: each write names
    /// them, so it changes a row only if nothing else changed it meanwhile.
    pub read: BTreeMap<u64, Run>,
}

impl FreeSet {
    pub fn new(rows: impl IntoIterator<Item = (u64, Run)>) -> FreeSet {
        let stored: BTreeMap<u64, Run> = rows.into_iter().collect();
        FreeSet {
            runs: stored
                .iter()
                .map(|(id, r)| (r.start, (Some(*id), *r)))
                .collect(),
            stored,
            taken: Vec::new(),
        }
    }

    /// The free runs as they stand now, in address order.
    pub fn runs(&self) -> impl Iterator<Item = Run> + '_ {
        self.runs.values().map(|(_, r)| *r)
    }

    /// Takes `unit` out of free space; false (and nothing changed) when no run holds it.
    pub fn take(&mut self, unit: Block) -> bool {
        let Some((&start, &(id, run))) = self.runs.range(..=unit.start()).next_back() else {
            return false;
        };
        if !run.contains(&unit) {
            return false;
        }
        self.runs.remove(&start);
        let pieces = run.without(unit.start(), unit.end());
        if pieces.is_empty() {
            // The row becomes the unit's only if it still stores exactly this run.
            let converted = id.filter(|i| self.stored.get(i) == Some(&run));
            self.taken.push((unit, converted));
            return true;
        }
        // The run's row keeps one piece (the first); the rest are new rows.
        let mut id = id;
        for piece in pieces {
            self.runs.insert(piece.start, (id.take(), piece));
        }
        self.taken.push((unit, None));
        true
    }

    pub fn changes(self) -> Changes {
        let mut changes = Changes {
            units: self.taken,
            ..Changes::default()
        };
        let mut touched = Vec::new();
        let kept: BTreeMap<u64, Run> = self
            .runs
            .values()
            .filter_map(|(id, run)| id.map(|id| (id, *run)))
            .collect();
        for (id, run) in &self.stored {
            match kept.get(id) {
                Some(now) if now == run => {}
                Some(now) => {
                    changes.moved.push((*id, *now));
                    touched.push((*id, *run));
                }
                None if changes
                    .units
                    .iter()
                    .any(|(_, converted)| *converted == Some(*id)) => {}
                None => {
                    changes.deleted.push(*id);
                    touched.push((*id, *run));
                }
            }
        }
        changes.read = touched.into_iter().collect();
        changes.new_free = self
            .runs
            .values()
            .filter(|(id, _)| id.is_none())
            .map(|(_, r)| *r)
            .collect();
        changes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b(start: u128, bits: u8) -> Block {
        Block::new(start, bits).unwrap()
    }

    fn r(start: u128, end: u128) -> Run {
        Run::new(start, end).unwrap()
    }

    #[test]
    fn taking_a_whole_row_keeps_the_row() {
        let rows = [(7, r(8, 15))];
        let mut set = FreeSet::new(rows);
        assert!(set.take(b(8, 3)));
        assert!(!set.take(b(8, 0)), "already taken");
        assert_eq!(
            set.changes(),
            Changes {
                units: vec![(b(8, 3), Some(7))],
                ..Changes::default()
            },
            "a converted row is neither moved nor deleted"
        );
    }

    #[test]
    fn taking_from_a_run_moves_its_row_and_stores_the_other_piece() {
        let rows = [(1, r(0, 255))];
        let mut set = FreeSet::new(rows);
        assert!(set.take(b(0, 0)));
        assert!(set.take(b(1, 0)));
        assert!(set.take(b(8, 3)));
        let changes = set.changes();
        assert_eq!(changes.moved, [(1, r(2, 7))]);
        assert_eq!(changes.read, [(1, r(0, 255))].into_iter().collect());
        assert_eq!(changes.new_free, [r(16, 255)]);
        assert!(changes.deleted.is_empty());
        assert_eq!(
            changes.units,
            [(b(0, 0), None), (b(1, 0), None), (b(8, 3), None)]
        );
    }

    #[test]
    fn a_piece_taken_whole_after_its_row_moved_is_not_converted() {
        let rows = [(1, r(0, 3))];
        let mut set = FreeSet::new(rows);
        assert!(set.take(b(0, 0))); // the row now stores 1..3
        assert!(set.take(b(1, 0)));
        assert!(set.take(b(2, 1))); // exactly what the row stores now, but not in the table
        let changes = set.changes();
        assert_eq!(changes.deleted, [1]);
        assert_eq!(
            changes.units,
            [(b(0, 0), None), (b(1, 0), None), (b(2, 1), None)]
        );
    }

    #[test]
    fn a_row_used_up_is_deleted_and_a_unit_outside_every_run_is_refused() {
        let rows = [(1, r(0, 1)), (2, r(4, 4))];
        let mut set = FreeSet::new(rows);
        assert!(!set.take(b(2, 0)));
        assert!(!set.take(b(0, 2)), "larger than the run");
        assert!(set.take(b(0, 0)));
        assert!(set.take(b(1, 0)));
        let changes = set.changes();
        assert_eq!(changes.deleted, [1]);
        assert!(changes.moved.is_empty() && changes.new_free.is_empty());
    }
}
