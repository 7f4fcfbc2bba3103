//! Aligned blocks (the units handed out) and free runs (how free space is kept).
//!
//! A sparse subnet keeps its free space as rows, one per maximal run of free addresses: no
//! two free runs touch (they would have been one). Every free aligned unit of any size then
//! lies inside exactly one run, so the lowest free unit of a size is in the lowest run that
//! holds one, and each run row records the largest aligned block it holds (`fit`) so the
//! database can skip runs too small: one index read, whatever the subnet size and however
//! the rows got there. Taking a unit leaves at most two pieces; giving one back merges with
//! at most two neighbours.

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
}

/// A run of free addresses, `start..=end`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Run {
    pub start: u128,
    pub end: u128,
}

impl Run {
    /// `None` when `start > end`.
    pub fn new(start: u128, end: u128) -> Option<Run> {
        (start <= end).then_some(Run { start, end })
    }

    pub fn contains(&self, unit: &Block) -> bool {
        self.start <= unit.start() && unit.end() <= self.end
    }

    pub fn overlaps(&self, start: u128, end: u128) -> bool {
        self.start <= end && start <= self.end
    }

    /// Number of addresses; `None` for the whole 128-bit space.
    pub fn size(&self) -> Option<u128> {
        (self.end - self.start).checked_add(1)
    }

    /// Host bits of the largest aligned block inside the run.
    pub fn fit(&self) -> u8 {
        let mut bits = 128u8;
        loop {
            let inside = match 1u128.checked_shl(u32::from(bits)) {
                None => self.start == 0 && self.end == u128::MAX,
                Some(size) => {
                    let mask = size - 1;
                    self.start
                        .checked_add(mask)
                        .map(|v| v & !mask)
                        .and_then(|first| first.checked_add(mask))
                        .is_some_and(|last| last <= self.end)
                }
            };
            if inside || bits == 0 {
                return bits;
            }
            bits -= 1;
        }
    }

    /// What is left of the run around `unit` (which it contains): up to two runs.
    pub fn without(&self, start: u128, end: u128) -> Vec<Run> {
        let mut out = Vec::with_capacity(2);
        if start > self.start {
            out.extend(Run::new(self.start, start - 1));
        }
        if end < self.end {
            out.extend(Run::new(end + 1, self.end));
        }
        out
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
    }

    #[test]
    fn the_fit_is_the_largest_aligned_block_inside() {
        assert_eq!(Run::new(0, 255).unwrap().fit(), 8);
        assert_eq!(Run::new(1, 254).unwrap().fit(), 6);
        assert_eq!(Run::new(5, 5).unwrap().fit(), 0);
        assert_eq!(Run::new(7, 8).unwrap().fit(), 0);
        assert_eq!(Run::new(0, u128::MAX).unwrap().fit(), 128);
        assert_eq!(Run::new(1, u128::MAX).unwrap().fit(), 127);
        assert_eq!(Run::new(u128::MAX, u128::MAX).unwrap().fit(), 0);
    }

    #[test]
    fn taking_leaves_at_most_two_pieces() {
        let run = Run::new(0, 255).unwrap();
        assert_eq!(run.without(0, 7), [Run { start: 8, end: 255 }]);
        assert_eq!(
            run.without(8, 15),
            [
                Run { start: 0, end: 7 },
                Run {
                    start: 16,
                    end: 255
                }
            ]
        );
        assert_eq!(run.without(0, 255), []);
    }

    proptest! {
        #[test]
        fn the_fit_agrees_with_a_naive_search(start in 0u128..300, len in 0u128..300) {
            let run = Run::new(start, start + len).unwrap();
            let naive = (0u8..=10)
                .rev()
                .find(|bits| {
                    let size = 1u128 << bits;
                    (start..=start + len).any(|s| s % size == 0 && s + size - 1 <= start + len)
                })
                .unwrap();
            prop_assert_eq!(run.fit(), naive);
        }
    }
}
