//! Transient failures provoked for real on the private MariaDB, and retried.

mod support;

use ipmanager::store::{Failure, RetryPolicy};
use mysql::prelude::Queryable;
use std::sync::Barrier;
use std::sync::atomic::{AtomicU32, Ordering};
use support::TestDb;

fn counters(test: &TestDb) {
    // Transactions record their operation key in the module's schema.
    ipmanager::store::migrations::migrate(&test.db).unwrap();
    test.conn()
        .query_drop(
            "CREATE TABLE counters (id INT PRIMARY KEY, n INT NOT NULL) ENGINE=InnoDB; \
             INSERT INTO counters VALUES (1, 0), (2, 0)",
        )
        .unwrap();
}

#[test]
fn a_provoked_deadlock_is_retried_and_both_transactions_commit() {
    let test = TestDb::new("deadlock");
    counters(&test);
    let both_hold_first_lock = Barrier::new(2);

    std::thread::scope(|scope| {
        for (first, second) in [(1, 2), (2, 1)] {
            let db = &test.db;
            let barrier = &both_hold_first_lock;
            scope.spawn(move || {
                let attempts = AtomicU32::new(0);
                db.transaction(RetryPolicy::Transient, |tx| {
                    let attempt = attempts.fetch_add(1, Ordering::SeqCst);
                    tx.exec_drop("UPDATE counters SET n = n + 1 WHERE id = ?", (first,))?;
                    if attempt == 0 {
                        // Only the first attempt waits, so the retry cannot hang.
                        barrier.wait();
                    }
                    tx.exec_drop("UPDATE counters SET n = n + 1 WHERE id = ?", (second,))?;
                    Ok(())
                })
                .unwrap();
            });
        }
    });

    assert!(test.db.retried_attempts() >= 1, "no deadlock was provoked");
    let totals: Vec<(i32, i32)> = test
        .conn()
        .query("SELECT id, n FROM counters ORDER BY id")
        .unwrap();
    // Each transaction incremented both rows exactly once: the victim's first try was rolled back.
    assert_eq!(totals, vec![(1, 2), (2, 2)]);
}

#[test]
fn a_killed_connection_is_retried_on_a_fresh_one() {
    let test = TestDb::new("killed");
    counters(&test);
    let attempts = AtomicU32::new(0);
    test.db
        .transaction(RetryPolicy::Transient, |tx| {
            if attempts.fetch_add(1, Ordering::SeqCst) == 0 {
                let id: Option<u64> = tx.query_first("SELECT CONNECTION_ID()")?;
                test.conn()
                    .exec_drop("KILL CONNECTION ?", (id.unwrap(),))
                    .unwrap();
            }
            tx.query_drop("UPDATE counters SET n = n + 1 WHERE id = 1")?;
            Ok(())
        })
        .unwrap();
    assert_eq!(attempts.load(Ordering::SeqCst), 2);
    let n: Option<i32> = test
        .conn()
        .query_first("SELECT n FROM counters WHERE id = 1")
        .unwrap();
    assert_eq!(n, Some(1));
}

#[test]
fn a_lock_wait_timeout_is_retried_until_the_holder_lets_go() {
    let test = TestDb::new("lockwait");
    counters(&test);
    let mut holder = test.conn();
    holder.query_drop("START TRANSACTION").unwrap();
    holder
        .query_drop("UPDATE counters SET n = 100 WHERE id = 1")
        .unwrap();

    let attempts = AtomicU32::new(0);
    std::thread::scope(|scope| {
        let waiter = scope.spawn(|| {
            test.db.transaction(RetryPolicy::Transient, |tx| {
                attempts.fetch_add(1, Ordering::SeqCst);
                tx.query_drop("SET SESSION innodb_lock_wait_timeout = 1")?;
                tx.query_drop("UPDATE counters SET n = n + 1 WHERE id = 1")?;
                Ok(())
            })
        });
        // Hold the lock past the first timeout, then commit so the retry goes through.
        std::thread::sleep(std::time::Duration::from_millis(1500));
        holder.query_drop("COMMIT").unwrap();
        waiter.join().unwrap().unwrap();
    });
    assert!(attempts.load(Ordering::SeqCst) >= 2);
    let n: Option<i32> = test
        .conn()
        .query_first("SELECT n FROM counters WHERE id = 1")
        .unwrap();
    assert_eq!(n, Some(101));
}

#[test]
fn a_syntax_error_is_reported_at_once_and_a_domain_error_is_passed_through() {
    let test = TestDb::new("noretry");
    let attempts = AtomicU32::new(0);
    let err = test
        .db
        .run(RetryPolicy::Transient, |conn| {
            attempts.fetch_add(1, Ordering::SeqCst);
            conn.query_drop("SELEC nonsense")?;
            Ok(())
        })
        .unwrap_err();
    assert_eq!(attempts.load(Ordering::SeqCst), 1);
    assert!(matches!(err, ipmanager::Error::Database(_)), "{err:?}");
    assert!(err.to_string().contains("Nothing was changed"), "{err}");

    let err = test
        .db
        .run(RetryPolicy::Transient, |_| -> Result<(), Failure> {
            Err(ipmanager::Error::invalid("bad").into())
        })
        .unwrap_err();
    assert_eq!(err, ipmanager::Error::InvalidInput("bad".into()));
}

#[test]
fn duplicate_keys_are_a_conflict_for_ordinary_writes_but_retried_for_the_allocator() {
    let test = TestDb::new("dupkey");
    counters(&test);
    let attempts = AtomicU32::new(0);
    let err = test
        .db
        .run(RetryPolicy::Transient, |conn| {
            attempts.fetch_add(1, Ordering::SeqCst);
            conn.query_drop("INSERT INTO counters VALUES (1, 0)")?;
            Ok(())
        })
        .unwrap_err();
    assert_eq!(attempts.load(Ordering::SeqCst), 1, "{err}");

    let attempts = AtomicU32::new(0);
    test.db
        .run(RetryPolicy::TransientAndDuplicate, |conn| {
            let id = 1 + attempts.fetch_add(1, Ordering::SeqCst) * 10;
            conn.exec_drop("INSERT INTO counters VALUES (?, 0)", (id,))?;
            Ok(())
        })
        .unwrap();
    assert_eq!(attempts.load(Ordering::SeqCst), 2);
}

#[test]
fn a_wrong_password_is_a_database_error_that_does_not_leak_it() {
    let mut config = support::base_config();
    config.password = "definitely-wrong-Pa55".into();
    let err = match ipmanager::store::Db::connect(&config) {
        Ok(_) => panic!("connected with a wrong password"),
        Err(e) => e,
    };
    let text = err.to_string();
    assert!(matches!(err, ipmanager::Error::Database(_)));
    assert!(!text.contains("definitely-wrong-Pa55"), "{text}");
    assert!(text.contains("configuration.php"), "{text}");
}

#[test]
fn a_pooled_connection_killed_while_idle_is_replaced_not_handed_out_again() {
    let test = TestDb::new("idlekill");
    let id: Option<u64> = test
        .db
        .run(RetryPolicy::Transient, |c| {
            Ok(c.query_first("SELECT CONNECTION_ID()")?)
        })
        .unwrap();
    // The server drops the idle pooled connection (as wait_timeout or a failover would).
    test.conn()
        .exec_drop("KILL CONNECTION ?", (id.unwrap(),))
        .unwrap();
    for _ in 0..3 {
        let one: Option<u8> = test
            .db
            .run(RetryPolicy::Transient, |c| Ok(c.query_first("SELECT 1")?))
            .unwrap();
        assert_eq!(one, Some(1));
    }
    assert_eq!(
        test.db.retried_attempts(),
        1,
        "the dead connection came back from the pool"
    );
}
