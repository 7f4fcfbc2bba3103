//! The NetBox page at a glance: settings, whether NetBox answers now, the last sync and
//! push with their counts, and the queue of changes waiting for NetBox.

use super::{mirror, push, settings, sync};
use crate::error::Result;
use crate::paging::{Page, Paging};
use crate::providers::outbox::Queued;
use crate::store::{Db, RetryPolicy};
use mysql::prelude::Queryable;
use serde::Serialize;
use serde_json::Value;
use std::time::{Duration, Instant};

/// How long the page waits for NetBox's answer before showing it as not answering.
const LOOK: Duration = Duration::from_secs(2);

#[derive(Debug, Serialize)]
pub struct Connection {
    pub ok: bool,
    /// NetBox's version, or why it cannot be reached.
    pub message: String,
}

#[derive(Debug, Serialize)]
pub struct Overview {
    pub settings: settings::NetBoxSettings,
    /// None while NetBox has no URL or token.
    pub connection: Option<Connection>,
    pub last_push: Option<Value>,
    pub last_sync: Option<Value>,
    pub waiting: u64,
    /// Waiting changes whose last attempt failed.
    pub failing: u64,
    pub queue: Page<Queued>,
}

pub fn read(db: &Db, paging: Paging) -> Result<Overview> {
    let settings = settings::read(db)?;
    let connection = (!settings.url.is_empty() && settings.token_set).then(|| {
        let answer = super::client::NetBox::until(&settings, Some(Instant::now() + LOOK))
            .and_then(|nb| nb.status());
        match answer {
            Ok(version) => Connection {
                ok: true,
                message: version,
            },
            Err(e) => Connection {
                ok: false,
                message: e.to_string(),
            },
        }
    });
    let (waiting, failing): (u64, u64) = db
        .run(RetryPolicy::Transient, |conn| {
            Ok(conn.query_first(
                "SELECT COUNT(*), COALESCE(SUM(last_error IS NOT NULL), 0) FROM mod_ipmanager_outbox \
                 WHERE target = 'netbox' AND status = 'pending'",
            )?)
        })?
        .unwrap_or((0, 0));
    Ok(Overview {
        settings,
        connection,
        last_push: push::last(db)?,
        last_sync: sync::last(db)?,
        waiting,
        failing,
        queue: mirror::queue(db, paging)?,
    })
}
