//! What every taken unit leaves behind besides its row: one log row each, the subnet's
//! and pool's counters and the NetBox change (when NetBox mirrors changes), as statements
//! that travel with the commit packet.

use crate::audit;
use crate::ipam::model::Subnet;
use crate::net::{Amount, Cidr};
use crate::store::Tx;
use crate::store::script::{Script, literal};
use serde_json::json;

/// Logs the units a service was given (naming the row that holds each) and adds them to
/// the counters. `source` ends the log message, e.g. `from pool "VPS"` or `by hand`.
pub fn taken(
    tx: &mut Tx<'_>,
    subnet: &Subnet,
    pool_id: Option<u64>,
    service_id: u32,
    taken: &[Cidr],
    source: &str,
) {
    let entries: Vec<(Vec<u8>, serde_json::Value, String)> = taken
        .iter()
        .map(|cidr| {
            let shown = cidr.unit_text();
            (
                cidr.network().to_bytes(),
                json!({"address": shown, "service_id": service_id, "pool_id": pool_id, "subnet_id": subnet.id}),
                format!("{shown} assigned to service #{service_id} {source}."),
            )
        })
        .collect();
    let mut script = audit::units_script("address.assign", subnet.id, &entries);
    script.append(counters(subnet.id, pool_id, taken));
    let keys: Vec<String> = taken.iter().map(Cidr::unit_text).collect();
    script.append(crate::netbox::mirror::enqueue_script(service_id, &keys));
    script.append(crate::dns::mirror::enqueue_script(
        subnet.id, service_id, &keys,
    ));
    tx.defer(script);
}

/// Adds the taken units to the subnet's address count and the pool's unit count.
fn counters(subnet_id: u64, pool_id: Option<u64>, taken: &[Cidr]) -> Script {
    let addresses = taken
        .iter()
        .map(|c| Amount::of_size(c.size()))
        .fold(Amount::ZERO, Amount::saturating_add);
    let added = format!("CAST({} AS DECIMAL(39,0))", literal(addresses.to_string()));
    let mut out = Script::default();
    out.push(match pool_id {
        Some(pool) => format!(
            "UPDATE mod_ipmanager_subnets s JOIN mod_ipmanager_pools p ON p.id = {} \
             SET s.assigned_count = s.assigned_count + {added}, p.assigned_count = p.assigned_count + {} \
             WHERE s.id = {}",
            literal(pool),
            literal(taken.len() as u64),
            literal(subnet_id)
        ),
        None => format!(
            "UPDATE mod_ipmanager_subnets SET assigned_count = assigned_count + {added} WHERE id = {}",
            literal(subnet_id)
        ),
    });
    out
}
