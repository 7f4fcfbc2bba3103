//! AfterModuleCreate: tell the panel about the service's IPs through the provider seam.

use super::params::ModuleParams;
use crate::audit;
use crate::error::Result;
use crate::providers::{IpChange, Providers};
use crate::store::{Db, RetryPolicy};
use mysql::params;
use mysql::prelude::Queryable;
use serde::Serialize;
use serde_json::json;

#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct AfterCreate {
    /// The integration that was told, if one is enabled for the module.
    pub integration: Option<String>,
    pub addresses: Vec<String>,
    /// What the panel answered when it refused (the create itself already succeeded).
    pub error: Option<String>,
}

pub fn after_module_create(
    db: &Db,
    params: &ModuleParams,
    providers: &dyn Providers,
) -> Result<AfterCreate> {
    let service_id = params.service_id;
    let module = params.module.clone();
    let addresses = held_addresses(db, service_id)?;
    let Some(provider) = providers.for_module(&module) else {
        return Ok(AfterCreate {
            integration: None,
            addresses,
            error: None,
        });
    };
    if addresses.is_empty() {
        return Ok(AfterCreate {
            integration: Some(provider.name().to_string()),
            addresses,
            error: None,
        });
    }
    let change = IpChange {
        module: module.clone(),
        service_id,
        username: params.username.clone(),
        domain: params.domain.clone(),
        server: params.server.clone(),
        addresses: addresses.clone(),
    };
    let outcome = provider.add_ips(&change);
    let error = outcome.err().map(|e| e.to_string());
    let message = match &error {
        None => format!(
            "{} told to add {} to service #{service_id}.",
            provider.name(),
            addresses.join(", ")
        ),
        Some(e) => format!(
            "{} refused to add {} to service #{service_id}: {e}",
            provider.name(),
            addresses.join(", ")
        ),
    };
    db.transaction(RetryPolicy::Transient, |tx| {
        audit::record(
            tx,
            "provider.add",
            ("service", u64::from(service_id)),
            None,
            Some(&json!({"addresses": addresses, "error": error})),
            &message,
        )
    })?;
    Ok(AfterCreate {
        integration: Some(provider.name().to_string()),
        addresses,
        error,
    })
}

fn held_addresses(db: &Db, service_id: u32) -> Result<Vec<String>> {
    db.run(RetryPolicy::Transient, |conn| {
        let rows: Vec<(Vec<u8>, u8)> = conn.exec(
            "SELECT address, prefix_len FROM mod_ipmanager_addresses WHERE service_id = :s AND state = 'assigned' \
             ORDER BY LENGTH(address), address",
            params! {"s" => service_id},
        )?;
        rows.into_iter()
            .map(|(bytes, len)| {
                let addr = crate::net::Addr::from_bytes(&bytes)?;
                crate::ipam::allocator::unit_text(addr, len)
            })
            .collect::<Result<Vec<_>>>()
            .map_err(Into::into)
    })
}
