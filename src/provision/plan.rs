//! Which pools a service draws from, and how many units from each: pure rules over the
//! relations that match the service. Documented in README "Configurations and relations".
//!
//! Precedence for the base addresses: a configuration related to both the service's server
//! and its product, then one related to its product, then one related to its server (ties:
//! the lowest configuration id). Within the chosen configuration the server's relation is
//! preferred for a family (a node's own subnet), then the product's. The configuration says
//! how many IPv4 and IPv6 units a service gets. Extras add up on top, from every matching
//! relation: an addon relation adds `extra_count` per addon the service has; a configurable
//! option relation adds `extra_count` when the chosen option value matches, or `qty ×
//! extra_count` for a quantity option (no value set).

use crate::ipam::allocator::{MAX_COUNT, Target};
use crate::net::Family;
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Configuration {
    pub id: u64,
    pub name: String,
    pub omit_dedicated_ip: bool,
    pub custom_field: String,
    pub ipv4_count: u32,
    pub ipv6_count: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TargetKind {
    Product,
    Server,
    Addon,
    ConfigOption,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Relation {
    pub id: u64,
    pub configuration_id: u64,
    pub kind: TargetKind,
    pub target_id: u32,
    pub option_value_id: Option<u32>,
    pub extra_count: u32,
    pub target: Target,
    /// The family of the related pool or subnet.
    pub family: Family,
}

/// What WHMCS knows about the service being created.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ServiceFacts {
    pub service_id: u32,
    pub product_id: u32,
    pub server_id: u32,
    /// tbladdons.id of each addon the service has (Active or Pending), repeated per instance.
    pub addon_ids: Vec<u32>,
    /// (tblproductconfigoptions.id, chosen tblproductconfigoptionssub.id, qty)
    pub config_options: Vec<(u32, u32, u32)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    pub configuration: Option<Configuration>,
    /// Units per pool or subnet, in a stable order; the base target of each family first.
    pub draws: Vec<(Target, u32)>,
    /// The target that supplies the dedicated IP (the base IPv4, else the base IPv6).
    pub primary: Option<Target>,
}

impl Plan {
    pub fn is_empty(&self) -> bool {
        self.draws.is_empty()
    }
}

/// The draws for a service. Counts are added with checked arithmetic: a quantity option or
/// an addon count that would give one service more than `allocator::MAX_COUNT` units of one
/// pool (or overflow) is refused with the relation named, before anything is allocated.
pub fn plan(
    facts: &ServiceFacts,
    configurations: &[Configuration],
    relations: &[Relation],
) -> crate::Result<Plan> {
    let mut draws: BTreeMap<Target, u64> = BTreeMap::new();
    let mut order: Vec<Target> = Vec::new();
    let mut add = |target: Target, n: u64, why: &str, order: &mut Vec<Target>| {
        if n == 0 {
            return Ok(());
        }
        if !order.contains(&target) {
            order.push(target);
        }
        let total = draws.entry(target).or_insert(0);
        *total = total
            .checked_add(n)
            .filter(|t| *t <= u64::from(MAX_COUNT))
            .ok_or_else(|| too_many(facts.service_id, target, why))?;
        Ok(())
    };

    let chosen = choose_configuration(facts, configurations, relations);
    let mut primary = None;
    if let Some(config) = &chosen {
        for (family, count) in [
            (Family::V4, config.ipv4_count),
            (Family::V6, config.ipv6_count),
        ] {
            if count == 0 {
                continue;
            }
            let base = base_relation(facts, config.id, family, relations);
            if let Some(rel) = base {
                let why = format!("configuration \"{}\"", config.name);
                add(rel.target, u64::from(count), &why, &mut order)?;
                primary = primary.or(Some(rel.target));
            }
        }
    }
    for rel in relations {
        let why = format!("relation #{}", rel.id);
        let n: Option<u64> = match rel.kind {
            TargetKind::Addon => {
                let addons = facts
                    .addon_ids
                    .iter()
                    .filter(|a| **a == rel.target_id)
                    .count() as u64;
                u64::from(rel.extra_count).checked_mul(addons)
            }
            TargetKind::ConfigOption => facts
                .config_options
                .iter()
                .filter(|(config_id, _, _)| *config_id == rel.target_id)
                .map(|(_, chosen, qty)| match rel.option_value_id {
                    Some(value) if value == *chosen => Some(u64::from(rel.extra_count)),
                    Some(_) => Some(0),
                    None => u64::from(rel.extra_count).checked_mul(u64::from(*qty)),
                })
                .try_fold(0u64, |sum, n| sum.checked_add(n?)),
            TargetKind::Product | TargetKind::Server => Some(0),
        };
        let n = n.ok_or_else(|| too_many(facts.service_id, rel.target, &why))?;
        add(rel.target, n, &why, &mut order)?;
    }
    let draws = order.into_iter().map(|t| (t, draws[&t] as u32)).collect();
    Ok(Plan {
        configuration: chosen,
        draws,
        primary,
    })
}

fn too_many(service_id: u32, target: Target, why: &str) -> crate::Error {
    let from = match target {
        Target::Pool(id) => format!("pool #{id}"),
        Target::Subnet(id) => format!("subnet #{id}"),
    };
    crate::Error::invalid(format!(
        "Service #{service_id} would get more than {MAX_COUNT} units from {from} ({why} and the \
         service's addons or configurable option quantities add up to that). Nothing was assigned; \
         lower the quantity or the relation's extra count."
    ))
}

fn matches(facts: &ServiceFacts, rel: &Relation, kind: TargetKind) -> bool {
    rel.kind == kind
        && match kind {
            TargetKind::Product => rel.target_id == facts.product_id,
            TargetKind::Server => facts.server_id != 0 && rel.target_id == facts.server_id,
            _ => false,
        }
}

fn choose_configuration(
    facts: &ServiceFacts,
    configurations: &[Configuration],
    relations: &[Relation],
) -> Option<Configuration> {
    let rank = |config: &Configuration| {
        let mine = relations.iter().filter(|r| r.configuration_id == config.id);
        let product = mine.clone().any(|r| matches(facts, r, TargetKind::Product));
        let server = mine.clone().any(|r| matches(facts, r, TargetKind::Server));
        match (product, server) {
            (true, true) => Some(0),
            (true, false) => Some(1),
            (false, true) => Some(2),
            (false, false) => None,
        }
    };
    configurations
        .iter()
        .filter_map(|c| rank(c).map(|r| (r, c.id, c)))
        .min_by_key(|(r, id, _)| (*r, *id))
        .map(|(_, _, c)| c.clone())
}

fn base_relation<'a>(
    facts: &ServiceFacts,
    config_id: u64,
    family: Family,
    relations: &'a [Relation],
) -> Option<&'a Relation> {
    let of_config = |kind| {
        relations
            .iter()
            .filter(move |r| {
                r.configuration_id == config_id && r.family == family && matches(facts, r, kind)
            })
            .min_by_key(|r| r.id)
    };
    of_config(TargetKind::Server).or_else(|| of_config(TargetKind::Product))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(id: u64, v4: u32, v6: u32) -> Configuration {
        Configuration {
            id,
            name: format!("c{id}"),
            omit_dedicated_ip: false,
            custom_field: String::new(),
            ipv4_count: v4,
            ipv6_count: v6,
        }
    }

    fn rel(
        id: u64,
        config: u64,
        kind: TargetKind,
        target_id: u32,
        pool: u64,
        family: Family,
    ) -> Relation {
        Relation {
            id,
            configuration_id: config,
            kind,
            target_id,
            option_value_id: None,
            extra_count: 1,
            target: Target::Pool(pool),
            family,
        }
    }

    fn facts() -> ServiceFacts {
        ServiceFacts {
            service_id: 9,
            product_id: 5,
            server_id: 3,
            ..Default::default()
        }
    }

    #[test]
    fn server_and_product_beat_product_which_beats_server() {
        let configs = [config(1, 1, 0), config(2, 1, 0), config(3, 1, 0)];
        let server_only = rel(1, 1, TargetKind::Server, 3, 101, Family::V4);
        let product_only = rel(2, 2, TargetKind::Product, 5, 102, Family::V4);
        let both = [
            rel(3, 3, TargetKind::Product, 5, 103, Family::V4),
            rel(4, 3, TargetKind::Server, 3, 104, Family::V4),
        ];
        let mut relations = vec![server_only.clone()];
        assert_eq!(
            plan(&facts(), &configs, &relations).unwrap().draws,
            [(Target::Pool(101), 1)]
        );
        relations.push(product_only);
        assert_eq!(
            plan(&facts(), &configs, &relations).unwrap().draws,
            [(Target::Pool(102), 1)]
        );
        relations.extend(both);
        let p = plan(&facts(), &configs, &relations).unwrap();
        assert_eq!(p.configuration.unwrap().id, 3);
        assert_eq!(
            p.draws,
            [(Target::Pool(104), 1)],
            "the server's own pool within the configuration"
        );
    }

    #[test]
    fn each_family_gets_its_count_and_the_ipv4_base_is_primary() {
        let configs = [config(1, 1, 1)];
        let relations = [
            rel(1, 1, TargetKind::Product, 5, 106, Family::V6),
            rel(2, 1, TargetKind::Product, 5, 104, Family::V4),
        ];
        let p = plan(&facts(), &configs, &relations).unwrap();
        assert_eq!(p.draws, [(Target::Pool(104), 1), (Target::Pool(106), 1)]);
        assert_eq!(p.primary, Some(Target::Pool(104)));
    }

    #[test]
    fn addons_and_config_options_add_up() {
        let configs = [config(1, 1, 0)];
        let mut addon = rel(2, 1, TargetKind::Addon, 7, 104, Family::V4);
        addon.extra_count = 2;
        let mut dropdown = rel(3, 1, TargetKind::ConfigOption, 20, 105, Family::V4);
        dropdown.option_value_id = Some(201);
        dropdown.extra_count = 4;
        let quantity = rel(4, 1, TargetKind::ConfigOption, 21, 104, Family::V4);
        let relations = [
            rel(1, 1, TargetKind::Product, 5, 104, Family::V4),
            addon,
            dropdown,
            quantity,
        ];
        let f = ServiceFacts {
            addon_ids: vec![7, 7],
            config_options: vec![(20, 201, 0), (21, 0, 3)],
            ..facts()
        };
        let p = plan(&f, &configs, &relations).unwrap();
        // base 1 + two addons x 2 + quantity 3 from pool 104; 4 from pool 105
        assert_eq!(p.draws, [(Target::Pool(104), 8), (Target::Pool(105), 4)]);
        let other_value = ServiceFacts {
            config_options: vec![(20, 202, 0)],
            ..facts()
        };
        assert_eq!(
            plan(&other_value, &configs, &relations).unwrap().draws,
            [(Target::Pool(104), 1)]
        );
    }

    #[test]
    fn quantities_that_overflow_or_exceed_the_cap_are_refused() {
        let configs = [config(1, 1, 0)];
        let mut quantity = rel(2, 1, TargetKind::ConfigOption, 21, 104, Family::V4);
        quantity.extra_count = 64;
        let relations = [rel(1, 1, TargetKind::Product, 5, 104, Family::V4), quantity];
        for qty in [u32::MAX, 2_147_483_647, 1000, 4] {
            let f = ServiceFacts {
                config_options: vec![(21, 0, qty)],
                ..facts()
            };
            let err = plan(&f, &configs, &relations).unwrap_err().to_string();
            assert!(
                err.contains("more than 256 units from pool #104"),
                "{qty}: {err}"
            );
        }
        let ok = ServiceFacts {
            config_options: vec![(21, 0, 3)],
            ..facts()
        };
        assert_eq!(
            plan(&ok, &configs, &relations).unwrap().draws,
            [(Target::Pool(104), 193)]
        );
    }

    #[test]
    fn no_matching_relation_means_no_plan() {
        let configs = [config(1, 1, 0)];
        let relations = [rel(1, 1, TargetKind::Product, 99, 104, Family::V4)];
        assert!(plan(&facts(), &configs, &relations).unwrap().is_empty());
    }
}
