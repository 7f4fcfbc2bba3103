//! IP Cleaner: assignments whose service's IPs in WHMCS (dedicated IP, assigned IPs, or a
//! custom field) no longer include the assigned address — changed outside IP Manager.
//! "Notify only" reports them; "Mark free" also unassigns them.

use super::unassign;
use crate::error::{Error, Result};
use crate::ipam::addresses::{AddressRow, ROW_COLUMNS};
use crate::ipam::release::ReleaseMode;
use crate::providers::Integrations;
use crate::store::{Db, Failure, Outcome, RetryPolicy};
use crate::whmcs::services::ip_list;
use mysql::prelude::Queryable;
use mysql::{Row, params};
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Behavior {
    NotifyOnly,
    MarkFree,
}

impl Behavior {
    pub fn parse(text: &str) -> Result<Behavior> {
        match text.trim() {
            "" | "notify" | "Notify only" => Ok(Behavior::NotifyOnly),
            "mark_free" | "Mark free" => Ok(Behavior::MarkFree),
            other => Err(Error::invalid(format!(
                "IP Cleaner behavior '{other}' is not known; use 'notify' or 'mark_free'."
            ))),
        }
    }
}

#[derive(Debug, Serialize)]
pub struct Stale {
    pub address: String,
    pub service_id: u32,
    /// What WHMCS records for the service now.
    pub whmcs_ips: Vec<String>,
    /// Mark free: the panel's refusal to remove it (the address stays releasing).
    pub panel_error: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct CleanerRun {
    pub marked_free: bool,
    pub stale: Vec<Stale>,
}

/// The log row an IP Cleaner run leaves (the dashboard shows the last one).
pub const RUN_ACTION: &str = "cleaner.run";

pub fn run(db: &Db, behavior: Behavior, integrations: &Integrations<'_>) -> Result<CleanerRun> {
    let candidates: Vec<(AddressRow, Vec<String>)> = db.run(RetryPolicy::Transient, |conn| {
        let rows: Vec<Row> = conn.query(format!(
            "SELECT {ROW_COLUMNS} FROM mod_ipmanager_addresses WHERE state = 'assigned' AND service_id IS NOT NULL ORDER BY service_id, address"
        ))?;
        let mut out = Vec::new();
        for row in rows {
            let row = AddressRow::from_row(row).map_err(Failure::Domain)?;
            if let Some(ips) = stale(conn, &row)? {
                out.push((row, ips));
            }
        }
        Ok(out)
    })?;
    let mut found = Vec::with_capacity(candidates.len());
    for (row, whmcs_ips) in candidates {
        let outcome = match behavior {
            Behavior::NotifyOnly => Some(None),
            Behavior::MarkFree => mark_free(db, &row, integrations)?,
        };
        if let Some(panel_error) = outcome {
            found.push(Stale {
                address: row.display(),
                service_id: row.service_id.unwrap_or(0),
                whmcs_ips,
                panel_error,
            });
        }
    }
    let message = match (behavior, found.len()) {
        (_, 0) => "IP Cleaner: every assignment matches WHMCS.".to_string(),
        (Behavior::NotifyOnly, n) => format!(
            "IP Cleaner: {n} assignment(s) WHMCS no longer lists, reported: {}.",
            addresses_of(&found)
        ),
        (Behavior::MarkFree, n) => format!(
            "IP Cleaner: {n} assignment(s) WHMCS no longer lists, marked free: {}.",
            addresses_of(&found)
        ),
    };
    db.transaction(RetryPolicy::Transient, |tx| {
        crate::audit::record_deferred(
            tx,
            RUN_ACTION,
            ("job", 0),
            None,
            Some(&serde_json::json!({"found": found.len(), "marked_free": behavior == Behavior::MarkFree})),
            &message,
        );
        Ok(())
    })?;
    Ok(CleanerRun {
        marked_free: behavior == Behavior::MarkFree,
        stale: found,
    })
}

fn addresses_of(found: &[Stale]) -> String {
    let mut list: Vec<String> = found
        .iter()
        .take(20)
        .map(|s| format!("{} (service #{})", s.address, s.service_id))
        .collect();
    if found.len() > 20 {
        list.push(format!("and {} more", found.len() - 20));
    }
    list.join(", ")
}

/// Unassigns a stale assignment through the same path as an admin unassign (panel removal
/// through the outbox when an integration removes IPs), if under its subnet's lock it is
/// still held by the same service and still missing from the service's IPs in WHMCS. None:
/// no longer stale; Some(panel refusal, if any).
fn mark_free(
    db: &Db,
    row: &AddressRow,
    integrations: &Integrations<'_>,
) -> Result<Option<Option<String>>> {
    let request = unassign::Request {
        row_id: row.id,
        service_id: row.service_id,
        client_id: None,
        orphan_only: false,
        stale_only: true,
        keep_primary: false,
        mode: ReleaseMode::Free,
    };
    match unassign::unassign(db, request, integrations) {
        Ok(done) => Ok(Some(done.error)),
        Err(Error::Conflict(_) | Error::NotFound(_)) => Ok(None),
        Err(e) => Err(e),
    }
}

/// The IPs WHMCS records for the row's service, when they do not include the row's address
/// (`None`: not stale, or the service is gone — the Orphaned page's business).
pub fn stale(q: &mut impl Queryable, row: &AddressRow) -> Outcome<Option<Vec<String>>> {
    let service = row.service_id.unwrap_or(0);
    let fields: Option<(String, String)> = q.exec_first(
        "SELECT dedicatedip, assignedips FROM tblhosting WHERE id = :id",
        params! {"id" => service},
    )?;
    let Some((dedicated, assigned)) = fields else {
        return Ok(None);
    };
    let custom: Vec<String> = q.exec(
        "SELECT v.value FROM tblcustomfieldsvalues v JOIN tblcustomfields f ON f.id = v.fieldid \
         WHERE f.type = 'product' AND v.relid = :id",
        params! {"id" => service},
    )?;
    let mut ips = ip_list(Some(&dedicated), Some(&assigned));
    for value in &custom {
        for ip in ip_list(None, Some(value)) {
            if !ips.contains(&ip) {
                ips.push(ip);
            }
        }
    }
    let listed = ips
        .iter()
        .any(|ip| *ip == row.display() || *ip == row.first.to_string());
    Ok((!listed).then_some(ips))
}
