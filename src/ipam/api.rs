//! The IPAM operations as the PHP layer calls them: plain input values in, views out.

use super::allocator::{self, Target};
use super::field_errors::{FieldError, FieldErrors};
use super::model::State;
use super::release::{self, ReleaseMode, Released};
use super::views::{self, PoolView, SubnetView};
use super::{addresses, pools, subnets};
use crate::error::{Error, Result};
use crate::input::Fields;
use crate::paging::{Page, Paging};
use crate::store::{Db, RetryPolicy};
use crate::whmcs::addon_settings;
use serde::Serialize;
use serde_json::Value;

/// Hours a released address waits when the addon setting is missing.
pub const DEFAULT_QUARANTINE_HOURS: u32 = 24;
pub const QUARANTINE_SETTING: &str = "release_quarantine_hours";

pub fn subnet_list(db: &Db) -> Result<Vec<SubnetView>> {
    // Ended quarantines are returned first, so the counts match what can be handed out.
    release::settle_all(db)?;
    let all = subnets::list(db)?;
    let depths = views::depths(&all);
    db.run(RetryPolicy::Transient, |conn| {
        all.iter()
            .zip(&depths)
            .map(|(s, d)| views::subnet(conn, s, *d))
            .collect()
    })
}

pub fn subnet_view(db: &Db, id: u64) -> Result<SubnetView> {
    release::settle(db, id)?;
    let s = subnets::get(db, id)?;
    db.run(RetryPolicy::Transient, |conn| views::subnet(conn, &s, 0))
}

pub fn subnet_validate(db: &Db, input: &Value, id: Option<u64>) -> Result<Vec<FieldError>> {
    Ok(match subnets::validate(db, input, id)? {
        Ok(_) => Vec::new(),
        Err(errors) => errors.0,
    })
}

#[derive(Serialize)]
pub struct SubnetUpdated {
    pub subnet: SubnetView,
    pub conflicts: Vec<String>,
}

pub fn subnet_update(db: &Db, id: u64, input: &Value) -> Result<SubnetUpdated> {
    let (_, report) = subnets::update(db, id, input)?;
    Ok(SubnetUpdated {
        subnet: subnet_view(db, id)?,
        conflicts: report.conflicts,
    })
}

pub fn pool_list(db: &Db, subnet_id: Option<u64>) -> Result<Vec<PoolView>> {
    release::settle_all(db)?;
    let all = pools::list(db, subnet_id)?;
    db.run(RetryPolicy::Transient, |conn| {
        all.iter()
            .map(|p| {
                let s = subnets::load(conn, p.subnet_id)?;
                views::pool(conn, &s, p)
            })
            .collect()
    })
}

pub fn pool_view(db: &Db, id: u64) -> Result<PoolView> {
    let p = pools::get(db, id)?;
    release::settle(db, p.subnet_id)?;
    db.run(RetryPolicy::Transient, |conn| {
        let s = subnets::load(conn, p.subnet_id)?;
        views::pool(conn, &s, &p)
    })
}

pub fn pool_validate(db: &Db, input: &Value, id: Option<u64>) -> Result<Vec<FieldError>> {
    let existing = id.map(|id| pools::get(db, id)).transpose()?;
    Ok(match pools::spec(db, input, existing.as_ref())? {
        Ok(_) => Vec::new(),
        Err(FieldErrors(errors)) => errors,
    })
}

/// `pool_id` or `subnet_id`, exactly one.
fn target(fields: &Fields<'_>) -> Result<Target> {
    let pool = fields.optional_int("pool_id", 1, i64::MAX)?;
    let subnet = fields.optional_int("subnet_id", 1, i64::MAX)?;
    match (pool, subnet) {
        (Some(p), None) => Ok(Target::Pool(p as u64)),
        (None, Some(s)) => Ok(Target::Subnet(s as u64)),
        (Some(_), Some(_)) => Err(Error::invalid(
            "Give either 'pool_id' or 'subnet_id', not both.",
        )),
        (None, None) => Err(Error::invalid(
            "Say where to allocate from: 'pool_id' or 'subnet_id'.",
        )),
    }
}

fn service_id(fields: &Fields<'_>, required: bool) -> Result<Option<u32>> {
    let id = fields
        .optional_int("service_id", 1, i64::from(u32::MAX))?
        .map(|n| n as u32);
    if required && id.is_none() {
        return Err(Error::invalid(
            "'service_id' (the WHMCS service, tblhosting.id) is required.",
        ));
    }
    Ok(id)
}

pub fn allocate(db: &Db, input: &Value) -> Result<Vec<allocator::Allocation>> {
    let fields = Fields::new("allocation request", input)?;
    fields.allow_only(&["pool_id", "subnet_id", "service_id", "count"])?;
    let target = target(&fields)?;
    let service = service_id(&fields, true)?.unwrap_or(0);
    let count = fields
        .optional_int("count", 1, i64::from(allocator::MAX_COUNT))?
        .unwrap_or(1) as u32;
    allocator::allocate(db, target, service, count)
}

pub fn release(db: &Db, input: &Value) -> Result<Vec<Released>> {
    let fields = Fields::new("release request", input)?;
    fields.allow_only(&[
        "address",
        "service_id",
        "pool_id",
        "mode",
        "quarantine_hours",
    ])?;
    let mode = ReleaseMode::parse(fields.optional_str("mode")?.as_deref(), || {
        match fields.optional_int("quarantine_hours", 0, 24 * 365)? {
            Some(h) => Ok(h as u32),
            None => configured_quarantine_hours(db),
        }
    })?;

    let address = fields
        .optional_str("address")?
        .filter(|a| !a.trim().is_empty());
    let service = service_id(&fields, false)?;
    let pool = fields
        .optional_int("pool_id", 1, i64::MAX)?
        .map(|p| p as u64);
    match (address, service) {
        (Some(a), None) if pool.is_none() => Ok(vec![release::release_address(db, &a, mode)?]),
        (None, Some(s)) => release::release_service(db, s, pool, mode),
        (Some(_), _) => Err(Error::invalid(
            "Give either 'address' or 'service_id' (optionally with 'pool_id'), not both.",
        )),
        (None, None) => Err(Error::invalid(
            "Say what to release: 'address' or 'service_id'.",
        )),
    }
}

pub fn configured_quarantine_hours(db: &Db) -> Result<u32> {
    let settings = addon_settings::read(db)?;
    Ok(match settings.get(QUARANTINE_SETTING).map(|v| v.trim()) {
        None | Some("") => DEFAULT_QUARANTINE_HOURS,
        Some(v) => v.parse::<u32>().map_err(|_| {
            Error::invalid(format!(
                "The addon setting \"Release quarantine (hours)\" is '{v}'; set a whole number of hours (0 releases at once)."
            ))
        })?,
    })
}

pub fn address_list(db: &Db, input: &Value) -> Result<Page<addresses::AddressView>> {
    let fields = Fields::new("address filter", input)?;
    fields.allow_only(&[
        "subnet_id",
        "pool_id",
        "state",
        "service_id",
        "search",
        "page",
        "per_page",
    ])?;
    let filter = addresses::ListFilter {
        subnet_id: fields
            .optional_int("subnet_id", 1, i64::MAX)?
            .map(|n| n as u64),
        pool_id: fields
            .optional_int("pool_id", 1, i64::MAX)?
            .map(|n| n as u64),
        state: fields
            .optional_str("state")?
            .filter(|s| !s.trim().is_empty())
            .map(|s| State::parse(&s))
            .transpose()?,
        service_id: service_id(&fields, false)?,
        search: fields.optional_str("search")?,
        paging: Paging::from_fields(&fields)?,
    };
    addresses::list(db, &filter)
}

pub fn free_list(db: &Db, input: &Value) -> Result<Vec<String>> {
    let fields = Fields::new("free address request", input)?;
    fields.allow_only(&["pool_id", "subnet_id", "after", "limit"])?;
    let target = target(&fields)?;
    let limit = fields.optional_int("limit", 1, 500)?.unwrap_or(50) as usize;
    release::free_units(db, target, fields.optional_str("after")?.as_deref(), limit)
}
