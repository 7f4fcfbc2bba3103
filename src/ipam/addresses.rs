//! Address rows: reading them, changing their state while keeping the subnet and pool
//! counters exact, and listing them for the admin pages.

use super::model::{State, take};
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
            size: super::model::size(&take::<String>(&mut row, "size")?)?,
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
        if self.prefix_len == self.first.family.bits() {
            self.first.to_string()
        } else {
            format!("{}/{}", self.first, self.prefix_len)
        }
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
            state_label: crate::choices::state_label(self.effective_state()),
            service_id: self.service_id,
            service: None,
            pool: None,
            quarantine_until: if self.state == State::Quarantined {
                self.quarantine_until.clone()
            } else {
                None
            },
            note: self.note.clone(),
            ptr: None,
            ptr_by_hand: false,
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
    pub state_label: &'static str,
    pub service_id: Option<u32>,
    /// "#12 vps4.example — Client Name", filled in by `list`.
    pub service: Option<String>,
    /// The pool's name, filled in by `list`.
    pub pool: Option<String>,
    pub quarantine_until: Option<String>,
    pub note: String,
    /// The PTR reverse DNS keeps for the address (hand-set or the default), filled in by
    /// `list`; None when its subnet's reverse zone is not managed.
    pub ptr: Option<String>,
    /// Whether `ptr` was set by hand for the holding service.
    pub ptr_by_hand: bool,
}

/// Fills in the service ("#12 vps4.example — Client Name") and pool names of a page of
/// addresses: two queries for the whole page.
fn name_holders(q: &mut impl Queryable, items: &mut [AddressView]) -> Outcome<()> {
    let mut services: Vec<u32> = items.iter().filter_map(|a| a.service_id).collect();
    services.sort_unstable();
    services.dedup();
    let mut pools: Vec<u64> = items.iter().filter_map(|a| a.pool_id).collect();
    pools.sort_unstable();
    pools.dedup();
    let marks = |n: usize| vec!["?"; n].join(", ");
    let service_names: Vec<(u32, String)> = if services.is_empty() {
        Vec::new()
    } else {
        q.exec(
            format!(
                "SELECT h.id, TRIM(CONCAT('#', h.id, ' ', COALESCE(h.domain, ''), \
                 COALESCE(CONCAT(' — ', NULLIF(TRIM(CONCAT(c.firstname, ' ', c.lastname)), '')), ''))) \
                 FROM tblhosting h LEFT JOIN tblclients c ON c.id = h.userid WHERE h.id IN ({})",
                marks(services.len())
            ),
            services.clone(),
        )?
    };
    let pool_names: Vec<(u64, String)> = if pools.is_empty() {
        Vec::new()
    } else {
        q.exec(
            format!(
                "SELECT id, name FROM mod_ipmanager_pools WHERE id IN ({})",
                marks(pools.len())
            ),
            pools.clone(),
        )?
    };
    // PTRs: what reverse DNS keeps for each held single address, and which were set by
    // hand for the service holding it.
    let singles: Vec<String> = items
        .iter()
        .filter(|a| a.service_id.is_some() && !a.address.contains('/'))
        .map(|a| a.ip.clone())
        .collect();
    let intended = crate::dns::mirror::intended(q, &singles)?;
    let by_hand: Vec<(Vec<u8>, u32)> = if singles.is_empty() {
        Vec::new()
    } else {
        let bytes: Vec<Vec<u8>> = singles
            .iter()
            .filter_map(|a| crate::net::Addr::parse(a, "Address").ok())
            .map(|a| a.to_bytes())
            .collect();
        q.exec(
            format!(
                "SELECT address, service_id FROM mod_ipmanager_ptrs WHERE address IN ({})",
                marks(bytes.len())
            ),
            bytes,
        )?
    };
    for item in items.iter_mut() {
        if item.service_id.is_none() || item.address.contains('/') {
            continue;
        }
        item.ptr = intended.get(&item.ip).cloned();
        if let (Some(service), Ok(addr)) = (
            item.service_id,
            crate::net::Addr::parse(&item.ip, "Address"),
        ) {
            let bytes = addr.to_bytes();
            item.ptr_by_hand = by_hand.iter().any(|(a, s)| *a == bytes && *s == service);
        }
    }
    for item in items {
        item.service = item.service_id.map(|id| {
            service_names
                .iter()
                .find(|(s, _)| *s == id)
                .map(|(_, label)| label.clone())
                .unwrap_or_else(|| format!("#{id} (no longer in WHMCS)"))
        });
        item.pool = item.pool_id.and_then(|id| {
            pool_names
                .iter()
                .find(|(p, _)| *p == id)
                .map(|(_, name)| name.clone())
        });
    }
    Ok(())
}

/// Adds the difference a state change makes to the subnet's and pool's counters. Sizes are
/// whole u128 values (a /1 of IPv6 is 2^127): the difference is written as a signed decimal.
pub fn adjust_counters(
    q: &mut impl Queryable,
    row: &AddressRow,
    before: Option<State>,
    after: Option<State>,
) -> Outcome<()> {
    // Addresses each state adds to the subnet's (assigned, reserved) counters.
    let weigh = |state: Option<State>| -> (u128, u128) {
        match state {
            _ if row.blocked => (0, 0),
            Some(State::Assigned | State::Releasing) => (row.size, 0),
            Some(State::Reserved | State::Quarantined) => (0, row.size),
            Some(State::Free) | None => (0, 0),
        }
    };
    let (before_a, before_r) = weigh(before);
    let (after_a, after_r) = weigh(after);
    if (before_a, before_r) != (after_a, after_r) {
        q.exec_drop(
            "UPDATE mod_ipmanager_subnets SET assigned_count = assigned_count + CAST(:a AS DECIMAL(39,0)), \
             reserved_count = reserved_count + CAST(:r AS DECIMAL(39,0)) WHERE id = :id",
            params! {"a" => signed(before_a, after_a), "r" => signed(before_r, after_r), "id" => row.subnet_id},
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

/// `after - before` as decimal text, without overflowing for sizes up to 2^128 - 1.
fn signed(before: u128, after: u128) -> String {
    if after >= before {
        (after - before).to_string()
    } else {
        format!("-{}", before - after)
    }
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
        let mut items = rows
            .into_iter()
            .map(|r| AddressRow::from_row(r).map(|row| row.view()).map_err(Failure::Domain))
            .collect::<Outcome<Vec<_>>>()?;
        name_holders(conn, &mut items)?;
        Ok(Page::new(items, total, filter.paging))
    })
}

/// The most specific subnet containing `addr` (child subnets carve their range out of the
/// parent, so the row holding an address is always in that subnet).
pub fn subnet_of(q: &mut impl Queryable, addr: Addr) -> Outcome<Option<u64>> {
    let bytes = addr.to_bytes();
    Ok(q.exec_first(
        "SELECT id FROM mod_ipmanager_subnets WHERE family = :f AND network <= :a AND last_address >= :a \
         ORDER BY prefix_len DESC LIMIT 1",
        params! {"f" => addr.family.number(), "a" => &bytes},
    )?)
}

/// The held row (assigned, releasing, reserved or quarantined; not a blocked row) covering
/// `addr` in `subnet_id`. Rows never overlap, so it is the nearest row at or below `addr`.
pub fn held_at(q: &mut impl Queryable, subnet_id: u64, addr: Addr) -> Outcome<Option<AddressRow>> {
    let row: Option<Row> = q.exec_first(
        format!(
            "SELECT {ROW_COLUMNS} FROM mod_ipmanager_addresses WHERE subnet_id = :s AND address <= :a \
             AND LENGTH(address) = LENGTH(:a) ORDER BY address DESC LIMIT 1"
        ),
        params! {"s" => subnet_id, "a" => addr.to_bytes()},
    )?;
    let row = row
        .map(|r| AddressRow::from_row(r).map_err(Failure::Domain))
        .transpose()?;
    Ok(row.filter(|r| r.last.value >= addr.value && !r.blocked && r.state != State::Free))
}

/// Row `id` read again under its subnet's lock, if `service_id` still holds it in one of
/// `states`; `None` when it changed meanwhile.
pub fn still_held(
    q: &mut impl Queryable,
    id: u64,
    service_id: Option<u32>,
    states: &[State],
) -> Outcome<Option<AddressRow>> {
    let row: Option<Row> = q.exec_first(
        format!("SELECT {ROW_COLUMNS} FROM mod_ipmanager_addresses WHERE id = :id AND service_id <=> :svc"),
        params! {"id" => id, "svc" => service_id},
    )?;
    let row = row
        .map(AddressRow::from_row)
        .transpose()
        .map_err(Failure::Domain)?;
    Ok(row.filter(|r| states.contains(&r.state)))
}

pub fn not_found(addr: &str) -> Error {
    Error::NotFound(format!(
        "{addr} is not assigned, reserved or quarantined in any subnet."
    ))
}
