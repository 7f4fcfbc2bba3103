//! One database transaction as IP Manager runs it.
//!
//! A transaction starts with `autocommit` off and its operation key written as the first
//! row, and it commits only after that row is found again right before COMMIT:
//! - Galera may roll a transaction back on its own (a certification conflict seen by
//!   another node's writes) and, in some cases, let the statement that was running then
//!   return success. Statements sent afterwards would each commit on their own under
//!   `autocommit`; with it off they only gather in a new transaction, whose lack of the key
//!   stops the commit packet before its COMMIT.
//! - The same key, committed with the change, tells a retry after a lost COMMIT
//!   acknowledgement whether the change was made, so it is never applied twice.
//!
//! Round trips are what an allocation costs, so none is spent on bookkeeping: the opening
//! statements travel with the first packet the work sends, and writes the work defers
//! travel with the key check and COMMIT in the last one.

use super::script::{self, Script, StatementResult};
use mysql::prelude::Queryable;
use mysql::{Params, PooledConn, Statement, params};
use std::sync::atomic::{AtomicU64, Ordering};

/// A transaction on a pooled connection; statements go through it like through a connection.
pub struct Tx<'c> {
    conn: &'c mut PooledConn,
    /// Statements not sent yet, in order: the opening ones until the first packet carries
    /// them, then writes the work deferred. Whatever is sent next goes after them.
    pending: Script,
    /// Whether anything reached the server (a transaction to roll back).
    sent: bool,
}

impl Tx<'_> {
    pub fn affected_rows(&self) -> u64 {
        self.conn.affected_rows()
    }

    pub fn last_insert_id(&self) -> Option<u64> {
        Some(self.conn.last_insert_id()).filter(|id| *id != 0)
    }

    /// Sends `script` now as one packet, after whatever is pending, and returns one result
    /// per statement of `script`.
    pub fn run(&mut self, script: &Script) -> mysql::Result<Vec<StatementResult>> {
        let mut packet = std::mem::take(&mut self.pending);
        packet.settle_checks();
        let skip = packet.len();
        packet.append(script.clone());
        self.sent = true;
        let mut results = script::run(self.conn, &packet.sql())?;
        results.drain(..skip.min(results.len()));
        Ok(results)
    }

    /// Keeps `script` to be sent with the next packet (at the latest with COMMIT): writes
    /// whose outcome the work does not read back cost no round trip of their own.
    pub fn defer(&mut self, script: Script) {
        self.pending.append(script);
    }

    /// Sends what is pending, so that a statement sent on its own comes after it.
    fn flush(&mut self) -> mysql::Result<()> {
        if self.pending.is_empty() {
            return Ok(());
        }
        let mut packet = std::mem::take(&mut self.pending);
        packet.settle_checks();
        self.sent = true;
        script::run(self.conn, &packet.sql()).map(drop)
    }
}

impl Queryable for Tx<'_> {
    fn query_iter<T: AsRef<str>>(
        &mut self,
        query: T,
    ) -> mysql::Result<mysql::QueryResult<'_, '_, '_, mysql::Text>> {
        self.flush()?;
        self.conn.query_iter(query)
    }

    fn prep<T: AsRef<str>>(&mut self, query: T) -> mysql::Result<Statement> {
        self.flush()?;
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
        self.flush()?;
        self.conn.exec_iter(stmt, params)
    }

    fn exec_batch<S, P, I>(&mut self, stmt: S, params: I) -> mysql::Result<()>
    where
        Self: Sized,
        S: mysql::prelude::AsStatement,
        P: Into<Params>,
        I: IntoIterator<Item = P>,
    {
        self.flush()?;
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

/// A transaction with autocommit off that, for a change, writes its key first. Nothing is
/// sent yet: the opening statements go with the first packet.
pub fn begin(conn: &mut PooledConn, key: Option<OpKey>) -> Tx<'_> {
    let mut opening = Script::default();
    opening.push(format!("SET autocommit = 0, {}", script::CHECKS_START));
    opening.push("START TRANSACTION");
    if let Some(key) = key {
        // INSERT IGNORE: a key that exists already means an earlier attempt committed (its
        // COMMIT acknowledgement was lost); the guard stops here and the caller looks it up.
        opening.push(format!(
            "INSERT IGNORE INTO mod_ipmanager_operations (op_key, created_at) VALUES ({}, UTC_TIMESTAMP())",
            script::literal(key.bytes())
        ));
        opening.guard(script::DONE, 1);
    }
    Tx {
        conn,
        pending: opening,
        sent: false,
    }
}

/// Sends the deferred writes, stores the result with the key, checks the key is still
/// there (the packet stops before COMMIT if it is not) and commits: one packet.
pub fn commit(tx: &mut Tx<'_>, key: OpKey, result: &str) -> mysql::Result<()> {
    let mut packet = std::mem::take(&mut tx.pending);
    packet.push(format!(
        "UPDATE mod_ipmanager_operations SET result = {} WHERE op_key = {}",
        script::literal(result),
        script::literal(key.bytes())
    ));
    packet.settle_checks_and_expect(1);
    packet.push("COMMIT");
    packet.push("SET autocommit = 1");
    tx.sent = true;
    script::run(tx.conn, &packet.sql()).map(drop)
}

/// Ends a transaction without keeping anything. A dry run sends its pending writes first,
/// so that it goes through exactly the statements of the real thing.
pub fn rollback(tx: &mut Tx<'_>, run_pending: bool) -> mysql::Result<()> {
    let mut packet = std::mem::take(&mut tx.pending);
    if !run_pending {
        if !tx.sent {
            return Ok(()); // nothing reached the server: there is nothing to roll back
        }
        packet = Script::default();
    }
    packet.settle_checks();
    packet.push("ROLLBACK");
    packet.push("SET autocommit = 1");
    tx.sent = true;
    script::run(tx.conn, &packet.sql()).map(drop)
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
