//! Handing out addresses and prefixes, and taking them back.
//!
//! Every allocation in a subnet runs under that subnet's row lock (`SELECT … FOR UPDATE`),
//! so concurrent PHP workers are serialised where they could collide: pools of one subnet may
//! overlap, and prefixes and single addresses share the subnet's space. The unique key on
//! (subnet, address) is the last line of defence; a duplicate key re-runs the transaction.

use super::addresses::{self, AddressRow, ROW_COLUMNS};
use super::busy::{self, Walker};
use super::gaps::{self, unit_size};
use super::model::{Pool, SUBNET_COLUMNS, State, Subnet};
use super::{pools, subnets};
use crate::error::{Error, Result};
use crate::net::{Addr, AddrRange, Cidr};
use crate::store::{Db, Failure, Outcome, RetryPolicy};
use mysql::prelude::Queryable;
use mysql::{Row, Transaction, params};
use serde::Serialize;

/// Most units one call may ask for (a service with many IPs asks in several relations).
pub const MAX_COUNT: u32 = 256;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Pool(u64),
    Subnet(u64),
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Allocation {
    pub address: String,
    pub ip: String,
    pub prefix_len: u8,
    pub subnet_id: u64,
    pub pool_id: Option<u64>,
    pub service_id: u32,
    /// False when the service already held it (a repeated call).
    pub new: bool,
}

/// Makes sure `service_id` holds `count` units from `target`; returns them, lowest first.
/// Idempotent: calling again returns the same units. All or nothing: if the pool cannot
/// supply every missing unit, nothing is taken and `PoolExhausted` names the pool.
pub fn allocate(db: &Db, target: Target, service_id: u32, count: u32) -> Result<Vec<Allocation>> {
    if service_id == 0 {
        return Err(Error::invalid("Service id must be a positive whole number (tblhosting.id)."));
    }
    if count == 0 || count > MAX_COUNT {
        return Err(Error::invalid(format!("Count must be from 1 to {MAX_COUNT}, got {count}.")));
    }
    db.transaction(RetryPolicy::TransientAndDuplicate, |tx| {
        let (subnet, pool) = lock_target(tx, target)?;
        let held = held_by(tx, &subnet, pool.as_ref(), service_id)?;
        let mut out: Vec<Allocation> = held.iter().map(|r| view(r, service_id, false)).collect();
        if out.len() >= count as usize {
            out.truncate(count as usize);
            return Ok(out);
        }
        let (range, unit_prefix) = match &pool {
            Some(p) => (busy::clip(p.range, &subnet), p.unit_prefix_len),
            None => (subnet.cidr.range(), subnet.family().bits()),
        };
        let search = Search { subnet: &subnet, range, host_bits: subnet.family().bits() - unit_prefix };
        let mut hint = pool.as_ref().map_or(subnet.next_hint, |p| p.next_hint).map(|a| a.value);
        let mut statics: Option<Vec<(u128, u128)>> = None;
        let mut taken = Taken::default();
        while out.len() < count as usize {
            let Some((start, beyond_hint)) = search.next_unit(tx, hint, &mut statics)? else {
                return Err(exhausted(&subnet, pool.as_ref(), service_id, count, held.len()).into());
            };
            let row = place(tx, &subnet, pool.as_ref(), start, unit_prefix, service_id)?;
            taken.add(&row);
            if beyond_hint {
                hint = Some(row.last.value.saturating_add(1));
            }
            out.push(view(&row, service_id, true));
        }
        taken.save(tx, &subnet, pool.as_ref(), hint)?;
        Ok(out)
    })
}

fn lock_target(tx: &mut Transaction<'_>, target: Target) -> Outcome<(Subnet, Option<Pool>)> {
    let subnet_id = match target {
        Target::Subnet(id) => id,
        Target::Pool(id) => {
            let subnet: Option<u64> =
                tx.exec_first("SELECT subnet_id FROM mod_ipmanager_pools WHERE id = :id", params! {"id" => id})?;
            subnet.ok_or_else(|| Error::NotFound(format!("Pool #{id} does not exist (it may have been deleted).")))?
        }
    };
    // Locks and reads the subnet in one step; under READ COMMITTED every read after it sees
    // what the previous lock holder committed (hints, rows, counters).
    let row = tx.exec_first(
        format!("SELECT {SUBNET_COLUMNS} FROM mod_ipmanager_subnets WHERE id = :id FOR UPDATE"),
        params! {"id" => subnet_id},
    )?;
    let row = row.ok_or_else(|| Error::NotFound(format!("Subnet #{subnet_id} does not exist (it may have been deleted).")))?;
    let subnet = Subnet::from_row(row).map_err(Failure::Domain)?;
    let pool = match target {
        Target::Pool(id) => Some(pools::load(tx, id)?),
        Target::Subnet(_) => None,
    };
    Ok((subnet, pool))
}

fn held_by(tx: &mut Transaction<'_>, subnet: &Subnet, pool: Option<&Pool>, service_id: u32) -> Outcome<Vec<AddressRow>> {
    let rows: Vec<Row> = match pool {
        Some(p) => tx.exec(
            format!("SELECT {ROW_COLUMNS} FROM mod_ipmanager_addresses WHERE service_id = :svc AND pool_id = :pool \
                     AND state IN ('assigned', 'releasing') ORDER BY address"),
            params! {"svc" => service_id, "pool" => p.id},
        )?,
        None => tx.exec(
            format!("SELECT {ROW_COLUMNS} FROM mod_ipmanager_addresses WHERE service_id = :svc AND subnet_id = :subnet \
                     AND pool_id IS NULL AND state IN ('assigned', 'releasing') ORDER BY address"),
            params! {"svc" => service_id, "subnet" => subnet.id},
        )?,
    };
    rows.into_iter().map(|r| AddressRow::from_row(r).map_err(Failure::Domain)).collect()
}

/// Where units are looked for: a range of one subnet, units of `host_bits`.
struct Search<'a> {
    subnet: &'a Subnet,
    range: AddrRange,
    host_bits: u8,
}

impl Search<'_> {
    /// The lowest free unit and whether it lies at or beyond the hint. Two places hold free
    /// units: rows marked free (every address of a stored subnet, units released in a sparse
    /// one) or whose quarantine ran out, found through the state index; and, in sparse
    /// subnets, the never-used space from the hint on, found by walking busy intervals.
    /// Below the hint every unit has a row, so neither search depends on the subnet's size.
    fn next_unit(
        &self,
        tx: &mut Transaction<'_>,
        hint: Option<u128>,
        statics: &mut Option<Vec<(u128, u128)>>,
    ) -> Outcome<Option<(u128, bool)>> {
        let reusable = self.lowest_reusable_row(tx)?;
        if self.subnet.stored {
            return Ok(reusable.map(|a| (a, false)));
        }
        let from = hint.unwrap_or(self.range.start).max(self.range.start);
        if reusable.is_some_and(|a| a < from) {
            return Ok(reusable.map(|a| (a, false)));
        }
        if statics.is_none() {
            *statics = Some(busy::static_intervals(tx, self.subnet)?);
        }
        let mut walker = Walker::new(tx, self.subnet, statics.clone().unwrap_or_default(), from)?;
        let fresh = gaps::first_fit(self.range, self.host_bits, from, &mut walker);
        if let Some(error) = walker.error.take() {
            return Err(error);
        }
        Ok(match (reusable, fresh) {
            (Some(r), Some(f)) if r < f => Some((r, false)),
            (_, Some(f)) => Some((f, true)),
            (r, None) => r.map(|a| (a, false)),
        })
    }

    fn lowest_reusable_row(&self, tx: &mut Transaction<'_>) -> Outcome<Option<u128>> {
        let found: Vec<Vec<u8>> = tx.exec(
            "(SELECT address FROM mod_ipmanager_addresses WHERE subnet_id = :s AND state = 'free' \
               AND prefix_len = :len AND address BETWEEN :lo AND :hi ORDER BY address LIMIT 1) \
             UNION ALL \
             (SELECT address FROM mod_ipmanager_addresses WHERE subnet_id = :s AND state = 'quarantined' \
               AND quarantine_until <= UTC_TIMESTAMP() AND prefix_len = :len AND address BETWEEN :lo AND :hi \
               ORDER BY address LIMIT 1)",
            params! {
                "s" => self.subnet.id, "lo" => self.range.first().to_bytes(), "hi" => self.range.last().to_bytes(),
                "len" => self.subnet.family().bits() - self.host_bits,
            },
        )?;
        let mut lowest: Option<u128> = None;
        for bytes in found {
            let value = Addr::from_bytes(&bytes).map_err(Failure::Domain)?.value;
            lowest = Some(lowest.map_or(value, |l| l.min(value)));
        }
        Ok(lowest)
    }
}

/// Takes the unit at `start` for the service: reuses a free or run-out row at that start,
/// else inserts one; other free or run-out rows overlapping the unit give way to it.
fn place(tx: &mut Transaction<'_>, subnet: &Subnet, pool: Option<&Pool>, start: u128, unit_prefix: u8, service_id: u32) -> Outcome<AddressRow> {
    let family = subnet.family();
    let first = Addr::new(family, start);
    let size = unit_size(family.bits() - unit_prefix).unwrap_or(u128::MAX);
    let last = Addr::new(family, start + (size - 1));
    let stale: Vec<Row> = tx.exec(
        format!("SELECT {ROW_COLUMNS} FROM mod_ipmanager_addresses WHERE subnet_id = :s AND address <= :b \
                 AND last_address >= :a AND state IN ('free', 'quarantined') AND blocked = 0"),
        params! {"s" => subnet.id, "a" => first.to_bytes(), "b" => last.to_bytes()},
    )?;
    let mut reuse: Option<AddressRow> = None;
    for row in stale {
        let row = AddressRow::from_row(row).map_err(Failure::Domain)?;
        if row.state == State::Quarantined && !row.expired {
            return Err(Error::Internal(format!("{} is still quarantined but was chosen as free.", row.display())).into());
        }
        if row.first == first && row.prefix_len == unit_prefix {
            reuse = Some(row);
        } else {
            addresses::adjust_counters(tx, &row, Some(row.state), None)?;
            tx.exec_drop("DELETE FROM mod_ipmanager_addresses WHERE id = :id", params! {"id" => row.id})?;
        }
    }
    let pool_id = pool.map(|p| p.id);
    let id = match &reuse {
        Some(row) => {
            // The state condition is the last line of defence: never overwrite a taken row.
            tx.exec_drop(
                "UPDATE mod_ipmanager_addresses SET state = 'assigned', pool_id = :pool, service_id = :svc, \
                 quarantine_until = NULL, note = '', updated_at = UTC_TIMESTAMP() WHERE id = :id \
                 AND (state = 'free' OR (state = 'quarantined' AND quarantine_until <= UTC_TIMESTAMP()))",
                params! {"pool" => pool_id, "svc" => service_id, "id" => row.id},
            )?;
            if tx.affected_rows() != 1 {
                return Err(Error::Internal(format!(
                    "{} was taken while being assigned; nothing was changed. Please report this.",
                    row.display()
                ))
                .into());
            }
            // A run-out quarantine was counted as reserved until now.
            if row.state == State::Quarantined {
                addresses::adjust_counters(tx, row, Some(State::Quarantined), None)?;
            }
            row.id
        }
        None => {
            tx.exec_drop(
                "INSERT INTO mod_ipmanager_addresses (subnet_id, pool_id, address, last_address, prefix_len, size, state, \
                 service_id, updated_at) VALUES (:s, :pool, :a, :b, :len, CAST(:size AS DECIMAL(39,0)), 'assigned', :svc, UTC_TIMESTAMP())",
                params! {
                    "s" => subnet.id, "pool" => pool_id, "a" => first.to_bytes(), "b" => last.to_bytes(),
                    "len" => unit_prefix, "size" => size.to_string(), "svc" => service_id,
                },
            )?;
            tx.last_insert_id().ok_or_else(|| Failure::Domain(Error::Internal("The new address row got no id.".into())))?
        }
    };
    Ok(AddressRow {
        id, subnet_id: subnet.id, pool_id, first, last, prefix_len: unit_prefix, size, state: State::Assigned,
        blocked: false, service_id: Some(service_id), quarantine_until: None, expired: false, note: String::new(),
    })
}

/// What one allocate call took, written to the counters and hints in one statement.
#[derive(Default)]
struct Taken {
    addresses: u128,
    units: u64,
}

impl Taken {
    fn add(&mut self, row: &AddressRow) {
        self.addresses = self.addresses.saturating_add(row.size);
        self.units += 1;
    }

    fn save(&self, tx: &mut Transaction<'_>, subnet: &Subnet, pool: Option<&Pool>, hint: Option<u128>) -> Outcome<()> {
        // Stored subnets find every free unit through their rows and keep no hint.
        let hint = hint
            .filter(|h| !subnet.stored && *h <= subnet.cidr.last().value)
            .map(|h| Addr::new(subnet.family(), h).to_bytes());
        match pool {
            Some(p) => tx.exec_drop(
                "UPDATE mod_ipmanager_subnets s JOIN mod_ipmanager_pools p ON p.id = :pool \
                 SET s.assigned_count = s.assigned_count + CAST(:a AS DECIMAL(39,0)), \
                     p.assigned_count = p.assigned_count + :u, p.next_hint = :h WHERE s.id = :s",
                params! {"pool" => p.id, "a" => self.addresses.to_string(), "u" => self.units, "h" => hint, "s" => subnet.id},
            )?,
            None => tx.exec_drop(
                "UPDATE mod_ipmanager_subnets SET assigned_count = assigned_count + CAST(:a AS DECIMAL(39,0)), \
                 next_hint = :h WHERE id = :s",
                params! {"a" => self.addresses.to_string(), "h" => hint, "s" => subnet.id},
            )?,
        }
        Ok(())
    }
}

fn exhausted(
    subnet: &Subnet,
    pool: Option<&Pool>,
    service_id: u32,
    count: u32,
    held: usize,
) -> Error {
    let what = match pool {
        Some(p) => format!("Pool \"{}\" ({} in {})", p.name, p.range, subnet.cidr),
        None => format!("Subnet \"{}\" ({})", subnet.name, subnet.cidr),
    };
    let unit = match pool {
        Some(p) if p.hands_out_prefixes() => format!("/{} prefix", p.unit_prefix_len),
        _ => "address".to_string(),
    };
    Error::PoolExhausted(format!(
        "{what} has no free {unit} left for service #{service_id} (it needs {count}, holds {held}). \
         Nothing was assigned; add addresses to the pool or link the product to another pool."
    ))
}

fn view(row: &AddressRow, service_id: u32, new: bool) -> Allocation {
    Allocation {
        address: row.display(),
        ip: row.first.to_string(),
        prefix_len: row.prefix_len,
        subnet_id: row.subnet_id,
        pool_id: row.pool_id,
        service_id,
        new,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReleaseMode {
    /// Held back for `hours` before it can be handed out again (0 = free at once).
    Quarantine {
        hours: u32,
    },
    Free,
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

fn lock_subnet(tx: &mut Transaction<'_>, id: u64) -> Outcome<Subnet> {
    tx.exec_drop(
        "SELECT id FROM mod_ipmanager_subnets WHERE id = :id FOR UPDATE",
        params! {"id" => id},
    )?;
    subnets::load(tx, id)
}

fn release_row(
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
            let mut walker = Walker::new(conn, &subnet, statics.clone(), from)?;
            let found = gaps::first_fit(range, host_bits, from, &mut walker);
            if let Some(e) = walker.error.take() {
                return Err(e);
            }
            let Some(start) = found else { break };
            let addr = Addr::new(subnet.family(), start);
            out.push(if host_bits == 0 {
                addr.to_string()
            } else {
                Cidr::from_parts(addr, unit_prefix).to_string()
            });
            match start.checked_add(unit_size(host_bits).unwrap_or(u128::MAX)) {
                Some(next) => from = next,
                None => break,
            }
        }
        Ok(out)
    })
}
