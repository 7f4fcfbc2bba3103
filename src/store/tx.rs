//! One database transaction as IP Manager runs it.
//!
//! A transaction starts with `autocommit` off and its operation key written as the first
//! row, and it commits only after that row is found again right before COMMIT:
//! - Galera may roll a transaction back on its own (a certification conflict seen by
//!   another node's writes) and, in some cases, let the statement that was running then
//!   return success. Statements sent afterwards would each commit on their own under
//!   `autocommit`; with it off they only gather in a new transaction, whose lack of the key
//!   shows before COMMIT that the first part was lost, and it is rolled back.
//! - The same key, committed with the change, tells a retry after a lost COMMIT
//!   acknowledgement whether the change was made, so it is never applied twice.

use super::script;
use mysql::prelude::Queryable;
use mysql::{Params, PooledConn, Statement, params};
use std::sync::atomic::{AtomicU64, Ordering};

/// A transaction on a pooled connection; statements go through it like through a connection.
pub struct Tx<'c> {
    conn: &'c mut PooledConn,
}

impl Tx<'_> {
    pub fn affected_rows(&self) -> u64 {
        self.conn.affected_rows()
    }

    pub fn last_insert_id(&self) -> Option<u64> {
        Some(self.conn.last_insert_id()).filter(|id| *id != 0)
    }
}

impl Queryable for Tx<'_> {
    fn query_iter<T: AsRef<str>>(
        &mut self,
        query: T,
    ) -> mysql::Result<mysql::QueryResult<'_, '_, '_, mysql::Text>> {
        self.conn.query_iter(query)
    }

    fn prep<T: AsRef<str>>(&mut self, query: T) -> mysql::Result<Statement> {
        self.conn.prep(query)
    }

    fn close(&mut self, stmt: Statement) -> mysql::Result<()> {
        self.conn.close(stmt)
    }

    fn exec_iter<S, P>(
        &mut self,
        stmt: S,
        params: P,
    ) -> mysql::Result<mysql::QueryResult<'_, '_, '_, mysql::Binary>>
    where
        S: mysql::prelude::AsStatement,
        P: Into<Params>,
    {
        self.conn.exec_iter(stmt, params)
    }

    fn exec_batch<S, P, I>(&mut self, stmt: S, params: I) -> mysql::Result<()>
    where
        Self: Sized,
        S: mysql::prelude::AsStatement,
        P: Into<Params>,
        I: IntoIterator<Item = P>,
    {
        self.conn.exec_batch(stmt, params)
    }
}

/// Identifies one logical change across its retries (16 bytes, unique per process and call).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OpKey([u8; 16]);

static COUNTER: AtomicU64 = AtomicU64::new(0);

impl OpKey {
    /// Process id (PHP-FPM workers are forks of one parent, so the id tells them apart),
    /// a per-process random part and a counter.
    pub fn new() -> OpKey {
        use std::hash::{BuildHasher, Hasher};
        let pid = std::process::id();
        let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
        hasher.write_u32(pid);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        hasher.write_u128(nanos);
        let random = hasher.finish() as u32;
        let count = COUNTER.fetch_add(1, Ordering::Relaxed);
        let mut bytes = [0u8; 16];
        bytes[..4].copy_from_slice(&pid.to_be_bytes());
        bytes[4..8].copy_from_slice(&random.to_be_bytes());
        bytes[8..].copy_from_slice(&count.to_be_bytes());
        OpKey(bytes)
    }

    pub fn bytes(&self) -> Vec<u8> {
        self.0.to_vec()
    }
}

impl Default for OpKey {
    fn default() -> Self {
        OpKey::new()
    }
}

/// Starts a transaction with autocommit off and, for a change, writes its key first.
pub fn begin<'c>(conn: &'c mut PooledConn, key: Option<OpKey>) -> mysql::Result<Tx<'c>> {
    let sql = match key {
        Some(key) => format!(
            "SET autocommit = 0; START TRANSACTION; \
             INSERT INTO mod_ipmanager_operations (op_key, created_at) VALUES ({}, UTC_TIMESTAMP())",
            script::literal(key.bytes())
        ),
        None => "SET autocommit = 0; START TRANSACTION".to_string(),
    };
    script::run(conn, &sql)?;
    Ok(Tx { conn })
}

/// Why a transaction could not be committed as it stood.
pub enum Finish {
    Committed,
    /// The key row is gone: the server rolled the transaction back under us.
    Lost,
}

/// Stores the result with the key, checks the key is still there, and commits.
pub fn commit(tx: Tx<'_>, key: OpKey, result: &str) -> mysql::Result<Finish> {
    tx.conn.exec_drop(
        "UPDATE mod_ipmanager_operations SET result = :result WHERE op_key = :key",
        params! {"result" => result, "key" => key.bytes()},
    )?;
    if tx.conn.affected_rows() != 1 {
        script::run(tx.conn, "ROLLBACK; SET autocommit = 1")?;
        return Ok(Finish::Lost);
    }
    script::run(tx.conn, "COMMIT; SET autocommit = 1")?;
    Ok(Finish::Committed)
}

/// Ends a transaction without keeping anything (a dry run, or after a refusal).
pub fn rollback(tx: Tx<'_>) -> mysql::Result<()> {
    script::run(tx.conn, "ROLLBACK; SET autocommit = 1").map(drop)
}

/// The stored result of a change whose key was committed earlier, if it was.
pub fn committed_result(conn: &mut PooledConn, key: OpKey) -> mysql::Result<Option<String>> {
    let found: Option<Option<String>> = conn.exec_first(
        "SELECT result FROM mod_ipmanager_operations WHERE op_key = :key",
        params! {"key" => key.bytes()},
    )?;
    Ok(found.flatten())
}

#[cfg(test)]
mod tests {
    use super::OpKey;

    #[test]
    fn keys_differ_within_a_process() {
        let a = OpKey::new();
        let b = OpKey::new();
        assert_ne!(a, b);
        assert_eq!(a.bytes()[..4], std::process::id().to_be_bytes());
    }
}
