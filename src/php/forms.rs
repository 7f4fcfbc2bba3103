//! The admin forms (subnet, pool, configuration, relation) read from PHP arrays into the
//! typed forms the core checks. A value of the wrong kind is kept as an error in words
//! under its field (so the page shows it there), never as a failed call.

use super::loose::{Fields, KindId};
use super::requests::FromPhp;
use crate::error::Result;
use crate::ipam::field_errors::FieldErrors;
use crate::ipam::pools::{self, PoolForm};
use crate::ipam::subnet_spec::{self, SubnetForm};
use crate::provision::config_form::{ConfigurationForm, RelationForm, Source};
use serde_json::Value;

/// Reads one form: `read` fills it from the fields; a value that is no array at all, or an
/// unknown key, is an error under "form".
fn read_form<T: Default>(
    what: &str,
    value: &Value,
    allowed: &[&str],
    read: impl FnOnce(&Fields<'_>, &mut FieldErrors) -> T,
    unreadable: impl FnOnce(&mut T) -> &mut FieldErrors,
) -> T {
    let mut errors = FieldErrors::default();
    let mut form = match Fields::new(what, value) {
        Ok(fields) => {
            errors.check("form", fields.allow_only(allowed));
            read(&fields, &mut errors)
        }
        Err(e) => {
            errors.add("form", e.to_string());
            T::default()
        }
    };
    *unreadable(&mut form) = errors;
    form
}

/// Text as typed (a number is taken as its digits).
fn text(f: &Fields<'_>, errors: &mut FieldErrors, key: &'static str) -> Option<String> {
    errors.check(key, f.optional_str(key)).flatten()
}

/// A whole number, or None when left empty; anything else is "{label} must be a whole
/// number" under the field.
fn whole(f: &Fields<'_>, errors: &mut FieldErrors, key: &'static str, label: &str) -> Option<i64> {
    match f.optional_int(key, i64::MIN, i64::MAX) {
        Ok(n) => n,
        Err(_) => {
            errors.add(
                key,
                format!("{label} must be a whole number, got {}.", f.shown(key)),
            );
            None
        }
    }
}

/// A tick box: "1"/"on"/"yes"/"true" or "0"/""/"off"/"no"/"false".
fn flag(f: &Fields<'_>, errors: &mut FieldErrors, key: &'static str) -> Option<bool> {
    errors.check(key, f.optional_bool(key)).flatten()
}

impl FromPhp for SubnetForm {
    fn from_php(value: &Value) -> Result<Self> {
        Ok(read_form(
            "subnet",
            value,
            subnet_spec::FIELDS,
            |f, e| SubnetForm {
                cidr: text(f, e, "cidr"),
                name: text(f, e, "name"),
                parent_id: whole(f, e, "parent_id", "The parent subnet"),
                gateway: text(f, e, "gateway"),
                excluded: text(f, e, "excluded"),
                reserved: text(f, e, "reserved"),
                vlan: whole(f, e, "vlan", "The VLAN"),
                description: text(f, e, "description"),
                // "" is the form's "Automatic".
                store_free_ips: match f.optional_str("store_free_ips") {
                    Ok(Some(t)) if t.trim().is_empty() => Some(None),
                    _ => flag(f, e, "store_free_ips").map(Some),
                },
                reserve_network: flag(f, e, "reserve_network"),
                reserve_broadcast: flag(f, e, "reserve_broadcast"),
                reserve_gateway: flag(f, e, "reserve_gateway"),
                reserve_anycast: flag(f, e, "reserve_anycast"),
                reserve_first: whole(f, e, "reserve_first", "\"Reserve first N addresses\""),
                reserve_last: whole(f, e, "reserve_last", "\"Reserve last N addresses\""),
                given: subnet_spec::FIELDS
                    .iter()
                    .copied()
                    .filter(|k| f.has(k))
                    .collect(),
                unreadable: FieldErrors::default(),
            },
            |form| &mut form.unreadable,
        ))
    }
}

impl FromPhp for PoolForm {
    fn from_php(value: &Value) -> Result<Self> {
        Ok(read_form(
            "pool",
            value,
            pools::FIELDS,
            |f, e| PoolForm {
                subnet_id: whole(f, e, "subnet_id", "The subnet"),
                name: text(f, e, "name"),
                range: text(f, e, "range"),
                cidr: text(f, e, "cidr"),
                prefix_len: whole(f, e, "prefix_len", "The prefix length"),
                description: text(f, e, "description"),
                given: pools::FIELDS.iter().copied().filter(|k| f.has(k)).collect(),
                unreadable: FieldErrors::default(),
            },
            |form| &mut form.unreadable,
        ))
    }
}

impl FromPhp for ConfigurationForm {
    fn from_php(value: &Value) -> Result<Self> {
        Ok(read_form(
            "configuration",
            value,
            &[
                "id",
                "name",
                "omit_dedicated_ip",
                "custom_field",
                "ipv4_count",
                "ipv6_count",
            ],
            |f, e| ConfigurationForm {
                id: match f.optional_int("id", 1, i64::MAX) {
                    Ok(id) => id,
                    Err(_) => {
                        e.add("form", "The configuration being edited is not known; open it again from the list.");
                        None
                    }
                },
                name: text(f, e, "name"),
                omit_dedicated_ip: flag(f, e, "omit_dedicated_ip"),
                custom_field: text(f, e, "custom_field"),
                ipv4_count: whole(f, e, "ipv4_count", "IPv4 per service"),
                ipv6_count: whole(f, e, "ipv6_count", "IPv6 per service"),
                unreadable: FieldErrors::default(),
            },
            |form| &mut form.unreadable,
        ))
    }
}

impl FromPhp for RelationForm {
    /// The target as `target` ("product:3") or `target_type` + `target_id`; the source as
    /// `draws_from` ("pool:2", "subnet:1") or `pool_id` / `subnet_id`.
    fn from_php(value: &Value) -> Result<Self> {
        Ok(read_form(
            "relation",
            value,
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
            |f, e| {
                let target = e
                    .check(
                        "target",
                        KindId::read(
                            f,
                            "target",
                            Some(("target_type", "target_id")),
                            &["product", "server", "addon", "configoption"],
                        ),
                    )
                    .flatten()
                    .map(|k| (k.kind, k.id));
                let source = match e
                    .check(
                        "draws_from",
                        KindId::read(f, "draws_from", None, &["pool", "subnet"]),
                    )
                    .flatten()
                {
                    Some(k) if k.kind == "pool" => Some(Source::Pool(k.id)),
                    Some(k) => Some(Source::Subnet(k.id)),
                    None => {
                        let pool = whole(f, e, "pool_id", "The pool");
                        let subnet = whole(f, e, "subnet_id", "The subnet");
                        match (pool, subnet) {
                            (Some(p), None) if p > 0 => Some(Source::Pool(p as u64)),
                            (None, Some(s)) if s > 0 => Some(Source::Subnet(s as u64)),
                            _ => None,
                        }
                    }
                };
                RelationForm {
                    configuration_id: whole(f, e, "configuration_id", "The configuration id"),
                    target,
                    source,
                    option_value_id: whole(f, e, "option_value_id", "The option value"),
                    extra_count: whole(f, e, "extra_count", "Extra IPs"),
                    unreadable: FieldErrors::default(),
                }
            },
            |form| &mut form.unreadable,
        ))
    }
}
