//! The IPAM operations as the PHP layer calls them: plain input values in, views out.

use super::allocator::{self, Target};
use super::field_errors::{FieldError, FieldErrors};
use super::pools::PoolForm;
use super::release::{self, Released};
use super::subnet_spec::SubnetForm;
use super::views::{self, PoolView, SubnetView};
use super::{addresses, pools, subnets};
use crate::error::{Error, Result};
use crate::ipam::release::ModeChoice;
use crate::paging::Page;
use crate::store::{Db, RetryPolicy};
use crate::whmcs::addon_settings;
use serde::Serialize;

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

pub fn subnet_validate(db: &Db, form: &SubnetForm, id: Option<u64>) -> Result<Vec<FieldError>> {
    Ok(match subnets::validate(db, form, id)? {
        Ok(_) => Vec::new(),
        Err(errors) => errors.0,
    })
}

#[derive(Serialize)]
pub struct SubnetUpdated {
    pub subnet: SubnetView,
    pub conflicts: Vec<String>,
}

pub fn subnet_update(db: &Db, id: u64, form: &SubnetForm) -> Result<SubnetUpdated> {
    let (_, report) = subnets::update(db, id, form)?;
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

pub fn pool_validate(db: &Db, form: &PoolForm, id: Option<u64>) -> Result<Vec<FieldError>> {
    let existing = id.map(|id| pools::get(db, id)).transpose()?;
    Ok(match pools::spec(db, form, existing.as_ref())? {
        Ok(_) => Vec::new(),
        Err(FieldErrors(errors)) => errors,
    })
}

/// One unit more for a service from a pool or subnet, `count` in all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AllocateRequest {
    pub target: Target,
    pub service_id: u32,
    pub count: u32,
}

pub fn allocate(db: &Db, request: &AllocateRequest) -> Result<Vec<allocator::Allocation>> {
    allocator::allocate(db, request.target, request.service_id, request.count)
}

/// An address or prefix, or what a service holds (from one pool, or all).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReleaseRequest {
    Address {
        address: String,
        mode: ModeChoice,
    },
    Service {
        service_id: u32,
        pool_id: Option<u64>,
        mode: ModeChoice,
    },
}

pub fn release(db: &Db, request: &ReleaseRequest) -> Result<Vec<Released>> {
    let setting = || configured_quarantine_hours(db);
    match request {
        ReleaseRequest::Address { address, mode } => Ok(vec![release::release_address(
            db,
            address,
            mode.resolve(setting)?,
        )?]),
        ReleaseRequest::Service {
            service_id,
            pool_id,
            mode,
        } => release::release_service(db, *service_id, *pool_id, mode.resolve(setting)?),
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

pub fn address_list(
    db: &Db,
    filter: &addresses::ListFilter,
) -> Result<Page<addresses::AddressView>> {
    addresses::list(db, filter)
}

/// The next free units of a pool or subnet, after `after`, at most `limit`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FreeListRequest {
    pub target: Target,
    pub after: Option<String>,
    pub limit: usize,
}

pub fn free_list(db: &Db, request: &FreeListRequest) -> Result<Vec<String>> {
    release::free_units(db, request.target, request.after.as_deref(), request.limit)
}
