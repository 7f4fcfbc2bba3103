//! Synchronize: import the IPs WHMCS already records (`tblhosting.dedicatedip` and
//! `assignedips`) as assignments. Nothing is ever moved from one service to another; every
//! entry that cannot be imported is reported with the reason. A dry run goes through the
//! same statements and rolls back.
//!
//! Built for 100,000 services: entries are grouped by subnet and sorted by address, and each
//! chunk costs a lock, one read, one multi-row upsert, the counter updates and one multi-row
//! log insert. Within an address, the lower service id comes first, so when two services
//! claim one address the earlier service keeps it, as it would processing service by service.

use crate::audit;
use crate::error::Result;
use crate::input::Fields;
use crate::ipam::addresses::{AddressRow, ROW_COLUMNS};
use crate::ipam::model::{State, Subnet};
use crate::ipam::{busy, subnets};
use crate::net::{Addr, Cidr};
use crate::store::{Db, Failure, Outcome, RetryPolicy};
use mysql::prelude::Queryable;
use mysql::{Row, Transaction, params};
use serde::Serialize;
use serde_json::{Value, json};
use std::collections::BTreeMap;

/// Entries per transaction.
const CHUNK: usize = 2000;

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
    Unparsable(String),
}

/// An entry's place in the report, its service, its text and what became of it.
type Judged = ((usize, usize), u32, String, Verdict);

/// One address or prefix a service lists, with where it stands in the report.
struct Entry {
    /// (service position, position within the service) — the report's order.
    order: (usize, usize),
    service_id: u32,
    text: String,
    cidr: Cidr,
}

pub fn run(db: &Db, input: &Value) -> Result<SyncReport> {
    let f = Fields::new("synchronize options", input)?;
    f.allow_only(&["live_only", "dry_run"])?;
    let live_only = f.optional_bool("live_only")?.unwrap_or(true);
    let dry_run = f.optional_bool("dry_run")?.unwrap_or(false);
    let services: Vec<(u32, String, String)> = db.run(RetryPolicy::Transient, |conn| {
        Ok(conn.exec(
            "SELECT id, dedicatedip, assignedips FROM tblhosting WHERE (dedicatedip <> '' OR assignedips <> '') \
             AND (:live = 0 OR domainstatus IN ('Active', 'Pending')) ORDER BY id",
            params! {"live" => live_only},
        )?)
    })?;
    // Most specific first, so an entry goes to the smallest subnet that contains it.
    let mut subnets = subnets::list(db)?;
    subnets.sort_by_key(|s| std::cmp::Reverse(s.cidr.prefix_len));

    let mut verdicts: Vec<Judged> = Vec::new();
    let mut by_subnet: Vec<Vec<Entry>> = (0..subnets.len()).map(|_| Vec::new()).collect();
    for (position, (service_id, dedicated, assigned)) in services.iter().enumerate() {
        for (index, text) in texts(dedicated, assigned).into_iter().enumerate() {
            let order = (position, index);
            match parse(&text) {
                Err(reason) => {
                    verdicts.push((order, *service_id, text, Verdict::Unparsable(reason)))
                }
                Ok(cidr) => match subnets.iter().position(|s| s.cidr.contains_cidr(&cidr)) {
                    None => verdicts.push((order, *service_id, text, Verdict::NotInSubnet)),
                    Some(s) => by_subnet[s].push(Entry {
                        order,
                        service_id: *service_id,
                        text,
                        cidr,
                    }),
                },
            }
        }
    }
    for entries in &mut by_subnet {
        entries.sort_by_key(|e| (e.cidr.network.value, e.service_id, e.order));
    }
    let chunks: Vec<(usize, &[Entry])> = by_subnet
        .iter()
        .enumerate()
        .flat_map(|(s, entries)| entries.chunks(CHUNK).map(move |c| (s, c)))
        .collect();
    let mut statics: BTreeMap<usize, Vec<(u128, u128)>> = BTreeMap::new();
    let mut judged: Vec<Judged> = Vec::new();
    if dry_run {
        judged = db.rehearse(RetryPolicy::TransientAndDuplicate, |tx| {
            let mut all = Vec::new();
            for (s, chunk) in &chunks {
                let blocked = statics_of(tx, &mut statics, *s, &subnets[*s])?;
                all.extend(import_chunk(tx, &subnets[*s], chunk, &blocked)?);
            }
            Ok(all)
        })?;
    } else {
        for (s, chunk) in &chunks {
            let done = db.transaction(RetryPolicy::TransientAndDuplicate, |tx| {
                let blocked = statics_of(tx, &mut statics, *s, &subnets[*s])?;
                import_chunk(tx, &subnets[*s], chunk, &blocked)
            })?;
            judged.extend(done);
        }
    }
    verdicts.extend(judged);
    verdicts.sort_by_key(|(order, _, _, _)| *order);

    let mut report = SyncReport {
        dry_run,
        live_only,
        services_scanned: services.len() as u64,
        ..Default::default()
    };
    for (_, service_id, address, verdict) in verdicts {
        let line = |reason: String| Line {
            service_id,
            address: address.clone(),
            reason,
        };
        match verdict {
            Verdict::Unparsable(reason) => report.unparsable.push(line(reason)),
            Verdict::Imported => report.imported.push(line(String::new())),
            Verdict::AlreadyCorrect => report.already_correct.push(line(String::new())),
            Verdict::NotInSubnet => report
                .not_in_subnet
                .push(line("not inside any subnet of IP Manager".into())),
            Verdict::Conflicting(reason) => report.conflicting.push(line(reason)),
        }
    }
    Ok(report)
}

/// The dedicated IP first, then the assigned ones; blanks and repeats dropped.
fn texts(dedicated: &str, assigned: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for text in std::iter::once(dedicated).chain(assigned.split(['\n', '\r', ','])) {
        let text = text.trim();
        if !text.is_empty() && !out.iter().any(|t| t == text) {
            out.push(text.to_string());
        }
    }
    out
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

/// A subnet's blocked ranges and children, read once per run.
fn statics_of(
    tx: &mut Transaction<'_>,
    cache: &mut BTreeMap<usize, Vec<(u128, u128)>>,
    index: usize,
    subnet: &Subnet,
) -> Outcome<Vec<(u128, u128)>> {
    if let Some(known) = cache.get(&index) {
        return Ok(known.clone());
    }
    let found = busy::static_intervals(tx, subnet)?;
    cache.insert(index, found.clone());
    Ok(found)
}

/// What to write for an entry that is imported.
struct Write {
    cidr: Cidr,
    pool: Option<u64>,
    service_id: u32,
    /// The free or run-out row taken over, if any (same start and size).
    reused: Option<AddressRow>,
}

fn import_chunk(
    tx: &mut Transaction<'_>,
    subnet: &Subnet,
    chunk: &[Entry],
    blocked: &[(u128, u128)],
) -> Outcome<Vec<Judged>> {
    tx.exec_drop(
        "SELECT id FROM mod_ipmanager_subnets WHERE id = :id FOR UPDATE",
        params! {"id" => subnet.id},
    )?;
    let lo = chunk
        .iter()
        .map(|e| e.cidr.network.value)
        .min()
        .unwrap_or(0);
    let hi = chunk.iter().map(|e| e.cidr.last().value).max().unwrap_or(0);
    let family = subnet.family();
    let rows: Vec<Row> = tx.exec(
        format!(
            "(SELECT {ROW_COLUMNS} FROM mod_ipmanager_addresses WHERE subnet_id = :s AND address < :lo ORDER BY address DESC LIMIT 1) \
             UNION ALL (SELECT {ROW_COLUMNS} FROM mod_ipmanager_addresses WHERE subnet_id = :s AND address BETWEEN :lo AND :hi)"
        ),
        params! {"s" => subnet.id, "lo" => Addr::new(family, lo).to_bytes(), "hi" => Addr::new(family, hi).to_bytes()},
    )?;
    let mut known: BTreeMap<u128, AddressRow> = BTreeMap::new();
    for row in rows {
        let row = AddressRow::from_row(row).map_err(Failure::Domain)?;
        known.insert(row.first.value, row);
    }
    let pools: Vec<(u64, Vec<u8>, Vec<u8>, u8)> = tx.exec(
        "SELECT id, range_start, range_end, unit_prefix_len FROM mod_ipmanager_pools WHERE subnet_id = :s ORDER BY id",
        params! {"s" => subnet.id},
    )?;
    let mut out = Vec::with_capacity(chunk.len());
    let mut writes: Vec<Write> = Vec::new();
    for entry in chunk {
        let (first, last) = (entry.cidr.network.value, entry.cidr.last().value);
        let overlapping: Vec<&AddressRow> = known
            .range(..=last)
            .rev()
            .take_while(|(_, r)| r.last.value >= first)
            .map(|(_, r)| r)
            .collect();
        let verdict = judge(subnet, entry, &overlapping, blocked).map(|r| r.cloned());
        if let Ok(reused) = &verdict {
            let (a, b) = (entry.cidr.network.to_bytes(), entry.cidr.last().to_bytes());
            let pool = pools
                .iter()
                .find(|(_, s, e, len)| *s <= a && *e >= b && *len == entry.cidr.prefix_len)
                .map(|p| p.0);
            let reused = reused.clone();
            let taken = AddressRow {
                id: reused.as_ref().map_or(0, |r| r.id),
                subnet_id: subnet.id,
                pool_id: pool,
                first: entry.cidr.network,
                last: entry.cidr.last(),
                prefix_len: entry.cidr.prefix_len,
                size: entry.cidr.size().unwrap_or(u128::MAX),
                state: State::Assigned,
                blocked: false,
                service_id: Some(entry.service_id),
                quarantine_until: None,
                expired: false,
                note: String::new(),
            };
            known.insert(first, taken);
            writes.push(Write {
                cidr: entry.cidr,
                pool,
                service_id: entry.service_id,
                reused,
            });
        }
        let verdict = match verdict {
            Ok(_) => Verdict::Imported,
            Err(v) => v,
        };
        out.push((entry.order, entry.service_id, entry.text.clone(), verdict));
    }
    apply(tx, subnet, &writes)?;
    Ok(out)
}

/// `Ok(row to take over, if any)` to import; `Err(verdict)` otherwise.
fn judge<'a>(
    subnet: &Subnet,
    entry: &Entry,
    overlapping: &[&'a AddressRow],
    blocked: &[(u128, u128)],
) -> std::result::Result<Option<&'a AddressRow>, Verdict> {
    let cidr = entry.cidr;
    let exact = |r: &AddressRow| r.first == cidr.network && r.prefix_len == cidr.prefix_len;
    let mut reuse = None;
    for row in overlapping {
        let free = row.state == State::Free || row.expired;
        if row.blocked {
            return Err(Verdict::Conflicting(format!(
                "reserved in subnet {} ({})",
                subnet.cidr, row.note
            )));
        }
        if exact(row) && row.service_id == Some(entry.service_id) && row.state.counts_as_assigned()
        {
            return Err(Verdict::AlreadyCorrect);
        }
        if !free && row.service_id.is_some_and(|s| s != entry.service_id) {
            let owner = row
                .service_id
                .map_or_else(String::new, |s| format!(" to service #{s}"));
            return Err(Verdict::Conflicting(format!(
                "{} is {}{owner}; it was not moved",
                row.display(),
                row.effective_state().as_str()
            )));
        }
        if !free && !row.state.counts_as_assigned() && row.service_id.is_none() {
            return Err(Verdict::Conflicting(format!(
                "{} is {} in IP Manager",
                row.display(),
                row.state.as_str()
            )));
        }
        if exact(row) {
            reuse = Some(*row);
        }
    }
    if reuse.is_none() && !overlapping.is_empty() {
        return Err(Verdict::Conflicting(format!(
            "{cidr} overlaps addresses IP Manager keeps with another size"
        )));
    }
    let (first, last) = (cidr.network.value, cidr.last().value);
    if reuse.is_none() && blocked.iter().any(|(s, e)| *s <= last && *e >= first) {
        return Err(Verdict::Conflicting(format!(
            "reserved in subnet {} by its rules, exclusions or a child subnet",
            subnet.cidr
        )));
    }
    Ok(reuse)
}

/// One upsert for every imported row, the counters, and one insert of log rows.
fn apply(tx: &mut Transaction<'_>, subnet: &Subnet, writes: &[Write]) -> Outcome<()> {
    if writes.is_empty() {
        return Ok(());
    }
    let mut sql = String::from(
        "INSERT INTO mod_ipmanager_addresses (subnet_id, pool_id, address, last_address, prefix_len, size, state, service_id, updated_at) VALUES ",
    );
    let mut values: Vec<mysql::Value> = Vec::with_capacity(writes.len() * 7);
    let mut assigned: u128 = 0;
    let mut unreserved: u128 = 0;
    let mut per_pool: BTreeMap<u64, u64> = BTreeMap::new();
    for (i, w) in writes.iter().enumerate() {
        if i > 0 {
            sql.push(',');
        }
        sql.push_str("(?, ?, ?, ?, ?, CAST(? AS DECIMAL(39,0)), 'assigned', ?, UTC_TIMESTAMP())");
        let size = w.cidr.size().unwrap_or(u128::MAX);
        values.extend([
            subnet.id.into(),
            w.pool.into(),
            w.cidr.network.to_bytes().into(),
            w.cidr.last().to_bytes().into(),
            w.cidr.prefix_len.into(),
            size.to_string().into(),
            w.service_id.into(),
        ]);
        assigned = assigned.saturating_add(size);
        if let Some(old) = &w.reused
            && old.state == State::Quarantined
            && !old.blocked
        {
            unreserved = unreserved.saturating_add(old.size);
        }
        if let Some(p) = w.pool {
            *per_pool.entry(p).or_insert(0) += 1;
        }
    }
    // A free or run-out row with the same start and size is taken over in place.
    sql.push_str(
        " ON DUPLICATE KEY UPDATE state = 'assigned', pool_id = VALUES(pool_id), service_id = VALUES(service_id), \
         quarantine_until = NULL, note = '', updated_at = UTC_TIMESTAMP()",
    );
    tx.exec_drop(sql, values)?;
    tx.exec_drop(
        "UPDATE mod_ipmanager_subnets SET assigned_count = assigned_count + CAST(:a AS DECIMAL(39,0)), \
         reserved_count = reserved_count - CAST(:r AS DECIMAL(39,0)) WHERE id = :id",
        params! {"a" => assigned.to_string(), "r" => unreserved.to_string(), "id" => subnet.id},
    )?;
    for (pool, n) in per_pool {
        tx.exec_drop(
            "UPDATE mod_ipmanager_pools SET assigned_count = assigned_count + :n WHERE id = :id",
            params! {"n" => n, "id" => pool},
        )?;
    }
    let entries: Vec<(u64, Value, String)> = writes
        .iter()
        .map(|w| {
            let shown = w.cidr.unit_text();
            let message = format!("{shown} imported from WHMCS for service #{}.", w.service_id);
            (
                u64::from(w.service_id),
                json!({"address": shown, "service_id": w.service_id}),
                message,
            )
        })
        .collect();
    audit::record_many(tx, "address.import", "service", &entries)
}
