//! Writing an export: subnets (parents first) with their rules and pools, then assignments
//! subnet by subnet in address order, read a page at a time and written as they come, so
//! memory stays flat however many rows there are. The order is fixed, so exporting an
//! import of an export gives the same file.

use super::Format;
use super::records::{AssignmentRecord, CSV_COLUMNS, PoolRecord, SubnetRecord};
use crate::error::{Error, Result};
use crate::ipam::model::Subnet;
use crate::ipam::subnets;
use crate::net::{Addr, AddrRange};
use crate::store::{Db, RetryPolicy};
use mysql::params;
use mysql::prelude::Queryable;
use serde::Serialize;
use std::collections::BTreeMap;
use std::io::Write;

/// Assignments read per query.
const PAGE: usize = 5000;

#[derive(Debug, Clone, Copy, Default)]
pub struct Scope {
    /// Only this subnet and the subnets inside it (None: everything).
    pub subnet_id: Option<u64>,
    pub subnets: bool,
    pub assignments: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Exported {
    pub subnets: u64,
    pub pools: u64,
    pub assignments: u64,
}

fn io(e: std::io::Error) -> Error {
    Error::Internal(format!("The export could not be written: {e}"))
}

pub fn to_file(db: &Db, scope: Scope, format: Format, path: &str) -> Result<Exported> {
    let file = std::fs::File::create(path)
        .map_err(|e| Error::invalid(format!("The export file {path} cannot be created: {e}.")))?;
    let mut out = std::io::BufWriter::with_capacity(256 * 1024, file);
    let done = export(db, scope, format, &mut out)?;
    out.flush().map_err(io)?;
    Ok(done)
}

pub fn export(db: &Db, scope: Scope, format: Format, out: &mut dyn Write) -> Result<Exported> {
    let all = subnets::list(db)?;
    let chosen: Vec<&Subnet> = match scope.subnet_id {
        None => all.iter().collect(),
        Some(id) => {
            let root = all.iter().find(|s| s.id == id).ok_or_else(|| {
                Error::NotFound(format!(
                    "Subnet #{id} does not exist (it may have been deleted)."
                ))
            })?;
            all.iter()
                .filter(|s| s.family() == root.family() && root.cidr.contains_cidr(&s.cidr))
                .collect()
        }
    };
    let cidr_of: BTreeMap<u64, String> = all.iter().map(|s| (s.id, s.cidr.to_string())).collect();
    let pools = pools_by_subnet(db)?;
    let mut sink = Sink::open(format, out)?;
    let mut done = Exported::default();
    if scope.subnets {
        for s in &chosen {
            let record = subnet_record(s, &cidr_of);
            let its_pools = pools.get(&s.id).cloned().unwrap_or_default();
            done.subnets += 1;
            done.pools += its_pools.len() as u64;
            sink.subnet(&record, &its_pools)?;
        }
    }
    sink.between()?;
    if scope.assignments {
        let pool_names: BTreeMap<u64, String> = pools
            .values()
            .flatten()
            .map(|p| (p.0, p.1.name.clone()))
            .collect();
        for s in &chosen {
            let mut after: Vec<u8> = Vec::new();
            loop {
                let rows: Vec<(Vec<u8>, u8, u32, Option<u64>)> = db.run(RetryPolicy::Transient, |conn| {
                    Ok(conn.exec(
                        "SELECT address, prefix_len, service_id, pool_id FROM mod_ipmanager_addresses \
                         WHERE subnet_id = :s AND state IN ('assigned', 'releasing') AND service_id IS NOT NULL \
                         AND address > :after ORDER BY address LIMIT :page",
                        params! {"s" => s.id, "after" => &after, "page" => PAGE},
                    )?)
                })?;
                let Some(last) = rows.last() else { break };
                after = last.0.clone();
                let full = rows.len() == PAGE;
                for (address, len, service_id, pool_id) in rows {
                    let unit = crate::ipam::allocator::unit_text(Addr::from_bytes(&address)?, len)?;
                    sink.assignment(&AssignmentRecord {
                        address: unit,
                        subnet: s.cidr.to_string(),
                        service_id,
                        pool: pool_id
                            .and_then(|p| pool_names.get(&p).cloned())
                            .unwrap_or_default(),
                    })?;
                    done.assignments += 1;
                }
                if !full {
                    break;
                }
            }
        }
    }
    sink.finish()?;
    Ok(done)
}

fn joined(ranges: &[AddrRange]) -> String {
    ranges
        .iter()
        .map(|r| r.to_string())
        .collect::<Vec<_>>()
        .join(" ")
}

fn subnet_record(s: &Subnet, cidr_of: &BTreeMap<u64, String>) -> SubnetRecord {
    SubnetRecord {
        cidr: s.cidr.to_string(),
        name: s.name.clone(),
        parent: s
            .parent_id
            .and_then(|p| cidr_of.get(&p).cloned())
            .unwrap_or_default(),
        gateway: s.gateway.map(|g| g.to_string()).unwrap_or_default(),
        vlan: s.vlan,
        description: s.description.clone(),
        reserved: joined(&s.reserved_ranges()),
        excluded: joined(&s.excluded_ranges()),
        stored: s.stored,
        reserve_network: s.rules.network,
        reserve_broadcast: s.rules.broadcast,
        reserve_gateway: s.rules.gateway,
        reserve_anycast: s.rules.anycast,
        reserve_first: s.rules.first,
        reserve_last: s.rules.last,
        pools: Vec::new(),
    }
}

/// Each subnet's pools (id, record), by name.
fn pools_by_subnet(db: &Db) -> Result<BTreeMap<u64, Vec<(u64, PoolRecord)>>> {
    let rows: Vec<mysql::Row> = db.run(RetryPolicy::Transient, |conn| {
        Ok(conn.query(format!(
            "SELECT {} FROM mod_ipmanager_pools ORDER BY subnet_id, name",
            crate::ipam::model::POOL_COLUMNS
        ))?)
    })?;
    let mut out: BTreeMap<u64, Vec<(u64, PoolRecord)>> = BTreeMap::new();
    for row in rows {
        let p = crate::ipam::model::Pool::from_row(row)?;
        out.entry(p.subnet_id).or_default().push((
            p.id,
            PoolRecord {
                subnet: String::new(),
                name: p.name,
                range: p.range.to_string(),
                prefix_len: p.unit_prefix_len,
                description: p.description,
            },
        ));
    }
    Ok(out)
}

/// Where records go, in the chosen format.
enum Sink<'a> {
    Csv(Box<::csv::Writer<&'a mut dyn Write>>),
    Json { out: &'a mut dyn Write, first: bool },
    Xml(&'a mut dyn Write),
}

fn csv_error(e: ::csv::Error) -> Error {
    Error::Internal(format!("The CSV export could not be written: {e}"))
}

/// An XML attribute value: escaped, with line breaks and tabs as character references so
/// they survive XML's attribute normalization.
fn attr(value: &str) -> String {
    quick_xml::escape::escape(value)
        .replace('\n', "&#10;")
        .replace('\r', "&#13;")
        .replace('\t', "&#9;")
}

/// One item of a JSON list, on its own line, with the comma before all but the first.
fn json_item(out: &mut dyn Write, first: &mut bool, item: &impl Serialize) -> Result<()> {
    let text =
        serde_json::to_string(item).map_err(|e| Error::Internal(format!("JSON export: {e}")))?;
    write!(out, "{}\n{text}", if *first { "" } else { "," }).map_err(io)?;
    *first = false;
    Ok(())
}

impl<'a> Sink<'a> {
    fn open(format: Format, out: &'a mut dyn Write) -> Result<Sink<'a>> {
        Ok(match format {
            Format::Csv => {
                let mut w = ::csv::Writer::from_writer(out);
                w.write_record(CSV_COLUMNS).map_err(csv_error)?;
                Sink::Csv(Box::new(w))
            }
            Format::Json => {
                out.write_all(b"{\"ipmanager\": 1,\n\"subnets\": [")
                    .map_err(io)?;
                Sink::Json { out, first: true }
            }
            Format::Xml => {
                out.write_all(
                    b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ipmanager version=\"1\">\n",
                )
                .map_err(io)?;
                Sink::Xml(out)
            }
        })
    }

    fn subnet(&mut self, s: &SubnetRecord, pools: &[(u64, PoolRecord)]) -> Result<()> {
        match self {
            Sink::Csv(w) => {
                w.write_record(s.csv_row()).map_err(csv_error)?;
                for (_, p) in pools {
                    w.write_record(p.csv_row(&s.cidr)).map_err(csv_error)?;
                }
            }
            Sink::Json { out, first } => {
                let record = SubnetRecord {
                    pools: pools.iter().map(|(_, p)| p.clone()).collect(),
                    ..s.clone()
                };
                json_item(out, first, &record)?;
            }
            Sink::Xml(out) => {
                write!(
                    out,
                    "<subnet cidr=\"{}\" name=\"{}\" parent=\"{}\" gateway=\"{}\" vlan=\"{}\" description=\"{}\" reserved=\"{}\" \
                     excluded=\"{}\" stored=\"{}\" reserve_network=\"{}\" reserve_broadcast=\"{}\" reserve_gateway=\"{}\" \
                     reserve_anycast=\"{}\" reserve_first=\"{}\" reserve_last=\"{}\"",
                    attr(&s.cidr),
                    attr(&s.name),
                    attr(&s.parent),
                    attr(&s.gateway),
                    s.vlan.map(|v| v.to_string()).unwrap_or_default(),
                    attr(&s.description),
                    attr(&s.reserved),
                    attr(&s.excluded),
                    u8::from(s.stored),
                    u8::from(s.reserve_network),
                    u8::from(s.reserve_broadcast),
                    u8::from(s.reserve_gateway),
                    u8::from(s.reserve_anycast),
                    s.reserve_first,
                    s.reserve_last
                )
                .map_err(io)?;
                if pools.is_empty() {
                    out.write_all(b"/>\n").map_err(io)?;
                } else {
                    out.write_all(b">\n").map_err(io)?;
                    for (_, p) in pools {
                        writeln!(
                            out,
                            "  <pool name=\"{}\" range=\"{}\" prefix_len=\"{}\" description=\"{}\"/>",
                            attr(&p.name),
                            attr(&p.range),
                            p.prefix_len,
                            attr(&p.description)
                        )
                        .map_err(io)?;
                    }
                    out.write_all(b"</subnet>\n").map_err(io)?;
                }
            }
        }
        Ok(())
    }

    /// Between the subnets and the assignments.
    fn between(&mut self) -> Result<()> {
        if let Sink::Json { out, first } = self {
            out.write_all(b"\n],\n\"assignments\": [").map_err(io)?;
            *first = true;
        }
        Ok(())
    }

    fn assignment(&mut self, a: &AssignmentRecord) -> Result<()> {
        match self {
            Sink::Csv(w) => w.write_record(a.csv_row()).map_err(csv_error)?,
            Sink::Json { out, first } => {
                json_item(out, first, a)?;
            }
            Sink::Xml(out) => writeln!(
                out,
                "<assignment address=\"{}\" subnet=\"{}\" service_id=\"{}\" pool=\"{}\"/>",
                attr(&a.address),
                attr(&a.subnet),
                a.service_id,
                attr(&a.pool)
            )
            .map_err(io)?,
        }
        Ok(())
    }

    fn finish(self) -> Result<()> {
        match self {
            Sink::Csv(mut w) => w.flush().map_err(io),
            Sink::Json { out, .. } => out.write_all(b"\n]}\n").map_err(io),
            Sink::Xml(out) => out.write_all(b"</ipmanager>\n").map_err(io),
        }
    }
}
