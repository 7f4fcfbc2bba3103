//! Some of a subnet's free rows, read under its lock, and what taking units out of them
//! changes: pure bookkeeping, written back in one go by `rows::write`.

use super::blocks::{self, Block};
use std::collections::BTreeMap;

/// A free row: its id (None for a piece created here and not stored yet) and its block.
type Entry = (Option<u64>, Block);

#[derive(Debug, Default)]
pub struct FreeSet {
    /// Keyed by block start: free blocks never overlap.
    blocks: BTreeMap<u128, Entry>,
    deleted: Vec<u64>,
    /// Units taken, with the row they were exactly (it becomes the unit's row).
    taken: Vec<(Block, Option<u64>)>,
}

/// What to write after taking units.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Changes {
    /// Free rows split up: deleted, their remaining pieces are in `new_free`.
    pub deleted: Vec<u64>,
    pub new_free: Vec<Block>,
    /// Units taken, in the order they were taken; `Some(id)` when the unit was exactly that
    /// free row (the row is kept and becomes the unit's).
    pub units: Vec<(Block, Option<u64>)>,
}

impl FreeSet {
    pub fn new(rows: impl IntoIterator<Item = (u64, Block)>) -> FreeSet {
        FreeSet {
            blocks: rows
                .into_iter()
                .map(|(id, b)| (b.start(), (Some(id), b)))
                .collect(),
            ..FreeSet::default()
        }
    }

    /// The free blocks as they stand now, in address order.
    pub fn blocks(&self) -> impl Iterator<Item = Block> + '_ {
        self.blocks.values().map(|(_, b)| *b)
    }

    /// The free block that holds `unit`, if any.
    pub fn holder(&self, unit: Block) -> Option<Block> {
        self.blocks
            .range(..=unit.start())
            .next_back()
            .map(|(_, (_, b))| *b)
            .filter(|b| b.contains(&unit))
    }

    /// Takes `unit` out of free space; false (and nothing changed) when no free block holds it.
    pub fn take(&mut self, unit: Block) -> bool {
        let Some(holder) = self.holder(unit) else {
            return false;
        };
        let Some((id, block)) = self.blocks.remove(&holder.start()) else {
            return false;
        };
        if block == unit {
            self.taken.push((unit, id));
            return true;
        }
        if let Some(id) = id {
            self.deleted.push(id);
        }
        for piece in blocks::split_around(block, unit) {
            self.blocks.insert(piece.start(), (None, piece));
        }
        self.taken.push((unit, None));
        true
    }

    pub fn changes(self) -> Changes {
        Changes {
            deleted: self.deleted,
            new_free: self
                .blocks
                .values()
                .filter(|(id, _)| id.is_none())
                .map(|(_, b)| *b)
                .collect(),
            units: self.taken,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b(start: u128, bits: u8) -> Block {
        Block::new(start, bits).unwrap()
    }

    #[test]
    fn taking_a_whole_row_keeps_the_row() {
        let mut set = FreeSet::new([(7, b(8, 3))]);
        assert!(set.take(b(8, 3)));
        assert!(!set.take(b(8, 0)), "already taken");
        assert_eq!(
            set.changes(),
            Changes {
                deleted: vec![],
                new_free: vec![],
                units: vec![(b(8, 3), Some(7))]
            }
        );
    }

    #[test]
    fn taking_part_of_a_row_splits_it_and_later_takes_use_the_pieces() {
        let mut set = FreeSet::new([(1, b(0, 3))]);
        assert!(set.take(b(0, 0)));
        assert!(set.take(b(1, 0)));
        assert!(set.take(b(4, 1)));
        let changes = set.changes();
        assert_eq!(changes.deleted, [1]);
        assert_eq!(changes.new_free, [b(2, 1), b(6, 1)]);
        assert_eq!(
            changes.units,
            [(b(0, 0), None), (b(1, 0), None), (b(4, 1), None)]
        );
    }

    #[test]
    fn a_unit_outside_every_free_row_is_refused() {
        let mut set = FreeSet::new([(1, b(0, 2))]);
        assert!(!set.take(b(4, 0)));
        assert!(!set.take(b(0, 3)), "larger than the free row");
        assert_eq!(set.changes(), Changes::default());
    }
}
