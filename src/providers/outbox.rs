//! The outbox: every panel change is a row written in the same transaction as the
//! assignment change that causes it, and delivered after COMMIT — never inside a
//! transaction. A delivery first claims its row (so two workers never ask the panel at the
//! same time), then asks the panel, then records the outcome: delivered (with what must
//! follow in the same transaction, e.g. releasing the address), or the error and the next
//! attempt, later each time. Panels answer repeats harmlessly, so a delivery that is
//! repeated after a crash between the panel's answer and its record changes nothing there.

use super::{IpChange, Network, Provider, Providers, ServerAccess};
use crate::error::{Error, Result};
use crate::ipam::addresses;
use crate::ipam::model::take;
use crate::ipam::release::ReleaseMode;
use crate::paging::{Page, Paging};
use crate::store::{Db, Failure, Outcome, RetryPolicy, Tx};
use mysql::prelude::Queryable;
use mysql::{Row, params};
use serde::{Deserialize, Serialize};
use std::time::Instant;

/// How long a claimed delivery is left to its worker before another may take it over.
const LEASE_SECONDS: u32 = 120;
/// The first retry waits a minute, each next one twice as long, at most six hours.
const FIRST_RETRY_SECONDS: u64 = 60;
const LONGEST_RETRY_SECONDS: u64 = 6 * 3600;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Operation {
    Add,
    Remove,
}

impl Operation {
    fn as_str(self) -> &'static str {
        match self {
            Operation::Add => "add",
            Operation::Remove => "remove",
        }
    }

    fn parse(text: &str) -> Result<Operation> {
        match text {
            "add" => Ok(Operation::Add),
            "remove" => Ok(Operation::Remove),
            other => Err(Error::Internal(format!(
                "Unknown outbox operation '{other}'."
            ))),
        }
    }
}

/// Where a change goes: the service's hosting panel, or NetBox.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Target {
    Panel,
    NetBox,
    Dns,
}

impl Target {
    pub fn as_str(self) -> &'static str {
        match self {
            Target::Panel => "panel",
            Target::NetBox => "netbox",
            Target::Dns => "dns",
        }
    }

    fn parse(text: &str) -> Result<Target> {
        match text {
            "panel" => Ok(Target::Panel),
            "netbox" => Ok(Target::NetBox),
            "dns" => Ok(Target::Dns),
            other => Err(Error::Internal(format!("Unknown outbox target '{other}'."))),
        }
    }
}

/// One change for one service's panel, or for NetBox (whose delivery makes NetBox show what
/// IP Manager holds at `addresses` then: see `netbox::mirror`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Job {
    pub target: Target,
    pub operation: Operation,
    pub service_id: u32,
    /// WHMCS's server record (`tblservers.id`) whose credentials the delivery uses.
    pub server_id: u32,
    /// The provisioning module, which names the integration.
    pub module: String,
    pub username: String,
    pub domain: String,
    pub addresses: Vec<String>,
    /// A removal: the address row it releases once the panel confirms, and how.
    pub release: Option<Release>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Release {
    pub row_id: u64,
    pub mode: ReleaseMode,
}

impl Release {
    fn mode_text(mode: ReleaseMode) -> String {
        match mode {
            ReleaseMode::Free => "free".into(),
            ReleaseMode::Quarantine { hours } => format!("quarantine:{hours}"),
        }
    }

    fn parse_mode(text: &str) -> Option<ReleaseMode> {
        match text.split_once(':') {
            None if text == "free" => Some(ReleaseMode::Free),
            Some(("quarantine", hours)) => hours
                .parse()
                .ok()
                .map(|hours| ReleaseMode::Quarantine { hours }),
            _ => None,
        }
    }
}

/// A job as the outbox keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Queued {
    pub id: u64,
    pub job: Job,
    pub delivered: bool,
    /// pending, delivered, superseded (a later removal took its addresses before it reached
    /// the panel) or forced (closed by an admin without the panel's word).
    pub status: String,
    /// Who closed it without a delivery, or what superseded it.
    pub closed_by: String,
    pub attempts: u32,
    pub last_error: Option<String>,
    /// What the panel could not take and was left out, once delivered.
    pub note: String,
    pub next_attempt_at: String,
    pub created_at: String,
}

/// Writes `job` in the caller's transaction: it exists exactly when that transaction
/// commits, and is due at once.
pub fn enqueue(tx: &mut Tx<'_>, job: &Job) -> Outcome<u64> {
    if job.operation == Operation::Remove && job.target == Target::Panel {
        withdraw_from_adds(tx, job.service_id, &job.addresses)?;
    }
    let addresses = serde_json::to_string(&job.addresses)
        .map_err(|e| Failure::Domain(Error::Internal(format!("Outbox addresses: {e}"))))?;
    tx.exec_drop(
        "INSERT INTO mod_ipmanager_outbox (target, operation, service_id, server_id, module, username, domain, addresses, \
         row_id, release_mode, next_attempt_at, created_at, updated_at) VALUES (:target, :op, :service, :server, :module, :user, \
         :domain, :addresses, :row, :mode, UTC_TIMESTAMP(3), UTC_TIMESTAMP(3), UTC_TIMESTAMP(3))",
        params! {
            "target" => job.target.as_str(), "op" => job.operation.as_str(), "service" => job.service_id, "server" => job.server_id,
            "module" => &job.module, "user" => &job.username, "domain" => &job.domain, "addresses" => addresses,
            "row" => job.release.map(|r| r.row_id),
            "mode" => job.release.map(|r| Release::mode_text(r.mode)).unwrap_or_default(),
        },
    )?;
    tx.last_insert_id()
        .ok_or_else(|| Failure::Domain(Error::Internal("The outbox row got no id.".into())))
}

/// A removal takes its addresses out of the service's adds that have not reached the panel
/// (not being delivered now): an add left with none is superseded. An add being delivered
/// keeps them; the removal is delivered after it, in order.
fn withdraw_from_adds(tx: &mut Tx<'_>, service_id: u32, removed: &[String]) -> Outcome<()> {
    let waiting: Vec<(u64, String)> = tx.exec(
        "SELECT id, addresses FROM mod_ipmanager_outbox WHERE target = 'panel' AND service_id = :s AND status = 'pending' AND operation = 'add' \
         AND (leased_until IS NULL OR leased_until <= UTC_TIMESTAMP(3)) ORDER BY id FOR UPDATE",
        params! {"s" => service_id},
    )?;
    for (id, text) in waiting {
        let addresses: Vec<String> = serde_json::from_str(&text).unwrap_or_default();
        let left: Vec<&String> = addresses.iter().filter(|a| !removed.contains(a)).collect();
        if left.len() == addresses.len() {
            continue;
        }
        if left.is_empty() {
            tx.exec_drop(
                "UPDATE mod_ipmanager_outbox SET status = 'superseded', closed_by = 'a later removal', \
                 updated_at = UTC_TIMESTAMP(3) WHERE id = :id AND status = 'pending'",
                params! {"id" => id},
            )?;
        } else {
            let left = serde_json::to_string(&left)
                .map_err(|e| Failure::Domain(Error::Internal(format!("Outbox addresses: {e}"))))?;
            tx.exec_drop(
                "UPDATE mod_ipmanager_outbox SET addresses = :a, updated_at = UTC_TIMESTAMP(3) WHERE id = :id AND status = 'pending'",
                params! {"a" => left, "id" => id},
            )?;
        }
    }
    Ok(())
}

/// A removal still waiting for the address row `row_id`: made due now, with `mode` (the
/// latest request decides how the address is released). Its id, or None when there is none.
pub fn reschedule_removal(tx: &mut Tx<'_>, row_id: u64, mode: ReleaseMode) -> Outcome<Option<u64>> {
    let waiting: Option<u64> = tx.exec_first(
        "SELECT id FROM mod_ipmanager_outbox WHERE target = 'panel' AND row_id = :row AND status = 'pending' AND operation = 'remove' \
         ORDER BY id LIMIT 1",
        params! {"row" => row_id},
    )?;
    if let Some(id) = waiting {
        tx.exec_drop(
            "UPDATE mod_ipmanager_outbox SET release_mode = :mode, next_attempt_at = UTC_TIMESTAMP(3), \
             updated_at = UTC_TIMESTAMP(3) WHERE id = :id AND status = 'pending'",
            params! {"mode" => Release::mode_text(mode), "id" => id},
        )?;
    }
    Ok(waiting)
}

/// What a delivery needs: the panels, and the credentials of a server record (PHP
/// decrypts them; `None` when the record is gone).
pub struct Delivery<'a> {
    pub panels: &'a dyn Providers,
    pub servers: &'a dyn Fn(u32) -> Result<Option<ServerAccess>>,
    /// No panel request runs past it (a hook's bound); None: each request's own timeout.
    pub deadline: Option<Instant>,
}

/// What became of one delivery.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Delivered {
    pub id: u64,
    pub service_id: u32,
    pub operation: Operation,
    pub addresses: Vec<String>,
    /// None: the panel confirmed. Some: why not, with the next attempt scheduled.
    pub error: Option<String>,
    /// What the panel cannot take through its API and was left out (see
    /// `Provider::unsupported`).
    pub note: Option<String>,
}

/// Delivers the due jobs, oldest first, at most `limit`. `delivered` runs in the same
/// transaction that records a delivery (e.g. releasing what a removal was waiting for).
pub fn deliver_due(
    db: &Db,
    delivery: &Delivery<'_>,
    limit: u32,
    delivered: &dyn Fn(&mut Tx<'_>, &Queued) -> Outcome<()>,
) -> Result<Vec<Delivered>> {
    let due: Vec<(u64, String)> = db.run(RetryPolicy::Transient, |conn| {
        Ok(conn.exec(
            "SELECT id, target FROM mod_ipmanager_outbox WHERE status = 'pending' AND next_attempt_at <= UTC_TIMESTAMP(3) \
             ORDER BY id LIMIT :limit",
            params! {"limit" => limit},
        )?)
    })?;
    let mut outcomes = Vec::with_capacity(due.len());
    let mut netbox = Vec::new();
    for (id, target) in due {
        if target == Target::NetBox.as_str() {
            netbox.push(id);
        } else if let Some(outcome) = deliver(db, id, delivery, delivered)? {
            outcomes.push(outcome);
        }
    }
    // NetBox's changes go together, many per request (see `netbox::mirror::send`).
    outcomes.extend(crate::netbox::mirror::send(db, &netbox, delivery.deadline)?);
    Ok(outcomes)
}

/// Delivers one job if it is due and no other worker holds it (None otherwise).
pub fn deliver(
    db: &Db,
    id: u64,
    delivery: &Delivery<'_>,
    delivered: &dyn Fn(&mut Tx<'_>, &Queued) -> Outcome<()>,
) -> Result<Option<Delivered>> {
    let Some(mut queued) = claim(db, id)? else {
        return Ok(None);
    };
    if queued.job.target == Target::NetBox {
        let asked = crate::netbox::mirror::deliver(db, &queued.job, delivery.deadline);
        return record_delivery(db, queued, asked).map(Some);
    }
    if queued.job.target == Target::Dns {
        let asked = crate::dns::mirror::deliver(db, &queued.job, delivery.deadline);
        return record_delivery(db, queued, asked).map(Some);
    }
    if queued.job.operation == Operation::Add {
        // Only what the service still holds goes to its panel: an address released since
        // (a termination's release does not ask the panel) is not added back there.
        let held = db.run(RetryPolicy::Transient, |conn| {
            still_held(conn, queued.job.service_id, &queued.job.addresses)
        })?;
        if held.is_empty() {
            db.transaction(RetryPolicy::Transient, |tx| close_unneeded(tx, &queued))?;
            return Ok(Some(Delivered {
                id,
                service_id: queued.job.service_id,
                operation: Operation::Add,
                addresses: Vec::new(),
                error: None,
                note: None,
            }));
        }
        queued.job.addresses = held;
    }
    let job = &queued.job;
    let asked = ask(db, job, delivery);
    db.transaction(RetryPolicy::Transient, |tx| {
        record(tx, &queued, &asked, delivered)
    })?;
    let (note, error) = match asked {
        Ok(note) => (note, None),
        Err(error) => (None, Some(error)),
    };
    Ok(Some(Delivered {
        id,
        service_id: job.service_id,
        operation: job.operation,
        addresses: job.addresses.clone(),
        error,
        note,
    }))
}

/// Asks the panel, outside any transaction: Ok with a note on what the panel cannot take
/// (left out), or the error in words.
fn ask(db: &Db, job: &Job, delivery: &Delivery<'_>) -> std::result::Result<Option<String>, String> {
    let provider = delivery.panels.for_module(&job.module).ok_or_else(|| {
        format!(
            "no panel integration is enabled for the module '{}'",
            job.module
        )
    })?;
    let reasons: Vec<String> = job
        .addresses
        .iter()
        .filter_map(|a| provider.unsupported(a))
        .collect();
    let note = (!reasons.is_empty()).then(|| reasons.join(" "));
    let job = &Job {
        addresses: job
            .addresses
            .iter()
            .filter(|a| provider.unsupported(a).is_none())
            .cloned()
            .collect(),
        ..job.clone()
    };
    if job.addresses.is_empty() {
        return Ok(note);
    }
    let mut server = (delivery.servers)(job.server_id)
        .map_err(|e| format!("server #{} could not be read: {e}", job.server_id))?
        .ok_or_else(|| {
            format!(
                "server #{} is not in WHMCS any more; its credentials are unknown",
                job.server_id
            )
        })?;
    server.http.deadline = delivery.deadline;
    let (networks, guest_id) = context(db, job, provider).map_err(|e| e.to_string())?;
    let change = IpChange {
        module: job.module.clone(),
        service_id: job.service_id,
        username: job.username.clone(),
        domain: job.domain.clone(),
        server,
        addresses: job.addresses.clone(),
        networks,
        guest_id,
    };
    match job.operation {
        Operation::Add => provider.add_ips(&change),
        Operation::Remove => provider.remove_ips(&change),
    }
    .map(|()| note)
    .map_err(|e| e.to_string())
}

/// The subnet of each address (prefix length, gateway) and the guest's id from the
/// service's custom field the integration names, as they are now.
fn context(db: &Db, job: &Job, provider: &dyn Provider) -> Result<(Vec<Network>, String)> {
    db.run(RetryPolicy::Transient, |conn| {
        let mut networks = Vec::with_capacity(job.addresses.len());
        for address in &job.addresses {
            let unit = crate::ipam::release::parse_unit(address, "Address")?;
            let Some(subnet) = addresses::subnet_of(conn, unit.network())? else {
                continue;
            };
            let row: Option<(u8, Option<Vec<u8>>)> = conn.exec_first(
                "SELECT prefix_len, gateway FROM mod_ipmanager_subnets WHERE id = :id",
                params! {"id" => subnet},
            )?;
            if let Some((prefix_len, gateway)) = row {
                let gateway = gateway
                    .map(|g| crate::net::Addr::from_bytes(&g).map(|a| a.to_string()))
                    .transpose()?;
                networks.push(Network {
                    address: address.clone(),
                    prefix_len,
                    gateway,
                });
            }
        }
        let guest_id = match provider.guest_field() {
            Some(field) if !field.is_empty() => conn
                .exec_first::<String, _, _>(
                    "SELECT v.value FROM tblcustomfieldsvalues v JOIN tblcustomfields f ON f.id = v.fieldid \
                     WHERE f.type = 'product' AND v.relid = :s AND SUBSTRING_INDEX(f.fieldname, '|', 1) = :name \
                     ORDER BY v.id LIMIT 1",
                    params! {"s" => job.service_id, "name" => field},
                )?
                .unwrap_or_default(),
            _ => String::new(),
        };
        Ok((networks, guest_id))
    })
}

/// Which of `addresses` the service still holds (assigned).
fn still_held(
    q: &mut impl Queryable,
    service_id: u32,
    addresses: &[String],
) -> Outcome<Vec<String>> {
    let mut held = Vec::with_capacity(addresses.len());
    for address in addresses {
        let unit = crate::ipam::release::parse_unit(address, "Address")?;
        let Some(subnet) = addresses::subnet_of(q, unit.network())? else {
            continue;
        };
        let holds: Option<u64> = q.exec_first(
            "SELECT id FROM mod_ipmanager_addresses WHERE subnet_id = :s AND address = :a AND prefix_len = :l \
             AND service_id = :svc AND state = 'assigned'",
            params! {"s" => subnet, "a" => unit.network().to_bytes(), "l" => unit.prefix_len(), "svc" => service_id},
        )?;
        if holds.is_some() {
            held.push(address.clone());
        }
    }
    Ok(held)
}

/// Closes an add whose addresses were all released before it reached the panel.
fn close_unneeded(tx: &mut Tx<'_>, queued: &Queued) -> Outcome<()> {
    tx.exec_drop(
        "UPDATE mod_ipmanager_outbox SET status = 'superseded', closed_by = 'released before the panel was told', \
         leased_until = NULL, updated_at = UTC_TIMESTAMP(3) WHERE id = :id AND status = 'pending' AND attempts = :attempts",
        params! {"id" => queued.id, "attempts" => queued.attempts},
    )?;
    Ok(())
}

/// The follow-up of a change that needs none (an add).
pub fn nothing_follows(_: &mut Tx<'_>, _: &Queued) -> Outcome<()> {
    Ok(())
}

/// Delivers the due changes of one service for `target` (NetBox, reverse DNS) right after
/// the change that wrote them committed, oldest first, stopping at the first failure (the
/// rest would wait out the same timeout); what fails waits for the retries.
pub fn deliver_service_due(
    db: &Db,
    target: Target,
    service_id: u32,
    deadline: Option<Instant>,
) -> Result<Vec<Delivered>> {
    let due: Vec<u64> = db.run(RetryPolicy::Transient, |conn| {
        Ok(conn.exec(
            "SELECT id FROM mod_ipmanager_outbox WHERE target = :t AND service_id = :s AND status = 'pending' \
             AND next_attempt_at <= UTC_TIMESTAMP(3) ORDER BY id LIMIT 20",
            params! {"t" => target.as_str(), "s" => service_id},
        )?)
    })?;
    let delivery = Delivery {
        panels: &super::NoIntegrations,
        servers: &|_| Ok(None),
        deadline,
    };
    let mut out = Vec::new();
    for id in due {
        if deadline.is_some_and(|d| Instant::now() >= d) {
            break;
        }
        if let Some(done) = deliver(db, id, &delivery, &nothing_follows)? {
            let failed = done.error.is_some();
            out.push(done);
            if failed {
                break;
            }
        }
    }
    Ok(out)
}

/// Records what became of a claimed change that needs no follow-up (a NetBox change).
pub fn record_delivery(
    db: &Db,
    queued: Queued,
    asked: std::result::Result<Option<String>, String>,
) -> Result<Delivered> {
    db.transaction(RetryPolicy::Transient, |tx| {
        record(tx, &queued, &asked, &nothing_follows)
    })?;
    let (note, error) = match asked {
        Ok(note) => (note, None),
        Err(error) => (None, Some(error)),
    };
    Ok(Delivered {
        id: queued.id,
        service_id: queued.job.service_id,
        operation: queued.job.operation,
        addresses: queued.job.addresses,
        error,
        note,
    })
}

/// Takes the job for this worker: counts the attempt and leases it, only if it is still
/// pending, due, not leased by a live worker, and no earlier change of the same service for
/// the same target is still waiting (one service's changes reach its panel in order; a
/// NetBox outage never holds back a panel's). The lease lets another
/// worker take over a job whose worker died.
pub fn claim(db: &Db, id: u64) -> Result<Option<Queued>> {
    claim_behind(db, id, &[])
}

/// `claim`, where the earlier changes of the same service may also be ones this worker
/// already holds (`held`) and delivers together with this one (NetBox's rounds: they set
/// the state at their keys, so one round keeps their order).
pub fn claim_behind(db: &Db, id: u64, held: &[u64]) -> Result<Option<Queued>> {
    db.run(RetryPolicy::Transient, |conn| {
        // Ids only grow and a closed job never reopens, so a check made before the update
        // cannot miss an earlier job.
        let earlier: Vec<u64> = conn.exec(
            "SELECT e.id FROM mod_ipmanager_outbox e JOIN mod_ipmanager_outbox o ON o.id = :id \
             WHERE e.service_id = o.service_id AND e.target = o.target AND e.status = 'pending' AND e.id < o.id \
             ORDER BY e.id LIMIT :n",
            params! {"id" => id, "n" => held.len() + 1},
        )?;
        if earlier.iter().any(|e| !held.contains(e)) {
            return Ok(None);
        }
        conn.exec_drop(
            "UPDATE mod_ipmanager_outbox SET attempts = attempts + 1, \
             leased_until = UTC_TIMESTAMP(3) + INTERVAL :lease SECOND, \
             next_attempt_at = UTC_TIMESTAMP(3) + INTERVAL :lease SECOND, updated_at = UTC_TIMESTAMP(3) \
             WHERE id = :id AND status = 'pending' AND next_attempt_at <= UTC_TIMESTAMP(3)",
            params! {"id" => id, "lease" => LEASE_SECONDS},
        )?;
        if conn.affected_rows() != 1 {
            return Ok(None);
        }
        read(conn, id)
    })
}

/// Records a delivery's outcome, only if this worker's claim is still the last one.
fn record(
    tx: &mut Tx<'_>,
    queued: &Queued,
    asked: &std::result::Result<Option<String>, String>,
    delivered: &dyn Fn(&mut Tx<'_>, &Queued) -> Outcome<()>,
) -> Outcome<()> {
    match asked {
        Ok(note) => {
            tx.exec_drop(
                "UPDATE mod_ipmanager_outbox SET status = 'delivered', delivered_at = UTC_TIMESTAMP(3), \
                 last_error = NULL, note = :note, leased_until = NULL, updated_at = UTC_TIMESTAMP(3) \
                 WHERE id = :id AND status = 'pending' AND attempts = :attempts",
                params! {
                    "id" => queued.id, "attempts" => queued.attempts,
                    "note" => note.as_deref().unwrap_or_default().chars().take(500).collect::<String>(),
                },
            )?;
            if tx.affected_rows() == 1 {
                if queued.job.operation == Operation::Add && queued.job.target == Target::Panel {
                    take_back_released(tx, queued)?;
                }
                delivered(tx, queued)?;
            }
        }
        Err(error) => {
            tx.exec_drop(
                "UPDATE mod_ipmanager_outbox SET last_error = :error, leased_until = NULL, \
                 next_attempt_at = UTC_TIMESTAMP(3) + INTERVAL :wait SECOND, updated_at = UTC_TIMESTAMP(3) \
                 WHERE id = :id AND status = 'pending' AND attempts = :attempts",
                params! {
                    "error" => error.chars().take(1000).collect::<String>(),
                    "wait" => backoff_seconds(queued.attempts),
                    "id" => queued.id, "attempts" => queued.attempts,
                },
            )?;
        }
    }
    Ok(())
}

/// An address released while its add was on the way to the panel is taken off the panel
/// again: the panel has it now, IP Manager no longer gives it to this service.
fn take_back_released(tx: &mut Tx<'_>, queued: &Queued) -> Outcome<()> {
    let held = still_held(tx, queued.job.service_id, &queued.job.addresses)?;
    let gone: Vec<String> = queued
        .job
        .addresses
        .iter()
        .filter(|a| !held.contains(a))
        .cloned()
        .collect();
    if gone.is_empty() {
        return Ok(());
    }
    enqueue(
        tx,
        &Job {
            operation: Operation::Remove,
            addresses: gone,
            release: None,
            ..queued.job.clone()
        },
    )?;
    Ok(())
}

/// The wait before attempt `attempts + 1`: a minute, then doubling, at most six hours.
pub fn backoff_seconds(attempts: u32) -> u64 {
    let doublings = attempts.saturating_sub(1).min(20);
    (FIRST_RETRY_SECONDS << doublings).min(LONGEST_RETRY_SECONDS)
}

/// Makes a pending job due now (the admin's "Retry now").
pub fn retry_now(db: &Db, id: u64) -> Result<()> {
    db.transaction(RetryPolicy::Transient, |tx| {
        tx.exec_drop(
            "UPDATE mod_ipmanager_outbox SET next_attempt_at = UTC_TIMESTAMP(3), updated_at = UTC_TIMESTAMP(3) \
             WHERE id = :id AND status = 'pending'",
            params! {"id" => id},
        )?;
        if tx.affected_rows() == 0 {
            return Err(Error::NotFound(format!(
                "Change #{id} is not waiting any more (delivered, or gone)."
            ))
            .into());
        }
        Ok(())
    })
}

/// Closes a waiting job without the panel's word (the admin's "Force"): a removal's
/// follow-up (`delivered`: the address is released) runs in the same transaction, and the
/// log names who forced it. A job being delivered right now is refused.
pub fn force(
    db: &Db,
    id: u64,
    who: &str,
    delivered: &dyn Fn(&mut Tx<'_>, &Queued) -> Outcome<()>,
) -> Result<Queued> {
    db.transaction(RetryPolicy::Transient, |tx| {
        let state: Option<(String, bool)> = tx.exec_first(
            "SELECT status, COALESCE(leased_until > UTC_TIMESTAMP(3), 0) FROM mod_ipmanager_outbox WHERE id = :id FOR UPDATE",
            params! {"id" => id},
        )?;
        match state {
            None => return Err(Error::NotFound(format!("Change #{id} does not exist.")).into()),
            Some((status, _)) if status != "pending" => {
                return Err(Error::Conflict(format!(
                    "Change #{id} is {status} already; nothing was forced."
                ))
                .into());
            }
            Some((_, true)) => {
                return Err(Error::Conflict(format!(
                    "Change #{id} is being delivered right now; wait for its answer (at most {LEASE_SECONDS} s) and try again."
                ))
                .into());
            }
            Some(_) => {}
        }
        tx.exec_drop(
            "UPDATE mod_ipmanager_outbox SET status = 'forced', closed_by = :who, leased_until = NULL, \
             updated_at = UTC_TIMESTAMP(3) WHERE id = :id AND status = 'pending'",
            params! {"who" => who, "id" => id},
        )?;
        crate::store::expect_rows(tx, 1, "forcing a panel change")?;
        let queued = read(tx, id)?
            .ok_or_else(|| Failure::Domain(Error::Internal("A forced change vanished.".into())))?;
        if queued.job.operation == Operation::Remove && queued.job.target == Target::Panel {
            delivered(tx, &queued)?;
        }
        crate::audit::record(
            tx,
            "outbox.forced",
            ("outbox", id),
            None,
            Some(&serde_json::json!({"service_id": queued.job.service_id, "operation": queued.job.operation, "addresses": queued.job.addresses})),
            &format!(
                "{who} forced {} change #{id} ({} {} for service #{}) without its confirmation.",
                queued.job.target.as_str(),
                queued.job.operation.as_str(),
                queued.job.addresses.join(", "),
                queued.job.service_id
            ),
        )?;
        Ok(queued)
    })
}

/// One target's queue as the admin sees it: waiting changes first (oldest first), then
/// the others, newest first.
pub fn list(db: &Db, target: Target, paging: Paging) -> Result<Page<Queued>> {
    db.run(RetryPolicy::Transient, |conn| {
        let total: Option<u64> = conn.exec_first(
            "SELECT COUNT(*) FROM mod_ipmanager_outbox WHERE target = :t",
            params! {"t" => target.as_str()},
        )?;
        let ids: Vec<u64> = conn.exec(
            "SELECT id FROM mod_ipmanager_outbox WHERE target = :t \
             ORDER BY status <> 'pending', IF(status = 'pending', id, -id) LIMIT :limit OFFSET :offset",
            params! {"t" => target.as_str(), "limit" => paging.per_page, "offset" => paging.offset()},
        )?;
        let mut items = Vec::with_capacity(ids.len());
        for id in ids {
            if let Some(q) = read(conn, id)? {
                items.push(q);
            }
        }
        Ok(Page::new(items, total, paging))
    })
}

fn read(q: &mut impl Queryable, id: u64) -> Outcome<Option<Queued>> {
    let row: Option<Row> = q.exec_first(
        "SELECT id, target, operation, service_id, server_id, module, username, domain, addresses, row_id, release_mode, status, closed_by, attempts, \
         last_error, note, DATE_FORMAT(next_attempt_at, '%Y-%m-%d %H:%i:%s') AS next_attempt_at, \
         DATE_FORMAT(created_at, '%Y-%m-%d %H:%i:%s') AS created_at FROM mod_ipmanager_outbox WHERE id = :id",
        params! {"id" => id},
    )?;
    let Some(mut row) = row else {
        return Ok(None);
    };
    let target: String = take(&mut row, "target")?;
    let operation: String = take(&mut row, "operation")?;
    let addresses: String = take(&mut row, "addresses")?;
    let status: String = take(&mut row, "status")?;
    let row_id: Option<u64> = take(&mut row, "row_id")?;
    let mode: String = take(&mut row, "release_mode")?;
    let release = match (row_id, Release::parse_mode(&mode)) {
        (Some(row_id), Some(mode)) => Some(Release { row_id, mode }),
        _ => None,
    };
    Ok(Some(Queued {
        id: take(&mut row, "id")?,
        job: Job {
            target: Target::parse(&target)?,
            operation: Operation::parse(&operation)?,
            service_id: take(&mut row, "service_id")?,
            server_id: take(&mut row, "server_id")?,
            module: take(&mut row, "module")?,
            username: take(&mut row, "username")?,
            domain: take(&mut row, "domain")?,
            addresses: serde_json::from_str(&addresses).map_err(|e| {
                Failure::Domain(Error::Internal(format!("Outbox row #{id} addresses: {e}")))
            })?,
            release,
        },
        delivered: status == "delivered",
        closed_by: take(&mut row, "closed_by")?,
        status,
        attempts: take(&mut row, "attempts")?,
        last_error: take(&mut row, "last_error")?,
        note: take(&mut row, "note")?,
        next_attempt_at: take(&mut row, "next_attempt_at")?,
        created_at: take(&mut row, "created_at")?,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_wait_longer_each_time_up_to_six_hours() {
        assert_eq!(backoff_seconds(1), 60);
        assert_eq!(backoff_seconds(2), 120);
        assert_eq!(backoff_seconds(3), 240);
        assert_eq!(backoff_seconds(9), 60 << 8);
        assert_eq!(backoff_seconds(10), 6 * 3600);
        assert_eq!(backoff_seconds(u32::MAX), 6 * 3600);
    }

    #[test]
    fn release_modes_are_kept_as_text_and_read_back() {
        for mode in [
            ReleaseMode::Free,
            ReleaseMode::Quarantine { hours: 0 },
            ReleaseMode::Quarantine { hours: 24 },
        ] {
            assert_eq!(Release::parse_mode(&Release::mode_text(mode)), Some(mode));
        }
        assert_eq!(Release::parse_mode(""), None);
        assert_eq!(Release::parse_mode("quarantine:x"), None);
    }
}
