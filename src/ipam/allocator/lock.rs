//! The first read of an allocation: the subnet row locked, with its pool and child subnets.

use super::Target;
use crate::error::{Error, Result};
use crate::ipam::model::{Pool, Subnet, take};
use crate::store::{Failure, Outcome, Tx};
use mysql::prelude::Queryable;
use mysql::{Row, params};

pub struct Locked {
    pub subnet: Subnet,
    pub pool: Option<Pool>,
    /// Child subnets' ranges: space the subnet never hands out.
    pub children: Vec<(u128, u128)>,
}

/// Locks the subnet (and the pool) and reads both, with the child subnets, in one query.
/// Under READ COMMITTED every read after it sees what the previous lock holder committed.
pub fn target(tx: &mut Tx<'_>, target: Target) -> Outcome<Locked> {
    let (pool_id, subnet_id) = match target {
        Target::Pool(id) => (Some(id), None),
        Target::Subnet(id) => (None, Some(id)),
    };
    let row: Option<Row> = tx.exec_first(
        "SELECT s.id, s.name, s.family, s.network, s.prefix_len, s.parent_id, s.gateway, s.vlan, s.description, \
         s.stored, s.rules_json, s.reserved_text, s.excluded_text, CAST(s.assigned_count AS CHAR) AS assigned_count, \
         CAST(s.reserved_count AS CHAR) AS reserved_count, \
         p.id AS p_id, p.subnet_id AS p_subnet_id, p.name AS p_name, p.range_start AS p_range_start, \
         p.range_end AS p_range_end, p.unit_prefix_len AS p_unit_prefix_len, p.description AS p_description, \
         CAST(p.assigned_count AS CHAR) AS p_assigned_count, \
         (SELECT GROUP_CONCAT(HEX(c.network), '-', HEX(c.last_address)) FROM mod_ipmanager_subnets c \
          WHERE c.parent_id = s.id) AS children \
         FROM mod_ipmanager_subnets s LEFT JOIN mod_ipmanager_pools p ON p.id = :pool AND p.subnet_id = s.id \
         WHERE s.id = IF(:pool IS NULL, :subnet, (SELECT subnet_id FROM mod_ipmanager_pools WHERE id = :pool)) \
         FOR UPDATE",
        params! {"pool" => pool_id, "subnet" => subnet_id},
    )?;
    let Some(mut row) = row else {
        return Err(match target {
            Target::Pool(id) => Error::NotFound(format!(
                "Pool #{id} does not exist (it may have been deleted)."
            )),
            Target::Subnet(id) => Error::NotFound(format!(
                "Subnet #{id} does not exist (it may have been deleted)."
            )),
        }
        .into());
    };
    let subnet = Subnet::from_row_ref(&mut row).map_err(Failure::Domain)?;
    let pool = match pool_id {
        Some(_) => Some(Pool::from_row_prefixed(&mut row, "p_").map_err(Failure::Domain)?),
        None => None,
    };
    let children: Option<String> = take(&mut row, "children").map_err(Failure::Domain)?;
    let children = children
        .iter()
        .flat_map(|c| c.split(','))
        .map(parse_hex_range)
        .collect::<Result<Vec<_>>>()
        .map_err(Failure::Domain)?;
    Ok(Locked {
        subnet,
        pool,
        children,
    })
}

fn parse_hex_range(text: &str) -> Result<(u128, u128)> {
    let bad = || Error::Internal(format!("A child subnet range '{text}' could not be read."));
    let (a, b) = text.split_once('-').ok_or_else(bad)?;
    let a = u128::from_str_radix(a, 16).map_err(|_| bad())?;
    let b = u128::from_str_radix(b, 16).map_err(|_| bad())?;
    Ok((a, b))
}
