//! Usage alerts: a subnet or pool that reaches the threshold is reported once; it is
//! reported again only after its usage has fallen below the threshold and crossed it anew.

use crate::error::{Error, Result};
use crate::ipam::api;
use crate::store::{Db, RetryPolicy};
use crate::whmcs::addon_settings;
use mysql::params;
use mysql::prelude::Queryable;
use serde::{Deserialize, Serialize};

pub const THRESHOLD_SETTING: &str = "usage_alert_threshold";
const DEFAULT_THRESHOLD: f64 = 80.0;

#[derive(Debug, Serialize, Deserialize, PartialEq)]
pub struct Crossing {
    pub object_type: String,
    pub object_id: u64,
    pub name: String,
    /// CIDR of a subnet, range of a pool.
    pub range: String,
    pub percent: f64,
    pub used: String,
    pub usable: String,
}

#[derive(Debug, Serialize)]
pub struct AlertRun {
    pub threshold: f64,
    /// Newly above the threshold: to be emailed now.
    pub crossings: Vec<Crossing>,
    /// The first active admin (lowest id), who the alert is addressed to.
    pub admin: Option<Admin>,
}

#[derive(Debug, Serialize)]
pub struct Admin {
    pub id: u32,
    pub name: String,
    pub email: String,
}

pub fn check(db: &Db) -> Result<AlertRun> {
    let threshold = threshold(db)?;
    let mut observed: Vec<(&'static str, u64, String, String, f64, String, String)> = Vec::new();
    for s in api::subnet_list(db)? {
        let u = &s.utilization;
        observed.push((
            "subnet",
            s.id,
            s.name,
            s.cidr,
            u.percent,
            u.usable.saturating_sub(u.free).to_string(),
            u.usable.to_string(),
        ));
    }
    for p in api::pool_list(db, None)? {
        let u = &p.utilization;
        observed.push((
            "pool",
            p.id,
            p.name,
            p.cidr.unwrap_or(p.range),
            u.percent,
            u.usable.saturating_sub(u.free).to_string(),
            u.usable.to_string(),
        ));
    }
    let crossings = db.transaction(RetryPolicy::Transient, |tx| {
        let mut crossings = Vec::new();
        for (kind, id, name, range, percent, used, usable) in &observed {
            let was: Option<u8> = tx.exec_first(
                "SELECT alerted FROM mod_ipmanager_usage_alerts WHERE object_type = :t AND object_id = :id FOR UPDATE",
                params! {"t" => *kind, "id" => *id},
            )?;
            let above = *percent >= threshold;
            let newly = above && was != Some(1);
            tx.exec_drop(
                "INSERT INTO mod_ipmanager_usage_alerts (object_type, object_id, alerted, last_percent, last_alert_at) \
                 VALUES (:t, :id, :a, :p, IF(:n, UTC_TIMESTAMP(), NULL)) ON DUPLICATE KEY UPDATE alerted = VALUES(alerted), \
                 last_percent = VALUES(last_percent), last_alert_at = IF(:n, UTC_TIMESTAMP(), last_alert_at)",
                params! {"t" => *kind, "id" => *id, "a" => above, "p" => *percent, "n" => newly},
            )?;
            if newly {
                crossings.push(Crossing {
                    object_type: kind.to_string(), object_id: *id, name: name.clone(), range: range.clone(), percent: *percent,
                    used: used.clone(), usable: usable.clone(),
                });
            }
        }
        Ok(crossings)
    })?;
    let admin = db.run(RetryPolicy::Transient, |conn| {
        let row: Option<(u32, String, String, String)> = conn.query_first(
            "SELECT id, firstname, lastname, email FROM tbladmins WHERE disabled = 0 ORDER BY id LIMIT 1",
        )?;
        Ok(row.map(|(id, first, last, email)| Admin { id, name: format!("{first} {last}").trim().to_string(), email }))
    })?;
    Ok(AlertRun {
        threshold,
        crossings,
        admin,
    })
}

fn threshold(db: &Db) -> Result<f64> {
    let settings = addon_settings::read(db)?;
    match settings.get(THRESHOLD_SETTING).map(|v| v.trim()) {
        None | Some("") => Ok(DEFAULT_THRESHOLD),
        Some(v) => v
            .trim_end_matches('%')
            .parse::<f64>()
            .ok()
            .filter(|t| (1.0..=100.0).contains(t))
            .ok_or_else(|| Error::invalid(format!(
                "The addon setting \"Usage Alert Threshold (%)\" is '{v}'; set a number from 1 to 100."
            ))),
    }
}
