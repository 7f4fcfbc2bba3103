//! Telling the panels (issue 10): the latency AfterModuleCreate adds with a healthy panel,
//! the outbox draining 1,000 deliveries, and a hook's worst case against a hung panel.
//! The panels are the test fakes on loopback, so the figures are IP Manager's own cost
//! plus one local HTTP exchange per request, not a real panel's.

use super::measure::{row, stats};
use super::support::http_server::Fault;
use super::support::panels::{Panel, Scene};
use super::support::req;
use ipmanager::ipam::allocator::{self, Target};
use ipmanager::jobs::unassign;
use ipmanager::providers::Integrations;
use ipmanager::providers::configured::{self, CALL_BUDGET};
use ipmanager::providers::outbox::{self, Job, Operation};
use ipmanager::providers::settings::{self, Kind};
use ipmanager::provision::after_create::after_module_create;
use ipmanager::store::RetryPolicy;
use mysql::prelude::Queryable;
use std::time::Instant;

fn scene(kind: Kind, services: u32) -> Scene {
    let s = Scene::new(kind, "bench_panels");
    for service in 1..=services {
        s.panel.service(&s.test, service);
    }
    s
}

pub fn run() {
    println!("Panels (fakes on loopback; issue 10)");
    added_latency(Kind::Cpanel);
    added_latency(Kind::Proxmox);
    drain_thousand();
    hung_panel();
    println!();
}

/// AfterModuleCreate with the integration on and a healthy panel, against the same hook
/// with no integration (what it cost before: read what the service holds, log).
fn added_latency(kind: Kind) {
    const SERVICES: u32 = 200;
    let s = scene(kind, SERVICES);
    for service in 1..=SERVICES {
        allocator::allocate(&s.test.db, Target::Pool(s.pool_id), service, 1).unwrap();
    }
    let (mut told, mut alone) = (Vec::new(), Vec::new());
    for service in 1..=SERVICES {
        let params = req(s.panel.module_params(service));
        let t = Instant::now();
        configured::with(&s.test.db, Some(CALL_BUDGET), |i| {
            after_module_create(&s.test.db, &params, i)
        })
        .unwrap();
        told.push(t.elapsed().as_secs_f64() * 1e6);
        let t = Instant::now();
        after_module_create(&s.test.db, &params, &Integrations::none()).unwrap();
        alone.push(t.elapsed().as_secs_f64() * 1e6);
    }
    let (told, alone) = (stats(&mut told), stats(&mut alone));
    println!(
        "  AfterModuleCreate, {} ({SERVICES} services, interleaved):",
        kind.label()
    );
    row("  with the panel told", &told);
    row("  no integration enabled", &alone);
    println!(
        "    added by telling the panel: p50 {:.2} ms, p99 {:.2} ms",
        (told.0 - alone.0) / 1e3,
        (told.1 - alone.1) / 1e3
    );
}

/// 1,000 adds waiting in the outbox (one per service), delivered by one cron run.
fn drain_thousand() {
    const JOBS: u32 = 1000;
    let s = scene(Kind::Cpanel, 250);
    s.test
        .db
        .transaction(RetryPolicy::Transient, |tx| {
            for n in 0..JOBS {
                let service = n % 250 + 1;
                outbox::enqueue(
                    tx,
                    &Job {
                        target: outbox::Target::Panel,
                        operation: Operation::Add,
                        service_id: service,
                        server_id: s.panel.server_id,
                        module: "cpanel".into(),
                        username: Panel::username(service),
                        domain: Panel::domain(service),
                        addresses: vec![format!("198.51.100.{}", n % 250 + 2)],
                        release: None,
                    },
                )?;
            }
            Ok(())
        })
        .unwrap();
    let t = Instant::now();
    let mut delivered = 0;
    // A cron run delivers what is due, oldest first (each service's changes in order);
    // it runs again should anything be left.
    let mut runs = 0;
    while delivered < JOBS as usize {
        let done = configured::with(&s.test.db, None, |i| {
            outbox::deliver_due(&s.test.db, &i.delivery(), JOBS, &unassign::after_delivery)
        })
        .unwrap();
        if done.is_empty() {
            println!("  (the outbox stopped draining after {delivered} deliveries)");
            break;
        }
        delivered += done.iter().filter(|d| d.error.is_none()).count();
        runs += 1;
    }
    let seconds = t.elapsed().as_secs_f64();
    println!(
        "  outbox drain of {JOBS} deliveries (cPanel fake, {runs} cron runs): {seconds:.2} s, \
         {:.2} ms each, {:.0}/s",
        seconds * 1e3 / f64::from(JOBS),
        f64::from(JOBS) / seconds
    );
}

/// A panel that accepts the connection and never answers: the hook with the default
/// per-server timeouts (connect 3 s, request 8 s), and with the longest request timeout
/// an admin may set (30 s), where the hook's 10 s budget is the bound.
fn hung_panel() {
    let s = scene(Kind::Proxmox, 4);
    s.panel.set_fault(Fault::Hang);
    for (label, timeout_ms) in [
        ("default 8 s request timeout", 8_000),
        ("30 s request timeout", 30_000),
    ] {
        settings::save_server(
            &s.test.db,
            &settings::ServerSettings {
                timeout_ms,
                ..settings::ServerSettings::defaults(s.panel.server_id)
            },
        )
        .unwrap();
        let service = if timeout_ms == 8_000 { 1 } else { 2 };
        allocator::allocate(&s.test.db, Target::Pool(s.pool_id), service, 1).unwrap();
        let t = Instant::now();
        let report = configured::with(&s.test.db, Some(CALL_BUDGET), |i| {
            after_module_create(&s.test.db, &req(s.panel.module_params(service)), i)
        })
        .unwrap();
        let waiting: u64 = s
            .test
            .conn()
            .query_first("SELECT COUNT(*) FROM mod_ipmanager_outbox WHERE status = 'pending'")
            .unwrap()
            .unwrap_or(0);
        println!(
            "  AfterModuleCreate against a hung Proxmox VE, {label}: {:.2} s (hook budget {} s; add kept: {} waiting; {})",
            t.elapsed().as_secs_f64(),
            CALL_BUDGET.as_secs(),
            waiting,
            report.error.unwrap_or_default()
        );
    }
}
