//! The one availability rule. A unit (an address or an aligned prefix) of a subnet is
//! available when it lies inside one free block of the subnet, inside the range searched
//! (a pool's range or the whole subnet), and outside the subnet's blocked ranges (rules,
//! reservations, exclusions, child subnets). The allocator, the free list, utilization,
//! Synchronize and manual assignment all decide through `units`.

use super::blocks::{Block, Run};
use crate::ipam::gaps;
use crate::net::{AddrRange, Amount, Family};

/// The first `limit` available units of `2^unit_bits` addresses in `range`, lowest first,
/// given free runs in address order and the blocked ranges sorted by start.
pub fn units(
    free: impl IntoIterator<Item = Run>,
    range: AddrRange,
    unit_bits: u8,
    blocked: &[(u128, u128)],
    limit: usize,
) -> Vec<Block> {
    let mut out = Vec::new();
    for run in free {
        if out.len() >= limit {
            break;
        }
        let Some(inside) = clipped(run, range) else {
            continue;
        };
        let (start, end) = (inside.start, inside.end);
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

/// How many units `units` would list, counted without listing them: for each free run the
/// aligned units in its part of the range that avoid the blocked ranges.
pub fn count(
    free: impl IntoIterator<Item = Run>,
    range: AddrRange,
    unit_bits: u8,
    blocked: &[(u128, u128)],
) -> Amount {
    let mut total = Amount::ZERO;
    for run in free {
        if let Some(inside) = clipped(run, range) {
            total = total.saturating_add(count_slow(inside, unit_bits, blocked));
        }
    }
    total
}

/// The part of a free run inside the range searched, if any.
fn clipped(run: Run, range: AddrRange) -> Option<AddrRange> {
    let (start, end) = (run.start.max(range.start), run.end.min(range.end));
    (start <= end).then_some(AddrRange {
        family: range.family,
        start,
        end,
    })
}

/// Units in `inside` avoiding `blocked`, by stepping over the blocked ranges (few). The
/// whole IPv6 space counted in single addresses is 2^128.
fn count_slow(inside: AddrRange, unit_bits: u8, blocked: &[(u128, u128)]) -> Amount {
    let Some(size) = gaps::unit_size(unit_bits) else {
        return Amount::new(u128::from(
            gaps::first_fit(inside, unit_bits, inside.start, blocked.iter().copied()).is_some(),
        ));
    };
    if size == 1 && inside.start == 0 && inside.end == u128::MAX && blocked.is_empty() {
        return Amount::ALL;
    }
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
    let mut total = Amount::ZERO;
    for (s, e) in stretches {
        let first = gaps::align_up(s, size);
        if let Some(first) = first
            && first <= e
            && let Some(last_start) = e.checked_sub(size - 1)
            && first <= last_start
        {
            total = total.saturating_add(Amount::new((last_start - first) / size + 1));
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

    fn run(start: u128, end: u128) -> Run {
        Run::new(start, end).unwrap()
    }

    fn r(start: u128, end: u128) -> AddrRange {
        whole(Family::V4, start, end)
    }

    #[test]
    fn units_come_from_free_runs_inside_the_range_avoiding_blocked() {
        let free = [run(0, 3), run(8, 15)];
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
            raw in proptest::collection::vec((0u128..256, 0u128..40), 0..12),
            lo in 0u128..256, len in 0u128..256, unit_bits in 0u8..4,
            blocked in proptest::collection::vec((0u128..256, 0u128..8), 0..4),
        ) {
            let mut free: Vec<Run> = Vec::new();
            for (start, len) in raw {
                let candidate = run(start, (start + len).min(255));
                if free.iter().all(|f| !f.overlaps(candidate.start, candidate.end)) { free.push(candidate); }
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
