//! Several statements sent as one text packet, with every statement's outcome checked.
//!
//! The mysql crate's `query_drop` reads only the first result and silently discards an error
//! raised by a later statement of the same packet; here every result set is read and the
//! first error is returned. The server stops executing a packet at its first error, so
//! nothing after a failed statement has run.

use mysql::prelude::Queryable;
use mysql::{Row, Value};

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
    fn literals_are_escaped_by_the_crate() {
        assert_eq!(literal("it's"), "'it\\'s'");
        assert_eq!(literal(7u32), "7");
        assert_eq!(literal(None::<u32>), "NULL");
        assert_eq!(literal(vec![0xffu8, 0x00]), "0xFF00");
    }
}
