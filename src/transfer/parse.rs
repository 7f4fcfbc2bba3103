//! Reading an import file: CSV, XML or JSON into records with their line numbers. What
//! makes the whole file unreadable (too large, a byte-order mark, not UTF-8, a DTD or an
//! entity in XML, broken syntax) is refused as a whole with where it went wrong; a record
//! that cannot be read is reported with its line and the rest are still read.

use super::records::{AssignmentRecord, Numbered, PoolRecord, Record, SubnetRecord};
use super::{Format, MAX_IMPORT_BYTES};
use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineError {
    pub line: u64,
    pub reason: String,
}

pub struct Parsed {
    pub records: Vec<Numbered>,
    pub errors: Vec<LineError>,
}

pub fn parse(bytes: &[u8], format: Format) -> Result<Parsed> {
    let text = checked_text(bytes)?;
    match format {
        Format::Csv => csv(text),
        Format::Xml => xml(text),
        Format::Json => json(text),
    }
}

/// The file as UTF-8 text, or why not.
fn checked_text(bytes: &[u8]) -> Result<&str> {
    if bytes.len() as u64 > MAX_IMPORT_BYTES {
        return Err(Error::invalid(format!(
            "The file is {} MB; imports take at most {} MB. Split it (by subnet) and import the parts.",
            bytes.len() / (1024 * 1024),
            MAX_IMPORT_BYTES / (1024 * 1024)
        )));
    }
    if bytes.starts_with(&[0xEF, 0xBB, 0xBF]) {
        return Err(Error::invalid(
            "The file starts with a byte-order mark (BOM). Save it as UTF-8 without BOM and import it again.",
        ));
    }
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(Error::invalid(
            "The file is UTF-16. Save it as UTF-8 (without BOM) and import it again.",
        ));
    }
    std::str::from_utf8(bytes).map_err(|e| {
        let at = e.valid_up_to();
        Error::invalid(format!(
            "The file is not UTF-8: line {} has bytes that are not (byte {}). Save it as UTF-8 and import it again.",
            line_at(bytes, at),
            at + 1
        ))
    })
}

fn line_at(bytes: &[u8], offset: usize) -> u64 {
    bytes[..offset.min(bytes.len())]
        .iter()
        .filter(|b| **b == b'\n')
        .count() as u64
        + 1
}

/// A record from named fields (CSV columns, XML attributes).
fn from_fields(
    kind: &str,
    f: &BTreeMap<String, String>,
    subnet: Option<&str>,
) -> std::result::Result<Record, String> {
    let text = |k: &str| f.get(k).map(|s| s.trim().to_string()).unwrap_or_default();
    let number = |k: &str| -> std::result::Result<Option<u64>, String> {
        match f.get(k).map(|s| s.trim()).filter(|s| !s.is_empty()) {
            None => Ok(None),
            Some(v) => v
                .parse::<u64>()
                .map(Some)
                .map_err(|_| format!("{k} must be a whole number, not '{v}'")),
        }
    };
    let flag = |k: &str, default: bool| -> std::result::Result<bool, String> {
        match f.get(k).map(|s| s.trim().to_ascii_lowercase()).as_deref() {
            None | Some("") => Ok(default),
            Some("1" | "true" | "yes") => Ok(true),
            Some("0" | "false" | "no") => Ok(false),
            Some(v) => Err(format!("{k} must be 1 or 0, not '{v}'")),
        }
    };
    let bounded = |k: &str, most: u64| -> std::result::Result<Option<u64>, String> {
        match number(k)? {
            Some(n) if n > most => Err(format!("{k} must be at most {most}, not {n}")),
            other => Ok(other),
        }
    };
    Ok(match kind {
        "subnet" => Record::Subnet(SubnetRecord {
            cidr: text("cidr"),
            name: text("name"),
            parent: text("parent"),
            gateway: text("gateway"),
            vlan: bounded("vlan", 4094)?.map(|v| v as u16),
            description: text("description"),
            reserved: text("reserved"),
            excluded: text("excluded"),
            stored: flag("stored", false)?,
            reserve_network: flag("reserve_network", true)?,
            reserve_broadcast: flag("reserve_broadcast", true)?,
            reserve_gateway: flag("reserve_gateway", true)?,
            reserve_anycast: flag("reserve_anycast", false)?,
            reserve_first: bounded("reserve_first", u64::from(u32::MAX))?.unwrap_or(0) as u32,
            reserve_last: bounded("reserve_last", u64::from(u32::MAX))?.unwrap_or(0) as u32,
            pools: Vec::new(),
        }),
        "pool" => Record::Pool(PoolRecord {
            subnet: subnet.map(str::to_string).unwrap_or_else(|| text("subnet")),
            name: text("name"),
            range: text("range"),
            prefix_len: bounded("prefix_len", 128)?.unwrap_or(0) as u8,
            description: text("description"),
        }),
        "assignment" => Record::Assignment(AssignmentRecord {
            address: text("address"),
            subnet: text("subnet"),
            service_id: bounded("service_id", u64::from(u32::MAX))?
                .filter(|n| *n > 0)
                .ok_or("service_id is missing: the WHMCS service (tblhosting.id) the address belongs to")?
                as u32,
            pool: text("pool"),
        }),
        other => {
            return Err(format!(
                "'{other}' is not a record IP Manager imports (subnet, pool or assignment)"
            ));
        }
    })
}

fn csv(text: &str) -> Result<Parsed> {
    let mut reader = ::csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(false)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| Error::invalid(format!("The CSV header cannot be read: {e}.")))?
        .iter()
        .map(|h| h.trim().to_string())
        .collect();
    if !headers.iter().any(|h| h == "record") {
        return Err(Error::invalid(
            "The CSV has no 'record' column; export a file from IP Manager to see the layout.",
        ));
    }
    if let Some(unknown) = headers
        .iter()
        .find(|h| !super::records::CSV_COLUMNS.contains(&h.as_str()))
    {
        return Err(Error::invalid(format!(
            "The CSV column '{unknown}' is not one IP Manager knows; export a file from IP Manager to see the layout."
        )));
    }
    let mut out = Parsed {
        records: Vec::new(),
        errors: Vec::new(),
    };
    for row in reader.records() {
        let row = row.map_err(|e| {
            let line = e.position().map_or(0, |p| p.line());
            Error::invalid(format!("The CSV cannot be read at line {line}: {e}."))
        })?;
        let line = row.position().map_or(0, |p| p.line());
        let fields: BTreeMap<String, String> = headers
            .iter()
            .cloned()
            .zip(row.iter().map(str::to_string))
            .collect();
        let kind = fields
            .get("record")
            .map(|s| s.trim().to_string())
            .unwrap_or_default();
        match from_fields(&kind, &fields, None) {
            Ok(record) => out.records.push(Numbered { line, record }),
            Err(reason) => out.errors.push(LineError { line, reason }),
        }
    }
    Ok(out)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct JsonDocument<'a> {
    ipmanager: u32,
    #[serde(default, borrow)]
    subnets: Vec<&'a RawValue>,
    #[serde(default, borrow)]
    assignments: Vec<&'a RawValue>,
}

fn json(text: &str) -> Result<Parsed> {
    let document: JsonDocument = serde_json::from_str(text).map_err(|e| {
        Error::invalid(format!(
            "The JSON cannot be read at line {}, column {}: {e}. Export a file from IP Manager to see the layout.",
            e.line(),
            e.column()
        ))
    })?;
    if document.ipmanager != 1 {
        return Err(Error::invalid(format!(
            "This file is IP Manager export version {}; this version reads version 1.",
            document.ipmanager
        )));
    }
    let line_of = |raw: &RawValue| {
        let offset = (raw.get().as_ptr() as usize).saturating_sub(text.as_ptr() as usize);
        line_at(text.as_bytes(), offset)
    };
    let mut out = Parsed {
        records: Vec::new(),
        errors: Vec::new(),
    };
    for raw in document.subnets {
        let line = line_of(raw);
        match serde_json::from_str::<SubnetRecord>(raw.get()) {
            Ok(mut subnet) => {
                let pools = std::mem::take(&mut subnet.pools);
                let cidr = subnet.cidr.clone();
                out.records.push(Numbered {
                    line,
                    record: Record::Subnet(subnet),
                });
                for mut pool in pools {
                    pool.subnet = cidr.clone();
                    out.records.push(Numbered {
                        line,
                        record: Record::Pool(pool),
                    });
                }
            }
            Err(e) => out.errors.push(LineError {
                line,
                reason: format!("this subnet cannot be read: {e}"),
            }),
        }
    }
    for raw in document.assignments {
        let line = line_of(raw);
        match serde_json::from_str::<AssignmentRecord>(raw.get()) {
            Ok(a) if a.service_id == 0 => out.errors.push(LineError {
                line,
                reason: "service_id is missing: the WHMCS service (tblhosting.id) the address belongs to".into(),
            }),
            Ok(a) => out.records.push(Numbered {
                line,
                record: Record::Assignment(a),
            }),
            Err(e) => out.errors.push(LineError {
                line,
                reason: format!("this assignment cannot be read: {e}"),
            }),
        }
    }
    Ok(out)
}

enum Kind {
    Start,
    Other,
}

fn xml(text: &str) -> Result<Parsed> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(text);
    let mut out = Parsed {
        records: Vec::new(),
        errors: Vec::new(),
    };
    // Lines counted as the reader moves, so a large file is read once.
    let (mut counted_to, mut line) = (0usize, 1u64);
    let mut at = |position: usize| {
        let position = position.min(text.len());
        if position > counted_to {
            line += text.as_bytes()[counted_to..position]
                .iter()
                .filter(|b| **b == b'\n')
                .count() as u64;
            counted_to = position;
        }
        line
    };
    let refused = |line: u64, what: String| {
        Error::invalid(format!("The XML cannot be read at line {line}: {what}."))
    };
    let mut root_seen = false;
    let mut subnet: Option<String> = None;
    loop {
        let start = reader.buffer_position() as usize;
        let event = reader
            .read_event()
            .map_err(|e| refused(at(reader.buffer_position() as usize), e.to_string()))?;
        let line = at(start) + u64::from(text.as_bytes().get(start) == Some(&b'\n'));
        let event_kind = match &event {
            Event::Start(_) => Kind::Start,
            _ => Kind::Other,
        };
        match event {
            Event::Eof => break,
            Event::Decl(_) | Event::Comment(_) | Event::PI(_) => {}
            Event::DocType(_) => {
                return Err(refused(
                    line,
                    "a DTD (<!DOCTYPE>) is not accepted in an import".into(),
                ));
            }
            Event::GeneralRef(_) => {
                return Err(refused(
                    line,
                    "entity references are not accepted in an import".into(),
                ));
            }
            Event::Text(t) => {
                if !t.into_inner().trim().is_empty() {
                    return Err(refused(line, "text outside the records' attributes".into()));
                }
            }
            Event::CData(_) => {
                return Err(refused(line, "CDATA is not accepted in an import".into()));
            }
            Event::End(e) => {
                if e.name().as_ref() == "subnet" {
                    subnet = None;
                }
            }
            Event::Start(e) | Event::Empty(e) => {
                let opens = matches!(event_kind, Kind::Start);
                let name = e.name().as_ref().to_string();
                let mut fields = BTreeMap::new();
                for attribute in e.attributes() {
                    let attribute = attribute.map_err(|err| refused(line, err.to_string()))?;
                    let key = attribute.key.as_ref().to_string();
                    let value = attribute
                        .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                        .map_err(|err| refused(line, format!("attribute {key}: {err}")))?
                        .to_string();
                    fields.insert(key, value);
                }
                if !root_seen {
                    if name != "ipmanager" {
                        return Err(refused(
                            line,
                            format!("the root element is <{name}>, not <ipmanager>"),
                        ));
                    }
                    if fields.get("version").map(String::as_str) != Some("1") {
                        return Err(refused(
                            line,
                            "<ipmanager version=\"1\"> is the only version this reads".into(),
                        ));
                    }
                    root_seen = true;
                    continue;
                }
                match from_fields(
                    &name,
                    &fields,
                    if name == "pool" {
                        subnet.as_deref()
                    } else {
                        None
                    },
                ) {
                    Ok(record) => {
                        if let (Record::Subnet(s), true) = (&record, opens) {
                            subnet = Some(s.cidr.clone());
                        }
                        out.records.push(Numbered { line, record });
                    }
                    Err(reason) => out.errors.push(LineError { line, reason }),
                }
            }
        }
    }
    if !root_seen {
        return Err(Error::invalid(
            "The XML has no <ipmanager version=\"1\"> element; export a file from IP Manager to see the layout.",
        ));
    }
    Ok(out)
}
