//! Each change mirrored to the real NetBox make test starts, through the outbox: written in
//! the change's own transaction (only while NetBox mirrors), delivered after COMMIT, safe
//! to repeat and in any order; NetBox down, hung, refusing (403), conflicting (409) or
//! answering "Duplicate IP address found" never blocks the change, loses nothing, shows the
//! error, and the queue drains once NetBox is back. Each test uses its own tag and networks
//! and removes what it made.

mod support;

use ipmanager::ipam::allocator::{self, Target};
use ipmanager::ipam::release::{self, ReleaseMode};
use ipmanager::ipam::subnets;
use ipmanager::netbox::client::NetBox;
use ipmanager::netbox::{mirror, settings};
use ipmanager::providers::outbox::{self, Job, Operation};
use ipmanager::store::RetryPolicy;
use mysql::prelude::Queryable;
use serde_json::{Value, json};
use support::TestDb;
use support::http_faults::{HttpFaults, Mode};
use support::ipam::{migrated, pool, subnet, whmcs_tables};
use support::netbox::{form, real};

/// A /24 and a tag no other test or run uses.
fn unique(n: u32) -> (String, String) {
    let salt = std::process::id() % 200 + 20;
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u32
        % 30;
    // Eight networks per stamp: tests running at once never share one.
    let third = stamp * 8 + n;
    (
        format!("10.{salt}.{third}.0/24"),
        format!("ipm-mirror-{salt}-{third}"),
    )
}

/// A database with WHMCS's tables, a client and services 5 and 6.
fn scene(label: &str) -> TestDb {
    let test = migrated(label);
    whmcs_tables(&test);
    let mut c = test.conn();
    c.query_drop("INSERT INTO tblclients (id, firstname, lastname, companyname, email, password) VALUES (1, 'Dana', 'Demo', '', 'd@example.com', '')").unwrap();
    for id in 5..=10 {
        let domain = format!("vps{id}.example.net");
        c.exec_drop(
            "INSERT INTO tblhosting (id, userid, packageid, domain, domainstatus) VALUES (?, 1, 1, ?, 'Active')",
            (id, domain),
        )
        .unwrap();
    }
    test
}

fn netbox_of(test: &TestDb) -> NetBox {
    NetBox::new(&settings::read(&test.db).unwrap()).unwrap()
}

/// NetBox's IP addresses at `address` (every VRF, tagged or not).
fn ips(nb: &NetBox, address: &str) -> Vec<Value> {
    nb.list("ipam/ip-addresses/", &[("address", address)])
        .unwrap()
}

fn status(o: &Value) -> &str {
    o["status"]["value"].as_str().unwrap()
}

/// NetBox changes waiting: (id, attempts, last error).
fn waiting(test: &TestDb) -> Vec<(u64, u32, Option<String>)> {
    test.conn()
        .query(
            "SELECT id, attempts, last_error FROM mod_ipmanager_outbox WHERE target = 'netbox' AND status = 'pending' ORDER BY id",
        )
        .unwrap()
}

fn make_due(test: &TestDb) {
    test.conn()
        .query_drop("UPDATE mod_ipmanager_outbox SET next_attempt_at = UTC_TIMESTAMP(3) WHERE status = 'pending'")
        .unwrap();
}

fn drain(test: &TestDb) -> Vec<outbox::Delivered> {
    make_due(test);
    mirror::drain(&test.db, 100, None).unwrap()
}

fn clean_up(nb: &NetBox, cidr: &str) {
    support::netbox::remove_under(nb, cidr);
}

#[test]
fn each_change_reaches_netbox_after_commit_and_a_repeat_changes_nothing() {
    let real = real();
    let (cidr, tag) = unique(0);
    let test = scene("nbm_flow");
    settings::save(&test.db, &form(&real.url, &real.token, &tag, "deprecate")).unwrap();
    let s = subnet(&test, json!({"cidr": cidr, "name": "edge"}));
    let p = pool(&test, json!({"subnet_id": s.id, "name": "vps"}));
    let a = allocator::allocate(&test.db, Target::Pool(p.id), 5, 1).unwrap()[0]
        .address
        .clone();
    // Written with the changes, nothing sent yet.
    assert_eq!(waiting(&test).len(), 2);
    let nb = netbox_of(&test);
    assert!(ips(&nb, &a).is_empty());

    let told = mirror::after_commit(&test.db, 5, None).unwrap();
    assert_eq!(told.len(), 1, "only service 5's change: {told:?}");
    assert_eq!(told[0].error, None);
    let found = ips(&nb, &a);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0]["address"], json!(format!("{a}/24")));
    assert_eq!(status(&found[0]), "active");
    assert_eq!(found[0]["dns_name"], json!("vps5.example.net"));
    assert_eq!(
        found[0]["description"],
        json!("WHMCS service #5 (Dana Demo)")
    );
    assert_eq!(found[0]["tags"][0]["slug"], json!(tag));
    // The subnet's change (no service) goes with the next round.
    assert_eq!(drain(&test).len(), 1);
    let prefixes = nb.list("ipam/prefixes/", &[("prefix", &cidr)]).unwrap();
    assert_eq!(prefixes.len(), 1);
    assert_eq!(prefixes[0]["description"], json!("edge"));
    assert!(waiting(&test).is_empty());

    // A delivery repeated (a crash between NetBox's answer and its record) changes nothing.
    let job = Job {
        target: outbox::Target::NetBox,
        operation: Operation::Add,
        service_id: 5,
        server_id: 0,
        module: "netbox".into(),
        username: String::new(),
        domain: String::new(),
        addresses: vec![a.clone(), cidr.clone()],
        release: None,
    };
    let before = ips(&nb, &a);
    assert_eq!(mirror::deliver(&test.db, &job, None), Ok(None));
    let after = ips(&nb, &a);
    assert_eq!(after.len(), 1);
    assert_eq!(
        (after[0]["id"].clone(), after[0]["last_updated"].clone()),
        (before[0]["id"].clone(), before[0]["last_updated"].clone()),
        "nothing was sent for an object already as wanted"
    );

    // Released: deprecated in place; handed to service 6: the same object, active again.
    release::release_address(&test.db, &a, ReleaseMode::Free).unwrap();
    assert_eq!(drain(&test).len(), 1);
    let released = ips(&nb, &a);
    assert_eq!((released.len(), status(&released[0])), (1, "deprecated"));
    let again = allocator::allocate(&test.db, Target::Pool(p.id), 6, 1).unwrap();
    assert_eq!(
        again[0].address, a,
        "the lowest free address is handed out again"
    );
    drain(&test);
    let reused = ips(&nb, &a);
    assert_eq!(reused.len(), 1);
    assert_eq!(reused[0]["id"], released[0]["id"]);
    assert_eq!(status(&reused[0]), "active");
    assert_eq!(
        reused[0]["description"],
        json!("WHMCS service #6 (Dana Demo)")
    );

    // The subnet deleted with force: its prefix and addresses retired.
    subnets::delete(&test.db, s.id, true).unwrap();
    drain(&test);
    assert_eq!(status(&ips(&nb, &a)[0]), "deprecated");
    let prefix = nb.list("ipam/prefixes/", &[("prefix", &cidr)]).unwrap();
    assert_eq!(status(&prefix[0]), "deprecated");
    clean_up(&nb, &cidr);
}

#[test]
fn nothing_is_written_while_netbox_is_off_or_does_not_mirror() {
    let real = real();
    let (cidr, tag) = unique(1);
    let test = scene("nbm_off");
    let s = subnet(&test, json!({"cidr": cidr, "name": "off"}));
    let p = pool(&test, json!({"subnet_id": s.id, "name": "vps"}));
    allocator::allocate(&test.db, Target::Pool(p.id), 5, 1).unwrap();
    assert!(waiting(&test).is_empty(), "no settings: NetBox is off");
    let mut quiet = form(&real.url, &real.token, &tag, "deprecate");
    quiet.push_on_assign = false;
    settings::save(&test.db, &quiet).unwrap();
    allocator::allocate(&test.db, Target::Pool(p.id), 6, 1).unwrap();
    release::release_address(&test.db, &cidr.replace(".0/24", ".1"), ReleaseMode::Free).unwrap();
    assert!(waiting(&test).is_empty(), "on, but only full pushes");
    let mut off = form(&real.url, &real.token, &tag, "deprecate");
    off.enabled = false;
    settings::save(&test.db, &off).unwrap();
    allocator::allocate(&test.db, Target::Pool(p.id), 7, 1).unwrap();
    assert!(waiting(&test).is_empty());
    settings::save(&test.db, &form(&real.url, &real.token, &tag, "deprecate")).unwrap();
    allocator::allocate(&test.db, Target::Pool(p.id), 8, 1).unwrap();
    assert_eq!(waiting(&test).len(), 1);
}

/// Down, hung, 403, 409 and NetBox's duplicate refusal: the allocation stands, the change
/// waits with the error in words (never the token), and goes through once NetBox is back.
#[test]
fn netbox_faults_never_block_a_change_and_the_queue_drains_when_it_is_back() {
    let real = real();
    let (cidr, tag) = unique(2);
    let test = scene("nbm_faults");
    let proxy = HttpFaults::start(&real.url);
    let mut settings_form = form(&proxy.url(), &real.token, &tag, "deprecate");
    settings_form.timeout_ms = 1500;
    settings::save(&test.db, &settings_form).unwrap();
    let s = subnet(&test, json!({"cidr": cidr, "name": "faults"}));
    let p = pool(&test, json!({"subnet_id": s.id, "name": "vps"}));
    drain(&test);
    let secret = real.token.rsplit('.').next().unwrap().to_string();
    let faults = [
        (Mode::Down, "NetBox"),
        (Mode::Hang, "NetBox"),
        (
            Mode::Answer(403, r#"{"detail": "Invalid v2 token"}"#.into()),
            "Invalid v2 token",
        ),
        (
            Mode::Answer(409, r#"{"detail": "Conflict: object changed"}"#.into()),
            "Conflict",
        ),
        (
            Mode::Answer(
                400,
                r#"{"address": ["Duplicate IP address found in global table: 10.0.0.1/24"]}"#
                    .into(),
            ),
            "Duplicate IP address found",
        ),
    ];
    let mut held = Vec::new();
    for (i, (mode, words)) in faults.into_iter().enumerate() {
        proxy.set(mode.clone());
        let service = 5 + i as u32;
        let started = std::time::Instant::now();
        let got = allocator::allocate(&test.db, Target::Pool(p.id), service, 1).unwrap();
        held.push(got[0].address.clone());
        let told = mirror::after_commit(&test.db, service, None).unwrap();
        assert!(
            started.elapsed().as_secs() < 5,
            "{mode:?} bounded by the timeout"
        );
        let error = told[0].error.clone().unwrap_or_default();
        assert!(error.contains(words), "{mode:?}: {error}");
        assert!(
            !error.contains(&secret),
            "{mode:?}: the token leaked: {error}"
        );
        let rows = waiting(&test);
        let row = rows.iter().find(|r| r.0 == told[0].id).unwrap();
        assert_eq!((row.1, row.2.is_some()), (1, true), "{mode:?}: {rows:?}");
        // The cron sends what waits together, in one attempt that fails for all at once
        // instead of each waiting out the same timeout.
        make_due(&test);
        let round = outbox::deliver_due(
            &test.db,
            &outbox::Delivery {
                panels: &ipmanager::providers::NoIntegrations,
                servers: &|_| Ok(None),
                deadline: None,
            },
            100,
            &outbox::nothing_follows,
        )
        .unwrap();
        assert_eq!(round.len(), i + 1, "{mode:?}: {round:?}");
        assert!(
            round
                .iter()
                .all(|d| d.error.as_deref().is_some_and(|e| e.contains(words))),
            "{mode:?}: {round:?}"
        );
    }
    let nb = NetBox::new(&settings::read(&test.db).unwrap()).unwrap();
    proxy.set(Mode::Pass);
    let delivered = drain(&test);
    assert_eq!(delivered.len(), held.len(), "{delivered:?}");
    assert!(delivered.iter().all(|d| d.error.is_none()), "{delivered:?}");
    assert!(waiting(&test).is_empty());
    for (i, address) in held.iter().enumerate() {
        let found = ips(&nb, address);
        assert_eq!(found.len(), 1, "{address}");
        assert_eq!(
            found[0]["description"],
            json!(format!("WHMCS service #{} (Dana Demo)", 5 + i))
        );
    }
    clean_up(&nb, &cidr);
}

/// An address someone made in NetBox by hand (without the tag) is left as it is; the change
/// is closed with a note saying so, not retried forever.
#[test]
fn an_object_made_by_hand_is_reported_and_never_overwritten() {
    let real = real();
    let (cidr, tag) = unique(3);
    let test = scene("nbm_conflict");
    settings::save(&test.db, &form(&real.url, &real.token, &tag, "deprecate")).unwrap();
    let nb = netbox_of(&test);
    let s = subnet(&test, json!({"cidr": cidr, "name": "hand"}));
    let p = pool(&test, json!({"subnet_id": s.id, "name": "vps"}));
    // By hand in NetBox at the address the pool hands out next.
    let by_hand = |status: &str, description: &str| {
        let next = ipmanager::ipam::release::free_units(&test.db, Target::Pool(p.id), None, 1)
            .unwrap()[0]
            .clone();
        nb.call(
            "POST",
            "ipam/ip-addresses/",
            &[],
            Some(&json!({"address": format!("{next}/24"), "status": status, "description": description})),
        )
        .unwrap();
        next
    };
    let first = by_hand("reserved", "router by hand");
    allocator::allocate(&test.db, Target::Pool(p.id), 5, 1).unwrap();
    let told = mirror::after_commit(&test.db, 5, None).unwrap();
    assert_eq!(told[0].error, None);
    let note = told[0].note.clone().unwrap_or_default();
    assert!(note.contains("without the tag"), "{note}");
    let found = ips(&nb, &first);
    assert_eq!(
        (
            found.len(),
            status(&found[0]),
            found[0]["description"].clone()
        ),
        (1, "reserved", json!("router by hand"))
    );
    let notes: Vec<String> = test
        .conn()
        .query("SELECT note FROM mod_ipmanager_outbox WHERE target = 'netbox' AND service_id = 5")
        .unwrap();
    assert!(notes[0].contains(&first), "{notes:?}");

    // Sent together with another change by the cron: each keeps the note about its own.
    let second = by_hand("active", "by hand");
    allocator::allocate(&test.db, Target::Pool(p.id), 6, 1).unwrap();
    allocator::allocate(&test.db, Target::Pool(p.id), 7, 1).unwrap();
    let sent = drain(&test);
    assert_eq!(sent.len(), 3, "the subnet's, 6's and 7's: {sent:?}");
    let note_of = |service: u32| {
        sent.iter()
            .find(|d| d.service_id == service)
            .unwrap()
            .note
            .clone()
    };
    let six = note_of(6).unwrap_or_default();
    assert!(six.contains(&second) && !six.contains(&first), "{six}");
    assert_eq!(note_of(7), None);
    clean_up(&nb, &cidr);
}

/// A release and the next assignment of one address, delivered in the wrong order, or at
/// the same time by two workers: NetBox ends up showing the address's current holder.
#[test]
fn deliveries_in_any_order_or_at_once_leave_netbox_current() {
    let real = real();
    let (cidr, tag) = unique(4);
    let test = scene("nbm_order");
    settings::save(&test.db, &form(&real.url, &real.token, &tag, "deprecate")).unwrap();
    let nb = netbox_of(&test);
    let s = subnet(&test, json!({"cidr": cidr, "name": "order"}));
    let p = pool(&test, json!({"subnet_id": s.id, "name": "vps"}));
    drain(&test);
    for round in 0..4 {
        let a = allocator::allocate(&test.db, Target::Pool(p.id), 5, 1).unwrap()[0]
            .address
            .clone();
        release::release_address(&test.db, &a, ReleaseMode::Free).unwrap();
        let b = allocator::allocate(&test.db, Target::Pool(p.id), 6, 1).unwrap()[0]
            .address
            .clone();
        assert_eq!(a, b);
        let mut ids: Vec<u64> = waiting(&test).iter().map(|w| w.0).collect();
        assert_eq!(ids.len(), 3);
        let delivery = outbox::Delivery {
            panels: &ipmanager::providers::NoIntegrations,
            servers: &|_| Ok(None),
            deadline: None,
        };
        if round % 2 == 0 {
            // Service 6's assignment first, then service 5's assignment and release
            // (one service's changes keep their order).
            ids.reverse();
            for id in ids {
                outbox::deliver(&test.db, id, &delivery, &outbox::nothing_follows).unwrap();
            }
            drain(&test);
        } else {
            std::thread::scope(|scope| {
                for id in ids {
                    let db = &test.db;
                    scope.spawn(move || {
                        let delivery = outbox::Delivery {
                            panels: &ipmanager::providers::NoIntegrations,
                            servers: &|_| Ok(None),
                            deadline: None,
                        };
                        outbox::deliver(db, id, &delivery, &outbox::nothing_follows).unwrap()
                    });
                }
            });
            drain(&test);
        }
        assert!(waiting(&test).is_empty(), "round {round}");
        let found = ips(&nb, &a);
        assert_eq!(found.len(), 1, "round {round}: {found:?}");
        assert_eq!(
            (status(&found[0]), found[0]["description"].clone()),
            ("active", json!("WHMCS service #6 (Dana Demo)")),
            "round {round}"
        );
        release::release_service(&test.db, 6, None, ReleaseMode::Free).unwrap();
        drain(&test);
        assert_eq!(status(&ips(&nb, &a)[0]), "deprecated", "round {round}");
    }
    clean_up(&nb, &cidr);
}

/// A panel change that keeps failing never holds back the same service's NetBox change,
/// and the other way round.
#[test]
fn a_panel_outage_and_a_netbox_outage_do_not_hold_each_other_back() {
    let real = real();
    let (cidr, tag) = unique(5);
    let test = scene("nbm_targets");
    settings::save(&test.db, &form(&real.url, &real.token, &tag, "deprecate")).unwrap();
    let nb = netbox_of(&test);
    let s = subnet(&test, json!({"cidr": cidr, "name": "targets"}));
    let p = pool(&test, json!({"subnet_id": s.id, "name": "vps"}));
    drain(&test);
    // A panel add for service 5 that waits (its panel is not configured), written first.
    test.db
        .transaction(RetryPolicy::Transient, |tx| {
            outbox::enqueue(
                tx,
                &Job {
                    target: outbox::Target::Panel,
                    operation: Operation::Add,
                    service_id: 5,
                    server_id: 1,
                    module: "cpanel".into(),
                    username: "u".into(),
                    domain: "d".into(),
                    addresses: vec!["192.0.2.1".into()],
                    release: None,
                },
            )
        })
        .unwrap();
    let a = allocator::allocate(&test.db, Target::Pool(p.id), 5, 1).unwrap()[0]
        .address
        .clone();
    let told = mirror::after_commit(&test.db, 5, None).unwrap();
    assert_eq!(told.len(), 1);
    assert_eq!(told[0].error, None);
    assert_eq!(ips(&nb, &a).len(), 1);
    let panel_waits: Vec<u64> = test
        .conn()
        .query("SELECT id FROM mod_ipmanager_outbox WHERE target = 'panel' AND status = 'pending'")
        .unwrap();
    assert_eq!(panel_waits.len(), 1);
    clean_up(&nb, &cidr);
}

/// A service's many waiting changes go in one round (the cron's, "Send due changes now"),
/// not one per round: a single drain empties the queue.
#[test]
fn one_round_sends_every_waiting_change_of_a_service() {
    let real = real();
    let (cidr, tag) = unique(7);
    let test = scene("nbm_chain");
    settings::save(&test.db, &form(&real.url, &real.token, &tag, "deprecate")).unwrap();
    let nb = netbox_of(&test);
    let s = subnet(&test, json!({"cidr": cidr, "name": "chain"}));
    let p = pool(&test, json!({"subnet_id": s.id, "name": "vps"}));
    // Service 5: given, released, given again twice over (five changes); service 6 one.
    let mut given = Vec::new();
    for round in 0..3 {
        if round > 0 {
            release::release_service(&test.db, 5, None, ReleaseMode::Free).unwrap();
        }
        given.push(
            allocator::allocate(&test.db, Target::Pool(p.id), 5, 1 + round).unwrap()[0]
                .address
                .clone(),
        );
    }
    allocator::allocate(&test.db, Target::Pool(p.id), 6, 1).unwrap();
    let services: Vec<u32> = waiting(&test)
        .iter()
        .map(|w| {
            test.conn()
                .exec_first(
                    "SELECT service_id FROM mod_ipmanager_outbox WHERE id = ?",
                    (w.0,),
                )
                .unwrap()
                .unwrap()
        })
        .collect();
    assert!(
        services.iter().filter(|s| **s == 5).count() >= 5,
        "{services:?}"
    );
    drain(&test);
    assert!(waiting(&test).is_empty(), "{:?}", waiting(&test));
    let held: Vec<Vec<u8>> = test
        .conn()
        .query("SELECT address FROM mod_ipmanager_addresses WHERE state = 'assigned'")
        .unwrap();
    let held: Vec<String> = held
        .iter()
        .map(|a| ipmanager::net::Addr::from_bytes(a).unwrap().to_string())
        .collect();
    assert_eq!(held.len(), 4, "{held:?}");
    for a in &held {
        let found = ips(&nb, a);
        assert_eq!(found.len(), 1, "{a}: {found:?}");
        assert_eq!(status(&found[0]), "active", "{a}");
    }
    clean_up(&nb, &cidr);
}

/// A tiny deterministic generator (the test needs no crate for it).
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

/// Random assignments, releases, subnet edits and deliveries (in any order, some at once),
/// then the queue drained: NetBox shows exactly what IP Manager holds, for every address of
/// the subnet, and the subnet's prefix with its current name.
#[test]
fn after_any_sequence_of_changes_and_deliveries_netbox_matches_ip_manager() {
    let real = real();
    let (cidr, tag) = unique(6);
    let test = scene("nbm_model");
    settings::save(&test.db, &form(&real.url, &real.token, &tag, "deprecate")).unwrap();
    let nb = netbox_of(&test);
    let s = subnet(&test, json!({"cidr": cidr, "name": "model"}));
    let p = pool(
        &test,
        json!({"subnet_id": s.id, "name": "tiny", "range": format!("{}-{}", cidr.replace(".0/24", ".10"), cidr.replace(".0/24", ".14"))}),
    );
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15 ^ u64::from(std::process::id()));
    let delivery = || outbox::Delivery {
        panels: &ipmanager::providers::NoIntegrations,
        servers: &|_| Ok(None),
        deadline: None,
    };
    for step in 0..60 {
        let service = 5 + rng.below(4) as u32;
        match rng.below(6) {
            0 | 1 => {
                let _ = allocator::allocate(
                    &test.db,
                    Target::Pool(p.id),
                    service,
                    1 + rng.below(2) as u32,
                );
            }
            2 => {
                release::release_service(&test.db, service, None, ReleaseMode::Free).unwrap();
            }
            3 => {
                let name = format!("model {step}");
                subnets::update(&test.db, s.id, &support::req(json!({"name": name}))).unwrap();
            }
            4 => {
                // Two workers at once on whatever waits, newest first.
                let mut ids: Vec<u64> = waiting(&test).iter().map(|w| w.0).collect();
                ids.reverse();
                make_due(&test);
                std::thread::scope(|scope| {
                    for chunk in ids.chunks(ids.len().div_ceil(2).max(1)) {
                        let db = &test.db;
                        scope.spawn(move || {
                            for id in chunk {
                                outbox::deliver(db, *id, &delivery(), &outbox::nothing_follows)
                                    .unwrap();
                            }
                        });
                    }
                });
            }
            _ => {
                make_due(&test);
                if let Some(w) = waiting(&test).last() {
                    outbox::deliver(&test.db, w.0, &delivery(), &outbox::nothing_follows).unwrap();
                }
            }
        }
    }
    for _ in 0..5 {
        drain(&test);
    }
    assert!(waiting(&test).is_empty(), "{:?}", waiting(&test));
    let held: Vec<(Vec<u8>, u32)> = test
        .conn()
        .query("SELECT address, service_id FROM mod_ipmanager_addresses WHERE state = 'assigned' AND service_id IS NOT NULL")
        .unwrap();
    let held: std::collections::BTreeMap<String, u32> = held
        .into_iter()
        .map(|(a, s)| (ipmanager::net::Addr::from_bytes(&a).unwrap().to_string(), s))
        .collect();
    let shown = nb.list("ipam/ip-addresses/", &[("parent", &cidr)]).unwrap();
    for o in &shown {
        let address = o["address"]
            .as_str()
            .unwrap()
            .split('/')
            .next()
            .unwrap()
            .to_string();
        match held.get(&address) {
            Some(service) => {
                assert_eq!(status(o), "active", "{address}");
                assert_eq!(
                    o["description"],
                    json!(format!("WHMCS service #{service} (Dana Demo)")),
                    "{address}"
                );
            }
            None => assert_eq!(status(o), "deprecated", "{address} is not assigned"),
        }
    }
    for address in held.keys() {
        assert_eq!(
            shown
                .iter()
                .filter(|o| o["address"]
                    .as_str()
                    .unwrap()
                    .starts_with(&format!("{address}/")))
                .count(),
            1,
            "{address}"
        );
    }
    let name: String = test
        .conn()
        .exec_first(
            "SELECT name FROM mod_ipmanager_subnets WHERE id = ?",
            (s.id,),
        )
        .unwrap()
        .unwrap();
    let prefix = nb.list("ipam/prefixes/", &[("prefix", &cidr)]).unwrap();
    assert_eq!(prefix[0]["description"], json!(name));
    clean_up(&nb, &cidr);
}
