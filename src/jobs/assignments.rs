//! Assignments: services with their IPs, with WHMCS's view of the service beside them;
//! manual assign (from a pool or subnet, or a chosen free address) and unassign.

use super::unassign::{self, Unassigned};
use crate::choices::{LIVE_STATUSES, SERVICE_STATUSES};
use crate::error::{Error, Result};
use crate::ipam::addresses::{self, AddressRow, ROW_COLUMNS};
use crate::ipam::allocator::{self, Target};
use crate::ipam::model::{State, take};
use crate::ipam::release::{self, ModeChoice};
use crate::ipam::space::rows::{self, Owner};
use crate::ipam::space::{Block, FreeSet, give, taking};
use crate::net::{Addr, AddrRange, Cidr};
use crate::paging::{Page, Paging};
use crate::providers::Integrations;
use crate::providers::outbox::{self, Job, Operation};
use crate::store::{Db, Failure, Outcome, RetryPolicy, Tx};
use crate::whmcs::service_ips;
use crate::whmcs::services;
use mysql::prelude::Queryable;
use mysql::{Row, params};
use serde::{Deserialize, Serialize};

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
    /// Whether WHMCS lists this address for the service (dedicated or assigned IPs); false
    /// flags a mismatch between WHMCS and IP Manager.
    pub in_whmcs: bool,
    /// The integration that removes it from the service's panel on unassign, if any.
    pub panel: Option<String>,
}

/// Which assignments to list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AssignmentFilter {
    pub client_id: Option<u32>,
    pub service_id: Option<u32>,
    /// A WHMCS service status (`SERVICE_STATUSES`).
    pub status: Option<String>,
    /// An address or CIDR.
    pub search: Option<String>,
    pub paging: Paging,
}

pub fn list(db: &Db, filter: &AssignmentFilter) -> Result<Page<Assignment>> {
    let client = filter.client_id;
    let service = filter.service_id;
    let status = filter.status.clone();
    if let Some(s) = &status
        && !SERVICE_STATUSES.contains(&s.as_str())
    {
        return Err(Error::invalid(format!(
            "Service status '{s}' is not known; use one of {}.",
            SERVICE_STATUSES.join(", ")
        )));
    }
    let (lo, hi) = match filter.search.clone() {
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
    let paging = filter.paging;
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
                 COALESCE(s.name, '') AS server, COALESCE(p.servertype, '') AS module, h.dedicatedip, h.assignedips {from} ORDER BY a.service_id, LENGTH(a.address), a.address \
                 LIMIT :limit OFFSET :offset"
            ),
            params,
        )?;
        let integrations = crate::providers::settings::read_all(conn)?;
        let mut items = Vec::with_capacity(rows.len());
        for mut row in rows {
            let module: String = take(&mut row, "module")?;
            let addr = Addr::from_bytes(&take::<Vec<u8>>(&mut row, "address")?)?;
            let len: u8 = take(&mut row, "prefix_len")?;
            let state: String = take(&mut row, "state")?;
            let dedicated: String = take(&mut row, "dedicatedip")?;
            let assigned: Option<String> = take(&mut row, "assignedips")?;
            let address = allocator::unit_text(addr, len)?;
            let in_whmcs = crate::whmcs::services::ip_list(Some(&dedicated), assigned.as_deref())
                .iter()
                .any(|ip| ip == &address);
            items.push(Assignment {
                id: take(&mut row, "id")?,
                address,
                state: State::parse(&state)?.as_str(),
                service_id: take(&mut row, "service_id")?,
                service_status: take(&mut row, "domainstatus")?,
                domain: take(&mut row, "domain")?,
                client_id: take(&mut row, "userid")?,
                client: take(&mut row, "client")?,
                product: take(&mut row, "product")?,
                server: take(&mut row, "server")?,
                whmcs_dedicatedip: dedicated,
                in_whmcs,
                panel: crate::providers::settings::remover(&integrations, &module)
                    .map(str::to_string),
            });
        }
        Ok(Page::new(items, total, paging))
    })
}

/// What assigning would put at risk, for the admin to confirm first: a service that is not
/// live (the address would sit unused). Writes nothing.
pub fn assign_check(db: &Db, service_id: u32) -> Result<Vec<String>> {
    db.run(RetryPolicy::Transient, |conn| {
        let service: Option<(String, Option<String>)> = conn.exec_first(
            "SELECT domainstatus, domain FROM tblhosting WHERE id = :id",
            params! {"id" => service_id},
        )?;
        let Some((status, domain)) = service else {
            return Err(
                Error::NotFound(format!("Service #{service_id} does not exist in WHMCS.")).into(),
            );
        };
        if LIVE_STATUSES.contains(&status.as_str()) {
            return Ok(Vec::new());
        }
        Ok(vec![format!(
            "Service #{service_id} {} is {status}, not live: the address would sit unused until the service is active again.",
            domain.unwrap_or_default()
        )])
    })
}

/// Where an assigned unit comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AssignSource {
    Pool(u64),
    Subnet(u64),
    /// A chosen free address or prefix.
    Address(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssignRequest {
    pub service_id: u32,
    pub source: AssignSource,
}

/// What a manual assign did.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Assigned {
    pub address: String,
    /// The panel add written to the outbox with the assignment, if an integration adds.
    pub outbox_id: Option<u64>,
    /// Why the panel did not take it yet (the add waits in the outbox).
    pub panel_error: Option<String>,
    /// Why the panel was not asked at all: it cannot take this address through its API.
    pub panel_note: Option<String>,
}

/// Assigns one more unit from a pool or subnet, or the chosen free address, to a service,
/// and records it in WHMCS (dedicated IP if empty, else assigned IPs). When the service's
/// panel integration adds IPs, the add is written in the same transaction and delivered
/// after COMMIT.
pub fn assign(
    db: &Db,
    request: &AssignRequest,
    integrations: &Integrations<'_>,
) -> Result<Assigned> {
    let assigned = assign_and_tell_panel(db, request, integrations)?;
    crate::netbox::mirror::after_commit(db, request.service_id, integrations.deadline)?;
    crate::dns::mirror::after_commit(db, request.service_id, integrations.deadline)?;
    Ok(assigned)
}

fn assign_and_tell_panel(
    db: &Db,
    request: &AssignRequest,
    integrations: &Integrations<'_>,
) -> Result<Assigned> {
    let service_id = request.service_id;
    let chosen = match &request.source {
        AssignSource::Address(text) => Some(release::parse_unit(text, "Address")?),
        _ => None,
    };
    if let Some(cidr) = chosen
        && cidr.prefix_len() == 0
    {
        return Err(Error::invalid(format!(
            "{cidr} is a whole address space, not an address or prefix to assign."
        )));
    }
    let assigned = db.transaction(RetryPolicy::TransientAndDuplicate, |tx| {
        let exists: Option<u32> = tx.exec_first(
            "SELECT id FROM tblhosting WHERE id = :id",
            params! {"id" => service_id},
        )?;
        if exists.is_none() {
            return Err(
                Error::NotFound(format!("Service #{service_id} does not exist in WHMCS.")).into(),
            );
        }
        let shown = match (chosen, &request.source) {
            (Some(cidr), _) => assign_chosen(tx, service_id, cidr)?,
            (None, AssignSource::Pool(p)) => next_unit(tx, Target::Pool(*p), service_id)?,
            (None, AssignSource::Subnet(s)) => next_unit(tx, Target::Subnet(*s), service_id)?,
            (None, AssignSource::Address(_)) => {
                return Err(Failure::Domain(Error::Internal(
                    "An address to assign was not read.".into(),
                )));
            }
        };
        service_ips::add(tx, service_id, &shown)?;
        let facts = services::panel_facts(tx, service_id)?.unwrap_or_default();
        let outbox_id = if integrations.panels.tells(&facts.module, Operation::Add) {
            Some(outbox::enqueue(
                tx,
                &Job {
                    target: outbox::Target::Panel,
                    operation: Operation::Add,
                    service_id,
                    server_id: facts.server_id,
                    module: facts.module,
                    username: facts.username,
                    domain: facts.domain,
                    addresses: vec![shown.clone()],
                    release: None,
                },
            )?)
        } else {
            None
        };
        Ok(Assigned {
            address: shown,
            outbox_id,
            panel_error: None,
            panel_note: None,
        })
    })?;
    let Some(job) = assigned.outbox_id else {
        return Ok(assigned);
    };
    let (panel_error, panel_note) =
        match outbox::deliver(db, job, &integrations.delivery(), &outbox::nothing_follows)? {
            Some(delivered) => (delivered.error, delivered.note),
            None => (
                Some("an earlier change of this service is still waiting in the outbox".into()),
                None,
            ),
        };
    Ok(Assigned {
        panel_error,
        panel_note,
        ..assigned
    })
}

/// One more unit than the service already holds from the target.
fn next_unit(tx: &mut Tx<'_>, target: Target, service_id: u32) -> Outcome<String> {
    let held = allocator::held_count(tx, target, service_id)?;
    let want = u32::try_from(held)
        .ok()
        .and_then(|n| n.checked_add(1))
        .filter(|n| *n <= allocator::MAX_COUNT)
        .ok_or_else(|| {
            Error::invalid(format!(
                "Service #{service_id} already holds the most units one pool or subnet gives a service ({}).",
                allocator::MAX_COUNT
            ))
        })?;
    let got = allocator::allocate_in(tx, target, service_id, want)?;
    let new = got
        .into_iter()
        .find(|a| a.new)
        .ok_or_else(|| Failure::Domain(Error::Internal("No new unit was assigned.".into())))?;
    Ok(new.address)
}

/// A chosen address or prefix: it must be available by the same rule the allocator follows.
fn assign_chosen(tx: &mut Tx<'_>, service_id: u32, cidr: Cidr) -> Outcome<String> {
    let subnet_id = addresses::subnet_of(tx, cidr.network())?.ok_or_else(|| {
        Error::NotFound(format!("{cidr} is not inside any subnet of IP Manager."))
    })?;
    let locked = release::lock_subnet(tx, subnet_id)?;
    let subnet = &locked.subnet;
    if !subnet.cidr.contains_cidr(&cidr) {
        return Err(Error::Conflict(format!(
            "{cidr} reaches beyond subnet {} ({}); choose a unit inside one subnet.",
            subnet.cidr, subnet.name
        ))
        .into());
    }
    give::settle(tx, subnet, &locked.blocked)?;
    let (first, last) = (cidr.network().value, cidr.last().value);
    if let Some(reason) = locked.blocked.reason(first, last) {
        return Err(Error::Conflict(format!(
            "{} is reserved in subnet {} ({reason}); choose a free address.",
            cidr.unit_text(),
            subnet.cidr
        ))
        .into());
    }
    if let Some(holder) = held_overlapping(tx, subnet_id, cidr)? {
        let owner = holder
            .service_id
            .map(|s| format!(" by service #{s}"))
            .unwrap_or_default();
        return Err(Error::Conflict(format!(
            "{} is {}{owner}; choose a free address.",
            holder.display(),
            holder.effective_state().as_str()
        ))
        .into());
    }
    let family = subnet.family();
    let mut free = FreeSet::new(rows::overlapping(tx, subnet_id, family, first, last)?);
    let Some(unit) = Block::new(first, cidr.host_bits()).filter(|u| free.take(*u)) else {
        return Err(Error::Conflict(format!(
            "{cidr} is not free as one unit in subnet {} (a stored subnet hands out single addresses).",
            subnet.cidr
        ))
        .into());
    };
    let pool: Option<u64> = tx.exec_first(
        "SELECT id FROM mod_ipmanager_pools WHERE subnet_id = :s AND range_start <= :a AND range_end >= :b AND unit_prefix_len = :len ORDER BY id LIMIT 1",
        params! {"s" => subnet_id, "a" => cidr.network().to_bytes(), "b" => cidr.last().to_bytes(), "len" => cidr.prefix_len()},
    )?;
    let owner = Owner {
        service_id,
        pool_id: pool,
    };
    tx.defer(
        taking::script(subnet_id, family, &free.changes(), &[owner]).map_err(Failure::Domain)?,
    );
    debug_assert_eq!(unit.start(), first);
    let shown = cidr.unit_text();
    allocator::record_taken(tx, subnet, pool, service_id, &[cidr], "by hand");
    Ok(shown)
}

/// A held row overlapping `cidr` (any state but free; blocked rows count as held).
fn held_overlapping(tx: &mut Tx<'_>, subnet_id: u64, cidr: Cidr) -> Outcome<Option<AddressRow>> {
    let (first, last) = (cidr.network().to_bytes(), cidr.last().to_bytes());
    let rows: Vec<Row> = tx.exec(
        format!(
            "(SELECT {ROW_COLUMNS} FROM mod_ipmanager_addresses WHERE subnet_id = :s AND address <= :a \
               ORDER BY address DESC LIMIT 1) \
             UNION ALL \
             (SELECT {ROW_COLUMNS} FROM mod_ipmanager_addresses WHERE subnet_id = :s AND address > :a \
               AND address <= :b AND state <> 'free' ORDER BY address LIMIT 1)"
        ),
        params! {"s" => subnet_id, "a" => first, "b" => last},
    )?;
    for row in rows {
        let row = AddressRow::from_row(row).map_err(Failure::Domain)?;
        if row.state != State::Free && row.last.value >= cidr.network().value {
            return Ok(Some(row));
        }
    }
    Ok(None)
}

/// Which assignment to unassign: `service_id` (the service the admin saw) and `client_id`
/// (client area) must still match.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UnassignRequest {
    pub id: u64,
    pub service_id: Option<u32>,
    pub client_id: Option<u32>,
    pub mode: ModeChoice,
}

/// Unassigns one assignment: panel first, then release and clear it from WHMCS.
pub fn unassign(
    db: &Db,
    request: &UnassignRequest,
    integrations: &Integrations<'_>,
    quarantine_hours: u32,
) -> Result<Unassigned> {
    let request = unassign::Request {
        row_id: request.id,
        service_id: request.service_id,
        client_id: request.client_id,
        orphan_only: false,
        stale_only: false,
        keep_primary: false,
        mode: request.mode.resolve(|| Ok(quarantine_hours))?,
    };
    unassign::unassign(db, request, integrations)
}
