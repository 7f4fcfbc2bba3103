//! The configuration and relation forms, read into typed specs with an error in words under
//! each field; the checks that need the database (name taken, target exists, the same
//! relation twice) run the same way for the form's validation and inside the save.

use super::plan::TargetKind;
use crate::ipam::field_errors::FieldErrors;
use crate::php::loose::KindId;
use crate::store::Outcome;
use mysql::params;
use mysql::prelude::Queryable;
use serde_json::Value;

/// Most IPv4 addresses or IPv6 units one configuration gives a service.
pub const MAX_PER_SERVICE: i64 = 64;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigurationSpec {
    pub id: Option<u64>,
    pub name: String,
    pub omit_dedicated_ip: bool,
    pub custom_field: String,
    pub ipv4_count: u32,
    pub ipv6_count: u32,
}

pub fn configuration_spec(input: &Value) -> Result<ConfigurationSpec, FieldErrors> {
    let (f, mut errors) = FieldErrors::form(
        "configuration",
        input,
        &[
            "id",
            "name",
            "omit_dedicated_ip",
            "custom_field",
            "ipv4_count",
            "ipv6_count",
        ],
    )?;
    let id = errors
        .check("form", f.optional_int("id", 1, i64::MAX))
        .flatten()
        .map(|n| n as u64);
    let name = errors.check(
        "name",
        f.optional_str("name").and_then(|n| {
            crate::input::name(&n.unwrap_or_default(), "configuration", "Proxmox VPS")
        }),
    );
    let omit = errors
        .check("omit_dedicated_ip", f.optional_bool("omit_dedicated_ip"))
        .flatten()
        .unwrap_or(false);
    let custom_field = errors
        .check("custom_field", f.optional_str("custom_field"))
        .flatten()
        .unwrap_or_default()
        .trim()
        .to_string();
    let count = |errors: &mut FieldErrors, key: &'static str, family: &str, default: u32| match f
        .optional_int(key, 0, MAX_PER_SERVICE)
    {
        Ok(n) => Some(n.map_or(default, |n| n as u32)),
        Err(_) => {
            errors.add(
                    key,
                    format!(
                        "Enter how many {family} each service gets: a whole number from 0 to {MAX_PER_SERVICE}."
                    ),
                );
            None
        }
    };
    let v4 = count(&mut errors, "ipv4_count", "IPv4 addresses", 1);
    let v6 = count(&mut errors, "ipv6_count", "IPv6 addresses or prefixes", 0);
    if v4 == Some(0) && v6 == Some(0) {
        errors.add(
            "ipv4_count",
            "Give each service at least one IPv4 address or one IPv6 unit: 0 and 0 would hand out nothing.",
        );
    }
    match (name, v4, v6) {
        (Some(name), Some(ipv4_count), Some(ipv6_count)) if errors.is_empty() => {
            Ok(ConfigurationSpec {
                id,
                name,
                omit_dedicated_ip: omit,
                custom_field,
                ipv4_count,
                ipv6_count,
            })
        }
        _ => Err(errors),
    }
}

/// A configuration of the same name (other than the one edited), or an edit of one that is
/// gone.
pub fn configuration_problems(
    q: &mut impl Queryable,
    spec: &ConfigurationSpec,
) -> Outcome<FieldErrors> {
    let mut errors = FieldErrors::default();
    let taken: Option<u64> = q.exec_first(
        "SELECT id FROM mod_ipmanager_configurations WHERE name = :name",
        params! {"name" => &spec.name},
    )?;
    if taken.is_some_and(|t| Some(t) != spec.id) {
        errors.add(
            "name",
            format!(
                "A configuration named \"{}\" already exists; choose another name or edit that one.",
                spec.name
            ),
        );
    }
    if let Some(id) = spec.id {
        let exists: Option<u64> = q.exec_first(
            "SELECT id FROM mod_ipmanager_configurations WHERE id = :id",
            params! {"id" => id},
        )?;
        if exists.is_none() {
            errors.add(
                "form",
                format!("Configuration #{id} no longer exists; it may have been deleted."),
            );
        }
    }
    Ok(errors)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RelationSpec {
    pub configuration_id: u64,
    pub kind: TargetKind,
    pub target_id: u32,
    pub option_value_id: Option<u32>,
    pub extra_count: u32,
    pub pool_id: Option<u64>,
    pub subnet_id: Option<u64>,
}

/// Reads a relation: the target as `target` ("product:3") or `target_type` + `target_id`;
/// the source as `draws_from` ("pool:2", "subnet:1") or `pool_id` / `subnet_id`.
pub fn relation_spec(input: &Value) -> Result<RelationSpec, FieldErrors> {
    let (f, mut errors) = FieldErrors::form(
        "relation",
        input,
        &[
            "configuration_id",
            "target",
            "target_type",
            "target_id",
            "option_value_id",
            "extra_count",
            "draws_from",
            "pool_id",
            "subnet_id",
        ],
    )?;
    let configuration_id = errors
        .check("form", f.optional_int("configuration_id", 1, i64::MAX))
        .flatten();
    if configuration_id.is_none() && !errors.has("form") {
        errors.add("form", "Say which configuration the relation belongs to.");
    }
    let target = errors
        .check(
            "target",
            KindId::read(
                &f,
                "target",
                Some(("target_type", "target_id")),
                &["product", "server", "addon", "configoption"],
            ),
        )
        .flatten();
    let kind = target.as_ref().and_then(|t| kind_of(&t.kind));
    if target.is_none() && !errors.has("target") {
        errors.add(
            "target",
            "Choose the product, server, addon or configurable option that draws addresses.",
        );
    }
    let source = errors
        .check(
            "draws_from",
            KindId::read(&f, "draws_from", None, &["pool", "subnet"]),
        )
        .flatten();
    let (pool_id, subnet_id) = match source {
        Some(s) if s.kind == "pool" => (Some(s.id), None),
        Some(s) => (None, Some(s.id)),
        None => {
            let pool = errors
                .check("draws_from", f.optional_int("pool_id", 1, i64::MAX))
                .flatten();
            let subnet = errors
                .check("draws_from", f.optional_int("subnet_id", 1, i64::MAX))
                .flatten();
            if pool.is_some() == subnet.is_some() && !errors.has("draws_from") {
                errors.add(
                    "draws_from",
                    "Choose the one pool or subnet the addresses come from.",
                );
            }
            (pool.map(|n| n as u64), subnet.map(|n| n as u64))
        }
    };
    let takes_extra = matches!(kind, Some(TargetKind::Addon | TargetKind::ConfigOption));
    let extra_given = f
        .optional_str("extra_count")
        .ok()
        .flatten()
        .is_some_and(|s| !s.trim().is_empty());
    let extra_count = if takes_extra {
        match f.optional_int("extra_count", 1, MAX_PER_SERVICE) {
            Ok(n) => n.unwrap_or(1) as u32,
            Err(_) => {
                errors.add(
                    "extra_count",
                    format!(
                        "Enter how many extra addresses it adds: a whole number from 1 to {MAX_PER_SERVICE}."
                    ),
                );
                1
            }
        }
    } else {
        if extra_given && kind.is_some() {
            errors.add(
                "extra_count",
                "Extra addresses apply to addons and configurable options only; leave it empty for a product or server.",
            );
        }
        1
    };
    let option_value_id = errors
        .check(
            "option_value_id",
            f.optional_int("option_value_id", 1, i64::from(u32::MAX)),
        )
        .flatten()
        .map(|n| n as u32);
    if option_value_id.is_some() && kind.is_some() && kind != Some(TargetKind::ConfigOption) {
        errors.add(
            "option_value_id",
            "An option value belongs to configurable option relations only.",
        );
    }
    match (configuration_id, kind, target) {
        (Some(configuration_id), Some(kind), Some(target)) if errors.is_empty() => {
            Ok(RelationSpec {
                configuration_id: configuration_id as u64,
                kind,
                target_id: u32::try_from(target.id).unwrap_or(u32::MAX),
                option_value_id,
                extra_count,
                pool_id,
                subnet_id,
            })
        }
        _ => Err(errors),
    }
}

fn kind_of(text: &str) -> Option<TargetKind> {
    match text {
        "product" => Some(TargetKind::Product),
        "server" => Some(TargetKind::Server),
        "addon" => Some(TargetKind::Addon),
        "configoption" => Some(TargetKind::ConfigOption),
        _ => None,
    }
}

/// The same relation (configuration, target, option value and source) already there.
pub fn duplicate_relation(
    q: &mut impl Queryable,
    spec: &RelationSpec,
    kind: &str,
) -> Outcome<bool> {
    let found: Option<u64> = q.exec_first(
        "SELECT id FROM mod_ipmanager_relations WHERE configuration_id = :c AND target_type = :kind \
         AND target_id = :target AND option_value_id <=> :value AND pool_id <=> :pool AND subnet_id <=> :subnet LIMIT 1",
        params! {
            "c" => spec.configuration_id, "kind" => kind, "target" => spec.target_id,
            "value" => spec.option_value_id, "pool" => spec.pool_id, "subnet" => spec.subnet_id,
        },
    )?;
    Ok(found.is_some())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn fields_of(errors: FieldErrors) -> Vec<&'static str> {
        errors.0.iter().map(|e| e.field).collect()
    }

    #[test]
    fn zero_and_zero_is_refused_under_the_ipv4_field_in_words() {
        let errors =
            configuration_spec(&json!({"name": "VPS", "ipv4_count": "0", "ipv6_count": "0"}))
                .unwrap_err();
        assert_eq!(errors.0.len(), 1);
        assert_eq!(errors.0[0].field, "ipv4_count");
        assert!(errors.0[0].message.contains("at least one"));
        assert!(!errors.0[0].message.contains("'ipv4_count'"));
    }

    #[test]
    fn each_bad_count_is_named_at_its_field() {
        let errors =
            configuration_spec(&json!({"name": "", "ipv4_count": "x", "ipv6_count": "65"}))
                .unwrap_err();
        assert_eq!(fields_of(errors), ["name", "ipv4_count", "ipv6_count"]);
    }

    #[test]
    fn a_good_configuration_reads_its_values() {
        let spec = configuration_spec(
            &json!({"id": "3", "name": " VPS ", "ipv4_count": "2", "ipv6_count": "", "omit_dedicated_ip": "1"}),
        )
        .unwrap();
        assert_eq!(spec.id, Some(3));
        assert_eq!(spec.name, "VPS");
        assert_eq!((spec.ipv4_count, spec.ipv6_count), (2, 0));
        assert!(spec.omit_dedicated_ip);
    }

    #[test]
    fn a_relation_reads_kind_and_id_pairs() {
        let spec = relation_spec(
            &json!({"configuration_id": "1", "target": "configoption:4", "draws_from": "pool:2",
                    "option_value_id": "7", "extra_count": "3"}),
        )
        .unwrap();
        assert_eq!(spec.kind, TargetKind::ConfigOption);
        assert_eq!(
            (spec.target_id, spec.pool_id, spec.subnet_id),
            (4, Some(2), None)
        );
        assert_eq!((spec.option_value_id, spec.extra_count), (Some(7), 3));
    }

    #[test]
    fn a_product_relation_refuses_extras_and_option_values() {
        let errors = relation_spec(
            &json!({"configuration_id": 1, "target": "product:1", "draws_from": "subnet:1",
                    "extra_count": "2", "option_value_id": "5"}),
        )
        .unwrap_err();
        assert_eq!(fields_of(errors), ["extra_count", "option_value_id"]);
    }

    #[test]
    fn missing_or_malformed_choices_are_named() {
        let errors =
            relation_spec(&json!({"configuration_id": 1, "target": "", "draws_from": "vlan:3"}))
                .unwrap_err();
        assert_eq!(fields_of(errors), ["target", "draws_from"]);
    }
}
