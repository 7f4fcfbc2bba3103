//! What the admin dashboard shows at a glance: the fullest subnets and pools, orphans waiting,
//! addresses stuck `releasing` and why, usage alerts raised, and when Synchronize and the IP
//! Cleaner last ran. Each figure names what the page links to.

use crate::error::Result;
use crate::ipam::model::take;
use crate::ipam::model::{Pool, Subnet};
use crate::ipam::utilization::Utilization;
use crate::ipam::{api, pools, subnets};
use crate::jobs::orphans;
use crate::net::Addr;
use crate::store::{Db, RetryPolicy};
use mysql::prelude::Queryable;
use mysql::{Row, params};
use serde::Serialize;

/// How many of the fullest subnets and pools, and of the addresses releasing, are listed.
const TOP: usize = 5;

#[derive(Debug, Serialize)]
pub struct Dashboard {
    pub fullest_subnets: Vec<Fullest>,
    pub fullest_pools: Vec<Fullest>,
    /// Addresses still assigned to services that are no longer live (the Orphaned page).
    pub orphans: u64,
    pub releasing_total: u64,
    pub releasing: Vec<Releasing>,
    pub alerts: Vec<Alert>,
    pub last_sync: Option<LastRun>,
    pub last_cleaner: Option<LastRun>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Fullest {
    pub id: u64,
    /// "10.0.0.0/24 DE-FRE1" for a subnet, "VPS pool (10.0.0.0/24)" for a pool.
    pub label: String,
    pub utilization: Utilization,
}

#[derive(Debug, Serialize)]
pub struct Releasing {
    pub id: u64,
    pub address: String,
    pub service_id: Option<u32>,
    /// Why the panel has not confirmed the removal yet.
    pub reason: String,
    pub since: String,
}

#[derive(Debug, Serialize)]
pub struct Alert {
    /// "subnet" or "pool".
    pub object_type: String,
    pub object_id: u64,
    pub label: String,
    pub percent: f64,
    pub since: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct LastRun {
    pub at: String,
    pub message: String,
}

/// How many subnets and pools, ranked by their counters, get an exact utilization before
/// the fullest are picked: counters can differ from the exact figure (overlaps with blocked
/// ranges, ended quarantines), never by enough to push a fullest one out of this many.
const CANDIDATES: usize = 3 * TOP;

/// Subnets by how full their counters say they are (held addresses and child subnets over
/// the addresses their rules leave usable), fullest first: no query per subnet.
fn rank_subnets(all: &[Subnet]) -> Vec<u64> {
    let mut children: std::collections::HashMap<u64, u128> = std::collections::HashMap::new();
    for child in all {
        if let Some(parent) = child.parent_id {
            let size = child.cidr.size().unwrap_or(u128::MAX);
            let sum = children.entry(parent).or_default();
            *sum = sum.saturating_add(size);
        }
    }
    let ranked: Vec<(f64, u64)> = all
        .iter()
        .map(|s| {
            let size = s.cidr.size().unwrap_or(u128::MAX);
            let blocked: u128 = s
                .rule_blocked()
                .iter()
                .map(|(r, _)| r.count())
                .fold(0, u128::saturating_add);
            let held = s
                .assigned_count
                .get()
                .saturating_add(s.reserved_count.get())
                .saturating_add(children.get(&s.id).copied().unwrap_or(0));
            (ratio(held, size.saturating_sub(blocked)), s.id)
        })
        .collect();
    fullest_first(ranked)
}

/// Pools by their assigned units over the units their range holds, fullest first.
fn rank_pools(all: &[Pool]) -> Vec<u64> {
    let ranked: Vec<(f64, u64)> = all
        .iter()
        .map(|p| {
            let host_bits = u32::from(p.family().bits() - p.unit_prefix_len);
            let units = p.range.count().checked_shr(host_bits).unwrap_or(0).max(1);
            (ratio(p.assigned_count, units), p.id)
        })
        .collect();
    fullest_first(ranked)
}

/// The ids of (fullness, id) pairs, fullest first, ties by id.
fn fullest_first(mut ranked: Vec<(f64, u64)>) -> Vec<u64> {
    ranked.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    ranked.into_iter().map(|(_, id)| id).collect()
}

fn ratio(part: u128, whole: u128) -> f64 {
    if whole == 0 {
        1.0
    } else {
        part as f64 / whole as f64
    }
}

/// The exact utilization of the best-ranked candidates, fullest first, the top few kept.
fn fullest(
    ranked: Vec<u64>,
    view: impl Fn(u64) -> Result<(String, Utilization)>,
) -> Result<Vec<Fullest>> {
    let mut exact = ranked
        .into_iter()
        .take(CANDIDATES)
        .map(|id| {
            view(id).map(|(label, utilization)| Fullest {
                id,
                label,
                utilization,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    exact.sort_by(|a, b| {
        b.utilization
            .percent
            .total_cmp(&a.utilization.percent)
            .then(a.id.cmp(&b.id))
    });
    exact.truncate(TOP);
    Ok(exact)
}

pub fn read(db: &Db) -> Result<Dashboard> {
    let fullest_subnets = fullest(rank_subnets(&subnets::list(db)?), |id| {
        api::subnet_view(db, id).map(|s| (format!("{} {}", s.cidr, s.name), s.utilization))
    })?;
    let fullest_pools = fullest(rank_pools(&pools::list(db, None)?), |id| {
        api::pool_view(db, id).map(|p| (format!("{} ({})", p.name, p.subnet_cidr), p.utilization))
    })?;
    let orphans = orphans::list(
        db,
        &orphans::Orphans {
            paging: crate::paging::Paging {
                page: 1,
                per_page: 1,
            },
        },
    )?
    .total;
    db.run(RetryPolicy::Transient, |conn| {
        let (releasing_total, releasing) = releasing(conn)?;
        Ok(Dashboard {
            fullest_subnets: fullest_subnets.clone(),
            fullest_pools: fullest_pools.clone(),
            orphans,
            releasing_total,
            releasing,
            alerts: alerts(conn)?,
            last_sync: last_run(conn, crate::jobs::sync::RUN_ACTION)?,
            last_cleaner: last_run(conn, crate::jobs::cleaner::RUN_ACTION)?,
        })
    })
}

fn releasing(conn: &mut impl Queryable) -> crate::store::Outcome<(u64, Vec<Releasing>)> {
    let total: Option<u64> =
        conn.query_first("SELECT COUNT(*) FROM mod_ipmanager_addresses WHERE state = 'releasing'")?;
    let rows: Vec<Row> = conn.query(format!(
        "SELECT id, address, prefix_len, service_id, note, DATE_FORMAT(updated_at, '%Y-%m-%d %H:%i') AS since \
         FROM mod_ipmanager_addresses WHERE state = 'releasing' ORDER BY updated_at, id LIMIT {TOP}"
    ))?;
    let mut out = Vec::with_capacity(rows.len());
    for mut row in rows {
        let first = Addr::from_bytes(&take::<Vec<u8>>(&mut row, "address")?)?;
        let len: u8 = take(&mut row, "prefix_len")?;
        out.push(Releasing {
            id: take(&mut row, "id")?,
            address: crate::ipam::allocator::unit_text(first, len)?,
            service_id: take(&mut row, "service_id")?,
            reason: take(&mut row, "note")?,
            since: take(&mut row, "since")?,
        });
    }
    Ok((total.unwrap_or(0), out))
}

fn alerts(conn: &mut impl Queryable) -> crate::store::Outcome<Vec<Alert>> {
    let rows: Vec<Row> = conn.query(
        "SELECT a.object_type, a.object_id, CAST(a.last_percent AS CHAR) AS percent, \
         DATE_FORMAT(a.last_alert_at, '%Y-%m-%d %H:%i') AS since, \
         COALESCE(CONCAT(p.name, ' (pool)'), s.name, '') AS label \
         FROM mod_ipmanager_usage_alerts a \
         LEFT JOIN mod_ipmanager_pools p ON a.object_type = 'pool' AND p.id = a.object_id \
         LEFT JOIN mod_ipmanager_subnets s ON a.object_type = 'subnet' AND s.id = a.object_id \
         WHERE a.alerted = 1 ORDER BY a.last_percent DESC",
    )?;
    let mut out = Vec::with_capacity(rows.len());
    for mut row in rows {
        let percent: String = take(&mut row, "percent")?;
        out.push(Alert {
            object_type: take(&mut row, "object_type")?,
            object_id: take(&mut row, "object_id")?,
            label: take(&mut row, "label")?,
            percent: percent.parse().unwrap_or(0.0),
            since: take(&mut row, "since")?,
        });
    }
    Ok(out)
}

fn last_run(conn: &mut impl Queryable, action: &str) -> crate::store::Outcome<Option<LastRun>> {
    let found: Option<(String, String)> = conn.exec_first(
        "SELECT DATE_FORMAT(created_at, '%Y-%m-%d %H:%i'), message FROM mod_ipmanager_logs \
         WHERE action = :a ORDER BY created_at DESC, id DESC LIMIT 1",
        params! {"a" => action},
    )?;
    Ok(found.map(|(at, message)| LastRun { at, message }))
}
