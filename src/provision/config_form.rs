//! The configuration and relation forms, read into typed specs with an error in words under
//! each field; the checks that need the database (name taken, target exists, the same
//! relation twice) run the same way for the form's validation and inside the save.

use super::plan::TargetKind;
use crate::ipam::field_errors::FieldErrors;
use crate::store::Outcome;
use mysql::params;
use mysql::prelude::Queryable;

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

/// A configuration form as the binding layer read it: each field absent or typed; what
/// could not be read waits in `unreadable`, under its field.
#[derive(Debug, Clone, Default)]
pub struct ConfigurationForm {
    pub id: Option<i64>,
    pub name: Option<String>,
    pub omit_dedicated_ip: Option<bool>,
    pub custom_field: Option<String>,
    pub ipv4_count: Option<i64>,
    pub ipv6_count: Option<i64>,
    pub unreadable: FieldErrors,
}

pub fn configuration_spec(form: &ConfigurationForm) -> Result<ConfigurationSpec, FieldErrors> {
    let mut errors = form.unreadable.clone();
    let id = errors
        .within("form", form.id, 1, i64::MAX, "The configuration id")
        .map(|n| n as u64);
    let name = errors.check(
        "name",
        crate::input::name(
            form.name.as_deref().unwrap_or_default(),
            "configuration",
            "Proxmox VPS",
        ),
    );
    let custom_field = form
        .custom_field
        .clone()
        .unwrap_or_default()
        .trim()
        .to_string();
    let mut count = |key: &'static str, value: Option<i64>, family: &str, default: u32| {
        if errors.has(key) {
            return None;
        }
        match value {
            None => Some(default),
            Some(n) if (0..=MAX_PER_SERVICE).contains(&n) => Some(n as u32),
            Some(_) => {
                errors.add(
                    key,
                    format!(
                        "Enter how many {family} each service gets: a whole number from 0 to {MAX_PER_SERVICE}."
                    ),
                );
                None
            }
        }
    };
    let v4 = count("ipv4_count", form.ipv4_count, "IPv4 addresses", 1);
    let v6 = count(
        "ipv6_count",
        form.ipv6_count,
        "IPv6 addresses or prefixes",
        0,
    );
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
                omit_dedicated_ip: form.omit_dedicated_ip.unwrap_or(false),
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

/// Where a relation's addresses come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Pool(u64),
    Subnet(u64),
}

/// A relation form as the binding layer read it: the target and the source as chosen
/// ("product:3", "pool:2"), each field absent or typed; what could not be read waits in
/// `unreadable`, under its field.
#[derive(Debug, Clone, Default)]
pub struct RelationForm {
    pub configuration_id: Option<i64>,
    /// The target's kind ("product", "server", "addon", "configoption") and id.
    pub target: Option<(String, u64)>,
    pub source: Option<Source>,
    pub option_value_id: Option<i64>,
    pub extra_count: Option<i64>,
    pub unreadable: FieldErrors,
}

pub fn relation_spec(form: &RelationForm) -> Result<RelationSpec, FieldErrors> {
    let mut errors = form.unreadable.clone();
    let configuration_id = errors.within(
        "form",
        form.configuration_id,
        1,
        i64::MAX,
        "The configuration id",
    );
    if configuration_id.is_none() && !errors.has("form") {
        errors.add("form", "Say which configuration the relation belongs to.");
    }
    let target = form
        .target
        .as_ref()
        .and_then(|(kind, id)| Some((kind_of(kind)?, u32::try_from(*id).ok()?)));
    if form.target.is_some() && target.is_none() && !errors.has("target") {
        errors.add(
            "target",
            "Choose a product, server, addon or configurable option from the list.",
        );
    }
    if form.target.is_none() && !errors.has("target") {
        errors.add(
            "target",
            "Choose the product, server, addon or configurable option that draws addresses.",
        );
    }
    let kind = target.map(|(kind, _)| kind);
    let (pool_id, subnet_id) = match form.source {
        Some(Source::Pool(p)) => (Some(p), None),
        Some(Source::Subnet(s)) => (None, Some(s)),
        None => {
            if !errors.has("draws_from") {
                errors.add(
                    "draws_from",
                    "Choose the one pool or subnet the addresses come from.",
                );
            }
            (None, None)
        }
    };
    let takes_extra = matches!(kind, Some(TargetKind::Addon | TargetKind::ConfigOption));
    let extra_count = if takes_extra {
        match form.extra_count {
            None => 1,
            Some(n) if (1..=MAX_PER_SERVICE).contains(&n) => n as u32,
            Some(_) => {
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
        if form.extra_count.is_some() && kind.is_some() {
            errors.add(
                "extra_count",
                "Extra addresses apply to addons and configurable options only; leave it empty for a product or server.",
            );
        }
        1
    };
    let option_value_id = errors
        .within(
            "option_value_id",
            form.option_value_id,
            1,
            i64::from(u32::MAX),
            "The option value",
        )
        .map(|n| n as u32);
    if option_value_id.is_some() && kind.is_some() && kind != Some(TargetKind::ConfigOption) {
        errors.add(
            "option_value_id",
            "An option value belongs to configurable option relations only.",
        );
    }
    match (configuration_id, target) {
        (Some(configuration_id), Some((kind, target_id))) if errors.is_empty() => {
            Ok(RelationSpec {
                configuration_id: configuration_id as u64,
                kind,
                target_id,
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
    use crate::php::requests::FromPhp;
    use serde_json::{Value, json};

    fn configuration_spec(value: Value) -> Result<ConfigurationSpec, FieldErrors> {
        super::configuration_spec(&ConfigurationForm::from_php(&value).unwrap())
    }

    fn relation_spec(value: Value) -> Result<RelationSpec, FieldErrors> {
        super::relation_spec(&RelationForm::from_php(&value).unwrap())
    }

    /// The fields with an error, in form order.
    fn fields_of(errors: FieldErrors) -> Vec<&'static str> {
        const ORDER: [&str; 9] = [
            "form",
            "name",
            "ipv4_count",
            "ipv6_count",
            "target",
            "draws_from",
            "extra_count",
            "option_value_id",
            "custom_field",
        ];
        let mut fields: Vec<&'static str> = errors.0.iter().map(|e| e.field).collect();
        fields.sort_by_key(|f| ORDER.iter().position(|o| o == f));
        fields
    }

    #[test]
    fn zero_and_zero_is_refused_under_the_ipv4_field_in_words() {
        let errors =
            configuration_spec(json!({"name": "VPS", "ipv4_count": "0", "ipv6_count": "0"}))
                .unwrap_err();
        assert_eq!(errors.0.len(), 1);
        assert_eq!(errors.0[0].field, "ipv4_count");
        assert!(errors.0[0].message.contains("at least one"));
        assert!(!errors.0[0].message.contains("'ipv4_count'"));
    }

    #[test]
    fn each_bad_count_is_named_at_its_field() {
        let errors = configuration_spec(json!({"name": "", "ipv4_count": "x", "ipv6_count": "65"}))
            .unwrap_err();
        assert_eq!(fields_of(errors), ["name", "ipv4_count", "ipv6_count"]);
    }

    #[test]
    fn a_good_configuration_reads_its_values() {
        let spec = configuration_spec(
            json!({"id": "3", "name": " VPS ", "ipv4_count": "2", "ipv6_count": "", "omit_dedicated_ip": "1"}),
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
            json!({"configuration_id": "1", "target": "configoption:4", "draws_from": "pool:2",
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
            json!({"configuration_id": 1, "target": "product:1", "draws_from": "subnet:1",
                    "extra_count": "2", "option_value_id": "5"}),
        )
        .unwrap_err();
        assert_eq!(fields_of(errors), ["extra_count", "option_value_id"]);
    }

    #[test]
    fn missing_or_malformed_choices_are_named() {
        let errors =
            relation_spec(json!({"configuration_id": 1, "target": "", "draws_from": "vlan:3"}))
                .unwrap_err();
        assert_eq!(fields_of(errors), ["target", "draws_from"]);
    }
}
