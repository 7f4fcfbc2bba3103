//! The one availability rule. A unit (an address or an aligned prefix) of a subnet is
//! available when it lies inside one free block of the subnet, inside the range searched
//! (a pool's range or the whole subnet), and outside the subnet's blocked ranges (rules,
//! reservations, exclusions, child subnets). The allocator, the free list, utilization,
//! Synchronize and manual assignment all decide through `units`.

use super::blocks::Block;
use crate::ipam::gaps;
use crate::net::{AddrRange, Amount, Family};

/// The first `limit` available units of `2^unit_bits` addresses in `range`, lowest first,
/// given free blocks in address order and the blocked ranges sorted by start.
pub fn units(
    free: impl IntoIterator<Item = Block>,
    range: AddrRange,
    unit_bits: u8,
    blocked: &[(u128, u128)],
    limit: usize,
) -> Vec<Block> {
    let mut out = Vec::new();
    for block in free {
        if out.len() >= limit {
            break;
        }
        let (start, end) = (block.start().max(range.start), block.end().min(range.end));
        if start > end {
            continue;
        }
        let inside = AddrRange {
            family: range.family,
            start,
            end,
        };
        let mut from = start;
        while out.len() < limit {
            let Some(unit_start) =
                gaps::first_fit(inside, unit_bits, from, blocked.iter().copied())
            else {
                break;
            };
            let Some(unit) = Block::new(unit_start, unit_bits) else {
                break;
            };
            out.push(unit);
            match unit.end().checked_add(1) {
                Some(next) if next <= end => from = next,
                _ => break,
            }
        }
    }
    out
}

/// How many units `units` would list, counted without listing them: for each free block
/// the aligned units in its part of the range that avoid the blocked ranges.
pub fn count(
    free: impl IntoIterator<Item = Block>,
    range: AddrRange,
    unit_bits: u8,
    blocked: &[(u128, u128)],
) -> Amount {
    let mut total = Amount::ZERO;
    for block in free {
        let (start, end) = (block.start().max(range.start), block.end().min(range.end));
        if start > end || block.host_bits() < unit_bits {
            continue;
        }
        let touches_blocked = blocked.iter().any(|(s, e)| *s <= end && start <= *e);
        let whole = start == block.start() && end == block.end();
        let units = if whole && !touches_blocked {
            // A whole free block clear of blocked ranges: 2^(block bits - unit bits) units.
            let bits = block.host_bits() - unit_bits;
            1u128
                .checked_shl(u32::from(bits))
                .map_or(Amount::ALL, Amount::new)
        } else {
            let inside = AddrRange {
                family: range.family,
                start,
                end,
            };
            Amount::new(count_slow(inside, unit_bits, blocked))
        };
        total = total.saturating_add(units);
    }
    total
}

/// Units in `inside` avoiding `blocked`, by stepping over the blocked ranges (few).
fn count_slow(inside: AddrRange, unit_bits: u8, blocked: &[(u128, u128)]) -> u128 {
    let Some(size) = gaps::unit_size(unit_bits) else {
        return u128::from(
            gaps::first_fit(inside, unit_bits, inside.start, blocked.iter().copied()).is_some(),
        );
    };
    // Clear stretches of `inside` between the blocked ranges, and the aligned units in each.
    let mut sorted: Vec<(u128, u128)> = blocked
        .iter()
        .copied()
        .filter(|(s, e)| *s <= inside.end && inside.start <= *e)
        .collect();
    sorted.sort();
    let mut stretches = Vec::new();
    let mut cursor = Some(inside.start);
    for (s, e) in sorted {
        let Some(from) = cursor else { break };
        if s > from {
            stretches.push((from, s - 1));
        }
        if e >= from {
            cursor = e.checked_add(1);
        }
    }
    if let Some(from) = cursor
        && from <= inside.end
    {
        stretches.push((from, inside.end));
    }
    let mut total: u128 = 0;
    for (s, e) in stretches {
        let first = gaps::align_up(s, size);
        if let Some(first) = first
            && first <= e
            && let Some(last_start) = e.checked_sub(size - 1)
            && first <= last_start
        {
            total = total.saturating_add((last_start - first) / size + 1);
        }
    }
    total
}

/// The family's whole range, for searches over a subnet.
pub fn whole(family: Family, start: u128, end: u128) -> AddrRange {
    AddrRange { family, start, end }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn b(start: u128, bits: u8) -> Block {
        Block::new(start, bits).unwrap()
    }

    fn r(start: u128, end: u128) -> AddrRange {
        whole(Family::V4, start, end)
    }

    #[test]
    fn units_come_from_free_blocks_inside_the_range_avoiding_blocked() {
        let free = [b(0, 2), b(8, 3)];
        assert_eq!(
            units(free, r(1, 255), 0, &[(9, 9)], 4),
            [b(1, 0), b(2, 0), b(3, 0), b(8, 0)]
        );
        assert_eq!(
            units(free, r(0, 255), 1, &[(9, 9)], 9),
            [b(0, 1), b(2, 1), b(10, 1), b(12, 1), b(14, 1)]
        );
        assert_eq!(units(free, r(0, 255), 3, &[], 9), [b(8, 3)]);
        assert!(units(free, r(16, 255), 0, &[], 9).is_empty());
    }

    proptest! {
        #[test]
        fn count_agrees_with_listing(
            raw in proptest::collection::vec((0u128..256, 0u8..6), 0..12),
            lo in 0u128..256, len in 0u128..256, unit_bits in 0u8..4,
            blocked in proptest::collection::vec((0u128..256, 0u128..8), 0..4),
        ) {
            let mut free: Vec<Block> = Vec::new();
            for (start, bits) in raw {
                let s = start >> bits << bits;
                let block = b(s, bits);
                if free.iter().all(|f| !f.overlaps(block.start(), block.end())) { free.push(block); }
            }
            free.sort();
            let mut blocked: Vec<(u128, u128)> = blocked.into_iter().map(|(s, l)| (s, s + l)).collect();
            blocked.sort();
            let range = r(lo, (lo + len).min(255));
            let listed = units(free.clone(), range, unit_bits, &blocked, usize::MAX).len() as u128;
            prop_assert_eq!(count(free, range, unit_bits, &blocked), Amount::new(listed));
        }
    }
}
