//! AfterModuleCreate: the service's IPs go to its panel through the outbox. One short
//! transaction reads what the service holds and writes the add; after COMMIT it is
//! delivered within the hook's bound. A panel that refuses or does not answer leaves the
//! add waiting in the outbox (retried by cron); the create itself has already succeeded.

use super::params::ModuleParams;
use crate::audit;
use crate::error::Result;
use crate::providers::Integrations;
use crate::providers::outbox::{self, Job, Operation};
use crate::store::{Db, Outcome, RetryPolicy};
use mysql::params;
use mysql::prelude::Queryable;
use serde::{Deserialize, Serialize};
use serde_json::json;

#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct AfterCreate {
    /// The integration that was told, if one is enabled for the module (and adds on create).
    pub integration: Option<String>,
    pub addresses: Vec<String>,
    /// Why the panel did not take them (the add waits in the outbox).
    pub error: Option<String>,
    /// The outbox row of the add.
    pub outbox_id: Option<u64>,
}

#[derive(Debug, Serialize, Deserialize)]
struct Queued {
    addresses: Vec<String>,
    job: Option<u64>,
}

pub fn after_module_create(
    db: &Db,
    params: &ModuleParams,
    integrations: &Integrations<'_>,
) -> Result<AfterCreate> {
    let report = tell_panel(db, params, integrations)?;
    // NetBox after the panel: the checkout's own server comes first within the bound.
    crate::netbox::mirror::after_commit(db, params.service_id, integrations.deadline)?;
    crate::dns::mirror::after_commit(db, params.service_id, integrations.deadline)?;
    Ok(report)
}

fn tell_panel(
    db: &Db,
    params: &ModuleParams,
    integrations: &Integrations<'_>,
) -> Result<AfterCreate> {
    let service_id = params.service_id;
    let module = params.module.clone();
    let told = integrations.panels.tells(&module, Operation::Add);
    let name = integrations
        .panels
        .for_module(&module)
        .filter(|_| told)
        .map(|p| p.name().to_string());
    let queued = db.transaction(RetryPolicy::Transient, |tx| {
        let addresses = held_addresses(tx, service_id)?;
        let job = if told && !addresses.is_empty() {
            Some(outbox::enqueue(
                tx,
                &Job {
                    target: outbox::Target::Panel,
                    operation: Operation::Add,
                    service_id,
                    server_id: params.server_id,
                    module: module.clone(),
                    username: params.username.clone(),
                    domain: params.domain.clone(),
                    addresses: addresses.clone(),
                    release: None,
                },
            )?)
        } else {
            None
        };
        Ok(Queued { addresses, job })
    })?;
    let Some(job_id) = queued.job else {
        return Ok(AfterCreate {
            integration: name,
            addresses: queued.addresses,
            error: None,
            outbox_id: None,
        });
    };
    let error = match outbox::deliver(
        db,
        job_id,
        &integrations.delivery(),
        &outbox::nothing_follows,
    )? {
        Some(delivered) => delivered.error,
        None => Some("an earlier change of this service is still waiting in the outbox".into()),
    };
    let panel = name.clone().unwrap_or_default();
    let addresses = queued.addresses;
    let message = match &error {
        None => format!(
            "{panel} told to add {} to service #{service_id}.",
            addresses.join(", ")
        ),
        Some(e) => format!(
            "{panel} did not take {} of service #{service_id} yet (retried from the outbox): {e}",
            addresses.join(", ")
        ),
    };
    db.transaction(RetryPolicy::Transient, |tx| {
        audit::record(
            tx,
            "provider.add",
            ("service", u64::from(service_id)),
            None,
            Some(&json!({"addresses": addresses, "error": error, "outbox_id": job_id})),
            &message,
        )
    })?;
    Ok(AfterCreate {
        integration: name,
        addresses,
        error,
        outbox_id: Some(job_id),
    })
}

fn held_addresses(q: &mut impl Queryable, service_id: u32) -> Outcome<Vec<String>> {
    let rows: Vec<(Vec<u8>, u8)> = q.exec(
        "SELECT address, prefix_len FROM mod_ipmanager_addresses WHERE service_id = :s AND state = 'assigned' \
         ORDER BY LENGTH(address), address",
        params! {"s" => service_id},
    )?;
    Ok(rows
        .into_iter()
        .map(|(bytes, len)| {
            let addr = crate::net::Addr::from_bytes(&bytes)?;
            crate::ipam::allocator::unit_text(addr, len)
        })
        .collect::<Result<Vec<_>>>()?)
}
