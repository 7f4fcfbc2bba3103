//! What the dashboard and `phpinfo()` show about the database side.

use crate::store::{migrations, registry};
use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct DatabaseStatus {
    pub configured: bool,
    /// user@host:port/database, never the password.
    pub endpoint: Option<String>,
    pub connected: bool,
    pub error: Option<String>,
    pub server_version: Option<String>,
    pub schema_version: Option<u32>,
    pub latest_schema_version: u32,
    /// Attempts repeated in this PHP process since it started (deadlocks, Galera
    /// certification conflicts, lost connections).
    pub retried_attempts: u64,
    /// The server's id of the pooled connection this probe used: the same id in two
    /// requests served by one PHP-FPM worker shows the pool outlived the first request.
    pub connection_id: Option<u64>,
    /// Allocations made by this process, and how long each held its subnet's lock on
    /// average, at least (`ipam::allocator::lock_hold`).
    pub allocations_timed: u64,
    pub mean_lock_hold_us: f64,
}

/// Never fails: a broken database is reported in the status, not thrown, so the
/// dashboard can show it.
pub fn database_status() -> DatabaseStatus {
    let endpoint = registry::configured_endpoint();
    let mut status = DatabaseStatus {
        configured: endpoint.is_some(),
        endpoint,
        connected: false,
        error: None,
        server_version: None,
        schema_version: None,
        latest_schema_version: migrations::latest_version(),
        retried_attempts: 0,
        connection_id: None,
        allocations_timed: 0,
        mean_lock_hold_us: 0.0,
    };
    (status.allocations_timed, status.mean_lock_hold_us) =
        crate::ipam::allocator::lock_hold::summary();
    if !status.configured {
        return status;
    }
    let probe = registry::db().and_then(|db| {
        let (version, connection) = db.server_version_and_connection()?;
        let schema = migrations::current_version(&db)?;
        Ok((version, connection, schema, db.retried_attempts()))
    });
    match probe {
        Ok((version, connection, schema, retried)) => {
            status.retried_attempts = retried;
            status.connection_id = Some(connection);
            status.connected = true;
            status.server_version = Some(version);
            status.schema_version = Some(schema);
        }
        Err(e) => status.error = Some(e.to_string()),
    }
    status
}
