//! Values written into text packets (`script::literal`, the mysql crate's escaping) reach
//! the server exactly as they were, whatever the server's sql_mode says about backslashes.

mod support;

use ipmanager::store::config::KEEP_BACKSLASH_ESCAPES;
use ipmanager::store::script::{self, literal};
use ipmanager::store::{Failure, RetryPolicy};
use mysql::prelude::Queryable;

const STRINGS: &[&str] = &[
    "plain",
    "it's",
    "back\\slash\\",
    "\\' OR 1=1 -- ",
    "quote\" and ` tick",
    "new\nline\r\ttab",
    "nul\0byte",
    "ctrl-z \u{1a}",
    "ünïcödé 🌐",
    "%_ wildcards",
];

fn bytes() -> Vec<Vec<u8>> {
    vec![
        vec![0, 0, 0, 1],
        vec![10, 0, 0, 92],
        vec![39, 92, 0, 26],
        vec![
            0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff,
        ],
        (0..=255u8).collect(),
    ]
}

#[test]
fn every_value_reads_back_as_written() {
    let t = support::TestDb::new("literals");
    t.db.run(RetryPolicy::Transient, |conn| {
        conn.query_drop("CREATE TABLE lit (id INT PRIMARY KEY, s TEXT, b VARBINARY(300))")?;
        let mut packet = String::new();
        for (i, (s, b)) in STRINGS.iter().zip(bytes().into_iter().cycle()).enumerate() {
            packet.push_str(&format!(
                "INSERT INTO lit VALUES ({}, {}, {});\n",
                literal(i as u64),
                literal(*s),
                literal(b)
            ));
        }
        packet.push_str("SELECT COUNT(*) FROM lit");
        script::run(conn, &packet)?;
        Ok::<_, Failure>(())
    })
    .unwrap();
    let mut conn = t.conn();
    let rows: Vec<(u64, String, Vec<u8>)> =
        conn.query("SELECT id, s, b FROM lit ORDER BY id").unwrap();
    assert_eq!(rows.len(), STRINGS.len());
    for ((id, s, b), (expected_s, expected_b)) in rows
        .into_iter()
        .zip(STRINGS.iter().zip(bytes().into_iter().cycle()))
    {
        assert_eq!(s, *expected_s, "row {id}");
        assert_eq!(b, expected_b, "row {id}");
    }
}

#[test]
fn a_session_that_reads_backslashes_literally_is_switched_back() {
    let t = support::TestDb::new("literals_mode");
    let mut conn = t.conn();
    conn.query_drop("SET SESSION sql_mode = CONCAT(@@SESSION.sql_mode, ',NO_BACKSLASH_ESCAPES')")
        .unwrap();
    // Under this mode the crate's escaping would be misread: the escaped quote ends the string.
    let misread: Option<String> = conn
        .query_first(format!("SELECT {}", literal("it's")))
        .unwrap_or(None);
    assert_ne!(misread.as_deref(), Some("it's"));
    conn.query_drop(format!("SET {KEEP_BACKSLASH_ESCAPES}"))
        .unwrap();
    let mode: String = conn
        .query_first("SELECT @@SESSION.sql_mode")
        .unwrap()
        .unwrap();
    assert!(!mode.contains("NO_BACKSLASH_ESCAPES"), "{mode}");
    assert!(
        mode.contains("STRICT_TRANS_TABLES"),
        "other modes are kept: {mode}"
    );
    for s in STRINGS {
        let read: Option<String> = conn.query_first(format!("SELECT {}", literal(*s))).unwrap();
        assert_eq!(read.as_deref(), Some(*s));
    }
}
