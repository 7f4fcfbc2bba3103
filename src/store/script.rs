//! Several statements sent as one text packet, with every statement's outcome checked.
//!
//! The mysql crate's `query_drop` reads only the first result and silently discards an error
//! raised by a later statement of the same packet; here every result set is read and the
//! first error is returned. The server stops executing a packet at its first error, so
//! nothing after a failed statement has run.

use mysql::prelude::Queryable;
use mysql::{Row, Value};

/// Rows of `mod_ipmanager_guard`, one per way a packet can be stopped on purpose.
pub const STALE: &str = "ipmanager-stale";
/// The transaction's operation key is gone: the server rolled it back under us.
pub const LOST: &str = "ipmanager-lost";
/// The operation key was there already: an earlier attempt of this change committed.
pub const DONE: &str = "ipmanager-done";

/// Statements to send as one packet. `expect_rows` records, after a statement, whether it
/// changed exactly the rows expected (in `@ipm_ok`, set true when a transaction opens); the
/// checks are settled by one guard before the packet's next read or its COMMIT
/// (`settle_checks`), which stops the packet (a duplicate-key error on a permanent guard
/// row) so that nothing after it runs. One cheap `SET` per check instead of one guard each:
/// every statement of a packet costs a result sent and a client woken.
#[derive(Debug, Clone, Default)]
pub struct Script {
    statements: Vec<String>,
    /// Whether a check was recorded since the last guard.
    unsettled: bool,
}

/// Sets the checks' variable: part of the statement that opens a transaction.
pub const CHECKS_START: &str = "@ipm_ok := TRUE";

impl Script {
    pub fn push(&mut self, statement: impl Into<String>) {
        self.statements.push(statement.into());
    }

    /// Records whether the statement just pushed changed exactly `rows` rows.
    pub fn expect_rows(&mut self, rows: u64) {
        self.push(format!(
            "SET @ipm_ok := @ipm_ok AND ROW_COUNT() = {}",
            literal(rows)
        ));
        self.unsettled = true;
    }

    /// Stops the packet with `reason` unless the previous statement changed `rows` rows.
    pub fn guard(&mut self, reason: &str, rows: u64) {
        self.push(format!(
            "INSERT INTO mod_ipmanager_guard (reason) SELECT {} FROM DUAL WHERE ROW_COUNT() <> {}",
            literal(reason),
            literal(rows)
        ));
    }

    /// Stops the packet here if a recorded check failed.
    pub fn settle_checks(&mut self) {
        if std::mem::take(&mut self.unsettled) {
            self.push(format!(
                "INSERT INTO mod_ipmanager_guard (reason) SELECT {} FROM DUAL WHERE NOT @ipm_ok",
                literal(STALE)
            ));
        }
    }

    /// Stops the packet unless the previous statement changed `rows` rows (`LOST`) and every
    /// recorded check held (`STALE`): the last guard before COMMIT.
    pub fn settle_checks_and_expect(&mut self, rows: u64) {
        self.unsettled = false;
        self.push(format!(
            "INSERT INTO mod_ipmanager_guard (reason) SELECT IF(ROW_COUNT() <> {n}, {lost}, {stale}) FROM DUAL \
             WHERE ROW_COUNT() <> {n} OR NOT @ipm_ok",
            n = literal(rows),
            lost = literal(LOST),
            stale = literal(STALE)
        ));
    }

    pub fn append(&mut self, other: Script) {
        self.statements.extend(other.statements);
        self.unsettled |= other.unsettled;
    }

    pub fn len(&self) -> usize {
        self.statements.len()
    }

    pub fn is_empty(&self) -> bool {
        self.statements.is_empty()
    }

    pub fn sql(&self) -> String {
        self.statements.join(";\n")
    }
}

/// Which guard stopped a packet, if a guard did.
pub fn guard_reason(err: &mysql::Error) -> Option<&'static str> {
    match err {
        mysql::Error::MySqlError(e) if e.code == super::retry::ER_DUP_ENTRY => [STALE, LOST, DONE]
            .into_iter()
            .find(|r| e.message.contains(r)),
        _ => None,
    }
}

/// What one statement of a packet returned.
#[derive(Debug, Default)]
pub struct StatementResult {
    pub rows: Vec<Row>,
    pub affected_rows: u64,
    pub last_insert_id: Option<u64>,
}

/// Runs `sql` (statements separated by `;`) and returns one result per statement.
pub fn run(q: &mut impl Queryable, sql: &str) -> mysql::Result<Vec<StatementResult>> {
    let mut result = q.query_iter(sql)?;
    let mut out = Vec::new();
    while let Some(mut set) = result.iter() {
        let mut rows = Vec::new();
        for row in set.by_ref() {
            rows.push(row?);
        }
        out.push(StatementResult {
            rows,
            affected_rows: set.affected_rows(),
            last_insert_id: set.last_insert_id(),
        });
    }
    Ok(out)
}

/// A value written into a text packet, escaped by the mysql crate itself (never by hand).
pub fn literal(value: impl Into<Value>) -> String {
    value.into().as_sql(false)
}

#[cfg(test)]
mod tests {
    use super::literal;

    #[test]
    fn checks_are_recorded_after_their_statement_and_settled_once() {
        let mut script = super::Script::default();
        script.push("UPDATE t SET n = 1 WHERE id = 2");
        script.expect_rows(1);
        script.push("UPDATE t SET n = 1 WHERE id = 3");
        script.expect_rows(2);
        script.settle_checks();
        script.settle_checks();
        assert_eq!(
            script.sql(),
            "UPDATE t SET n = 1 WHERE id = 2;\nSET @ipm_ok := @ipm_ok AND ROW_COUNT() = 1;\n\
             UPDATE t SET n = 1 WHERE id = 3;\nSET @ipm_ok := @ipm_ok AND ROW_COUNT() = 2;\n\
             INSERT INTO mod_ipmanager_guard (reason) SELECT 'ipmanager-stale' FROM DUAL WHERE NOT @ipm_ok"
        );
    }

    #[test]
    fn literals_are_escaped_by_the_crate() {
        assert_eq!(literal("it's"), "'it\\'s'");
        assert_eq!(literal(7u32), "7");
        assert_eq!(literal(None::<u32>), "NULL");
        assert_eq!(literal(vec![0xffu8, 0x00]), "0xFF00");
    }
}
