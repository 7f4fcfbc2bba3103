//! The client area: a client's services with what IP Manager assigned to each, and giving
//! an address back. Everything is scoped to the session's client on the server: another
//! client's service or address is refused exactly like one that does not exist, nothing
//! changes, and the attempt is logged.

use super::unassign::{self, Unassigned};
use crate::audit;
use crate::error::{Error, Result};
use crate::ipam::release::ReleaseMode;
use crate::providers::Integrations;
use crate::store::{Db, RetryPolicy};
use crate::whmcs::addon_settings;
use mysql::params;
use mysql::prelude::Queryable;
use serde::Serialize;
use std::collections::BTreeMap;

/// Addon setting: what a client may give back.
pub const CLIENT_UNASSIGN: &str = "client_unassign";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ClientUnassign {
    /// Clients cannot give addresses back.
    Nothing,
    /// Additional IPs only, never the service's main (dedicated) IP — the default.
    Additional,
    /// Any IP, the main one included (the service then loses its main address).
    Any,
}

impl ClientUnassign {
    pub fn from_settings(settings: &BTreeMap<String, String>) -> ClientUnassign {
        match settings.get(CLIENT_UNASSIGN).map(|s| s.trim()) {
            Some("none") => ClientUnassign::Nothing,
            Some("any") => ClientUnassign::Any,
            _ => ClientUnassign::Additional,
        }
    }

    fn allows(self, primary: bool) -> bool {
        match self {
            ClientUnassign::Nothing => false,
            ClientUnassign::Additional => !primary,
            ClientUnassign::Any => true,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClientAddress {
    /// The assignment (address row) id the client area acts on.
    pub id: u64,
    /// An address, or a prefix in CIDR form.
    pub address: String,
    pub prefix: bool,
    /// The service's main IP (WHMCS's dedicated IP).
    pub primary: bool,
    /// assigned, or releasing (being removed from the server).
    pub state: String,
    pub can_unassign: bool,
    /// Whether the client can set reverse DNS here (IP Manager manages the subnet's zone).
    pub reverse_dns: bool,
    /// The PTR the client set ('' for the default); for a prefix, see `ptrs`.
    pub ptr: String,
    /// Inside a prefix: the single addresses the client gave PTRs.
    pub ptrs: Vec<HandSetPtr>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HandSetPtr {
    pub address: String,
    pub hostname: String,
}

/// Where the client orders more IPs through WHMCS's own ordering.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OrderMore {
    /// WHMCS's page: the service's configurable-options upgrade, or the addons cart.
    pub url: String,
    /// The configurable option or product addon that adds IPs.
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClientService {
    pub id: u64,
    pub domain: String,
    pub product: String,
    pub status: String,
    pub addresses: Vec<ClientAddress>,
    /// For an active service whose product has a configurable option or addon related to
    /// a pool: where to order more.
    pub order_more: Vec<OrderMore>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClientView {
    pub policy: ClientUnassign,
    pub services: Vec<ClientService>,
}

fn checked_client(client_id: i64) -> Result<u32> {
    u32::try_from(client_id)
        .ok()
        .filter(|id| *id > 0)
        .ok_or_else(|| {
            Error::invalid(format!(
                "Client id must be a positive whole number, got {client_id}."
            ))
        })
}

/// An assignment as the client page reads it: row id, service, address, prefix length,
/// state, and whether its subnet's reverse DNS is managed.
type HeldRow = (u64, u64, Vec<u8>, u8, String, Option<u8>);

/// Services of the client, each with what IP Manager assigned to it (lowest first).
pub fn services(db: &Db, client_id: i64) -> Result<ClientView> {
    let client = checked_client(client_id)?;
    let policy = ClientUnassign::from_settings(&addon_settings::read(db)?);
    db.run(RetryPolicy::Transient, |conn| {
        let rows: Vec<(u64, String, Option<String>, String, String)> = conn.exec(
            "SELECT h.id, h.domain, p.name, h.domainstatus, COALESCE(h.dedicatedip, '') FROM tblhosting h \
             LEFT JOIN tblproducts p ON p.id = h.packageid WHERE h.userid = :client ORDER BY h.id",
            params! {"client" => client},
        )?;
        let held: Vec<HeldRow> = conn.exec(
            "SELECT a.id, a.service_id, a.address, a.prefix_len, a.state, d.enabled FROM mod_ipmanager_addresses a \
             JOIN tblhosting h ON h.id = a.service_id LEFT JOIN mod_ipmanager_dns_subnets d ON d.subnet_id = a.subnet_id \
             WHERE h.userid = :client AND a.state IN ('assigned', 'releasing') ORDER BY a.service_id, LENGTH(a.address), a.address",
            params! {"client" => client},
        )?;
        let dns_on = crate::dns::settings::read_in(conn)?.enabled;
        let hand_set: Vec<(u64, Vec<u8>, String)> = conn.exec(
            "SELECT p.service_id, p.address, p.hostname FROM mod_ipmanager_ptrs p JOIN tblhosting h ON h.id = p.service_id \
             WHERE h.userid = :client ORDER BY p.address",
            params! {"client" => client},
        )?;
        let mut services = Vec::with_capacity(rows.len());
        for (id, domain, product, status, dedicated) in rows {
            let mut addresses = Vec::new();
            for (row_id, _, bytes, len, state, managed) in held.iter().filter(|h| h.1 == id) {
                let addr = crate::net::Addr::from_bytes(bytes)?;
                let cidr = crate::net::Cidr::containing(addr, *len)?;
                let address = cidr.unit_text();
                let primary = address == dedicated.trim();
                let mut ptr = String::new();
                let mut ptrs = Vec::new();
                for (_, at, host) in hand_set.iter().filter(|p| p.0 == id) {
                    let at = crate::net::Addr::from_bytes(at)?;
                    if at == addr && *len == addr.family.bits() {
                        ptr = host.trim_end_matches('.').to_string();
                    } else if *len < addr.family.bits() && at.family == addr.family && cidr.contains(at) {
                        ptrs.push(HandSetPtr { address: at.to_string(), hostname: host.trim_end_matches('.').to_string() });
                    }
                }
                addresses.push(ClientAddress {
                    id: *row_id,
                    prefix: address.contains('/'),
                    can_unassign: state == "assigned" && policy.allows(primary),
                    reverse_dns: dns_on && *managed == Some(1) && state == "assigned",
                    primary,
                    state: state.clone(),
                    address,
                    ptr,
                    ptrs,
                });
            }
            let order_more = if status == "Active" {
                order_more(conn, id)?
            } else {
                Vec::new()
            };
            services.push(ClientService {
                id,
                domain,
                product: product.unwrap_or_default(),
                status,
                addresses,
                order_more,
            });
        }
        Ok(ClientView { policy, services })
    })
}

/// The configurable options (a quantity upgrade of the service) and product addons of the
/// service's product that relations tie to a pool or subnet.
fn order_more(conn: &mut impl Queryable, service_id: u64) -> crate::store::Outcome<Vec<OrderMore>> {
    let options: Vec<String> = conn.exec(
        "SELECT DISTINCT o.optionname FROM mod_ipmanager_relations r JOIN tblproductconfigoptions o ON o.id = r.target_id \
         JOIN tblproductconfiglinks l ON l.gid = o.gid JOIN tblhosting h ON h.packageid = l.pid \
         WHERE r.target_type = 'configoption' AND h.id = :s ORDER BY o.optionname",
        params! {"s" => service_id},
    )?;
    let addons: Vec<String> = conn.exec(
        "SELECT DISTINCT a.name FROM mod_ipmanager_relations r JOIN tbladdons a ON a.id = r.target_id \
         JOIN tblhosting h ON FIND_IN_SET(h.packageid, a.packages) WHERE r.target_type = 'addon' AND h.id = :s \
         ORDER BY a.name",
        params! {"s" => service_id},
    )?;
    let upgrade = format!("upgrade.php?type=configoptions&id={service_id}");
    Ok(options
        .into_iter()
        .map(|name| OrderMore {
            url: upgrade.clone(),
            name: name.split('|').next().unwrap_or_default().to_string(),
        })
        .chain(addons.into_iter().map(|name| OrderMore {
            url: "cart.php?gid=addons".into(),
            name,
        }))
        .collect())
}

/// The client gives assignment `row_id` back: the same path as an admin's unassign (the
/// server's panel first through the outbox, quarantine, WHMCS's dedicated/assigned IPs
/// updated), if it is theirs and the setting allows it.
pub fn unassign(
    db: &Db,
    client_id: i64,
    row_id: u64,
    integrations: &Integrations<'_>,
) -> Result<Unassigned> {
    let client = checked_client(client_id)?;
    let settings = addon_settings::read(db)?;
    let policy = ClientUnassign::from_settings(&settings);
    let view = services(db, i64::from(client))?;
    let found = view
        .services
        .iter()
        .flat_map(|s| s.addresses.iter().map(move |a| (s, a)))
        .find(|(_, a)| a.id == row_id);
    let Some((service, address)) = found else {
        refused(db, client, row_id)?;
        return Err(Error::NotFound(format!(
            "Assignment #{row_id} does not exist any more, is not yours, or was already released."
        )));
    };
    if !policy.allows(address.primary) {
        return Err(Error::Conflict(match policy {
            ClientUnassign::Nothing => {
                "IP addresses cannot be given back here; please contact support.".to_string()
            }
            _ => format!(
                "{} is the main IP of {}; only additional IPs can be given back here. Please contact support to change it.",
                address.address, service.domain
            ),
        }));
    }
    let hours = crate::ipam::api::configured_quarantine_hours(db)?;
    let mode = if hours > 0 {
        ReleaseMode::Quarantine { hours }
    } else {
        ReleaseMode::Free
    };
    // Ownership, the holder and (below) the main-IP rule are checked again under the
    // subnet's lock: a change made since this read is refused, not overridden.
    unassign::unassign(
        db,
        unassign::Request {
            row_id,
            service_id: Some(service.id as u32),
            client_id: Some(client),
            orphan_only: false,
            stale_only: false,
            keep_primary: policy == ClientUnassign::Additional,
            mode,
        },
        integrations,
    )
}

/// A client asked for an assignment that is not theirs (or gone): logged, nothing changed.
fn refused(db: &Db, client: u32, row_id: u64) -> Result<()> {
    db.transaction(RetryPolicy::Transient, |tx| {
        audit::record(
            tx,
            "client.refused",
            ("address", row_id),
            None,
            Some(&serde_json::json!({"client_id": client, "row_id": row_id})),
            &format!(
                "Client #{client} asked to give back assignment #{row_id}, which is not theirs or no longer assigned; refused, nothing changed."
            ),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_setting_decides_what_a_client_may_give_back() {
        let with = |v: &str| BTreeMap::from([(CLIENT_UNASSIGN.to_string(), v.to_string())]);
        assert_eq!(
            ClientUnassign::from_settings(&BTreeMap::new()),
            ClientUnassign::Additional
        );
        assert_eq!(
            ClientUnassign::from_settings(&with("none")),
            ClientUnassign::Nothing
        );
        assert_eq!(
            ClientUnassign::from_settings(&with("any")),
            ClientUnassign::Any
        );
        assert_eq!(
            ClientUnassign::from_settings(&with("bogus")),
            ClientUnassign::Additional
        );
        assert!(!ClientUnassign::Nothing.allows(false));
        assert!(
            ClientUnassign::Additional.allows(false) && !ClientUnassign::Additional.allows(true)
        );
        assert!(ClientUnassign::Any.allows(true));
    }
}
