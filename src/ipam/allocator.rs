//! Handing out addresses and prefixes: the hot path.
//!
//! Every allocation in a subnet runs under that subnet's row lock (`SELECT … FOR UPDATE`),
//! so concurrent PHP workers are serialised where they could collide: pools of one subnet may
//! overlap, and prefixes and single addresses share the subnet's space. The unique key on
//! (subnet, address) is the last line of defence; a duplicate key re-runs the transaction.
//!
//! A typical allocation is six round trips: begin, lock (subnet, pool and child subnets in
//! one query), read (what the service holds, reusable rows and the first stretch of busy
//! rows from the hint, in one query), insert, counters and hint, commit.

use super::addresses::{AddressRow, ROW_COLUMNS, adjust_counters, insert_assigned};
use super::busy::{self, Walker};
use super::gaps;
use super::model::{Pool, State, Subnet, take};
use crate::audit;
use crate::error::{Error, Result};
use crate::net::{Addr, AddrRange};
use crate::store::{Db, Failure, Outcome, RetryPolicy};
use mysql::prelude::Queryable;
use mysql::{Row, Transaction, params};
use serde::Serialize;
use serde_json::json;

/// Most units one call may ask for (a service with many IPs asks in several relations).
pub const MAX_COUNT: u32 = 256;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
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
        return Err(Error::invalid(
            "Service id must be a positive whole number (tblhosting.id).",
        ));
    }
    if count == 0 || count > MAX_COUNT {
        return Err(Error::invalid(format!(
            "Count must be from 1 to {MAX_COUNT}, got {count}."
        )));
    }
    db.transaction(RetryPolicy::TransientAndDuplicate, |tx| {
        allocate_in(tx, target, service_id, count)
    })
}

/// `allocate` inside the caller's transaction, so that several pools can be served all or
/// nothing (provisioning). Callers lock subnets in ascending id order to avoid deadlocks.
pub fn allocate_in(
    tx: &mut Transaction<'_>,
    target: Target,
    service_id: u32,
    count: u32,
) -> Outcome<Vec<Allocation>> {
    let locked = lock_target(tx, target)?;
    let (subnet, pool) = (&locked.subnet, locked.pool.as_ref());
    let (range, unit_prefix) = match pool {
        Some(p) => (busy::clip(p.range, subnet), p.unit_prefix_len),
        None => (subnet.cidr.range(), subnet.family().bits()),
    };
    let search = Search {
        subnet,
        pool,
        range,
        unit_prefix,
        statics: locked.statics,
    };
    let mut hint = pool
        .map_or(subnet.next_hint, |p| p.next_hint)
        .map(|a| a.value);
    let mut snapshot = Some(search.snapshot(tx, service_id, hint)?);
    let held = snapshot.as_ref().map_or(0, |s| s.held.len());
    let mut out: Vec<Allocation> = snapshot
        .as_ref()
        .map(|s| s.held.iter().map(|r| view(r, service_id, false)).collect())
        .unwrap_or_default();
    if out.len() >= count as usize {
        out.truncate(count as usize);
        return Ok(out);
    }
    let mut taken = Taken::default();
    while out.len() < count as usize {
        let candidate = match snapshot.take() {
            Some(first) => search.choose(tx, first, hint)?,
            None => search.next(tx, hint)?,
        };
        let row = match candidate {
            Some(Candidate::Reuse(row)) => reuse(tx, row, pool, service_id)?,
            Some(Candidate::Fresh(start)) => {
                let row = insert(tx, subnet, pool, start, unit_prefix, service_id)?;
                hint = Some(row.last.value.saturating_add(1));
                row
            }
            None => return Err(exhausted(subnet, pool, service_id, count, held).into()),
        };
        taken.add(&row);
        let from = pool.map_or_else(
            || format!("subnet {}", subnet.cidr),
            |p| format!("pool \"{}\"", p.name),
        );
        audit::record(
            tx,
            "address.assign",
            ("address", row.id),
            None,
            Some(
                &json!({"address": row.display(), "service_id": service_id, "pool_id": row.pool_id, "subnet_id": subnet.id}),
            ),
            &format!(
                "{} assigned to service #{service_id} from {from}.",
                row.display()
            ),
        )?;
        out.push(view(&row, service_id, true));
    }
    taken.save(tx, subnet, pool, hint)?;
    Ok(out)
}

struct Locked {
    subnet: Subnet,
    pool: Option<Pool>,
    /// Blocked ranges and child subnets: space never handed out, sorted by start.
    statics: Vec<(u128, u128)>,
}

/// Locks the subnet (and the pool) and reads both, with the child subnets, in one query.
/// Under READ COMMITTED every read after it sees what the previous lock holder committed.
fn lock_target(tx: &mut Transaction<'_>, target: Target) -> Outcome<Locked> {
    let (pool_id, subnet_id) = match target {
        Target::Pool(id) => (Some(id), None),
        Target::Subnet(id) => (None, Some(id)),
    };
    let row: Option<Row> = tx.exec_first(
        "SELECT s.id, s.name, s.family, s.network, s.prefix_len, s.parent_id, s.gateway, s.vlan, s.description, \
         s.stored, s.rules_json, s.reserved_text, s.excluded_text, CAST(s.assigned_count AS CHAR) AS assigned_count, \
         CAST(s.reserved_count AS CHAR) AS reserved_count, s.next_hint, \
         p.id AS p_id, p.subnet_id AS p_subnet_id, p.name AS p_name, p.range_start AS p_range_start, \
         p.range_end AS p_range_end, p.unit_prefix_len AS p_unit_prefix_len, p.description AS p_description, \
         CAST(p.assigned_count AS CHAR) AS p_assigned_count, p.next_hint AS p_next_hint, \
         (SELECT GROUP_CONCAT(HEX(c.network), '-', HEX(c.last_address)) FROM mod_ipmanager_subnets c \
          WHERE c.parent_id = s.id) AS children \
         FROM mod_ipmanager_subnets s LEFT JOIN mod_ipmanager_pools p ON p.id = :pool AND p.subnet_id = s.id \
         WHERE s.id = IF(:pool IS NULL, :subnet, (SELECT subnet_id FROM mod_ipmanager_pools WHERE id = :pool)) \
         FOR UPDATE",
        params! {"pool" => pool_id, "subnet" => subnet_id},
    )?;
    let Some(mut row) = row else {
        return Err(match target {
            Target::Pool(id) => Error::NotFound(format!(
                "Pool #{id} does not exist (it may have been deleted)."
            )),
            Target::Subnet(id) => Error::NotFound(format!(
                "Subnet #{id} does not exist (it may have been deleted)."
            )),
        }
        .into());
    };
    let subnet = Subnet::from_row_ref(&mut row).map_err(Failure::Domain)?;
    let pool = match pool_id {
        Some(_) => Some(Pool::from_row_prefixed(&mut row, "p_").map_err(Failure::Domain)?),
        None => None,
    };
    let children: Option<String> = take(&mut row, "children").map_err(Failure::Domain)?;
    let mut statics = busy::blocked_intervals(&subnet);
    for pair in children.iter().flat_map(|c| c.split(',')) {
        statics.push(parse_hex_range(pair).map_err(Failure::Domain)?);
    }
    statics.sort();
    Ok(Locked {
        subnet,
        pool,
        statics,
    })
}

fn parse_hex_range(text: &str) -> Result<(u128, u128)> {
    let bad = || Error::Internal(format!("A child subnet range '{text}' could not be read."));
    let (a, b) = text.split_once('-').ok_or_else(bad)?;
    let a = u128::from_str_radix(a, 16).map_err(|_| bad())?;
    let b = u128::from_str_radix(b, 16).map_err(|_| bad())?;
    Ok((a, b))
}

enum Candidate {
    /// A row marked free, or whose quarantine ran out, of exactly the unit's size.
    Reuse(AddressRow),
    /// Never-used space at or beyond the hint.
    Fresh(u128),
}

/// What the first read of an allocation brings back in one round trip.
struct Snapshot {
    held: Vec<AddressRow>,
    reusable: Option<AddressRow>,
    covering: Option<(u128, u128)>,
    batch: Vec<(u128, u128)>,
}

struct Search<'a> {
    subnet: &'a Subnet,
    pool: Option<&'a Pool>,
    range: AddrRange,
    unit_prefix: u8,
    statics: Vec<(u128, u128)>,
}

impl Search<'_> {
    fn host_bits(&self) -> u8 {
        self.subnet.family().bits() - self.unit_prefix
    }

    fn from(&self, hint: Option<u128>) -> u128 {
        hint.unwrap_or(self.range.start).max(self.range.start)
    }

    /// Held rows, reusable rows, and (sparse subnets) the first busy rows from the hint.
    fn snapshot(
        &self,
        tx: &mut Transaction<'_>,
        service_id: u32,
        hint: Option<u128>,
    ) -> Outcome<Snapshot> {
        let from = Addr::new(self.subnet.family(), self.from(hint)).to_bytes();
        let walk = if self.subnet.stored {
            String::new()
        } else {
            format!(
                " UNION ALL (SELECT 3 AS part, {ROW_COLUMNS} FROM mod_ipmanager_addresses WHERE subnet_id = :s \
                   AND address <= :from ORDER BY address DESC LIMIT 1) \
                 UNION ALL (SELECT 4 AS part, {ROW_COLUMNS} FROM mod_ipmanager_addresses WHERE subnet_id = :s \
                   AND address > :from ORDER BY address LIMIT {})",
                busy::BATCH
            )
        };
        let rows: Vec<Row> = tx.exec(
            format!(
                "(SELECT 0 AS part, {ROW_COLUMNS} FROM mod_ipmanager_addresses WHERE service_id = :svc \
                   AND subnet_id = :s AND pool_id <=> :pool AND state IN ('assigned', 'releasing')) \
                 UNION ALL {} {walk}",
                reusable_sql()
            ),
            params! {
                "svc" => service_id, "s" => self.subnet.id, "pool" => self.pool.map(|p| p.id),
                "len" => self.unit_prefix, "lo" => self.range.first().to_bytes(), "hi" => self.range.last().to_bytes(),
                "from" => from,
            },
        )?;
        let mut snapshot = Snapshot {
            held: Vec::new(),
            reusable: None,
            covering: None,
            batch: Vec::new(),
        };
        for mut row in rows {
            let part: u8 = take(&mut row, "part").map_err(Failure::Domain)?;
            let row = AddressRow::from_row(row).map_err(Failure::Domain)?;
            match part {
                0 => snapshot.held.push(row),
                1 | 2 => {
                    if snapshot
                        .reusable
                        .as_ref()
                        .is_none_or(|r| row.first < r.first)
                    {
                        snapshot.reusable = Some(row);
                    }
                }
                3 => snapshot.covering = Some((row.first.value, row.last.value)),
                _ => snapshot.batch.push((row.first.value, row.last.value)),
            }
        }
        snapshot.held.sort_by_key(|r| r.first);
        snapshot.batch.sort();
        Ok(snapshot)
    }

    /// The first candidate, from the snapshot.
    fn choose(
        &self,
        tx: &mut Transaction<'_>,
        first: Snapshot,
        hint: Option<u128>,
    ) -> Outcome<Option<Candidate>> {
        let from = self.from(hint);
        let mut walker = Walker::prefetched(
            tx,
            self.subnet,
            self.statics.clone(),
            from,
            first.covering,
            first.batch,
        );
        self.pick(first.reusable, &mut walker, from)
    }

    /// Later candidates (count > 1): the same two searches, each in its own query.
    fn next(&self, tx: &mut Transaction<'_>, hint: Option<u128>) -> Outcome<Option<Candidate>> {
        let rows: Vec<Row> = tx.exec(
            reusable_sql(),
            params! {
                "s" => self.subnet.id, "len" => self.unit_prefix,
                "lo" => self.range.first().to_bytes(), "hi" => self.range.last().to_bytes(),
            },
        )?;
        let mut reusable: Option<AddressRow> = None;
        for mut row in rows {
            let _: u8 = take(&mut row, "part").map_err(Failure::Domain)?;
            let row = AddressRow::from_row(row).map_err(Failure::Domain)?;
            if reusable.as_ref().is_none_or(|r| row.first < r.first) {
                reusable = Some(row);
            }
        }
        let from = self.from(hint);
        if self.subnet.stored {
            return Ok(reusable.map(Candidate::Reuse));
        }
        let mut walker = Walker::new(tx, self.subnet, self.statics.clone(), from, true)?;
        self.pick(reusable, &mut walker, from)
    }

    /// The lower of the reusable row and the first fresh unit from the hint. Below the hint
    /// every unit has a row, so neither search depends on the size of the subnet.
    fn pick<Q: Queryable>(
        &self,
        reusable: Option<AddressRow>,
        walker: &mut Walker<'_, Q>,
        from: u128,
    ) -> Outcome<Option<Candidate>> {
        if self.subnet.stored {
            return Ok(reusable.map(Candidate::Reuse));
        }
        if let Some(r) = reusable.as_ref().filter(|r| r.first.value < from) {
            return Ok(Some(Candidate::Reuse(r.clone())));
        }
        let fresh = gaps::first_fit(self.range, self.host_bits(), from, &mut *walker);
        if let Some(error) = walker.error.take() {
            return Err(error);
        }
        Ok(match (reusable, fresh) {
            (Some(r), Some(f)) if r.first.value < f => Some(Candidate::Reuse(r)),
            (_, Some(f)) => Some(Candidate::Fresh(f)),
            (r, None) => r.map(Candidate::Reuse),
        })
    }
}

/// The lowest free row and the lowest run-out quarantine of the unit's size in the range.
/// The index is forced: left alone, the optimiser walks the address index for the ORDER BY
/// and steps over every taken row before the first free one.
fn reusable_sql() -> String {
    format!(
        "(SELECT 1 AS part, {ROW_COLUMNS} FROM mod_ipmanager_addresses FORCE INDEX (idx_addresses_state) \
           WHERE subnet_id = :s AND state = 'free' \
           AND prefix_len = :len AND address BETWEEN :lo AND :hi ORDER BY address LIMIT 1) \
         UNION ALL \
         (SELECT 2 AS part, {ROW_COLUMNS} FROM mod_ipmanager_addresses FORCE INDEX (idx_addresses_state) \
           WHERE subnet_id = :s AND state = 'quarantined' \
           AND quarantine_until <= UTC_TIMESTAMP() AND prefix_len = :len AND address BETWEEN :lo AND :hi \
           ORDER BY address LIMIT 1)"
    )
}

/// Takes a free or run-out row. The state condition is the last line of defence: a row
/// taken meanwhile is never overwritten.
fn reuse(
    tx: &mut Transaction<'_>,
    row: AddressRow,
    pool: Option<&Pool>,
    service_id: u32,
) -> Outcome<AddressRow> {
    let pool_id = pool.map(|p| p.id);
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
    if row.state == State::Quarantined {
        // It was counted as reserved until now.
        adjust_counters(tx, &row, Some(State::Quarantined), None)?;
    }
    Ok(AddressRow {
        pool_id,
        state: State::Assigned,
        service_id: Some(service_id),
        quarantine_until: None,
        expired: false,
        note: String::new(),
        ..row
    })
}

fn insert(
    tx: &mut Transaction<'_>,
    subnet: &Subnet,
    pool: Option<&Pool>,
    start: u128,
    unit_prefix: u8,
    service_id: u32,
) -> Outcome<AddressRow> {
    let cidr = crate::net::Cidr::from_parts(Addr::new(subnet.family(), start), unit_prefix);
    insert_assigned(tx, subnet.id, pool.map(|p| p.id), cidr, service_id)
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

    fn save(
        &self,
        tx: &mut Transaction<'_>,
        subnet: &Subnet,
        pool: Option<&Pool>,
        hint: Option<u128>,
    ) -> Outcome<()> {
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
