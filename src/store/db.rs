//! A connection pool plus the one place where work is retried.

use super::config::DbConfig;
use super::retry::{self, Budget, RetryPolicy, Transient};
use super::tx::{self, OpKey, Tx};
use crate::error::{Error, Result};
use mysql::prelude::Queryable;
use mysql::{Pool, PooledConn};
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::sync::atomic::{AtomicU64, Ordering};

/// What a unit of work can fail with.
#[derive(Debug)]
pub enum Failure {
    /// A database error (maybe worth a retry).
    Db(mysql::Error),
    /// A domain error: never retried, reported as is.
    Domain(Error),
    /// What the work read under its locks changed before it wrote (a conditional write found
    /// no row, or the cluster rolled the transaction back): run it again from the start.
    Stale(String),
    /// An earlier attempt may have committed (its operation key exists, or the connection
    /// broke during COMMIT): look the key up before doing anything again.
    Uncertain(String),
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

/// A connection or transaction that reports how many rows its last statement changed.
pub trait Counted: Queryable {
    fn changed_rows(&self) -> u64;
}

impl Counted for Tx<'_> {
    fn changed_rows(&self) -> u64 {
        self.affected_rows()
    }
}

impl Counted for mysql::Conn {
    fn changed_rows(&self) -> u64 {
        self.affected_rows()
    }
}

/// Checks that a conditional write touched exactly the rows it expected.
pub fn expect_rows(q: &impl Counted, expected: u64, what: &str) -> Outcome<()> {
    let got = q.changed_rows();
    if got == expected {
        Ok(())
    } else {
        Err(Failure::Stale(format!(
            "{what}: expected {expected} row(s), changed {got}"
        )))
    }
}

pub struct Db {
    pool: Pool,
    config: DbConfig,
    endpoint: String,
    retried: AtomicU64,
}

/// How an attempt ended, as far as the retry loop is concerned.
enum Attempt<T> {
    Done(T),
    Retry {
        kind: Transient,
        detail: String,
    },
    /// The connection broke while COMMIT may have been under way: the next attempt first
    /// looks up the operation key.
    Uncertain {
        detail: String,
    },
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
            config: config.clone(),
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

    /// Runs reads (or single statements that are safe to repeat) on a pooled connection,
    /// retrying transient failures.
    pub fn run<T>(
        &self,
        policy: RetryPolicy,
        mut work: impl FnMut(&mut PooledConn) -> Outcome<T>,
    ) -> Result<T> {
        self.retrying(policy, |_| {
            let mut conn = self.pool.get_conn()?;
            let outcome = work(&mut conn);
            if outcome.is_err() {
                conn.reset_connection(true);
            }
            outcome
        })
    }

    /// Runs `work` as one transaction and commits it. A transient failure re-runs it from
    /// the start on a fresh transaction; a retry after a lost COMMIT acknowledgement returns
    /// what the committed attempt returned instead of running again.
    pub fn transaction<T: Serialize + DeserializeOwned>(
        &self,
        policy: RetryPolicy,
        mut work: impl FnMut(&mut Tx<'_>) -> Outcome<T>,
    ) -> Result<T> {
        let key = OpKey::new();
        self.retrying(policy, |verify| {
            let mut conn = self.pool.get_conn()?;
            if verify && let Some(done) = tx::committed_result(&mut conn, key)? {
                return serde_json::from_str(&done).map_err(|e| {
                    Failure::Domain(Error::Internal(format!(
                        "The result of a committed change could not be read back ({e})."
                    )))
                });
            }
            let outcome = attempt(&mut conn, key, &mut work);
            if outcome.is_err() {
                // Nothing more is sent on this connection: the pool resets it (which rolls
                // back whatever the server still holds, e.g. after a guard stopped a packet)
                // before anyone uses it again.
                conn.reset_connection(true);
            }
            outcome
        })
    }

    /// Like `transaction`, but rolls back at the end: a dry run that goes through exactly the
    /// same statements as the real thing and keeps nothing.
    pub fn rehearse<T>(
        &self,
        policy: RetryPolicy,
        mut work: impl FnMut(&mut Tx<'_>) -> Outcome<T>,
    ) -> Result<T> {
        self.retrying(policy, |_| {
            let mut conn = self.pool.get_conn()?;
            let outcome = rehearsal(&mut conn, &mut work);
            if outcome.is_err() {
                conn.reset_connection(true);
            }
            outcome
        })
    }

    /// Runs `work` on a connection of its own with long timeouts (schema migrations, which
    /// may rebuild large tables), retrying transient failures on a fresh one.
    pub fn dedicated<T>(&self, mut work: impl FnMut(&mut mysql::Conn) -> Outcome<T>) -> Result<T> {
        self.retrying(RetryPolicy::Transient, |_| {
            let mut conn = mysql::Conn::new(self.config.migration_opts())?;
            work(&mut conn)
        })
    }

    /// A single query with no parameters, for status checks.
    pub fn server_version(&self) -> Result<String> {
        Ok(self.server_version_and_connection()?.0)
    }

    /// The server's version and the id of the pooled connection that asked.
    pub fn server_version_and_connection(&self) -> Result<(String, u64)> {
        self.run(RetryPolicy::Transient, |conn| {
            let found: Option<(String, u64)> =
                conn.query_first("SELECT VERSION(), CONNECTION_ID()")?;
            Ok(found.unwrap_or_default())
        })
    }

    /// Runs attempts until one succeeds, a failure is final, or the time budget is spent.
    /// `attempt(verify)` is told to look up the operation key first when an earlier attempt
    /// may have committed.
    fn retrying<T>(
        &self,
        policy: RetryPolicy,
        mut attempt: impl FnMut(bool) -> Outcome<T>,
    ) -> Result<T> {
        let mut budget = Budget::start();
        let mut verify = false;
        loop {
            let outcome = match attempt(verify) {
                Ok(value) => Attempt::Done(value),
                Err(Failure::Domain(e)) => return Err(e),
                Err(Failure::Stale(detail)) => Attempt::Retry {
                    kind: Transient::Stale,
                    detail,
                },
                Err(Failure::Uncertain(detail)) => Attempt::Uncertain { detail },
                Err(Failure::Db(e)) => match retry::classify(&e) {
                    Some(Transient::LostConnection) => Attempt::Uncertain {
                        detail: e.to_string(),
                    },
                    Some(kind) if policy.allows(kind) => Attempt::Retry {
                        kind,
                        detail: e.to_string(),
                    },
                    _ if verify => return Err(self.unknown(&e.to_string())),
                    _ => return Err(self.describe(&e)),
                },
            };
            let (kind, detail) = match outcome {
                Attempt::Done(value) => return Ok(value),
                Attempt::Retry { kind, detail } => (kind, detail),
                Attempt::Uncertain { detail } => {
                    verify = true;
                    (Transient::LostConnection, detail)
                }
            };
            self.retried.fetch_add(1, Ordering::Relaxed);
            if !budget.wait_before_next(kind) {
                return Err(if verify {
                    self.unknown(&detail)
                } else {
                    Error::Database(format!(
                        "The database stayed busy ({}) for {} s over {} attempts on {}: {detail}. \
                         Nothing was changed; try again in a moment, and if it persists check the \
                         database server's load and logs.",
                        kind.describe(),
                        retry::BUDGET.as_secs(),
                        budget.attempts(),
                        self.endpoint
                    ))
                });
            }
        }
    }

    fn describe(&self, e: &mysql::Error) -> Error {
        Error::Database(format!(
            "Database error on {}: {e}. Nothing was changed.",
            self.endpoint
        ))
    }

    /// The connection was lost while a change may have been committing, and it could not be
    /// checked afterwards.
    fn unknown(&self, detail: &str) -> Error {
        Error::Database(format!(
            "The connection to the database {} was lost while a change was being saved, and \
             within {} s it could not be checked whether it was saved ({detail}). Look at the \
             IP Manager log before repeating it.",
            self.endpoint,
            retry::BUDGET.as_secs()
        ))
    }
}

/// One attempt of a change: begin (writing the key), work, then commit with the key check.
fn attempt<T: Serialize>(
    conn: &mut PooledConn,
    key: OpKey,
    work: &mut impl FnMut(&mut Tx<'_>) -> Outcome<T>,
) -> Outcome<T> {
    let mut tx = tx::begin(conn, Some(key));
    let value = worked(&mut tx, work).map_err(guarded)?;
    let result = serde_json::to_string(&value).map_err(|e| {
        Failure::Domain(Error::Internal(format!(
            "A change's result could not be recorded ({e})."
        )))
    })?;
    tx::commit(&mut tx, key, &result).map_err(|e| guarded(Failure::Db(e)))?;
    Ok(value)
}

/// One attempt of a dry run: begin, work, send what was deferred, roll back.
fn rehearsal<T>(
    conn: &mut PooledConn,
    work: &mut impl FnMut(&mut Tx<'_>) -> Outcome<T>,
) -> Outcome<T> {
    let mut tx = tx::begin(conn, None);
    let value = worked(&mut tx, work).map_err(guarded)?;
    tx::rollback(&mut tx, true).map_err(|e| guarded(Failure::Db(e)))?;
    Ok(value)
}

/// Runs the work; after a refusal or a stale read the transaction is rolled back, after a
/// database error nothing more is sent (the pool resets the connection).
fn worked<T>(tx: &mut Tx<'_>, work: &mut impl FnMut(&mut Tx<'_>) -> Outcome<T>) -> Outcome<T> {
    match work(tx) {
        Ok(value) => Ok(value),
        Err(Failure::Db(e)) => Err(Failure::Db(e)),
        Err(other) => {
            tx::rollback(tx, false)?;
            Err(other)
        }
    }
}

/// A packet stopped by one of our guards is not a database failure: a row changed meanwhile
/// or the transaction was lost (run again), or an earlier attempt committed (look it up).
/// The packet stopped at the guard, so nothing after it ran.
fn guarded(failure: Failure) -> Failure {
    let Failure::Db(e) = &failure else {
        return failure;
    };
    match super::script::guard_reason(e) {
        Some(super::script::DONE) => {
            Failure::Uncertain("an earlier attempt of this change was committed".into())
        }
        Some(reason) => Failure::Stale(format!("stopped by the {reason} guard")),
        None => failure,
    }
}
