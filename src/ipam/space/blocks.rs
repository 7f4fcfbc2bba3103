//! Aligned blocks of addresses and the algebra of free space made of them.
//!
//! Free space in a sparse subnet is kept as rows, each an aligned block (a CIDR), in
//! "buddy-normal" form: no two free blocks are the two halves of a larger aligned block.
//! In that form every free aligned block of any size lies inside exactly one free row, so the
//! lowest free unit of a size is found in the lowest free row that is at least that large —
//! one index read, whatever the subnet size and however the rows got there.

/// `start .. start + 2^host_bits - 1`, with `start` a multiple of `2^host_bits`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Block {
    start: u128,
    host_bits: u8,
}

impl Block {
    /// `None` unless `start` is aligned to the size and `host_bits` is at most 128.
    pub fn new(start: u128, host_bits: u8) -> Option<Block> {
        let aligned = match 1u128.checked_shl(u32::from(host_bits)) {
            Some(size) => start.is_multiple_of(size),
            None => host_bits == 128 && start == 0,
        };
        (aligned && host_bits <= 128).then_some(Block { start, host_bits })
    }

    pub fn start(&self) -> u128 {
        self.start
    }

    pub fn host_bits(&self) -> u8 {
        self.host_bits
    }

    pub fn end(&self) -> u128 {
        match 1u128.checked_shl(u32::from(self.host_bits)) {
            Some(size) => self.start + (size - 1),
            None => u128::MAX,
        }
    }

    /// Number of addresses; `None` for the whole 128-bit space.
    pub fn size(&self) -> Option<u128> {
        1u128.checked_shl(u32::from(self.host_bits))
    }

    pub fn contains(&self, other: &Block) -> bool {
        self.start <= other.start && other.end() <= self.end()
    }

    pub fn overlaps(&self, start: u128, end: u128) -> bool {
        self.start <= end && start <= self.end()
    }

    /// The aligned block twice as large that holds this one.
    pub fn parent(&self) -> Option<Block> {
        let bits = self.host_bits.checked_add(1).filter(|b| *b <= 128)?;
        let start = match 1u128.checked_shl(u32::from(bits)) {
            Some(size) => self.start & !(size - 1),
            None => 0,
        };
        Some(Block {
            start,
            host_bits: bits,
        })
    }

    /// The other half of the parent.
    pub fn buddy(&self) -> Option<Block> {
        let size = self.size()?;
        self.parent()?;
        Some(Block {
            start: self.start ^ size,
            host_bits: self.host_bits,
        })
    }

    /// The two halves.
    pub fn halves(&self) -> Option<(Block, Block)> {
        let bits = self.host_bits.checked_sub(1)?;
        let half = 1u128 << bits;
        Some((
            Block {
                start: self.start,
                host_bits: bits,
            },
            Block {
                start: self.start + half,
                host_bits: bits,
            },
        ))
    }
}

/// The fewest aligned blocks covering `start..=end` exactly, in address order. No two of
/// them are buddies (two buddies would have been one larger block).
pub fn decompose(start: u128, end: u128) -> Vec<Block> {
    let mut out = Vec::new();
    let mut at = start;
    while at <= end {
        // The largest aligned block starting at `at` that still ends within `end`.
        let mut bits = if at == 0 {
            128
        } else {
            at.trailing_zeros() as u8
        };
        loop {
            let block = Block {
                start: at,
                host_bits: bits,
            };
            if block.end() <= end {
                out.push(block);
                match block.end().checked_add(1) {
                    Some(next) => at = next,
                    None => return out,
                }
                break;
            }
            bits -= 1;
        }
    }
    out
}

/// `block` without `cut` (an aligned block inside it): the halves on the way down to `cut`
/// that do not contain it, in address order.
pub fn split_around(block: Block, cut: Block) -> Vec<Block> {
    let mut out = Vec::new();
    let mut current = block;
    while current != cut {
        let Some((low, high)) = current.halves() else {
            break;
        };
        if low.contains(&cut) {
            out.push(high);
            current = low;
        } else {
            out.push(low);
            current = high;
        }
    }
    out.sort();
    out
}

/// `block` without the addresses `start..=end`, as canonical blocks.
pub fn subtract(block: Block, start: u128, end: u128) -> Vec<Block> {
    if !block.overlaps(start, end) {
        return vec![block];
    }
    let mut out = Vec::new();
    if start > block.start {
        out.extend(decompose(block.start, start - 1));
    }
    if end < block.end() {
        out.extend(decompose(end + 1, block.end()));
    }
    out
}

/// The blocks a new free block could merge with: its buddy, its parent's buddy, and so on
/// up to (not including) `limit`, the subnet's own block.
pub fn buddy_chain(block: Block, limit: Block) -> Vec<Block> {
    let mut out = Vec::new();
    let mut current = block;
    while current.host_bits < limit.host_bits {
        let (Some(buddy), Some(parent)) = (current.buddy(), current.parent()) else {
            break;
        };
        out.push(buddy);
        current = parent;
    }
    out
}

/// The result of adding free blocks to free space: existing rows that disappear into larger
/// blocks, and the blocks to store.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Merged {
    pub absorbed: Vec<Block>,
    pub stored: Vec<Block>,
}

/// Adds `added` (disjoint from each other and from `existing`) to free space whose rows
/// near them are `existing`, merging buddies until none are left.
pub fn merge(existing: &[Block], added: &[Block]) -> Merged {
    use std::collections::BTreeSet;
    let existing: BTreeSet<Block> = existing.iter().copied().collect();
    let mut all: BTreeSet<Block> = existing
        .iter()
        .copied()
        .chain(added.iter().copied())
        .collect();
    let mut work: Vec<Block> = added.to_vec();
    while let Some(block) = work.pop() {
        if !all.contains(&block) {
            continue;
        }
        let (Some(buddy), Some(parent)) = (block.buddy(), block.parent()) else {
            continue;
        };
        if all.contains(&buddy) {
            all.remove(&block);
            all.remove(&buddy);
            all.insert(parent);
            work.push(parent);
        }
    }
    Merged {
        absorbed: existing.difference(&all).copied().collect(),
        stored: all.difference(&existing).copied().collect(),
    }
}

#[cfg(test)]
pub mod reference {
    //! Deliberately naive versions: sets of addresses.
    use super::Block;
    use std::collections::BTreeSet;

    pub fn addresses(blocks: &[Block]) -> BTreeSet<u128> {
        blocks.iter().flat_map(|b| b.start()..=b.end()).collect()
    }

    /// True when no two blocks are buddies and none overlap.
    pub fn is_normal(blocks: &[Block]) -> bool {
        let set: BTreeSet<Block> = blocks.iter().copied().collect();
        let overlap = blocks.iter().enumerate().any(|(i, a)| {
            blocks[i + 1..]
                .iter()
                .any(|b| a.overlaps(b.start(), b.end()))
        });
        !overlap
            && blocks
                .iter()
                .all(|b| b.buddy().is_none_or(|buddy| !set.contains(&buddy)))
    }

    /// Is every aligned block of `host_bits` fully free inside one of the blocks?
    pub fn every_free_unit_in_one_block(blocks: &[Block], host_bits: u8, top: u128) -> bool {
        let free = addresses(blocks);
        let size = 1u128 << host_bits;
        let mut start = 0;
        while start + size - 1 <= top {
            let unit = Block::new(start, host_bits).expect("aligned");
            let all_free = (start..start + size).all(|a| free.contains(&a));
            if all_free && !blocks.iter().any(|b| b.contains(&unit)) {
                return false;
            }
            start += size;
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn b(start: u128, bits: u8) -> Block {
        Block::new(start, bits).unwrap()
    }

    #[test]
    fn blocks_must_be_aligned() {
        assert!(Block::new(8, 3).is_some());
        assert!(Block::new(4, 3).is_none());
        assert!(Block::new(0, 128).is_some());
        assert!(Block::new(1, 128).is_none());
        assert!(Block::new(0, 129).is_none());
        assert_eq!(b(0, 128).end(), u128::MAX);
        assert_eq!(b(0, 128).size(), None);
        assert_eq!(b(0, 128).parent(), None);
        assert_eq!(b(u128::MAX, 0).buddy(), Some(b(u128::MAX - 1, 0)));
    }

    #[test]
    fn decomposition_is_minimal_and_exact() {
        assert_eq!(decompose(2, 9), [b(2, 1), b(4, 2), b(8, 1)]);
        assert_eq!(decompose(0, 255), [b(0, 8)]);
        assert_eq!(decompose(0, u128::MAX), [b(0, 128)]);
        assert_eq!(decompose(1, u128::MAX).len(), 128);
        assert_eq!(decompose(5, 5), [b(5, 0)]);
    }

    #[test]
    fn splitting_leaves_the_buddies_of_the_path() {
        assert_eq!(split_around(b(0, 3), b(0, 0)), [b(1, 0), b(2, 1), b(4, 2)]);
        assert_eq!(split_around(b(0, 3), b(4, 2)), [b(0, 2)]);
        assert_eq!(split_around(b(0, 3), b(0, 3)), []);
    }

    #[test]
    fn merging_climbs_as_far_as_buddies_go() {
        // .1 comes back next to free .0, .2/31 and .4/30: one /29.
        let m = merge(&[b(0, 0), b(2, 1), b(4, 2)], &[b(1, 0)]);
        assert_eq!(m.absorbed, [b(0, 0), b(2, 1), b(4, 2)]);
        assert_eq!(m.stored, [b(0, 3)]);
        // A block whose buddy is not free stays as it is.
        let m = merge(&[b(2, 1)], &[b(1, 0)]);
        assert_eq!(
            m,
            Merged {
                absorbed: vec![],
                stored: vec![b(1, 0)]
            }
        );
    }

    fn sorted_blocks(raw: Vec<(u128, u8)>, top_bits: u8) -> Vec<Block> {
        // Random disjoint blocks inside 0..2^top_bits.
        let mut taken: Vec<Block> = Vec::new();
        for (start, bits) in raw {
            let bits = bits % (top_bits + 1);
            let start = (start % (1 << top_bits)) >> bits << bits;
            let block = b(start, bits);
            if taken
                .iter()
                .all(|t| !t.overlaps(block.start(), block.end()))
            {
                taken.push(block);
            }
        }
        taken.sort();
        taken
    }

    proptest! {
        #[test]
        fn decompose_covers_exactly_and_is_normal(a in 0u128..300, len in 0u128..300) {
            let blocks = decompose(a, a + len);
            let want: std::collections::BTreeSet<u128> = (a..=a + len).collect();
            prop_assert_eq!(reference::addresses(&blocks), want);
            prop_assert!(reference::is_normal(&blocks));
        }

        #[test]
        fn adding_free_space_keeps_it_normal_and_exact(
            raw in proptest::collection::vec((0u128..256, 0u8..9), 0..40),
            split in 0usize..40,
        ) {
            // Start from a normal free space, take some blocks out, give them back one by one.
            let all = sorted_blocks(raw, 8);
            let addrs = reference::addresses(&all);
            let mut free: Vec<Block> = Vec::new();
            for r in crate::net::range::merge(
                addrs.iter().map(|a| crate::net::AddrRange { family: crate::net::Family::V4, start: *a, end: *a }).collect(),
            ) {
                free.extend(decompose(r.start, r.end));
            }
            let (kept, given): (Vec<Block>, Vec<Block>) = {
                let cut = split.min(free.len());
                (free[cut..].to_vec(), free[..cut].to_vec())
            };
            let mut current: Vec<Block> = kept;
            for g in given {
                let pieces: Vec<Block> = decompose(g.start(), g.end());
                let m = merge(&current, &pieces);
                current.retain(|c| !m.absorbed.contains(c));
                current.extend(m.stored);
                current.sort();
            }
            prop_assert!(reference::is_normal(&current));
            prop_assert_eq!(reference::addresses(&current), addrs);
            for bits in 0..=4 {
                prop_assert!(reference::every_free_unit_in_one_block(&current, bits, 255));
            }
        }

        #[test]
        fn taking_a_unit_keeps_the_rest_normal(start in 0u128..256, unit_bits in 0u8..5, block_bits in 4u8..9) {
            let block = b(0, block_bits);
            let unit_start = (start % (1 << block_bits)) >> unit_bits << unit_bits;
            let unit = b(unit_start, unit_bits);
            let rest = split_around(block, unit);
            let mut want = reference::addresses(&[block]);
            for a in unit.start()..=unit.end() { want.remove(&a); }
            prop_assert_eq!(reference::addresses(&rest), want);
            prop_assert!(reference::is_normal(&rest));
        }
    }
}
