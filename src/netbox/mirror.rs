//! Each change mirrored to NetBox as it happens, through the outbox of the panel work: the
//! change that moves an address writes a NetBox row in its own transaction (only while
//! NetBox is on and set to mirror, decided by the same statement, so the allocator pays no
//! extra round trip), and the row is delivered after COMMIT, retried with backoff.
//!
//! A delivery does not replay what happened: it makes NetBox show what IP Manager holds at
//! the row's addresses *now* (the full push's diff, for those keys only). Repeating one is
//! harmless and their order does not matter. Two deliveries touching one address from
//! different services may interleave; each reads IP Manager again after writing and goes
//! round once more if it changed meanwhile, so the last write NetBox sees is current.

use super::client::NetBox;
use super::push::{self, Counts, Wanted};
use super::scopes::{self, Scope};
use super::settings::{self, NetBoxSettings};
use crate::error::{Error, Result};
use crate::ipam::model::{SUBNET_COLUMNS, Subnet};
use crate::net::Cidr;
use crate::providers::outbox::{self, Delivered, Job, Operation, Queued, Target};
use crate::store::script::{Script, literal};
use crate::store::{Db, Failure, Outcome, RetryPolicy, Tx};
use mysql::prelude::Queryable;
use mysql::{Row, params};
use parking_lot::Mutex;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::time::Instant;

/// Keys per NetBox read (each a query parameter of one GET).
const KEYS_PER_READ: usize = 50;
/// Changes sent together by the cron and "Send due changes now".
const CHANGES_PER_ROUND: usize = 50;
/// Rounds a delivery makes when IP Manager keeps changing the same addresses under it.
const ROUNDS: usize = 3;

/// The tail of the statement that writes a NetBox row: it selects one row only while NetBox
/// is on and mirrors each change.
const WHEN_MIRRORING: &str = "FROM DUAL WHERE EXISTS (SELECT 1 FROM mod_ipmanager_netbox_settings \
     WHERE setting = 'enabled' AND value = '1') AND NOT EXISTS (SELECT 1 FROM mod_ipmanager_netbox_settings \
     WHERE setting = 'push_on_assign' AND value = '0')";

const COLUMNS: &str = "INSERT INTO mod_ipmanager_outbox (target, operation, service_id, server_id, module, \
     addresses, next_attempt_at, created_at, updated_at)";

fn keys_json(keys: &[String]) -> String {
    Value::from(keys.to_vec()).to_string()
}

/// Writes a NetBox change for `keys` (addresses, prefix units and subnet CIDRs as IP
/// Manager shows them) in the caller's transaction, if NetBox mirrors changes.
pub fn enqueue(
    tx: &mut Tx<'_>,
    operation: Operation,
    service_id: u32,
    keys: &[String],
) -> Outcome<()> {
    if keys.is_empty() {
        return Ok(());
    }
    tx.exec_drop(
        format!(
            "{COLUMNS} SELECT 'netbox', :op, :service, 0, 'netbox', :keys, UTC_TIMESTAMP(3), UTC_TIMESTAMP(3), \
             UTC_TIMESTAMP(3) {WHEN_MIRRORING}"
        ),
        params! {"op" => operation_text(operation), "service" => service_id, "keys" => keys_json(keys)},
    )?;
    Ok(())
}

/// `enqueue` as a statement for the allocator's commit packet.
pub fn enqueue_script(service_id: u32, keys: &[String]) -> Script {
    let mut script = Script::default();
    if !keys.is_empty() {
        script.push(format!(
            "{COLUMNS} SELECT 'netbox', 'add', {}, 0, 'netbox', {}, UTC_TIMESTAMP(3), UTC_TIMESTAMP(3), \
             UTC_TIMESTAMP(3) {WHEN_MIRRORING}",
            literal(service_id),
            literal(keys_json(keys))
        ));
    }
    script
}

fn operation_text(operation: Operation) -> &'static str {
    match operation {
        Operation::Add => "add",
        Operation::Remove => "remove",
    }
}

/// The keys of a subnet: its CIDR and every unit assigned in it (for a subnet deleted, or
/// moved to another NetBox scope).
pub fn subnet_keys(q: &mut impl Queryable, subnet_id: u64) -> Outcome<Vec<String>> {
    let cidr: Option<Row> = q.exec_first(
        format!("SELECT {SUBNET_COLUMNS} FROM mod_ipmanager_subnets WHERE id = :id"),
        params! {"id" => subnet_id},
    )?;
    let Some(row) = cidr else {
        return Ok(Vec::new());
    };
    let subnet = Subnet::from_row(row).map_err(Failure::Domain)?;
    let mut keys = vec![subnet.cidr.to_string()];
    let units: Vec<(Vec<u8>, u8)> = q.exec(
        "SELECT address, prefix_len FROM mod_ipmanager_addresses WHERE subnet_id = :s \
         AND state IN ('assigned', 'releasing') ORDER BY address",
        params! {"s" => subnet_id},
    )?;
    for (address, len) in units {
        let addr = crate::net::Addr::from_bytes(&address).map_err(Failure::Domain)?;
        keys.push(crate::ipam::allocator::unit_text(addr, len).map_err(Failure::Domain)?);
    }
    Ok(keys)
}

/// Delivers one NetBox change (called by the outbox once it holds the claim): Ok with a
/// note naming objects made by hand that were left alone, or the error in words.
pub fn deliver(
    db: &Db,
    job: &Job,
    deadline: Option<Instant>,
) -> std::result::Result<Option<String>, String> {
    mirror(db, &job.addresses, deadline)
        .map(|conflicts| (!conflicts.is_empty()).then(|| conflicts.join(" ")))
        .map_err(|e| e.to_string())
}

/// Sends claimed-and-due changes `ids` together, `CHANGES_PER_ROUND` at a time: one
/// NetBox read and one bulk write per kind for all their keys instead of a round trip
/// each. A round that fails is recorded on each of its changes and ends the sending (the
/// rest would wait out the same timeout).
pub fn send(db: &Db, ids: &[u64], deadline: Option<Instant>) -> Result<Vec<Delivered>> {
    let mut out = Vec::new();
    for round in ids.chunks(CHANGES_PER_ROUND) {
        if deadline.is_some_and(|d| Instant::now() >= d) {
            break;
        }
        let mut claimed: Vec<Queued> = Vec::new();
        let mut held = Vec::new();
        for id in round {
            // A service's later changes ride in the same round as its earlier ones (else a
            // round would move each service by one change only).
            if let Some(queued) = outbox::claim_behind(db, *id, &held)? {
                held.push(queued.id);
                claimed.push(queued);
            }
        }
        let mut keys: Vec<String> = claimed
            .iter()
            .flat_map(|q| q.job.addresses.iter().cloned())
            .collect();
        keys.sort();
        keys.dedup();
        if keys.is_empty() {
            continue;
        }
        let outcome = mirror(db, &keys, deadline).map_err(|e| e.to_string());
        let failed = outcome.is_err();
        for queued in claimed {
            let asked = match &outcome {
                Ok(conflicts) => Ok(note_for(&queued.job.addresses, conflicts)),
                Err(e) => Err(e.clone()),
            };
            out.push(outbox::record_delivery(db, queued, asked)?);
        }
        if failed {
            break;
        }
    }
    Ok(out)
}

/// The conflicts that concern one change's keys (each names its object first).
fn note_for(keys: &[String], conflicts: &[String]) -> Option<String> {
    let mine: Vec<&str> = conflicts
        .iter()
        .filter(|c| keys.iter().any(|k| c.contains(&format!(" {k} "))))
        .map(String::as_str)
        .collect();
    (!mine.is_empty()).then(|| mine.join(" "))
}

/// Makes NetBox show IP Manager's state at `keys`: the conflicts met (objects made by hand,
/// left alone).
fn mirror(db: &Db, keys: &[String], deadline: Option<Instant>) -> Result<Vec<String>> {
    let outcome = mirror_unguarded(db, keys, deadline);
    if outcome.is_err() {
        forget_tag();
    }
    outcome
}

fn mirror_unguarded(db: &Db, keys: &[String], deadline: Option<Instant>) -> Result<Vec<String>> {
    let settings = settings::read(db)?;
    if !settings.enabled || settings.url.is_empty() || !settings.token_set {
        return Err(Error::NotConfigured(
            "NetBox is turned off (NetBox > Settings); turn it on to send this change, or close it with Force \
             and run a full push later."
                .into(),
        ));
    }
    let netbox = NetBox::until(&settings, deadline)?;
    let tag_id = tag_id(&netbox, &settings)?;
    let mut conflicts = Vec::new();
    for chunk in keys.chunks(KEYS_PER_READ) {
        conflicts.extend(converge(db, &netbox, &settings, tag_id, chunk)?);
    }
    Ok(conflicts)
}

/// Makes NetBox show IP Manager's state at `keys`, going round again while IP Manager
/// changes them under it.
fn converge(
    db: &Db,
    netbox: &NetBox,
    settings: &NetBoxSettings,
    tag_id: u64,
    keys: &[String],
) -> Result<Vec<String>> {
    let read = || {
        db.run(RetryPolicy::Transient, |conn| {
            wanted_at(conn, keys, &settings.tag)
        })
    };
    let mut wanted = read()?;
    for _ in 0..ROUNDS {
        let mut conflicts = Vec::new();
        let mut counts = Counts::default();
        for (endpoint, present) in present_at(netbox, keys)? {
            push::reconcile(
                netbox,
                endpoint,
                &wanted,
                &present,
                tag_id,
                &settings.tag,
                settings.release_action,
                &mut counts,
                &mut conflicts,
            )?;
        }
        let now = read()?;
        if now == wanted {
            return Ok(conflicts);
        }
        wanted = now;
    }
    Err(Error::Integration(format!(
        "IP Manager kept changing {} while NetBox was being told; the change will be sent again.",
        keys.join(", ")
    )))
}

/// What IP Manager wants in NetBox at `keys`: the subnets with exactly those CIDRs and the
/// units assigned at them.
fn wanted_at(q: &mut impl Queryable, keys: &[String], tag: &str) -> Outcome<Vec<Wanted>> {
    let scopes: BTreeMap<u64, Scope> = scopes::all_in(q)?;
    let mut out = Vec::new();
    let mut rows: Vec<Row> = Vec::new();
    let mut subnets: BTreeMap<u64, Subnet> = BTreeMap::new();
    for key in keys {
        let cidr = parse_key(key)?;
        let (family, network) = (cidr.family().number(), cidr.network().to_bytes());
        if key.contains('/')
            && let Some(subnet) = crate::ipam::subnets::with_cidr(q, &cidr)?
        {
            out.push(push::subnet_wanted(&subnet, scopes.get(&subnet.id), tag));
            subnets.insert(subnet.id, subnet);
        }
        rows.extend(q.exec::<Row, _, _>(
            format!(
                "{} AND a.subnet_id IN (SELECT id FROM mod_ipmanager_subnets WHERE family = :f AND network <= :n \
                 AND last_address >= :n) AND a.address = :n AND a.prefix_len = :l",
                push::ASSIGNED_ROWS
            ),
            params! {"f" => family, "n" => &network, "l" => cidr.prefix_len()},
        )?);
    }
    for row in &rows {
        let Some(id) = row.get::<u64, _>("subnet_id") else {
            continue;
        };
        if let std::collections::btree_map::Entry::Vacant(slot) = subnets.entry(id) {
            slot.insert(crate::ipam::subnets::load(q, id)?);
        }
    }
    let by_id: BTreeMap<u64, &Subnet> = subnets.iter().map(|(id, s)| (*id, s)).collect();
    for row in rows {
        if let Some(w) = push::row_wanted(row, &by_id, &scopes, tag)? {
            out.push(w);
        }
    }
    Ok(out)
}

fn parse_key(key: &str) -> Outcome<Cidr> {
    crate::ipam::release::parse_unit(key, "NetBox change key").map_err(Failure::Domain)
}

/// NetBox's objects at `keys` per endpoint, tagged or not, in every VRF. Whatever NetBox
/// answers beyond the keys asked is dropped, so a filter it did not apply can never retire
/// other objects.
fn present_at(
    netbox: &NetBox,
    keys: &[String],
) -> Result<Vec<(&'static str, BTreeMap<String, Value>)>> {
    let mut present = Vec::new();
    let (prefixes, addresses): (Vec<&String>, Vec<&String>) =
        keys.iter().partition(|k| k.contains('/'));
    for (endpoint, field, asked) in [
        ("ipam/prefixes/", "prefix", prefixes),
        ("ipam/ip-addresses/", "address", addresses),
    ] {
        if asked.is_empty() {
            present.push((endpoint, BTreeMap::new()));
            continue;
        }
        let wanted: BTreeSet<String> = asked.iter().map(|k| push::key_of(field, k)).collect();
        let query: Vec<(&str, &str)> = asked.iter().map(|k| (field, k.as_str())).collect();
        let mut found = BTreeMap::new();
        push::index_present(&mut found, netbox.list(endpoint, &query)?, field);
        let found = found
            .into_iter()
            .filter(|(key, _)| {
                key.rsplit_once('@')
                    .is_some_and(|(bare, _)| wanted.contains(bare))
            })
            .collect();
        present.push((endpoint, found));
    }
    Ok(present)
}

/// The tag's id per NetBox and slug, looked up (or created) once per process.
static TAG: Mutex<Option<(String, String, u64)>> = Mutex::new(None);

fn tag_id(netbox: &NetBox, settings: &NetBoxSettings) -> Result<u64> {
    if let Some((url, slug, id)) = TAG.lock().as_ref()
        && *url == settings.url
        && *slug == settings.tag
    {
        return Ok(*id);
    }
    let id = push::ensure_tag(netbox, &settings.tag)?;
    *TAG.lock() = Some((settings.url.clone(), settings.tag.clone(), id));
    Ok(id)
}

/// After a failure the tag is looked up again (it may have been deleted and made anew).
fn forget_tag() {
    *TAG.lock() = None;
}

/// Settings changed: the tag is looked up again.
pub fn settings_changed() {
    forget_tag();
}

/// Delivers the NetBox changes of `service_id` that are due, right after the change that
/// wrote them committed (a hook, an admin action). A failure stays in the queue for the
/// retries and stops the round (NetBox is likely down); only a database failure is
/// returned.
pub fn after_commit(db: &Db, service_id: u32, deadline: Option<Instant>) -> Result<Vec<Delivered>> {
    outbox::deliver_service_due(db, Target::NetBox, service_id, deadline)
}

/// Delivers up to `limit` due NetBox changes, oldest first (after an admin action that
/// touches many services, e.g. a subnet deleted), stopping at the first failure.
pub fn drain(db: &Db, limit: u32, deadline: Option<Instant>) -> Result<Vec<Delivered>> {
    let due: Vec<u64> = db.run(RetryPolicy::Transient, |conn| {
        Ok(conn.exec(
            "SELECT id FROM mod_ipmanager_outbox WHERE target = 'netbox' AND status = 'pending' \
             AND next_attempt_at <= UTC_TIMESTAMP(3) ORDER BY id LIMIT :limit",
            params! {"limit" => limit},
        )?)
    })?;
    send(db, &due, deadline)
}

/// After an admin action or a native call has committed: its NetBox changes are sent
/// within the call's bound (`CALL_BUDGET`), those of `services` first; whatever is left
/// waits for the cron. Never fails the call that already succeeded: a database failure here
/// leaves the changes queued.
pub fn after_call(db: &Db, services: &[u32]) {
    let deadline = Some(Instant::now() + crate::providers::configured::CALL_BUDGET);
    let mut seen = BTreeSet::new();
    for service in services.iter().filter(|s| seen.insert(**s)) {
        // Reverse DNS rides along: its PTR changes are written by the same changes.
        let _ = crate::dns::mirror::after_commit(db, *service, deadline);
        if after_commit(db, *service, deadline).is_err() {
            return;
        }
    }
    if services.is_empty() {
        let _ = drain(db, 50, deadline);
    }
}

/// The NetBox queue: what waits, what failed last, for the NetBox page.
pub fn queue(
    db: &Db,
    paging: crate::paging::Paging,
) -> Result<crate::paging::Page<outbox::Queued>> {
    outbox::list(db, Target::NetBox, paging)
}
