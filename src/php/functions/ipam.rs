//! Subnets, pools, addresses, allocation and release.

use crate::ipam::addresses::ListFilter;
use crate::ipam::api::{AllocateRequest, FreeListRequest, ReleaseRequest};
use crate::ipam::pools::PoolForm;
use crate::ipam::subnet_spec::SubnetForm;
use crate::ipam::{api, pools, subnets};
use crate::netbox::mirror::after_call;
use crate::php::args;
use crate::php::convert::to_php;
use crate::php::requests::FromPhp;
use crate::store::registry;
use ext_php_rs::prelude::*;
use ext_php_rs::types::Zval;

/// Field errors for a subnet form (`[['field' => ..., 'message' => ...], ...]`; empty = valid).
#[php_function]
pub fn ipmanager_subnet_validate(input: &Zval, id: Option<&Zval>) -> PhpResult<Zval> {
    let input = SubnetForm::from_php(&args::array(input, "The subnet")?)?;
    let id = args::optional_id(id, "Subnet id")?;
    Ok(to_php(&api::subnet_validate(
        &*registry::db()?,
        &input,
        id,
    )?)?)
}

#[php_function]
pub fn ipmanager_subnet_create(input: &Zval) -> PhpResult<Zval> {
    let input = SubnetForm::from_php(&args::array(input, "The subnet")?)?;
    let db = registry::db()?;
    let subnet = subnets::create(&db, &input)?;
    after_call(&db, &[]);
    Ok(to_php(&api::subnet_view(&db, subnet.id)?)?)
}

#[php_function]
pub fn ipmanager_subnet_update(id: &Zval, input: &Zval) -> PhpResult<Zval> {
    let id = args::id(id, "Subnet id")?;
    let input = SubnetForm::from_php(&args::array(input, "The subnet")?)?;
    let db = registry::db()?;
    let updated = api::subnet_update(&db, id, &input)?;
    after_call(&db, &[]);
    Ok(to_php(&updated)?)
}

/// What saving the edit form would put at risk, for the admin to confirm first: addresses
/// in use that would newly fall in a reserved or excluded range (e.g. the gateway moved onto
/// an assigned address). Writes nothing.
#[php_function]
pub fn ipmanager_subnet_update_check(id: &Zval, input: &Zval) -> PhpResult<Zval> {
    let id = args::id(id, "Subnet id")?;
    let input = SubnetForm::from_php(&args::array(input, "The subnet")?)?;
    Ok(to_php(&subnets::update_check(
        &*registry::db()?,
        id,
        &input,
    )?)?)
}

#[php_function]
pub fn ipmanager_subnet_delete(id: &Zval, force: Option<&Zval>) -> PhpResult<Zval> {
    let id = args::id(id, "Subnet id")?;
    let force = args::flag(force, "force")?;
    let db = registry::db()?;
    let deleted = subnets::delete(&db, id, force)?;
    after_call(&db, &[]);
    Ok(to_php(&deleted)?)
}

#[php_function]
pub fn ipmanager_subnet_get(id: &Zval) -> PhpResult<Zval> {
    let id = args::id(id, "Subnet id")?;
    Ok(to_php(&api::subnet_view(&*registry::db()?, id)?)?)
}

#[php_function]
pub fn ipmanager_subnet_list() -> PhpResult<Zval> {
    Ok(to_php(&api::subnet_list(&*registry::db()?)?)?)
}

#[php_function]
pub fn ipmanager_pool_validate(input: &Zval, id: Option<&Zval>) -> PhpResult<Zval> {
    let input = PoolForm::from_php(&args::array(input, "The pool")?)?;
    let id = args::optional_id(id, "Pool id")?;
    Ok(to_php(&api::pool_validate(&*registry::db()?, &input, id)?)?)
}

#[php_function]
pub fn ipmanager_pool_create(input: &Zval) -> PhpResult<Zval> {
    let input = PoolForm::from_php(&args::array(input, "The pool")?)?;
    let db = registry::db()?;
    let pool = pools::create(&db, &input)?;
    Ok(to_php(&api::pool_view(&db, pool.id)?)?)
}

#[php_function]
pub fn ipmanager_pool_update(id: &Zval, input: &Zval) -> PhpResult<Zval> {
    let id = args::id(id, "Pool id")?;
    let input = PoolForm::from_php(&args::array(input, "The pool")?)?;
    let db = registry::db()?;
    pools::update(&db, id, &input)?;
    Ok(to_php(&api::pool_view(&db, id)?)?)
}

/// Returns how many addresses a forced delete released.
#[php_function]
pub fn ipmanager_pool_delete(id: &Zval, force: Option<&Zval>) -> PhpResult<i64> {
    let id = args::id(id, "Pool id")?;
    let force = args::flag(force, "force")?;
    let db = registry::db()?;
    let released = pools::delete(&db, id, force)?;
    after_call(&db, &[]);
    Ok(released as i64)
}

#[php_function]
pub fn ipmanager_pool_get(id: &Zval) -> PhpResult<Zval> {
    let id = args::id(id, "Pool id")?;
    Ok(to_php(&api::pool_view(&*registry::db()?, id)?)?)
}

#[php_function]
pub fn ipmanager_pool_list(subnet_id: Option<&Zval>) -> PhpResult<Zval> {
    let subnet = args::optional_id(subnet_id, "Subnet id")?;
    Ok(to_php(&api::pool_list(&*registry::db()?, subnet)?)?)
}

#[php_function]
pub fn ipmanager_address_list(filters: Option<&Zval>) -> PhpResult<Zval> {
    let filters = ListFilter::from_php(&args::optional_array(filters, "The filters")?)?;
    Ok(to_php(&api::address_list(&*registry::db()?, &filters)?)?)
}

#[php_function]
pub fn ipmanager_free_list(request: &Zval) -> PhpResult<Zval> {
    let request = FreeListRequest::from_php(&args::array(request, "The request")?)?;
    Ok(to_php(&api::free_list(&*registry::db()?, &request)?)?)
}

#[php_function]
pub fn ipmanager_allocate(request: &Zval) -> PhpResult<Zval> {
    let request = AllocateRequest::from_php(&args::array(request, "The allocation request")?)?;
    let db = registry::db()?;
    let allocated = api::allocate(&db, &request)?;
    after_call(&db, &[request.service_id]);
    Ok(to_php(&allocated)?)
}

#[php_function]
pub fn ipmanager_release(request: &Zval) -> PhpResult<Zval> {
    let request = ReleaseRequest::from_php(&args::array(request, "The release request")?)?;
    let db = registry::db()?;
    let released = api::release(&db, &request)?;
    let services: Vec<u32> = released.iter().map(|r| r.service_id.unwrap_or(0)).collect();
    if !services.is_empty() {
        after_call(&db, &services);
    }
    Ok(to_php(&released)?)
}

pub fn register(module: ModuleBuilder) -> ModuleBuilder {
    module
        .function(wrap_function!(ipmanager_subnet_validate))
        .function(wrap_function!(ipmanager_subnet_update_check))
        .function(wrap_function!(ipmanager_subnet_create))
        .function(wrap_function!(ipmanager_subnet_update))
        .function(wrap_function!(ipmanager_subnet_delete))
        .function(wrap_function!(ipmanager_subnet_get))
        .function(wrap_function!(ipmanager_subnet_list))
        .function(wrap_function!(ipmanager_pool_validate))
        .function(wrap_function!(ipmanager_pool_create))
        .function(wrap_function!(ipmanager_pool_update))
        .function(wrap_function!(ipmanager_pool_delete))
        .function(wrap_function!(ipmanager_pool_get))
        .function(wrap_function!(ipmanager_pool_list))
        .function(wrap_function!(ipmanager_address_list))
        .function(wrap_function!(ipmanager_free_list))
        .function(wrap_function!(ipmanager_allocate))
        .function(wrap_function!(ipmanager_release))
}
