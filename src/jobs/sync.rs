//! Synchronize: import the IPs WHMCS already records (`tblhosting.dedicatedip` and
//! `assignedips`) as assignments. Nothing is ever moved from one service to another; every
//! row that cannot be imported is reported with the reason. A dry run goes through exactly
//! the same steps and rolls each service back.

use crate::audit;
use crate::error::Result;
use crate::input::Fields;
use crate::ipam::addresses::{AddressRow, ROW_COLUMNS, adjust_counters, insert_assigned};
use crate::ipam::busy;
use crate::ipam::model::{SUBNET_COLUMNS, State, Subnet};
use crate::net::{Addr, Cidr};
use crate::store::{Db, Failure, Outcome, RetryPolicy};
use mysql::prelude::Queryable;
use mysql::{Row, Transaction, params};
use serde::Serialize;
use serde_json::{Value, json};

#[derive(Debug, Default, Serialize, PartialEq, Eq)]
pub struct SyncReport {
    pub dry_run: bool,
    pub live_only: bool,
    pub services_scanned: u64,
    pub imported: Vec<Line>,
    pub already_correct: Vec<Line>,
    pub not_in_subnet: Vec<Line>,
    pub conflicting: Vec<Line>,
    pub unparsable: Vec<Line>,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Line {
    pub service_id: u32,
    pub address: String,
    pub reason: String,
}

enum Verdict {
    Imported,
    AlreadyCorrect,
    NotInSubnet,
    Conflicting(String),
}

pub fn run(db: &Db, input: &Value) -> Result<SyncReport> {
    let empty = Value::Object(Default::default());
    let input = if matches!(input, Value::Array(a) if a.is_empty()) {
        &empty
    } else {
        input
    };
    let f = Fields::new("synchronize options", input)?;
    f.allow_only(&["live_only", "dry_run"])?;
    let live_only = f.optional_bool("live_only")?.unwrap_or(true);
    let dry_run = f.optional_bool("dry_run")?.unwrap_or(false);
    let mut report = SyncReport {
        dry_run,
        live_only,
        ..Default::default()
    };

    let services: Vec<(u32, String, String)> = db.run(RetryPolicy::Transient, |conn| {
        Ok(conn.exec(
            "SELECT id, dedicatedip, assignedips FROM tblhosting WHERE (dedicatedip <> '' OR assignedips <> '') \
             AND (:live = 0 OR domainstatus IN ('Active', 'Pending')) ORDER BY id",
            params! {"live" => live_only},
        )?)
    })?;
    let subnets = load_subnets(db)?;
    let parsed: Vec<(u32, Vec<Item>)> = services
        .into_iter()
        .map(|(id, d, a)| (id, items_of(&d, &a)))
        .collect();
    report.services_scanned = parsed.len() as u64;
    let outcomes: Vec<(u32, Vec<(String, Checked)>)> = if dry_run {
        // One transaction over every service, rolled back: later services see what earlier
        // ones would have taken, exactly as in the real run.
        db.rehearse(RetryPolicy::TransientAndDuplicate, |tx| {
            parsed
                .iter()
                .map(|(id, items)| Ok((*id, check_service(tx, &subnets, *id, items)?)))
                .collect()
        })?
    } else {
        let mut out = Vec::with_capacity(parsed.len());
        for (id, items) in &parsed {
            let verdicts = db.transaction(RetryPolicy::TransientAndDuplicate, |tx| {
                check_service(tx, &subnets, *id, items)
            })?;
            out.push((*id, verdicts));
        }
        out
    };
    for (service_id, verdicts) in outcomes {
        for (address, verdict) in verdicts {
            let line = |reason: String| Line {
                service_id,
                address: address.clone(),
                reason,
            };
            match verdict {
                Err(reason) => report.unparsable.push(line(reason)),
                Ok(Verdict::Imported) => report.imported.push(line(String::new())),
                Ok(Verdict::AlreadyCorrect) => report.already_correct.push(line(String::new())),
                Ok(Verdict::NotInSubnet) => report
                    .not_in_subnet
                    .push(line("not inside any subnet of IP Manager".into())),
                Ok(Verdict::Conflicting(reason)) => report.conflicting.push(line(reason)),
            }
        }
    }
    Ok(report)
}

/// One entry of a service's IP fields: its text and what it parsed to.
type Item = (String, std::result::Result<Cidr, String>);
/// What became of one entry: a verdict, or why its text could not be read.
type Checked = std::result::Result<Verdict, String>;

/// The dedicated IP first, then the assigned ones; blanks and repeats dropped.
fn items_of(dedicated: &str, assigned: &str) -> Vec<Item> {
    let mut items: Vec<Item> = Vec::new();
    for text in std::iter::once(dedicated).chain(assigned.split(['\n', '\r', ','])) {
        let text = text.trim();
        if !text.is_empty() && !items.iter().any(|(t, _)| t == text) {
            items.push((text.to_string(), parse(text)));
        }
    }
    items
}

fn check_service(
    tx: &mut Transaction<'_>,
    subnets: &[Subnet],
    service_id: u32,
    items: &[Item],
) -> Outcome<Vec<(String, Checked)>> {
    let mut out = Vec::with_capacity(items.len());
    for (text, parsed) in items {
        let verdict = match parsed {
            Err(reason) => Err(reason.clone()),
            Ok(cidr) => Ok(import_one(tx, subnets, service_id, cidr)?),
        };
        out.push((text.clone(), verdict));
    }
    Ok(out)
}

/// An address (a single one is a /32 or /128) or a prefix in CIDR form.
fn parse(text: &str) -> std::result::Result<Cidr, String> {
    if text.contains('/') {
        return Cidr::parse(text).map_err(|e| e.to_string());
    }
    Addr::parse(text, "Address")
        .map(|a| Cidr::from_parts(a, a.family.bits()))
        .map_err(|e| e.to_string())
}

fn load_subnets(db: &Db) -> Result<Vec<Subnet>> {
    db.run(RetryPolicy::Transient, |conn| {
        let rows: Vec<Row> = conn.query(format!(
            "SELECT {SUBNET_COLUMNS} FROM mod_ipmanager_subnets ORDER BY prefix_len DESC"
        ))?;
        rows.into_iter()
            .map(|r| Subnet::from_row(r).map_err(Failure::Domain))
            .collect()
    })
}

fn import_one(
    tx: &mut Transaction<'_>,
    subnets: &[Subnet],
    service_id: u32,
    cidr: &Cidr,
) -> Outcome<Verdict> {
    // Most specific subnet first (the list is ordered by prefix length, longest first).
    let Some(subnet) = subnets.iter().find(|s| s.cidr.contains_cidr(cidr)) else {
        return Ok(Verdict::NotInSubnet);
    };
    tx.exec_drop(
        "SELECT id FROM mod_ipmanager_subnets WHERE id = :id FOR UPDATE",
        params! {"id" => subnet.id},
    )?;
    let (first, last) = (cidr.network, cidr.last());
    let rows: Vec<Row> = tx.exec(
        format!("SELECT {ROW_COLUMNS} FROM mod_ipmanager_addresses WHERE subnet_id = :s AND address <= :b AND last_address >= :a"),
        params! {"s" => subnet.id, "a" => first.to_bytes(), "b" => last.to_bytes()},
    )?;
    let rows = rows
        .into_iter()
        .map(|r| AddressRow::from_row(r).map_err(Failure::Domain))
        .collect::<Outcome<Vec<_>>>()?;
    let exact = |r: &AddressRow| r.first == first && r.prefix_len == cidr.prefix_len;
    let mut reuse: Option<AddressRow> = None;
    for row in &rows {
        let free = row.state == State::Free || row.expired;
        if row.blocked {
            return Ok(Verdict::Conflicting(format!(
                "reserved in subnet {} ({})",
                subnet.cidr, row.note
            )));
        }
        if exact(row) && row.service_id == Some(service_id) && row.state.counts_as_assigned() {
            return Ok(Verdict::AlreadyCorrect);
        }
        if !free && row.service_id.is_some_and(|s| s != service_id) {
            let owner = row
                .service_id
                .map_or_else(String::new, |s| format!(" to service #{s}"));
            return Ok(Verdict::Conflicting(format!(
                "{} is {}{owner}; it was not moved",
                row.display(),
                row.effective_state().as_str()
            )));
        }
        if !free && !row.state.counts_as_assigned() && row.service_id.is_none() {
            return Ok(Verdict::Conflicting(format!(
                "{} is {} in IP Manager",
                row.display(),
                row.state.as_str()
            )));
        }
        if exact(row) {
            reuse = Some(row.clone());
        }
    }
    if reuse.is_none() && !rows.is_empty() {
        return Ok(Verdict::Conflicting(format!(
            "{cidr} overlaps addresses IP Manager keeps with another size"
        )));
    }
    let blocked = busy::static_intervals(tx, subnet)?;
    if reuse.is_none()
        && blocked
            .iter()
            .any(|(s, e)| *s <= last.value && *e >= first.value)
    {
        return Ok(Verdict::Conflicting(format!(
            "reserved in subnet {} by its rules, exclusions or a child subnet",
            subnet.cidr
        )));
    }
    let pool: Option<u64> = tx.exec_first(
        "SELECT id FROM mod_ipmanager_pools WHERE subnet_id = :s AND range_start <= :a AND range_end >= :b \
         AND unit_prefix_len = :len ORDER BY id LIMIT 1",
        params! {"s" => subnet.id, "a" => first.to_bytes(), "b" => last.to_bytes(), "len" => cidr.prefix_len},
    )?;
    let row = match &reuse {
        Some(old) => {
            tx.exec_drop(
                "UPDATE mod_ipmanager_addresses SET state = 'assigned', pool_id = :pool, service_id = :svc, \
                 quarantine_until = NULL, updated_at = UTC_TIMESTAMP() WHERE id = :id",
                params! {"pool" => pool, "svc" => service_id, "id" => old.id},
            )?;
            // The old row's weight leaves its counters (a quarantine counted as reserved).
            adjust_counters(tx, old, Some(old.state), None)?;
            AddressRow {
                pool_id: pool,
                state: State::Assigned,
                service_id: Some(service_id),
                quarantine_until: None,
                expired: false,
                ..old.clone()
            }
        }
        None => insert_assigned(tx, subnet.id, pool, *cidr, service_id)?,
    };
    adjust_counters(tx, &row, None, Some(State::Assigned))?;
    let shown = row.display();
    audit::record(
        tx,
        "address.import",
        ("address", row.id),
        None,
        Some(&json!({"address": shown, "service_id": service_id})),
        &format!("{shown} imported from WHMCS for service #{service_id}."),
    )?;
    Ok(Verdict::Imported)
}
