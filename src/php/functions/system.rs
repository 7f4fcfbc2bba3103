//! Version, database set-up, status and the addon's lifecycle.

use crate::error::{Error, Result};
use crate::lifecycle;
use crate::php::convert::{from_zval, to_php};
use crate::php::loose::Fields;
use crate::status;
use crate::store::{DbConfig, migrations, registry};
use ext_php_rs::prelude::*;
use ext_php_rs::types::Zval;
use serde::Serialize;

const DEFAULT_MYSQL_PORT: i64 = 3306;

/// The extension's version (the crate version).
#[php_function]
pub fn ipmanager_version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}

/// Hands over WHMCS's database credentials; cheap when they did not change.
#[php_function]
pub fn ipmanager_configure(db: &Zval) -> PhpResult<()> {
    let config = db_config(&from_zval(db)?)?;
    registry::configure(config)?;
    Ok(())
}

fn db_config(value: &serde_json::Value) -> Result<DbConfig> {
    let fields = Fields::new("database settings", value)?;
    fields.allow_only(&["host", "port", "username", "password", "database", "socket"])?;
    let port = fields
        .optional_int("port", 1, i64::from(u16::MAX))?
        .unwrap_or(DEFAULT_MYSQL_PORT);
    Ok(DbConfig {
        host: fields.optional_str("host")?.unwrap_or_default(),
        port: u16::try_from(port).map_err(|_| Error::invalid("'port' is out of range."))?,
        username: fields.required_str("username")?,
        password: fields.optional_str("password")?.unwrap_or_default(),
        database: fields.required_str("database")?,
        socket: fields
            .optional_str("socket")?
            .filter(|s| !s.trim().is_empty()),
    })
}

#[derive(Serialize)]
struct Status {
    version: &'static str,
    php_build: String,
    php_version_built: &'static str,
    #[serde(flatten)]
    database: status::DatabaseStatus,
}

/// Version, the PHP build the extension was compiled for, and the database state.
#[php_function]
pub fn ipmanager_status() -> PhpResult<Zval> {
    let status = Status {
        version: env!("CARGO_PKG_VERSION"),
        php_build: crate::php::info::php_build_id(),
        php_version_built: crate::php::info::PHP_VERSION_BUILT,
        database: status::database_status(),
    };
    Ok(to_php(&status)?)
}

/// Runs pending schema migrations; returns from/to version and what was applied.
#[php_function]
pub fn ipmanager_migrate() -> PhpResult<Zval> {
    let db = registry::db()?;
    Ok(to_php(&migrations::migrate(&db)?)?)
}

/// The schema version recorded in the database (0 before activation).
#[php_function]
pub fn ipmanager_schema_version() -> PhpResult<i64> {
    let db = registry::db()?;
    Ok(i64::from(migrations::current_version(&db)?))
}

/// `_activate`: creates the schema. Running it again changes nothing.
#[php_function]
pub fn ipmanager_lifecycle_activate() -> PhpResult<Zval> {
    let db = registry::db()?;
    Ok(to_php(&lifecycle::activate(&db)?)?)
}

/// `_upgrade`: migrates forward from whatever version the database holds.
#[php_function]
pub fn ipmanager_lifecycle_upgrade(previous_version: &Zval) -> PhpResult<Zval> {
    let previous = match from_zval(previous_version)? {
        serde_json::Value::String(s) => s,
        serde_json::Value::Number(n) => n.to_string(),
        _ => {
            return Err(Error::invalid(
                "The previous version must be a string such as \"1.0.0\" (WHMCS passes $vars['version']).",
            )
            .into());
        }
    };
    let db = registry::db()?;
    Ok(to_php(&lifecycle::upgrade(&db, &previous)?)?)
}

/// `_deactivate`: keeps the data unless deletion was ticked and confirmed in the settings.
#[php_function]
pub fn ipmanager_lifecycle_deactivate() -> PhpResult<Zval> {
    let db = registry::db()?;
    Ok(to_php(&lifecycle::deactivate(&db)?)?)
}

/// The addon's settings as WHMCS stores them (tbladdonmodules), for the cron script and
/// pages that WHMCS does not hand `$vars` to.
#[php_function]
pub fn ipmanager_settings() -> PhpResult<Zval> {
    let db = registry::db()?;
    Ok(to_php(&crate::whmcs::addon_settings::read(&db)?)?)
}

pub fn register(module: ModuleBuilder) -> ModuleBuilder {
    module
        .function(wrap_function!(ipmanager_version))
        .function(wrap_function!(ipmanager_configure))
        .function(wrap_function!(ipmanager_status))
        .function(wrap_function!(ipmanager_migrate))
        .function(wrap_function!(ipmanager_schema_version))
        .function(wrap_function!(ipmanager_lifecycle_activate))
        .function(wrap_function!(ipmanager_lifecycle_upgrade))
        .function(wrap_function!(ipmanager_lifecycle_deactivate))
        .function(wrap_function!(ipmanager_settings))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn db_config_defaults_the_port_and_ignores_an_empty_socket() {
        let cfg = db_config(
            &json!({"host": "127.0.0.1", "username": "u", "database": "d", "socket": ""}),
        )
        .unwrap();
        assert_eq!(cfg.port, 3306);
        assert_eq!(cfg.socket, None);
    }

    #[test]
    fn db_config_requires_user_and_database() {
        let err = db_config(&json!({"host": "h", "database": "d"})).unwrap_err();
        assert!(err.to_string().contains("'username'"), "{err}");
    }
}
