//! Versioned schema migrations for every `mod_ipmanager_*` table.
//!
//! Each migration is a list of statements that can be re-run safely (`IF NOT EXISTS`):
//! MariaDB commits DDL implicitly, so a migration interrupted half-way must be able to
//! run again from its first statement. A version is recorded only after all its
//! statements succeeded.

mod v001_foundation;
mod v002_logs;
mod v003_ipam;
mod v004_provisioning;
mod v005_alerts;
mod v006_free_space;
mod v007_guard;
mod v008_outbox;
mod v009_integrations;
mod v010_outbox_notes;
mod v011_netbox;
mod v012_netbox_scopes;
mod v013_outbox_targets;
mod v014_reverse_dns;

use super::db::{Db, Outcome};
use super::retry::RetryPolicy;
use crate::error::{Error, Result};
use mysql::prelude::Queryable;
use mysql::{PooledConn, params};
use serde::Serialize;

pub struct Migration {
    pub version: u32,
    pub name: &'static str,
    pub statements: &'static [&'static str],
    /// A data step run after the statements; it must be safe to run again from the start.
    pub rebuild: Option<fn(&mut mysql::Conn) -> Outcome<()>>,
}

/// Every migration, oldest first. Never edit a released one: add a new version.
pub const MIGRATIONS: &[Migration] = &[
    v001_foundation::MIGRATION,
    v002_logs::MIGRATION,
    v003_ipam::MIGRATION,
    v004_provisioning::MIGRATION,
    v005_alerts::MIGRATION,
    v006_free_space::MIGRATION,
    v007_guard::MIGRATION,
    v008_outbox::MIGRATION,
    v009_integrations::MIGRATION,
    v010_outbox_notes::MIGRATION,
    v011_netbox::MIGRATION,
    v012_netbox_scopes::MIGRATION,
    v013_outbox_targets::MIGRATION,
    v014_reverse_dns::MIGRATION,
];

pub const TABLE_PREFIX: &str = "mod_ipmanager_";
const ER_NO_SUCH_TABLE: u16 = 1146;
/// Serialises migrations between PHP workers (two admins clicking Activate at once).
const LOCK_NAME: &str = "mod_ipmanager_migrations";
const LOCK_WAIT_SECONDS: u32 = 30;

pub fn latest_version() -> u32 {
    MIGRATIONS.last().map_or(0, |m| m.version)
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MigrationReport {
    pub from_version: u32,
    pub to_version: u32,
    pub applied: Vec<String>,
}

/// Brings the schema to the latest version. A second run is a no-op.
pub fn migrate(db: &Db) -> Result<MigrationReport> {
    migrate_to(db, latest_version())
}

/// Brings the schema to `target` (tests use it to build every earlier version).
pub fn migrate_to(db: &Db, target: u32) -> Result<MigrationReport> {
    if target > latest_version() {
        return Err(Error::invalid(format!(
            "Schema version {target} does not exist; this build knows versions up to {}.",
            latest_version()
        )));
    }
    db.dedicated(|conn| {
        take_lock(conn)?;
        let outcome = apply_pending(conn, target);
        let released: Outcome<Option<i64>> = conn
            .exec_first("SELECT RELEASE_LOCK(:name)", params! {"name" => LOCK_NAME})
            .map_err(Into::into);
        let report = outcome?;
        released?;
        Ok(report)
    })
}

/// The version recorded in the database; 0 when the module was never activated.
pub fn current_version(db: &Db) -> Result<u32> {
    db.run(RetryPolicy::Transient, recorded_version)
}

/// Drops every `mod_ipmanager_*` table. Only the deactivate path behind the explicit,
/// confirmed setting calls this.
pub fn drop_all_tables(db: &Db) -> Result<Vec<String>> {
    db.run(RetryPolicy::Transient, |conn| {
        let names = module_tables(conn)?;
        for name in &names {
            // Identifiers cannot be bound as parameters; `module_tables` only returns
            // names made of [a-z0-9_] that start with our prefix.
            conn.query_drop(format!("DROP TABLE IF EXISTS `{name}`"))?;
        }
        Ok(names)
    })
}

/// Names of the module's tables in the current database, validated as safe identifiers.
pub fn module_tables(conn: &mut PooledConn) -> Outcome<Vec<String>> {
    let names: Vec<String> = conn.exec(
        "SELECT TABLE_NAME FROM information_schema.TABLES \
         WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME LIKE :pattern ORDER BY TABLE_NAME",
        params! {"pattern" => format!("{}%", TABLE_PREFIX.replace('_', "\\_"))},
    )?;
    Ok(names
        .into_iter()
        .filter(|n| {
            n.starts_with(TABLE_PREFIX)
                && n.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        })
        .collect())
}

fn take_lock(conn: &mut impl Queryable) -> Outcome<()> {
    let got: Option<i64> = conn.exec_first(
        "SELECT GET_LOCK(:name, :wait)",
        params! {"name" => LOCK_NAME, "wait" => LOCK_WAIT_SECONDS},
    )?;
    if got == Some(1) {
        Ok(())
    } else {
        Err(Error::Database(format!(
            "Another process has been migrating the IP Manager schema for over \
             {LOCK_WAIT_SECONDS} s; wait for it to finish and try again."
        ))
        .into())
    }
}

fn apply_pending(conn: &mut mysql::Conn, target: u32) -> Outcome<MigrationReport> {
    let from_version = recorded_version(conn)?;
    if from_version > latest_version() {
        return Err(Error::Conflict(format!(
            "The database holds IP Manager schema version {from_version}, newer than this build \
             knows ({}). Install the newer extension build instead of downgrading.",
            latest_version()
        ))
        .into());
    }
    let mut applied = Vec::new();
    for migration in MIGRATIONS
        .iter()
        .filter(|m| m.version > from_version && m.version <= target)
    {
        for statement in migration.statements {
            conn.query_drop(*statement)?;
        }
        if let Some(rebuild) = migration.rebuild {
            rebuild(conn)?;
        }
        conn.exec_drop(
            "INSERT INTO mod_ipmanager_schema_version (version, name, applied_at) \
             VALUES (:version, :name, UTC_TIMESTAMP())",
            params! {"version" => migration.version, "name" => migration.name},
        )?;
        applied.push(format!("{:03} {}", migration.version, migration.name));
    }
    Ok(MigrationReport {
        from_version,
        to_version: from_version.max(target),
        applied,
    })
}

fn recorded_version(conn: &mut impl Queryable) -> Outcome<u32> {
    match conn
        .query_first::<Option<u32>, _>("SELECT MAX(version) FROM mod_ipmanager_schema_version")
    {
        Ok(version) => Ok(version.flatten().unwrap_or(0)),
        // No version table yet: the module was never activated.
        Err(mysql::Error::MySqlError(e)) if e.code == ER_NO_SUCH_TABLE => Ok(0),
        Err(e) => Err(e.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_are_consecutive_from_one() {
        for (index, migration) in MIGRATIONS.iter().enumerate() {
            assert_eq!(migration.version as usize, index + 1, "{}", migration.name);
        }
    }

    #[test]
    fn every_statement_can_be_rerun() {
        for migration in MIGRATIONS {
            for statement in migration.statements {
                let s = statement.trim_start().to_ascii_uppercase();
                let rerunnable = s.contains("IF NOT EXISTS")
                    || s.contains("IF EXISTS")
                    || s.starts_with("INSERT IGNORE");
                assert!(
                    rerunnable,
                    "v{} is not re-runnable: {statement}",
                    migration.version
                );
            }
        }
    }

    #[test]
    fn every_table_has_the_module_prefix() {
        for migration in MIGRATIONS {
            for statement in migration.statements {
                let upper = statement.to_ascii_uppercase();
                if let Some(pos) = upper.find("CREATE TABLE IF NOT EXISTS ") {
                    let rest = &statement[pos + "CREATE TABLE IF NOT EXISTS ".len()..];
                    assert!(rest.trim_start().starts_with(TABLE_PREFIX), "{statement}");
                }
            }
        }
    }
}
