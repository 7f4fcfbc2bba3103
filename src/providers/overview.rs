//! What the Integrations page shows: every integration's settings, every WHMCS server with
//! the integration serving its module and how it is reached, and the outbox queue.

use super::configured::Configured;
use super::outbox::{self, Queued};
use super::settings::{self, IntegrationSettings, Kind, ServerSettings};
use super::{Providers, servers};
use crate::error::{Error, Result};
use crate::paging::{Page, Paging};
use crate::store::{Db, RetryPolicy};
use mysql::params;
use mysql::prelude::Queryable;
use serde::Serialize;

#[derive(Debug, Serialize)]
pub struct Server {
    pub id: u32,
    pub name: String,
    pub module: String,
    pub hostname: String,
    /// The enabled integration serving the server's module.
    pub integration: Option<String>,
    pub settings: ServerSettings,
}

#[derive(Debug, Serialize)]
pub struct Overview {
    pub integrations: Vec<IntegrationSettings>,
    pub servers: Vec<Server>,
    pub waiting: u64,
    pub failing: u64,
    pub queue: Page<Queued>,
}

pub fn read(db: &Db, paging: Paging) -> Result<Overview> {
    let integrations = settings::all(db)?;
    let configured = Configured::from_settings(integrations.clone());
    let (servers, waiting, failing) = db.run(RetryPolicy::Transient, |conn| {
        let rows: Vec<(u32, String, String, String, String)> = conn.query(
            "SELECT id, name, type, hostname, ipaddress FROM tblservers ORDER BY name, id",
        )?;
        let mut servers = Vec::with_capacity(rows.len());
        for (id, name, module, hostname, ip) in rows {
            servers.push(Server {
                id,
                integration: configured.settings_for(&module).map(|s| s.label.clone()),
                name,
                module,
                hostname: if hostname.is_empty() { ip } else { hostname },
                settings: settings::server_settings(conn, id)?,
            });
        }
        let counts: Option<(u64, u64)> = conn.query_first(
            "SELECT COUNT(*), COALESCE(SUM(last_error IS NOT NULL), 0) FROM mod_ipmanager_outbox WHERE target = 'panel' AND status = 'pending'",
        )?;
        let (waiting, failing) = counts.unwrap_or((0, 0));
        Ok((servers, waiting, failing))
    })?;
    Ok(Overview {
        integrations,
        servers,
        waiting,
        failing,
        queue: outbox::list(db, outbox::Target::Panel, paging)?,
    })
}

/// "Test connection" for a WHMCS server: the integration of `kind` (or the one serving the
/// server's module) asks the panel its version with the server's credentials.
pub fn test_connection(db: &Db, server_id: u32, kind: Option<Kind>) -> Result<String> {
    let configured = Configured::load(db)?;
    let (server, module) = db.run(RetryPolicy::Transient, |conn| {
        let module: Option<String> = conn.exec_first(
            "SELECT type FROM tblservers WHERE id = :id",
            params! {"id" => server_id},
        )?;
        Ok((servers::access(conn, server_id)?, module))
    })?;
    let (Some(server), Some(module)) = (server, module) else {
        return Err(Error::NotFound(format!(
            "Server #{server_id} does not exist in WHMCS."
        )));
    };
    let provider = match kind {
        Some(kind) => configured.by_kind(kind),
        None => configured.for_module(&module),
    }
    .ok_or_else(|| {
        Error::invalid(format!(
            "No integration is enabled for the module '{module}' of server #{server_id}; enable one or choose which to test."
        ))
    })?;
    provider.test_connection(&server)
}
