//! Importing a file: every line judged — added, already there, or refused with its reason
//! (a subnet that overlaps, an address outside its subnet, a duplicate, an unknown service,
//! anything an existing assignment holds: never overwritten). The preview runs exactly the
//! same statements and rolls back; applying is all or nothing: a file with a refused line
//! changes nothing.

use super::Format;
use super::parse::{self, LineError};
use super::records::{AssignmentRecord, Numbered, PoolRecord, Record, SubnetRecord};
use crate::error::{Error, Result};
use crate::ipam::model::{SUBNET_COLUMNS, Subnet};
use crate::ipam::pools::{self, PoolForm};
use crate::ipam::subnet_spec::{SubnetForm, SubnetSpec};
use crate::ipam::{release, subnets};
use crate::jobs::sync::{Entry, Verdict, import_chunk};
use crate::net::Cidr;
use crate::store::{Db, Failure, Outcome, RetryPolicy, Tx};
use mysql::prelude::Queryable;
use mysql::{Row, params};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Assignments per import step (one subnet lock, a few statements).
const CHUNK: usize = 2000;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportLine {
    pub line: u64,
    /// What the line is: "subnet 10.0.0.0/24", "pool VPS", "10.0.0.5 for service #3".
    pub what: String,
    pub reason: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportReport {
    pub dry_run: bool,
    pub added: Vec<ImportLine>,
    pub already: Vec<ImportLine>,
    pub refused: Vec<ImportLine>,
}

impl ImportReport {
    fn sort(&mut self) {
        for lines in [&mut self.added, &mut self.already, &mut self.refused] {
            lines.sort_by_key(|l| l.line);
        }
    }
}

fn line(line: u64, what: impl Into<String>, reason: impl Into<String>) -> ImportLine {
    ImportLine {
        line,
        what: what.into(),
        reason: reason.into(),
    }
}

/// What importing the file would do; nothing is kept.
pub fn preview(db: &Db, bytes: &[u8], format: Format) -> Result<ImportReport> {
    let parsed = parse::parse(bytes, format)?;
    let mut report = db.rehearse(RetryPolicy::TransientAndDuplicate, |tx| {
        run(tx, &parsed.records, &parsed.errors)
    })?;
    report.dry_run = true;
    Ok(report)
}

/// Imports the file, all or nothing: refused when any line is.
pub fn apply(db: &Db, bytes: &[u8], format: Format) -> Result<ImportReport> {
    let parsed = parse::parse(bytes, format)?;
    db.transaction(RetryPolicy::TransientAndDuplicate, |tx| {
        let report = run(tx, &parsed.records, &parsed.errors)?;
        if let Some(first) = report.refused.first() {
            return Err(Error::invalid(format!(
                "{} line(s) of the file are refused (the first: line {}, {}: {}); nothing was imported. \
                 Correct them (the preview lists each) and import again.",
                report.refused.len(),
                first.line,
                first.what,
                first.reason
            ))
            .into());
        }
        crate::audit::record(
            tx,
            "import.apply",
            ("import", 0),
            None,
            Some(&serde_json::json!({"added": report.added.len(), "already": report.already.len()})),
            &format!(
                "Imported a {} file: {} line(s) added, {} already there.",
                format.extension(),
                report.added.len(),
                report.already.len()
            ),
        )?;
        Ok(report)
    })
}

fn run(tx: &mut Tx<'_>, records: &[Numbered], unreadable: &[LineError]) -> Outcome<ImportReport> {
    let mut report = ImportReport::default();
    for e in unreadable {
        report.refused.push(line(e.line, "line", e.reason.clone()));
    }
    let mut seen_subnets: BTreeMap<String, u64> = BTreeMap::new();
    let mut subnet_records: Vec<(u64, &SubnetRecord)> = records
        .iter()
        .filter_map(|n| match &n.record {
            Record::Subnet(s) => Some((n.line, s)),
            _ => None,
        })
        .collect();
    // Parents first whatever the file's order: a parent is always the shorter prefix.
    subnet_records.sort_by_key(|(at, s)| {
        (
            Cidr::parse(&s.cidr).map_or(u8::MAX, |c| c.prefix_len()),
            *at,
        )
    });
    for (at, s) in subnet_records {
        subnet(tx, at, s, &mut seen_subnets, &mut report)?;
    }
    for n in records {
        if let Record::Pool(p) = &n.record {
            pool(tx, n.line, p, &mut report)?;
        }
    }
    let assignments: Vec<(u64, &AssignmentRecord)> = records
        .iter()
        .filter_map(|n| match &n.record {
            Record::Assignment(a) => Some((n.line, a)),
            _ => None,
        })
        .collect();
    assign(tx, &assignments, &mut report)?;
    report.sort();
    Ok(report)
}

fn subnet(
    tx: &mut Tx<'_>,
    at: u64,
    s: &SubnetRecord,
    seen: &mut BTreeMap<String, u64>,
    report: &mut ImportReport,
) -> Outcome<()> {
    let what = format!("subnet {}", s.cidr);
    let Ok(cidr) = Cidr::parse(&s.cidr) else {
        report.refused.push(line(
            at,
            what,
            format!(
                "'{}' is not a subnet in CIDR form (e.g. 198.51.100.0/24)",
                s.cidr
            ),
        ));
        return Ok(());
    };
    if let Some(first) = seen.insert(cidr.to_string(), at) {
        report
            .refused
            .push(line(at, what, format!("a duplicate of line {first}")));
        return Ok(());
    }
    if let Some(existing) = subnets::with_cidr(tx, &cidr)? {
        report.already.push(line(
            at,
            what,
            format!("IP Manager has it as \"{}\"", existing.name),
        ));
        return Ok(());
    }
    let parent_id = if s.parent.trim().is_empty() {
        None
    } else {
        let parent = Cidr::parse(&s.parent).ok();
        match parent {
            Some(p) => match subnets::with_cidr(tx, &p)? {
                Some(found) => Some(found.id as i64),
                None => {
                    report.refused.push(line(
                        at,
                        what,
                        format!(
                            "its parent {} is neither in IP Manager nor in the file",
                            s.parent
                        ),
                    ));
                    return Ok(());
                }
            },
            None => {
                report.refused.push(line(
                    at,
                    what,
                    format!("parent '{}' is not a subnet in CIDR form", s.parent),
                ));
                return Ok(());
            }
        }
    };
    let form = SubnetForm {
        cidr: Some(s.cidr.clone()),
        name: Some(s.name.clone()),
        parent_id,
        gateway: Some(s.gateway.clone()),
        excluded: Some(s.excluded.clone()),
        reserved: Some(s.reserved.clone()),
        vlan: s.vlan.map(i64::from),
        description: Some(s.description.clone()),
        store_free_ips: Some(Some(s.stored)),
        reserve_network: Some(s.reserve_network),
        reserve_broadcast: Some(s.reserve_broadcast),
        reserve_gateway: Some(s.reserve_gateway),
        reserve_anycast: Some(s.reserve_anycast),
        reserve_first: Some(i64::from(s.reserve_first)),
        reserve_last: Some(i64::from(s.reserve_last)),
        ..SubnetForm::default()
    };
    let spec = match SubnetSpec::from_form(&form, None) {
        Ok(spec) => spec,
        Err(errors) => {
            report
                .refused
                .push(line(at, what, errors.into_error().to_string()));
            return Ok(());
        }
    };
    match subnets::create_in(tx, &spec) {
        Ok(_) => report.added.push(line(at, what, "added")),
        Err(Failure::Domain(e)) => report.refused.push(line(at, what, e.to_string())),
        Err(other) => return Err(other),
    }
    Ok(())
}

fn pool(tx: &mut Tx<'_>, at: u64, p: &PoolRecord, report: &mut ImportReport) -> Outcome<()> {
    let what = format!("pool \"{}\"", p.name);
    let subnet = match Cidr::parse(&p.subnet).ok() {
        Some(cidr) => subnets::with_cidr(tx, &cidr)?,
        None => None,
    };
    let Some(subnet) = subnet else {
        report.refused.push(line(
            at,
            what,
            format!(
                "its subnet '{}' is not in IP Manager or in the file",
                p.subnet
            ),
        ));
        return Ok(());
    };
    let existing: Option<(u64, u64)> = tx.exec_first(
        "SELECT id, subnet_id FROM mod_ipmanager_pools WHERE name = :name",
        params! {"name" => p.name.trim()},
    )?;
    if let Some((id, subnet_id)) = existing {
        let same = subnet_id == subnet.id
            && crate::ipam::pools::load(tx, id)?.range.to_string() == p.range.trim();
        if same {
            report.already.push(line(
                at,
                what,
                format!("IP Manager has it in {}", subnet.cidr),
            ));
        } else {
            report.refused.push(line(
                at,
                what,
                "IP Manager has another pool of this name; pool names are unique",
            ));
        }
        return Ok(());
    }
    let form = PoolForm {
        subnet_id: Some(subnet.id as i64),
        name: Some(p.name.clone()),
        range: Some(p.range.clone()),
        prefix_len: (p.prefix_len > 0).then_some(i64::from(p.prefix_len)),
        description: Some(p.description.clone()),
        ..PoolForm::default()
    };
    match pools::spec_in(tx, &form, None)? {
        Err(errors) => report
            .refused
            .push(line(at, what, errors.into_error().to_string())),
        Ok(spec) => match pools::create_in(tx, &spec) {
            Ok(_) => report.added.push(line(at, what, "added")),
            Err(Failure::Domain(e)) => report.refused.push(line(at, what, e.to_string())),
            Err(other) => return Err(other),
        },
    }
    Ok(())
}

fn assign(
    tx: &mut Tx<'_>,
    lines: &[(u64, &AssignmentRecord)],
    report: &mut ImportReport,
) -> Outcome<()> {
    if lines.is_empty() {
        return Ok(());
    }
    let all: Vec<Subnet> = {
        let rows: Vec<Row> = tx.query(format!(
            "SELECT {SUBNET_COLUMNS} FROM mod_ipmanager_subnets"
        ))?;
        rows.into_iter()
            .map(|r| Subnet::from_row(r).map_err(Failure::Domain))
            .collect::<Outcome<_>>()?
    };
    let services = services(tx, lines.iter().map(|(_, a)| a.service_id))?;
    let mut seen: BTreeMap<(u8, u128), u64> = BTreeMap::new();
    let mut by_subnet: BTreeMap<u64, Vec<Entry>> = BTreeMap::new();
    let mut line_of: BTreeMap<(usize, usize), u64> = BTreeMap::new();
    for (index, (at, a)) in lines.iter().enumerate() {
        let what = format!("{} for service #{}", a.address, a.service_id);
        let cidr = match release::parse_unit(&a.address, "Address") {
            Ok(c) if c.prefix_len() > 0 => c,
            Ok(_) | Err(_) => {
                report.refused.push(line(
                    *at,
                    what,
                    format!("'{}' is not an address or prefix", a.address),
                ));
                continue;
            }
        };
        let Some(named) = Cidr::parse(&a.subnet)
            .ok()
            .and_then(|c| all.iter().find(|s| s.cidr == c))
        else {
            report.refused.push(line(
                *at,
                what,
                format!(
                    "its subnet '{}' is not in IP Manager or in the file",
                    a.subnet
                ),
            ));
            continue;
        };
        // The row lives in the most specific subnet containing it.
        let holder = all
            .iter()
            .filter(|s| s.cidr.contains_cidr(&cidr))
            .max_by_key(|s| s.cidr.prefix_len());
        if holder.map(|h| h.id) != Some(named.id) {
            let reason = match holder {
                None => format!("it is outside its subnet {}", named.cidr),
                Some(h) if named.cidr.contains_cidr(&cidr) => {
                    format!(
                        "it lies in {}, a subnet inside {}; name that one",
                        h.cidr, named.cidr
                    )
                }
                Some(_) => format!("it is outside its subnet {}", named.cidr),
            };
            report.refused.push(line(*at, what, reason));
            continue;
        }
        if let Some(first) = seen.insert((cidr.family().number(), cidr.network().value), *at) {
            report
                .refused
                .push(line(*at, what, format!("a duplicate of line {first}")));
            continue;
        }
        let Some(status) = services.get(&a.service_id) else {
            report.refused.push(line(
                *at,
                what,
                format!("service #{} is not in WHMCS", a.service_id),
            ));
            continue;
        };
        line_of.insert((index, 0), *at);
        by_subnet.entry(named.id).or_default().push(Entry {
            order: (index, 0),
            service_id: a.service_id,
            status: status.clone(),
            text: a.address.clone(),
            cidr,
        });
    }
    for (subnet_id, mut entries) in by_subnet {
        entries.sort_by_key(|e| (e.cidr.network().value, e.service_id, e.order));
        for chunk in entries.chunks(CHUNK) {
            for (order, service, text, verdict) in import_chunk(tx, subnet_id, chunk, "an import")?
            {
                let at = line_of.get(&order).copied().unwrap_or(0);
                let what = format!("{text} for service #{service}");
                match verdict {
                    Verdict::Imported(reason) => report.added.push(line(
                        at,
                        what,
                        if reason.is_empty() {
                            "added".into()
                        } else {
                            reason
                        },
                    )),
                    Verdict::AlreadyCorrect => {
                        report
                            .already
                            .push(line(at, what, "assigned to this service already"))
                    }
                    Verdict::Conflicting(reason) | Verdict::Unparsable(reason) => {
                        report.refused.push(line(at, what, reason))
                    }
                    Verdict::NotInSubnet => {
                        report.refused.push(line(at, what, "outside its subnet"))
                    }
                }
            }
        }
    }
    Ok(())
}

/// WHMCS status of each service the file names that exists.
fn services(tx: &mut Tx<'_>, ids: impl Iterator<Item = u32>) -> Outcome<BTreeMap<u32, String>> {
    let mut ids: Vec<u32> = ids.collect();
    ids.sort_unstable();
    ids.dedup();
    let mut out = BTreeMap::new();
    for chunk in ids.chunks(1000) {
        let rows: Vec<(u32, String)> = tx.exec(
            format!(
                "SELECT id, domainstatus FROM tblhosting WHERE id IN ({})",
                vec!["?"; chunk.len()].join(", ")
            ),
            chunk.to_vec(),
        )?;
        out.extend(rows);
    }
    Ok(out)
}
