//! Rows of "stored" subnets: one per address, generated at creation; blocked addresses are
//! kept as reserved rows marked `blocked` so they never count as usable.

use crate::net::AddrRange;
use crate::net::rules::BlockReason;
use crate::store::Outcome;
use mysql::prelude::Queryable;
use mysql::{Value, params};

/// Rows per INSERT: 6 placeholders each stays well under MySQL's 65,535 limit.
const BATCH_ROWS: usize = 4096;

/// Inserts a free (or blocked) row for every address of `range`.
pub fn generate(
    q: &mut impl Queryable,
    subnet_id: u64,
    range: AddrRange,
    prefix_len: u8,
    blocked: &[(AddrRange, BlockReason)],
) -> Outcome<u64> {
    let mut inserted = 0u64;
    let mut value = range.start;
    loop {
        let batch_end = range.end.min(value.saturating_add(BATCH_ROWS as u128 - 1));
        let rows = (batch_end - value + 1) as usize;
        let mut sql = String::with_capacity(64 + rows * 40);
        sql.push_str(
            "INSERT INTO mod_ipmanager_addresses \
             (subnet_id, address, last_address, prefix_len, size, state, blocked, note, updated_at) VALUES ",
        );
        let mut params: Vec<Value> = Vec::with_capacity(rows * 6);
        for (i, v) in (value..=batch_end).enumerate() {
            if i > 0 {
                sql.push(',');
            }
            sql.push_str("(?, ?, ?, ?, 1, ?, ?, ?, UTC_TIMESTAMP())");
            let bytes = crate::net::Addr::new(range.family, v).to_bytes();
            let reason = blocked
                .iter()
                .find(|(r, _)| r.contains(v))
                .map(|(_, why)| why.as_str());
            params.push(subnet_id.into());
            params.push(bytes.clone().into());
            params.push(bytes.into());
            params.push(prefix_len.into());
            params.push(if reason.is_some() { "reserved" } else { "free" }.into());
            params.push(u8::from(reason.is_some()).into());
            params.push(reason.unwrap_or("").into());
        }
        q.exec_drop(sql, params)?;
        inserted += rows as u64;
        if batch_end == range.end {
            return Ok(inserted);
        }
        value = batch_end + 1;
    }
}

/// Marks free rows inside `range` as blocked for `reason`.
pub fn block(
    q: &mut impl Queryable,
    subnet_id: u64,
    range: AddrRange,
    reason: &str,
) -> Outcome<()> {
    q.exec_drop(
        "UPDATE mod_ipmanager_addresses SET state = 'reserved', blocked = 1, note = :note, updated_at = UTC_TIMESTAMP() \
         WHERE subnet_id = :subnet AND state = 'free' AND address BETWEEN :first AND :last",
        params! {
            "note" => reason, "subnet" => subnet_id,
            "first" => range.first().to_bytes(), "last" => range.last().to_bytes(),
        },
    )?;
    Ok(())
}

/// Frees rows that were blocked, except those covered by child subnets (unless `children`
/// is true, when a child is deleted).
pub fn unblock(
    q: &mut impl Queryable,
    subnet_id: u64,
    range: AddrRange,
    children: bool,
) -> Outcome<()> {
    let sql = if children {
        "UPDATE mod_ipmanager_addresses SET state = 'free', blocked = 0, note = '', updated_at = UTC_TIMESTAMP() \
         WHERE subnet_id = :subnet AND blocked = 1 AND note = 'subnet' AND address BETWEEN :first AND :last"
    } else {
        "UPDATE mod_ipmanager_addresses SET state = 'free', blocked = 0, note = '', updated_at = UTC_TIMESTAMP() \
         WHERE subnet_id = :subnet AND blocked = 1 AND note <> 'subnet' AND address BETWEEN :first AND :last"
    };
    q.exec_drop(
        sql,
        params! {"subnet" => subnet_id, "first" => range.first().to_bytes(), "last" => range.last().to_bytes()},
    )?;
    Ok(())
}
