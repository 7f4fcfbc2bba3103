//! Every panel, every fault, during add and during remove, through the real flow (the
//! configured integration, WHMCS's server record, the outbox): the hook returns within its
//! bound; no address is free or handed to another service while the panel may still hold
//! it; once the fault clears and the outbox drains, the panel's state and IP Manager's
//! agree; and a change that was delivered is never sent again.
//!
//! Where a panel cannot confirm by itself, the test does what the admin is told to do:
//! DirectAdmin has no documented call to give a user an IP (the admin assigns it there),
//! and SolusVM's answer to a repeated add or delete is undocumented, so after a reply lost
//! on the way the change waits with the panel's words until the admin forces it.

mod support;

use ipmanager::ipam::allocator::{self, Target};
use ipmanager::jobs::{assignments, unassign};
use ipmanager::providers::configured::{self, CALL_BUDGET};
use ipmanager::providers::outbox::{self, Delivered};
use ipmanager::providers::settings::Kind;
use ipmanager::provision::after_create::{AfterCreate, after_module_create};
use mysql::prelude::Queryable;
use serde_json::json;
use std::time::{Duration, Instant};
use support::http_server::{FAULTS, Fault};
use support::ipam::{pool, subnet};
use support::panels::{Scene, TIMEOUT_MS};
use support::req;

/// A hook asks a panel a few times at most; each request is bounded by the server's
/// timeout, and the whole hook by the 10 s budget.
fn hook_bound() -> Duration {
    Duration::from_millis(u64::from(TIMEOUT_MS) * 6).min(CALL_BUDGET)
}

/// A unit's first address (`2001:db8::/64` → `2001:db8::`), as its row is keyed.
fn first_address(unit: &str) -> &str {
    unit.split('/').next().unwrap_or(unit)
}

impl Scene {
    fn create(&self, service: u32) -> (String, AfterCreate, Duration) {
        self.panel.service(&self.test, service);
        let ip = allocator::allocate(&self.test.db, Target::Pool(self.pool_id), service, 1)
            .unwrap()[0]
            .address
            .clone();
        let started = Instant::now();
        let report = configured::with(&self.test.db, Some(CALL_BUDGET), |i| {
            after_module_create(&self.test.db, &req(self.panel.module_params(service)), i)
        })
        .unwrap();
        (ip, report, started.elapsed())
    }

    fn unassign(&self, ip: &str) -> (Option<String>, Duration) {
        let row: u64 = self
            .test
            .conn()
            .exec_first(
                "SELECT id FROM mod_ipmanager_addresses WHERE address = INET6_ATON(?)",
                (first_address(ip),),
            )
            .unwrap()
            .unwrap();
        let started = Instant::now();
        let done = configured::with(&self.test.db, Some(CALL_BUDGET), |i| {
            assignments::unassign(
                &self.test.db,
                &req(json!({"id": row, "mode": "free"})),
                i,
                0,
            )
        })
        .unwrap();
        (done.error, started.elapsed())
    }

    /// The cron's run: every waiting change made due and delivered.
    fn drain(&self) -> Vec<Delivered> {
        self.test
            .conn()
            .query_drop("UPDATE mod_ipmanager_outbox SET next_attempt_at = UTC_TIMESTAMP(3) WHERE status = 'pending'")
            .unwrap();
        configured::with(&self.test.db, None, |i| {
            outbox::deliver_due(&self.test.db, &i.delivery(), 100, &unassign::after_delivery)
        })
        .unwrap()
    }

    fn pending(&self) -> Vec<u64> {
        self.test
            .conn()
            .query("SELECT id FROM mod_ipmanager_outbox WHERE status = 'pending' ORDER BY id")
            .unwrap()
    }

    fn state_of(&self, ip: &str) -> String {
        self.test
            .conn()
            .exec_first(
                "SELECT state FROM mod_ipmanager_addresses WHERE address = INET6_ATON(?)",
                (first_address(ip),),
            )
            .unwrap()
            .unwrap_or_else(|| "free".into())
    }

    /// The lowest unit the pool hands out next (taken by a throw-away service and given
    /// back at once), to show which addresses count as free.
    fn next_free(&self, probe: u32) -> String {
        let got = allocator::allocate(&self.test.db, Target::Pool(self.pool_id), probe, 1).unwrap()
            [0]
        .address
        .clone();
        ipmanager::ipam::release::release_address(
            &self.test.db,
            &got,
            ipmanager::ipam::release::ReleaseMode::Free,
        )
        .unwrap();
        got
    }

    /// Drains until nothing waits, doing what the admin is told to do in the panel; what a
    /// panel still cannot confirm is forced, as the admin would. Whether anything was.
    fn settle(&self, service: u32, ip: &str, removing: bool) -> bool {
        for _ in 0..3 {
            self.drain();
            if self.pending().is_empty() {
                return false;
            }
            if removing {
                self.panel.admin_completes_remove(ip);
            } else {
                self.panel.admin_completes_add(service, ip);
            }
        }
        for id in self.pending() {
            outbox::force(
                &self.test.db,
                id,
                "the test's admin",
                &unassign::after_delivery,
            )
            .unwrap();
        }
        true
    }
}

/// What is left for the admin to force after `fault` on this panel: only SolusVM's
/// undocumented repeat after a lost reply (never taken for success).
fn needs_force(kind: Kind, fault: Fault) -> bool {
    kind == Kind::Solusvm && fault == Fault::AppliedThenHang
}

fn every_fault_during_add_and_remove(kind: Kind) {
    let scene = Scene::new(kind, "faults");
    let panel = &scene.panel;
    for (n, fault) in FAULTS.into_iter().enumerate() {
        let service = 100 + n as u32;
        let what = format!("{} {fault:?}", kind.label());

        // A slow panel that answers within the timeout is simply waited for.
        let fails = !matches!(fault, Fault::Slow(_));

        // Add while the panel is faulty: the hook returns in time, the add waits.
        panel.set_fault(fault);
        let (ip, report, took) = scene.create(service);
        assert!(
            took < hook_bound(),
            "{what}: the create's hook took {took:?}"
        );
        if fails {
            assert!(report.error.is_some(), "{what}: {report:?}");
            assert_eq!(scene.pending().len(), 1, "{what}: the add is kept");
        }
        panel.set_fault(Fault::None);

        let forced = scene.settle(service, &ip, false);
        assert_eq!(forced, needs_force(kind, fault), "{what}: forcing the add");
        assert!(
            panel.holds(service, &ip),
            "{what}: the panel has {ip} once the outbox drained"
        );
        assert_eq!(scene.state_of(&ip), "assigned", "{what}");

        // Delivered changes are never sent again.
        let asked = panel.requests();
        assert!(scene.drain().is_empty(), "{what}");
        assert_eq!(
            panel.requests(),
            asked,
            "{what}: nothing reached the panel again"
        );

        // Remove while the panel is faulty: the address waits, never free, never handed out.
        panel.set_fault(fault);
        let (error, took) = scene.unassign(&ip);
        assert!(took < hook_bound(), "{what}: the unassign took {took:?}");
        if fails {
            assert!(error.is_some(), "{what}");
            assert_eq!(scene.state_of(&ip), "releasing", "{what}");
            assert_ne!(
                scene.next_free(9000 + n as u32),
                ip,
                "{what}: handed out while releasing"
            );
            if fault != Fault::AppliedThenHang {
                assert!(panel.holds(service, &ip), "{what}: the panel still has it");
            }
        }
        panel.set_fault(Fault::None);

        let forced = scene.settle(service, &ip, true);
        assert_eq!(
            forced,
            needs_force(kind, fault),
            "{what}: forcing the removal"
        );
        assert!(!panel.holds(service, &ip), "{what}: the panel let {ip} go");
        assert_eq!(
            scene.state_of(&ip),
            "free",
            "{what}: free once the panel confirmed"
        );
        let asked = panel.requests();
        assert!(scene.drain().is_empty(), "{what}");
        assert_eq!(
            panel.requests(),
            asked,
            "{what}: nothing reached the panel again"
        );
    }
}

#[test]
fn cpanel_through_every_fault() {
    every_fault_during_add_and_remove(Kind::Cpanel);
}

#[test]
fn directadmin_through_every_fault() {
    every_fault_during_add_and_remove(Kind::Directadmin);
}

#[test]
fn plesk_through_every_fault() {
    every_fault_during_add_and_remove(Kind::Plesk);
}

#[test]
fn proxmox_through_every_fault() {
    every_fault_during_add_and_remove(Kind::Proxmox);
}

#[test]
fn solusvm_through_every_fault() {
    every_fault_during_add_and_remove(Kind::Solusvm);
}

/// What a panel cannot take through its API (IPv6 on cPanel) is left out with a note for
/// the admin and never holds up the rest: a dual-stack service gets its IPv4 on the panel,
/// and its IPv6 prefix is released at once when unassigned.
#[test]
fn what_a_panel_cannot_take_is_noted_and_never_blocks_the_rest() {
    let scene = Scene::new(Kind::Cpanel, "unsupported");
    let v6 = pool(
        &scene.test,
        json!({"subnet_id": subnet(&scene.test, json!({"cidr": "2001:db8:100::/48", "name": "v6"})).id,
               "name": "routed /64", "prefix_len": 64}),
    );
    scene.panel.service(&scene.test, 1);
    let v4 = allocator::allocate(&scene.test.db, Target::Pool(scene.pool_id), 1, 1).unwrap()[0]
        .address
        .clone();
    let prefix = allocator::allocate(&scene.test.db, Target::Pool(v6.id), 1, 1).unwrap()[0]
        .address
        .clone();
    let report = configured::with(&scene.test.db, Some(CALL_BUDGET), |i| {
        after_module_create(&scene.test.db, &req(scene.panel.module_params(1)), i)
    })
    .unwrap();
    assert_eq!(report.error, None, "{report:?}");
    assert!(scene.panel.holds(1, &v4));
    let notes: Vec<(String, String)> = scene
        .test
        .conn()
        .query("SELECT status, note FROM mod_ipmanager_outbox ORDER BY id")
        .unwrap();
    assert_eq!(notes[0].0, "delivered");
    assert!(
        notes[0].1.contains(&prefix) && notes[0].1.contains("not supported by cPanel"),
        "{notes:?}"
    );

    let (error, _) = scene.unassign(&prefix);
    assert_eq!(error, None, "nothing to ask the panel: released at once");
    assert_eq!(scene.state_of(&prefix), "free");
    let (error, _) = scene.unassign(&v4);
    assert_eq!(error, None);
    assert!(!scene.panel.holds(1, &v4));
    assert!(scene.pending().is_empty());
}
