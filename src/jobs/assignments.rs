//! Assignments: services with their IPs, with WHMCS's view of the service beside them;
//! manual assign (from a pool or subnet, or a chosen free address) and unassign.

use super::orphans;
use crate::audit;
use crate::error::{Error, Result};
use crate::input::Fields;
use crate::ipam::addresses::{AddressRow, ROW_COLUMNS, adjust_counters, insert_assigned};
use crate::ipam::allocator::{self, Target};
use crate::ipam::busy;
use crate::ipam::model::{State, take};
use crate::ipam::release::{self, ReleaseMode};
use crate::net::{Addr, AddrRange, Cidr};
use crate::paging::{Page, Paging};
use crate::providers::Integrations;
use crate::store::{Db, Failure, Outcome, RetryPolicy};
use mysql::prelude::Queryable;
use mysql::{Row, Transaction, params};
use serde::Serialize;
use serde_json::{Value, json};

const STATUSES: &[&str] = &[
    "Pending",
    "Active",
    "Suspended",
    "Cancelled",
    "Terminated",
    "Fraud",
    "Completed",
];

#[derive(Debug, Serialize)]
pub struct Assignment {
    pub id: u64,
    pub address: String,
    pub state: &'static str,
    pub service_id: u32,
    pub service_status: String,
    pub domain: String,
    pub client_id: u32,
    pub client: String,
    pub product: String,
    pub server: String,
    /// What WHMCS records as the service's dedicated IP.
    pub whmcs_dedicatedip: String,
}

pub fn list(db: &Db, input: &Value) -> Result<Page<Assignment>> {
    let f = Fields::new("assignment filter", input)?;
    f.allow_only(&[
        "client_id",
        "service_id",
        "status",
        "search",
        "page",
        "per_page",
    ])?;
    let client = f.optional_int("client_id", 1, i64::from(u32::MAX))?;
    let service = f.optional_int("service_id", 1, i64::from(u32::MAX))?;
    let status = f.optional_str("status")?.filter(|s| !s.trim().is_empty());
    if let Some(s) = &status
        && !STATUSES.contains(&s.trim())
    {
        return Err(Error::invalid(format!(
            "Service status '{s}' is not known; use one of {}.",
            STATUSES.join(", ")
        )));
    }
    let (lo, hi) = match f.optional_str("search")?.filter(|s| !s.trim().is_empty()) {
        None => (None, None),
        Some(text) => {
            let range = if text.contains('/') {
                Cidr::parse(&text)?.range()
            } else {
                AddrRange::single(Addr::parse(&text, "Search")?)
            };
            (
                Some(range.first().to_bytes()),
                Some(range.last().to_bytes()),
            )
        }
    };
    let paging = Paging::from_fields(&f)?;
    let from = "FROM mod_ipmanager_addresses a JOIN tblhosting h ON h.id = a.service_id \
        LEFT JOIN tblclients c ON c.id = h.userid LEFT JOIN tblproducts p ON p.id = h.packageid \
        LEFT JOIN tblservers s ON s.id = h.server \
        WHERE a.state IN ('assigned', 'releasing') AND (:client IS NULL OR h.userid = :client) \
        AND (:service IS NULL OR a.service_id = :service) AND (:status IS NULL OR h.domainstatus = :status) \
        AND (:lo IS NULL OR (a.last_address >= :lo AND a.address <= :hi AND LENGTH(a.address) = LENGTH(:lo)))";
    db.run(RetryPolicy::Transient, |conn| {
        let p = || params! {"client" => client, "service" => service, "status" => status.clone(), "lo" => lo.clone(), "hi" => hi.clone()};
        let total: Option<u64> = conn.exec_first(format!("SELECT COUNT(*) {from}"), p())?;
        let params = paging.bind(p());
        let rows: Vec<Row> = conn.exec(
            format!(
                "SELECT a.id, a.address, a.prefix_len, a.state, a.service_id, h.domainstatus, h.domain, h.userid, \
                 COALESCE(TRIM(CONCAT(c.firstname, ' ', c.lastname)), '') AS client, COALESCE(p.name, '') AS product, \
                 COALESCE(s.name, '') AS server, h.dedicatedip {from} ORDER BY a.service_id, LENGTH(a.address), a.address \
                 LIMIT :limit OFFSET :offset"
            ),
            params,
        )?;
        let mut items = Vec::with_capacity(rows.len());
        for mut row in rows {
            let addr = Addr::from_bytes(&take::<Vec<u8>>(&mut row, "address")?)?;
            let len: u8 = take(&mut row, "prefix_len")?;
            let state: String = take(&mut row, "state")?;
            items.push(Assignment {
                id: take(&mut row, "id")?,
                address: Cidr::from_parts(addr, len).unit_text(),
                state: State::parse(&state)?.as_str(),
                service_id: take(&mut row, "service_id")?,
                service_status: take(&mut row, "domainstatus")?,
                domain: take(&mut row, "domain")?,
                client_id: take(&mut row, "userid")?,
                client: take(&mut row, "client")?,
                product: take(&mut row, "product")?,
                server: take(&mut row, "server")?,
                whmcs_dedicatedip: take(&mut row, "dedicatedip")?,
            });
        }
        Ok(Page::new(items, total, paging))
    })
}

/// Assigns one more unit from a pool or subnet, or the chosen free `address`, to a service,
/// and records it in WHMCS (dedicated IP if empty, else assigned IPs).
pub fn assign(db: &Db, input: &Value) -> Result<String> {
    let f = Fields::new("assignment", input)?;
    f.allow_only(&["service_id", "pool_id", "subnet_id", "address"])?;
    let service_id = f
        .optional_int("service_id", 1, i64::from(u32::MAX))?
        .ok_or_else(|| Error::invalid("'service_id' (the WHMCS service) is required."))?
        as u32;
    let pool = f.optional_int("pool_id", 1, i64::MAX)?.map(|n| n as u64);
    let subnet = f.optional_int("subnet_id", 1, i64::MAX)?.map(|n| n as u64);
    let address = f.optional_str("address")?.filter(|a| !a.trim().is_empty());
    db.transaction(RetryPolicy::TransientAndDuplicate, |tx| {
        let exists: Option<u32> = tx.exec_first(
            "SELECT id FROM tblhosting WHERE id = :id",
            params! {"id" => service_id},
        )?;
        if exists.is_none() {
            return Err(
                Error::NotFound(format!("Service #{service_id} does not exist in WHMCS.")).into(),
            );
        }
        let shown = match (&address, pool, subnet) {
            (Some(text), _, _) => assign_address(tx, service_id, text)?,
            (None, Some(p), None) => next_unit(tx, Target::Pool(p), service_id)?,
            (None, None, Some(s)) => next_unit(tx, Target::Subnet(s), service_id)?,
            _ => {
                return Err(
                    Error::invalid("Give a pool, a subnet, or a free address to assign.").into(),
                );
            }
        };
        record_in_whmcs(tx, service_id, &shown)?;
        Ok(shown)
    })
}

/// One more unit than the service already holds from the target.
fn next_unit(tx: &mut Transaction<'_>, target: Target, service_id: u32) -> Outcome<String> {
    let held: Option<u64> = match target {
        Target::Pool(id) => tx.exec_first(
            "SELECT COUNT(*) FROM mod_ipmanager_addresses WHERE service_id = :s AND pool_id = :p AND state IN ('assigned','releasing')",
            params! {"s" => service_id, "p" => id},
        )?,
        Target::Subnet(id) => tx.exec_first(
            "SELECT COUNT(*) FROM mod_ipmanager_addresses WHERE service_id = :s AND subnet_id = :p AND pool_id IS NULL AND state IN ('assigned','releasing')",
            params! {"s" => service_id, "p" => id},
        )?,
    };
    let want = held.unwrap_or(0) as u32 + 1;
    let got = allocator::allocate_in(tx, target, service_id, want)?;
    let new = got
        .into_iter()
        .find(|a| a.new)
        .ok_or_else(|| Failure::Domain(Error::Internal("No new unit was assigned.".into())))?;
    Ok(new.address)
}

/// A chosen address: it must lie in a subnet and be free there.
fn assign_address(tx: &mut Transaction<'_>, service_id: u32, text: &str) -> Outcome<String> {
    let cidr = if text.contains('/') {
        Cidr::parse(text)?
    } else {
        let a = Addr::parse(text, "Address")?;
        Cidr::from_parts(a, a.family.bits())
    };
    let subnet_id: Option<u64> = tx.exec_first(
        "SELECT id FROM mod_ipmanager_subnets WHERE family = :f AND network <= :a AND last_address >= :b ORDER BY prefix_len DESC LIMIT 1",
        params! {"f" => cidr.family().number(), "a" => cidr.network.to_bytes(), "b" => cidr.last().to_bytes()},
    )?;
    let subnet_id = subnet_id.ok_or_else(|| {
        Error::NotFound(format!("{cidr} is not inside any subnet of IP Manager."))
    })?;
    let subnet = release::lock_subnet(tx, subnet_id)?;
    let rows: Vec<Row> = tx.exec(
        format!("SELECT {ROW_COLUMNS} FROM mod_ipmanager_addresses WHERE subnet_id = :s AND address <= :b AND last_address >= :a"),
        params! {"s" => subnet.id, "a" => cidr.network.to_bytes(), "b" => cidr.last().to_bytes()},
    )?;
    let rows = rows
        .into_iter()
        .map(|r| AddressRow::from_row(r).map_err(Failure::Domain))
        .collect::<Outcome<Vec<_>>>()?;
    let reusable = |r: &AddressRow| {
        !r.blocked
            && (r.state == State::Free || r.expired)
            && r.first == cidr.network
            && r.prefix_len == cidr.prefix_len
    };
    if let Some(taken) = rows.iter().find(|r| !reusable(r)) {
        let owner = taken
            .service_id
            .map(|s| format!(" by service #{s}"))
            .unwrap_or_default();
        return Err(Error::Conflict(format!(
            "{} is {}{owner}; choose a free address.",
            taken.display(),
            taken.effective_state().as_str()
        ))
        .into());
    }
    if rows.is_empty()
        && busy::static_intervals(tx, &subnet)?
            .iter()
            .any(|(s, e)| *s <= cidr.last().value && *e >= cidr.network.value)
    {
        return Err(Error::Conflict(format!(
            "{cidr} is reserved in subnet {} (rules, exclusions or a child subnet).",
            subnet.cidr
        ))
        .into());
    }
    let pool: Option<u64> = tx.exec_first(
        "SELECT id FROM mod_ipmanager_pools WHERE subnet_id = :s AND range_start <= :a AND range_end >= :b AND unit_prefix_len = :len ORDER BY id LIMIT 1",
        params! {"s" => subnet.id, "a" => cidr.network.to_bytes(), "b" => cidr.last().to_bytes(), "len" => cidr.prefix_len},
    )?;
    let row = match rows.into_iter().next() {
        Some(old) => {
            tx.exec_drop(
                "UPDATE mod_ipmanager_addresses SET state = 'assigned', pool_id = :p, service_id = :s, quarantine_until = NULL, \
                 updated_at = UTC_TIMESTAMP() WHERE id = :id",
                params! {"p" => pool, "s" => service_id, "id" => old.id},
            )?;
            adjust_counters(tx, &old, Some(old.state), None)?;
            AddressRow {
                pool_id: pool,
                state: State::Assigned,
                service_id: Some(service_id),
                quarantine_until: None,
                expired: false,
                ..old
            }
        }
        None => insert_assigned(tx, subnet.id, pool, cidr, service_id)?,
    };
    adjust_counters(tx, &row, None, Some(State::Assigned))?;
    let shown = row.display();
    audit::record(
        tx,
        "address.assign",
        ("address", row.id),
        None,
        Some(&json!({"address": shown, "service_id": service_id})),
        &format!("{shown} assigned to service #{service_id} by hand."),
    )?;
    Ok(shown)
}

/// The dedicated IP if the service has none, else one more line of assigned IPs.
fn record_in_whmcs(tx: &mut Transaction<'_>, service_id: u32, address: &str) -> Outcome<()> {
    let fields: Option<(String, String)> = tx.exec_first(
        "SELECT dedicatedip, assignedips FROM tblhosting WHERE id = :id",
        params! {"id" => service_id},
    )?;
    let Some((dedicated, assigned)) = fields else {
        return Ok(());
    };
    if dedicated.trim().is_empty() {
        tx.exec_drop(
            "UPDATE tblhosting SET dedicatedip = :a WHERE id = :id",
            params! {"a" => address, "id" => service_id},
        )?;
    } else if !assigned.split(['\n', '\r']).any(|l| l.trim() == address)
        && dedicated.trim() != address
    {
        let joined = if assigned.trim().is_empty() {
            address.to_string()
        } else {
            format!("{}\n{address}", assigned.trim_end())
        };
        tx.exec_drop(
            "UPDATE tblhosting SET assignedips = :a WHERE id = :id",
            params! {"a" => joined, "id" => service_id},
        )?;
    }
    Ok(())
}

/// Unassigns one assignment (`id`): panel first, then release and clear it from WHMCS.
pub fn unassign(
    db: &Db,
    input: &Value,
    integrations: &Integrations<'_>,
    quarantine_hours: u32,
) -> Result<(String, Option<String>)> {
    let f = Fields::new("unassign request", input)?;
    f.allow_only(&["id", "mode", "client_id"])?;
    let id = f
        .optional_int("id", 1, i64::MAX)?
        .ok_or_else(|| Error::invalid("Say which assignment to unassign: 'id'."))?
        as u64;
    let client = f.optional_int("client_id", 1, i64::from(u32::MAX))?;
    let mode = ReleaseMode::parse(f.optional_str("mode")?.as_deref(), || Ok(quarantine_hours))?;
    db.transaction(RetryPolicy::Transient, |tx| {
        // With a client id (client area) only that client's own services qualify.
        let row: Option<Row> = tx.exec_first(
            format!(
                "SELECT {ROW_COLUMNS} FROM mod_ipmanager_addresses WHERE id = :id AND state IN ('assigned','releasing') \
                 AND (:client IS NULL OR service_id IN (SELECT id FROM tblhosting WHERE userid = :client)) FOR UPDATE"
            ),
            params! {"id" => id, "client" => client},
        )?;
        let row = row.ok_or_else(|| Error::NotFound(format!("Assignment #{id} does not exist or is not yours.")))?;
        let row = AddressRow::from_row(row).map_err(Failure::Domain)?;
        orphans::unassign_row(tx, &row, integrations, mode)
    })
}
