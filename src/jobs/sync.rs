//! Synchronize: import the IPs WHMCS already records (`tblhosting.dedicatedip` and
//! `assignedips`) as assignments. Nothing is ever moved from one service to another; every
//! entry that cannot be imported is reported with the reason. A dry run goes through the
//! same statements and rolls back.
//!
//! An address a service WHMCS still keeps (anything but Terminated, Cancelled or Fraud) must
//! never go to another service, so the default run imports those of Suspended and Completed
//! services too, held by their service: they appear on Orphaned, where they can be released.
//!
//! An entry is imported exactly when the allocator could hand it out (`space::FreeSet`
//! holds it and no blocked range touches it), and importing takes it out of the free rows,
//! so allocation stays one index read however the rows got there.
//!
//! Built for 100,000 services: entries are grouped by subnet and sorted by address, and each
//! chunk costs a lock, two reads, the row writes, the counter updates and one multi-row log
//! insert. Within an address, the lower service id comes first, so when two services claim
//! one address the earlier service keeps it, as it would processing service by service.

use crate::audit;
use crate::error::Result;
use crate::ipam::addresses::{AddressRow, ROW_COLUMNS};
use crate::ipam::model::State;
use crate::ipam::release::{self, LockedSubnet};
use crate::ipam::space::rows::{self, Owner};
use crate::ipam::space::{Block, FreeSet, give, taking};
use crate::ipam::subnets;
use crate::net::{Addr, Cidr};
use crate::store::{Db, Failure, Outcome, RetryPolicy, Tx};
use mysql::params;
use mysql::prelude::Queryable;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use std::collections::BTreeMap;

/// Entries per transaction.
const CHUNK: usize = 2000;

/// WHMCS statuses whose IPs are live assignments.

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
    /// Imports for services that also hold an address WHMCS does not list: after the run
    /// they hold a second address (often a mismatch to correct by hand).
    pub second_address: Vec<Line>,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Line {
    pub service_id: u32,
    pub address: String,
    pub reason: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// With the reason when the service is not live (held for it, listed on Orphaned).
    Imported(String),
    AlreadyCorrect,
    NotInSubnet,
    Conflicting(String),
    Unparsable(String),
}

/// An entry's place in the report, its service, its text and what became of it.
pub(crate) type Judged = ((usize, usize), u32, String, Verdict);

/// One address or prefix a service lists, with where it stands in the report.
pub(crate) struct Entry {
    /// (service position, position within the service) — the report's order.
    pub(crate) order: (usize, usize),
    pub(crate) service_id: u32,
    /// WHMCS status of the service.
    pub(crate) status: String,
    pub(crate) text: String,
    pub(crate) cidr: Cidr,
}

/// Imported lines whose service holds another address that its WHMCS fields do not list.
fn second_addresses(
    db: &Db,
    imported: &[Line],
    services: &[(u32, String, String, String)],
) -> Result<Vec<Line>> {
    let mut ids: Vec<u32> = imported.iter().map(|l| l.service_id).collect();
    ids.sort_unstable();
    ids.dedup();
    let mut out = Vec::new();
    for chunk in ids.chunks(1000) {
        let held: Vec<(u32, Vec<u8>, u8)> = db.run(RetryPolicy::Transient, |conn| {
            Ok(conn.exec(
                format!(
                    "SELECT service_id, address, prefix_len FROM mod_ipmanager_addresses \
                     WHERE state IN ('assigned', 'releasing') AND service_id IN ({}) ORDER BY service_id, address",
                    vec!["?"; chunk.len()].join(", ")
                ),
                chunk.to_vec(),
            )?)
        })?;
        for id in chunk {
            let Some((_, _, dedicated, assigned)) = services.iter().find(|s| s.0 == *id) else {
                continue;
            };
            let listed = texts(dedicated, assigned);
            let mut unlisted = Vec::new();
            for (_, bytes, len) in held.iter().filter(|h| h.0 == *id) {
                let text = crate::ipam::allocator::unit_text(Addr::from_bytes(bytes)?, *len)?;
                if !listed.contains(&text) {
                    unlisted.push(text);
                }
            }
            if unlisted.is_empty() {
                continue;
            }
            for line in imported.iter().filter(|l| l.service_id == *id) {
                out.push(Line {
                    service_id: *id,
                    address: line.address.clone(),
                    reason: format!(
                        "also holds {} in IP Manager, which WHMCS does not list: importing gives the service a second address",
                        unlisted.join(", ")
                    ),
                });
            }
        }
    }
    Ok(out)
}

/// The log row a Synchronize run leaves (the dashboard shows the last one).
pub const RUN_ACTION: &str = "sync.run";

/// `live_only`: every service but Terminated, Cancelled and Fraud ones (false: every
/// status); `dry_run`: the same report, nothing written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SyncOptions {
    pub live_only: bool,
    pub dry_run: bool,
}

impl Default for SyncOptions {
    fn default() -> Self {
        SyncOptions {
            live_only: true,
            dry_run: false,
        }
    }
}

pub fn run(db: &Db, options: &SyncOptions) -> Result<SyncReport> {
    let SyncOptions { live_only, dry_run } = *options;
    let services: Vec<(u32, String, String, String)> = db.run(RetryPolicy::Transient, |conn| {
        Ok(conn.exec(
            "SELECT id, domainstatus, dedicatedip, assignedips FROM tblhosting WHERE (dedicatedip <> '' OR assignedips <> '') \
             AND (:live = 0 OR domainstatus NOT IN ('Terminated', 'Cancelled', 'Fraud')) ORDER BY id",
            params! {"live" => live_only},
        )?)
    })?;
    // Most specific first, so an entry goes to the smallest subnet that contains it.
    let mut subnets = subnets::list(db)?;
    subnets.sort_by_key(|s| std::cmp::Reverse(s.cidr.prefix_len()));

    let mut verdicts: Vec<Judged> = Vec::new();
    let mut by_subnet: Vec<Vec<Entry>> = (0..subnets.len()).map(|_| Vec::new()).collect();
    for (position, (service_id, status, dedicated, assigned)) in services.iter().enumerate() {
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
                        status: status.clone(),
                        text,
                        cidr,
                    }),
                },
            }
        }
    }
    for entries in &mut by_subnet {
        entries.sort_by_key(|e| (e.cidr.network().value, e.service_id, e.order));
    }
    let chunks: Vec<(u64, &[Entry])> = by_subnet
        .iter()
        .enumerate()
        .flat_map(|(s, entries)| entries.chunks(CHUNK).map(move |c| (s, c)))
        .map(|(s, c)| (subnets[s].id, c))
        .collect();
    let mut judged: Vec<Judged> = Vec::new();
    if dry_run {
        judged = db.rehearse(RetryPolicy::TransientAndDuplicate, |tx| {
            let mut all = Vec::new();
            for (subnet_id, chunk) in &chunks {
                all.extend(import_chunk(tx, *subnet_id, chunk, "WHMCS")?);
            }
            Ok(all)
        })?;
    } else {
        for (subnet_id, chunk) in &chunks {
            let done = db.transaction(RetryPolicy::TransientAndDuplicate, |tx| {
                import_chunk(tx, *subnet_id, chunk, "WHMCS")
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
            Verdict::Imported(reason) => report.imported.push(line(reason)),
            Verdict::AlreadyCorrect => report.already_correct.push(line(String::new())),
            Verdict::NotInSubnet => report
                .not_in_subnet
                .push(line("not inside any subnet of IP Manager".into())),
            Verdict::Conflicting(reason) => report.conflicting.push(line(reason)),
        }
    }
    report.second_address = second_addresses(db, &report.imported, &services)?;
    if !dry_run {
        record_run(db, &report)?;
    }
    Ok(report)
}

fn record_run(db: &Db, report: &SyncReport) -> Result<()> {
    let message = format!(
        "Synchronize: {} services scanned, {} imported, {} already correct, {} not in any subnet, \
         {} conflicting, {} unreadable.",
        report.services_scanned,
        report.imported.len(),
        report.already_correct.len(),
        report.not_in_subnet.len(),
        report.conflicting.len(),
        report.unparsable.len()
    );
    let counts = json!({
        "services_scanned": report.services_scanned, "imported": report.imported.len(),
        "already_correct": report.already_correct.len(), "not_in_subnet": report.not_in_subnet.len(),
        "conflicting": report.conflicting.len(), "unparsable": report.unparsable.len(),
        "live_only": report.live_only,
    });
    db.transaction(RetryPolicy::Transient, |tx| {
        audit::record_deferred(tx, RUN_ACTION, ("job", 0), None, Some(&counts), &message);
        Ok(())
    })
}

/// The dedicated IP first, then the assigned ones; blanks and repeats dropped.
fn texts(dedicated: &str, assigned: &str) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    std::iter::once(dedicated)
        .chain(assigned.split(['\n', '\r', ',']))
        .map(str::trim)
        .filter(|text| !text.is_empty() && seen.insert(*text))
        .map(String::from)
        .collect()
}

/// An address (a single one is a /32 or /128) or a prefix in CIDR form.
fn parse(text: &str) -> std::result::Result<Cidr, String> {
    let cidr = release::parse_unit(text, "Address").map_err(|e| e.to_string())?;
    if cidr.prefix_len() == 0 {
        return Err(format!(
            "{cidr} is a whole address space, not an address or prefix"
        ));
    }
    Ok(cidr)
}

/// Imports `chunk` (one subnet's entries, by address then service) as assignments where the
/// allocator could hand each out; `source` names where they came from in the log.
pub(crate) fn import_chunk(
    tx: &mut Tx<'_>,
    subnet_id: u64,
    chunk: &[Entry],
    source: &str,
) -> Outcome<Vec<Judged>> {
    let locked = release::lock_subnet(tx, subnet_id)?;
    let subnet = &locked.subnet;
    give::settle(tx, subnet, &locked.blocked)?;
    let family = subnet.family();
    let lo = chunk
        .iter()
        .map(|e| e.cidr.network().value)
        .min()
        .unwrap_or(0);
    let hi = chunk.iter().map(|e| e.cidr.last().value).max().unwrap_or(0);
    let mut held = held_rows(tx, subnet_id, family, lo, hi)?;
    let mut free = FreeSet::new(rows::overlapping(tx, subnet_id, family, lo, hi)?);
    let pools: Vec<(u64, Vec<u8>, Vec<u8>, u8)> = tx.exec(
        "SELECT id, range_start, range_end, unit_prefix_len FROM mod_ipmanager_pools WHERE subnet_id = :s ORDER BY id",
        params! {"s" => subnet_id},
    )?;
    let mut out = Vec::with_capacity(chunk.len());
    let mut taken: Vec<(Cidr, Owner)> = Vec::new();
    for entry in chunk {
        let verdict = match judge(&locked, entry, &held) {
            Err(verdict) => verdict,
            Ok(()) => {
                let unit = Block::new(entry.cidr.network().value, entry.cidr.host_bits());
                if unit.is_some_and(|u| free.take(u)) {
                    let (a, b) = (
                        entry.cidr.network().to_bytes(),
                        entry.cidr.last().to_bytes(),
                    );
                    let pool = pools
                        .iter()
                        .find(|(_, s, e, len)| {
                            *s <= a && *e >= b && *len == entry.cidr.prefix_len()
                        })
                        .map(|p| p.0);
                    taken.push((
                        entry.cidr,
                        Owner {
                            service_id: entry.service_id,
                            pool_id: pool,
                        },
                    ));
                    held.insert(entry.cidr.network().value, holder(entry));
                    Verdict::Imported(not_live_reason(&entry.status))
                } else {
                    Verdict::Conflicting(if subnet.stored && entry.cidr.host_bits() > 0 {
                        format!(
                            "subnet {} keeps single addresses; {} is a prefix",
                            subnet.cidr, entry.cidr
                        )
                    } else {
                        format!("{} is not free in IP Manager", entry.cidr.unit_text())
                    })
                }
            }
        };
        out.push((entry.order, entry.service_id, entry.text.clone(), verdict));
    }
    let owners: Vec<Owner> = taken.iter().map(|(_, o)| *o).collect();
    tx.defer(taking::script(subnet_id, family, &free.changes(), &owners).map_err(Failure::Domain)?);
    record(tx, &locked, &taken, source)?;
    Ok(out)
}

/// Why an imported entry is held although its service is not live ("" when it is live).
fn not_live_reason(status: &str) -> String {
    if crate::choices::LIVE_STATUSES.contains(&status) {
        String::new()
    } else {
        format!(
            "service is {status}: held for it so the address is never handed to another service; \
             release it from Orphaned when it is no longer used"
        )
    }
}

/// What importing an entry would be: `Ok` when it may be taken from free space.
fn judge(
    locked: &LockedSubnet,
    entry: &Entry,
    held: &BTreeMap<u128, AddressRow>,
) -> std::result::Result<(), Verdict> {
    let cidr = entry.cidr;
    let (first, last) = (cidr.network().value, cidr.last().value);
    let overlapping = held
        .range(..=last)
        .next_back()
        .map(|(_, r)| r)
        .filter(|r| r.last.value >= first);
    if let Some(row) = overlapping {
        let exact = row.first == cidr.network() && row.prefix_len == cidr.prefix_len();
        if exact && row.service_id == Some(entry.service_id) && row.state.counts_as_assigned() {
            return Err(Verdict::AlreadyCorrect);
        }
        let what = if row.blocked {
            format!("reserved in subnet {} ({})", locked.subnet.cidr, row.note)
        } else {
            let owner = row
                .service_id
                .map_or_else(String::new, |s| format!(" to service #{s}"));
            format!(
                "{} is {}{owner}; it was not moved",
                row.display(),
                row.state.as_str()
            )
        };
        return Err(Verdict::Conflicting(what));
    }
    if let Some(reason) = locked.blocked.reason(first, last) {
        return Err(Verdict::Conflicting(format!(
            "blocked in subnet {} ({reason})",
            locked.subnet.cidr
        )));
    }
    Ok(())
}

/// A row standing for an entry taken earlier in the same chunk.
fn holder(entry: &Entry) -> AddressRow {
    AddressRow {
        id: 0,
        subnet_id: 0,
        pool_id: None,
        first: entry.cidr.network(),
        last: entry.cidr.last(),
        prefix_len: entry.cidr.prefix_len(),
        size: entry.cidr.size().unwrap_or(u128::MAX),
        state: State::Assigned,
        blocked: false,
        service_id: Some(entry.service_id),
        quarantine_until: None,
        expired: false,
        note: String::new(),
    }
}

/// Rows that are not free overlapping `lo..=hi`, keyed by first address.
fn held_rows(
    tx: &mut Tx<'_>,
    subnet_id: u64,
    family: crate::net::Family,
    lo: u128,
    hi: u128,
) -> Outcome<BTreeMap<u128, AddressRow>> {
    let rows: Vec<mysql::Row> = tx.exec(
        format!(
            "(SELECT {ROW_COLUMNS} FROM mod_ipmanager_addresses WHERE subnet_id = :s AND address < :lo \
               AND state <> 'free' ORDER BY address DESC LIMIT 1) \
             UNION ALL (SELECT {ROW_COLUMNS} FROM mod_ipmanager_addresses WHERE subnet_id = :s \
               AND address BETWEEN :lo AND :hi AND state <> 'free')"
        ),
        params! {"s" => subnet_id, "lo" => Addr::new(family, lo).to_bytes(), "hi" => Addr::new(family, hi).to_bytes()},
    )?;
    let mut out = BTreeMap::new();
    for row in rows {
        let row = AddressRow::from_row(row).map_err(Failure::Domain)?;
        out.insert(row.first.value, row);
    }
    Ok(out)
}

/// Counters and one log row per imported entry.
fn record(
    tx: &mut Tx<'_>,
    locked: &LockedSubnet,
    taken: &[(Cidr, Owner)],
    source: &str,
) -> Outcome<()> {
    if taken.is_empty() {
        return Ok(());
    }
    let assigned = taken
        .iter()
        .map(|(c, _)| crate::net::Amount::of_size(c.size()))
        .fold(crate::net::Amount::ZERO, crate::net::Amount::saturating_add);
    tx.exec_drop(
        "UPDATE mod_ipmanager_subnets SET assigned_count = assigned_count + CAST(:a AS DECIMAL(39,0)) WHERE id = :id",
        params! {"a" => assigned.to_string(), "id" => locked.subnet.id},
    )?;
    let mut per_pool: BTreeMap<u64, u64> = BTreeMap::new();
    for (_, owner) in taken {
        if let Some(p) = owner.pool_id {
            *per_pool.entry(p).or_insert(0) += 1;
        }
    }
    for (pool, n) in per_pool {
        tx.exec_drop(
            "UPDATE mod_ipmanager_pools SET assigned_count = assigned_count + :n WHERE id = :id",
            params! {"n" => n, "id" => pool},
        )?;
    }
    let keys: Vec<String> = taken.iter().map(|(c, _)| c.unit_text()).collect();
    crate::netbox::mirror::enqueue(tx, crate::providers::outbox::Operation::Add, 0, &keys)?;
    crate::dns::mirror::enqueue(
        tx,
        crate::providers::outbox::Operation::Add,
        locked.subnet.id,
        0,
        &keys,
    )?;
    // Imports are logged against the service they came from, one row each.
    let entries: Vec<(u64, Value, String)> = taken
        .iter()
        .map(|(cidr, owner)| {
            let shown = cidr.unit_text();
            (
                u64::from(owner.service_id),
                json!({"address": shown, "service_id": owner.service_id}),
                format!(
                    "{shown} imported from {source} for service #{}.",
                    owner.service_id
                ),
            )
        })
        .collect();
    audit::record_many(tx, "address.import", "service", &entries)
}
