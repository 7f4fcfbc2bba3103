//! Changes of free space other than taking units: addresses given back (releases, ended
//! quarantines, rules removed, child subnets deleted) and ranges carved out (rules added,
//! child subnets created).

use super::blocked::{self, Blocked};
use super::blocks::Run;
use super::rows;
use crate::audit;
use crate::ipam::addresses::{self, AddressRow, ROW_COLUMNS};
use crate::ipam::model::{State, Subnet};
use crate::net::range::merge;
use crate::net::{Addr, AddrRange};
use crate::store::{Failure, Outcome, Tx, expect_rows};
use mysql::prelude::Queryable;
use mysql::{Row, params};
use serde_json::json;

/// Makes `intervals` of a sparse subnet free again, minus its blocked ranges, merged with
/// the free runs they touch so that no two free runs ever touch. The caller has removed
/// whatever rows held them.
pub fn give_back(
    tx: &mut Tx<'_>,
    subnet: &Subnet,
    blocked: &Blocked,
    intervals: &[(u128, u128)],
) -> Outcome<()> {
    let family = subnet.family();
    let mut sorted: Vec<AddrRange> = intervals
        .iter()
        .map(|(s, e)| AddrRange {
            family,
            start: *s,
            end: *e,
        })
        .collect();
    sorted = merge(sorted);
    let flat: Vec<(u128, u128)> = sorted.iter().map(|r| (r.start, r.end)).collect();
    for (start, end) in blocked::minus(&flat, &blocked.intervals()) {
        let (below, above) = rows::neighbours(tx, subnet.id, family, start, end)?;
        let merged = Run {
            start: below.map_or(start, |(_, r)| r.start),
            end: above.map_or(end, |(_, r)| r.end),
        };
        match (below, above) {
            (Some((low, _)), Some((high, _))) => {
                rows::delete_free(tx, &[high])?;
                rows::move_free(tx, family, low, merged)?;
            }
            (Some((id, _)), None) | (None, Some((id, _))) => {
                rows::move_free(tx, family, id, merged)?
            }
            (None, None) => rows::insert_free(tx, subnet.id, family, &[merged])?,
        }
    }
    Ok(())
}

/// Gives back ranges that were blocked (a rule removed, a child subnet deleted), except
/// where rows lie: an address assigned before its rule stays with its holder.
pub fn reopen(
    tx: &mut Tx<'_>,
    subnet: &Subnet,
    blocked: &Blocked,
    intervals: &[(u128, u128)],
) -> Outcome<()> {
    let mut open = Vec::new();
    for &(lo, hi) in intervals {
        let rows = rows_within(tx, subnet, lo, hi)?;
        open.extend(blocked::minus(&[(lo, hi)], &rows));
    }
    give_back(tx, subnet, blocked, &open)
}

/// First and last address of every row (any state) overlapping `lo..=hi`, in order.
fn rows_within(tx: &mut Tx<'_>, subnet: &Subnet, lo: u128, hi: u128) -> Outcome<Vec<(u128, u128)>> {
    let family = subnet.family();
    let found: Vec<(Vec<u8>, Vec<u8>)> = tx.exec(
        "(SELECT address, last_address FROM mod_ipmanager_addresses WHERE subnet_id = :s AND address <= :lo            ORDER BY address DESC LIMIT 1)          UNION ALL          (SELECT address, last_address FROM mod_ipmanager_addresses WHERE subnet_id = :s AND address > :lo            AND address <= :hi ORDER BY address)",
        params! {"s" => subnet.id, "lo" => Addr::new(family, lo).to_bytes(), "hi" => Addr::new(family, hi).to_bytes()},
    )?;
    let mut out = Vec::with_capacity(found.len());
    for (a, b) in found {
        let (a, b) = (
            Addr::from_bytes(&a).map_err(Failure::Domain)?,
            Addr::from_bytes(&b).map_err(Failure::Domain)?,
        );
        if b.value >= lo {
            out.push((a.value, b.value));
        }
    }
    out.sort();
    Ok(out)
}

/// Takes `intervals` out of a sparse subnet's free space (they become blocked).
pub fn carve(tx: &mut Tx<'_>, subnet: &Subnet, intervals: &[(u128, u128)]) -> Outcome<()> {
    let family = subnet.family();
    for &(lo, hi) in intervals {
        for (id, run) in rows::overlapping(tx, subnet.id, family, lo, hi)? {
            let mut pieces = run.without(lo.max(run.start), hi.min(run.end)).into_iter();
            match pieces.next() {
                None => rows::delete_free(tx, &[id])?,
                Some(first) => {
                    rows::move_free(tx, family, id, first)?;
                    rows::insert_free(tx, subnet.id, family, &pieces.collect::<Vec<_>>())?;
                }
            }
        }
    }
    Ok(())
}

/// Frees a held row (re-read under the subnet lock): its addresses become free space again,
/// except those a rule or a child subnet blocks now. A stored subnet keeps its row, marked
/// free (or blocked with the reason); a sparse subnet merges the addresses into its free
/// rows. The update names the row's id, holder and state, so a row that changed since it
/// was read is never touched (and the attempt is run again).
pub fn free_row(
    tx: &mut Tx<'_>,
    subnet: &Subnet,
    blocked: &Blocked,
    row: &AddressRow,
) -> Outcome<()> {
    if subnet.stored {
        let reason = blocked.reason(row.first.value, row.last.value);
        tx.exec_drop(
            "UPDATE mod_ipmanager_addresses SET state = IF(:blocked, 'reserved', 'free'), blocked = :blocked, \
             note = :note, pool_id = NULL, service_id = NULL, quarantine_until = NULL, updated_at = UTC_TIMESTAMP() \
             WHERE id = :id AND state = :state AND service_id <=> :svc",
            params! {
                "blocked" => reason.is_some(), "note" => reason.unwrap_or(""), "id" => row.id,
                "state" => row.state.as_str(), "svc" => row.service_id,
            },
        )?;
        expect_rows(tx, 1, "freeing an address")?;
    } else {
        tx.exec_drop(
            "DELETE FROM mod_ipmanager_addresses WHERE id = :id AND state = :state AND service_id <=> :svc",
            params! {"id" => row.id, "state" => row.state.as_str(), "svc" => row.service_id},
        )?;
        expect_rows(tx, 1, "freeing an address")?;
        give_back(tx, subnet, blocked, &[(row.first.value, row.last.value)])?;
    }
    addresses::adjust_counters(tx, row, Some(row.state), None)
}

/// Most ended quarantines one call returns to free space; the daily job returns the rest.
const SETTLE_BATCH: usize = 1000;

/// Returns the subnet's quarantines that have run out to free space (under its lock).
/// Until then they count as held everywhere, so every reader agrees on what is free.
pub fn settle(tx: &mut Tx<'_>, subnet: &Subnet, blocked: &Blocked) -> Outcome<usize> {
    let found: Vec<Row> = tx.exec(
        format!(
            "SELECT {ROW_COLUMNS} FROM mod_ipmanager_addresses WHERE subnet_id = :s AND state = 'quarantined' \
             AND quarantine_until <= UTC_TIMESTAMP() ORDER BY quarantine_until LIMIT {SETTLE_BATCH}"
        ),
        params! {"s" => subnet.id},
    )?;
    let ended = found
        .into_iter()
        .map(|r| AddressRow::from_row(r).map_err(Failure::Domain))
        .collect::<Outcome<Vec<_>>>()?;
    for row in &ended {
        free_row(tx, subnet, blocked, row)?;
    }
    if !ended.is_empty() {
        let entries: Vec<(u64, serde_json::Value, String)> = ended
            .iter()
            .map(|r| {
                (
                    r.id,
                    json!({"address": r.display(), "state": State::Free.as_str()}),
                    format!("{}: its quarantine ended; it is free again.", r.display()),
                )
            })
            .collect();
        audit::record_many(tx, "address.quarantine_end", "address", &entries)?;
    }
    Ok(ended.len())
}
