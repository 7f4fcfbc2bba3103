//! NetBox (issue 11), in the same run against the same real NetBox (`make netbox`):
//! IP Manager's allocation against NetBox's own `POST prefixes/{id}/available-ips/`,
//! sequential and under 32 parallel clients (with NetBox's duplicates counted), then the
//! full push of 10,000 assignments and the reconcile when nothing changed, and per-change
//! mirroring: what it adds to an allocation, the latency from COMMIT to NetBox showing the
//! change (assign and release), and the queue drained after an outage.

use super::measure::{row, stats};
use super::support::ipam::{migrated, pool, subnet, whmcs_tables};
use super::support::netbox::real;
use ipmanager::ipam::allocator::{self, Target};
use ipmanager::netbox::client::NetBox;
use ipmanager::netbox::mirror;
use ipmanager::netbox::push::push;
use ipmanager::netbox::settings::{self, NetBoxForm, NetBoxSettings};
use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::time::Instant;

const SEQUENTIAL: u32 = 200;
const CLIENTS: u32 = 32;
const EACH: u32 = 10;
const PUSHED_SERVICES: u32 = 100;
const PUSHED_EACH: u32 = 100;

pub fn run() {
    println!("NetBox (a real NetBox 4.7.3 on loopback; issue 11)");
    let nb_env = real();
    let nb = client(&nb_env.url, &nb_env.token);
    let stamp = (std::process::id() % 200 + 20) as u8;
    allocation_against_netbox(&nb, stamp);
    full_push(&nb_env.url, &nb_env.token, stamp);
    per_change(&nb_env.url, &nb_env.token, stamp);
    println!();
}

/// A client with a long request timeout (bulk requests of 500 objects take seconds).
fn client(url: &str, token: &str) -> NetBox {
    NetBox::new(&NetBoxSettings {
        url: url.into(),
        token: token.into(),
        token_set: true,
        timeout_ms: 30_000,
        ..NetBoxSettings::default()
    })
    .expect("NetBox client")
}

/// A NetBox prefix to allocate from, removed again afterwards with what was taken.
fn netbox_prefix(nb: &NetBox, cidr: &str) -> u64 {
    let created = nb
        .call(
            "POST",
            "ipam/prefixes/",
            &[],
            Some(&json!({"prefix": cidr, "status": "active", "description": "IP Manager bench"})),
        )
        .expect("create the bench prefix");
    created["id"].as_u64().expect("prefix id")
}

fn remove_under(nb: &NetBox, cidr: &str) {
    for (endpoint, filter) in [
        ("ipam/ip-addresses/", "parent"),
        ("ipam/prefixes/", "within_include"),
    ] {
        let ids: Vec<Value> = nb
            .list(endpoint, &[(filter, cidr)])
            .unwrap_or_default()
            .iter()
            .map(|o| json!({"id": o["id"]}))
            .collect();
        for chunk in ids.chunks(500) {
            let _ = nb.call("DELETE", endpoint, &[], Some(&Value::Array(chunk.to_vec())));
        }
    }
}

fn allocation_against_netbox(nb: &NetBox, stamp: u8) {
    let cidr = format!("10.{stamp}.0.0/16");
    remove_under(nb, &cidr);
    let prefix = netbox_prefix(nb, &cidr);
    let path = format!("ipam/prefixes/{prefix}/available-ips/");
    let test = migrated("bench_netbox_alloc");
    let s = subnet(
        &test,
        json!({"cidr": format!("10.{stamp}.0.0/16"), "name": "bench"}),
    );
    let p = pool(&test, json!({"subnet_id": s.id, "name": "bench"}));

    // One side after the other: on two cores, NetBox's workers and PostgreSQL go on using
    // the CPU after each reply, and interleaving would charge that to the allocation next
    // to it (measured: 2.0 ms p50 interleaved).
    let mut theirs = Vec::new();
    for _ in 0..SEQUENTIAL {
        let t = Instant::now();
        nb.call("POST", &path, &[], Some(&json!({"description": "bench"})))
            .expect("NetBox allocation");
        theirs.push(t.elapsed().as_secs_f64() * 1e6);
    }
    std::thread::sleep(std::time::Duration::from_secs(2));
    let mut ours = Vec::new();
    for n in 0..SEQUENTIAL {
        let t = Instant::now();
        allocator::allocate(&test.db, Target::Pool(p.id), n + 1, 1).expect("allocate");
        ours.push(t.elapsed().as_secs_f64() * 1e6);
    }
    let (ours, theirs) = (stats(&mut ours), stats(&mut theirs));
    println!("  one allocation, sequential ({SEQUENTIAL} each, one side after the other):");
    row("  ipmanager_allocate (Rust core)", &ours);
    row("  NetBox POST available-ips", &theirs);
    println!(
        "    IP Manager is {:.0}x faster at p50, {:.0}x at p99 (goal: 50x at p50)",
        theirs.0 / ours.0,
        theirs.1 / ours.1
    );

    // 32 clients at once, each allocating EACH times, on each side.
    let parallel = |ask: &(dyn Fn(u32) -> String + Sync)| -> (Vec<f64>, Vec<String>, f64) {
        let started = Instant::now();
        let results: Vec<(Vec<f64>, Vec<String>)> = std::thread::scope(|scope| {
            (0..CLIENTS)
                .map(|c| {
                    scope.spawn(move || {
                        let mut times = Vec::new();
                        let mut got = Vec::new();
                        for k in 0..EACH {
                            let t = Instant::now();
                            got.push(ask(10_000 + c * EACH + k));
                            times.push(t.elapsed().as_secs_f64() * 1e6);
                        }
                        (times, got)
                    })
                })
                .collect::<Vec<_>>()
                .into_iter()
                .map(|h| h.join().expect("client thread"))
                .collect()
        });
        let seconds = started.elapsed().as_secs_f64();
        let (times, got): (Vec<Vec<f64>>, Vec<Vec<String>>) = results.into_iter().unzip();
        (times.concat(), got.concat(), seconds)
    };
    let (mut ours_t, ours_got, ours_s) = parallel(&|service| {
        allocator::allocate(&test.db, Target::Pool(p.id), service, 1)
            .map(|a| a[0].address.clone())
            .unwrap_or_else(|e| format!("error: {e}"))
    });
    let (mut theirs_t, theirs_got, theirs_s) = parallel(&|_| {
        nb.call("POST", &path, &[], Some(&json!({"description": "bench"})))
            .map(|o| o["address"].as_str().unwrap_or_default().to_string())
            .unwrap_or_else(|e| format!("error: {e}"))
    });
    let total = (CLIENTS * EACH) as usize;
    let distinct = |got: &[String]| {
        got.iter()
            .filter(|a| !a.starts_with("error"))
            .collect::<BTreeSet<_>>()
            .len()
    };
    let errors = |got: &[String]| got.iter().filter(|a| a.starts_with("error")).count();
    let (ours_p, theirs_p) = (stats(&mut ours_t), stats(&mut theirs_t));
    println!("  {CLIENTS} parallel clients, {EACH} allocations each:");
    row("  ipmanager_allocate", &ours_p);
    row("  NetBox POST available-ips", &theirs_p);
    println!(
        "    IP Manager {:.0}/s, {} distinct of {total}, {} errors; NetBox {:.0}/s, {} distinct of {total}, {} errors; {:.0}x at p50",
        total as f64 / ours_s,
        distinct(&ours_got),
        errors(&ours_got),
        total as f64 / theirs_s,
        distinct(&theirs_got),
        errors(&theirs_got),
        theirs_p.0 / ours_p.0
    );
    remove_under(nb, &cidr);
}

fn full_push(url: &str, token: &str, stamp: u8) {
    let cidr = format!("10.{}.0.0/16", stamp.wrapping_add(1));
    let tag = format!("ipm-bench-{stamp}");
    let nb = client(url, token);
    remove_under(&nb, &cidr);
    let test = migrated("bench_netbox_push");
    whmcs_tables(&test);
    let s = subnet(&test, json!({"cidr": cidr, "name": "bench push"}));
    let p = pool(&test, json!({"subnet_id": s.id, "name": "bench push"}));
    for service in 1..=PUSHED_SERVICES {
        allocator::allocate(&test.db, Target::Pool(p.id), service, PUSHED_EACH).expect("fill");
    }
    settings::save(&test.db, &mirror_form(url, token, &tag, true)).expect("settings");
    let assignments = PUSHED_SERVICES * PUSHED_EACH;
    let t = Instant::now();
    let first = push(&test.db);
    let first_s = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let again = push(&test.db);
    let again_s = t.elapsed().as_secs_f64();
    match (first, again) {
        (Ok(first), Ok(again)) => {
            println!(
                "  full push of {assignments} assignments: {first_s:.1} s ({} addresses created, {:.0}/s)",
                first.addresses.created,
                f64::from(assignments) / first_s
            );
            println!(
                "  reconcile of {assignments} when nothing changed: {again_s:.1} s ({} unchanged, {} sent)",
                again.addresses.unchanged + again.prefixes.unchanged,
                again.addresses.created + again.addresses.updated + again.addresses.retired
            );
        }
        (first, again) => println!("  full push failed: {:?} / {:?}", first.err(), again.err()),
    }
    remove_under(&nb, &cidr);
}

const MIRRORED: u32 = 200;
const QUEUED: u32 = 1000;

fn mirror_form(url: &str, token: &str, tag: &str, enabled: bool) -> NetBoxForm {
    NetBoxForm {
        enabled,
        url: url.into(),
        token: token.into(),
        verify_tls: true,
        fingerprint: String::new(),
        connect_timeout_ms: 3000,
        timeout_ms: 30_000,
        tag: tag.into(),
        release_action: "deprecate".into(),
        push_on_assign: true,
    }
}

/// Per-change mirroring: the allocation with NetBox off and on (the NetBox row rides in the
/// commit packet), COMMIT → NetBox for an assignment and a release, and 1,000 changes
/// drained after an outage.
fn per_change(url: &str, token: &str, stamp: u8) {
    let cidr = format!("10.{}.0.0/16", stamp.wrapping_add(2));
    let tag = format!("ipm-bench-mirror-{stamp}");
    let nb = client(url, token);
    remove_under(&nb, &cidr);
    let test = migrated("bench_netbox_mirror");
    whmcs_tables(&test);
    let s = subnet(&test, json!({"cidr": cidr, "name": "bench mirror"}));
    let p = pool(&test, json!({"subnet_id": s.id, "name": "bench mirror"}));
    let allocate = |service: u32| {
        let t = Instant::now();
        allocator::allocate(&test.db, Target::Pool(p.id), service, 1).expect("allocate");
        t.elapsed().as_secs_f64() * 1e6
    };
    // The allocation alone, NetBox off then on, interleaved so both see the same machine.
    settings::save(&test.db, &mirror_form(url, token, &tag, false)).expect("settings");
    let (mut off, mut on) = (Vec::new(), Vec::new());
    for round in 0..MIRRORED {
        settings::save(&test.db, &mirror_form(url, token, &tag, round % 2 == 1)).expect("settings");
        let took = allocate(10_000 + round);
        if round % 2 == 1 {
            on.push(took)
        } else {
            off.push(took)
        }
    }
    let (off, on) = (stats(&mut off), stats(&mut on));
    row("  allocate, NetBox off", &off);
    row("  allocate, NetBox mirroring", &on);
    mirror::drain(&test.db, 10_000, None).expect("drain");

    // COMMIT → NetBox: the delivery right after the change, as a hook makes it.
    let (mut assign, mut release) = (Vec::new(), Vec::new());
    for n in 0..MIRRORED {
        let service = 20_000 + n;
        allocator::allocate(&test.db, Target::Pool(p.id), service, 1).expect("allocate");
        let t = Instant::now();
        let sent = mirror::after_commit(&test.db, service, None).expect("deliver");
        assign.push(t.elapsed().as_secs_f64() * 1e6);
        assert!(sent.len() == 1 && sent[0].error.is_none(), "{sent:?}");
        ipmanager::ipam::release::release_service(
            &test.db,
            service,
            None,
            ipmanager::ipam::release::ReleaseMode::Free,
        )
        .expect("release");
        let t = Instant::now();
        let sent = mirror::after_commit(&test.db, service, None).expect("deliver");
        release.push(t.elapsed().as_secs_f64() * 1e6);
        assert!(sent.len() == 1 && sent[0].error.is_none(), "{sent:?}");
    }
    // The floor: NetBox's own create of one IP address, as a bare client makes it.
    let mut floor = Vec::new();
    let base = cidr.trim_end_matches(".0.0/16");
    for n in 0..MIRRORED {
        let body = json!({"address": format!("{base}.250.{}/16", n % 250 + 1), "status": "active"});
        let t = Instant::now();
        let made = nb
            .call("POST", "ipam/ip-addresses/", &[], Some(&body))
            .expect("create");
        floor.push(t.elapsed().as_secs_f64() * 1e6);
        nb.call(
            "DELETE",
            "ipam/ip-addresses/",
            &[],
            Some(&json!([{"id": made["id"]}])),
        )
        .expect("delete");
    }
    // And NetBox's own read of one address, which a delivery makes first.
    let mut read = Vec::new();
    for n in 0..MIRRORED {
        let address = format!("{base}.250.{}", n % 250 + 1);
        let t = Instant::now();
        nb.list("ipam/ip-addresses/", &[("address", &address)])
            .expect("read");
        read.push(t.elapsed().as_secs_f64() * 1e6);
    }
    let (assign, release, floor) = (stats(&mut assign), stats(&mut release), stats(&mut floor));
    row("  NetBox's own POST ip-addresses (floor)", &floor);
    row(
        "  NetBox's own GET ip-addresses?address=",
        &stats(&mut read),
    );
    row("  mirror an assignment (COMMIT → NetBox)", &assign);
    row("  mirror a release (→ deprecated)", &release);
    println!(
        "    a mirrored change costs {:.1}x NetBox's own create at p50 (a read of what NetBox has, then the write)",
        assign.0 / floor.0
    );

    // An outage: 1,000 changes wait, then one cron round sends them.
    settings::save(
        &test.db,
        &mirror_form("http://127.0.0.1:1", token, &tag, true),
    )
    .expect("settings");
    for n in 0..QUEUED {
        allocator::allocate(&test.db, Target::Pool(p.id), 30_000 + n, 1).expect("allocate");
    }
    settings::save(&test.db, &mirror_form(url, token, &tag, true)).expect("settings");
    let t = Instant::now();
    let sent = mirror::drain(&test.db, QUEUED, None).expect("drain");
    let took = t.elapsed().as_secs_f64();
    println!(
        "  queue of {QUEUED} changes after an outage: {took:.1} s ({:.0}/s, {} sent, {} failed)",
        f64::from(QUEUED) / took,
        sent.iter().filter(|d| d.error.is_none()).count(),
        sent.iter().filter(|d| d.error.is_some()).count()
    );
    remove_under(&nb, &cidr);
}
