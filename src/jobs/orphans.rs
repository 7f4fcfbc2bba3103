//! Orphaned: addresses still assigned to services WHMCS no longer runs (Suspended,
//! Cancelled, Terminated, Fraud, Completed, or deleted). Releasing one first asks the panel
//! to remove it (provider seam); if the panel refuses, the address stays `releasing`, never
//! free, with the error shown, and is tried again on the next release.

use super::unassign;
use crate::error::{Error, Result};
use crate::ipam::allocator;
use crate::ipam::model::{State, take};
use crate::ipam::release::ModeChoice;
use crate::paging::{Page, Paging};
use crate::providers::Integrations;
use crate::store::{Db, RetryPolicy};
use mysql::prelude::Queryable;
use mysql::{Row, params};
use serde::Serialize;

/// Assignments whose service is not live, with what WHMCS says about the service.
const ORPHANS: &str = "FROM mod_ipmanager_addresses a LEFT JOIN tblhosting h ON h.id = a.service_id \
    LEFT JOIN tblclients c ON c.id = h.userid LEFT JOIN tblproducts p ON p.id = h.packageid \
    WHERE a.service_id IS NOT NULL AND a.state IN ('assigned', 'releasing') \
    AND (h.id IS NULL OR h.domainstatus NOT IN ('Active', 'Pending'))";

#[derive(Debug, Serialize)]
pub struct Orphan {
    pub id: u64,
    pub address: String,
    pub state: &'static str,
    pub service_id: Option<u32>,
    pub service_status: String,
    pub domain: String,
    pub client: String,
    pub product: String,
    /// Why an earlier removal from the panel failed (state `releasing`).
    pub error: String,
    /// The integration that removes it from the service's panel on release, if any.
    pub panel: Option<String>,
}

/// Which page of orphans.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Orphans {
    pub paging: Paging,
}

pub fn list(db: &Db, filter: &Orphans) -> Result<Page<Orphan>> {
    let paging = filter.paging;
    db.run(RetryPolicy::Transient, |conn| {
        let total: Option<u64> = conn.query_first(format!("SELECT COUNT(*) {ORPHANS}"))?;
        let rows: Vec<Row> = conn.exec(
            format!(
                "SELECT a.id, a.address, a.prefix_len, a.state, a.service_id, a.note, \
                 COALESCE(h.domainstatus, 'Deleted') AS service_status, COALESCE(h.domain, '') AS domain, \
                 COALESCE(TRIM(CONCAT(c.firstname, ' ', c.lastname)), '') AS client, COALESCE(p.name, '') AS product, \
                 COALESCE(p.servertype, '') AS module {ORPHANS} ORDER BY a.id LIMIT :limit OFFSET :offset"
            ),
            params! {"limit" => paging.per_page, "offset" => paging.offset()},
        )?;
        let integrations = crate::providers::settings::read_all(conn)?;
        let mut items = Vec::with_capacity(rows.len());
        for mut row in rows {
            let module: String = take(&mut row, "module")?;
            let bytes: Vec<u8> = take(&mut row, "address")?;
            let len: u8 = take(&mut row, "prefix_len")?;
            let addr = crate::net::Addr::from_bytes(&bytes)?;
            let state: String = take(&mut row, "state")?;
            items.push(Orphan {
                id: take(&mut row, "id")?,
                address: allocator::unit_text(addr, len)?,
                state: State::parse(&state)?.as_str(),
                service_id: take(&mut row, "service_id")?,
                service_status: take(&mut row, "service_status")?,
                domain: take(&mut row, "domain")?,
                client: take(&mut row, "client")?,
                product: take(&mut row, "product")?,
                error: take(&mut row, "note")?,
                panel: crate::providers::settings::remover(&integrations, &module)
                    .map(str::to_string),
            });
        }
        Ok(Page::new(items, total, paging))
    })
}

#[derive(Debug, Default, Serialize)]
pub struct ReleaseReport {
    pub released: Vec<String>,
    /// Addresses the panel would not remove: left `releasing`, with the panel's answer.
    pub failed: Vec<(String, String)>,
    /// Orphans that were no longer orphans when their turn came (the service came back,
    /// or another request released them first).
    pub skipped: Vec<(u64, String)>,
}

/// One orphan (`id`, with the `service_id` the admin saw) or all of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrphanRelease {
    One {
        id: u64,
        service_id: Option<u32>,
        mode: ModeChoice,
    },
    All {
        mode: ModeChoice,
    },
}

/// Releases one orphan or all of them, to quarantine (default) or free.
pub fn release(
    db: &Db,
    request: &OrphanRelease,
    integrations: &Integrations<'_>,
    quarantine_hours: u32,
) -> Result<ReleaseReport> {
    let (mode, all) = match request {
        OrphanRelease::One { mode, .. } => (*mode, false),
        OrphanRelease::All { mode } => (*mode, true),
    };
    let mode = mode.resolve(|| Ok(quarantine_hours))?;
    let targets: Vec<(u64, Option<u32>)> = match request {
        OrphanRelease::One { id, service_id, .. } => vec![(*id, *service_id)],
        OrphanRelease::All { .. } => db.run(RetryPolicy::Transient, |conn| {
            let rows: Vec<(u64, u32)> =
                conn.query(format!("SELECT a.id, a.service_id {ORPHANS} ORDER BY a.id"))?;
            Ok(rows.into_iter().map(|(id, s)| (id, Some(s))).collect())
        })?,
    };
    let mut report = ReleaseReport::default();
    for (row_id, service_id) in targets {
        let request = unassign::Request {
            row_id,
            service_id,
            client_id: None,
            orphan_only: true,
            stale_only: false,
            keep_primary: false,
            mode,
        };
        match unassign::unassign(db, request, integrations) {
            Ok(done) => match done.error {
                None => report.released.push(done.address),
                Some(error) => report.failed.push((done.address, error)),
            },
            // Releasing all: one that changed meanwhile is reported, the rest go on.
            Err(Error::NotFound(why) | Error::Conflict(why)) if all => {
                report.skipped.push((row_id, why))
            }
            Err(e) => return Err(e),
        }
    }
    Ok(report)
}
