//! The integrations' settings tables (`setting` → `value`): read whole, written by upsert.

use super::Outcome;
use mysql::params;
use mysql::prelude::Queryable;
use std::collections::BTreeMap;

/// Every setting of `table` (one of the module's own settings tables, named by the code).
pub fn read(q: &mut impl Queryable, table: &'static str) -> Outcome<BTreeMap<String, String>> {
    let rows: Vec<(String, String)> = q.query(format!("SELECT setting, value FROM {table}"))?;
    Ok(rows.into_iter().collect())
}

/// Writes each (setting, value) of `values` into `table`, replacing what was there.
pub fn write(
    q: &mut impl Queryable,
    table: &'static str,
    values: &[(&str, String)],
) -> Outcome<()> {
    for (setting, value) in values {
        q.exec_drop(
            format!(
                "INSERT INTO {table} (setting, value) VALUES (:s, :v) ON DUPLICATE KEY UPDATE value = VALUES(value)"
            ),
            params! {"s" => *setting, "v" => value},
        )?;
    }
    Ok(())
}
