//! PreModuleCreate: allocate per the matching relations, write the IPs where WHMCS keeps
//! them, and hand the provisioning module the overriding parameters. All pools of one
//! service are served in one transaction: all or nothing.

use super::plan::{self, Plan};
use super::{configs, facts};
use crate::audit;
use crate::error::{Error, Result};
use crate::input::Fields;
use crate::ipam::allocator::{self, Allocation, Target};
use crate::store::{Db, Outcome, RetryPolicy};
use crate::whmcs::addon_settings;

/// Addon setting that lets configurations write IPs to a custom field.
pub const USE_CUSTOM_FIELD: &str = "use_custom_field";
use crate::store::Tx;
use mysql::params;
use mysql::prelude::Queryable;
use serde_json::{Map, Value, json};

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum Provisioned {
    /// No relation applies to the service: WHMCS goes on unchanged.
    NoRelation,
    /// Parameters that override the module's (`dedicatedip`, `assignedips`, `customfields`).
    Overrides(Map<String, Value>),
    /// The create must stop: a relation applies but its pool cannot supply the IPs.
    Abort(String),
}

impl Provisioned {
    /// The hook's return value in WHMCS's shape.
    pub fn into_hook_result(self) -> Value {
        match self {
            Provisioned::NoRelation => json!({}),
            Provisioned::Overrides(map) => Value::Object(map),
            Provisioned::Abort(message) => json!({"abortcmd": true, "abortmsg": message}),
        }
    }
}

/// `params` is the module parameter array of PreModuleCreate (`$vars['params']`).
pub fn pre_module_create(db: &Db, params: &Value) -> Result<Provisioned> {
    let fields = Fields::new("module parameters", params)?;
    let service_id = fields
        .optional_int("serviceid", 1, i64::from(u32::MAX))?
        .ok_or_else(|| Error::invalid("The module parameters have no 'serviceid'."))?
        as u32;
    let custom_values = match params.get("customfields") {
        Some(Value::Object(map)) => map.clone(),
        _ => Map::new(),
    };
    // The addon setting "Use Custom Field Instead Of Assigned IP" switches the
    // configurations' custom field on.
    let settings = addon_settings::read(db)?;
    let use_custom_field = addon_settings::is_on(&settings, USE_CUSTOM_FIELD);
    let result = db.transaction(RetryPolicy::TransientAndDuplicate, |tx| {
        let facts = facts::load(tx, service_id)?;
        let configurations = configs::load_configurations(tx)?;
        let relations = configs::load_relations(tx)?;
        let plan = plan::plan(&facts, &configurations, &relations)?;
        if plan.is_empty() {
            return Ok(Provisioned::NoRelation);
        }
        let drawn = draw(tx, &plan, service_id)?;
        write_back(
            tx,
            &plan,
            facts.product_id,
            service_id,
            &drawn,
            custom_values.clone(),
            use_custom_field,
        )
    });
    match result {
        Err(Error::PoolExhausted(message)) => Ok(Provisioned::Abort(format!(
            "IP Manager could not assign IPs to service #{service_id}: {message}"
        ))),
        other => other,
    }
}

/// Allocates every draw, locking subnets in ascending id order so that concurrent creates
/// cannot deadlock on each other.
fn draw(tx: &mut Tx<'_>, plan: &Plan, service_id: u32) -> Outcome<Vec<(Target, Vec<Allocation>)>> {
    let mut keyed = Vec::with_capacity(plan.draws.len());
    for (index, (target, count)) in plan.draws.iter().enumerate() {
        let subnet: Option<u64> = match target {
            Target::Subnet(id) => Some(*id),
            Target::Pool(id) => tx.exec_first(
                "SELECT subnet_id FROM mod_ipmanager_pools WHERE id = :id",
                params! {"id" => id},
            )?,
        };
        keyed.push((subnet.unwrap_or(u64::MAX), index, *target, *count));
    }
    keyed.sort();
    let mut drawn: Vec<(usize, Target, Vec<Allocation>)> = Vec::with_capacity(keyed.len());
    for (_, index, target, count) in keyed {
        drawn.push((
            index,
            target,
            allocator::allocate_in(tx, target, service_id, count)?,
        ));
    }
    drawn.sort_by_key(|(index, _, _)| *index);
    Ok(drawn.into_iter().map(|(_, t, a)| (t, a)).collect())
}

fn write_back(
    tx: &mut Tx<'_>,
    plan: &Plan,
    product_id: u32,
    service_id: u32,
    drawn: &[(Target, Vec<Allocation>)],
    mut custom_values: Map<String, Value>,
    use_custom_field: bool,
) -> Outcome<Provisioned> {
    let config = plan.configuration.as_ref();
    let omit = config.is_some_and(|c| c.omit_dedicated_ip);
    let mut dedicated = String::new();
    let mut others: Vec<String> = Vec::new();
    for (target, allocations) in drawn {
        for a in allocations {
            if !omit && dedicated.is_empty() && Some(*target) == plan.primary {
                dedicated = a.address.clone();
            } else {
                others.push(a.address.clone());
            }
        }
    }
    let assigned = others.join("\n");
    let mut overrides = Map::new();
    overrides.insert("dedicatedip".into(), json!(dedicated));
    let custom_field = config
        .map(|c| c.custom_field.clone())
        .filter(|f| use_custom_field && !f.is_empty());
    match &custom_field {
        Some(name) => {
            let field = facts::custom_field_id(tx, product_id, name)?.ok_or_else(|| {
                Error::invalid(format!(
                    "The configuration writes IPs to the custom field \"{name}\", but the product #{product_id} has no such field; add it under Setup → Products → Custom Fields or clear the option."
                ))
            })?;
            tx.exec_drop(
                "DELETE FROM tblcustomfieldsvalues WHERE fieldid = :f AND relid = :s",
                params! {"f" => field, "s" => service_id},
            )?;
            tx.exec_drop(
                "INSERT INTO tblcustomfieldsvalues (fieldid, relid, value) VALUES (:f, :s, :v)",
                params! {"f" => field, "s" => service_id, "v" => &assigned},
            )?;
            tx.exec_drop(
                "UPDATE tblhosting SET dedicatedip = :d WHERE id = :s",
                params! {"d" => &dedicated, "s" => service_id},
            )?;
            custom_values.insert(name.clone(), json!(assigned));
            overrides.insert("customfields".into(), Value::Object(custom_values));
        }
        None => {
            tx.exec_drop(
                "UPDATE tblhosting SET dedicatedip = :d, assignedips = :a WHERE id = :s",
                params! {"d" => &dedicated, "a" => &assigned, "s" => service_id},
            )?;
            overrides.insert("assignedips".into(), json!(assigned));
        }
    }
    let all: Vec<&str> = std::iter::once(dedicated.as_str())
        .filter(|d| !d.is_empty())
        .chain(others.iter().map(String::as_str))
        .collect();
    audit::record(
        tx,
        "service.provision",
        ("service", u64::from(service_id)),
        None,
        Some(
            &json!({"dedicatedip": dedicated, "assigned": others, "configuration": config.map(|c| c.name.clone())}),
        ),
        &format!("Service #{service_id} provisioned with {}.", all.join(", ")),
    )?;
    Ok(Provisioned::Overrides(overrides))
}
