//! 32 orders provisioned at once while their panel hangs: every AfterModuleCreate returns
//! within its bound, every order has its own address, no add is lost; when the panel is
//! back the outbox delivers each exactly once and the panel holds every address.

mod support;

use ipmanager::ipam::allocator::{self, Target};
use ipmanager::jobs::unassign;
use ipmanager::providers::configured::{self, CALL_BUDGET};
use ipmanager::providers::outbox;
use ipmanager::providers::settings::Kind;
use ipmanager::provision::after_create::after_module_create;
use mysql::prelude::Queryable;
use std::collections::BTreeSet;
use std::time::{Duration, Instant};
use support::http_server::Fault;
use support::panels::{Scene, TIMEOUT_MS};
use support::req;

const ORDERS: u32 = 32;

#[test]
fn thirty_two_creates_while_the_panel_hangs() {
    let Scene {
        test,
        panel,
        pool_id,
    } = Scene::new(Kind::Cpanel, "panel_race");
    for service in 1..=ORDERS {
        panel.service(&test, service);
    }
    panel.set_fault(Fault::Hang);

    let results: Vec<(String, Duration, Option<String>)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (1..=ORDERS)
            .map(|service| {
                let (test, panel) = (&test, &panel);
                scope.spawn(move || {
                    let started = Instant::now();
                    let ip = allocator::allocate(&test.db, Target::Pool(pool_id), service, 1)
                        .unwrap()[0]
                        .address
                        .clone();
                    let report = configured::with(&test.db, Some(CALL_BUDGET), |i| {
                        after_module_create(&test.db, &req(panel.module_params(service)), i)
                    })
                    .unwrap();
                    (ip, started.elapsed(), report.error)
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });

    let distinct: BTreeSet<&String> = results.iter().map(|(ip, _, _)| ip).collect();
    assert_eq!(
        distinct.len(),
        ORDERS as usize,
        "every order has its own address"
    );
    for (ip, took, error) in &results {
        // Each hook asked the hung panel once or twice, each bounded by the timeout.
        assert!(
            *took < Duration::from_millis(u64::from(TIMEOUT_MS) * 4),
            "{ip}: {took:?}"
        );
        assert!(
            error
                .as_deref()
                .unwrap_or("")
                .contains("did not reply in time"),
            "{ip}: {error:?}"
        );
    }
    let pending: u64 = test
        .conn()
        .query_first("SELECT COUNT(*) FROM mod_ipmanager_outbox WHERE status = 'pending' AND operation = 'add'")
        .unwrap()
        .unwrap();
    assert_eq!(pending, u64::from(ORDERS), "no add is lost");

    panel.set_fault(Fault::None);
    test.conn()
        .query_drop("UPDATE mod_ipmanager_outbox SET next_attempt_at = UTC_TIMESTAMP(3)")
        .unwrap();
    let delivered = configured::with(&test.db, None, |i| {
        outbox::deliver_due(&test.db, &i.delivery(), 100, &unassign::after_delivery)
    })
    .unwrap();
    assert_eq!(delivered.len(), ORDERS as usize);
    assert!(delivered.iter().all(|d| d.error.is_none()), "{delivered:?}");
    for (n, (ip, _, _)) in results.iter().enumerate() {
        let service = n as u32 + 1;
        assert!(
            panel.holds(service, ip),
            "service {service} has {ip} on the panel"
        );
    }
    let asked = panel.requests();
    configured::with(&test.db, None, |i| {
        outbox::deliver_due(&test.db, &i.delivery(), 100, &unassign::after_delivery)
    })
    .unwrap();
    assert_eq!(panel.requests(), asked, "delivered once, never again");
}
