//! Pools: a subnet, or a range or child CIDR of it, handing out addresses or prefixes.

use super::field_errors::FieldErrors;
use super::model::{POOL_COLUMNS, Pool, Subnet};
use super::release;
use super::space::give;
use super::{addresses, subnets};
use crate::audit;
use crate::error::{Error, Result};
use crate::net::{AddrRange, Cidr};
use crate::store::{Db, Failure, Outcome, RetryPolicy, Tx};
use mysql::params;
use mysql::prelude::Queryable;
use serde_json::{Value, json};

pub const FIELDS: &[&str] = &[
    "subnet_id",
    "name",
    "range",
    "cidr",
    "prefix_len",
    "description",
];

/// A pool form as the binding layer read it: each field absent or typed; what could not be
/// read waits in `unreadable`, under its field.
#[derive(Debug, Clone, Default)]
pub struct PoolForm {
    pub subnet_id: Option<i64>,
    pub name: Option<String>,
    pub range: Option<String>,
    pub cidr: Option<String>,
    pub prefix_len: Option<i64>,
    pub description: Option<String>,
    /// The fields the caller sent: an edit keeps the others as they are (an API caller
    /// renaming a pool must not widen it to the whole subnet).
    pub given: Vec<&'static str>,
    pub unreadable: FieldErrors,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PoolSpec {
    pub subnet_id: u64,
    pub name: String,
    pub range: AddrRange,
    pub unit_prefix_len: u8,
    pub description: String,
}

/// Reads and checks a pool form; `existing` for edits (the subnet cannot change).
pub fn spec(
    db: &Db,
    form: &PoolForm,
    existing: Option<&Pool>,
) -> Result<std::result::Result<PoolSpec, FieldErrors>> {
    db.run(RetryPolicy::Transient, |conn| spec_in(conn, form, existing))
}

/// `spec` read through `q` (an import checks pools against subnets it has just added).
pub fn spec_in(
    q: &mut impl Queryable,
    form: &PoolForm,
    existing: Option<&Pool>,
) -> Outcome<std::result::Result<PoolSpec, FieldErrors>> {
    let mut errors = form.unreadable.clone();
    if errors.has("form") {
        return Ok(Err(errors));
    }
    let subnet_id = match existing {
        Some(pool) => Some(pool.subnet_id),
        None => match errors.within("subnet_id", form.subnet_id, 1, i64::MAX, "The subnet") {
            Some(id) => Some(id as u64),
            None => {
                if !errors.has("subnet_id") {
                    errors.add("subnet_id", "Choose the subnet the pool belongs to.");
                }
                None
            }
        },
    };
    let subnet = match subnet_id.map(|id| subnets::load(q, id)) {
        Some(Ok(s)) => Some(s),
        Some(Err(Failure::Domain(Error::NotFound(m)))) => {
            errors.add("subnet_id", m);
            None
        }
        Some(Err(e)) => return Err(e),
        None => None,
    };
    // On edit, what the caller left out stays as saved.
    let kept = |keys: &[&str]| existing.filter(|_| !keys.iter().any(|k| form.given.contains(k)));
    let name = errors.name(
        kept(&["name"]).map(|saved| saved.name.as_str()),
        form.name.as_deref(),
        "pool",
        "Proxmox VPS pool",
    );
    if !name.is_empty() && name_taken(q, &name, existing.map(|p| p.id))? {
        errors.add(
            "name",
            format!("A pool named \"{name}\" already exists; pool names are unique."),
        );
    }
    let description = match kept(&["description"]) {
        Some(saved) => saved.description.clone(),
        None => form.description.clone().unwrap_or_default(),
    };
    let Some(subnet) = subnet else {
        return Ok(Err(errors));
    };
    let range = match kept(&["range", "cidr"]) {
        Some(saved) => Some(saved.range),
        None => pool_range(form, &subnet, &mut errors),
    };
    let unit = unit_prefix_len(form, &subnet, existing, &mut errors);
    if let (Some(range), Some(unit)) = (range, unit) {
        let host_bits = subnet.family().bits() - unit;
        if super::gaps::first_fit(range, host_bits, 0, std::iter::empty()).is_none() {
            errors.add("prefix_len", format!("A /{unit} prefix does not fit in the pool range {range}; choose a longer prefix or a larger range."));
        }
    }
    if !errors.is_empty() {
        return Ok(Err(errors));
    }
    let (Some(range), Some(unit_prefix_len)) = (range, unit) else {
        return Ok(Err(errors));
    };
    Ok(Ok(PoolSpec {
        subnet_id: subnet.id,
        name,
        range,
        unit_prefix_len,
        description,
    }))
}

fn pool_range(form: &PoolForm, subnet: &Subnet, errors: &mut FieldErrors) -> Option<AddrRange> {
    let range_text = form.range.clone().filter(|s| !s.trim().is_empty());
    let cidr_text = form.cidr.clone().filter(|s| !s.trim().is_empty());
    match (range_text, cidr_text) {
        (Some(_), Some(_)) => {
            errors.add(
                "range",
                "Give either a range or a CIDR for the pool, not both.",
            );
            None
        }
        (Some(text), None) => {
            if !text.contains('-') {
                errors.add(
                    "range",
                    format!(
                        "Write the range as first-last, e.g. {}-{}.",
                        subnet.cidr.network(),
                        subnet.cidr.last()
                    ),
                );
                return None;
            }
            errors.check(
                "range",
                AddrRange::parse_within(&text, &subnet.cidr, "Pool address"),
            )
        }
        (None, Some(text)) => {
            let cidr = errors.check("cidr", Cidr::parse(&text))?;
            if !subnet.cidr.contains_cidr(&cidr) {
                errors.add(
                    "cidr",
                    format!("Pool CIDR {cidr} is outside the subnet {}.", subnet.cidr),
                );
                return None;
            }
            Some(cidr.range())
        }
        (None, None) => Some(subnet.cidr.range()),
    }
}

fn unit_prefix_len(
    form: &PoolForm,
    subnet: &Subnet,
    existing: Option<&Pool>,
    errors: &mut FieldErrors,
) -> Option<u8> {
    let bits = subnet.family().bits();
    let wanted = errors
        .within(
            "prefix_len",
            form.prefix_len,
            1,
            i64::from(bits),
            "The prefix length",
        )
        .map(|n| n as u8)
        .or(existing.map(|p| p.unit_prefix_len))
        .unwrap_or(bits);
    if wanted < subnet.cidr.prefix_len() {
        errors.add(
            "prefix_len",
            format!(
                "A /{wanted} is larger than the subnet {} itself.",
                subnet.cidr
            ),
        );
        return None;
    }
    if wanted < bits && subnet.stored {
        errors.add("prefix_len", format!(
            "Subnet {} stores one row per address, so it hands out single addresses only; create the subnet without \"Store free IPs\" to hand out prefixes.",
            subnet.cidr
        ));
        return None;
    }
    if let Some(pool) = existing
        && pool.unit_prefix_len != wanted
        && pool.assigned_count > 0
    {
        errors.add(
            "prefix_len",
            "The prefix length cannot change while the pool has assignments.",
        );
        return None;
    }
    Some(wanted)
}

fn name_taken(q: &mut impl Queryable, name: &str, except: Option<u64>) -> Outcome<bool> {
    let id: Option<u64> = q.exec_first(
        "SELECT id FROM mod_ipmanager_pools WHERE name = :name",
        params! {"name" => name},
    )?;
    Ok(id.is_some_and(|id| Some(id) != except))
}

pub fn create(db: &Db, form: &PoolForm) -> Result<Pool> {
    let spec = spec(db, form, None)?.map_err(FieldErrors::into_error)?;
    let id = db.transaction(RetryPolicy::Transient, |tx| create_in(tx, &spec))?;
    get(db, id)
}

/// Adds a checked pool in the caller's transaction; its id.
pub fn create_in(tx: &mut Tx<'_>, spec: &PoolSpec) -> Outcome<u64> {
    {
        release::lock_subnet(tx, spec.subnet_id)?;
        tx.exec_drop(
            "INSERT INTO mod_ipmanager_pools (subnet_id, name, range_start, range_end, unit_prefix_len, description, created_at, updated_at) \
             VALUES (:subnet, :name, :start, :end, :unit, :description, UTC_TIMESTAMP(), UTC_TIMESTAMP())",
            params! {
                "subnet" => spec.subnet_id, "name" => &spec.name, "start" => spec.range.first().to_bytes(),
                "end" => spec.range.last().to_bytes(), "unit" => spec.unit_prefix_len, "description" => &spec.description,
            },
        )
        .map_err(|e| duplicate_name(e, &spec.name))?;
        let id = tx
            .last_insert_id()
            .ok_or_else(|| Failure::Domain(Error::Internal("The new pool got no id.".into())))?;
        audit::record(
            tx,
            "pool.create",
            ("pool", id),
            None,
            Some(&spec_json(spec)),
            &format!("Pool \"{}\" ({}) added.", spec.name, spec.range),
        )?;
        Ok(id)
    }
}

pub fn update(db: &Db, id: u64, form: &PoolForm) -> Result<Pool> {
    let subnet_id = get(db, id)?.subnet_id;
    db.transaction(RetryPolicy::Transient, |tx| {
        // A pool never changes subnet; what the form leaves out is taken from the pool as
        // it is under the lock, so an edit made meanwhile is not written back over.
        release::lock_subnet(tx, subnet_id)?;
        let existing = load(tx, id)?;
        let spec = spec_in(tx, form, Some(&existing))?.map_err(|e| Failure::Domain(e.into_error()))?;
        let outside: Option<Vec<u8>> = tx.exec_first(
            "SELECT address FROM mod_ipmanager_addresses WHERE pool_id = :id AND state IN ('assigned','releasing','quarantined') \
             AND (address < :start OR last_address > :end) LIMIT 1",
            params! {"id" => id, "start" => spec.range.first().to_bytes(), "end" => spec.range.last().to_bytes()},
        )?;
        if let Some(bytes) = outside {
            let addr = crate::net::Addr::from_bytes(&bytes).map_err(Failure::Domain)?;
            return Err(Error::Conflict(format!(
                "The new range {} leaves out {addr}, which this pool has handed out; release it first or keep it in the range.",
                spec.range
            ))
            .into());
        }
        tx.exec_drop(
            "UPDATE mod_ipmanager_pools SET name = :name, range_start = :start, range_end = :end, unit_prefix_len = :unit, \
             description = :description, updated_at = UTC_TIMESTAMP() WHERE id = :id",
            params! {
                "name" => &spec.name, "start" => spec.range.first().to_bytes(), "end" => spec.range.last().to_bytes(),
                "unit" => spec.unit_prefix_len, "description" => &spec.description, "id" => id,
            },
        )
        .map_err(|e| duplicate_name(e, &spec.name))?;
        audit::record(tx, "pool.update", ("pool", id), Some(&spec_json(&PoolSpec::from(&existing))), Some(&spec_json(&spec)), &format!("Pool \"{}\" edited.", spec.name))?;
        Ok(())
    })?;
    get(db, id)
}

/// Refuses while the pool has addresses in use, unless `force`, which releases them (free).
pub fn delete(db: &Db, id: u64, force: bool) -> Result<u64> {
    let pool = get(db, id)?;
    db.transaction(RetryPolicy::Transient, |tx| {
        let locked = release::lock_subnet(tx, pool.subnet_id)?;
        let rows = addresses::rows_of_pool(tx, id)?;
        let in_use = rows.iter().filter(|r| r.state.counts_as_assigned()).count() as u64;
        if in_use > 0 && !force {
            return Err(Error::Conflict(format!(
                "Pool \"{}\" has {in_use} address(es) in use; release them first, or delete with force to release them.",
                pool.name
            ))
            .into());
        }
        let mut gone_ptrs = Vec::new();
        for row in &rows {
            give::free_row(tx, &locked.subnet, &locked.blocked, row)?;
            gone_ptrs.extend(crate::dns::ptrs::forget_released(tx, row)?);
        }
        let released: Vec<String> = rows.iter().filter(|r| r.state.counts_as_assigned()).map(|r| r.display()).collect();
        crate::netbox::mirror::enqueue(tx, crate::providers::outbox::Operation::Remove, 0, &released)?;
        gone_ptrs.extend(released.iter().cloned());
        crate::dns::mirror::enqueue(tx, crate::providers::outbox::Operation::Remove, pool.subnet_id, 0, &gone_ptrs)?;
        tx.exec_drop("DELETE FROM mod_ipmanager_pools WHERE id = :id", params! {"id" => id})?;
        audit::record(tx, "pool.delete", ("pool", id), Some(&spec_json(&PoolSpec::from(&pool))), None, &format!("Pool \"{}\" deleted; {in_use} address(es) released.", pool.name))?;
        Ok(in_use)
    })
}

pub fn get(db: &Db, id: u64) -> Result<Pool> {
    db.run(RetryPolicy::Transient, |conn| load(conn, id))
}

pub fn load(q: &mut impl Queryable, id: u64) -> Outcome<Pool> {
    let row = q.exec_first(
        format!("SELECT {POOL_COLUMNS} FROM mod_ipmanager_pools WHERE id = :id"),
        params! {"id" => id},
    )?;
    let row = row.ok_or_else(|| {
        Error::NotFound(format!(
            "Pool #{id} does not exist (it may have been deleted)."
        ))
    })?;
    Pool::from_row(row).map_err(Failure::Domain)
}

pub fn list(db: &Db, subnet_id: Option<u64>) -> Result<Vec<Pool>> {
    db.run(RetryPolicy::Transient, |conn| {
        let rows: Vec<mysql::Row> = conn.exec(
            format!(
                "SELECT {POOL_COLUMNS} FROM mod_ipmanager_pools WHERE (:subnet IS NULL OR subnet_id = :subnet) ORDER BY subnet_id, range_start, name"
            ),
            params! {"subnet" => subnet_id},
        )?;
        rows.into_iter().map(|r| Pool::from_row(r).map_err(Failure::Domain)).collect()
    })
}

/// What the change log keeps of a pool.
fn spec_json(spec: &PoolSpec) -> Value {
    json!({"subnet_id": spec.subnet_id, "name": spec.name, "range": spec.range.to_string(), "prefix_len": spec.unit_prefix_len, "description": spec.description})
}

impl From<&Pool> for PoolSpec {
    fn from(p: &Pool) -> PoolSpec {
        PoolSpec {
            subnet_id: p.subnet_id,
            name: p.name.clone(),
            range: p.range,
            unit_prefix_len: p.unit_prefix_len,
            description: p.description.clone(),
        }
    }
}

fn duplicate_name(e: mysql::Error, name: &str) -> Failure {
    match &e {
        mysql::Error::MySqlError(m) if m.code == crate::store::retry::ER_DUP_ENTRY => {
            Failure::Domain(Error::Conflict(format!(
                "A pool named \"{name}\" already exists; pool names are unique."
            )))
        }
        _ => Failure::Db(e),
    }
}
