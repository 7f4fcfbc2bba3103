//! The one read of an allocation, sent as one packet: the subnet row locked (with its pool
//! and child subnets), then — after the lock, so they see what the previous holder
//! committed — what the service holds, the lowest free runs and whether a quarantine ran
//! out.

use super::Target;
use crate::error::{Error, Result};
use crate::ipam::addresses::{AddressRow, ROW_COLUMNS};
use crate::ipam::model::{Pool, Subnet, take};
use crate::ipam::space::rows;
use crate::store::script::{Script, StatementResult, literal};
use crate::store::{Failure, Outcome, Tx};

/// What the allocation decides on, read under the subnet's lock.
pub struct Snapshot {
    pub subnet: Subnet,
    pub pool: Option<Pool>,
    /// Child subnets' ranges: space the subnet never hands out.
    pub children: Vec<(u128, u128)>,
    /// The units the service holds from the target, lowest first.
    pub held: Vec<AddressRow>,
    /// The first batch of free runs from the search's start (`rows::candidate_selects`).
    pub first_batch: Vec<rows::RawFreeRow>,
    /// Some quarantine of the subnet has run out (it must be settled before planning).
    pub expired: bool,
}

/// The subnet's columns, its pool's (prefixed `p_`) and its children's ranges.
const LOCKED_COLUMNS: &str = "s.id, s.name, s.family, s.network, s.prefix_len, s.parent_id, s.gateway, s.vlan, \
    s.description, s.stored, s.rules_json, s.reserved_text, s.excluded_text, \
    CAST(s.assigned_count AS CHAR) AS assigned_count, CAST(s.reserved_count AS CHAR) AS reserved_count, \
    p.id AS p_id, p.subnet_id AS p_subnet_id, p.name AS p_name, p.range_start AS p_range_start, \
    p.range_end AS p_range_end, p.unit_prefix_len AS p_unit_prefix_len, p.description AS p_description, \
    CAST(p.assigned_count AS CHAR) AS p_assigned_count, \
    (SELECT GROUP_CONCAT(HEX(c.network), '-', HEX(c.last_address)) FROM mod_ipmanager_subnets c \
     WHERE c.parent_id = s.id) AS children";

/// A free run or an ended quarantine in the reads' union, padded to `ROW_COLUMNS`' width.
const RUN_COLUMNS: &str =
    "a.id, NULL, NULL, a.address, a.last_address, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL";

/// Statements in `script`.
pub const STATEMENTS: usize = 2;

/// The statements that lock `target` and read what an allocation for `service_id` needs, the
/// free runs `batch` at a time (`rows::Candidates`): the lock first.
pub fn script(target: Target, service_id: u32, batch: usize) -> Script {
    let (locate, search) = match target {
        Target::Pool(id) => {
            let pool = literal(id);
            (
                format!("(SELECT subnet_id FROM mod_ipmanager_pools WHERE id = {pool})"),
                Search {
                    pool: pool.clone(),
                    tables:
                        ", mod_ipmanager_pools p JOIN mod_ipmanager_subnets s ON s.id = p.subnet_id"
                            .into(),
                    filter: format!("p.id = {pool}"),
                    from: "GREATEST(p.range_start, s.network)",
                    hi: "LEAST(p.range_end, s.last_address)",
                    unit: "p.unit_prefix_len",
                },
            )
        }
        Target::Subnet(id) => (
            literal(id),
            Search {
                pool: "NULL".into(),
                tables: ", mod_ipmanager_subnets s".into(),
                filter: format!("s.id = {}", literal(id)),
                from: "s.network",
                hi: "s.last_address",
                unit: SINGLE,
            },
        ),
    };
    let mut out = Script::default();
    out.push(format!(
        "SELECT {LOCKED_COLUMNS} FROM mod_ipmanager_subnets s \
         LEFT JOIN mod_ipmanager_pools p ON p.id = {} AND p.subnet_id = s.id WHERE s.id = {locate} FOR UPDATE",
        search.pool
    ));
    out.push(search.reads(&locate, service_id, batch));
    out
}

/// A single address's prefix length, from the subnet row `s`.
const SINGLE: &str = "IF(s.family = 4, 32, 128)";

/// The search's bounds as SQL over the pool (`p`) and subnet (`s`) rows, joined by primary
/// key: the optimizer reads them first, as constants, so the bounds still give index ranges.
struct Search {
    pool: String,
    tables: String,
    filter: String,
    from: &'static str,
    hi: &'static str,
    unit: &'static str,
}

impl Search {
    /// One query, in parts: what the service holds (`held`), the free runs from the search's
    /// start (`free`) and an ended quarantine, if any (`expired`). One statement rather than
    /// three: each statement of a packet costs a result sent and a client woken.
    fn reads(&self, subnet: &str, service_id: u32, batch: usize) -> String {
        let single =
            format!("(SELECT {SINGLE} FROM mod_ipmanager_subnets s WHERE s.id = {subnet})");
        let held = format!(
            "SELECT 'held' AS part, {ROW_COLUMNS} FROM mod_ipmanager_addresses FORCE INDEX (idx_addresses_service) \
             WHERE {}",
            super::held_condition(&literal(service_id), subnet, &self.pool, &single)
        );
        let bounds = rows::Bounds {
            tables: &self.tables,
            filter: &self.filter,
            subnet: "s.id",
            from: self.from,
            hi: self.hi,
            max_prefix_len: self.unit,
        };
        let [below, above] =
            rows::candidate_selects(&format!("'free', {RUN_COLUMNS}"), &bounds, batch);
        let expired = format!(
            "SELECT 'expired', {RUN_COLUMNS} FROM mod_ipmanager_addresses a FORCE INDEX (idx_addresses_quarantine){} \
             WHERE {} AND a.subnet_id = s.id AND a.state = 'quarantined' AND a.quarantine_until <= UTC_TIMESTAMP() \
             LIMIT 1",
            self.tables, self.filter
        );
        format!("({held}) UNION ALL ({below}) UNION ALL ({above}) UNION ALL ({expired})")
    }
}

/// Sends `script(target, …)` (after whatever the transaction has pending) and reads it.
pub fn read(tx: &mut Tx<'_>, target: Target, service_id: u32, batch: usize) -> Outcome<Snapshot> {
    let results = tx.run(&script(target, service_id, batch))?;
    parse(target, results)
}

/// The snapshot from the results of `script(target, …)`.
pub fn parse(target: Target, results: Vec<StatementResult>) -> Outcome<Snapshot> {
    let [locked, reads]: [StatementResult; STATEMENTS] =
        results.try_into().map_err(|r: Vec<StatementResult>| {
            Failure::Domain(Error::Internal(format!(
                "The allocation's read packet returned {} results, not {STATEMENTS}.",
                r.len()
            )))
        })?;
    let Some(mut row) = locked.rows.into_iter().next() else {
        return Err(not_found(target).into());
    };
    let subnet = Subnet::from_row_ref(&mut row).map_err(Failure::Domain)?;
    let pool = match target {
        Target::Pool(_) => Some(Pool::from_row_prefixed(&mut row, "p_").map_err(Failure::Domain)?),
        Target::Subnet(_) => None,
    };
    let children: Option<String> = take(&mut row, "children").map_err(Failure::Domain)?;
    let children = children
        .iter()
        .flat_map(|c| c.split(','))
        .map(parse_hex_range)
        .collect::<Result<Vec<_>>>()
        .map_err(Failure::Domain)?;
    let mut snapshot = Snapshot {
        subnet,
        pool,
        children,
        held: Vec::new(),
        first_batch: Vec::new(),
        expired: false,
    };
    for mut row in reads.rows {
        let part: String = take(&mut row, "part").map_err(Failure::Domain)?;
        match part.as_str() {
            "held" => snapshot
                .held
                .push(AddressRow::from_row(row).map_err(Failure::Domain)?),
            "free" => snapshot.first_batch.push(
                (|| {
                    Ok((
                        take(&mut row, "id")?,
                        take(&mut row, "address")?,
                        take(&mut row, "last_address")?,
                    ))
                })()
                .map_err(Failure::Domain)?,
            ),
            _ => snapshot.expired = true,
        }
    }
    snapshot.held.sort_by_key(|r| r.first.value);
    Ok(snapshot)
}

fn not_found(target: Target) -> Error {
    match target {
        Target::Pool(id) => Error::NotFound(format!(
            "Pool #{id} does not exist (it may have been deleted)."
        )),
        Target::Subnet(id) => Error::NotFound(format!(
            "Subnet #{id} does not exist (it may have been deleted)."
        )),
    }
}

fn parse_hex_range(text: &str) -> Result<(u128, u128)> {
    let bad = || Error::Internal(format!("A child subnet range '{text}' could not be read."));
    let (a, b) = text.split_once('-').ok_or_else(bad)?;
    let a = u128::from_str_radix(a, 16).map_err(|_| bad())?;
    let b = u128::from_str_radix(b, 16).map_err(|_| bad())?;
    Ok((a, b))
}
