//! What subnet and pool functions return to PHP.

use super::model::{Pool, Subnet};
use super::utilization::{self, Utilization};
use crate::net::{Cidr, ReservationRules};
use crate::store::Outcome;
use mysql::params;
use mysql::prelude::Queryable;
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Debug, Serialize)]
pub struct BlockView {
    pub range: String,
    pub reason: &'static str,
}

#[derive(Debug, Serialize)]
pub struct SubnetView {
    pub id: u64,
    pub name: String,
    pub cidr: String,
    pub family: u8,
    pub prefix_len: u8,
    pub parent_id: Option<u64>,
    /// Nesting level in the subnet tree (0 for top-level subnets).
    pub depth: usize,
    pub gateway: Option<String>,
    pub vlan: Option<u16>,
    pub description: String,
    pub stored: bool,
    pub rules: ReservationRules,
    pub reserved: String,
    pub excluded: String,
    pub blocked: Vec<BlockView>,
    pub pool_count: u64,
    pub utilization: Utilization,
    /// The edit form's fields as the form posts them, to fill it in.
    pub form: BTreeMap<&'static str, String>,
}

pub fn subnet(q: &mut impl Queryable, s: &Subnet, depth: usize) -> Outcome<SubnetView> {
    let blocked = s
        .rule_blocked()
        .into_iter()
        .map(|(r, why)| BlockView {
            range: r.to_string(),
            reason: why.as_str(),
        })
        .collect();
    let pools: Option<u64> = q.exec_first(
        "SELECT COUNT(*) FROM mod_ipmanager_pools WHERE subnet_id = :id",
        params! {"id" => s.id},
    )?;
    Ok(SubnetView {
        id: s.id,
        name: s.name.clone(),
        cidr: s.cidr.to_string(),
        family: s.family().number(),
        prefix_len: s.cidr.prefix_len(),
        parent_id: s.parent_id,
        depth,
        gateway: s.gateway.map(|g| g.to_string()),
        vlan: s.vlan,
        description: s.description.clone(),
        stored: s.stored,
        rules: s.rules.clone(),
        reserved: s.reserved_text.clone(),
        excluded: s.excluded_text.clone(),
        blocked,
        pool_count: pools.unwrap_or(0),
        utilization: utilization::of_subnet(q, s)?,
        form: subnet_form(s),
    })
}

/// A tick box as a form posts it.
fn tick(on: bool) -> String {
    if on { "1" } else { "0" }.to_string()
}

fn subnet_form(s: &Subnet) -> BTreeMap<&'static str, String> {
    BTreeMap::from([
        ("name", s.name.clone()),
        (
            "gateway",
            s.gateway.map(|g| g.to_string()).unwrap_or_default(),
        ),
        ("excluded", s.excluded_text.clone()),
        ("reserved", s.reserved_text.clone()),
        ("vlan", s.vlan.map(|v| v.to_string()).unwrap_or_default()),
        ("description", s.description.clone()),
        ("reserve_network", tick(s.rules.network)),
        ("reserve_broadcast", tick(s.rules.broadcast)),
        ("reserve_gateway", tick(s.rules.gateway)),
        ("reserve_anycast", tick(s.rules.anycast)),
        ("reserve_first", s.rules.first.to_string()),
        ("reserve_last", s.rules.last.to_string()),
    ])
}

/// Depth of each subnet in a list ordered parents-first (family, network, prefix length).
pub fn depths(subnets: &[Subnet]) -> Vec<usize> {
    let mut out = Vec::with_capacity(subnets.len());
    for (i, s) in subnets.iter().enumerate() {
        let depth = s
            .parent_id
            .and_then(|p| subnets[..i].iter().position(|x| x.id == p))
            .map_or(0, |pos| out[pos] + 1);
        out.push(depth);
    }
    out
}

#[derive(Debug, Serialize)]
pub struct PoolView {
    pub id: u64,
    pub subnet_id: u64,
    pub subnet_cidr: String,
    pub subnet_name: String,
    pub name: String,
    pub range: String,
    /// The pool's range as a CIDR when it is exactly one.
    pub cidr: Option<String>,
    pub prefix_len: u8,
    pub hands_out: String,
    pub description: String,
    pub utilization: Utilization,
    /// The edit form's fields as the form posts them, to fill it in.
    pub form: BTreeMap<&'static str, String>,
}

pub fn pool(q: &mut impl Queryable, subnet: &Subnet, p: &Pool) -> Outcome<PoolView> {
    let as_cidr = (0..=p.family().bits())
        .filter_map(|len| Cidr::containing(p.range.first(), len).ok())
        .find(|c| c.range() == p.range)
        .map(|c| c.to_string());
    let form = BTreeMap::from([
        ("name", p.name.clone()),
        ("description", p.description.clone()),
        (
            "range",
            match as_cidr {
                Some(_) => String::new(),
                None => format!("{}-{}", p.range.first(), p.range.last()),
            },
        ),
        ("cidr", as_cidr.clone().unwrap_or_default()),
        (
            "prefix_len",
            if p.hands_out_prefixes() {
                p.unit_prefix_len.to_string()
            } else {
                String::new()
            },
        ),
    ]);
    Ok(PoolView {
        id: p.id,
        subnet_id: subnet.id,
        subnet_cidr: subnet.cidr.to_string(),
        subnet_name: subnet.name.clone(),
        name: p.name.clone(),
        range: format!("{}-{}", p.range.first(), p.range.last()),
        cidr: as_cidr,
        prefix_len: p.unit_prefix_len,
        hands_out: if p.hands_out_prefixes() {
            format!("/{} prefixes", p.unit_prefix_len)
        } else {
            "single addresses".into()
        },
        description: p.description.clone(),
        utilization: utilization::of_pool(q, subnet, p)?,
        form,
    })
}
