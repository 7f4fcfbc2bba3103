//! Which NetBox scope each subnet maps to: a site (the prefix's scope), a tenant and a VRF
//! (the prefix's and its addresses'), by NetBox's own ids. A subnet without a row is pushed
//! without them.

use crate::error::{Error, Result};
use crate::store::{Db, Outcome, RetryPolicy};
use mysql::params;
use mysql::prelude::Queryable;
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Scope {
    pub site_id: Option<u32>,
    pub tenant_id: Option<u32>,
    pub vrf_id: Option<u32>,
}

/// A row of the scopes table: subnet, site, tenant, VRF.
type ScopeRow = (u64, Option<u32>, Option<u32>, Option<u32>);

/// Every subnet's scope, by subnet id.
pub fn all(db: &Db) -> Result<BTreeMap<u64, Scope>> {
    db.run(RetryPolicy::Transient, all_in)
}

pub fn all_in(q: &mut impl Queryable) -> Outcome<BTreeMap<u64, Scope>> {
    let rows: Vec<ScopeRow> =
        q.query("SELECT subnet_id, site_id, tenant_id, vrf_id FROM mod_ipmanager_netbox_scopes")?;
    Ok(rows
        .into_iter()
        .map(|(id, site_id, tenant_id, vrf_id)| {
            (
                id,
                Scope {
                    site_id,
                    tenant_id,
                    vrf_id,
                },
            )
        })
        .collect())
}

/// A subnet with its scope, as the NetBox page lists them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SubnetScope {
    pub subnet_id: u64,
    pub name: String,
    pub cidr: String,
    #[serde(flatten)]
    pub scope: Scope,
}

/// Every subnet with its scope, in the subnets' order.
pub fn listed(db: &Db) -> Result<Vec<SubnetScope>> {
    let scopes = all(db)?;
    Ok(crate::ipam::subnets::list(db)?
        .into_iter()
        .map(|s| SubnetScope {
            subnet_id: s.id,
            scope: scopes.get(&s.id).copied().unwrap_or_default(),
            name: s.name,
            cidr: s.cidr.to_string(),
        })
        .collect())
}

/// Sets a subnet's scope (all None: no scope). An unknown subnet is refused.
pub fn save(db: &Db, subnet_id: u64, scope: Scope) -> Result<()> {
    if [scope.site_id, scope.tenant_id, scope.vrf_id].contains(&Some(0)) {
        return Err(Error::invalid(
            "NetBox ids are positive whole numbers; leave a field empty for none.",
        ));
    }
    db.transaction(RetryPolicy::Transient, |tx| {
        let name: Option<String> = tx.exec_first(
            "SELECT name FROM mod_ipmanager_subnets WHERE id = :id",
            params! {"id" => subnet_id},
        )?;
        let Some(name) = name else {
            return Err(Error::NotFound(format!("Subnet #{subnet_id} does not exist.")).into());
        };
        tx.exec_drop(
            "INSERT INTO mod_ipmanager_netbox_scopes (subnet_id, site_id, tenant_id, vrf_id) VALUES (:s, :site, :tenant, :vrf) \
             ON DUPLICATE KEY UPDATE site_id = VALUES(site_id), tenant_id = VALUES(tenant_id), vrf_id = VALUES(vrf_id)",
            params! {"s" => subnet_id, "site" => scope.site_id, "tenant" => scope.tenant_id, "vrf" => scope.vrf_id},
        )?;
        crate::audit::record(
            tx,
            "netbox.scope",
            ("subnet", subnet_id),
            None,
            Some(&serde_json::json!(scope)),
            &format!(
                "Subnet {name} maps to NetBox site {}, tenant {}, VRF {}.",
                shown(scope.site_id),
                shown(scope.tenant_id),
                shown(scope.vrf_id)
            ),
        )?;
        // Its objects move to the new scope (those left in another VRF are retired).
        let keys = super::mirror::subnet_keys(tx, subnet_id)?;
        super::mirror::enqueue(tx, crate::providers::outbox::Operation::Add, 0, &keys)
    })
}

fn shown(id: Option<u32>) -> String {
    id.map_or_else(|| "none".into(), |id| format!("#{id}"))
}
