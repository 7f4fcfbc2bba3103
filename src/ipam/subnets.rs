//! Adding, editing, deleting and reading subnets.

use super::field_errors::FieldErrors;
use super::model::{SUBNET_COLUMNS, Subnet};
use super::release::{self, LockedSubnet};
use super::space::blocked::{self, CHILD_SUBNET};
use super::space::{Blocked, give};
use super::stored_rows;
use super::subnet_checks;
use super::subnet_spec::{SubnetForm, SubnetSpec};
use crate::audit;
use crate::error::{Error, Result};
use crate::net::AddrRange;
use crate::net::rules::BlockReason;
use crate::providers::outbox::Operation;
use crate::store::{Db, Failure, Outcome, RetryPolicy, Tx};
use mysql::params;
use mysql::prelude::Queryable;
use serde::Serialize;
use serde_json::{Value, json};

/// Checks a create (`id` = None) or edit form against the rules and the database, writing
/// nothing. The admin page shows each error next to its field.
pub fn validate(
    db: &Db,
    form: &SubnetForm,
    id: Option<u64>,
) -> Result<std::result::Result<SubnetSpec, FieldErrors>> {
    let existing = id.map(|id| get(db, id)).transpose()?;
    let spec = match SubnetSpec::from_form(form, existing.as_ref()) {
        Ok(spec) => spec,
        Err(errors) => return Ok(Err(errors)),
    };
    if existing.is_some() {
        return Ok(Ok(spec));
    }
    let mut errors = FieldErrors::default();
    db.run(RetryPolicy::Transient, |conn| {
        subnet_checks::check_placement(conn, &spec, &mut errors)
    })?;
    Ok(if errors.is_empty() {
        Ok(spec)
    } else {
        Err(errors)
    })
}

pub fn create(db: &Db, form: &SubnetForm) -> Result<Subnet> {
    let spec = SubnetSpec::from_form(form, None).map_err(FieldErrors::into_error)?;
    let id = db.transaction(RetryPolicy::Transient, |tx| create_in(tx, &spec))?;
    get(db, id)
}

/// `create` in the caller's transaction (sync from NetBox adds many at once). A refusal
/// (placement, a parent's addresses in the way) comes before anything is written.
pub fn create_in(tx: &mut Tx<'_>, spec: &SubnetSpec) -> Outcome<u64> {
    {
        // The parent row lock serialises this with allocations in the parent (a parent that
        // does not exist is reported on its field by the placement check).
        let parent = match spec.parent_id {
            Some(id) if subnet_exists(tx, id)? => Some(release::lock_subnet(tx, id)?),
            _ => None,
        };
        let mut errors = FieldErrors::default();
        subnet_checks::check_placement(tx, spec, &mut errors)?;
        if !errors.is_empty() {
            return Err(errors.into_error().into());
        }
        if let Some(parent) = &parent {
            carve_out_of_parent(tx, parent, spec)?;
        }
        tx.exec_drop(
            "INSERT INTO mod_ipmanager_subnets (name, family, network, last_address, prefix_len, parent_id, gateway, vlan, \
             description, stored, rules_json, reserved_text, excluded_text, created_at, updated_at) VALUES \
             (:name, :family, :network, :last, :len, :parent, :gateway, :vlan, :description, :stored, :rules, :reserved, \
             :excluded, UTC_TIMESTAMP(), UTC_TIMESTAMP())",
            params! {
                "name" => &spec.name, "family" => spec.cidr.family().number(),
                "network" => spec.cidr.network().to_bytes(), "last" => spec.cidr.last().to_bytes(),
                "len" => spec.cidr.prefix_len(), "parent" => spec.parent_id,
                "gateway" => spec.gateway.map(|g| g.to_bytes()), "vlan" => spec.vlan,
                "description" => &spec.description, "stored" => spec.stored,
                "rules" => rules_json(spec)?, "reserved" => spec.reserved_text(), "excluded" => spec.excluded_text(),
            },
        )?;
        let id = tx
            .last_insert_id()
            .ok_or_else(|| Error::Internal("The new subnet got no id.".into()))?;
        audit::record(
            tx,
            "subnet.create",
            ("subnet", id),
            None,
            Some(&spec_json(spec)),
            &format!("Subnet {} ({}) added.", spec.cidr, spec.name),
        )?;
        crate::netbox::mirror::enqueue(tx, Operation::Add, 0, &[spec.cidr.to_string()])?;
        let subnet = load(tx, id)?;
        if spec.stored {
            stored_rows::generate(
                tx,
                id,
                spec.cidr.range(),
                spec.cidr.family().bits(),
                &spec.blocked(),
            )?;
        } else {
            let range = spec.cidr.range();
            give::give_back(
                tx,
                &subnet,
                &Blocked::new(&subnet, &[]),
                &[(range.start, range.end)],
            )?;
        }
        Ok(id)
    }
}

#[derive(Debug, Serialize)]
pub struct UpdateReport {
    /// Addresses in use that now fall inside a reserved or excluded range: left as they are.
    pub conflicts: Vec<String>,
}

/// Edits name, gateway, VLAN, description, reservations and exclusions, then re-applies the
/// rules. Assigned or reserved addresses inside new blocked ranges are reported, not touched.
pub fn update(db: &Db, id: u64, form: &SubnetForm) -> Result<(Subnet, UpdateReport)> {
    let conflicts = db.transaction(RetryPolicy::Transient, |tx| {
        // What the form leaves out is taken from the subnet as it is under the lock, so an
        // edit made meanwhile by someone else is not written back over.
        let saved = release::lock_subnet(tx, id)?.subnet;
        let spec = SubnetSpec::from_form(form, Some(&saved))
            .map_err(|e| Failure::Domain(e.into_error()))?;
        update_in(tx, id, &spec)
    })?;
    Ok((get(db, id)?, UpdateReport { conflicts }))
}

/// `update` in the caller's transaction, with a checked spec: the conflicts it reports.
pub fn update_in(tx: &mut Tx<'_>, id: u64, spec: &SubnetSpec) -> Outcome<Vec<String>> {
    {
        let before = release::lock_subnet(tx, id)?;
        tx.exec_drop(
            "UPDATE mod_ipmanager_subnets SET name = :name, gateway = :gateway, vlan = :vlan, description = :description, \
             rules_json = :rules, reserved_text = :reserved, excluded_text = :excluded, \
             updated_at = UTC_TIMESTAMP() WHERE id = :id",
            params! {
                "name" => &spec.name, "gateway" => spec.gateway.map(|g| g.to_bytes()), "vlan" => spec.vlan,
                "description" => &spec.description, "rules" => rules_json(spec)?,
                "reserved" => spec.reserved_text(), "excluded" => spec.excluded_text(), "id" => id,
            },
        )?;
        let after = release::lock_subnet(tx, id)?;
        apply_rules(tx, &before, &after)?;
        let conflicts: Vec<String> = in_use_inside(tx, id, &spec.blocked())?
            .iter()
            .map(|u| format!("{}; it was left as it is.", u.describe()))
            .collect();
        audit::record(
            tx,
            "subnet.update",
            ("subnet", id),
            Some(&spec_json(&SubnetSpec::from(&before.subnet))),
            Some(&spec_json(spec)),
            &format!(
                "Subnet {} ({}) edited; {} address(es) in use fall in blocked ranges.",
                spec.cidr,
                spec.name,
                conflicts.len()
            ),
        )?;
        crate::netbox::mirror::enqueue(tx, Operation::Add, 0, &[spec.cidr.to_string()])?;
        Ok(conflicts)
    }
}

/// Makes the free space follow new rules. Stored subnets re-block their free rows; sparse
/// subnets carve newly blocked ranges out of their free blocks and give back ranges no
/// longer blocked (where no row holds them). Addresses in use are never touched: they keep
/// their holder and stay blocked once released.
fn apply_rules(tx: &mut Tx<'_>, before: &LockedSubnet, after: &LockedSubnet) -> Outcome<()> {
    let subnet = &after.subnet;
    if subnet.stored {
        stored_rows::unblock(tx, subnet.id, subnet.cidr.range(), false)?;
        for (range, reason) in SubnetSpec::from(subnet).blocked() {
            stored_rows::block(tx, subnet.id, range, reason.as_str())?;
        }
        return Ok(());
    }
    let (old, new) = (before.blocked.intervals(), after.blocked.intervals());
    give::carve(tx, subnet, &blocked::minus(&new, &old))?;
    give::reopen(tx, subnet, &after.blocked, &blocked::minus(&old, &new))
}

#[derive(Debug, Serialize, serde::Deserialize)]
pub struct DeleteReport {
    pub deleted: String,
    pub released_addresses: u64,
    pub deleted_pools: u64,
}

/// Refuses while child subnets exist, and while addresses are in use unless `force`, which
/// releases them.
pub fn delete(db: &Db, id: u64, force: bool) -> Result<DeleteReport> {
    let subnet = get(db, id)?;
    db.transaction(RetryPolicy::Transient, |tx| {
        // The parent gets the range back: both locked, parent (the lower id) first.
        let parent = subnet.parent_id.map(|p| release::lock_subnet(tx, p)).transpose()?;
        release::lock_subnet(tx, id)?;
        let children: Vec<String> = tx.exec(
            "SELECT name FROM mod_ipmanager_subnets WHERE parent_id = :id ORDER BY network",
            params! {"id" => id},
        )?;
        if !children.is_empty() {
            return Err(Error::Conflict(format!(
                "Subnet {} has child subnets ({}); delete them first.",
                subnet.cidr,
                children.join(", ")
            ))
            .into());
        }
        let in_use: Option<u64> = tx.exec_first(
            "SELECT COUNT(*) FROM mod_ipmanager_addresses WHERE subnet_id = :id AND state IN ('assigned', 'releasing')",
            params! {"id" => id},
        )?;
        let in_use = in_use.unwrap_or(0);
        if in_use > 0 && !force {
            return Err(Error::Conflict(format!(
                "Subnet {} has {in_use} address(es) in use; release them first, or delete with force to release them.",
                subnet.cidr
            ))
            .into());
        }
        let pools: Option<u64> = tx.exec_first("SELECT COUNT(*) FROM mod_ipmanager_pools WHERE subnet_id = :id", params! {"id" => id})?;
        let mirrored = crate::netbox::mirror::subnet_keys(tx, id)?;
        // Its PTRs go with it (written while the subnet still counts as managed).
        crate::dns::mirror::forget_subnet(tx, &subnet, &mirrored)?;
        for table in ["mod_ipmanager_addresses", "mod_ipmanager_pools"] {
            tx.exec_drop(format!("DELETE FROM {table} WHERE subnet_id = :id"), params! {"id" => id})?;
        }
        tx.exec_drop("DELETE FROM mod_ipmanager_subnets WHERE id = :id", params! {"id" => id})?;
        crate::netbox::mirror::enqueue(tx, Operation::Remove, 0, &mirrored)?;
        audit::record(
            tx,
            "subnet.delete",
            ("subnet", id),
            Some(&spec_json(&SubnetSpec::from(&subnet))),
            None,
            &format!("Subnet {} ({}) deleted; {in_use} address(es) released, {} pool(s) deleted.", subnet.cidr, subnet.name, pools.unwrap_or(0)),
        )?;
        if let Some(parent) = parent {
            let range = subnet.cidr.range();
            if parent.subnet.stored {
                stored_rows::unblock(tx, parent.subnet.id, range, true)?;
            } else {
                // Re-read now that the child is gone: its range is no longer blocked.
                let blocked = Blocked::read(tx, &parent.subnet)?;
                give::reopen(tx, &parent.subnet, &blocked, &[(range.start, range.end)])?;
            }
        }
        Ok(DeleteReport {
            deleted: format!("{} ({})", subnet.cidr, subnet.name),
            released_addresses: in_use,
            deleted_pools: pools.unwrap_or(0),
        })
    })
}

fn subnet_exists(tx: &mut Tx<'_>, id: u64) -> Outcome<bool> {
    let found: Option<u64> = tx.exec_first(
        "SELECT id FROM mod_ipmanager_subnets WHERE id = :id",
        params! {"id" => id},
    )?;
    Ok(found.is_some())
}

/// The subnet with exactly this CIDR, if IP Manager has it.
pub fn with_cidr(q: &mut impl Queryable, cidr: &crate::net::Cidr) -> Outcome<Option<Subnet>> {
    let row: Option<mysql::Row> = q.exec_first(
        format!(
            "SELECT {SUBNET_COLUMNS} FROM mod_ipmanager_subnets WHERE family = :f AND network = :n AND prefix_len = :l"
        ),
        params! {"f" => cidr.family().number(), "n" => cidr.network().to_bytes(), "l" => cidr.prefix_len()},
    )?;
    row.map(|r| Subnet::from_row(r).map_err(Failure::Domain))
        .transpose()
}

pub fn get(db: &Db, id: u64) -> Result<Subnet> {
    db.run(RetryPolicy::Transient, |conn| load(conn, id))
}

pub fn load(q: &mut impl Queryable, id: u64) -> Outcome<Subnet> {
    let row = q.exec_first(
        format!("SELECT {SUBNET_COLUMNS} FROM mod_ipmanager_subnets WHERE id = :id"),
        params! {"id" => id},
    )?;
    let row = row.ok_or_else(|| {
        Error::NotFound(format!(
            "Subnet #{id} does not exist (it may have been deleted)."
        ))
    })?;
    Subnet::from_row(row).map_err(Failure::Domain)
}

/// Every subnet, parents before children, in address order within a family.
pub fn list(db: &Db) -> Result<Vec<Subnet>> {
    db.run(RetryPolicy::Transient, |conn| {
        let rows: Vec<mysql::Row> = conn.query(format!(
            "SELECT {SUBNET_COLUMNS} FROM mod_ipmanager_subnets ORDER BY family, network, prefix_len"
        ))?;
        rows.into_iter().map(|r| Subnet::from_row(r).map_err(Failure::Domain)).collect()
    })
}

/// A new child takes its range out of the parent; addresses in use there block it.
fn carve_out_of_parent(tx: &mut Tx<'_>, parent: &LockedSubnet, spec: &SubnetSpec) -> Outcome<()> {
    let range = spec.cidr.range();
    let busy: Vec<(Vec<u8>, String)> = tx.exec(
        "SELECT address, state FROM mod_ipmanager_addresses WHERE subnet_id = :parent AND blocked = 0 \
         AND state <> 'free' AND address <= :last AND last_address >= :first ORDER BY address LIMIT 5",
        params! {"parent" => parent.subnet.id, "first" => range.first().to_bytes(), "last" => range.last().to_bytes()},
    )?;
    if let Some((first, state)) = busy.first() {
        let addr = crate::net::Addr::from_bytes(first).map_err(Failure::Domain)?;
        return Err(Error::Conflict(format!(
            "{} cannot become a child subnet: {} address(es) in it are in use in the parent (first: {addr}, {state}); release them first.",
            spec.cidr,
            if busy.len() == 5 { "5 or more".to_string() } else { busy.len().to_string() },
        ))
        .into());
    }
    if parent.subnet.stored {
        stored_rows::block(tx, parent.subnet.id, range, CHILD_SUBNET)
    } else {
        give::carve(tx, &parent.subnet, &[(range.start, range.end)])
    }
}

/// An address in use (not free, not a blocked row) inside a reserved or excluded range.
#[derive(Debug, PartialEq, Eq)]
struct InUse {
    address: String,
    state: String,
    service_id: Option<u32>,
    range: String,
    reason: &'static str,
}

impl InUse {
    /// "10.0.0.1 is assigned to service #5 and lies in the gateway 10.0.0.1".
    fn describe(&self) -> String {
        let owner = self
            .service_id
            .map(|s| format!(" to service #{s}"))
            .unwrap_or_default();
        // A single blocked address reads "the gateway 10.0.0.1", a range "the excluded range a-b".
        let place = if self.range == self.address {
            format!("the {} {}", self.reason, self.range)
        } else {
            format!("the {} range {}", self.reason, self.range)
        };
        format!(
            "{} is {}{owner} and lies in {place}",
            self.address, self.state
        )
    }
}

/// Addresses in use inside any of `blocked` (at most 50 per range).
fn in_use_inside(
    q: &mut impl Queryable,
    id: u64,
    blocked: &[(AddrRange, BlockReason)],
) -> Outcome<Vec<InUse>> {
    let mut found = Vec::new();
    for (range, reason) in blocked {
        let rows: Vec<(Vec<u8>, String, Option<u32>)> = q.exec(
            "SELECT address, state, service_id FROM mod_ipmanager_addresses WHERE subnet_id = :id AND blocked = 0 \
             AND state NOT IN ('free') AND address <= :last AND last_address >= :first ORDER BY address LIMIT 50",
            params! {"id" => id, "first" => range.first().to_bytes(), "last" => range.last().to_bytes()},
        )?;
        for (bytes, state, service_id) in rows {
            let addr = crate::net::Addr::from_bytes(&bytes).map_err(Failure::Domain)?;
            found.push(InUse {
                address: addr.to_string(),
                state,
                service_id,
                range: range.to_string(),
                reason: reason.as_str(),
            });
        }
    }
    Ok(found)
}

/// What saving `form` over subnet `id` would put at risk, for the admin to confirm first:
/// addresses in use that would newly fall in a reserved or excluded range (e.g. a gateway
/// moved onto an assigned address). Writes nothing; an invalid form has no warnings (its
/// field errors come from `validate`).
pub fn update_check(db: &Db, id: u64, form: &SubnetForm) -> Result<Vec<String>> {
    let existing = get(db, id)?;
    let Ok(spec) = SubnetSpec::from_form(form, Some(&existing)) else {
        return Ok(Vec::new());
    };
    let current = SubnetSpec::from(&existing);
    db.run(RetryPolicy::Transient, |conn| {
        let already = in_use_inside(conn, id, &current.blocked())?;
        Ok(in_use_inside(conn, id, &spec.blocked())?
            .into_iter()
            .filter(|u| !already.iter().any(|a| a.address == u.address))
            .map(|u| {
                format!(
                    "{}: it stays with its holder, but is blocked once released.",
                    u.describe()
                        .replacen(" and lies in", " and would lie in", 1)
                )
            })
            .collect())
    })
}

/// What the change log keeps of a subnet.
fn spec_json(spec: &SubnetSpec) -> Value {
    json!({
        "cidr": spec.cidr.to_string(), "name": spec.name, "parent_id": spec.parent_id,
        "gateway": spec.gateway.map(|g| g.to_string()), "vlan": spec.vlan, "description": spec.description,
        "stored": spec.stored, "rules": spec.rules, "reserved": spec.reserved_text(), "excluded": spec.excluded_text(),
    })
}

fn rules_json(spec: &SubnetSpec) -> Outcome<String> {
    serde_json::to_string(&spec.rules).map_err(|e| Failure::Domain(Error::Internal(e.to_string())))
}
