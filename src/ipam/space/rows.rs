//! Free rows in the database: finding them and writing what taking units changed.
//!
//! A free row of a sparse subnet stores one free run: `address` and `last_address` are its
//! ends, `prefix_len` the prefix length of the largest aligned block inside it (so a search
//! for units of a size skips runs that are too small), `size` its length. A stored subnet's
//! free rows are single addresses.

use super::blocks::{Block, Run};
use super::free_set::Changes;
use crate::error::Error;
use crate::net::{Addr, AddrRange, Family};
use crate::store::{Counted, Failure, Outcome, Tx, expect_rows};
use mysql::prelude::Queryable;
use mysql::{Value, params};

/// Who a taken unit goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Owner {
    pub service_id: u32,
    pub pool_id: Option<u64>,
}

/// A stored free row into its run.
pub fn run_of(first: &[u8], last: &[u8]) -> crate::Result<Run> {
    let (a, b) = (Addr::from_bytes(first)?, Addr::from_bytes(last)?);
    Run::new(a.value, b.value)
        .filter(|_| a.family == b.family)
        .ok_or_else(|| {
            Error::Internal(format!(
                "A free row {a}-{b} runs backwards; the row is damaged."
            ))
        })
}

fn parse(rows: Vec<(u64, Vec<u8>, Vec<u8>)>) -> Outcome<Vec<(u64, Run)>> {
    rows.into_iter()
        .map(|(id, a, b)| Ok((id, run_of(&a, &b)?)))
        .collect::<crate::Result<Vec<_>>>()
        .map_err(Failure::Domain)
}

/// The lowest free runs able to hold a unit of `max_prefix_len` (or longer) that reach into
/// `from..=hi`: the run holding `from` (if one does) and up to `limit` runs after it.
pub fn candidates(
    q: &mut impl Queryable,
    subnet_id: u64,
    family: Family,
    from: u128,
    hi: u128,
    max_prefix_len: u8,
    limit: usize,
) -> Outcome<Vec<(u64, Run)>> {
    let rows: Vec<(u64, Vec<u8>, Vec<u8>)> = q.exec(
        "(SELECT id, address, last_address FROM mod_ipmanager_addresses WHERE subnet_id = :s AND state = 'free' \
           AND address <= :from ORDER BY address DESC LIMIT 1) \
         UNION ALL \
         (SELECT id, address, last_address FROM mod_ipmanager_addresses WHERE subnet_id = :s AND state = 'free' \
           AND address > :from AND address <= :hi AND prefix_len <= :len ORDER BY address LIMIT :limit)",
        params! {
            "s" => subnet_id, "from" => Addr::new(family, from).to_bytes(), "hi" => Addr::new(family, hi).to_bytes(),
            "len" => max_prefix_len, "limit" => limit as u64,
        },
    )?;
    let mut found = parse(rows)?;
    // The run at or below `from` counts only if it reaches `from` and is large enough.
    let bits = family.bits() - max_prefix_len;
    found.retain(|(_, r)| r.end >= from && r.fit() >= bits);
    found.sort_by_key(|(_, r)| r.start);
    Ok(found)
}

/// The free runs able to hold a unit in a range, read from the lowest up, a batch at a time
/// (the allocator usually needs one batch; the free list and utilization may read on).
pub struct Candidates {
    subnet_id: u64,
    family: Family,
    unit_prefix: u8,
    end: u128,
    batch: usize,
    /// Where the next batch starts; `None` once the range is read.
    next: Option<u128>,
}

impl Candidates {
    pub fn new(
        subnet_id: u64,
        family: Family,
        range: AddrRange,
        unit_prefix: u8,
        batch: usize,
    ) -> Self {
        Candidates {
            subnet_id,
            family,
            unit_prefix,
            end: range.end,
            batch,
            next: Some(range.start),
        }
    }

    /// The next runs in address order; empty once there are no more.
    pub fn next_batch(&mut self, q: &mut impl Queryable) -> Outcome<Vec<FreeRow>> {
        let Some(from) = self.next else {
            return Ok(Vec::new());
        };
        let found = candidates(
            q,
            self.subnet_id,
            self.family,
            from,
            self.end,
            self.unit_prefix,
            self.batch,
        )?;
        let full = found.iter().filter(|(_, r)| r.start > from).count() >= self.batch;
        self.next = found
            .last()
            .and_then(|(_, r)| r.end.checked_add(1))
            .filter(|next| full && *next <= self.end);
        Ok(found)
    }
}

/// Every free run overlapping `lo..=hi`, in address order.
pub fn overlapping(
    q: &mut impl Queryable,
    subnet_id: u64,
    family: Family,
    lo: u128,
    hi: u128,
) -> Outcome<Vec<(u64, Run)>> {
    let rows: Vec<(u64, Vec<u8>, Vec<u8>)> = q.exec(
        "(SELECT id, address, last_address FROM mod_ipmanager_addresses WHERE subnet_id = :s AND state = 'free' \
           AND address <= :lo ORDER BY address DESC LIMIT 1) \
         UNION ALL \
         (SELECT id, address, last_address FROM mod_ipmanager_addresses WHERE subnet_id = :s AND state = 'free' \
           AND address > :lo AND address <= :hi ORDER BY address)",
        params! {"s" => subnet_id, "lo" => Addr::new(family, lo).to_bytes(), "hi" => Addr::new(family, hi).to_bytes()},
    )?;
    let mut found = parse(rows)?;
    found.retain(|(_, r)| r.end >= lo);
    found.sort_by_key(|(_, r)| r.start);
    Ok(found)
}

/// A free row: its id and the run it stores.
pub type FreeRow = (u64, Run);

/// The free runs that end right before `start` and begin right after `end`, if any: the
/// neighbours a run given back merges with.
pub fn neighbours(
    q: &mut impl Queryable,
    subnet_id: u64,
    family: Family,
    start: u128,
    end: u128,
) -> Outcome<(Option<FreeRow>, Option<FreeRow>)> {
    let before = start.checked_sub(1);
    let after = end.checked_add(1).filter(|a| *a <= family.max_value());
    let rows: Vec<(u64, Vec<u8>, Vec<u8>)> = q.exec(
        "(SELECT id, address, last_address FROM mod_ipmanager_addresses WHERE subnet_id = :s AND state = 'free' \
           AND :before IS NOT NULL AND address <= :before ORDER BY address DESC LIMIT 1) \
         UNION ALL \
         (SELECT id, address, last_address FROM mod_ipmanager_addresses WHERE subnet_id = :s AND state = 'free' \
           AND address = :after)",
        params! {
            "s" => subnet_id, "before" => before.map(|b| Addr::new(family, b).to_bytes()),
            "after" => after.map(|a| Addr::new(family, a).to_bytes()),
        },
    )?;
    let found = parse(rows)?;
    let below = found.iter().find(|(_, r)| Some(r.end) == before).copied();
    let above = found.iter().find(|(_, r)| Some(r.start) == after).copied();
    Ok((below, above))
}

/// Rows per multi-row INSERT: 9 placeholders each stays well under MySQL's 65,535 limit.
const INSERT_BATCH: usize = 2000;

/// Writes what taking units changed: free rows moved or deleted, new free runs stored, and
/// the units as assigned rows (a unit that was exactly a free row keeps that row). Every
/// statement checks that it found the rows it expected, so nothing is written over a row
/// that changed.
pub fn write(
    tx: &mut Tx<'_>,
    subnet_id: u64,
    family: Family,
    changes: &Changes,
    owners: &[Owner],
) -> Outcome<()> {
    if owners.len() != changes.units.len() {
        return Err(Error::Internal("Every taken unit needs its owner.".into()).into());
    }
    delete_free(tx, &changes.deleted)?;
    for (id, run) in &changes.moved {
        move_free(tx, family, *id, *run)?;
    }
    insert_free(tx, subnet_id, family, &changes.new_free)?;
    let units: Vec<(Block, Option<u64>, Owner)> = changes
        .units
        .iter()
        .zip(owners)
        .map(|((block, id), owner)| (*block, *id, *owner))
        .collect();
    for chunk in units.chunks(INSERT_BATCH) {
        let mut sql = String::from(
            "INSERT INTO mod_ipmanager_addresses (subnet_id, pool_id, address, last_address, prefix_len, size, state, \
             service_id, updated_at) VALUES ",
        );
        let mut values: Vec<Value> = Vec::with_capacity(chunk.len() * 7);
        for (i, (block, _, owner)) in chunk.iter().enumerate() {
            if i > 0 {
                sql.push(',');
            }
            sql.push_str(
                "(?, ?, ?, ?, ?, CAST(? AS DECIMAL(39,0)), 'assigned', ?, UTC_TIMESTAMP())",
            );
            let run = Run {
                start: block.start(),
                end: block.end(),
            };
            values.extend(row_values(
                subnet_id,
                family,
                run,
                family.bits() - block.host_bits(),
                owner.pool_id,
            ));
            values.push(owner.service_id.into());
        }
        // A unit that was exactly a free row takes that row over; `state` is set last so the
        // other columns still see the old state, and a row that is not free stays untouched
        // (and the row count below shows it).
        sql.push_str(
            " ON DUPLICATE KEY UPDATE pool_id = IF(state = 'free', VALUES(pool_id), pool_id), \
             service_id = IF(state = 'free', VALUES(service_id), service_id), \
             prefix_len = IF(state = 'free', VALUES(prefix_len), prefix_len), \
             quarantine_until = IF(state = 'free', NULL, quarantine_until), note = IF(state = 'free', '', note), \
             updated_at = IF(state = 'free', VALUES(updated_at), updated_at), \
             state = IF(state = 'free', 'assigned', state)",
        );
        tx.exec_drop(sql, values)?;
        let converted = chunk.iter().filter(|(_, id, _)| id.is_some()).count() as u64;
        let inserted = chunk.len() as u64 - converted;
        expect_rows(tx, inserted + 2 * converted, "taking free units")?;
    }
    Ok(())
}

/// Makes a free row store another run (only while it is still free).
pub fn move_free(tx: &mut impl Counted, family: Family, id: u64, run: Run) -> Outcome<()> {
    tx.exec_drop(
        "UPDATE mod_ipmanager_addresses SET address = :a, last_address = :b, prefix_len = :len, \
         size = CAST(:size AS DECIMAL(39,0)), updated_at = UTC_TIMESTAMP() WHERE id = :id AND state = 'free'",
        params! {
            "a" => Addr::new(family, run.start).to_bytes(), "b" => Addr::new(family, run.end).to_bytes(),
            "len" => family.bits() - run.fit(), "size" => crate::net::Amount::of_size(run.size()).to_string(), "id" => id,
        },
    )?;
    expect_rows(tx, 1, "moving a free run")
}

/// Removes free rows (only while they are still free).
pub fn delete_free(tx: &mut impl Counted, ids: &[u64]) -> Outcome<()> {
    for chunk in ids.chunks(INSERT_BATCH) {
        let marks = vec!["?"; chunk.len()].join(",");
        let values: Vec<Value> = chunk.iter().map(|id| (*id).into()).collect();
        tx.exec_drop(
            format!("DELETE FROM mod_ipmanager_addresses WHERE state = 'free' AND id IN ({marks})"),
            values,
        )?;
        expect_rows(tx, chunk.len() as u64, "removing split free rows")?;
    }
    Ok(())
}

/// Stores free runs as free rows.
pub fn insert_free(
    tx: &mut impl Counted,
    subnet_id: u64,
    family: Family,
    runs: &[Run],
) -> Outcome<()> {
    for chunk in runs.chunks(INSERT_BATCH) {
        let mut sql = String::from(
            "INSERT INTO mod_ipmanager_addresses (subnet_id, pool_id, address, last_address, prefix_len, size, state, \
             updated_at) VALUES ",
        );
        let mut values: Vec<Value> = Vec::with_capacity(chunk.len() * 6);
        for (i, run) in chunk.iter().enumerate() {
            if i > 0 {
                sql.push(',');
            }
            sql.push_str("(?, ?, ?, ?, ?, CAST(? AS DECIMAL(39,0)), 'free', UTC_TIMESTAMP())");
            values.extend(row_values(
                subnet_id,
                family,
                *run,
                family.bits() - run.fit(),
                None,
            ));
        }
        tx.exec_drop(sql, values)?;
        expect_rows(tx, chunk.len() as u64, "storing free blocks")?;
    }
    Ok(())
}

/// subnet, pool, first, last, prefix length, size: the columns every row starts with.
fn row_values(
    subnet_id: u64,
    family: Family,
    run: Run,
    prefix_len: u8,
    pool_id: Option<u64>,
) -> [Value; 6] {
    [
        subnet_id.into(),
        pool_id.into(),
        Addr::new(family, run.start).to_bytes().into(),
        Addr::new(family, run.end).to_bytes().into(),
        prefix_len.into(),
        crate::net::Amount::of_size(run.size()).to_string().into(),
    ]
}
