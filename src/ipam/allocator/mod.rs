//! Handing out addresses and prefixes: the hot path, in three steps and two round trips.
//!
//! 1. Read, in one packet (`read`): the subnet's row lock (`SELECT … FOR UPDATE`) with the
//!    pool and child subnets, then what the service already holds and the lowest free rows
//!    that can hold a unit. Concurrent workers are serialised per subnet, where they could
//!    collide; the reads after the lock see what the previous holder committed.
//! 2. Plan, with no I/O: which units to take and how the free rows change (`plan`).
//! 3. Write: the taken units, the split free rows, one log row per unit and the counters,
//!    deferred to the transaction's commit packet (`space::taking`, `record`). Every write
//!    is guarded by the rows it expects, so a change made meanwhile (possible only when the
//!    cluster rolled the transaction back under us) stops the packet before COMMIT and the
//!    whole attempt runs again.
//!
//! Rare cases read more: a quarantine that ran out is settled first, and a search whose first
//! runs are blocked reads on a batch at a time.

pub mod lock_hold;
mod plan;
mod read;
mod record;

pub use record::taken as record_taken;

use super::addresses::AddressRow;
use super::model::{Pool, Subnet};
use super::space::rows::Owner;
use super::space::{Blocked, give, taking};
use crate::error::{Error, Result};
use crate::net::{Addr, AddrRange, Cidr};
use crate::store::{Db, Failure, Outcome, RetryPolicy, Tx};
use mysql::params;
use mysql::prelude::Queryable;
use serde::{Deserialize, Serialize};

/// Most units one call may ask for (a service with many IPs asks in several relations).
pub const MAX_COUNT: u32 = 256;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Target {
    Pool(u64),
    Subnet(u64),
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
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
    check_request(service_id, count)?;
    let answered = std::cell::Cell::new(None);
    let out = db.transaction(RetryPolicy::TransientAndDuplicate, |tx| {
        let snapshot = read::read(tx, target, service_id, plan::batch_for(count))?;
        answered.set(Some(std::time::Instant::now()));
        allocate_from(tx, snapshot, service_id, count)
    })?;
    if let Some(locked) = answered.get() {
        lock_hold::record(locked.elapsed());
    }
    Ok(out)
}

pub fn check_request(service_id: u32, count: u32) -> Result<()> {
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
    Ok(())
}

/// `allocate` inside the caller's transaction, so that several pools can be served all or
/// nothing (provisioning). Callers lock subnets in ascending id order to avoid deadlocks.
pub fn allocate_in(
    tx: &mut Tx<'_>,
    target: Target,
    service_id: u32,
    count: u32,
) -> Outcome<Vec<Allocation>> {
    let batch = plan::batch_for(count);
    let snapshot = read::read(tx, target, service_id, batch)?;
    allocate_from(tx, snapshot, service_id, count)
}

/// `allocate_in` for several targets of one service (provisioning), in the caller's
/// transaction: each draw is (target, count, id of the subnet the target lies in, as read
/// before any lock). Subnets are locked in ascending id so that concurrent callers cannot
/// deadlock; when the draws lie in different subnets, every lock and read travels in one
/// packet. Returns the allocations in the order of `draws`.
pub fn allocate_all_in(
    tx: &mut Tx<'_>,
    draws: &[(Target, u32, u64)],
    service_id: u32,
) -> Outcome<Vec<Vec<Allocation>>> {
    let mut order: Vec<usize> = (0..draws.len()).collect();
    order.sort_by_key(|i| (draws[*i].2, *i));
    let subnets: std::collections::BTreeSet<u64> = draws.iter().map(|d| d.2).collect();
    let mut out: Vec<Vec<Allocation>> = vec![Vec::new(); draws.len()];
    if subnets.len() < draws.len() {
        // Two draws from one subnet: the second must read what the first takes.
        for i in order {
            let (target, count, _) = draws[i];
            out[i] = allocate_in(tx, target, service_id, count)?;
        }
        return Ok(out);
    }
    let mut packet = crate::store::script::Script::default();
    for i in &order {
        let (target, count, _) = draws[*i];
        packet.append(read::script(target, service_id, plan::batch_for(count)));
    }
    let mut results = tx.run(&packet)?.into_iter();
    for i in order {
        let (target, count, _) = draws[i];
        let snapshot = read::parse(target, results.by_ref().take(read::STATEMENTS).collect())?;
        out[i] = allocate_from(tx, snapshot, service_id, count)?;
    }
    Ok(out)
}

/// Steps 2 and 3 on what step 1 read.
fn allocate_from(
    tx: &mut Tx<'_>,
    snapshot: read::Snapshot,
    service_id: u32,
    count: u32,
) -> Outcome<Vec<Allocation>> {
    let (subnet, pool) = (&snapshot.subnet, snapshot.pool.as_ref());
    let blocked = Blocked::new(subnet, &snapshot.children);
    let mut first_batch = Some(snapshot.first_batch);
    if snapshot.expired {
        give::settle(tx, subnet, &blocked)?;
        first_batch = None; // the runs read before settling are not the whole truth
    }
    let held = &snapshot.held;
    let mut out: Vec<Allocation> = held.iter().map(|r| view(r, service_id, false)).collect();
    if out.len() >= count as usize {
        out.truncate(count as usize);
        return Ok(out);
    }
    let search = plan::Search::of(subnet, pool, &blocked);
    let need = count as usize - out.len();
    let batch = plan::batch_for(count);
    let Some(planned) = plan::read_and_plan(tx, &search, need, batch, first_batch)? else {
        return Err(exhausted(subnet, pool, service_id, count, held.len()).into());
    };
    let owner = Owner {
        service_id,
        pool_id: pool.map(|p| p.id),
    };
    let owners = vec![owner; planned.units.len()];
    tx.defer(
        taking::script(subnet.id, subnet.family(), &planned, &owners).map_err(Failure::Domain)?,
    );
    let taken: Vec<Cidr> = planned
        .units
        .iter()
        .map(|(b, _)| search.cidr(*b))
        .collect::<crate::Result<Vec<_>>>()
        .map_err(Failure::Domain)?;
    let source = pool.map_or_else(
        || format!("from subnet {}", subnet.cidr),
        |p| format!("from pool \"{}\"", p.name),
    );
    record::taken(tx, subnet, pool.map(|p| p.id), service_id, &taken, &source);
    out.extend(taken.iter().map(|cidr| Allocation {
        address: cidr.unit_text(),
        ip: cidr.network().to_string(),
        prefix_len: cidr.prefix_len(),
        subnet_id: subnet.id,
        pool_id: pool.map(|p| p.id),
        service_id,
        new: true,
    }));
    Ok(out)
}

/// Units a service holds from a target: those of the pool, or for a subnet its single
/// addresses outside any pool (a prefix given by hand is not one of them). A unit being
/// removed from its panel (`releasing`) is on its way out, not held: a new allocation gets
/// a unit of its own rather than one the panel's confirmation will free under it. The
/// arguments are SQL expressions (placeholders or user variables).
fn held_condition(service: &str, subnet: &str, pool: &str, single: &str) -> String {
    format!(
        "service_id = {service} AND subnet_id = {subnet} AND pool_id <=> {pool} \
         AND ({pool} IS NOT NULL OR prefix_len = {single}) AND state = 'assigned'"
    )
}

/// How many units the service holds from the target (read before any lock: the allocation
/// that follows reads it again under the lock).
pub fn held_count(tx: &mut Tx<'_>, target: Target, service_id: u32) -> Outcome<u64> {
    let (subnet_id, pool_id): (Option<u64>, Option<u64>) = match target {
        Target::Pool(id) => (
            tx.exec_first(
                "SELECT subnet_id FROM mod_ipmanager_pools WHERE id = :id",
                params! {"id" => id},
            )?,
            Some(id),
        ),
        Target::Subnet(id) => (Some(id), None),
    };
    let family: Option<u8> = tx.exec_first(
        "SELECT family FROM mod_ipmanager_subnets WHERE id = :id",
        params! {"id" => subnet_id},
    )?;
    let Some(family) = family.and_then(crate::net::Family::from_number) else {
        return Ok(0); // the allocation that follows reports the missing pool or subnet
    };
    let count: Option<u64> = tx.exec_first(
        format!(
            "SELECT COUNT(*) FROM mod_ipmanager_addresses WHERE {}",
            held_condition(":svc", ":s", ":pool", ":single")
        ),
        params! {"svc" => service_id, "s" => subnet_id, "pool" => pool_id, "single" => family.bits()},
    )?;
    Ok(count.unwrap_or(0))
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

/// The range a pool searches, clipped to its subnet.
pub fn clip(range: AddrRange, subnet: &Subnet) -> AddrRange {
    let s = subnet.cidr.range();
    AddrRange {
        family: range.family,
        start: range.start.max(s.start),
        end: range.end.min(s.end),
    }
}

/// An address written the way the allocator hands it out.
pub fn unit_text(addr: Addr, prefix_len: u8) -> crate::Result<String> {
    Ok(Cidr::containing(addr, prefix_len)?.unit_text())
}
