//! The outbox's delivery machinery with a recording panel: a job exists exactly when its
//! transaction commits, is delivered after it, is retried later on failure (and now, on
//! request), is never delivered by two workers at once, and what follows a delivery runs
//! in the transaction that records it.

mod support;

use ipmanager::Error;
use ipmanager::providers::outbox::{self, Delivery, Job, Operation};
use ipmanager::providers::{IpChange, Provider, Providers, ServerAccess};
use ipmanager::store::{Failure, RetryPolicy};
use mysql::prelude::Queryable;
use std::cell::RefCell;
use std::sync::Mutex;
use support::ipam::{migrated, whmcs_tables};

/// A panel that refuses the next `refuse` calls and records every call.
struct Panel {
    refuse: Mutex<u32>,
    calls: Mutex<Vec<(String, Vec<String>, String)>>,
}

impl Panel {
    fn new(refuse: u32) -> Panel {
        Panel {
            refuse: Mutex::new(refuse),
            calls: Mutex::new(Vec::new()),
        }
    }

    fn answer(&self, what: &str, change: &IpChange) -> ipmanager::Result<()> {
        self.calls.lock().unwrap().push((
            what.into(),
            change.addresses.clone(),
            change.server.access_hash.clone(),
        ));
        let mut refuse = self.refuse.lock().unwrap();
        if *refuse > 0 {
            *refuse -= 1;
            return Err(Error::Integration(
                "Proxmox VE: VM 123 is locked (backup)".into(),
            ));
        }
        Ok(())
    }
}

impl Provider for Panel {
    fn name(&self) -> &str {
        "Proxmox VE"
    }
    fn add_ips(&self, change: &IpChange) -> ipmanager::Result<()> {
        self.answer("add", change)
    }
    fn remove_ips(&self, change: &IpChange) -> ipmanager::Result<()> {
        self.answer("remove", change)
    }
}

impl Providers for Panel {
    fn for_module(&self, module: &str) -> Option<&dyn Provider> {
        (module == "proxmox").then_some(self as &dyn Provider)
    }
}

fn server(id: u32) -> ipmanager::Result<Option<ServerAccess>> {
    Ok((id == 1).then(|| ServerAccess {
        hostname: "pve1.example".into(),
        access_hash: "PVEAPIToken=root@pam!ipm=secret".into(),
        ..ServerAccess::default()
    }))
}

fn job(operation: Operation, service_id: u32, addresses: &[&str]) -> Job {
    Job {
        target: outbox::Target::Panel,
        operation,
        service_id,
        server_id: 1,
        module: "proxmox".into(),
        username: String::new(),
        domain: format!("vps{service_id}.example"),
        addresses: addresses.iter().map(|a| a.to_string()).collect(),
        release: None,
    }
}

fn nothing(_: &mut ipmanager::store::Tx<'_>, _: &outbox::Queued) -> ipmanager::store::Outcome<()> {
    Ok(())
}

/// Services in WHMCS holding these addresses (an add only goes to the panel for what its
/// service still holds).
fn holding(test: &support::TestDb, held: &[(u32, &str)]) {
    let mut c = test.conn();
    if c.query_first::<u64, _>("SELECT COUNT(*) FROM mod_ipmanager_subnets")
        .unwrap()
        == Some(0)
    {
        whmcs_tables(test);
        support::ipam::subnet(
            test,
            serde_json::json!({"cidr": "10.70.0.0/16", "name": "outbox"}),
        );
    }
    for (service, address) in held {
        c.exec_drop(
            "INSERT IGNORE INTO tblhosting (id, userid, packageid, domainstatus) VALUES (?, 1, 1, 'Active')",
            (service,),
        )
        .unwrap();
        ipmanager::jobs::assignments::assign(
            &test.db,
            &support::req(serde_json::json!({"service_id": service, "address": address})),
            &ipmanager::providers::Integrations::none(),
        )
        .unwrap();
    }
}

/// Queues one job in a transaction of its own.
fn queue(test: &support::TestDb, job: &Job) -> u64 {
    test.db
        .transaction(RetryPolicy::Transient, |tx| outbox::enqueue(tx, job))
        .unwrap()
}

/// How long until the (only) job's next attempt.
fn seconds_to_next_attempt(test: &support::TestDb) -> i64 {
    test.conn()
        .query_first("SELECT TIMESTAMPDIFF(SECOND, UTC_TIMESTAMP(3), next_attempt_at) FROM mod_ipmanager_outbox")
        .unwrap()
        .unwrap()
}

fn make_due(test: &support::TestDb) {
    test.conn()
        .query_drop("UPDATE mod_ipmanager_outbox SET next_attempt_at = UTC_TIMESTAMP(3) WHERE status = 'pending'")
        .unwrap();
}

#[test]
fn a_job_exists_only_when_its_transaction_commits_and_is_delivered_once() {
    let test = migrated("outbox_commit");
    let refused: Result<u64, Error> = test.db.transaction(RetryPolicy::Transient, |tx| {
        outbox::enqueue(tx, &job(Operation::Add, 5, &["10.70.0.1"]))?;
        Err(Failure::Domain(Error::Conflict(
            "the assignment was refused".into(),
        )))
    });
    assert!(refused.is_err());
    let panel = Panel::new(0);
    let delivery = Delivery {
        panels: &panel,
        servers: &server,
        deadline: None,
    };
    assert!(
        outbox::deliver_due(&test.db, &delivery, 10, &nothing)
            .unwrap()
            .is_empty(),
        "rolled back with it"
    );

    holding(&test, &[(5, "10.70.0.1")]);
    let id = queue(&test, &job(Operation::Add, 5, &["10.70.0.1"]));
    let done = outbox::deliver(&test.db, id, &delivery, &nothing)
        .unwrap()
        .unwrap();
    assert_eq!(done.error, None);
    let calls = panel.calls.lock().unwrap().clone();
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0].0, "add");
    assert_eq!(
        calls[0].2, "PVEAPIToken=root@pam!ipm=secret",
        "the server's credentials reach the panel"
    );
    assert!(
        outbox::deliver(&test.db, id, &delivery, &nothing)
            .unwrap()
            .is_none(),
        "delivered: not again"
    );
    assert!(
        outbox::deliver_due(&test.db, &delivery, 10, &nothing)
            .unwrap()
            .is_empty()
    );
    let queue = outbox::list(&test.db, outbox::Target::Panel, Default::default()).unwrap();
    assert!(queue.items[0].delivered && queue.items[0].attempts == 1);
}

#[test]
fn a_refusal_waits_longer_each_time_and_an_admin_can_retry_now() {
    let test = migrated("outbox_retry");
    let panel = Panel::new(2);
    let delivery = Delivery {
        panels: &panel,
        servers: &server,
        deadline: None,
    };
    let id = queue(&test, &job(Operation::Remove, 6, &["10.70.0.2"]));
    let first = outbox::deliver(&test.db, id, &delivery, &nothing)
        .unwrap()
        .unwrap();
    assert_eq!(
        first.error.as_deref(),
        Some("Proxmox VE: VM 123 is locked (backup)")
    );
    assert!(
        outbox::deliver_due(&test.db, &delivery, 10, &nothing)
            .unwrap()
            .is_empty(),
        "not due before its wait"
    );
    let waits = seconds_to_next_attempt(&test);
    assert!(
        (55..=60).contains(&waits),
        "a minute after the first refusal, got {}",
        waits
    );

    outbox::retry_now(&test.db, id).unwrap();
    let second = outbox::deliver_due(&test.db, &delivery, 10, &nothing).unwrap();
    assert_eq!(second.len(), 1);
    assert!(second[0].error.is_some());
    let waits = seconds_to_next_attempt(&test);
    assert!(
        (115..=120).contains(&waits),
        "two minutes after the second, got {}",
        waits
    );
    let queue = outbox::list(&test.db, outbox::Target::Panel, Default::default()).unwrap();
    assert_eq!(
        (queue.items[0].attempts, queue.items[0].delivered),
        (2, false)
    );
    assert_eq!(
        queue.items[0].last_error.as_deref(),
        Some("Proxmox VE: VM 123 is locked (backup)")
    );

    make_due(&test);
    let third = outbox::deliver_due(&test.db, &delivery, 10, &nothing).unwrap();
    assert_eq!(third[0].error, None);
    assert!(matches!(
        outbox::retry_now(&test.db, id),
        Err(Error::NotFound(_))
    ));
}

#[test]
fn what_follows_a_delivery_runs_in_the_transaction_that_records_it() {
    let test = migrated("outbox_follow");
    let panel = Panel::new(0);
    let delivery = Delivery {
        panels: &panel,
        servers: &server,
        deadline: None,
    };
    queue(&test, &job(Operation::Remove, 7, &["10.70.0.3"]));
    let seen = RefCell::new(Vec::new());
    let follow =
        |tx: &mut ipmanager::store::Tx<'_>, q: &outbox::Queued| -> ipmanager::store::Outcome<()> {
            let status: Option<String> = tx.exec_first(
                "SELECT status FROM mod_ipmanager_outbox WHERE id = ?",
                (q.id,),
            )?;
            seen.borrow_mut().push((q.job.service_id, status));
            Ok(())
        };
    outbox::deliver_due(&test.db, &delivery, 10, &follow).unwrap();
    assert_eq!(
        *seen.borrow(),
        [(7, Some("delivered".to_string()))],
        "it sees the delivery recorded"
    );
}

#[test]
fn without_an_integration_or_a_server_the_job_waits_with_the_reason() {
    let test = migrated("outbox_missing");
    let panel = Panel::new(0);
    let delivery = Delivery {
        panels: &panel,
        servers: &server,
        deadline: None,
    };
    holding(&test, &[(8, "10.70.0.4"), (9, "10.70.0.5")]);
    let mut other = job(Operation::Add, 8, &["10.70.0.4"]);
    other.module = "virtualizor".into();
    let mut gone = job(Operation::Add, 9, &["10.70.0.5"]);
    gone.server_id = 42;
    test.db
        .transaction(RetryPolicy::Transient, |tx| {
            outbox::enqueue(tx, &other)?;
            outbox::enqueue(tx, &gone)
        })
        .unwrap();
    let done = outbox::deliver_due(&test.db, &delivery, 10, &nothing).unwrap();
    assert_eq!(
        done[0].error.as_deref(),
        Some("no panel integration is enabled for the module 'virtualizor'")
    );
    assert_eq!(
        done[1].error.as_deref(),
        Some("server #42 is not in WHMCS any more; its credentials are unknown")
    );
    assert!(panel.calls.lock().unwrap().is_empty());
}

#[test]
fn two_workers_never_deliver_the_same_job() {
    let test = migrated("outbox_workers");
    let addresses: Vec<String> = (1..=40).map(|s| format!("10.70.1.{s}")).collect();
    let held: Vec<(u32, &str)> = (1..=40)
        .map(|s| (s, addresses[s as usize - 1].as_str()))
        .collect();
    holding(&test, &held);
    test.db
        .transaction(RetryPolicy::Transient, |tx| {
            for service in 1..=40 {
                outbox::enqueue(
                    tx,
                    &job(Operation::Add, service, &[&addresses[service as usize - 1]]),
                )?;
            }
            Ok(())
        })
        .unwrap();
    let panel = Panel::new(0);
    let delivered = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..4)
            .map(|_| {
                scope.spawn(|| {
                    let delivery = Delivery {
                        panels: &panel,
                        servers: &server,
                        deadline: None,
                    };
                    outbox::deliver_due(&test.db, &delivery, 100, &nothing)
                        .unwrap()
                        .len()
                })
            })
            .collect();
        workers
            .into_iter()
            .map(|w| w.join().unwrap())
            .sum::<usize>()
    });
    assert_eq!(delivered, 40);
    assert_eq!(
        panel.calls.lock().unwrap().len(),
        40,
        "each job asked the panel once"
    );
}

#[test]
fn an_add_only_tells_the_panel_what_its_service_still_holds() {
    let test = migrated("outbox_released");
    holding(
        &test,
        &[(11, "10.70.2.1"), (11, "10.70.2.2"), (12, "10.70.2.3")],
    );
    let panel = Panel::new(0);
    let delivery = Delivery {
        panels: &panel,
        servers: &server,
        deadline: None,
    };
    let both = queue(&test, &job(Operation::Add, 11, &["10.70.2.1", "10.70.2.2"]));
    let other = queue(&test, &job(Operation::Add, 12, &["10.70.2.3"]));
    // Released without asking the panel (a termination's release) before the add went out.
    let free = ipmanager::ipam::release::ReleaseMode::Free;
    ipmanager::ipam::release::release_address(&test.db, "10.70.2.2", free).unwrap();
    ipmanager::ipam::release::release_address(&test.db, "10.70.2.3", free).unwrap();

    outbox::deliver(&test.db, both, &delivery, &nothing)
        .unwrap()
        .unwrap();
    let done = outbox::deliver(&test.db, other, &delivery, &nothing)
        .unwrap()
        .unwrap();
    assert!(
        done.addresses.is_empty() && done.error.is_none(),
        "{done:?}"
    );
    let calls = panel.calls.lock().unwrap().clone();
    assert_eq!(
        calls.len(),
        1,
        "nothing is sent for an add with nothing left"
    );
    assert_eq!(
        calls[0].1,
        ["10.70.2.1"],
        "only what service 11 still holds"
    );
    let states: Vec<(u64, String, String)> = test
        .conn()
        .query("SELECT id, status, closed_by FROM mod_ipmanager_outbox ORDER BY id")
        .unwrap();
    assert_eq!(
        states,
        [
            (both, "delivered".into(), String::new()),
            (
                other,
                "superseded".into(),
                "released before the panel was told".into()
            )
        ]
    );
}

/// A panel that answers an add while, meanwhile, the address is released (the race the
/// check before asking cannot close).
struct ReleasedMeanwhile<'a> {
    db: &'a ipmanager::store::Db,
    calls: Mutex<Vec<(String, Vec<String>)>>,
}

impl Provider for ReleasedMeanwhile<'_> {
    fn name(&self) -> &str {
        "Racing panel"
    }
    fn add_ips(&self, change: &IpChange) -> ipmanager::Result<()> {
        ipmanager::ipam::release::release_address(
            self.db,
            &change.addresses[0],
            ipmanager::ipam::release::ReleaseMode::Free,
        )?;
        self.calls
            .lock()
            .unwrap()
            .push(("add".into(), change.addresses.clone()));
        Ok(())
    }
    fn remove_ips(&self, change: &IpChange) -> ipmanager::Result<()> {
        self.calls
            .lock()
            .unwrap()
            .push(("remove".into(), change.addresses.clone()));
        Ok(())
    }
}

impl Providers for ReleasedMeanwhile<'_> {
    fn for_module(&self, _: &str) -> Option<&dyn Provider> {
        Some(self)
    }
}

#[test]
fn an_address_released_while_its_add_was_on_the_way_is_taken_off_the_panel_again() {
    let test = migrated("outbox_race_release");
    holding(&test, &[(13, "10.70.3.1")]);
    let panel = ReleasedMeanwhile {
        db: &test.db,
        calls: Mutex::new(Vec::new()),
    };
    let delivery = Delivery {
        panels: &panel,
        servers: &server,
        deadline: None,
    };
    queue(&test, &job(Operation::Add, 13, &["10.70.3.1"]));
    outbox::deliver_due(&test.db, &delivery, 10, &nothing).unwrap();
    outbox::deliver_due(&test.db, &delivery, 10, &nothing).unwrap();
    assert_eq!(
        panel.calls.lock().unwrap().clone(),
        [
            ("add".to_string(), vec!["10.70.3.1".to_string()]),
            ("remove".to_string(), vec!["10.70.3.1".to_string()])
        ]
    );
    let pending: u64 = test
        .conn()
        .query_first("SELECT COUNT(*) FROM mod_ipmanager_outbox WHERE status = 'pending'")
        .unwrap()
        .unwrap();
    assert_eq!(pending, 0);
}
