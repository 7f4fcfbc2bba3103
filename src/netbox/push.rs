//! The full push (`ipmanager_netbox_push`): NetBox made to show what IP Manager holds, by a
//! diff that sends only what differs, with NetBox's bulk endpoints. IP Manager is the source
//! of truth; every object it manages carries its tag.
//!
//! - Subnets → prefixes (status `active`, the subnet's name and description).
//! - Assigned single addresses → IP addresses with the subnet's mask (`active`, `dns_name`
//!   from the service's domain, a description naming the WHMCS service and client); assigned
//!   prefix units (a routed /64 per VPS) → child prefixes described the same way.
//! - What carries the tag but IP Manager no longer assigns → `deprecated`, or deleted when
//!   the settings say so.
//! - An object in NetBox at an address IP Manager assigns that does not carry the tag was
//!   made by someone else: it is reported as a conflict and never overwritten.

use super::client::NetBox;
use super::scopes::Scope;
use super::settings::{self, ReleaseAction};
use crate::error::{Error, Result};
use crate::ipam::model::take;
use crate::ipam::subnets;
use crate::net::{Addr, Cidr};
use crate::store::{Db, RetryPolicy};
use mysql::Row;
use mysql::prelude::Queryable;
use serde::Serialize;
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;
use std::time::Instant;

/// Objects per bulk request (NetBox takes a list; keeps each request small enough).
const BULK: usize = 500;

#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub created: u64,
    pub updated: u64,
    pub unchanged: u64,
    /// Tagged objects IP Manager no longer holds: deprecated or deleted.
    pub retired: u64,
}

#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize)]
pub struct PushReport {
    pub prefixes: Counts,
    pub addresses: Counts,
    /// Objects someone else made at an address IP Manager assigns (left as they are).
    pub conflicts: Vec<String>,
    pub took_ms: u64,
}

/// One object as IP Manager wants it in NetBox.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Wanted {
    /// `ipam/prefixes/` or `ipam/ip-addresses/`.
    pub(super) endpoint: &'static str,
    /// The key NetBox shows it under (`prefix` or `address` field), normalized.
    pub(super) key: String,
    pub(super) fields: Map<String, Value>,
}

pub fn push(db: &Db) -> Result<PushReport> {
    let started = Instant::now();
    let (settings, netbox) = super::connect(db)?;
    let tag = ensure_tag(&netbox, &settings.tag)?;
    let subnets = subnets::list(db)?;
    let scopes = super::scopes::all(db)?;
    let wanted = wanted(db, &subnets, &scopes, &settings.tag)?;
    let mut report = PushReport::default();
    for (endpoint, field) in [
        ("ipam/prefixes/", "prefix"),
        ("ipam/ip-addresses/", "address"),
    ] {
        // What NetBox has inside IP Manager's subnets, tagged or not.
        let mut present: BTreeMap<String, Value> = BTreeMap::new();
        for subnet in &subnets {
            let filter = if field == "prefix" {
                "within_include"
            } else {
                "parent"
            };
            // Every VRF's: an object is keyed by its VRF too, so one left in another VRF
            // after the subnet's scope changed is retired, not mistaken for the new one.
            let objects = netbox.list(endpoint, &[(filter, &subnet.cidr.to_string())])?;
            index_present(&mut present, objects, field);
        }
        let counts = if field == "prefix" {
            &mut report.prefixes
        } else {
            &mut report.addresses
        };
        reconcile(
            &netbox,
            endpoint,
            &wanted,
            &present,
            tag,
            &settings.tag,
            settings.release_action,
            counts,
            &mut report.conflicts,
        )?;
    }
    report.took_ms = started.elapsed().as_millis() as u64;
    record(db, &report)?;
    Ok(report)
}

/// NetBox's objects by key within their VRF (`field`: `prefix` or `address`).
pub(super) fn index_present(
    present: &mut BTreeMap<String, Value>,
    objects: Vec<Value>,
    field: &str,
) {
    for object in objects {
        if let Some(key) = object.get(field).and_then(Value::as_str) {
            let vrf = object
                .get("vrf")
                .and_then(|v| v.get("id"))
                .and_then(Value::as_u64)
                .map(|v| v as u32);
            present.insert(in_vrf(&key_of(field, key), vrf), object);
        }
    }
}

/// The tag's id, creating it the first time.
pub(super) fn ensure_tag(netbox: &NetBox, slug: &str) -> Result<u64> {
    let id_of = |v: &Value| v.get("id").and_then(Value::as_u64);
    if let Some(id) = netbox
        .list("extras/tags/", &[("slug", slug)])?
        .first()
        .and_then(id_of)
    {
        return Ok(id);
    }
    let created = netbox.call(
        "POST",
        "extras/tags/",
        &[],
        Some(
            &json!({"name": slug, "slug": slug, "description": "Managed by IP Manager for WHMCS"}),
        ),
    )?;
    id_of(&created)
        .ok_or_else(|| Error::Integration("NetBox created the tag without an id.".into()))
}

/// A key within its VRF (`198.51.100.7@12`; `@-` for the global table).
pub(super) fn in_vrf(key: &str, vrf: Option<u32>) -> String {
    match vrf {
        Some(vrf) => format!("{key}@{vrf}"),
        None => format!("{key}@-"),
    }
}

/// A key as the admin reads it.
fn shown(key: &str) -> String {
    match key.split_once('@') {
        Some((k, "-")) => k.to_string(),
        Some((k, vrf)) => format!("{k} in VRF #{vrf}"),
        None => key.to_string(),
    }
}

/// How an object is matched: a prefix by its CIDR, an IP address by the address alone (one
/// recorded with another mask is the same address, and is corrected, not duplicated).
pub(super) fn key_of(field: &str, value: &str) -> String {
    if field == "address" {
        let bare = value.split('/').next().unwrap_or(value);
        return Addr::parse(bare, "Address").map_or_else(|_| bare.to_string(), |a| a.to_string());
    }
    normalized(value)
}

fn normalized(key: &str) -> String {
    Cidr::parse(key)
        .map(|c| c.to_string())
        .or_else(|_| {
            // An IP address with its mask: the address itself, then the length.
            key.split_once('/')
                .and_then(|(a, l)| {
                    let addr = Addr::parse(a, "Address").ok()?;
                    Some(format!("{addr}/{l}"))
                })
                .ok_or(())
        })
        .unwrap_or_else(|_| key.to_string())
}

/// A subnet's scope as NetBox fields: the prefix's site, and the tenant and VRF of the
/// prefix and of what is assigned in it.
fn scope_fields(fields: &mut Map<String, Value>, scope: Option<&Scope>, prefix: bool) {
    let Some(scope) = scope else {
        return;
    };
    if let (true, Some(site)) = (prefix, scope.site_id) {
        fields.insert("scope_type".into(), json!("dcim.site"));
        fields.insert("scope_id".into(), json!(site));
    }
    if let Some(tenant) = scope.tenant_id {
        fields.insert("tenant".into(), json!(tenant));
    }
    if let Some(vrf) = scope.vrf_id {
        fields.insert("vrf".into(), json!(vrf));
    }
}

/// The columns `row_wanted` reads: an assigned row with its service's domain and client.
pub(super) const ASSIGNED_ROWS: &str = "SELECT a.subnet_id, a.address, a.prefix_len, a.service_id, \
     COALESCE(h.domain, '') AS domain, COALESCE(TRIM(CONCAT(c.firstname, ' ', c.lastname)), '') AS client, \
     COALESCE(c.companyname, '') AS company FROM mod_ipmanager_addresses a LEFT JOIN tblhosting h ON h.id = a.service_id \
     LEFT JOIN tblclients c ON c.id = h.userid WHERE a.state IN ('assigned', 'releasing')";

/// Everything IP Manager wants in NetBox: its subnets and what it assigns.
fn wanted(
    db: &Db,
    subnets: &[crate::ipam::model::Subnet],
    scopes: &BTreeMap<u64, Scope>,
    tag: &str,
) -> Result<Vec<Wanted>> {
    let mut out: Vec<Wanted> = subnets
        .iter()
        .map(|s| subnet_wanted(s, scopes.get(&s.id), tag))
        .collect();
    let by_id: BTreeMap<u64, &crate::ipam::model::Subnet> =
        subnets.iter().map(|s| (s.id, s)).collect();
    let rows: Vec<Row> = db.run(RetryPolicy::Transient, |conn| {
        Ok(conn.query(format!("{ASSIGNED_ROWS} ORDER BY a.subnet_id, a.address"))?)
    })?;
    for row in rows {
        if let Some(w) = row_wanted(row, &by_id, scopes, tag)? {
            out.push(w);
        }
    }
    Ok(out)
}

/// A subnet as a prefix.
pub(super) fn subnet_wanted(
    s: &crate::ipam::model::Subnet,
    scope: Option<&Scope>,
    tag: &str,
) -> Wanted {
    let mut fields = Map::new();
    fields.insert("prefix".into(), json!(s.cidr.to_string()));
    fields.insert("status".into(), json!("active"));
    fields.insert(
        "description".into(),
        json!(text(&format!("{} {}", s.name, s.description), 200)),
    );
    fields.insert("tags".into(), json!([{"slug": tag}]));
    scope_fields(&mut fields, scope, true);
    Wanted {
        endpoint: "ipam/prefixes/",
        key: in_vrf(&s.cidr.to_string(), scope.and_then(|s| s.vrf_id)),
        fields,
    }
}

/// An assigned row (read with `ASSIGNED_ROWS`) as an IP address, or a child prefix for a
/// prefix unit; None when its subnet is not among `by_id`.
pub(super) fn row_wanted(
    mut row: Row,
    by_id: &BTreeMap<u64, &crate::ipam::model::Subnet>,
    scopes: &BTreeMap<u64, Scope>,
    tag: &str,
) -> Result<Option<Wanted>> {
    let subnet_id: u64 = take(&mut row, "subnet_id")?;
    let Some(subnet) = by_id.get(&subnet_id) else {
        return Ok(None);
    };
    let addr = Addr::from_bytes(&take::<Vec<u8>>(&mut row, "address")?)?;
    let len: u8 = take(&mut row, "prefix_len")?;
    let service: Option<u32> = take(&mut row, "service_id")?;
    let domain: String = take(&mut row, "domain")?;
    let client: String = take(&mut row, "client")?;
    let company: String = take(&mut row, "company")?;
    let who = [client, company]
        .into_iter()
        .filter(|s| !s.trim().is_empty())
        .collect::<Vec<_>>()
        .join(", ");
    let description = text(
        &format!(
            "WHMCS service #{}{}",
            service.unwrap_or(0),
            if who.is_empty() {
                String::new()
            } else {
                format!(" ({who})")
            }
        ),
        200,
    );
    let mut fields = Map::new();
    fields.insert("status".into(), json!("active"));
    fields.insert("description".into(), json!(description));
    fields.insert("tags".into(), json!([{"slug": tag}]));
    let single = len == addr.family.bits();
    let scope = scopes.get(&subnet_id);
    scope_fields(&mut fields, scope, !single);
    let vrf = scope.and_then(|s| s.vrf_id);
    Ok(Some(if single {
        fields.insert(
            "address".into(),
            json!(format!("{addr}/{}", subnet.cidr.prefix_len())),
        );
        fields.insert("dns_name".into(), json!(dns_name(&domain)));
        Wanted {
            endpoint: "ipam/ip-addresses/",
            key: in_vrf(&addr.to_string(), vrf),
            fields,
        }
    } else {
        let cidr = Cidr::containing(addr, len)?.to_string();
        fields.insert("prefix".into(), json!(cidr));
        Wanted {
            endpoint: "ipam/prefixes/",
            key: in_vrf(&cidr, vrf),
            fields,
        }
    }))
}

/// A service's domain as NetBox takes a DNS name (letters, digits, dots, hyphens), else ''.
fn dns_name(domain: &str) -> String {
    let d = domain.trim().trim_end_matches('.').to_ascii_lowercase();
    let ok = !d.is_empty()
        && d.len() <= 253
        && d.split('.').all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && l.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        });
    if ok { d } else { String::new() }
}

fn text(s: &str, most: usize) -> String {
    s.trim().chars().take(most).collect()
}

#[allow(clippy::too_many_arguments)]
pub(super) fn reconcile(
    netbox: &NetBox,
    endpoint: &'static str,
    wanted: &[Wanted],
    present: &BTreeMap<String, Value>,
    tag_id: u64,
    tag: &str,
    release: ReleaseAction,
    counts: &mut Counts,
    conflicts: &mut Vec<String>,
) -> Result<()> {
    let ours = |o: &Value| {
        o.get("tags").and_then(Value::as_array).is_some_and(|t| {
            t.iter()
                .any(|t| t.get("id").and_then(Value::as_u64) == Some(tag_id))
        })
    };
    let mut create = Vec::new();
    let mut update = Vec::new();
    let mut keys = std::collections::BTreeSet::new();
    for w in wanted.iter().filter(|w| w.endpoint == endpoint) {
        keys.insert(w.key.clone());
        match present.get(&w.key) {
            None => create.push(Value::Object(w.fields.clone())),
            Some(o) if !ours(o) => conflicts.push(format!(
                "{} {} exists in NetBox without the tag '{tag}' (made outside IP Manager); left as it is.",
                if endpoint == "ipam/prefixes/" { "Prefix" } else { "Address" },
                shown(&w.key)
            )),
            Some(o) => {
                let changed: Map<String, Value> = w
                    .fields
                    .iter()
                    .filter(|(k, v)| !same(k, v, o))
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect();
                if changed.is_empty() {
                    counts.unchanged += 1;
                } else {
                    let mut patch = changed;
                    patch.insert("id".into(), o["id"].clone());
                    update.push(Value::Object(patch));
                }
            }
        }
    }
    let retired: Vec<&Value> = present
        .iter()
        .filter(|(k, o)| !keys.contains(*k) && ours(o))
        .map(|(_, o)| o)
        .filter(|o| match release {
            ReleaseAction::Delete => true,
            ReleaseAction::Deprecate => {
                o.get("status")
                    .and_then(|s| s.get("value"))
                    .and_then(Value::as_str)
                    != Some("deprecated")
            }
        })
        .collect();
    for chunk in create.chunks(BULK) {
        netbox.call("POST", endpoint, &[], Some(&Value::Array(chunk.to_vec())))?;
        counts.created += chunk.len() as u64;
    }
    for chunk in update.chunks(BULK) {
        netbox.call("PATCH", endpoint, &[], Some(&Value::Array(chunk.to_vec())))?;
        counts.updated += chunk.len() as u64;
    }
    for chunk in retired.chunks(BULK) {
        let body: Vec<Value> = chunk
            .iter()
            .map(|o| match release {
                ReleaseAction::Delete => json!({"id": o["id"]}),
                ReleaseAction::Deprecate => json!({"id": o["id"], "status": "deprecated"}),
            })
            .collect();
        let method = match release {
            ReleaseAction::Delete => "DELETE",
            ReleaseAction::Deprecate => "PATCH",
        };
        netbox.call(method, endpoint, &[], Some(&Value::Array(body)))?;
        counts.retired += chunk.len() as u64;
    }
    Ok(())
}

/// Whether NetBox's object already has this field as wanted (NetBox answers choices as
/// `{value, label}` and tags as objects).
fn same(field: &str, wanted: &Value, object: &Value) -> bool {
    let Some(have) = object.get(field) else {
        return false;
    };
    match field {
        "status" => have.get("value") == Some(wanted),
        // Related objects come back nested, by id.
        "tenant" | "vrf" => have.get("id") == Some(wanted),
        "tags" => wanted.as_array().is_some_and(|w| {
            w.iter().all(|t| {
                have.as_array()
                    .is_some_and(|h| h.iter().any(|x| x.get("slug") == t.get("slug")))
            })
        }),
        "prefix" | "address" => have
            .as_str()
            .zip(wanted.as_str())
            .is_some_and(|(h, w)| normalized(h) == normalized(w)),
        _ => have == wanted,
    }
}

/// The last push, for the NetBox page, and its log row.
fn record(db: &Db, report: &PushReport) -> Result<()> {
    db.transaction(RetryPolicy::Transient, |tx| {
        settings::keep_run(tx, "last_push", &json!(report))?;
        crate::audit::record(
            tx,
            "netbox.push",
            ("netbox", 0),
            None,
            Some(&serde_json::json!(report)),
            &format!(
                "Pushed to NetBox: prefixes {} created, {} updated, {} retired; addresses {} created, {} updated, {} retired; {} conflict(s).",
                report.prefixes.created,
                report.prefixes.updated,
                report.prefixes.retired,
                report.addresses.created,
                report.addresses.updated,
                report.addresses.retired,
                report.conflicts.len()
            ),
        )
    })
}

/// The last push: `{at: seconds since the epoch, report}`, if there was one.
pub fn last(db: &Db) -> Result<Option<Value>> {
    settings::last_run(db, "last_push")
}
