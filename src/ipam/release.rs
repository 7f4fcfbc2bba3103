//! Taking allocations back, and listing what is free.
//!
//! Every release locks the subnet first, then reads the row it changes under that lock and
//! changes it only if its id, holder and state are still what was read (`space::give`).

use super::addresses::{self, AddressRow, ROW_COLUMNS};
use super::allocator::{self, Target};
use super::model::{State, Subnet};
use super::space::{Blocked, available, give, rows};
use super::{pools, subnets};
use crate::error::{Error, Result};
use crate::net::{Addr, Cidr};
use crate::store::{Db, Failure, Outcome, RetryPolicy, Tx, expect_rows};
use mysql::prelude::Queryable;
use mysql::{Row, params};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ReleaseMode {
    /// Held back for `hours` before it can be handed out again (0 = free at once).
    Quarantine {
        hours: u32,
    },
    Free,
}

/// How a caller asked to release: to quarantine (for `hours`, or the addon's setting when
/// not given) or free at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ModeChoice {
    #[default]
    Setting,
    Quarantine {
        hours: u32,
    },
    Free,
}

impl ModeChoice {
    /// The mode to apply; `setting_hours` is asked only when the caller left the hours to
    /// the addon's setting, so a free release reads no settings.
    pub fn resolve(self, setting_hours: impl FnOnce() -> Result<u32>) -> Result<ReleaseMode> {
        Ok(match self {
            ModeChoice::Setting => ReleaseMode::Quarantine {
                hours: setting_hours()?,
            },
            ModeChoice::Quarantine { hours } => ReleaseMode::Quarantine { hours },
            ModeChoice::Free => ReleaseMode::Free,
        })
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Released {
    pub address: String,
    pub subnet_id: u64,
    pub service_id: Option<u32>,
    pub state: String,
}

/// A subnet locked for a change, with its blocked ranges.
pub struct LockedSubnet {
    pub subnet: Subnet,
    pub blocked: Blocked,
}

/// Locks the subnet row and reads it (with its child subnets) under the lock.
pub fn lock_subnet(tx: &mut Tx<'_>, id: u64) -> Outcome<LockedSubnet> {
    tx.exec_drop(
        "SELECT id FROM mod_ipmanager_subnets WHERE id = :id FOR UPDATE",
        params! {"id" => id},
    )?;
    let subnet = subnets::load(tx, id)?;
    let blocked = Blocked::read(tx, &subnet)?;
    Ok(LockedSubnet { subnet, blocked })
}

/// Locks several subnets in ascending id order (the one order every path uses).
pub fn lock_subnets(tx: &mut Tx<'_>, ids: &[u64]) -> Outcome<Vec<LockedSubnet>> {
    let mut ids = ids.to_vec();
    ids.sort();
    ids.dedup();
    ids.into_iter().map(|id| lock_subnet(tx, id)).collect()
}

/// The address or prefix a caller named (`192.0.2.5`, `2001:db8:1::/64`).
pub fn parse_unit(text: &str, what: &str) -> Result<Cidr> {
    let trimmed = text.trim();
    if trimmed.contains('/') {
        Cidr::parse(trimmed)
    } else {
        Ok(Cidr::host(Addr::parse(trimmed, what)?))
    }
}

/// Releases one address or prefix (`192.0.2.5`, `2001:db8:1::/64`).
pub fn release_address(db: &Db, text: &str, mode: ReleaseMode) -> Result<Released> {
    let addr = parse_unit(text, "Address")?.network();
    let shown = text.trim().to_string();
    db.transaction(RetryPolicy::Transient, |tx| {
        let subnet_id =
            addresses::subnet_of(tx, addr)?.ok_or_else(|| addresses::not_found(&shown))?;
        let locked = lock_subnet(tx, subnet_id)?;
        let row =
            addresses::held_at(tx, subnet_id, addr)?.ok_or_else(|| addresses::not_found(&shown))?;
        if row.state == State::Releasing {
            return Err(Error::Conflict(format!(
                "{shown} is being removed from its panel and is released once the panel confirms; \
                 retry the removal, or force it, under Integrations."
            ))
            .into());
        }
        release_row(tx, &locked, &row, mode)
    })
}

/// Releases everything `service_id` holds (optionally only from one pool). Units being
/// removed from their panel are left to the panel's confirmation.
pub fn release_service(
    db: &Db,
    service_id: u32,
    pool_id: Option<u64>,
    mode: ReleaseMode,
) -> Result<Vec<Released>> {
    db.transaction(RetryPolicy::Transient, |tx| {
        let held = |tx: &mut Tx<'_>| -> Outcome<Vec<AddressRow>> {
            let rows: Vec<Row> = tx.exec(
                format!(
                    "SELECT {ROW_COLUMNS} FROM mod_ipmanager_addresses WHERE service_id = :svc \
                     AND (:pool IS NULL OR pool_id = :pool) AND state = 'assigned' \
                     ORDER BY subnet_id, address"
                ),
                params! {"svc" => service_id, "pool" => pool_id},
            )?;
            rows.into_iter()
                .map(|r| AddressRow::from_row(r).map_err(Failure::Domain))
                .collect()
        };
        // Which subnets to lock is read first; what to release is read again under the locks.
        let subnet_ids: Vec<u64> = held(tx)?.iter().map(|r| r.subnet_id).collect();
        let locked = lock_subnets(tx, &subnet_ids)?;
        let mut out = Vec::new();
        for row in held(tx)? {
            let Some(subnet) = locked.iter().find(|l| l.subnet.id == row.subnet_id) else {
                continue; // arrived after the request was made: not part of it
            };
            out.push(release_row(tx, subnet, &row, mode)?);
        }
        Ok(out)
    })
}

/// Releases a row read under its subnet's lock: into quarantine, or free at once.
pub fn release_row(
    tx: &mut Tx<'_>,
    locked: &LockedSubnet,
    row: &AddressRow,
    mode: ReleaseMode,
) -> Outcome<Released> {
    let hours = match mode {
        ReleaseMode::Quarantine { hours } if row.state.counts_as_assigned() => hours,
        _ => 0,
    };
    let state = if hours > 0 {
        tx.exec_drop(
            "UPDATE mod_ipmanager_addresses SET state = 'quarantined', note = '', \
             quarantine_until = UTC_TIMESTAMP() + INTERVAL :h HOUR, updated_at = UTC_TIMESTAMP() \
             WHERE id = :id AND state = :state AND service_id <=> :svc",
            params! {"h" => hours, "id" => row.id, "state" => row.state.as_str(), "svc" => row.service_id},
        )?;
        expect_rows(tx, 1, "quarantining an address")?;
        addresses::adjust_counters(tx, row, Some(row.state), Some(State::Quarantined))?;
        State::Quarantined
    } else {
        give::free_row(tx, &locked.subnet, &locked.blocked, row)?;
        State::Free
    };
    let what = match state {
        State::Quarantined => format!("released into quarantine for {hours} hour(s)"),
        _ => match locked.blocked.reason(row.first.value, row.last.value) {
            Some(reason) => format!("released; it stays blocked ({reason})"),
            None => "released (free)".to_string(),
        },
    };
    let owner = row
        .service_id
        .map(|s| format!(" from service #{s}"))
        .unwrap_or_default();
    crate::audit::record(
        tx,
        "address.release",
        ("address", row.id),
        Some(
            &serde_json::json!({"address": row.display(), "state": row.state.as_str(), "service_id": row.service_id, "pool_id": row.pool_id}),
        ),
        Some(&serde_json::json!({"address": row.display(), "state": state.as_str()})),
        &format!("{}{owner} {what}.", row.display()),
    )?;
    crate::netbox::mirror::enqueue(
        tx,
        crate::providers::outbox::Operation::Remove,
        row.service_id.unwrap_or(0),
        &[row.display()],
    )?;
    let mut gone_ptrs = vec![row.display()];
    gone_ptrs.extend(crate::dns::ptrs::forget_released(tx, row)?);
    gone_ptrs.dedup();
    crate::dns::mirror::enqueue(
        tx,
        crate::providers::outbox::Operation::Remove,
        locked.subnet.id,
        row.service_id.unwrap_or(0),
        &gone_ptrs,
    )?;
    Ok(Released {
        address: row.display(),
        subnet_id: locked.subnet.id,
        service_id: row.service_id,
        state: state.as_str().to_string(),
    })
}

/// Most units one free list returns.
pub const MAX_FREE_LIST: usize = 500;

/// The next `limit` free units of a pool or subnet after `after`: exactly the units the
/// allocator would hand out, in the order it would.
pub fn free_units(
    db: &Db,
    target: Target,
    after: Option<&str>,
    limit: usize,
) -> Result<Vec<String>> {
    let (subnet, pool) = db.run(RetryPolicy::Transient, |conn| match target {
        Target::Subnet(id) => Ok((subnets::load(conn, id)?, None)),
        Target::Pool(id) => {
            let pool = pools::load(conn, id)?;
            Ok((subnets::load(conn, pool.subnet_id)?, Some(pool)))
        }
    })?;
    while settle(db, subnet.id)? > 0 {}
    let family = subnet.family();
    let (range, unit_prefix) = match &pool {
        Some(p) => (allocator::clip(p.range, &subnet), p.unit_prefix_len),
        None => (subnet.cidr.range(), family.bits()),
    };
    let unit_bits = family.bits() - unit_prefix;
    let from = match after.map(str::trim).filter(|s| !s.is_empty()) {
        None => Some(range.start),
        Some(text) => {
            let cidr = parse_unit(text, "Start")?;
            if cidr.family() != family {
                return Err(Error::invalid(format!(
                    "'{text}' is an {} address, but {} holds {} addresses.",
                    crate::net::cidr::family_name(cidr.family()),
                    subnet.cidr,
                    crate::net::cidr::family_name(family)
                )));
            }
            // The unit after the one that holds `after`.
            crate::ipam::gaps::unit_size(unit_bits)
                .and_then(|size| {
                    (cidr.network().value / size)
                        .checked_add(1)?
                        .checked_mul(size)
                })
                .map(|next| next.max(range.start))
        }
    };
    let Some(from) = from.filter(|f| *f <= range.end) else {
        return Ok(Vec::new());
    };
    let limit = limit.min(MAX_FREE_LIST);
    let range = crate::net::AddrRange {
        start: from,
        ..range
    };
    db.run(RetryPolicy::Transient, |conn| {
        let blocked = Blocked::read(conn, &subnet)?.intervals();
        let mut reader = rows::Candidates::new(subnet.id, family, range, unit_prefix, 256);
        let mut out: Vec<String> = Vec::new();
        while out.len() < limit {
            let batch = reader.next_batch(conn)?;
            if batch.is_empty() {
                break;
            }
            let runs = batch.into_iter().map(|(_, r)| r);
            for unit in available::units(runs, range, unit_bits, &blocked, limit - out.len()) {
                let addr = Addr::new(family, unit.start());
                out.push(allocator::unit_text(addr, unit_prefix).map_err(Failure::Domain)?);
            }
        }
        Ok(out)
    })
}

/// Returns the subnet's ended quarantines to free space, if it has any (a short locked
/// transaction; most calls only look). Returns how many were returned.
pub fn settle(db: &Db, subnet_id: u64) -> Result<u64> {
    let any: Option<u8> = db.run(RetryPolicy::Transient, |conn| {
        Ok(conn.exec_first(
            "SELECT 1 FROM mod_ipmanager_addresses WHERE subnet_id = :s AND state = 'quarantined' \
             AND quarantine_until <= UTC_TIMESTAMP() LIMIT 1",
            params! {"s" => subnet_id},
        )?)
    })?;
    if any.is_none() {
        return Ok(0);
    }
    db.transaction(RetryPolicy::Transient, |tx| {
        let locked = lock_subnet(tx, subnet_id)?;
        give::settle(tx, &locked.subnet, &locked.blocked).map(|n| n as u64)
    })
}

/// Settles every subnet that has ended quarantines (before listing utilization, and daily).
/// Returns how many quarantines ended.
pub fn settle_all(db: &Db) -> Result<u64> {
    let subnet_ids: Vec<u64> = db.run(RetryPolicy::Transient, |conn| {
        Ok(conn.query(
            "SELECT DISTINCT subnet_id FROM mod_ipmanager_addresses WHERE state = 'quarantined' \
             AND quarantine_until <= UTC_TIMESTAMP()",
        )?)
    })?;
    let mut ended = 0;
    for id in subnet_ids {
        // A subnet with more than one batch of ended quarantines is settled batch by batch.
        loop {
            let n = settle(db, id)?;
            ended += n;
            if n == 0 {
                break;
            }
        }
    }
    Ok(ended)
}
