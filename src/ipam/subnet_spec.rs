//! A subnet as the admin describes it, checked field by field before the database is asked.

use super::field_errors::FieldErrors;
use super::model::Subnet;
use crate::error::{Error, Result};
use crate::net::range::AddrRange;
use crate::net::rules::BlockReason;
use crate::net::{Addr, Cidr, Family, ReservationRules};

/// The most rows "Store free IPs" pre-generates (an IPv4 /16).
pub const MAX_STORED_ADDRESSES: u128 = 65_536;
/// First N / last N are meant for a handful of router or infrastructure addresses.
const MAX_RULE_COUNT: i64 = 65_536;

pub const FIELDS: &[&str] = &[
    "cidr",
    "name",
    "parent_id",
    "gateway",
    "excluded",
    "reserved",
    "vlan",
    "description",
    "store_free_ips",
    "reserve_network",
    "reserve_broadcast",
    "reserve_gateway",
    "reserve_anycast",
    "reserve_first",
    "reserve_last",
];

/// A subnet form as the binding layer read it: each field absent or typed. What could not
/// be read (a wrong type, an unknown key) waits in `unreadable`, under its field.
#[derive(Debug, Clone, Default)]
pub struct SubnetForm {
    pub cidr: Option<String>,
    pub name: Option<String>,
    pub parent_id: Option<i64>,
    pub gateway: Option<String>,
    pub excluded: Option<String>,
    pub reserved: Option<String>,
    pub vlan: Option<i64>,
    pub description: Option<String>,
    /// `Some(None)`: the form's "Automatic" (stored for IPv4 up to a /16).
    pub store_free_ips: Option<Option<bool>>,
    pub reserve_network: Option<bool>,
    pub reserve_broadcast: Option<bool>,
    pub reserve_gateway: Option<bool>,
    pub reserve_anycast: Option<bool>,
    pub reserve_first: Option<i64>,
    pub reserve_last: Option<i64>,
    /// The fields the caller sent: an edit keeps the others as they are (an API caller
    /// renaming a subnet must not clear its reserved ranges).
    pub given: Vec<&'static str>,
    pub unreadable: FieldErrors,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubnetSpec {
    pub name: String,
    pub cidr: Cidr,
    pub parent_id: Option<u64>,
    pub gateway: Option<Addr>,
    pub vlan: Option<u16>,
    pub description: String,
    pub stored: bool,
    pub rules: ReservationRules,
    pub reserved: Vec<AddrRange>,
    pub excluded: Vec<AddrRange>,
}

impl From<&Subnet> for SubnetSpec {
    /// A saved subnet as a spec (its lists were validated when it was saved).
    fn from(s: &Subnet) -> SubnetSpec {
        SubnetSpec {
            name: s.name.clone(),
            cidr: s.cidr,
            parent_id: s.parent_id,
            gateway: s.gateway,
            vlan: s.vlan,
            description: s.description.clone(),
            stored: s.stored,
            rules: s.rules.clone(),
            reserved: s.reserved_ranges(),
            excluded: s.excluded_ranges(),
        }
    }
}

impl SubnetSpec {
    /// Every range never handed out, with its reason (not yet counting child subnets).
    pub fn blocked(&self) -> Vec<(AddrRange, BlockReason)> {
        self.rules
            .blocked(&self.cidr, self.gateway, &self.reserved, &self.excluded)
    }

    pub fn reserved_text(&self) -> String {
        join(&self.reserved)
    }

    pub fn excluded_text(&self) -> String {
        join(&self.excluded)
    }

    /// Checks a create (`existing` = None) or edit form. On edit, CIDR, parent and storage
    /// are fixed: they decide where every address row lives.
    pub fn from_form(
        form: &SubnetForm,
        existing: Option<&Subnet>,
    ) -> std::result::Result<SubnetSpec, FieldErrors> {
        let mut errors = form.unreadable.clone();
        if errors.has("form") {
            return Err(errors);
        }
        let text = |value: &Option<String>| value.clone().filter(|t| !t.trim().is_empty());
        // On edit, what the caller left out stays as saved.
        let saved = existing.map(SubnetSpec::from);
        let kept = |key: &str| saved.as_ref().filter(|_| !form.given.contains(&key));

        let cidr = match existing {
            Some(subnet) => {
                if let Some(given) = &form.cidr
                    && Cidr::parse(given).ok() != Some(subnet.cidr)
                {
                    errors.add("cidr", format!(
                        "The CIDR of an existing subnet cannot change (it is {}); add a new subnet instead.",
                        subnet.cidr
                    ));
                }
                Some(subnet.cidr)
            }
            None => match text(&form.cidr) {
                Some(given) => errors.check("cidr", Cidr::parse(&given)),
                None => {
                    if !errors.has("cidr") {
                        errors.add(
                            "cidr",
                            "Enter the subnet in CIDR form, e.g. 192.0.2.0/24 or 2001:db8::/48.",
                        );
                    }
                    None
                }
            },
        };

        let name = errors.name(
            kept("name").map(|saved| saved.name.as_str()),
            form.name.as_deref(),
            "subnet",
            "Frankfurt VPS",
        );

        let parent_id = match existing {
            Some(subnet) => subnet.parent_id,
            None => errors
                .within(
                    "parent_id",
                    form.parent_id,
                    0,
                    i64::MAX,
                    "The parent subnet",
                )
                .filter(|id| *id > 0)
                .map(|id| id as u64),
        };
        let vlan = match kept("vlan") {
            Some(saved) => saved.vlan,
            None => errors
                .within("vlan", form.vlan, 1, 4094, "The VLAN")
                .map(|v| v as u16),
        };
        let description = match kept("description") {
            Some(saved) => saved.description.clone(),
            None => form.description.clone().unwrap_or_default(),
        };

        let defaults = existing.map(|s| s.rules.clone()).unwrap_or_default();
        let mut count = |key: &'static str, value: Option<i64>, default: u32, what: &str| {
            errors
                .within(key, value, 0, MAX_RULE_COUNT, what)
                .map_or(default, |n| n as u32)
        };
        let first = count(
            "reserve_first",
            form.reserve_first,
            defaults.first,
            "\"Reserve first N addresses\"",
        );
        let last = count(
            "reserve_last",
            form.reserve_last,
            defaults.last,
            "\"Reserve last N addresses\"",
        );
        let rules = ReservationRules {
            network: form.reserve_network.unwrap_or(defaults.network),
            broadcast: form.reserve_broadcast.unwrap_or(defaults.broadcast),
            gateway: form.reserve_gateway.unwrap_or(defaults.gateway),
            anycast: form.reserve_anycast.unwrap_or(defaults.anycast),
            first,
            last,
        };

        let Some(cidr) = cidr else {
            return Err(errors);
        };

        let stored = match existing {
            Some(subnet) => {
                if let Some(Some(wanted)) = form.store_free_ips
                    && wanted != subnet.stored
                {
                    errors.add("store_free_ips", "Storage cannot change after the subnet was created; add a new subnet instead.");
                }
                subnet.stored
            }
            None => storage_choice(&cidr, form.store_free_ips.flatten())
                .map_err(|e| errors.add("store_free_ips", e.to_string()))
                .unwrap_or(false),
        };

        let gateway = match kept("gateway") {
            Some(saved) => saved.gateway,
            None => {
                text(&form.gateway).and_then(|g| errors.check("gateway", check_gateway(&cidr, &g)))
            }
        };
        let mut ranges = |key: &'static str, value: &Option<String>, what: &str| match value {
            Some(list) => errors
                .check(key, AddrRange::parse_list(list, &cidr, what))
                .unwrap_or_default(),
            None => Vec::new(),
        };
        let excluded = match kept("excluded") {
            Some(saved) => saved.excluded.clone(),
            None => ranges("excluded", &form.excluded, "Excluded address"),
        };
        let reserved = match kept("reserved") {
            Some(saved) => saved.reserved.clone(),
            None => ranges("reserved", &form.reserved, "Reserved address"),
        };

        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(SubnetSpec {
            name,
            cidr,
            parent_id,
            gateway,
            vlan,
            description,
            stored,
            rules,
            reserved,
            excluded,
        })
    }
}

/// Stored is the default for IPv4 up to a /16; sparse for larger IPv4 and all IPv6.
pub fn storage_choice(cidr: &Cidr, wanted: Option<bool>) -> Result<bool> {
    let fits =
        cidr.family() == Family::V4 && cidr.size().is_some_and(|n| n <= MAX_STORED_ADDRESSES);
    match wanted {
        None => Ok(fits),
        Some(false) => Ok(false),
        Some(true) if fits => Ok(true),
        Some(true) if cidr.family() == Family::V6 => Err(Error::invalid(format!(
            "\"Store free IPs\" is for IPv4 only: {cidr} would need more rows than any database holds. Leave it unticked (sparse): only reserved and assigned addresses get rows, and allocation works the same."
        ))),
        Some(true) => Err(Error::invalid(format!(
            "\"Store free IPs\" pre-generates at most {MAX_STORED_ADDRESSES} addresses (a /16); {cidr} has {}. Leave it unticked (sparse): only reserved and assigned addresses get rows, and allocation works the same.",
            cidr.size().unwrap_or(u128::MAX)
        ))),
    }
}

fn check_gateway(cidr: &Cidr, text: &str) -> Result<Addr> {
    let gw = Addr::parse(text, "Gateway")?;
    if !cidr.contains(gw) {
        return Err(Error::invalid(format!(
            "Gateway {gw} is outside the subnet {cidr}."
        )));
    }
    if cidr.family() == Family::V4 && cidr.prefix_len() <= 30 {
        if gw == cidr.network() {
            return Err(Error::invalid(format!(
                "Gateway {gw} is the network address of {cidr}; use a host address."
            )));
        }
        if gw == cidr.last() {
            return Err(Error::invalid(format!(
                "Gateway {gw} is the broadcast address of {cidr}; use a host address."
            )));
        }
    }
    Ok(gw)
}

fn join(ranges: &[AddrRange]) -> String {
    ranges
        .iter()
        .map(|r| r.to_string())
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::php::requests::FromPhp;
    use serde_json::{Value, json};

    /// The form as the natives read it.
    fn form(value: Value) -> SubnetForm {
        SubnetForm::from_php(&value).unwrap()
    }

    fn errors_of(value: Value) -> Vec<(&'static str, String)> {
        match SubnetSpec::from_form(&form(value), None) {
            Ok(spec) => panic!("accepted {spec:?}"),
            Err(e) => e.0.into_iter().map(|f| (f.field, f.message)).collect(),
        }
    }

    #[test]
    fn a_full_ipv4_form_is_read_and_stored_by_default() {
        let spec = SubnetSpec::from_form(
            &form(
                json!({"cidr": "95.90.94.0/24", "name": " DE-FRE1 ", "gateway": "95.90.94.1",
                    "excluded": "95.90.94.200-95.90.94.210", "vlan": "100", "reserve_first": "2"}),
            ),
            None,
        )
        .unwrap();
        assert_eq!(spec.name, "DE-FRE1");
        assert!(spec.stored);
        assert_eq!(spec.vlan, Some(100));
        assert_eq!(spec.excluded_text(), "95.90.94.200-95.90.94.210");
        assert_eq!(spec.rules.first, 2);
    }

    #[test]
    fn sparse_is_the_default_for_ipv6_and_large_ipv4() {
        let v6 = SubnetSpec::from_form(&form(json!({"cidr": "2001:db8::/48", "name": "v6"})), None)
            .unwrap();
        assert!(!v6.stored);
        let big = SubnetSpec::from_form(&form(json!({"cidr": "10.0.0.0/15", "name": "big"})), None)
            .unwrap();
        assert!(!big.stored);
        let errs = errors_of(json!({"cidr": "10.0.0.0/15", "name": "big", "store_free_ips": "on"}));
        assert_eq!(errs[0].0, "store_free_ips");
        assert!(
            errs[0].1.contains("at most 65536") && errs[0].1.contains("sparse"),
            "{errs:?}"
        );
    }

    #[test]
    fn each_bad_field_is_reported_next_to_itself() {
        let errs = errors_of(
            json!({"cidr": "10.0.0.0/24", "name": "", "gateway": "10.0.1.1",
                                    "excluded": "10.0.0.9-10.0.0.2", "vlan": "5000"}),
        );
        let fields: Vec<&str> = errs.iter().map(|e| e.0).collect();
        assert_eq!(fields, ["name", "vlan", "gateway", "excluded"], "{errs:?}");
        assert!(errs[2].1.contains("outside the subnet 10.0.0.0/24"));
    }

    #[test]
    fn gateway_cannot_be_network_or_broadcast() {
        let errs = errors_of(json!({"cidr": "10.0.0.0/24", "name": "n", "gateway": "10.0.0.255"}));
        assert!(errs[0].1.contains("broadcast address"), "{errs:?}");
        let errs = errors_of(json!({"cidr": "10.0.0.0/24", "name": "n", "gateway": "10.0.0.0"}));
        assert!(errs[0].1.contains("network address"), "{errs:?}");
    }

    #[test]
    fn host_bits_are_reported_on_the_cidr_field() {
        let errs = errors_of(json!({"cidr": "10.0.0.7/24", "name": "n"}));
        assert_eq!(
            errs,
            [(
                "cidr",
                "10.0.0.7/24 has host bits set; did you mean 10.0.0.0/24?".to_string()
            )]
        );
    }
}
