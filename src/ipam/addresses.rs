//! Address rows: reading them, changing their state while keeping the subnet and pool
//! counters exact, and listing them for the admin pages.

use super::model::{State, decimal, take};
use crate::error::{Error, Result};
use crate::net::{Addr, Cidr};
use crate::paging::{Page, Paging};
use crate::store::{Db, Failure, Outcome, RetryPolicy};
use mysql::prelude::Queryable;
use mysql::{Row, params};
use serde::Serialize;

pub const ROW_COLUMNS: &str = "id, subnet_id, pool_id, address, last_address, prefix_len, \
    CAST(size AS CHAR) AS size, state, blocked, service_id, \
    DATE_FORMAT(quarantine_until, '%Y-%m-%d %H:%i:%s') AS quarantine_until, \
    (state = 'quarantined' AND quarantine_until <= UTC_TIMESTAMP()) AS expired, note";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddressRow {
    pub id: u64,
    pub subnet_id: u64,
    pub pool_id: Option<u64>,
    pub first: Addr,
    pub last: Addr,
    pub prefix_len: u8,
    pub size: u128,
    pub state: State,
    pub blocked: bool,
    pub service_id: Option<u32>,
    pub quarantine_until: Option<String>,
    /// A quarantine that has run out: the address is free again.
    pub expired: bool,
    pub note: String,
}

impl AddressRow {
    pub fn from_row(mut row: Row) -> Result<AddressRow> {
        let state: String = take(&mut row, "state")?;
        Ok(AddressRow {
            id: take(&mut row, "id")?,
            subnet_id: take(&mut row, "subnet_id")?,
            pool_id: take(&mut row, "pool_id")?,
            first: Addr::from_bytes(&take::<Vec<u8>>(&mut row, "address")?)?,
            last: Addr::from_bytes(&take::<Vec<u8>>(&mut row, "last_address")?)?,
            prefix_len: take(&mut row, "prefix_len")?,
            size: decimal(&take::<String>(&mut row, "size")?)?,
            state: State::parse(&state)?,
            blocked: take::<u8>(&mut row, "blocked")? == 1,
            service_id: take(&mut row, "service_id")?,
            quarantine_until: take(&mut row, "quarantine_until")?,
            expired: take::<Option<u8>>(&mut row, "expired")?.unwrap_or(0) == 1,
            note: take(&mut row, "note")?,
        })
    }

    /// What the admin and PHP see: expired quarantines read as free.
    pub fn effective_state(&self) -> State {
        if self.expired {
            State::Free
        } else {
            self.state
        }
    }

    /// "192.0.2.5" for a single address, "2001:db8:1::/64" for a prefix.
    pub fn display(&self) -> String {
        Cidr::from_parts(self.first, self.prefix_len).unit_text()
    }

    pub fn view(&self) -> AddressView {
        AddressView {
            id: self.id,
            address: self.display(),
            ip: self.first.to_string(),
            prefix_len: self.prefix_len,
            family: self.first.family.number(),
            subnet_id: self.subnet_id,
            pool_id: self.pool_id,
            state: self.effective_state().as_str(),
            service_id: self.service_id,
            quarantine_until: if self.state == State::Quarantined {
                self.quarantine_until.clone()
            } else {
                None
            },
            note: self.note.clone(),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct AddressView {
    pub id: u64,
    pub address: String,
    pub ip: String,
    pub prefix_len: u8,
    pub family: u8,
    pub subnet_id: u64,
    pub pool_id: Option<u64>,
    pub state: &'static str,
    pub service_id: Option<u32>,
    pub quarantine_until: Option<String>,
    pub note: String,
}

/// Adds the difference a state change makes to the subnet's and pool's counters.
pub fn adjust_counters(
    q: &mut impl Queryable,
    row: &AddressRow,
    before: Option<State>,
    after: Option<State>,
) -> Outcome<()> {
    // Addresses each state adds to the subnet's (assigned, reserved) counters.
    let weigh = |state: Option<State>| -> (i128, i128) {
        let size = i128::try_from(row.size).unwrap_or(i128::MAX);
        match state {
            _ if row.blocked => (0, 0),
            Some(State::Assigned | State::Releasing) => (size, 0),
            Some(State::Reserved | State::Quarantined) => (0, size),
            Some(State::Free) | None => (0, 0),
        }
    };
    let (before_a, before_r) = weigh(before);
    let (after_a, after_r) = weigh(after);
    let (d_assigned, d_reserved) = (after_a - before_a, after_r - before_r);
    if d_assigned != 0 || d_reserved != 0 {
        q.exec_drop(
            "UPDATE mod_ipmanager_subnets SET assigned_count = assigned_count + CAST(:a AS DECIMAL(39,0)), \
             reserved_count = reserved_count + CAST(:r AS DECIMAL(39,0)) WHERE id = :id",
            params! {"a" => d_assigned.to_string(), "r" => d_reserved.to_string(), "id" => row.subnet_id},
        )?;
    }
    let unit = |s: Option<State>| i64::from(s.is_some_and(State::counts_as_assigned));
    let d_units = unit(after) - unit(before);
    if let (Some(pool), true) = (row.pool_id, d_units != 0) {
        q.exec_drop(
            "UPDATE mod_ipmanager_pools SET assigned_count = assigned_count + :d WHERE id = :id",
            params! {"d" => d_units, "id" => pool},
        )?;
    }
    Ok(())
}

/// Inserts a new assigned row for `cidr` (a single address is a /32 or /128) and returns it.
/// Counters are the caller's: the allocator adds them up per call, imports one by one.
pub fn insert_assigned(
    q: &mut mysql::Transaction<'_>,
    subnet_id: u64,
    pool_id: Option<u64>,
    cidr: Cidr,
    service_id: u32,
) -> Outcome<AddressRow> {
    let (first, last) = (cidr.network, cidr.last());
    let size = cidr.size().unwrap_or(u128::MAX);
    q.exec_drop(
        "INSERT INTO mod_ipmanager_addresses (subnet_id, pool_id, address, last_address, prefix_len, size, state, \
         service_id, updated_at) VALUES (:s, :pool, :a, :b, :len, CAST(:size AS DECIMAL(39,0)), 'assigned', :svc, UTC_TIMESTAMP())",
        params! {
            "s" => subnet_id, "pool" => pool_id, "a" => first.to_bytes(), "b" => last.to_bytes(),
            "len" => cidr.prefix_len, "size" => size.to_string(), "svc" => service_id,
        },
    )?;
    let id = q
        .last_insert_id()
        .ok_or_else(|| Failure::Domain(Error::Internal("The new address row got no id.".into())))?;
    Ok(AddressRow {
        id,
        subnet_id,
        pool_id,
        first,
        last,
        prefix_len: cidr.prefix_len,
        size,
        state: State::Assigned,
        blocked: false,
        service_id: Some(service_id),
        quarantine_until: None,
        expired: false,
        note: String::new(),
    })
}

/// Makes the row's addresses free again. The row stays, marked free, in stored and sparse
/// subnets alike: the allocator finds freed units through the state index, so its gap walk
/// never has to go back below the high-water mark.
pub fn set_free(q: &mut impl Queryable, row: &AddressRow) -> Outcome<()> {
    adjust_counters(q, row, Some(row.state), None)?;
    q.exec_drop(
        "UPDATE mod_ipmanager_addresses SET state = 'free', pool_id = NULL, service_id = NULL, \
         quarantine_until = NULL, note = '', updated_at = UTC_TIMESTAMP() WHERE id = :id",
        params! {"id" => row.id},
    )?;
    Ok(())
}

pub fn rows_of_pool(q: &mut impl Queryable, pool_id: u64) -> Outcome<Vec<AddressRow>> {
    let rows: Vec<Row> = q.exec(
        format!(
            "SELECT {ROW_COLUMNS} FROM mod_ipmanager_addresses WHERE pool_id = :id ORDER BY address"
        ),
        params! {"id" => pool_id},
    )?;
    rows.into_iter()
        .map(|r| AddressRow::from_row(r).map_err(Failure::Domain))
        .collect()
}

/// Filters for the address list. All optional; `search` is an address or a CIDR.
#[derive(Debug, Default, Clone)]
pub struct ListFilter {
    pub subnet_id: Option<u64>,
    pub pool_id: Option<u64>,
    pub state: Option<State>,
    pub service_id: Option<u32>,
    pub search: Option<String>,
    pub paging: Paging,
}

/// Addresses in use (assigned, reserved, releasing, quarantined) in address order. Blocked
/// rows are the subnet's reservation rules and are shown as ranges on the subnet instead.
pub fn list(db: &Db, filter: &ListFilter) -> Result<Page<AddressView>> {
    let (lo, hi) = match filter
        .search
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        None => (None, None),
        Some(text) => {
            let range = if text.contains('/') {
                Cidr::parse(text)?.range()
            } else {
                crate::net::AddrRange::single(Addr::parse(text, "Search")?)
            };
            (
                Some(range.first().to_bytes()),
                Some(range.last().to_bytes()),
            )
        }
    };
    // Free addresses have no rows in sparse subnets; both kinds list them through
    // `allocator::free_units` so that listing behaves the same for stored and sparse.
    let state = match filter.state {
        Some(State::Free) => {
            return Err(Error::invalid(
                "Free addresses are listed per pool or subnet with ipmanager_free_list(); this list shows addresses in use.",
            ));
        }
        Some(s) => Some(s.as_str()),
        None => None,
    };
    // Run-out quarantines are free again and are not listed.
    let condition = "blocked = 0 AND state <> 'free' \
        AND NOT (state = 'quarantined' AND quarantine_until <= UTC_TIMESTAMP()) \
        AND (:subnet IS NULL OR subnet_id = :subnet) AND (:pool IS NULL OR pool_id = :pool) \
        AND (:service IS NULL OR service_id = :service) \
        AND (:lo IS NULL OR (last_address >= :lo AND address <= :hi AND LENGTH(address) = LENGTH(:lo))) \
        AND (:state IS NULL OR state = :state)";
    db.run(RetryPolicy::Transient, |conn| {
        let p = || {
            params! {
                "subnet" => filter.subnet_id, "pool" => filter.pool_id, "service" => filter.service_id,
                "lo" => lo.clone(), "hi" => hi.clone(), "state" => state,
            }
        };
        let total: Option<u64> =
            conn.exec_first(format!("SELECT COUNT(*) FROM mod_ipmanager_addresses WHERE {condition}"), p())?;
        let params = filter.paging.bind(p());
        let rows: Vec<Row> = conn.exec(
            format!(
                "SELECT {ROW_COLUMNS} FROM mod_ipmanager_addresses WHERE {condition} \
                 ORDER BY LENGTH(address), address, subnet_id LIMIT :limit OFFSET :offset"
            ),
            params,
        )?;
        let items = rows
            .into_iter()
            .map(|r| AddressRow::from_row(r).map(|row| row.view()).map_err(Failure::Domain))
            .collect::<Outcome<Vec<_>>>()?;
        Ok(Page::new(items, total, filter.paging))
    })
}

/// The row holding `addr`: in the most specific subnet containing it, the nearest row at
/// or below it (child subnets are carved out of their parents, so rows never overlap).
pub fn find(q: &mut impl Queryable, addr: Addr) -> Outcome<Option<AddressRow>> {
    let bytes = addr.to_bytes();
    let subnets: Vec<u64> = q.exec(
        "SELECT id FROM mod_ipmanager_subnets WHERE family = :f AND network <= :a AND last_address >= :a \
         ORDER BY prefix_len DESC",
        params! {"f" => addr.family.number(), "a" => &bytes},
    )?;
    for subnet in subnets {
        let row: Option<Row> = q.exec_first(
            format!(
                "SELECT {ROW_COLUMNS} FROM mod_ipmanager_addresses WHERE subnet_id = :s AND address <= :a \
                 ORDER BY address DESC LIMIT 1"
            ),
            params! {"s" => subnet, "a" => &bytes},
        )?;
        let row = row
            .map(|r| AddressRow::from_row(r).map_err(Failure::Domain))
            .transpose()?;
        if let Some(row) =
            row.filter(|r| r.last.value >= addr.value && !r.blocked && r.state != State::Free)
        {
            return Ok(Some(row));
        }
    }
    Ok(None)
}

pub fn not_found(addr: &str) -> Error {
    Error::NotFound(format!(
        "{addr} is not assigned, reserved or quarantined in any subnet."
    ))
}
