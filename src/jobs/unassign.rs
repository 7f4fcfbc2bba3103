//! Taking an assignment away from its service (Orphaned, Assignments, the client area):
//! the panel first, then the release, then NetBox — and no network call inside a database
//! transaction.
//!
//! 1. A short transaction locks the subnet, re-reads the row under the lock (still held by
//!    the same service, still matching the request) and, when a panel integration applies,
//!    marks it `releasing` (so nothing hands it out while the panel is asked) and writes the
//!    removal into the outbox in the same transaction.
//! 2. After COMMIT the outbox delivers it: the panel is asked outside any transaction, and
//!    its confirmation releases the row in the transaction that records the delivery
//!    (`after_delivery`). A refusal leaves the row `releasing` with the reason; the outbox
//!    tries again later.
//! 3. NetBox hears of the release after COMMIT; a failure there is logged.

use crate::audit;
use crate::error::Error;
use crate::ipam::addresses::{self, AddressRow, ROW_COLUMNS};
use crate::ipam::model::State;
use crate::ipam::release::{self, ReleaseMode};
use crate::providers::Integrations;
use crate::providers::outbox::{self, Job, Operation};
use crate::store::{Db, Failure, Outcome, RetryPolicy, Tx, expect_rows};
use crate::whmcs::service_ips;
use crate::whmcs::services::{self, PanelFacts};
use mysql::prelude::Queryable;
use mysql::{Row, params};
use serde::{Deserialize, Serialize};
use serde_json::json;

/// Which assignment, and what must still hold for it under the lock.
#[derive(Debug, Clone, Copy)]
pub struct Request {
    /// The address row (as the Assignments and Orphaned lists show it).
    pub row_id: u64,
    /// The service the caller saw holding it; refused if another holds it now.
    pub service_id: Option<u32>,
    /// Client area: only this client's services.
    pub client_id: Option<u32>,
    /// Orphaned: only while the service is not live (not Active or Pending).
    pub orphan_only: bool,
    /// IP Cleaner: only while WHMCS still does not list the address for the service.
    pub stale_only: bool,
    /// Client area (by the addon's setting): never the service's main (dedicated) IP.
    pub keep_primary: bool,
    pub mode: ReleaseMode,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Unassigned {
    pub address: String,
    /// The panel's refusal: the address stays `releasing`.
    pub error: Option<String>,
}

/// What step 1 found: the row, and the panel request if an integration applies.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Prepared {
    row_id: u64,
    subnet_id: u64,
    service_id: u32,
    address: String,
    module: String,
    username: String,
    domain: String,
    /// Released in step 1 already (no panel to ask).
    done: bool,
    /// The outbox's removal for the panel.
    job_id: Option<u64>,
}

pub fn unassign(
    db: &Db,
    request: Request,
    integrations: &Integrations<'_>,
) -> crate::Result<Unassigned> {
    let has_panel = |module: &str| integrations.panels.tells(module, Operation::Remove);
    let prepared = db.transaction(RetryPolicy::Transient, |tx| {
        prepare(tx, request, &has_panel)
    })?;
    let mut error = None;
    if let (false, Some(job_id)) = (prepared.done, prepared.job_id) {
        let delivery = integrations.delivery();
        error = match outbox::deliver(db, job_id, &delivery, &after_delivery)? {
            Some(delivered) => delivered.error,
            None => Some(
                "the panel is being told by another request, or an earlier change of this service is still waiting; \
                 the address stays releasing until the panel confirms"
                    .into(),
            ),
        };
        if let Some(refusal) = &error {
            db.transaction(RetryPolicy::Transient, |tx| {
                record_refusal(tx, &prepared, refusal)
            })?;
        }
    }
    // NetBox hears of the release once it happened (its change was written with it).
    crate::netbox::mirror::after_commit(db, prepared.service_id, integrations.deadline)?;
    crate::dns::mirror::after_commit(db, prepared.service_id, integrations.deadline)?;
    Ok(Unassigned {
        address: prepared.address,
        error,
    })
}

fn prepare(
    tx: &mut Tx<'_>,
    request: Request,
    has_panel: &dyn Fn(&str) -> bool,
) -> Outcome<Prepared> {
    let not_found = || {
        Failure::Domain(Error::NotFound(format!(
            "Assignment #{} does not exist any more, is not yours, or was already released.",
            request.row_id
        )))
    };
    // Which subnet to lock is read first; the row itself is read again under the lock.
    let subnet_id: Option<u64> = tx.exec_first(
        "SELECT subnet_id FROM mod_ipmanager_addresses WHERE id = :id",
        params! {"id" => request.row_id},
    )?;
    let locked = release::lock_subnet(tx, subnet_id.ok_or_else(not_found)?)?;
    let row = held_row(tx, request.row_id, request)?.ok_or_else(not_found)?;
    let service_id = row.service_id.unwrap_or(0);
    let facts = services::panel_facts(tx, service_id)?.unwrap_or_else(|| PanelFacts {
        status: "Deleted".into(),
        ..PanelFacts::default()
    });
    let PanelFacts {
        status,
        module,
        username,
        domain,
        server_id,
    } = facts;
    if request.orphan_only && crate::choices::LIVE_STATUSES.contains(&status.as_str()) {
        return Err(Error::Conflict(format!(
            "{} is no longer an orphan: service #{service_id} is {status} again; nothing was released.",
            row.display()
        ))
        .into());
    }
    if request.keep_primary && services::dedicated_ip(tx, service_id)?.trim() == row.display() {
        return Err(Error::Conflict(format!(
            "{} is the main IP of service #{service_id}; only additional IPs can be given back here. \
             Please contact support to change it.",
            row.display()
        ))
        .into());
    }
    if request.stale_only && super::cleaner::stale(tx, &row)?.is_none() {
        return Err(Error::Conflict(format!(
            "{} is listed for service #{service_id} in WHMCS again; nothing was released.",
            row.display()
        ))
        .into());
    }
    let mut prepared = Prepared {
        row_id: row.id,
        subnet_id: locked.subnet.id,
        service_id,
        address: row.display(),
        module,
        username,
        domain,
        done: false,
        job_id: None,
    };
    if has_panel(&prepared.module) {
        // Held back from everyone while the panel is asked (releasing counts as assigned).
        if row.state == State::Assigned {
            tx.exec_drop(
                "UPDATE mod_ipmanager_addresses SET state = 'releasing', note = :note, updated_at = UTC_TIMESTAMP() \
                 WHERE id = :id AND state = 'assigned' AND service_id <=> :svc",
                params! {"note" => "being removed from the panel", "id" => row.id, "svc" => row.service_id},
            )?;
            expect_rows(tx, 1, "marking an address releasing")?;
        }
        // A removal already waiting for this row is asked again (with this request's mode)
        // rather than queued twice.
        prepared.job_id = match outbox::reschedule_removal(tx, row.id, request.mode)? {
            Some(id) => Some(id),
            None => Some(outbox::enqueue(
                tx,
                &Job {
                    target: outbox::Target::Panel,
                    operation: Operation::Remove,
                    service_id,
                    server_id,
                    module: prepared.module.clone(),
                    username: prepared.username.clone(),
                    domain: prepared.domain.clone(),
                    addresses: vec![prepared.address.clone()],
                    release: Some(outbox::Release {
                        row_id: row.id,
                        mode: request.mode,
                    }),
                },
            )?),
        };
    } else {
        release::release_row(tx, &locked, &row, request.mode)?;
        service_ips::remove(tx, service_id, &prepared.address)?;
        prepared.done = true;
    }
    Ok(prepared)
}

/// What follows a confirmed removal, in the transaction that records it: the row is
/// released (if it is still releasing for that service) and taken from the service's IP
/// fields. A row assigned again since (released by force, then handed out anew) is not
/// this removal's to release.
pub fn after_delivery(tx: &mut Tx<'_>, queued: &outbox::Queued) -> Outcome<()> {
    let (Operation::Remove, Some(release)) = (queued.job.operation, queued.job.release) else {
        return Ok(());
    };
    let subnet_id: Option<u64> = tx.exec_first(
        "SELECT subnet_id FROM mod_ipmanager_addresses WHERE id = :id",
        params! {"id" => release.row_id},
    )?;
    let Some(subnet_id) = subnet_id else {
        return Ok(());
    };
    let locked = release::lock_subnet(tx, subnet_id)?;
    let Some(row) = addresses::still_held(
        tx,
        release.row_id,
        Some(queued.job.service_id),
        &[State::Releasing],
    )?
    else {
        // Released meanwhile by another request: nothing left to do.
        return Ok(());
    };
    release::release_row(tx, &locked, &row, release.mode)?;
    service_ips::remove(tx, queued.job.service_id, &row.display())
}

/// Locks the subnet and reads the row again under the lock: Some only while `service_id`
/// still holds it (assigned or releasing).
fn locked_holding(
    tx: &mut Tx<'_>,
    subnet_id: u64,
    row_id: u64,
    service_id: u32,
) -> Outcome<Option<(release::LockedSubnet, AddressRow)>> {
    let locked = release::lock_subnet(tx, subnet_id)?;
    let held = [State::Assigned, State::Releasing];
    Ok(addresses::still_held(tx, row_id, Some(service_id), &held)?.map(|row| (locked, row)))
}

/// The panel's refusal, on the row and in the log; the row stays `releasing`.
fn record_refusal(tx: &mut Tx<'_>, prepared: &Prepared, error: &str) -> Outcome<()> {
    let Some((_, row)) =
        locked_holding(tx, prepared.subnet_id, prepared.row_id, prepared.service_id)?
    else {
        return Ok(());
    };
    tx.exec_drop(
        "UPDATE mod_ipmanager_addresses SET note = :note, updated_at = UTC_TIMESTAMP() \
         WHERE id = :id AND state = :state AND service_id <=> :svc",
        params! {
            "note" => error.chars().take(190).collect::<String>(), "id" => row.id,
            "state" => row.state.as_str(), "svc" => row.service_id,
        },
    )?;
    expect_rows(tx, 1, "recording a panel refusal")?;
    audit::record(
        tx,
        "address.release_failed",
        ("address", row.id),
        None,
        Some(&json!({"address": prepared.address, "error": error})),
        &format!(
            "{} of service #{} stays releasing: {error}",
            prepared.address, prepared.service_id
        ),
    )
}

/// The row, if it is still held and still matches the request.
fn held_row(tx: &mut Tx<'_>, id: u64, request: Request) -> Outcome<Option<AddressRow>> {
    let row: Option<Row> = tx.exec_first(
        format!(
            "SELECT {ROW_COLUMNS} FROM mod_ipmanager_addresses WHERE id = :id AND state IN ('assigned', 'releasing') \
             AND service_id IS NOT NULL AND (:svc IS NULL OR service_id = :svc) \
             AND (:client IS NULL OR service_id IN (SELECT id FROM tblhosting WHERE userid = :client))"
        ),
        params! {"id" => id, "svc" => request.service_id, "client" => request.client_id},
    )?;
    row.map(AddressRow::from_row)
        .transpose()
        .map_err(Failure::Domain)
}
