//! PreModuleCreate: allocate per the matching relations, write the IPs where WHMCS keeps
//! them, and hand the provisioning module the overriding parameters. All pools of one
//! service are served in one transaction: all or nothing.

use super::params::ModuleParams;
use super::plan::{self, Configuration, Plan, Relation, ServiceFacts};
use super::{configs, facts};
use crate::audit;
use crate::error::{Error, Result};
use crate::ipam::allocator::{self, Allocation, Target};
use crate::store::script::{Script, StatementResult, literal};
use crate::store::{Db, Outcome, RetryPolicy, Tx};
use crate::whmcs::addon_settings;
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;

/// Addon setting that lets configurations write IPs to a custom field.
pub const USE_CUSTOM_FIELD: &str = "use_custom_field";

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

/// PreModuleCreate for the service of `params`.
pub fn pre_module_create(db: &Db, params: &ModuleParams) -> Result<Provisioned> {
    let service_id = params.service_id;
    let custom_values = params.custom_values.clone();
    let result = db.transaction(RetryPolicy::TransientAndDuplicate, |tx| {
        let known = read_everything(tx, service_id)?;
        let plan = plan::plan(&known.facts, &known.configurations, &known.relations)?;
        if plan.is_empty() {
            return Ok(Provisioned::NoRelation);
        }
        let drawn = draw(tx, &plan, &known.lies_in, service_id)?;
        // The addon setting "Use Custom Field Instead Of Assigned IP" switches the
        // configurations' custom field on.
        let use_custom_field = addon_settings::is_on(&known.settings, USE_CUSTOM_FIELD);
        write_back(
            tx,
            &plan,
            known.facts.product_id,
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

/// What the decision needs before any lock, read in one packet with the transaction's
/// opening: the addon's settings, the service's facts, the configurations and relations.
struct Known {
    settings: BTreeMap<String, String>,
    facts: ServiceFacts,
    configurations: Vec<Configuration>,
    relations: Vec<Relation>,
    /// The subnet each related pool or subnet lies in (for the lock order).
    lies_in: BTreeMap<Target, u64>,
}

fn read_everything(tx: &mut Tx<'_>, service_id: u32) -> Outcome<Known> {
    let mut packet = Script::default();
    packet.push(addon_settings::sql());
    packet.append(facts::script(service_id));
    packet.push(configs::CONFIGURATIONS_SQL);
    packet.push(configs::RELATIONS_SQL);
    let results = tx.run(&packet)?;
    let [
        settings,
        hosting,
        addons,
        options,
        configurations,
        relations,
    ]: [StatementResult; 6] = results.try_into().map_err(|r: Vec<StatementResult>| {
        Error::Internal(format!(
            "The provisioning read returned {} results, not 6.",
            r.len()
        ))
    })?;
    let settings = settings
        .rows
        .into_iter()
        .map(mysql::from_row_opt::<(String, Option<String>)>)
        .collect::<std::result::Result<Vec<_>, _>>()
        .map_err(|e| Error::Internal(format!("An addon setting could not be read: {e}.")))?;
    let (relations, lies_in) = configs::relations_from(relations.rows)?;
    Ok(Known {
        settings: addon_settings::from_rows(settings),
        facts: facts::from_results(service_id, [hosting, addons, options])?,
        configurations: configs::configurations_from(configurations.rows)?,
        relations,
        lies_in,
    })
}

/// Allocates every draw; the allocator locks their subnets in ascending id order so that
/// concurrent creates cannot deadlock on each other.
fn draw(
    tx: &mut Tx<'_>,
    plan: &Plan,
    lies_in: &BTreeMap<Target, u64>,
    service_id: u32,
) -> Outcome<Vec<(Target, Vec<Allocation>)>> {
    let draws: Vec<(Target, u32, u64)> = plan
        .draws
        .iter()
        .map(|(target, count)| {
            (
                *target,
                *count,
                lies_in.get(target).copied().unwrap_or(u64::MAX),
            )
        })
        .collect();
    let drawn = allocator::allocate_all_in(tx, &draws, service_id)?;
    Ok(plan.draws.iter().map(|(t, _)| *t).zip(drawn).collect())
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
            let mut writes = Script::default();
            writes.push(format!(
                "DELETE FROM tblcustomfieldsvalues WHERE fieldid = {} AND relid = {}",
                literal(field),
                literal(service_id)
            ));
            writes.push(format!(
                "INSERT INTO tblcustomfieldsvalues (fieldid, relid, value) VALUES ({}, {}, {})",
                literal(field),
                literal(service_id),
                literal(assigned.as_str())
            ));
            writes.push(format!(
                "UPDATE tblhosting SET dedicatedip = {} WHERE id = {}",
                literal(dedicated.as_str()),
                literal(service_id)
            ));
            tx.defer(writes);
            custom_values.insert(name.clone(), json!(assigned));
            overrides.insert("customfields".into(), Value::Object(custom_values));
        }
        None => {
            let mut writes = Script::default();
            writes.push(format!(
                "UPDATE tblhosting SET dedicatedip = {}, assignedips = {} WHERE id = {}",
                literal(dedicated.as_str()),
                literal(assigned.as_str()),
                literal(service_id)
            ));
            tx.defer(writes);
            overrides.insert("assignedips".into(), json!(assigned));
        }
    }
    let all: Vec<&str> = std::iter::once(dedicated.as_str())
        .filter(|d| !d.is_empty())
        .chain(others.iter().map(String::as_str))
        .collect();
    audit::record_deferred(
        tx,
        "service.provision",
        ("service", u64::from(service_id)),
        None,
        Some(
            &json!({"dedicatedip": dedicated, "assigned": others, "configuration": config.map(|c| c.name.clone())}),
        ),
        &format!("Service #{service_id} provisioned with {}.", all.join(", ")),
    );
    Ok(Provisioned::Overrides(overrides))
}
