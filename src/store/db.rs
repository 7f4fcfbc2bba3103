//! A connection pool plus the one place where statements are retried.

use super::config::DbConfig;
use super::retry::{self, MAX_ATTEMPTS, RetryPolicy, Transient};
use crate::error::{Error, Result};
use mysql::prelude::Queryable;
use mysql::{Pool, PooledConn, Transaction, TxOpts};
use std::sync::atomic::{AtomicU64, Ordering};

/// What a unit of work can fail with: a database error (maybe worth a retry) or a
/// domain error (never retried, reported as is).
#[derive(Debug)]
pub enum Failure {
    Db(mysql::Error),
    Domain(Error),
}

impl From<mysql::Error> for Failure {
    fn from(e: mysql::Error) -> Self {
        Failure::Db(e)
    }
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        Failure::Domain(e)
    }
}

pub type Outcome<T> = std::result::Result<T, Failure>;

pub struct Db {
    pool: Pool,
    endpoint: String,
    retried: AtomicU64,
}

impl Db {
    /// Opens the pool (one connection at once, more on demand up to the pool limit).
    pub fn connect(config: &DbConfig) -> Result<Db> {
        config.validate()?;
        let endpoint = config.endpoint();
        let pool = Pool::new(config.opts()?).map_err(|e| {
            Error::Database(format!(
                "Cannot connect to the database {endpoint}: {e}. Check $db_host, $db_port, \
                 $db_username, $db_password and $db_name in WHMCS configuration.php and that \
                 the server is running."
            ))
        })?;
        Ok(Db {
            pool,
            endpoint,
            retried: AtomicU64::new(0),
        })
    }

    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }

    /// How many attempts were repeated because of a transient failure since start-up.
    pub fn retried_attempts(&self) -> u64 {
        self.retried.load(Ordering::Relaxed)
    }

    /// Runs `work` on a pooled connection, retrying transient failures.
    /// `work` must be safe to repeat (a read, or a single idempotent statement).
    pub fn run<T>(
        &self,
        policy: RetryPolicy,
        mut work: impl FnMut(&mut PooledConn) -> Outcome<T>,
    ) -> Result<T> {
        self.retrying(policy, || {
            let mut conn = self.pool.get_conn()?;
            let outcome = work(&mut conn);
            discard_if_failed(&mut conn, &outcome);
            outcome
        })
    }

    /// Runs `work` inside one transaction and commits; on a transient failure the whole
    /// transaction is rolled back and run again from the start.
    pub fn transaction<T>(
        &self,
        policy: RetryPolicy,
        work: impl FnMut(&mut Transaction<'_>) -> Outcome<T>,
    ) -> Result<T> {
        self.in_transaction(policy, work, true)
    }

    /// Like `transaction`, but rolls back at the end: a dry run that goes through exactly the
    /// same statements as the real thing and keeps nothing.
    pub fn rehearse<T>(
        &self,
        policy: RetryPolicy,
        work: impl FnMut(&mut Transaction<'_>) -> Outcome<T>,
    ) -> Result<T> {
        self.in_transaction(policy, work, false)
    }

    fn in_transaction<T>(
        &self,
        policy: RetryPolicy,
        mut work: impl FnMut(&mut Transaction<'_>) -> Outcome<T>,
        commit: bool,
    ) -> Result<T> {
        self.retrying(policy, || {
            let mut conn = self.pool.get_conn()?;
            let outcome = in_transaction(&mut conn, &mut work, commit);
            discard_if_failed(&mut conn, &outcome);
            outcome
        })
    }

    /// A single query with no parameters, for status checks.
    pub fn server_version(&self) -> Result<String> {
        self.run(RetryPolicy::Transient, |conn| {
            let version: Option<String> = conn.query_first("SELECT VERSION()")?;
            Ok(version.unwrap_or_default())
        })
    }

    fn retrying<T>(
        &self,
        policy: RetryPolicy,
        mut attempt: impl FnMut() -> Outcome<T>,
    ) -> Result<T> {
        let mut last: Option<(Transient, mysql::Error)> = None;
        for number in 0..MAX_ATTEMPTS {
            match attempt() {
                Ok(value) => return Ok(value),
                Err(Failure::Domain(e)) => return Err(e),
                Err(Failure::Db(e)) => match retry::classify(&e) {
                    Some(kind) if policy.allows(kind) => {
                        self.retried.fetch_add(1, Ordering::Relaxed);
                        last = Some((kind, e));
                        retry::backoff(number);
                    }
                    _ => return Err(self.describe(&e)),
                },
            }
        }
        Err(match last {
            Some((kind, e)) => Error::Database(format!(
                "The database stayed busy ({kind:?}) through {MAX_ATTEMPTS} attempts on {}: {e}. \
                 Nothing was changed; try again in a moment, and if it persists check the \
                 database server's load and logs.",
                self.endpoint
            )),
            None => Error::Database("No database attempt was made.".into()),
        })
    }

    fn describe(&self, e: &mysql::Error) -> Error {
        Error::Database(format!(
            "Database error on {}: {e}. Nothing was changed.",
            self.endpoint
        ))
    }
}

fn in_transaction<T>(
    conn: &mut PooledConn,
    work: &mut impl FnMut(&mut Transaction<'_>) -> Outcome<T>,
    commit: bool,
) -> Outcome<T> {
    // The session runs READ COMMITTED (set when the connection opens, see `DbConfig::opts`):
    // after a row lock is granted, every later read sees what the previous holder committed.
    // Under REPEATABLE READ a read made before the lock would pin an older snapshot, and two
    // workers could both see the same address as free.
    let mut tx = conn.start_transaction(TxOpts::default())?;
    let value = work(&mut tx)?;
    if commit {
        tx.commit()?;
    } else {
        tx.rollback()?;
    }
    Ok(value)
}

/// Pooled connections are not health-checked on checkout (see `DbConfig::opts`), so after a
/// database error the connection is reset on its way back to the pool: a healthy one comes
/// back clean, a dead one fails the reset and is dropped instead of being handed out again.
fn discard_if_failed<T>(conn: &mut PooledConn, outcome: &Outcome<T>) {
    if matches!(outcome, Err(Failure::Db(_))) {
        conn.reset_connection(true);
    }
}
