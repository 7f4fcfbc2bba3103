//! PTRs set by hand: a client's for the addresses they hold (and single addresses inside an
//! IPv6 prefix they hold), an admin's for any assigned address, and "reset" of a whole
//! subnet back to the defaults. Every change is checked under the subnet's lock (the
//! address still held by the same service), logged, and goes to PowerDNS through the
//! outbox like an assignment's PTR.

use super::{mirror, names, settings};
use crate::audit;
use crate::error::{Error, Result};
use crate::ipam::{addresses, release};
use crate::net::Addr;
use crate::providers::outbox::Operation;
use crate::store::{Db, Failure, Outcome, RetryPolicy, Tx};
use mysql::params;
use mysql::prelude::Queryable;
use serde::{Deserialize, Serialize};

/// Most PTR changes one client makes in an hour.
pub const CLIENT_CHANGES_PER_HOUR: u64 = 30;

/// Who asks: a client (only their own services, rate-limited) or an admin.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Editor {
    Client(u32),
    Admin,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PtrSet {
    pub address: String,
    /// The hand-set name, or None when the default applies again.
    pub hostname: Option<String>,
    pub service_id: u32,
}

/// Sets (`Some`) or clears (`None`, back to the default) the PTR of `address`.
pub fn set(db: &Db, editor: Editor, address: &str, hostname: Option<&str>) -> Result<PtrSet> {
    let addr = Addr::parse(address.trim(), "Address")?;
    let hostname = hostname.map(names::hostname).transpose()?;
    let dns = settings::read(db)?;
    if !dns.enabled {
        return Err(Error::NotConfigured(
            "Reverse DNS is not offered at the moment; please contact support.".into(),
        ));
    }
    if let Editor::Client(client) = editor {
        rate_limit(db, client)?;
    }
    if let (Some(host), true) = (&hostname, dns.forward_confirm) {
        confirm_forward(host, addr)?;
    }
    let done = db.transaction(RetryPolicy::Transient, |tx| {
        let subnet_id = addresses::subnet_of(tx, addr)?.ok_or_else(|| not_yours(address))?;
        let managed: Option<u8> = tx.exec_first(
            "SELECT enabled FROM mod_ipmanager_dns_subnets WHERE subnet_id = :s",
            params! {"s" => subnet_id},
        )?;
        if managed != Some(1) {
            return Err(Error::Conflict(format!(
                "The reverse DNS of {addr} is not managed here; please contact support."
            ))
            .into());
        }
        release::lock_subnet(tx, subnet_id)?;
        let row = addresses::held_at(tx, subnet_id, addr)?
            .filter(|r| r.state == crate::ipam::model::State::Assigned)
            .ok_or_else(|| not_yours(address))?;
        let service_id = row.service_id.ok_or_else(|| not_yours(address))?;
        if let Editor::Client(client) = editor {
            let owner: Option<u32> = tx.exec_first(
                "SELECT userid FROM tblhosting WHERE id = :s",
                params! {"s" => service_id},
            )?;
            if owner != Some(client) {
                refused(tx, client, &addr)?;
                return Ok(None);
            }
        }
        match &hostname {
            Some(host) => tx.exec_drop(
                "INSERT INTO mod_ipmanager_ptrs (family, address, service_id, hostname, set_by, updated_at) \
                 VALUES (:f, :a, :s, :h, :by, UTC_TIMESTAMP()) ON DUPLICATE KEY UPDATE service_id = VALUES(service_id), \
                 hostname = VALUES(hostname), set_by = VALUES(set_by), updated_at = VALUES(updated_at)",
                params! {"f" => addr.family.number(), "a" => addr.to_bytes(), "s" => service_id, "h" => host,
                         "by" => who(editor)},
            )?,
            None => tx.exec_drop(
                "DELETE FROM mod_ipmanager_ptrs WHERE family = :f AND address = :a",
                params! {"f" => addr.family.number(), "a" => addr.to_bytes()},
            )?,
        }
        audit::record(
            tx,
            "dns.ptr",
            ("address", row.id),
            None,
            Some(&serde_json::json!({"address": addr.to_string(), "hostname": hostname, "service_id": service_id})),
            &match &hostname {
                Some(h) => format!("PTR of {addr} (service #{service_id}) set to {h} by {}.", who(editor)),
                None => format!("PTR of {addr} (service #{service_id}) set back to the default by {}.", who(editor)),
            },
        )?;
        mirror::enqueue(tx, Operation::Add, subnet_id, service_id, &[addr.to_string()])?;
        Ok(Some(PtrSet {
            address: addr.to_string(),
            hostname: hostname.clone(),
            service_id,
        }))
    })?;
    let Some(done) = done else {
        return Err(not_yours_error(address));
    };
    let deadline = Some(std::time::Instant::now() + crate::providers::configured::CALL_BUDGET);
    mirror::after_commit(db, done.service_id, deadline)?;
    Ok(done)
}

fn not_yours_error(address: &str) -> Error {
    Error::NotFound(format!(
        "{} is not an address of yours (or no longer assigned); nothing was changed.",
        address.trim()
    ))
}

fn not_yours(address: &str) -> Failure {
    Failure::Domain(not_yours_error(address))
}

fn who(editor: Editor) -> String {
    match editor {
        Editor::Client(id) => format!("client #{id}"),
        Editor::Admin => "an admin".into(),
    }
}

/// A client asked for an address that is not theirs: logged, nothing changed.
fn refused(tx: &mut Tx<'_>, client: u32, addr: &Addr) -> Outcome<()> {
    audit::record(
        tx,
        "client.refused",
        ("address", 0),
        None,
        Some(&serde_json::json!({"client_id": client, "address": addr.to_string()})),
        &format!(
            "Client #{client} asked to set the PTR of {addr}, which is not theirs; refused, nothing changed."
        ),
    )
}

fn rate_limit(db: &Db, client: u32) -> Result<()> {
    let recent: Option<u64> = db.run(RetryPolicy::Transient, |conn| {
        Ok(conn.exec_first(
            "SELECT COUNT(*) FROM mod_ipmanager_logs WHERE action = 'dns.ptr' AND actor_type = 'client' \
             AND actor_id = :c AND created_at > UTC_TIMESTAMP(3) - INTERVAL 1 HOUR",
            params! {"c" => client},
        )?)
    })?;
    if recent.unwrap_or(0) >= CLIENT_CHANGES_PER_HOUR {
        return Err(Error::Conflict(format!(
            "You changed reverse DNS {CLIENT_CHANGES_PER_HOUR} times in the last hour; please wait a while and try again."
        )));
    }
    Ok(())
}

/// The name must resolve to the address (forward-confirmed reverse DNS).
fn confirm_forward(hostname: &str, addr: Addr) -> Result<()> {
    use std::net::ToSocketAddrs;
    let name = hostname.trim_end_matches('.');
    let resolved: Vec<std::net::IpAddr> = (name, 0)
        .to_socket_addrs()
        .map(|it| it.map(|s| s.ip()).collect())
        .unwrap_or_default();
    if resolved.iter().any(|ip| ip.to_string() == addr.to_string()) {
        Ok(())
    } else {
        Err(Error::invalid(format!(
            "{name} does not resolve to {addr}; point its A/AAAA record at the address first (forward-confirmed reverse DNS)."
        )))
    }
}

/// Sets every assigned address of a subnet back to the defaults (hand-set names dropped),
/// in one change: PowerDNS gets one PATCH per zone.
/// When `row` is released: the names its holder set by hand inside it are forgotten (a
/// later holding starts from the default, even for the same service), and the addresses
/// whose PTRs must go are returned — each hand-set one, which for a prefix are the only
/// PTRs it has.
pub fn forget_released(tx: &mut Tx<'_>, row: &addresses::AddressRow) -> Outcome<Vec<String>> {
    let Some(service) = row.service_id else {
        return Ok(Vec::new());
    };
    let inside = params! {
        "f" => row.first.family.number(), "a" => row.first.to_bytes(), "b" => row.last.to_bytes(), "s" => service,
    };
    let by_hand: Vec<Vec<u8>> = tx.exec(
        "SELECT address FROM mod_ipmanager_ptrs WHERE family = :f AND address BETWEEN :a AND :b AND service_id = :s",
        inside.clone(),
    )?;
    if by_hand.is_empty() {
        return Ok(Vec::new());
    }
    tx.exec_drop(
        "DELETE FROM mod_ipmanager_ptrs WHERE family = :f AND address BETWEEN :a AND :b AND service_id = :s",
        inside,
    )?;
    by_hand
        .iter()
        .map(|bytes| Ok(Addr::from_bytes(bytes)?.to_string()))
        .collect::<Result<_>>()
        .map_err(Failure::Domain)
}

pub fn reset_subnet(db: &Db, subnet_id: u64) -> Result<u64> {
    let count = db.transaction(RetryPolicy::Transient, |tx| {
        let locked = release::lock_subnet(tx, subnet_id)?;
        let range = locked.subnet.cidr.range();
        let family = locked.subnet.family();
        tx.exec_drop(
            "DELETE FROM mod_ipmanager_ptrs WHERE family = :f AND address BETWEEN :a AND :b",
            params! {"f" => family.number(), "a" => range.first().to_bytes(), "b" => range.last().to_bytes()},
        )?;
        let held: Vec<Vec<u8>> = tx.exec(
            "SELECT address FROM mod_ipmanager_addresses WHERE subnet_id = :s AND state IN ('assigned', 'releasing') \
             AND prefix_len = :bits ORDER BY address",
            params! {"s" => subnet_id, "bits" => family.bits()},
        )?;
        let keys: Vec<String> = held
            .iter()
            .map(|b| Addr::from_bytes(b).map(|a| a.to_string()))
            .collect::<Result<_>>()
            .map_err(Failure::Domain)?;
        mirror::enqueue(tx, Operation::Add, subnet_id, 0, &keys)?;
        audit::record(
            tx,
            "dns.reset",
            ("subnet", subnet_id),
            None,
            Some(&serde_json::json!({"addresses": keys.len()})),
            &format!("PTRs of subnet {} reset to the defaults ({} addresses).", locked.subnet.cidr, keys.len()),
        )?;
        Ok(keys.len() as u64)
    })?;
    Ok(count)
}
