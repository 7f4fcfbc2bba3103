//! IP Cleaner: assignments whose service's IPs in WHMCS (dedicated IP, assigned IPs, or a
//! custom field) no longer include the assigned address — changed outside IP Manager.
//! "Notify only" reports them; "Mark free" also unassigns them.

use crate::error::{Error, Result};
use crate::ipam::addresses::{AddressRow, ROW_COLUMNS};
use crate::ipam::release::{self, ReleaseMode};
use crate::store::{Db, Failure, RetryPolicy};
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
}

#[derive(Debug, Serialize)]
pub struct CleanerRun {
    pub marked_free: bool,
    pub stale: Vec<Stale>,
}

pub fn run(db: &Db, behavior: Behavior) -> Result<CleanerRun> {
    let candidates: Vec<(AddressRow, Vec<String>)> = db.run(RetryPolicy::Transient, |conn| {
        let rows: Vec<Row> = conn.query(format!(
            "SELECT {ROW_COLUMNS} FROM mod_ipmanager_addresses WHERE state = 'assigned' AND service_id IS NOT NULL ORDER BY service_id, address"
        ))?;
        let mut out = Vec::new();
        for row in rows {
            let row = AddressRow::from_row(row).map_err(Failure::Domain)?;
            let service = row.service_id.unwrap_or(0);
            let fields: Option<(String, String)> =
                conn.exec_first("SELECT dedicatedip, assignedips FROM tblhosting WHERE id = :id", params! {"id" => service})?;
            // A service WHMCS no longer has is the Orphaned page's business, not the cleaner's.
            let Some((dedicated, assigned)) = fields else { continue };
            let custom: Vec<String> = conn.exec(
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
            if !ips.iter().any(|ip| *ip == row.display() || *ip == row.first.to_string()) {
                out.push((row, ips));
            }
        }
        Ok(out)
    })?;
    let mut stale = Vec::with_capacity(candidates.len());
    for (row, whmcs_ips) in candidates {
        if behavior == Behavior::MarkFree {
            db.transaction(RetryPolicy::Transient, |tx| {
                let subnet = release::lock_subnet(tx, row.subnet_id)?;
                release::release_row(tx, &subnet, &row, ReleaseMode::Free).map(|_| ())
            })?;
        }
        stale.push(Stale {
            address: row.display(),
            service_id: row.service_id.unwrap_or(0),
            whmcs_ips,
        });
    }
    Ok(CleanerRun {
        marked_free: behavior == Behavior::MarkFree,
        stale,
    })
}
