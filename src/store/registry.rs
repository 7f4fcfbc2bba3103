//! The per-process database handle. PHP-FPM forks its workers after module start-up, so
//! the pool is opened lazily on first use in each worker, never at start-up.

use super::config::DbConfig;
use super::db::Db;
use crate::error::{Error, Result};
use parking_lot::Mutex;
use std::sync::Arc;

struct Active {
    config: DbConfig,
    db: Option<Arc<Db>>,
}

static ACTIVE: Mutex<Option<Active>> = Mutex::new(None);

/// Records the credentials. The same credentials again keep the open pool; new ones
/// drop it so the next call connects with them.
pub fn configure(config: DbConfig) -> Result<()> {
    config.validate()?;
    let mut active = ACTIVE.lock();
    if active.as_ref().is_some_and(|a| a.config == config) {
        return Ok(());
    }
    *active = Some(Active { config, db: None });
    Ok(())
}

/// The configured endpoint (user, host, database; never the password), if any.
pub fn configured_endpoint() -> Option<String> {
    ACTIVE.lock().as_ref().map(|a| a.config.endpoint())
}

/// The database handle, connecting on first use.
pub fn db() -> Result<Arc<Db>> {
    let mut guard = ACTIVE.lock();
    let active = guard.as_mut().ok_or_else(|| {
        Error::NotConfigured(
            "No database is configured: call ipmanager_configure() with the credentials from \
             WHMCS configuration.php first (the addon does this on every request)."
                .into(),
        )
    })?;
    if let Some(db) = &active.db {
        return Ok(Arc::clone(db));
    }
    let db = Arc::new(Db::connect(&active.config)?);
    active.db = Some(Arc::clone(&db));
    Ok(db)
}
