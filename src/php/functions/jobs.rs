//! Jobs over many services.

use crate::ipam::api;
use crate::jobs::assignments::{AssignRequest, AssignmentFilter, UnassignRequest};
use crate::jobs::orphans::{OrphanRelease, Orphans};
use crate::jobs::sync::SyncOptions;
use crate::jobs::{alerts, assignments, cleaner, orphans, sync, upkeep};
use crate::netbox::mirror::after_call;
use crate::php::args;
use crate::php::convert::to_php;
use crate::php::requests::FromPhp;
use crate::providers::configured::{self, CALL_BUDGET};
use crate::store::registry;
use ext_php_rs::prelude::*;
use ext_php_rs::types::Zval;

/// The admin dashboard's figures: fullest subnets and pools, orphans, addresses releasing,
/// usage alerts raised, the last Synchronize and IP Cleaner runs.
#[php_function]
pub fn ipmanager_dashboard() -> PhpResult<Zval> {
    Ok(to_php(&crate::dashboard::read(&*registry::db()?)?)?)
}

/// Synchronize: imports WHMCS's dedicated and assigned IPs as assignments.
#[php_function]
pub fn ipmanager_sync(options: Option<&Zval>) -> PhpResult<Zval> {
    let options = args::optional_array(options, "The options")?;
    let options = SyncOptions::from_php(&options)?;
    let db = registry::db()?;
    let report = sync::run(&db, &options)?;
    if !options.dry_run {
        after_call(&db, &[]);
    }
    Ok(to_php(&report)?)
}

/// Assignments whose service is not Active or Pending, paginated.
#[php_function]
pub fn ipmanager_orphan_list(filters: Option<&Zval>) -> PhpResult<Zval> {
    let filters = args::optional_array(filters, "The filters")?;
    let filters = Orphans::from_php(&filters)?;
    Ok(to_php(&orphans::list(&*registry::db()?, &filters)?)?)
}

/// Releases one orphan (`id`) or all (`all` => true): panel first, then unassign and clear
/// the service's IP fields; a panel refusal leaves the address `releasing`.
#[php_function]
pub fn ipmanager_orphan_release(request: &Zval) -> PhpResult<Zval> {
    let request = OrphanRelease::from_php(&args::array(request, "The request")?)?;
    let db = registry::db()?;
    let hours = api::configured_quarantine_hours(&db)?;
    let done = configured::with(&db, Some(CALL_BUDGET), |integrations| {
        orphans::release(&db, &request, integrations, hours)
    })?;
    after_call(&db, &[]);
    Ok(to_php(&done)?)
}

/// Usage alerts: which subnets and pools newly reached the threshold (each reported once
/// until it falls below again), and the first active admin to address them to.
#[php_function]
pub fn ipmanager_usage_check() -> PhpResult<Zval> {
    Ok(to_php(&alerts::check(&*registry::db()?)?)?)
}

/// IP Cleaner with behavior 'notify' (report only) or 'mark_free' (also unassign).
#[php_function]
pub fn ipmanager_clean(behavior: &Zval) -> PhpResult<Zval> {
    let text = match crate::php::convert::from_zval(behavior)? {
        serde_json::Value::String(s) => s,
        _ => {
            return Err(crate::Error::invalid(
                "The IP Cleaner behavior must be 'notify' or 'mark_free'.",
            )
            .into());
        }
    };
    let behavior = cleaner::Behavior::parse(&text)?;
    let db = registry::db()?;
    let run = configured::with(&db, Some(CALL_BUDGET), |integrations| {
        cleaner::run(&db, behavior, integrations)
    })?;
    after_call(&db, &[]);
    Ok(to_php(&run)?)
}

/// Daily upkeep: ended quarantines returned to free space, old operation keys purged.
#[php_function]
pub fn ipmanager_upkeep() -> PhpResult<Zval> {
    Ok(to_php(&upkeep::run(&*registry::db()?)?)?)
}

/// Services with their IPs; filters client_id, service_id, status, search (IP/CIDR), paging.
#[php_function]
pub fn ipmanager_assignment_list(filters: Option<&Zval>) -> PhpResult<Zval> {
    let filters = AssignmentFilter::from_php(&args::optional_array(filters, "The filters")?)?;
    Ok(to_php(&assignments::list(&*registry::db()?, &filters)?)?)
}

/// Assigns one more unit from a pool or subnet, or a chosen free address; returns it.
/// When the service's panel integration adds IPs, the panel is told after COMMIT; its
/// refusal is in the outbox (and in `ipmanager_assign_report`).
#[php_function]
pub fn ipmanager_assign(request: &Zval) -> PhpResult<String> {
    Ok(assign_now(request)?.address)
}

/// Like `ipmanager_assign`, with what the panel answered: `address`, `outbox_id`,
/// `panel_error`.
#[php_function]
pub fn ipmanager_assign_report(request: &Zval) -> PhpResult<Zval> {
    Ok(to_php(&assign_now(request)?)?)
}

fn assign_now(request: &Zval) -> crate::Result<assignments::Assigned> {
    let request = AssignRequest::from_php(&args::array(request, "The request")?)?;
    let db = registry::db()?;
    configured::with(&db, Some(CALL_BUDGET), |integrations| {
        assignments::assign(&db, &request, integrations)
    })
}

/// What assigning would put at risk, for the admin to confirm first (a service that is not
/// live): a list of warnings, empty when there is nothing to confirm. Writes nothing.
#[php_function]
pub fn ipmanager_assign_check(request: &Zval) -> PhpResult<Zval> {
    let request = AssignRequest::from_php(&args::array(request, "The request")?)?;
    Ok(to_php(&assignments::assign_check(
        &*registry::db()?,
        request.service_id,
    )?)?)
}

/// The fixed lists the admin pages offer: address states, service statuses, log areas and
/// actors, each as value and label.
#[php_function]
pub fn ipmanager_choices() -> PhpResult<Zval> {
    Ok(to_php(&crate::choices::all())?)
}

/// Unassigns one assignment ('id'; 'client_id' limits it to that client's services).
#[php_function]
pub fn ipmanager_unassign(request: &Zval) -> PhpResult<Zval> {
    let request = UnassignRequest::from_php(&args::array(request, "The request")?)?;
    let db = registry::db()?;
    let hours = api::configured_quarantine_hours(&db)?;
    let done = configured::with(&db, Some(CALL_BUDGET), |integrations| {
        assignments::unassign(&db, &request, integrations, hours)
    })?;
    Ok(to_php(&done)?)
}

pub fn register(module: ModuleBuilder) -> ModuleBuilder {
    module
        .function(wrap_function!(ipmanager_dashboard))
        .function(wrap_function!(ipmanager_sync))
        .function(wrap_function!(ipmanager_orphan_list))
        .function(wrap_function!(ipmanager_orphan_release))
        .function(wrap_function!(ipmanager_usage_check))
        .function(wrap_function!(ipmanager_clean))
        .function(wrap_function!(ipmanager_upkeep))
        .function(wrap_function!(ipmanager_assignment_list))
        .function(wrap_function!(ipmanager_assign))
        .function(wrap_function!(ipmanager_assign_report))
        .function(wrap_function!(ipmanager_assign_check))
        .function(wrap_function!(ipmanager_choices))
        .function(wrap_function!(ipmanager_unassign))
}
