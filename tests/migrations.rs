//! Migrations against the private MariaDB: from empty, from every earlier version, twice,
//! and from several processes at once.

mod support;

use ipmanager::store::migrations::{self, MIGRATIONS, latest_version};
use mysql::prelude::Queryable;
use support::TestDb;

/// Columns and indexes of every module table, in a stable order, to compare schemas.
fn schema_of(test: &TestDb) -> Vec<String> {
    let mut conn = test.conn();
    let mut shape: Vec<String> = conn
        .exec_map(
            "SELECT TABLE_NAME, COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE, IFNULL(COLUMN_DEFAULT,'~'), EXTRA \
             FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME, ORDINAL_POSITION",
            (test.name.as_str(),),
            |(t, c, ty, n, d, e): (String, String, String, String, String, String)| {
                format!("col {t}.{c} {ty} {n} {d} {e}")
            },
        )
        .unwrap();
    let indexes: Vec<String> = conn
        .exec_map(
            "SELECT TABLE_NAME, INDEX_NAME, NON_UNIQUE, SEQ_IN_INDEX, COLUMN_NAME \
             FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = ? \
             ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX",
            (test.name.as_str(),),
            |(t, i, u, s, c): (String, String, i64, i64, String)| {
                format!("idx {t}.{i} {u} {s} {c}")
            },
        )
        .unwrap();
    shape.extend(indexes);
    shape
}

fn recorded_versions(test: &TestDb) -> Vec<u32> {
    test.conn()
        .query("SELECT version FROM mod_ipmanager_schema_version ORDER BY version")
        .unwrap()
}

#[test]
fn from_empty_creates_every_version_and_a_second_run_is_a_no_op() {
    let test = TestDb::new("mig_empty");
    assert_eq!(migrations::current_version(&test.db).unwrap(), 0);

    let first = migrations::migrate(&test.db).unwrap();
    assert_eq!(first.from_version, 0);
    assert_eq!(first.to_version, latest_version());
    assert_eq!(first.applied.len(), MIGRATIONS.len());
    let expected: Vec<u32> = (1..=latest_version()).collect();
    assert_eq!(recorded_versions(&test), expected);

    let schema_after_first = schema_of(&test);
    let second = migrations::migrate(&test.db).unwrap();
    assert!(second.applied.is_empty(), "{second:?}");
    assert_eq!(second.from_version, latest_version());
    assert_eq!(schema_of(&test), schema_after_first);
    assert_eq!(recorded_versions(&test), expected);
}

#[test]
fn upgrading_from_each_earlier_version_gives_the_same_schema_and_keeps_data() {
    let reference = TestDb::new("mig_ref");
    migrations::migrate(&reference.db).unwrap();
    let target_schema = schema_of(&reference);

    for start in 1..latest_version() {
        let test = TestDb::new("mig_step");
        migrations::migrate_to(&test.db, start).unwrap();
        assert_eq!(migrations::current_version(&test.db).unwrap(), start);
        // Data written at the old version must survive the upgrade.
        test.conn()
            .query_drop(
                "INSERT INTO mod_ipmanager_settings (name, value, updated_at) \
                 VALUES ('kept', 'yes', UTC_TIMESTAMP())",
            )
            .unwrap();

        let report = migrations::migrate(&test.db).unwrap();
        assert_eq!(report.from_version, start);
        assert_eq!(report.applied.len() as u32, latest_version() - start);
        assert_eq!(schema_of(&test), target_schema, "upgrade from v{start}");
        let kept: Option<String> = test
            .conn()
            .query_first("SELECT value FROM mod_ipmanager_settings WHERE name = 'kept'")
            .unwrap();
        assert_eq!(
            kept.as_deref(),
            Some("yes"),
            "upgrade from v{start} lost data"
        );
    }
}

#[test]
fn a_schema_newer_than_the_build_is_refused_without_changes() {
    let test = TestDb::new("mig_newer");
    migrations::migrate(&test.db).unwrap();
    let future = latest_version() + 1;
    test.conn()
        .exec_drop(
            "INSERT INTO mod_ipmanager_schema_version VALUES (?, 'from the future', UTC_TIMESTAMP())",
            (future,),
        )
        .unwrap();
    let err = migrations::migrate(&test.db).unwrap_err();
    assert!(matches!(err, ipmanager::Error::Conflict(_)), "{err:?}");
    assert!(err.to_string().contains("newer"), "{err}");
    assert_eq!(migrations::current_version(&test.db).unwrap(), future);
}

#[test]
fn concurrent_activations_apply_each_migration_once() {
    let test = TestDb::new("mig_race");
    let reports: Vec<_> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..4)
            .map(|_| scope.spawn(|| migrations::migrate(&test.db).unwrap()))
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let applied: usize = reports.iter().map(|r| r.applied.len()).sum();
    assert_eq!(applied, MIGRATIONS.len(), "{reports:?}");
    let expected: Vec<u32> = (1..=latest_version()).collect();
    assert_eq!(recorded_versions(&test), expected);
}

#[test]
fn drop_all_tables_removes_only_module_tables() {
    let test = TestDb::new("mig_drop");
    migrations::migrate(&test.db).unwrap();
    test.conn()
        .query_drop("CREATE TABLE tblclients (id INT PRIMARY KEY)")
        .unwrap();
    let dropped = migrations::drop_all_tables(&test.db).unwrap();
    assert!(dropped.iter().all(|t| t.starts_with("mod_ipmanager_")));
    assert!(dropped.contains(&"mod_ipmanager_schema_version".to_string()));
    let left: Vec<String> = test
        .conn()
        .exec(
            "SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = ?",
            (test.name.as_str(),),
        )
        .unwrap();
    assert_eq!(left, vec!["tblclients".to_string()]);
    assert_eq!(migrations::current_version(&test.db).unwrap(), 0);
}
