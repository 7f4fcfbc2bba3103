//! Where a new subnet may go: inside its parent, overlapping nothing but its ancestors.

use super::field_errors::FieldErrors;
use super::model::{SUBNET_COLUMNS, Subnet};
use super::subnet_spec::SubnetSpec;
use crate::store::{Failure, Outcome};
use mysql::params;
use mysql::prelude::Queryable;

/// Adds field errors for a new subnet's placement; `Err` only for database failures.
pub fn check_placement(
    q: &mut impl Queryable,
    spec: &SubnetSpec,
    errors: &mut FieldErrors,
) -> Outcome<()> {
    let ancestors = match spec.parent_id {
        None => Vec::new(),
        Some(id) => match ancestors_of(q, id)? {
            None => {
                errors.add(
                    "parent_id",
                    format!("Parent subnet #{id} does not exist; pick one from the list."),
                );
                return Ok(());
            }
            Some(chain) => chain,
        },
    };
    if let Some(parent) = ancestors.first() {
        if parent.family() != spec.cidr.family() {
            errors.add(
                "parent_id",
                format!(
                    "{} cannot be inside {}: the address families differ.",
                    spec.cidr, parent.cidr
                ),
            );
            return Ok(());
        }
        if !(parent.cidr.contains_cidr(&spec.cidr)
            && parent.cidr.prefix_len() < spec.cidr.prefix_len())
        {
            errors.add(
                "parent_id",
                format!(
                    "{} is not inside the parent {} ({}).",
                    spec.cidr, parent.cidr, parent.name
                ),
            );
            return Ok(());
        }
    }
    for other in overlapping(q, spec)? {
        if ancestors.iter().any(|a| a.id == other.id) {
            continue;
        }
        let message = if other.cidr == spec.cidr {
            format!(
                "{} already exists as subnet \"{}\" (#{}).",
                spec.cidr, other.name, other.id
            )
        } else if other.cidr.contains_cidr(&spec.cidr) {
            format!(
                "{} lies inside {} (\"{}\"); choose it (or its child) as the parent.",
                spec.cidr, other.cidr, other.name
            )
        } else if spec.cidr.contains_cidr(&other.cidr) {
            format!(
                "{} would contain the existing subnet {} (\"{}\"); larger subnets must be added before the ones inside them.",
                spec.cidr, other.cidr, other.name
            )
        } else {
            format!(
                "{} overlaps {} (\"{}\").",
                spec.cidr, other.cidr, other.name
            )
        };
        errors.add("cidr", message);
        return Ok(());
    }
    Ok(())
}

/// The subnet `id` followed by its parent, grandparent, ...; `None` if `id` does not exist.
pub fn ancestors_of(q: &mut impl Queryable, id: u64) -> Outcome<Option<Vec<Subnet>>> {
    let mut chain: Vec<Subnet> = Vec::new();
    let mut next = Some(id);
    while let Some(current) = next {
        if chain.iter().any(|s| s.id == current) {
            break; // a cycle cannot be created through the API; never loop on damaged data
        }
        let row = q.exec_first(
            format!("SELECT {SUBNET_COLUMNS} FROM mod_ipmanager_subnets WHERE id = :id"),
            params! {"id" => current},
        )?;
        let Some(row) = row else {
            return Ok(if chain.is_empty() { None } else { Some(chain) });
        };
        let subnet = Subnet::from_row(row).map_err(Failure::Domain)?;
        next = subnet.parent_id;
        chain.push(subnet);
    }
    Ok(Some(chain))
}

fn overlapping(q: &mut impl Queryable, spec: &SubnetSpec) -> Outcome<Vec<Subnet>> {
    let rows: Vec<mysql::Row> = q.exec(
        format!(
            "SELECT {SUBNET_COLUMNS} FROM mod_ipmanager_subnets \
             WHERE family = :family AND network <= :last AND last_address >= :first ORDER BY prefix_len"
        ),
        params! {
            "family" => spec.cidr.family().number(),
            "first" => spec.cidr.network().to_bytes(),
            "last" => spec.cidr.last().to_bytes(),
        },
    )?;
    rows.into_iter()
        .map(|r| Subnet::from_row(r).map_err(Failure::Domain))
        .collect()
}
