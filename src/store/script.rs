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

/// Statements to send as one packet. `expect_rows` puts a guard after a statement: the
/// packet stops there (a duplicate-key error on a permanent guard row) unless the statement
/// changed exactly the rows expected, so nothing after it — COMMIT included — runs.
#[derive(Debug, Clone, Default)]
pub struct Script {
    statements: Vec<String>,
}

impl Script {
    pub fn push(&mut self, statement: impl Into<String>) {
        self.statements.push(statement.into());
    }

    /// Stops the packet unless the statement just pushed changed exactly `rows` rows.
    pub fn expect_rows(&mut self, rows: u64) {
        self.guard(STALE, rows);
    }

    /// Stops the packet with `reason` unless the previous statement changed `rows` rows.
    pub fn guard(&mut self, reason: &str, rows: u64) {
        self.push(format!(
            "INSERT INTO mod_ipmanager_guard (reason) SELECT {} FROM DUAL WHERE ROW_COUNT() <> {}",
            literal(reason),
            literal(rows)
        ));
    }

    pub fn append(&mut self, other: Script) {
        self.statements.extend(other.statements);
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
    fn guards_follow_the_statement_they_check() {
        let mut script = super::Script::default();
        script.push("UPDATE t SET n = 1 WHERE id = 2");
        script.expect_rows(1);
        assert_eq!(
            script.sql(),
            "UPDATE t SET n = 1 WHERE id = 2;\nINSERT INTO mod_ipmanager_guard (reason) SELECT 'ipmanager-stale' \
             FROM DUAL WHERE ROW_COUNT() <> 1"
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
