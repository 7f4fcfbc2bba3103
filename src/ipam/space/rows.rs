//! Free rows in the database: finding them and writing what taking units changed.

use super::blocks::Block;
use super::free_set::Changes;
use crate::error::Error;
use crate::net::{Addr, Family};
use crate::store::{Counted, Failure, Outcome, Tx, expect_rows};
use mysql::prelude::Queryable;
use mysql::{Value, params};

/// Who a taken unit goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Owner {
    pub service_id: u32,
    pub pool_id: Option<u64>,
}

/// A stored free row: (id, address bytes, prefix length) into its block.
pub fn block_of(family: Family, address: &[u8], prefix_len: u8) -> crate::Result<Block> {
    let addr = Addr::from_bytes(address)?;
    let host_bits = family.bits().checked_sub(prefix_len);
    host_bits
        .filter(|_| addr.family == family)
        .and_then(|bits| Block::new(addr.value, bits))
        .ok_or_else(|| {
            Error::Internal(format!(
                "A free row {addr}/{prefix_len} is not an aligned block of its subnet; the row is damaged."
            ))
        })
}

fn parse(family: Family, rows: Vec<(u64, Vec<u8>, u8)>) -> Outcome<Vec<(u64, Block)>> {
    rows.into_iter()
        .map(|(id, a, len)| Ok((id, block_of(family, &a, len)?)))
        .collect::<crate::Result<Vec<_>>>()
        .map_err(Failure::Domain)
}

/// The lowest free rows able to hold a unit of `max_prefix_len` (or longer) that reach into
/// `from..=hi`: the row holding `from` (if one does) and up to `limit` rows after it.
pub fn candidates(
    q: &mut impl Queryable,
    subnet_id: u64,
    family: Family,
    from: u128,
    hi: u128,
    max_prefix_len: u8,
    limit: usize,
) -> Outcome<Vec<(u64, Block)>> {
    let rows: Vec<(u64, Vec<u8>, u8)> = q.exec(
        "(SELECT id, address, prefix_len FROM mod_ipmanager_addresses WHERE subnet_id = :s AND state = 'free' \
           AND address <= :from ORDER BY address DESC LIMIT 1) \
         UNION ALL \
         (SELECT id, address, prefix_len FROM mod_ipmanager_addresses WHERE subnet_id = :s AND state = 'free' \
           AND address > :from AND address <= :hi AND prefix_len <= :len ORDER BY address LIMIT :limit)",
        params! {
            "s" => subnet_id, "from" => Addr::new(family, from).to_bytes(), "hi" => Addr::new(family, hi).to_bytes(),
            "len" => max_prefix_len, "limit" => limit as u64,
        },
    )?;
    let mut found = parse(family, rows)?;
    // The row at or below `from` counts only if it reaches `from` and is large enough.
    let bits = family.bits() - max_prefix_len;
    found.retain(|(_, b)| b.end() >= from && b.host_bits() >= bits);
    found.sort_by_key(|(_, b)| b.start());
    Ok(found)
}

/// Every free row overlapping `lo..=hi`, in address order.
pub fn overlapping(
    q: &mut impl Queryable,
    subnet_id: u64,
    family: Family,
    lo: u128,
    hi: u128,
) -> Outcome<Vec<(u64, Block)>> {
    let rows: Vec<(u64, Vec<u8>, u8)> = q.exec(
        "(SELECT id, address, prefix_len FROM mod_ipmanager_addresses WHERE subnet_id = :s AND state = 'free' \
           AND address <= :lo ORDER BY address DESC LIMIT 1) \
         UNION ALL \
         (SELECT id, address, prefix_len FROM mod_ipmanager_addresses WHERE subnet_id = :s AND state = 'free' \
           AND address > :lo AND address <= :hi ORDER BY address)",
        params! {"s" => subnet_id, "lo" => Addr::new(family, lo).to_bytes(), "hi" => Addr::new(family, hi).to_bytes()},
    )?;
    let mut found = parse(family, rows)?;
    found.retain(|(_, b)| b.end() >= lo);
    found.sort_by_key(|(_, b)| b.start());
    Ok(found)
}

/// Rows per multi-row INSERT: 9 placeholders each stays well under MySQL's 65,535 limit.
const INSERT_BATCH: usize = 2000;

/// Deletes split free rows, stores their remaining pieces and writes the taken units as
/// assigned rows (a unit that was exactly a free row keeps that row). Every statement checks
/// that it found the rows it expected, so nothing is written over a row that changed.
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
            values.extend(row_values(subnet_id, family, *block, owner.pool_id));
            values.push(owner.service_id.into());
        }
        // A unit that was exactly a free row takes that row over; `state` is set last so the
        // other columns still see the old state, and a row that is not free stays untouched
        // (and the row count below shows it).
        sql.push_str(
            " ON DUPLICATE KEY UPDATE pool_id = IF(state = 'free', VALUES(pool_id), pool_id), \
             service_id = IF(state = 'free', VALUES(service_id), service_id), \
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

/// Stores free blocks as free rows.
pub fn insert_free(
    tx: &mut impl Counted,
    subnet_id: u64,
    family: Family,
    blocks: &[Block],
) -> Outcome<()> {
    for chunk in blocks.chunks(INSERT_BATCH) {
        let mut sql = String::from(
            "INSERT INTO mod_ipmanager_addresses (subnet_id, pool_id, address, last_address, prefix_len, size, state, \
             updated_at) VALUES ",
        );
        let mut values: Vec<Value> = Vec::with_capacity(chunk.len() * 6);
        for (i, block) in chunk.iter().enumerate() {
            if i > 0 {
                sql.push(',');
            }
            sql.push_str("(?, ?, ?, ?, ?, CAST(? AS DECIMAL(39,0)), 'free', UTC_TIMESTAMP())");
            values.extend(row_values(subnet_id, family, *block, None));
        }
        tx.exec_drop(sql, values)?;
        expect_rows(tx, chunk.len() as u64, "storing free blocks")?;
    }
    Ok(())
}

/// subnet, pool, first, last, prefix length, size: the columns every row starts with.
fn row_values(subnet_id: u64, family: Family, block: Block, pool_id: Option<u64>) -> [Value; 6] {
    [
        subnet_id.into(),
        pool_id.into(),
        Addr::new(family, block.start()).to_bytes().into(),
        Addr::new(family, block.end()).to_bytes().into(),
        (family.bits() - block.host_bits()).into(),
        crate::net::Amount::of_size(block.size()).to_string().into(),
    ]
}
