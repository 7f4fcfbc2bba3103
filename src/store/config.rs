//! Database credentials as WHMCS's `configuration.php` holds them.

use crate::error::{Error, Result};
use mysql::{OptsBuilder, PoolConstraints, PoolOpts};
use std::fmt;
use std::time::Duration;

/// Connections per PHP worker: each FPM child has its own pool, so keep it small.
const POOL_MIN: usize = 1;
const POOL_MAX: usize = 4;
/// A server that accepts connections but never answers must not hang a PHP request: every
/// read and write on the socket gives up after this long (and the retry budget after 15 s).
const IO_TIMEOUT: Duration = Duration::from_secs(5);
/// Schema migrations may rebuild large tables; they use their own connection and wait longer.
const MIGRATION_IO_TIMEOUT: Duration = Duration::from_secs(900);

/// Text packets carry values escaped with backslashes (`script::literal`); a server whose
/// sql_mode reads backslashes literally would misread them, so the session never does. An
/// assignment for a `SET` statement.
pub const KEEP_BACKSLASH_ESCAPES: &str = "SESSION sql_mode = TRIM(BOTH ',' FROM \
    REPLACE(CONCAT(',', @@SESSION.sql_mode, ','), ',NO_BACKSLASH_ESCAPES,', ','))";

#[derive(Clone, PartialEq, Eq)]
pub struct DbConfig {
    pub host: String,
    pub port: u16,
    pub username: String,
    pub password: String,
    pub database: String,
    /// Unix socket path; when set it is used instead of host/port.
    pub socket: Option<String>,
}

// Hand-written so the password can never reach a log line or an error message.
impl fmt::Debug for DbConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DbConfig")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("username", &self.username)
            .field("password", &"********")
            .field("database", &self.database)
            .field("socket", &self.socket)
            .finish()
    }
}

impl DbConfig {
    /// Checks the values before any connection is tried, so mistakes get a precise message.
    pub fn validate(&self) -> Result<()> {
        if self.database.trim().is_empty() {
            return Err(Error::invalid(
                "Database name is empty: set $db_name in WHMCS configuration.php.",
            ));
        }
        if self.username.trim().is_empty() {
            return Err(Error::invalid(
                "Database user is empty: set $db_username in WHMCS configuration.php.",
            ));
        }
        if self.socket.is_none() && self.host.trim().is_empty() {
            return Err(Error::invalid(
                "Database host is empty: set $db_host in WHMCS configuration.php (for example 127.0.0.1).",
            ));
        }
        if self.port == 0 {
            return Err(Error::invalid(
                "Database port 0 is not valid: set $db_port in WHMCS configuration.php (MySQL's default is 3306).",
            ));
        }
        Ok(())
    }

    /// Where we connect, for status pages and error messages (never the password).
    pub fn endpoint(&self) -> String {
        match &self.socket {
            Some(socket) => format!("{}@unix:{}/{}", self.username, socket, self.database),
            None => format!(
                "{}@{}:{}/{}",
                self.username, self.host, self.port, self.database
            ),
        }
    }

    pub(crate) fn opts(&self) -> Result<OptsBuilder> {
        let constraints = PoolConstraints::new(POOL_MIN, POOL_MAX)
            .ok_or_else(|| Error::Database("Internal pool limits are inconsistent.".into()))?;
        Ok(self
            .base_opts(IO_TIMEOUT)
            // Every checkout would otherwise cost a ping and every return a connection reset,
            // which also throws away the prepared-statement cache: three extra round trips
            // per call on the hot path. Our work never leaves session state behind (each unit
            // commits or rolls back), and a connection that died while pooled fails its first
            // statement with a lost-connection error, which `Db` retries on a fresh one.
            .pool_opts(
                PoolOpts::default()
                    .with_constraints(constraints)
                    .with_reset_connection(false)
                    .with_check_health(false),
            ))
    }

    /// A single connection for schema migrations, which may run long statements.
    pub(crate) fn migration_opts(&self) -> OptsBuilder {
        self.base_opts(MIGRATION_IO_TIMEOUT)
    }

    fn base_opts(&self, io_timeout: Duration) -> OptsBuilder {
        let builder = OptsBuilder::new()
            .user(Some(&self.username))
            .pass(Some(&self.password))
            .db_name(Some(&self.database))
            // A TCP login must stay TCP: the server checks user@127.0.0.1, not user@localhost.
            .prefer_socket(false)
            .tcp_connect_timeout(Some(IO_TIMEOUT))
            .read_timeout(Some(io_timeout))
            .write_timeout(Some(io_timeout))
            // Session settings, two statements (each costs a round trip at connect):
            // - READ COMMITTED for the whole session (see `Db::transaction`), set once here
            //   rather than with an extra statement before every transaction;
            // - child subnet ranges are read with GROUP_CONCAT: never let them be cut off;
            // - a lock held elsewhere is waited for briefly, then the work is retried (within
            //   the retry budget) rather than hanging until the I/O timeout;
            // - text packets carry backslash-escaped values (`KEEP_BACKSLASH_ESCAPES`).
            .init(vec![
                "SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED".to_string(),
                format!(
                    "SET NAMES utf8mb4, time_zone = '+00:00', SESSION group_concat_max_len = 16777216, \
                     SESSION innodb_lock_wait_timeout = 3, {KEEP_BACKSLASH_ESCAPES}"
                ),
            ]);
        match &self.socket {
            Some(socket) => builder.socket(Some(socket)),
            None => builder.ip_or_hostname(Some(&self.host)).tcp_port(self.port),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> DbConfig {
        DbConfig {
            host: "127.0.0.1".into(),
            port: 3307,
            username: "whmcs".into(),
            password: "s3cret-pass".into(),
            database: "whmcs".into(),
            socket: None,
        }
    }

    #[test]
    fn debug_output_masks_the_password() {
        let shown = format!("{:?}", sample());
        assert!(!shown.contains("s3cret-pass"), "{shown}");
        assert!(shown.contains("whmcs"));
    }

    #[test]
    fn endpoint_names_user_host_and_database_but_not_password() {
        assert_eq!(sample().endpoint(), "whmcs@127.0.0.1:3307/whmcs");
        let mut cfg = sample();
        cfg.socket = Some("/tmp/x.sock".into());
        assert_eq!(cfg.endpoint(), "whmcs@unix:/tmp/x.sock/whmcs");
    }

    #[test]
    fn validation_names_the_configuration_variable() {
        let mut cfg = sample();
        cfg.database = " ".into();
        let err = cfg.validate().unwrap_err();
        assert!(err.to_string().contains("$db_name"), "{err}");
        let mut cfg = sample();
        cfg.port = 0;
        assert!(cfg.validate().unwrap_err().to_string().contains("$db_port"));
        assert!(sample().validate().is_ok());
    }
}
