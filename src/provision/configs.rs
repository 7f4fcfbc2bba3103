//! Configurations (how many IPs, where they are written) and relations (which product,
//! server, addon or configurable option draws from which pool or subnet).

use super::config_form::{self, ConfigurationForm, ConfigurationSpec, RelationForm, RelationSpec};
use super::plan::{Configuration, Relation, TargetKind};
use crate::audit;
use crate::error::{Error, Result};
use crate::ipam::allocator::Target;
use crate::ipam::field_errors::{FieldError, FieldErrors};
use crate::ipam::model::take;
use crate::net::Family;
use crate::store::{Db, Failure, Outcome, RetryPolicy};
use mysql::prelude::Queryable;
use mysql::{Row, params};
use serde::Serialize;
use serde_json::json;
use std::collections::BTreeMap;

#[derive(Debug, Serialize)]
pub struct ConfigurationView {
    #[serde(flatten)]
    pub configuration: Configuration,
    pub relations: Vec<RelationView>,
    /// The edit form's fields as the form posts them, to fill it in.
    pub form: BTreeMap<&'static str, String>,
}

#[derive(Debug, Serialize)]
pub struct RelationView {
    pub id: u64,
    pub target_type: &'static str,
    pub target_id: u32,
    pub target_name: String,
    pub option_value_id: Option<u32>,
    pub extra_count: u32,
    pub pool_id: Option<u64>,
    pub subnet_id: Option<u64>,
    pub draws_from: String,
}

/// Checks a configuration form, writing nothing: each problem under its field.
pub fn validate(db: &Db, form: &ConfigurationForm) -> Result<Vec<FieldError>> {
    let spec = match config_form::configuration_spec(form) {
        Ok(spec) => spec,
        Err(errors) => return Ok(errors.0),
    };
    db.run(RetryPolicy::Transient, |conn| {
        Ok(config_form::configuration_problems(conn, &spec)?.0)
    })
}

/// Creates (no `id`) or edits a configuration.
pub fn save(db: &Db, form: &ConfigurationForm) -> Result<u64> {
    let spec = config_form::configuration_spec(form).map_err(FieldErrors::into_error)?;
    let ConfigurationSpec {
        id,
        name,
        omit_dedicated_ip: omit,
        custom_field,
        ipv4_count: v4,
        ipv6_count: v6,
    } = spec.clone();
    db.transaction(RetryPolicy::Transient, |tx| {
        let problems = config_form::configuration_problems(tx, &spec)?;
        if !problems.is_empty() {
            return Err(Error::Conflict(problems.0.into_iter().map(|e| e.message).collect::<Vec<_>>().join(" ")).into());
        }
        let values = params! {"name" => &name, "omit" => omit, "cf" => &custom_field, "v4" => v4, "v6" => v6, "id" => id};
        let id = match id {
            Some(id) => {
                tx.exec_drop(
                    "UPDATE mod_ipmanager_configurations SET name = :name, omit_dedicated_ip = :omit, custom_field = :cf, \
                     ipv4_count = :v4, ipv6_count = :v6, updated_at = UTC_TIMESTAMP() WHERE id = :id",
                    values,
                )?;
                id
            }
            None => {
                tx.exec_drop(
                    "INSERT INTO mod_ipmanager_configurations (name, omit_dedicated_ip, custom_field, ipv4_count, ipv6_count, \
                     created_at, updated_at) VALUES (:name, :omit, :cf, :v4, :v6, UTC_TIMESTAMP(), UTC_TIMESTAMP())",
                    values,
                )?;
                tx.last_insert_id().ok_or_else(|| Failure::Domain(Error::Internal("The configuration got no id.".into())))?
            }
        };
        let after = json!({"name": name, "omit_dedicated_ip": omit, "custom_field": custom_field, "ipv4_count": v4, "ipv6_count": v6});
        audit::record(tx, "configuration.save", ("configuration", id), None, Some(&after), &format!("Configuration \"{name}\" saved."))?;
        Ok(id)
    })
}

pub fn delete(db: &Db, id: u64) -> Result<()> {
    db.transaction(RetryPolicy::Transient, |tx| {
        let name: Option<String> = tx.exec_first(
            "SELECT name FROM mod_ipmanager_configurations WHERE id = :id",
            params! {"id" => id},
        )?;
        let name =
            name.ok_or_else(|| Error::NotFound(format!("Configuration #{id} does not exist.")))?;
        tx.exec_drop(
            "DELETE FROM mod_ipmanager_relations WHERE configuration_id = :id",
            params! {"id" => id},
        )?;
        tx.exec_drop(
            "DELETE FROM mod_ipmanager_configurations WHERE id = :id",
            params! {"id" => id},
        )?;
        audit::record(
            tx,
            "configuration.delete",
            ("configuration", id),
            Some(&json!({"name": name})),
            None,
            &format!("Configuration \"{name}\" and its relations deleted."),
        )?;
        Ok(())
    })
}

/// Checks a relation form, writing nothing: each problem under its field.
pub fn validate_relation(db: &Db, form: &RelationForm) -> Result<Vec<FieldError>> {
    let spec = match config_form::relation_spec(form) {
        Ok(spec) => spec,
        Err(errors) => return Ok(errors.0),
    };
    db.run(RetryPolicy::Transient, |conn| {
        let mut problems = relation_problems(conn, &spec)?;
        if problems.is_empty() && config_form::duplicate_relation(conn, &spec, kind_str(spec.kind))?
        {
            problems.add("target", DUPLICATE);
        }
        Ok(problems.0)
    })
}

const DUPLICATE: &str =
    "This configuration already has this relation (same target, option value and pool or subnet).";

/// What the database says against a relation: its configuration, target, option value or
/// source missing.
fn relation_problems(q: &mut impl Queryable, spec: &RelationSpec) -> Outcome<FieldErrors> {
    let mut errors = FieldErrors::default();
    let config: Option<u64> = q.exec_first(
        "SELECT id FROM mod_ipmanager_configurations WHERE id = :id",
        params! {"id" => spec.configuration_id},
    )?;
    if config.is_none() {
        errors.add(
            "form",
            format!(
                "Configuration #{} does not exist (it may have been deleted).",
                spec.configuration_id
            ),
        );
    }
    if target_name(q, spec.kind, spec.target_id)?.is_none() {
        errors.add(
            "target",
            format!(
                "{} #{} does not exist in WHMCS; pick one from the list.",
                kind_label(spec.kind),
                spec.target_id
            ),
        );
    }
    if let Some(value) = spec.option_value_id {
        let belongs: Option<u32> = q.exec_first(
            "SELECT id FROM tblproductconfigoptionssub WHERE id = :v AND configid = :c",
            params! {"v" => value, "c" => spec.target_id},
        )?;
        if belongs.is_none() {
            errors.add(
                "option_value_id",
                format!(
                    "Option value #{value} is not a value of configurable option #{}.",
                    spec.target_id
                ),
            );
        }
    }
    let source: Option<u64> = match (spec.pool_id, spec.subnet_id) {
        (Some(p), _) => q.exec_first(
            "SELECT id FROM mod_ipmanager_pools WHERE id = :id",
            params! {"id" => p},
        )?,
        (_, Some(s)) => q.exec_first(
            "SELECT id FROM mod_ipmanager_subnets WHERE id = :id",
            params! {"id" => s},
        )?,
        (None, None) => None,
    };
    if source.is_none() {
        let what = match (spec.pool_id, spec.subnet_id) {
            (Some(p), _) => format!("Pool #{p}"),
            (_, Some(s)) => format!("Subnet #{s}"),
            (None, None) => "The pool or subnet".into(),
        };
        errors.add(
            "draws_from",
            format!("{what} does not exist (it may have been deleted); pick one from the list."),
        );
    }
    Ok(errors)
}

/// Adds a relation after checking that its target exists in WHMCS, its pool or subnet in
/// IP Manager, and that the configuration does not have it already.
pub fn add_relation(db: &Db, form: &RelationForm) -> Result<u64> {
    let spec = config_form::relation_spec(form).map_err(FieldErrors::into_error)?;
    let RelationSpec {
        configuration_id,
        kind,
        target_id,
        option_value_id,
        extra_count,
        pool_id,
        subnet_id,
    } = spec;
    let kind_text = kind_str(kind);
    db.transaction(RetryPolicy::Transient, |tx| {
        let problems = relation_problems(tx, &spec)?;
        if !problems.is_empty() {
            let text = problems.0.iter().map(|e| e.message.as_str()).collect::<Vec<_>>().join(" ");
            return Err(if problems.has("option_value_id") { Error::invalid(text) } else { Error::NotFound(text) }.into());
        }
        if config_form::duplicate_relation(tx, &spec, kind_text)? {
            return Err(Error::Conflict(DUPLICATE.into()).into());
        }
        let config: String = tx
            .exec_first("SELECT name FROM mod_ipmanager_configurations WHERE id = :id", params! {"id" => configuration_id})?
            .unwrap_or_default();
        let target_name = target_name(tx, kind, target_id)?.unwrap_or_default();
        let draws_from = match (pool_id, subnet_id) {
            (Some(p), _) => tx.exec_first::<String, _, _>("SELECT name FROM mod_ipmanager_pools WHERE id = :id", params! {"id" => p})?
                .map(|n| format!("pool \"{n}\""))
                .ok_or_else(|| Error::NotFound(format!("Pool #{p} does not exist (it may have been deleted).")))?,
            (_, Some(s)) => tx.exec_first::<String, _, _>("SELECT name FROM mod_ipmanager_subnets WHERE id = :id", params! {"id" => s})?
                .map(|n| format!("subnet \"{n}\""))
                .ok_or_else(|| Error::NotFound(format!("Subnet #{s} does not exist (it may have been deleted).")))?,
            (None, None) => return Err(Error::Internal("A relation without a pool or subnet passed validation.".into()).into()),
        };
        tx.exec_drop(
            "INSERT INTO mod_ipmanager_relations (configuration_id, target_type, target_id, option_value_id, extra_count, \
             pool_id, subnet_id, created_at) VALUES (:c, :kind, :target, :value, :extra, :pool, :subnet, UTC_TIMESTAMP())",
            params! {
                "c" => configuration_id, "kind" => kind_text, "target" => target_id, "value" => option_value_id,
                "extra" => extra_count, "pool" => pool_id, "subnet" => subnet_id,
            },
        )?;
        let id = tx.last_insert_id().ok_or_else(|| Failure::Domain(Error::Internal("The relation got no id.".into())))?;
        audit::record(
            tx, "relation.add", ("relation", id), None,
            Some(&json!({"configuration_id": configuration_id, "target_type": kind_text, "target_id": target_id, "pool_id": pool_id, "subnet_id": subnet_id})),
            &format!("Configuration \"{config}\": {} \"{target_name}\" draws from {draws_from}.", kind_label(kind)),
        )?;
        Ok(id)
    })
}

pub fn delete_relation(db: &Db, id: u64) -> Result<()> {
    db.transaction(RetryPolicy::Transient, |tx| {
        tx.exec_drop(
            "DELETE FROM mod_ipmanager_relations WHERE id = :id",
            params! {"id" => id},
        )?;
        if tx.affected_rows() == 0 {
            return Err(Error::NotFound(format!("Relation #{id} does not exist.")).into());
        }
        audit::record(
            tx,
            "relation.delete",
            ("relation", id),
            None,
            None,
            &format!("Relation #{id} deleted."),
        )?;
        Ok(())
    })
}

pub fn list(db: &Db) -> Result<Vec<ConfigurationView>> {
    db.run(RetryPolicy::Transient, |conn| {
        let configs = load_configurations(conn)?;
        let mut out = Vec::with_capacity(configs.len());
        for c in configs {
            let rows: Vec<Row> = conn.exec(
                "SELECT r.id, r.target_type, r.target_id, r.option_value_id, r.extra_count, r.pool_id, r.subnet_id, \
                 COALESCE(CONCAT('pool \"', p.name, '\"'), CONCAT('subnet \"', s.name, '\"'), '(deleted)') AS draws_from \
                 FROM mod_ipmanager_relations r LEFT JOIN mod_ipmanager_pools p ON p.id = r.pool_id \
                 LEFT JOIN mod_ipmanager_subnets s ON s.id = r.subnet_id WHERE r.configuration_id = :id ORDER BY r.id",
                params! {"id" => c.id},
            )?;
            let mut relations = Vec::with_capacity(rows.len());
            for mut row in rows {
                let kind_text: String = take(&mut row, "target_type")?;
                let kind = kind_from(&kind_text)?;
                let target_id: u32 = take(&mut row, "target_id")?;
                relations.push(RelationView {
                    id: take(&mut row, "id")?,
                    target_type: kind_str(kind),
                    target_id,
                    target_name: target_name(conn, kind, target_id)?.unwrap_or_else(|| "(deleted in WHMCS)".into()),
                    option_value_id: take(&mut row, "option_value_id")?,
                    extra_count: take(&mut row, "extra_count")?,
                    pool_id: take(&mut row, "pool_id")?,
                    subnet_id: take(&mut row, "subnet_id")?,
                    draws_from: take(&mut row, "draws_from")?,
                });
            }
            let form = BTreeMap::from([
                ("id", c.id.to_string()),
                ("name", c.name.clone()),
                ("ipv4_count", c.ipv4_count.to_string()),
                ("ipv6_count", c.ipv6_count.to_string()),
                ("omit_dedicated_ip", if c.omit_dedicated_ip { "1" } else { "0" }.to_string()),
                ("custom_field", c.custom_field.clone()),
            ]);
            out.push(ConfigurationView { configuration: c, relations, form });
        }
        Ok(out)
    })
}

/// Every configuration, by id.
pub const CONFIGURATIONS_SQL: &str = "SELECT id, name, omit_dedicated_ip, custom_field, ipv4_count, ipv6_count \
    FROM mod_ipmanager_configurations ORDER BY id";

pub fn load_configurations(q: &mut impl Queryable) -> Outcome<Vec<Configuration>> {
    configurations_from(q.query(CONFIGURATIONS_SQL)?)
}

/// Configurations from the rows of `CONFIGURATIONS_SQL`.
pub fn configurations_from(rows: Vec<Row>) -> Outcome<Vec<Configuration>> {
    let mut out = Vec::with_capacity(rows.len());
    for mut row in rows {
        out.push(Configuration {
            id: take(&mut row, "id")?,
            name: take(&mut row, "name")?,
            omit_dedicated_ip: take::<u8>(&mut row, "omit_dedicated_ip")? == 1,
            custom_field: take(&mut row, "custom_field")?,
            ipv4_count: take(&mut row, "ipv4_count")?,
            ipv6_count: take(&mut row, "ipv6_count")?,
        });
    }
    Ok(out)
}

/// Relations that can matter for a service (its product, server, addons, config options),
/// with the family of the pool or subnet they draw from and the subnet it lies in. Relations
/// whose pool or subnet was deleted are left out.
pub const RELATIONS_SQL: &str = "SELECT r.id, r.configuration_id, r.target_type, r.target_id, r.option_value_id, \
    r.extra_count, r.pool_id, r.subnet_id, COALESCE(ps.family, s.family) AS family, \
    COALESCE(ps.id, s.id) AS lies_in FROM mod_ipmanager_relations r \
    LEFT JOIN mod_ipmanager_pools p ON p.id = r.pool_id LEFT JOIN mod_ipmanager_subnets ps ON ps.id = p.subnet_id \
    LEFT JOIN mod_ipmanager_subnets s ON s.id = r.subnet_id \
    WHERE COALESCE(ps.family, s.family) IS NOT NULL ORDER BY r.id";

/// Relations from the rows of `RELATIONS_SQL`, and the subnet each target lies in.
pub fn relations_from(rows: Vec<Row>) -> Outcome<(Vec<Relation>, BTreeMap<Target, u64>)> {
    let mut out = Vec::with_capacity(rows.len());
    let mut lies_in = BTreeMap::new();
    for mut row in rows {
        let kind_text: String = take(&mut row, "target_type")?;
        let family: u8 = take(&mut row, "family")?;
        let pool: Option<u64> = take(&mut row, "pool_id")?;
        let subnet: Option<u64> = take(&mut row, "subnet_id")?;
        let target = match (pool, subnet) {
            (Some(p), _) => Target::Pool(p),
            (None, Some(s)) => Target::Subnet(s),
            (None, None) => continue,
        };
        lies_in.insert(target, take(&mut row, "lies_in")?);
        out.push(Relation {
            id: take(&mut row, "id")?,
            configuration_id: take(&mut row, "configuration_id")?,
            kind: kind_from(&kind_text)?,
            target_id: take(&mut row, "target_id")?,
            option_value_id: take(&mut row, "option_value_id")?,
            extra_count: take(&mut row, "extra_count")?,
            target,
            family: Family::from_number(family)
                .ok_or_else(|| Error::Internal(format!("Unknown family {family}.")))?,
        });
    }
    Ok((out, lies_in))
}

fn kind_from(text: &str) -> Result<TargetKind> {
    match text {
        "product" => Ok(TargetKind::Product),
        "server" => Ok(TargetKind::Server),
        "addon" => Ok(TargetKind::Addon),
        "configoption" => Ok(TargetKind::ConfigOption),
        other => Err(Error::invalid(format!(
            "Relation target '{other}' is not known; use product, server, addon or configoption."
        ))),
    }
}

fn kind_str(kind: TargetKind) -> &'static str {
    match kind {
        TargetKind::Product => "product",
        TargetKind::Server => "server",
        TargetKind::Addon => "addon",
        TargetKind::ConfigOption => "configoption",
    }
}

fn kind_label(kind: TargetKind) -> &'static str {
    match kind {
        TargetKind::Product => "Product",
        TargetKind::Server => "Server",
        TargetKind::Addon => "Product addon",
        TargetKind::ConfigOption => "Configurable option",
    }
}

/// The WHMCS name of a relation target, or None if WHMCS has no such row.
fn target_name(q: &mut impl Queryable, kind: TargetKind, id: u32) -> Outcome<Option<String>> {
    let sql = match kind {
        TargetKind::Product => "SELECT name FROM tblproducts WHERE id = :id",
        TargetKind::Server => "SELECT name FROM tblservers WHERE id = :id",
        TargetKind::Addon => "SELECT name FROM tbladdons WHERE id = :id",
        TargetKind::ConfigOption => "SELECT optionname FROM tblproductconfigoptions WHERE id = :id",
    };
    Ok(q.exec_first(sql, params! {"id" => id})?)
}

#[derive(Debug, Serialize)]
pub struct TargetOption {
    pub id: u32,
    pub name: String,
    /// Configurable options: their values (id, name); empty for everything else and for
    /// quantity options.
    pub values: Vec<(u32, String)>,
}

#[derive(Debug, Serialize)]
pub struct Targets {
    pub product: Vec<TargetOption>,
    pub server: Vec<TargetOption>,
    pub addon: Vec<TargetOption>,
    pub configoption: Vec<TargetOption>,
}

/// What a relation can point at, from WHMCS's tables, for the admin's pick lists.
pub fn targets(db: &Db) -> Result<Targets> {
    db.run(RetryPolicy::Transient, |conn| {
        let simple = |conn: &mut mysql::PooledConn, sql: &str| -> Outcome<Vec<TargetOption>> {
            let rows: Vec<(u32, String)> = conn.query(sql)?;
            Ok(rows.into_iter().map(|(id, name)| TargetOption { id, name, values: Vec::new() }).collect())
        };
        let product = simple(conn, "SELECT id, name FROM tblproducts WHERE retired = 0 ORDER BY name, id")?;
        let server = simple(conn, "SELECT id, CONCAT(name, ' (', type, ')') FROM tblservers ORDER BY name, id")?;
        let addon = simple(conn, "SELECT id, name FROM tbladdons ORDER BY name, id")?;
        let mut configoption = simple(conn, "SELECT id, optionname FROM tblproductconfigoptions ORDER BY optionname, id")?;
        let values: Vec<(u32, u32, String)> =
            conn.query("SELECT configid, id, optionname FROM tblproductconfigoptionssub ORDER BY configid, sortorder, id")?;
        for option in &mut configoption {
            option.values = values.iter().filter(|(c, _, _)| *c == option.id).map(|(_, id, name)| (*id, name.clone())).collect();
        }
        Ok(Targets { product, server, addon, configoption })
    })
}
