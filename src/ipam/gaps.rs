//! Finding the lowest free unit (an address or an aligned prefix) without enumerating the
//! subnet: walk the busy intervals in address order and stop at the first hole big enough.
//! Cost grows with the busy intervals between the starting point and the hole, never with
//! the size of the subnet.

use crate::net::AddrRange;

/// Number of addresses in a unit of `host_bits`; `None` for a unit of the whole IPv6 space.
pub fn unit_size(host_bits: u8) -> Option<u128> {
    1u128.checked_shl(u32::from(host_bits))
}

/// `value` rounded up to a multiple of `size` (a power of two); `None` past the top.
pub fn align_up(value: u128, size: u128) -> Option<u128> {
    let mask = size - 1;
    value.checked_add(mask).map(|v| v & !mask)
}

/// The lowest start of an aligned unit of `host_bits` inside `range`, at or after `from`, that
/// overlaps none of `busy`. `busy` holds inclusive `(start, end)` intervals sorted by start;
/// they may overlap each other.
pub fn first_fit(
    range: AddrRange,
    host_bits: u8,
    from: u128,
    busy: impl IntoIterator<Item = (u128, u128)>,
) -> Option<u128> {
    let size = unit_size(host_bits)?;
    let fits = |start: u128| start.checked_add(size - 1).filter(|end| *end <= range.end);
    let mut candidate = align_up(range.start.max(from), size)?;
    let mut candidate_end = fits(candidate)?;
    for (start, end) in busy {
        if end < candidate {
            continue;
        }
        if start > candidate_end {
            break;
        }
        candidate = align_up(end.checked_add(1)?, size)?;
        candidate_end = fits(candidate)?;
    }
    Some(candidate)
}

#[cfg(test)]
pub mod reference {
    //! The deliberately naive version the fast one is checked against.
    use crate::net::AddrRange;

    pub fn first_fit(
        range: AddrRange,
        host_bits: u8,
        from: u128,
        busy: &[(u128, u128)],
    ) -> Option<u128> {
        let size = 1u128 << host_bits;
        let mut candidate = range.start;
        while candidate.checked_add(size - 1)? <= range.end {
            let end = candidate + size - 1;
            let aligned = candidate.is_multiple_of(size);
            let clear = busy.iter().all(|(s, e)| *e < candidate || *s > end);
            if aligned && candidate >= from && clear {
                return Some(candidate);
            }
            candidate += 1;
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::net::Family;
    use proptest::prelude::*;

    fn range(start: u128, end: u128) -> AddrRange {
        AddrRange {
            family: Family::V4,
            start,
            end,
        }
    }

    #[test]
    fn skips_busy_intervals_and_aligns_prefixes() {
        let r = range(0, 255);
        assert_eq!(first_fit(r, 0, 0, [(0, 0), (1, 5), (7, 7)]), Some(6));
        assert_eq!(first_fit(r, 3, 0, [(0, 0), (9, 9)]), Some(16));
        assert_eq!(first_fit(r, 0, 0, [(0, 255)]), None);
        assert_eq!(first_fit(r, 0, 250, [(0, 3)]), Some(250));
    }

    #[test]
    fn never_runs_past_the_top_of_ipv6() {
        let top = AddrRange {
            family: Family::V6,
            start: u128::MAX - 3,
            end: u128::MAX,
        };
        assert_eq!(first_fit(top, 0, 0, [(u128::MAX - 3, u128::MAX)]), None);
        assert_eq!(
            first_fit(top, 1, 0, [(u128::MAX - 3, u128::MAX - 2)]),
            Some(u128::MAX - 1)
        );
    }

    fn sorted(mut busy: Vec<(u128, u128)>) -> Vec<(u128, u128)> {
        busy = busy
            .into_iter()
            .map(|(a, b)| (a.min(b), a.max(b)))
            .collect();
        busy.sort();
        busy
    }

    proptest! {
        #[test]
        fn agrees_with_the_naive_reference(
            lo in 0u128..200,
            len in 0u128..300,
            host_bits in 0u8..5,
            from in 0u128..500,
            busy in proptest::collection::vec((0u128..520, 0u128..520), 0..25),
        ) {
            let r = range(lo, lo + len);
            let busy = sorted(busy);
            prop_assert_eq!(
                first_fit(r, host_bits, from, busy.iter().copied()),
                reference::first_fit(r, host_bits, from, &busy)
            );
        }
    }
}
