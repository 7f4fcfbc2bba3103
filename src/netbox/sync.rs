//! Sync from NetBox: what NetBox knows that IP Manager does not, brought in without ever
//! overriding IP Manager's own assignments.
//!
//! - Prefixes → subnets, parents before children (a prefix inside a subnet becomes its
//!   child subnet), with the prefix's site, tenant and VRF as the subnet's NetBox scope.
//! - IP addresses inside a subnet → assigned to the WHMCS service their description names
//!   ("WHMCS service #N", as IP Manager writes it) when that service exists, else reserved
//!   (added to the subnet's reserved ranges): a NetBox address inside a pool is never
//!   handed out. Imported exactly as Synchronize imports WHMCS's IPs (only what the
//!   allocator could hand out).
//! - Objects carrying IP Manager's tag are IP Manager's own mirror and are left out;
//!   deprecated ones are skipped; an address IP Manager holds otherwise is a conflict,
//!   reported and left as it is.
//!
//! Everything is read from NetBox first, then applied in one transaction, all or nothing; a
//! dry run goes through the same statements and rolls back. Running it twice changes nothing.

use super::settings;
use crate::error::Result;
use crate::ipam::addresses;
use crate::ipam::model::Subnet;
use crate::ipam::release;
use crate::ipam::subnet_spec::{SubnetForm, SubnetSpec};
use crate::ipam::subnets;
use crate::jobs::sync::{Entry, Verdict, import_chunk};
use crate::net::{Addr, AddrRange, Cidr};
use crate::store::{Db, Failure, Outcome, RetryPolicy, Tx};
use mysql::params;
use mysql::prelude::Queryable;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::time::Instant;

/// Longest reserved-ranges text a subnet keeps (its column holds 65,535 bytes).
const RESERVED_TEXT_MOST: usize = 60_000;

#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncReport {
    pub dry_run: bool,
    /// Prefixes added as subnets.
    pub subnets: Vec<Line>,
    /// Addresses added to their subnet's reserved ranges.
    pub reserved: Vec<Line>,
    /// Addresses assigned to the WHMCS service NetBox names.
    pub assigned: Vec<Line>,
    /// Already so in IP Manager.
    pub unchanged: Vec<Line>,
    /// NetBox says otherwise than IP Manager, which was left as it is.
    pub conflicts: Vec<Line>,
    /// Not taken: deprecated, outside every subnet, unreadable.
    pub skipped: Vec<Line>,
    /// IP Manager's own objects (tagged) that were left out.
    pub own_objects: u64,
    pub took_ms: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Line {
    /// The prefix or address, as NetBox shows it.
    pub object: String,
    pub detail: String,
}

fn line(object: &str, detail: impl Into<String>) -> Line {
    Line {
        object: object.to_string(),
        detail: detail.into(),
    }
}

/// A NetBox prefix as the sync reads it.
struct Prefix {
    text: String,
    cidr: Cidr,
    description: String,
    vlan: Option<u16>,
    site_id: Option<u32>,
    tenant_id: Option<u32>,
    vrf_id: Option<u32>,
}

/// A NetBox IP address as the sync reads it.
struct Address {
    text: String,
    addr: Addr,
    /// The WHMCS service its description names, if any.
    service_id: Option<u32>,
    status: String,
}

pub fn run(db: &Db, dry_run: bool) -> Result<SyncReport> {
    let started = Instant::now();
    let (settings, netbox) = super::connect(db)?;
    let mut report = SyncReport {
        dry_run,
        ..SyncReport::default()
    };
    let ours = |o: &Value| {
        o.get("tags")
            .and_then(Value::as_array)
            .is_some_and(|t| t.iter().any(|t| t["slug"] == json!(settings.tag)))
    };
    let mut prefixes = Vec::new();
    for object in netbox.list("ipam/prefixes/", &[])? {
        if ours(&object) {
            report.own_objects += 1;
            continue;
        }
        match read_prefix(&object) {
            Ok(p) => prefixes.push(p),
            Err(skip) => report.skipped.push(skip),
        }
    }
    let mut found = Vec::new();
    for object in netbox.list("ipam/ip-addresses/", &[])? {
        if ours(&object) {
            report.own_objects += 1;
            continue;
        }
        match read_address(&object) {
            Ok(a) => found.push(a),
            Err(skip) => report.skipped.push(skip),
        }
    }
    // Parents first; addresses in order.
    prefixes.sort_by_key(|p| {
        (
            p.cidr.family().number(),
            p.cidr.prefix_len(),
            p.cidr.network().value,
        )
    });
    found.sort_by_key(|a| (a.addr.family.number(), a.addr.value));
    let apply = |tx: &mut Tx<'_>| {
        let mut out = report.clone();
        add_subnets(tx, &prefixes, &mut out)?;
        add_addresses(tx, &found, &mut out)?;
        Ok(out)
    };
    let mut report = if dry_run {
        db.rehearse(RetryPolicy::TransientAndDuplicate, apply)?
    } else {
        db.transaction(RetryPolicy::TransientAndDuplicate, apply)?
    };
    report.took_ms = started.elapsed().as_millis() as u64;
    if !dry_run {
        record(db, &report)?;
    }
    Ok(report)
}

fn id_of(object: &Value, field: &str) -> Option<u32> {
    object
        .get(field)
        .and_then(|v| v.get("id"))
        .and_then(Value::as_u64)
        .and_then(|v| u32::try_from(v).ok())
}

fn status_of(object: &Value) -> String {
    object["status"]["value"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

fn read_prefix(object: &Value) -> std::result::Result<Prefix, Line> {
    let text = object["prefix"].as_str().unwrap_or_default().to_string();
    if status_of(object) == "deprecated" {
        return Err(line(&text, "deprecated in NetBox"));
    }
    let cidr = Cidr::parse(&text).map_err(|e| line(&text, e.to_string()))?;
    let site_id = (object["scope_type"] == json!("dcim.site"))
        .then(|| {
            object["scope_id"]
                .as_u64()
                .and_then(|v| u32::try_from(v).ok())
        })
        .flatten();
    Ok(Prefix {
        description: object["description"]
            .as_str()
            .unwrap_or_default()
            .trim()
            .to_string(),
        vlan: object["vlan"]["vid"]
            .as_u64()
            .and_then(|v| u16::try_from(v).ok()),
        site_id,
        tenant_id: id_of(object, "tenant"),
        vrf_id: id_of(object, "vrf"),
        text,
        cidr,
    })
}

/// "WHMCS service #123 (...)" → 123.
fn named_service(description: &str) -> Option<u32> {
    let rest = description.trim().strip_prefix("WHMCS service #")?;
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok().filter(|n| *n > 0)
}

fn read_address(object: &Value) -> std::result::Result<Address, Line> {
    let text = object["address"].as_str().unwrap_or_default().to_string();
    let status = status_of(object);
    if status == "deprecated" {
        return Err(line(&text, "deprecated in NetBox"));
    }
    let bare = text.split('/').next().unwrap_or_default();
    let addr = Addr::parse(bare, "Address").map_err(|e| line(&text, e.to_string()))?;
    Ok(Address {
        service_id: named_service(object["description"].as_str().unwrap_or_default()),
        status,
        text,
        addr,
    })
}

fn add_subnets(tx: &mut Tx<'_>, prefixes: &[Prefix], report: &mut SyncReport) -> Outcome<()> {
    for p in prefixes {
        if let Some(existing) = subnets::with_cidr(tx, &p.cidr)? {
            report.unchanged.push(line(
                &p.text,
                format!("subnet \"{}\" already", existing.name),
            ));
            continue;
        }
        let parent = match addresses::subnet_of(tx, p.cidr.network())? {
            Some(id) => Some(subnets::load(tx, id)?).filter(|s| s.cidr.contains_cidr(&p.cidr)),
            None => None,
        };
        let name = if p.description.is_empty() {
            format!("NetBox {}", p.text)
        } else {
            p.description.chars().take(100).collect()
        };
        let form = SubnetForm {
            cidr: Some(p.text.clone()),
            name: Some(name),
            parent_id: parent.as_ref().map(|s| s.id as i64),
            vlan: p.vlan.map(i64::from),
            description: Some(format!("From NetBox prefix {}", p.text)),
            store_free_ips: Some(None),
            ..SubnetForm::default()
        };
        let spec = match SubnetSpec::from_form(&form, None) {
            Ok(spec) => spec,
            Err(errors) => {
                report
                    .conflicts
                    .push(line(&p.text, errors.into_error().to_string()));
                continue;
            }
        };
        match subnets::create_in(tx, &spec) {
            Ok(id) => {
                // Ids are not named: a dry run's would differ from the run's.
                if p.site_id.is_some() || p.tenant_id.is_some() || p.vrf_id.is_some() {
                    tx.exec_drop(
                        "INSERT INTO mod_ipmanager_netbox_scopes (subnet_id, site_id, tenant_id, vrf_id) \
                         VALUES (:s, :site, :tenant, :vrf)",
                        params! {"s" => id, "site" => p.site_id, "tenant" => p.tenant_id, "vrf" => p.vrf_id},
                    )?;
                }
                let within =
                    parent.map_or_else(String::new, |s| format!(" inside {} ({})", s.cidr, s.name));
                report
                    .subnets
                    .push(line(&p.text, format!("added as a subnet{within}")));
            }
            Err(Failure::Domain(e)) => report.conflicts.push(line(&p.text, e.to_string())),
            Err(other) => return Err(other),
        }
    }
    Ok(())
}

fn add_addresses(tx: &mut Tx<'_>, found: &[Address], report: &mut SyncReport) -> Outcome<()> {
    let mut by_subnet: BTreeMap<u64, Vec<&Address>> = BTreeMap::new();
    for a in found {
        match addresses::subnet_of(tx, a.addr)? {
            Some(id) => by_subnet.entry(id).or_default().push(a),
            None => report
                .skipped
                .push(line(&a.text, "not inside any subnet of IP Manager")),
        }
    }
    for (subnet_id, list) in by_subnet {
        let locked = release::lock_subnet(tx, subnet_id)?;
        let mut imports: Vec<(&Address, u32)> = Vec::new();
        let mut reserve: Vec<&Address> = Vec::new();
        for a in list {
            if let Some(row) = addresses::held_at(tx, subnet_id, a.addr)? {
                let same = a.service_id.is_some() && row.service_id == a.service_id;
                if same && row.state.counts_as_assigned() {
                    report.unchanged.push(line(
                        &a.text,
                        format!("assigned to service #{}", row.service_id.unwrap_or(0)),
                    ));
                } else {
                    let owner = row
                        .service_id
                        .map_or_else(String::new, |s| format!(" to service #{s}"));
                    report.conflicts.push(line(
                        &a.text,
                        format!(
                            "IP Manager has {} {}{owner}; NetBox's {} was not taken",
                            row.display(),
                            row.state.as_str(),
                            a.status
                        ),
                    ));
                }
                continue;
            }
            if let Some(reason) = locked.blocked.reason(a.addr.value, a.addr.value) {
                report.unchanged.push(line(
                    &a.text,
                    format!("never handed out already ({reason})"),
                ));
                continue;
            }
            match a.service_id {
                Some(service) if service_exists(tx, service)? => imports.push((a, service)),
                _ => reserve.push(a),
            }
        }
        import(tx, subnet_id, &imports, report)?;
        add_reserved(tx, &locked.subnet, &reserve, report)?;
    }
    Ok(())
}

fn service_exists(tx: &mut Tx<'_>, service_id: u32) -> Outcome<bool> {
    let found: Option<u32> = tx.exec_first(
        "SELECT id FROM tblhosting WHERE id = :id",
        params! {"id" => service_id},
    )?;
    Ok(found.is_some())
}

/// Assigns each address to the service NetBox names, as Synchronize imports WHMCS's IPs.
fn import(
    tx: &mut Tx<'_>,
    subnet_id: u64,
    imports: &[(&Address, u32)],
    report: &mut SyncReport,
) -> Outcome<()> {
    if imports.is_empty() {
        return Ok(());
    }
    let mut entries = Vec::with_capacity(imports.len());
    for (i, (a, service)) in imports.iter().enumerate() {
        let status: Option<String> = tx.exec_first(
            "SELECT domainstatus FROM tblhosting WHERE id = :id",
            params! {"id" => service},
        )?;
        entries.push(Entry {
            order: (i, 0),
            service_id: *service,
            status: status.unwrap_or_default(),
            text: a.text.clone(),
            cidr: Cidr::containing(a.addr, a.addr.family.bits()).map_err(Failure::Domain)?,
        });
    }
    for (_, service, text, verdict) in import_chunk(tx, subnet_id, &entries, "NetBox")? {
        match verdict {
            Verdict::Imported(reason) => report.assigned.push(line(
                &text,
                if reason.is_empty() {
                    format!("assigned to service #{service}")
                } else {
                    format!("assigned to service #{service}; {reason}")
                },
            )),
            Verdict::AlreadyCorrect => report
                .unchanged
                .push(line(&text, format!("assigned to service #{service}"))),
            Verdict::Conflicting(reason) | Verdict::Unparsable(reason) => {
                report.conflicts.push(line(&text, reason))
            }
            Verdict::NotInSubnet => report
                .skipped
                .push(line(&text, "not inside any subnet of IP Manager")),
        }
    }
    Ok(())
}

/// Adds the addresses to the subnet's reserved ranges (runs of neighbours as one range).
fn add_reserved(
    tx: &mut Tx<'_>,
    subnet: &Subnet,
    reserve: &[&Address],
    report: &mut SyncReport,
) -> Outcome<()> {
    if reserve.is_empty() {
        return Ok(());
    }
    let mut spec = SubnetSpec::from(subnet);
    let family = subnet.family();
    let mut runs: Vec<AddrRange> = Vec::new();
    for a in reserve {
        match runs.last_mut() {
            Some(run) if run.end.checked_add(1) == Some(a.addr.value) => run.end = a.addr.value,
            _ => runs.push(AddrRange {
                family,
                start: a.addr.value,
                end: a.addr.value,
            }),
        }
    }
    spec.reserved.extend(runs);
    if spec.reserved_text().len() > RESERVED_TEXT_MOST {
        for a in reserve {
            report.conflicts.push(line(
                &a.text,
                format!(
                    "subnet {} cannot keep this many separate reserved ranges; reserve a range by hand",
                    subnet.cidr
                ),
            ));
        }
        return Ok(());
    }
    subnets::update_in(tx, subnet.id, &spec)?;
    for a in reserve {
        report.reserved.push(line(
            &a.text,
            format!(
                "reserved in subnet {} ({} in NetBox)",
                subnet.cidr, a.status
            ),
        ));
    }
    Ok(())
}

/// The last sync, for the NetBox page, and its log row.
fn record(db: &Db, report: &SyncReport) -> Result<()> {
    let counts = json!({
        "subnets": report.subnets.len(), "reserved": report.reserved.len(), "assigned": report.assigned.len(),
        "unchanged": report.unchanged.len(), "conflicts": report.conflicts.len(), "skipped": report.skipped.len(),
        "took_ms": report.took_ms,
    });
    db.transaction(RetryPolicy::Transient, |tx| {
        settings::keep_run(tx, "last_sync", &counts)?;
        crate::audit::record(
            tx,
            "netbox.sync",
            ("netbox", 0),
            None,
            Some(&counts),
            &format!(
                "Synced from NetBox: {} subnet(s) added, {} address(es) reserved, {} assigned, {} unchanged, {} conflict(s), {} skipped.",
                report.subnets.len(),
                report.reserved.len(),
                report.assigned.len(),
                report.unchanged.len(),
                report.conflicts.len(),
                report.skipped.len()
            ),
        )
    })
}

/// The last sync: `{at: seconds since the epoch, report: counts}`, if there was one.
pub fn last(db: &Db) -> Result<Option<Value>> {
    settings::last_run(db, "last_sync")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_service_is_read_from_ip_managers_own_description_only() {
        assert_eq!(named_service("WHMCS service #42 (Dana Demo)"), Some(42));
        assert_eq!(named_service("  WHMCS service #7"), Some(7));
        assert_eq!(named_service("WHMCS service #0"), None);
        assert_eq!(named_service("WHMCS service #x"), None);
        assert_eq!(named_service("router, WHMCS service #4"), None);
        assert_eq!(named_service(""), None);
    }
}
