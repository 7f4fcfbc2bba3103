//! Taking allocations back, and listing what is free.

use super::addresses::{self, AddressRow, ROW_COLUMNS};
use super::allocator::Target;
use super::busy::{self, Walker};
use super::gaps::{self, unit_size};
use super::model::{State, Subnet};
use super::{pools, subnets};
use crate::error::Result;
use crate::net::{Addr, Cidr};
use crate::store::{Db, Failure, Outcome, RetryPolicy};
use mysql::prelude::Queryable;
use mysql::{Row, Transaction, params};
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReleaseMode {
    /// Held back for `hours` before it can be handed out again (0 = free at once).
    Quarantine {
        hours: u32,
    },
    Free,
}

impl ReleaseMode {
    /// The `mode` a caller gave: 'quarantine' (the default) or 'free'. `hours` is asked only
    /// for a quarantine, so a free release reads no settings.
    pub fn parse(text: Option<&str>, hours: impl FnOnce() -> Result<u32>) -> Result<ReleaseMode> {
        match text.map(str::trim) {
            None | Some("") | Some("quarantine") => Ok(ReleaseMode::Quarantine { hours: hours()? }),
            Some("free") => Ok(ReleaseMode::Free),
            Some(other) => Err(crate::error::Error::invalid(format!(
                "Release mode '{other}' is not known; use 'quarantine' or 'free'."
            ))),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Released {
    pub address: String,
    pub subnet_id: u64,
    pub service_id: Option<u32>,
    pub state: &'static str,
}

/// Releases one address or prefix (`192.0.2.5`, `2001:db8:1::/64`).
pub fn release_address(db: &Db, text: &str, mode: ReleaseMode) -> Result<Released> {
    let trimmed = text.trim();
    let addr = if trimmed.contains('/') {
        Cidr::parse(trimmed)?.network
    } else {
        Addr::parse(trimmed, "Address")?
    };
    db.transaction(RetryPolicy::Transient, |tx| {
        let row = addresses::find(tx, addr)?.ok_or_else(|| addresses::not_found(trimmed))?;
        let subnet = lock_subnet(tx, row.subnet_id)?;
        release_row(tx, &subnet, &row, mode)
    })
}

/// Releases everything `service_id` holds (optionally only from one pool).
pub fn release_service(
    db: &Db,
    service_id: u32,
    pool_id: Option<u64>,
    mode: ReleaseMode,
) -> Result<Vec<Released>> {
    db.transaction(RetryPolicy::Transient, |tx| {
        let rows: Vec<Row> = tx.exec(
            format!("SELECT {ROW_COLUMNS} FROM mod_ipmanager_addresses WHERE service_id = :svc \
                     AND (:pool IS NULL OR pool_id = :pool) AND state IN ('assigned', 'releasing') ORDER BY subnet_id, address"),
            params! {"svc" => service_id, "pool" => pool_id},
        )?;
        let rows = rows.into_iter().map(|r| AddressRow::from_row(r).map_err(Failure::Domain)).collect::<Outcome<Vec<_>>>()?;
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            let subnet = lock_subnet(tx, row.subnet_id)?;
            out.push(release_row(tx, &subnet, &row, mode)?);
        }
        Ok(out)
    })
}

pub fn lock_subnet(tx: &mut Transaction<'_>, id: u64) -> Outcome<Subnet> {
    tx.exec_drop(
        "SELECT id FROM mod_ipmanager_subnets WHERE id = :id FOR UPDATE",
        params! {"id" => id},
    )?;
    subnets::load(tx, id)
}

pub fn release_row(
    tx: &mut Transaction<'_>,
    subnet: &Subnet,
    row: &AddressRow,
    mode: ReleaseMode,
) -> Outcome<Released> {
    let hours = match mode {
        ReleaseMode::Quarantine { hours } if row.state.counts_as_assigned() => hours,
        _ => 0,
    };
    let state = if hours > 0 {
        tx.exec_drop(
            "UPDATE mod_ipmanager_addresses SET state = 'quarantined', \
             quarantine_until = UTC_TIMESTAMP() + INTERVAL :h HOUR, updated_at = UTC_TIMESTAMP() WHERE id = :id",
            params! {"h" => hours, "id" => row.id},
        )?;
        addresses::adjust_counters(tx, row, Some(row.state), Some(State::Quarantined))?;
        State::Quarantined
    } else {
        addresses::set_free(tx, row)?;
        State::Free
    };
    let what = match state {
        State::Quarantined => format!("released into quarantine for {hours} hour(s)"),
        _ => "released (free)".to_string(),
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
    Ok(Released {
        address: row.display(),
        subnet_id: subnet.id,
        service_id: row.service_id,
        state: state.as_str(),
    })
}

/// The next `limit` free units of a pool or subnet from `after` on: what "free" lists, for
/// stored and sparse subnets alike.
pub fn free_units(
    db: &Db,
    target: Target,
    after: Option<&str>,
    limit: usize,
) -> Result<Vec<String>> {
    db.run(RetryPolicy::Transient, |conn| {
        let (subnet, pool) = match target {
            Target::Subnet(id) => (subnets::load(conn, id)?, None),
            Target::Pool(id) => {
                let pool = pools::load(conn, id)?;
                (subnets::load(conn, pool.subnet_id)?, Some(pool))
            }
        };
        let (range, unit_prefix) = match &pool {
            Some(p) => (busy::clip(p.range, &subnet), p.unit_prefix_len),
            None => (subnet.cidr.range(), subnet.family().bits()),
        };
        let host_bits = subnet.family().bits() - unit_prefix;
        let mut from = match after.map(str::trim).filter(|s| !s.is_empty()) {
            None => range.start,
            Some(text) => {
                let a = if text.contains('/') {
                    Cidr::parse(text)?.network
                } else {
                    Addr::parse(text, "Start")?
                };
                a.value
                    .saturating_add(unit_size(host_bits).unwrap_or(u128::MAX))
            }
        };
        let statics = busy::static_intervals(conn, &subnet)?;
        let mut out = Vec::new();
        while out.len() < limit.min(500) {
            let mut walker = Walker::new(conn, &subnet, statics.clone(), from, false)?;
            let found = gaps::first_fit(range, host_bits, from, &mut walker);
            if let Some(e) = walker.error.take() {
                return Err(e);
            }
            let Some(start) = found else { break };
            let addr = Addr::new(subnet.family(), start);
            out.push(Cidr::from_parts(addr, unit_prefix).unit_text());
            match start.checked_add(unit_size(host_bits).unwrap_or(u128::MAX)) {
                Some(next) => from = next,
                None => break,
            }
        }
        Ok(out)
    })
}
