//! Orphaned: addresses still assigned to services WHMCS no longer runs (Suspended,
//! Cancelled, Terminated, Fraud, Completed, or deleted). Releasing one first asks the panel
//! to remove it (provider seam); if the panel refuses, the address stays `releasing`, never
//! free, with the error shown, and is tried again on the next release.

use crate::audit;
use crate::error::{Error, Result};
use crate::input::Fields;
use crate::ipam::addresses::{AddressRow, ROW_COLUMNS};
use crate::ipam::model::{State, take};
use crate::ipam::release::{self, ReleaseMode};
use crate::paging::{Page, Paging};
use crate::providers::{Integrations, IpChange, ServerAccess};
use crate::store::{Db, Failure, Outcome, RetryPolicy};
use mysql::prelude::Queryable;
use mysql::{Row, Transaction, params};
use serde::Serialize;
use serde_json::{Value, json};

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
}

pub fn list(db: &Db, input: &Value) -> Result<Page<Orphan>> {
    let f = Fields::new("orphan filter", input)?;
    f.allow_only(&["page", "per_page"])?;
    let paging = Paging::from_fields(&f)?;
    db.run(RetryPolicy::Transient, |conn| {
        let total: Option<u64> = conn.query_first(format!("SELECT COUNT(*) {ORPHANS}"))?;
        let rows: Vec<Row> = conn.exec(
            format!(
                "SELECT a.id, a.address, a.prefix_len, a.state, a.service_id, a.note, \
                 COALESCE(h.domainstatus, 'Deleted') AS service_status, COALESCE(h.domain, '') AS domain, \
                 COALESCE(TRIM(CONCAT(c.firstname, ' ', c.lastname)), '') AS client, COALESCE(p.name, '') AS product \
                 {ORPHANS} ORDER BY a.id LIMIT :limit OFFSET :offset"
            ),
            params! {"limit" => paging.per_page, "offset" => paging.offset()},
        )?;
        let mut items = Vec::with_capacity(rows.len());
        for mut row in rows {
            let bytes: Vec<u8> = take(&mut row, "address")?;
            let len: u8 = take(&mut row, "prefix_len")?;
            let addr = crate::net::Addr::from_bytes(&bytes)?;
            let state: String = take(&mut row, "state")?;
            items.push(Orphan {
                id: take(&mut row, "id")?,
                address: crate::net::Cidr::from_parts(addr, len).unit_text(),
                state: State::parse(&state)?.as_str(),
                service_id: take(&mut row, "service_id")?,
                service_status: take(&mut row, "service_status")?,
                domain: take(&mut row, "domain")?,
                client: take(&mut row, "client")?,
                product: take(&mut row, "product")?,
                error: take(&mut row, "note")?,
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
}

/// Releases one orphan (`id`) or all of them (`all: true`), to quarantine (default) or free.
pub fn release(
    db: &Db,
    input: &Value,
    integrations: &Integrations<'_>,
    quarantine_hours: u32,
) -> Result<ReleaseReport> {
    let f = Fields::new("orphan release", input)?;
    f.allow_only(&["id", "all", "mode"])?;
    let mode = ReleaseMode::parse(f.optional_str("mode")?.as_deref(), || Ok(quarantine_hours))?;
    let ids: Vec<u64> = match (
        f.optional_int("id", 1, i64::MAX)?,
        f.optional_bool("all")?.unwrap_or(false),
    ) {
        (Some(id), false) => vec![id as u64],
        (None, true) => db.run(RetryPolicy::Transient, |conn| {
            Ok(conn.query(format!("SELECT a.id {ORPHANS} ORDER BY a.id"))?)
        })?,
        _ => {
            return Err(Error::invalid(
                "Say which orphan to release: 'id', or 'all' => true.",
            ));
        }
    };
    let mut report = ReleaseReport::default();
    for id in ids {
        let (address, failure) = db.transaction(RetryPolicy::Transient, |tx| {
            release_one(tx, id, integrations, mode)
        })?;
        match failure {
            None => report.released.push(address),
            Some(error) => report.failed.push((address, error)),
        }
    }
    Ok(report)
}

fn release_one(
    tx: &mut Transaction<'_>,
    id: u64,
    integrations: &Integrations<'_>,
    mode: ReleaseMode,
) -> Outcome<(String, Option<String>)> {
    let row: Option<Row> = tx.exec_first(
        format!("SELECT {ROW_COLUMNS} FROM mod_ipmanager_addresses WHERE id = :id AND id IN (SELECT a.id {ORPHANS}) FOR UPDATE"),
        params! {"id" => id},
    )?;
    let row = row.ok_or_else(|| {
        Error::NotFound(format!(
            "Address row #{id} is not an orphan (its service is live, or it was released already)."
        ))
    })?;
    let row = AddressRow::from_row(row).map_err(Failure::Domain)?;
    unassign_row(tx, &row, integrations, mode)
}

/// Takes an assignment away from its service: the panel first (a refusal leaves it
/// `releasing`), then release and removal from the service's IP fields. Shared by Orphaned,
/// Assignments and the client area.
pub fn unassign_row(
    tx: &mut Transaction<'_>,
    row: &AddressRow,
    integrations: &Integrations<'_>,
    mode: ReleaseMode,
) -> Outcome<(String, Option<String>)> {
    let service_id = row.service_id.unwrap_or(0);
    let subnet = release::lock_subnet(tx, row.subnet_id)?;
    let address = row.display();

    // 1. The panel first: an address must never be free while a server may still hold it.
    let service: Option<(String, String, String, String, String, String)> = tx.exec_first(
        "SELECT p.servertype, h.username, h.domain, COALESCE(s.hostname, ''), COALESCE(s.ipaddress, ''), COALESCE(s.username, '') \
         FROM tblhosting h JOIN tblproducts p ON p.id = h.packageid LEFT JOIN tblservers s ON s.id = h.server WHERE h.id = :id",
        params! {"id" => service_id},
    )?;
    if let Some((module, username, domain, hostname, ip, server_user)) = service
        && let Some(provider) = integrations.panels.for_module(&module)
    {
        let change = IpChange {
            module,
            service_id,
            username,
            domain,
            server: ServerAccess {
                hostname,
                ip,
                username: server_user,
                password: String::new(),
                access_hash: String::new(),
                secure: true,
            },
            addresses: vec![address.clone()],
        };
        if let Err(e) = provider.remove_ips(&change) {
            let error = format!("{}: {e}", provider.name());
            tx.exec_drop(
                "UPDATE mod_ipmanager_addresses SET state = 'releasing', note = :note, updated_at = UTC_TIMESTAMP() WHERE id = :id",
                params! {"note" => error.chars().take(190).collect::<String>(), "id" => row.id},
            )?;
            audit::record(
                tx,
                "address.release_failed",
                ("address", row.id),
                None,
                Some(&json!({"address": address, "error": error})),
                &format!("{address} of service #{service_id} stays releasing: {error}"),
            )?;
            return Ok((address, Some(error)));
        }
    }
    // 2. Unassign. 3. Clear the address from WHMCS's fields for the service.
    release::release_row(tx, &subnet, row, mode)?;
    clear_from_service(tx, service_id, &address)?;
    // 4. NetBox mirrors the release; a failure there is logged and does not undo it.
    if let Err(e) = integrations.netbox.released(&address) {
        audit::record(
            tx,
            "netbox.release_failed",
            ("address", row.id),
            None,
            Some(&json!({"address": address, "error": e.to_string()})),
            &format!(
                "NetBox ({}) was not told that {address} was released: {e}",
                integrations.netbox.name()
            ),
        )?;
    }
    Ok((address, None))
}

/// Removes `address` from the service's dedicated IP and assigned IPs.
pub fn clear_from_service(tx: &mut Transaction<'_>, service_id: u32, address: &str) -> Outcome<()> {
    let fields: Option<(String, String)> = tx.exec_first(
        "SELECT dedicatedip, assignedips FROM tblhosting WHERE id = :id",
        params! {"id" => service_id},
    )?;
    let Some((dedicated, assigned)) = fields else {
        return Ok(());
    };
    let dedicated = if dedicated.trim() == address {
        String::new()
    } else {
        dedicated
    };
    let assigned = assigned
        .split(['\n', '\r'])
        .map(str::trim)
        .filter(|l| !l.is_empty() && *l != address)
        .collect::<Vec<_>>()
        .join("\n");
    tx.exec_drop(
        "UPDATE tblhosting SET dedicatedip = :d, assignedips = :a WHERE id = :id",
        params! {"d" => dedicated, "a" => assigned, "id" => service_id},
    )?;
    Ok(())
}
