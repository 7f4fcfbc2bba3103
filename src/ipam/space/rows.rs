//! Free rows in the database: finding them, and the single-row changes of a release
//! (`taking` writes what an allocation changed).
//!
//! A free row of a sparse subnet stores one free run: `address` and `last_address` are its
//! ends, `prefix_len` the prefix length of the largest aligned block inside it (so a search
//! for units of a size skips runs that are too small), `size` its length. A stored subnet's
//! free rows are single addresses.

use super::blocks::Run;
use crate::error::Error;
use crate::net::{Addr, AddrRange, Family};
use crate::store::{Counted, Failure, Outcome, expect_rows};
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

/// Where a candidates read takes its bounds from: SQL expressions over the tables it adds to
/// the query. The prepared reader passes placeholders; the allocator's read packet joins the
/// pool and subnet rows by primary key, which the optimizer reads first as constants, so the
/// bounds still give an index range.
pub struct Bounds<'a> {
    /// Tables joined besides the addresses (`a`), e.g. `, mod_ipmanager_subnets s`.
    pub tables: &'a str,
    /// What selects those tables' row, e.g. `s.id = 7` (`TRUE` when there are none).
    pub filter: &'a str,
    pub subnet: &'a str,
    pub from: &'a str,
    pub hi: &'a str,
    pub max_prefix_len: &'a str,
}

impl Bounds<'_> {
    /// Placeholders `:s`, `:from`, `:hi`, `:len` for a prepared statement.
    pub const PREPARED: Bounds<'static> = Bounds {
        tables: "",
        filter: "TRUE",
        subnet: ":s",
        from: ":from",
        hi: ":hi",
        max_prefix_len: ":len",
    };
}

/// The two SELECTs for the lowest free runs able to hold a unit of `max_prefix_len` (or
/// longer) that reach into `from..=hi`: the run at or below `from`, and up to `limit` runs
/// after it. Each selects `columns` (over `a`, the addresses table).
///
/// The index is named because the optimizer, seeing ORDER BY address, tends to walk
/// (subnet, address) and skip every held row one by one (2,000 rows read for 5 in a busy
/// stored subnet).
pub fn candidate_selects(columns: &str, b: &Bounds<'_>, limit: usize) -> [String; 2] {
    let from = format!(
        "FROM mod_ipmanager_addresses a FORCE INDEX (idx_addresses_free){} WHERE {} AND a.subnet_id = {} \
         AND a.state = 'free'",
        b.tables, b.filter, b.subnet
    );
    [
        format!(
            "SELECT {columns} {from} AND a.address <= {} ORDER BY a.address DESC LIMIT 1",
            b.from
        ),
        format!(
            "SELECT {columns} {from} AND a.address > {} AND a.address <= {} AND a.prefix_len <= {} \
             ORDER BY a.address LIMIT {limit}",
            b.from, b.hi, b.max_prefix_len
        ),
    ]
}

/// Both candidate SELECTs as one query returning `id, address, last_address`.
fn candidates_sql(limit: usize) -> String {
    let [below, above] =
        candidate_selects("a.id, a.address, a.last_address", &Bounds::PREPARED, limit);
    format!("({below}) UNION ALL ({above})")
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
        let rows: Vec<(u64, Vec<u8>, Vec<u8>)> = q.exec(
            candidates_sql(self.batch),
            params! {
                "s" => self.subnet_id, "from" => Addr::new(self.family, from).to_bytes(),
                "hi" => Addr::new(self.family, self.end).to_bytes(), "len" => self.unit_prefix,
            },
        )?;
        self.accept(rows)
    }

    /// Takes a batch read by `candidate_selects` for the current start (by `next_batch`, or
    /// by a packet that read the first batch with its lock) and moves on past it.
    pub fn accept(&mut self, rows: Vec<RawFreeRow>) -> Outcome<Vec<FreeRow>> {
        let Some(from) = self.next else {
            return Ok(Vec::new());
        };
        let mut found = parse(rows)?;
        // The run at or below `from` counts only if it reaches `from` and is large enough.
        let bits = self.family.bits() - self.unit_prefix;
        found.retain(|(_, r)| r.end >= from && r.fit() >= bits);
        found.sort_by_key(|(_, r)| r.start);
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

/// A free row as a query returns it: id, first and last address.
pub type RawFreeRow = (u64, Vec<u8>, Vec<u8>);

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
