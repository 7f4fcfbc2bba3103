//! PTRs kept in step through the outbox, like NetBox: the change that assigns or releases
//! an address in a subnet whose reverse zone IP Manager manages writes a `dns` row in its
//! own transaction (an `INSERT … SELECT` that is empty unless reverse DNS is on and the
//! subnet managed — in the allocator's commit packet, no extra round trip), delivered after
//! COMMIT, retried with backoff. A delivery sets each address's PTR to what IP Manager says
//! now — a PTR set by hand for the service holding it, else the default template — or, once
//! nobody holds it, deletes it (or sets the release template); repeats and order are
//! harmless, and it goes round again if the address changed while PowerDNS was being told.

use super::client::{PowerDns, PtrChange};
use super::names;
use super::settings::{self, DnsSettings};
use crate::error::{Error, Result};
use crate::ipam::model::Subnet;
use crate::net::Addr;
use crate::providers::outbox::{self, Delivered, Job, Operation};
use crate::store::script::{Script, literal};
use crate::store::{Db, Failure, Outcome, RetryPolicy, Tx};
use mysql::params;
use mysql::prelude::Queryable;
use serde_json::Value;
use std::collections::BTreeMap;
use std::time::Instant;

const ROUNDS: usize = 3;

const COLUMNS: &str = "INSERT INTO mod_ipmanager_outbox (target, operation, service_id, server_id, module, \
     addresses, next_attempt_at, created_at, updated_at)";

fn when_managed(subnet: &str) -> String {
    format!(
        "FROM DUAL WHERE EXISTS (SELECT 1 FROM mod_ipmanager_dns_settings WHERE setting = 'enabled' AND value = '1') \
         AND EXISTS (SELECT 1 FROM mod_ipmanager_dns_subnets WHERE subnet_id = {subnet} AND enabled = 1)"
    )
}

/// Single addresses only: a prefix unit's PTRs are the ones set inside it by hand.
fn addresses_only(keys: &[String]) -> Vec<String> {
    keys.iter().filter(|k| !k.contains('/')).cloned().collect()
}

/// The PTR change for the allocator's commit packet.
pub fn enqueue_script(subnet_id: u64, service_id: u32, keys: &[String]) -> Script {
    let mut script = Script::default();
    let keys = addresses_only(keys);
    if !keys.is_empty() {
        script.push(format!(
            "{COLUMNS} SELECT 'dns', 'add', {}, 0, 'dns', {}, UTC_TIMESTAMP(3), UTC_TIMESTAMP(3), UTC_TIMESTAMP(3) {}",
            literal(service_id),
            literal(Value::from(keys).to_string()),
            when_managed(&literal(subnet_id))
        ));
    }
    script
}

/// The PTR change in the caller's transaction.
pub fn enqueue(
    tx: &mut Tx<'_>,
    operation: Operation,
    subnet_id: u64,
    service_id: u32,
    keys: &[String],
) -> Outcome<()> {
    let keys = addresses_only(keys);
    if keys.is_empty() {
        return Ok(());
    }
    tx.exec_drop(
        format!(
            "{COLUMNS} SELECT 'dns', :op, :service, 0, 'dns', :keys, UTC_TIMESTAMP(3), UTC_TIMESTAMP(3), UTC_TIMESTAMP(3) {}",
            when_managed(":subnet")
        ),
        params! {
            "op" => match operation { Operation::Add => "add", Operation::Remove => "remove" },
            "service" => service_id, "keys" => Value::from(keys).to_string(), "subnet" => subnet_id,
        },
    )?;
    Ok(())
}

/// Writes, before a managed subnet is deleted, the removal of its PTRs — its single
/// addresses in `keys` and every PTR set by hand inside it — and forgets its hand-set
/// names and its reverse DNS choice. The delivery deletes them from the zone PowerDNS
/// holds them in (the subnet, and with it the zone IP Manager would work out, is gone).
pub fn forget_subnet(tx: &mut Tx<'_>, subnet: &Subnet, keys: &[String]) -> Outcome<()> {
    let (lo, hi) = (subnet.cidr.network(), subnet.cidr.last());
    let by_hand: Vec<Vec<u8>> = tx.exec(
        "SELECT DISTINCT address FROM mod_ipmanager_ptrs WHERE family = :f AND address BETWEEN :lo AND :hi",
        params! {"f" => lo.family.number(), "lo" => lo.to_bytes(), "hi" => hi.to_bytes()},
    )?;
    let mut gone: Vec<String> = addresses_only(keys);
    for bytes in by_hand {
        gone.push(
            Addr::from_bytes(&bytes)
                .map_err(Failure::Domain)?
                .to_string(),
        );
    }
    gone.sort();
    gone.dedup();
    enqueue(tx, Operation::Remove, subnet.id, 0, &gone)?;
    tx.exec_drop(
        "DELETE FROM mod_ipmanager_ptrs WHERE family = :f AND address BETWEEN :lo AND :hi",
        params! {"f" => lo.family.number(), "lo" => lo.to_bytes(), "hi" => hi.to_bytes()},
    )?;
    tx.exec_drop(
        "DELETE FROM mod_ipmanager_dns_subnets WHERE subnet_id = :s",
        params! {"s" => subnet.id},
    )?;
    Ok(())
}

/// Delivers one PTR change (the outbox holds the claim): Ok, or the error in words.
pub fn deliver(
    db: &Db,
    job: &Job,
    deadline: Option<Instant>,
) -> std::result::Result<Option<String>, String> {
    // A removal was written while its subnet was managed: an address no managed subnet
    // holds any more (the subnet was deleted) has its PTR deleted where PowerDNS keeps it.
    let outside = job.operation == Operation::Remove;
    converge(db, &job.addresses, outside, deadline)
        .map(|()| None)
        .map_err(|e| e.to_string())
}

fn client(settings: &DnsSettings, deadline: Option<Instant>) -> Result<PowerDns> {
    if !settings.enabled || settings.url.is_empty() || !settings.key_set {
        return Err(Error::NotConfigured(
            "Reverse DNS is turned off (Reverse DNS settings); turn it on to send this change, or close it with Force.".into(),
        ));
    }
    let options = crate::providers::http::HttpOptions {
        deadline,
        ..crate::providers::http::HttpOptions::default()
    };
    PowerDns::new(
        &settings.url,
        &settings.api_key,
        &settings.server_id,
        &options,
    )
}

fn converge(
    db: &Db,
    keys: &[String],
    delete_outside: bool,
    deadline: Option<Instant>,
) -> Result<()> {
    let settings = settings::read(db)?;
    let pdns = client(&settings, deadline)?;
    let read = || db.run(RetryPolicy::Transient, |conn| wanted(conn, keys, &settings));
    let mut want = read()?;
    for _ in 0..ROUNDS {
        let mut by_zone: BTreeMap<String, Vec<PtrChange>> = BTreeMap::new();
        for (zone, change) in &want.changes {
            by_zone
                .entry(zone.clone())
                .or_default()
                .push(change.clone());
        }
        for (zone, changes) in &by_zone {
            pdns.ensure_zone(zone, &settings.nameservers)?;
            pdns.patch(zone, changes, settings.ttl)?;
        }
        if delete_outside && !want.outside.is_empty() {
            let zones = pdns.zones()?;
            let mut gone: BTreeMap<String, Vec<PtrChange>> = BTreeMap::new();
            for addr in &want.outside {
                let name = names::ptr_name(*addr);
                if let Some(zone) = names::zone_holding(&name, &zones) {
                    gone.entry(zone).or_default().push(PtrChange {
                        name,
                        hostname: None,
                    });
                }
            }
            for (zone, changes) in &gone {
                pdns.patch(zone, changes, settings.ttl)?;
            }
        }
        let now = read()?;
        if now == want {
            return Ok(());
        }
        want = now;
    }
    Err(Error::Integration(format!(
        "IP Manager kept changing {} while PowerDNS was being told; the change will be sent again.",
        keys.join(", ")
    )))
}

/// A held row as the PTRs need it: first and last address, prefix length, service.
type HeldRange = (Vec<u8>, Vec<u8>, u8, Option<u32>);

/// What IP Manager wants of PowerDNS for some keys now.
#[derive(Debug, PartialEq, Eq)]
struct Wanted {
    /// Each key in a managed subnet: its zone and PTR.
    changes: Vec<(String, PtrChange)>,
    /// The keys no managed subnet holds.
    outside: Vec<Addr>,
}

/// Each key's zone and PTR as IP Manager wants it now (keys outside a managed subnet are
/// listed apart). Read a subnet at a time — the rows over the keys' range, the hand-set names
/// and the services' domains in one query each — so a subnet's reset of 65,536 addresses
/// costs a handful of queries, not a few per address.
fn wanted(q: &mut impl Queryable, keys: &[String], settings: &DnsSettings) -> Outcome<Wanted> {
    let all: Vec<crate::ipam::model::Subnet> = {
        let rows: Vec<mysql::Row> = q.query(format!(
            "SELECT {} FROM mod_ipmanager_subnets",
            crate::ipam::model::SUBNET_COLUMNS
        ))?;
        rows.into_iter()
            .map(|r| crate::ipam::model::Subnet::from_row(r).map_err(Failure::Domain))
            .collect::<Outcome<_>>()?
    };
    let managed: Vec<u64> =
        q.query("SELECT subnet_id FROM mod_ipmanager_dns_subnets WHERE enabled = 1")?;
    // Each key in the most specific subnet holding it, if that one is managed.
    let mut by_subnet: BTreeMap<u64, Vec<Addr>> = BTreeMap::new();
    let mut outside = Vec::new();
    for key in keys {
        let addr = Addr::parse(key, "Address").map_err(Failure::Domain)?;
        let holder = all
            .iter()
            .filter(|s| s.family() == addr.family && s.cidr.contains(addr))
            .max_by_key(|s| s.cidr.prefix_len());
        // A subnet with no zone of its own cannot be managed (refused since; a row from
        // before counts as unmanaged).
        match holder.filter(|h| managed.contains(&h.id) && names::zone_of(&h.cidr).is_ok()) {
            Some(h) => by_subnet.entry(h.id).or_default().push(addr),
            None => outside.push(addr),
        }
    }
    let mut out = Vec::new();
    for (subnet_id, mut addrs) in by_subnet {
        addrs.sort_by_key(|a| a.value);
        let Some(subnet) = all.iter().find(|s| s.id == subnet_id) else {
            continue;
        };
        let zone = names::zone_of(&subnet.cidr).map_err(Failure::Domain)?;
        let (lo, hi) = (addrs[0], addrs[addrs.len() - 1]);
        // Held rows reaching into the range (one may start below it: a prefix).
        let rows: Vec<HeldRange> = q.exec(
            "(SELECT address, last_address, prefix_len, service_id FROM mod_ipmanager_addresses WHERE subnet_id = :s \
               AND address < :lo AND state IN ('assigned', 'releasing') ORDER BY address DESC LIMIT 1) \
             UNION ALL (SELECT address, last_address, prefix_len, service_id FROM mod_ipmanager_addresses \
               WHERE subnet_id = :s AND address BETWEEN :lo AND :hi AND state IN ('assigned', 'releasing'))",
            params! {"s" => subnet_id, "lo" => lo.to_bytes(), "hi" => hi.to_bytes()},
        )?;
        let mut held: Vec<(u128, u128, u8, u32)> = Vec::with_capacity(rows.len());
        for (first, last, len, service) in rows {
            let (first, last) = (
                Addr::from_bytes(&first).map_err(Failure::Domain)?,
                Addr::from_bytes(&last).map_err(Failure::Domain)?,
            );
            if let Some(service) = service {
                held.push((first.value, last.value, len, service));
            }
        }
        held.sort_unstable();
        let custom: Vec<(Vec<u8>, u32, String)> = q.exec(
            "SELECT address, service_id, hostname FROM mod_ipmanager_ptrs WHERE family = :f AND address BETWEEN :lo AND :hi",
            params! {"f" => lo.family.number(), "lo" => lo.to_bytes(), "hi" => hi.to_bytes()},
        )?;
        let custom: BTreeMap<(u128, u32), String> = custom
            .into_iter()
            .map(|(a, s, h)| Ok(((Addr::from_bytes(&a)?.value, s), h)))
            .collect::<Result<_>>()
            .map_err(Failure::Domain)?;
        let mut services: Vec<u32> = held.iter().map(|h| h.3).collect();
        services.sort_unstable();
        services.dedup();
        let mut domains: BTreeMap<u32, String> = BTreeMap::new();
        for chunk in services.chunks(1000) {
            let rows: Vec<(u32, String)> = q.exec(
                format!(
                    "SELECT id, domain FROM tblhosting WHERE id IN ({})",
                    vec!["?"; chunk.len()].join(", ")
                ),
                chunk.to_vec(),
            )?;
            domains.extend(rows);
        }
        for addr in addrs {
            let at = held.partition_point(|h| h.0 <= addr.value);
            let holder = at
                .checked_sub(1)
                .map(|i| held[i])
                .filter(|h| h.1 >= addr.value);
            let hostname = match holder {
                Some((_, _, len, service)) => match custom.get(&(addr.value, service)) {
                    Some(host) => Some(host.clone()),
                    None if len == addr.family.bits() => names::from_template(
                        &settings.template,
                        addr,
                        domains.get(&service).map_or("", String::as_str),
                        service,
                    )
                    .ok(),
                    None => None,
                },
                None if !settings.release_template.is_empty() => {
                    names::from_template(&settings.release_template, addr, "", 0).ok()
                }
                None => None,
            };
            out.push((
                zone.clone(),
                PtrChange {
                    name: names::ptr_name(addr),
                    hostname,
                },
            ));
        }
    }
    Ok(Wanted {
        changes: out,
        outside,
    })
}

/// The PTR IP Manager keeps for each of `addresses` while reverse DNS is on — the name set
/// by hand, else the default — keyed by address; addresses outside a managed subnet, or
/// with no PTR, are left out (the Addresses page).
pub fn intended(q: &mut impl Queryable, addresses: &[String]) -> Outcome<BTreeMap<String, String>> {
    let settings = settings::read_in(q)?;
    if !settings.enabled || addresses.is_empty() {
        return Ok(BTreeMap::new());
    }
    let by_name: BTreeMap<String, String> = wanted(q, addresses, &settings)?
        .changes
        .into_iter()
        .filter_map(|(_, change)| change.hostname.map(|host| (change.name, host)))
        .collect();
    let mut out = BTreeMap::new();
    for text in addresses {
        let addr = Addr::parse(text, "Address").map_err(Failure::Domain)?;
        if let Some(host) = by_name.get(&names::ptr_name(addr)) {
            out.insert(text.clone(), host.trim_end_matches('.').to_string());
        }
    }
    Ok(out)
}

/// Sends the due PTR changes of `service_id` right after its change committed; failures
/// wait in the queue.
pub fn after_commit(db: &Db, service_id: u32, deadline: Option<Instant>) -> Result<Vec<Delivered>> {
    outbox::deliver_service_due(db, outbox::Target::Dns, service_id, deadline)
}
