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

use crate::ipam::allocator::Target;
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

pub fn plan(
    facts: &ServiceFacts,
    configurations: &[Configuration],
    relations: &[Relation],
) -> Plan {
    let mut draws: BTreeMap<Target, u32> = BTreeMap::new();
    let mut order: Vec<Target> = Vec::new();
    let mut add = |target: Target, n: u32, order: &mut Vec<Target>| {
        if n == 0 {
            return;
        }
        if !order.contains(&target) {
            order.push(target);
        }
        *draws.entry(target).or_insert(0) += n;
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
                add(rel.target, count, &mut order);
                primary = primary.or(Some(rel.target));
            }
        }
    }
    for rel in relations {
        let n = match rel.kind {
            TargetKind::Addon => {
                rel.extra_count
                    * facts
                        .addon_ids
                        .iter()
                        .filter(|a| **a == rel.target_id)
                        .count() as u32
            }
            TargetKind::ConfigOption => facts
                .config_options
                .iter()
                .filter(|(config_id, _, _)| *config_id == rel.target_id)
                .map(|(_, chosen, qty)| match rel.option_value_id {
                    Some(value) if value == *chosen => rel.extra_count,
                    Some(_) => 0,
                    None => rel.extra_count.saturating_mul(*qty),
                })
                .sum(),
            TargetKind::Product | TargetKind::Server => 0,
        };
        add(rel.target, n, &mut order);
    }
    let draws = order.into_iter().map(|t| (t, draws[&t])).collect();
    Plan {
        configuration: chosen,
        draws,
        primary,
    }
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
            plan(&facts(), &configs, &relations).draws,
            [(Target::Pool(101), 1)]
        );
        relations.push(product_only);
        assert_eq!(
            plan(&facts(), &configs, &relations).draws,
            [(Target::Pool(102), 1)]
        );
        relations.extend(both);
        let p = plan(&facts(), &configs, &relations);
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
        let p = plan(&facts(), &configs, &relations);
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
        let p = plan(&f, &configs, &relations);
        // base 1 + two addons x 2 + quantity 3 from pool 104; 4 from pool 105
        assert_eq!(p.draws, [(Target::Pool(104), 8), (Target::Pool(105), 4)]);
        let other_value = ServiceFacts {
            config_options: vec![(20, 202, 0)],
            ..facts()
        };
        assert_eq!(
            plan(&other_value, &configs, &relations).draws,
            [(Target::Pool(104), 1)]
        );
    }

    #[test]
    fn no_matching_relation_means_no_plan() {
        let configs = [config(1, 1, 0)];
        let relations = [rel(1, 1, TargetKind::Product, 99, 104, Family::V4)];
        assert!(plan(&facts(), &configs, &relations).is_empty());
    }
}
