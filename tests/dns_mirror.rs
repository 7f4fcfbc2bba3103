//! PTRs kept in step with assignments through the outbox, against the real PowerDNS make
//! test starts, checked with `dig -x`: set to the default on assign (the service's domain,
//! or a template), removed (or set to the release template) on release, in a /24, a /26 (in
//! its /24's zone) and IPv6; nothing for subnets whose reverse DNS is not managed; PowerDNS
//! down → the assignment stands, the change waits with the error, and converges once it is
//! back.

mod support;

use ipmanager::dns::mirror;
use ipmanager::dns::ptrs::{self, Editor};
use ipmanager::dns::settings::{self, DnsForm};
use ipmanager::ipam::allocator::{self, Target};
use ipmanager::ipam::release::{self, ReleaseMode};
use ipmanager::ipam::{pools, subnets};
use ipmanager::jobs::sync;
use ipmanager::providers::outbox;
use mysql::prelude::Queryable;
use serde_json::json;
use support::TestDb;
use support::http_faults::{HttpFaults, Mode};
use support::ipam::{migrated, pool, subnet, whmcs_tables};
use support::pdns::real;
use support::req;

fn base() -> String {
    let n = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos()
        % 40000;
    format!("10.{}.{}", 60 + n / 256 % 40, n % 256)
}

fn scene(label: &str, url: &str) -> TestDb {
    let r = real();
    let test = migrated(label);
    whmcs_tables(&test);
    let mut c = test.conn();
    for id in 5..=8 {
        c.exec_drop(
            "INSERT INTO tblhosting (id, userid, packageid, domain, domainstatus) VALUES (?, 1, 1, ?, 'Active')",
            (id, format!("vps{id}.example.net")),
        )
        .unwrap();
    }
    settings::save(&test.db, &r.form(url)).unwrap();
    test
}

fn waiting(test: &TestDb) -> Vec<(u64, Option<String>)> {
    test.conn()
        .query("SELECT id, last_error FROM mod_ipmanager_outbox WHERE target = 'dns' AND status = 'pending' ORDER BY id")
        .unwrap()
}

#[test]
fn ptrs_follow_assignments_and_releases() {
    let r = real();
    let test = scene("dnsm_flow", &r.url);
    let b = base();
    let s = subnet(&test, json!({"cidr": format!("{b}.0/24"), "name": "dns"}));
    let p = pool(&test, json!({"subnet_id": s.id, "name": "dns pool"}));
    let unmanaged = allocator::allocate(&test.db, Target::Pool(p.id), 8, 1).unwrap()[0]
        .address
        .clone();
    assert!(
        waiting(&test).is_empty(),
        "nothing while the subnet is not managed"
    );
    settings::manage_subnet(&test.db, s.id, true).unwrap();

    let a = allocator::allocate(&test.db, Target::Pool(p.id), 5, 1).unwrap()[0]
        .address
        .clone();
    assert_eq!(waiting(&test).len(), 1);
    let sent = mirror::after_commit(&test.db, 5, None).unwrap();
    assert_eq!(sent[0].error, None);
    assert_eq!(r.dig_x(&a), Ok(vec!["vps5.example.net.".to_string()]));
    assert_eq!(r.dig_x(&unmanaged), Err("NXDOMAIN".to_string()));

    // A template instead of the domain; after release: deleted, or the release template.
    let mut form = DnsForm {
        api_key: String::new(),
        template: "{ip-dashed}.static.example.net".into(),
        ..r.form(&r.url)
    };
    settings::save(&test.db, &form).unwrap();
    let t = allocator::allocate(&test.db, Target::Pool(p.id), 6, 1).unwrap()[0]
        .address
        .clone();
    mirror::after_commit(&test.db, 6, None).unwrap();
    assert_eq!(
        r.dig_x(&t),
        Ok(vec![format!("{}.static.example.net.", t.replace('.', "-"))])
    );
    release::release_address(&test.db, &a, ReleaseMode::Free).unwrap();
    mirror::after_commit(&test.db, 5, None).unwrap();
    assert_eq!(r.dig_x(&a), Err("NXDOMAIN".to_string()));
    form.release_template = "unused-{ip-dashed}.example.net".into();
    settings::save(&test.db, &form).unwrap();
    release::release_address(&test.db, &t, ReleaseMode::Free).unwrap();
    mirror::after_commit(&test.db, 6, None).unwrap();
    assert_eq!(
        r.dig_x(&t),
        Ok(vec![format!("unused-{}.example.net.", t.replace('.', "-"))])
    );
    assert!(waiting(&test).is_empty());
}

#[test]
fn a_26_lives_in_its_24s_zone_and_ipv6_gets_its_ptrs() {
    let r = real();
    let test = scene("dnsm_26", &r.url);
    let b = base();
    let quarter = subnet(
        &test,
        json!({"cidr": format!("{b}.64/26"), "name": "quarter"}),
    );
    let qp = pool(
        &test,
        json!({"subnet_id": quarter.id, "name": "quarter pool"}),
    );
    let v6 = subnet(
        &test,
        json!({"cidr": format!("2001:db8:{:x}::/48", 0x2000 + b.len() as u32 * 97 + b.rsplit('.').next().unwrap().parse::<u32>().unwrap()), "name": "v6"}),
    );
    let v6p = pool(&test, json!({"subnet_id": v6.id, "name": "v6 pool"}));
    for id in [quarter.id, v6.id] {
        settings::manage_subnet(&test.db, id, true).unwrap();
    }
    let q = allocator::allocate(&test.db, Target::Pool(qp.id), 7, 1).unwrap()[0]
        .address
        .clone();
    let six = allocator::allocate(&test.db, Target::Pool(v6p.id), 7, 1).unwrap()[0]
        .address
        .clone();
    let sent = mirror::after_commit(&test.db, 7, None).unwrap();
    assert!(sent.iter().all(|d| d.error.is_none()), "{sent:?}");
    assert_eq!(r.dig_x(&q), Ok(vec!["vps7.example.net.".to_string()]));
    assert_eq!(r.dig_x(&six), Ok(vec!["vps7.example.net.".to_string()]));
}

#[test]
fn powerdns_down_never_blocks_an_assignment_and_the_queue_converges() {
    let r = real();
    let proxy = HttpFaults::start(&r.url);
    let test = scene("dnsm_down", &proxy.url());
    let b = base();
    let s = subnet(&test, json!({"cidr": format!("{b}.0/24"), "name": "down"}));
    let p = pool(&test, json!({"subnet_id": s.id, "name": "down pool"}));
    settings::manage_subnet(&test.db, s.id, true).unwrap();
    proxy.set(Mode::Down);
    let a = allocator::allocate(&test.db, Target::Pool(p.id), 5, 1).unwrap()[0]
        .address
        .clone();
    let sent = mirror::after_commit(&test.db, 5, None).unwrap();
    assert!(
        sent[0]
            .error
            .as_deref()
            .unwrap_or_default()
            .contains("PowerDNS"),
        "{sent:?}"
    );
    assert!(
        !sent[0]
            .error
            .as_deref()
            .unwrap_or_default()
            .contains(&r.key),
        "the key never shows"
    );
    let rows = waiting(&test);
    assert_eq!(rows.len(), 1);
    assert!(rows[0].1.is_some());
    // Released while PowerDNS is away, then back: the queue ends with what holds now.
    release::release_address(&test.db, &a, ReleaseMode::Free).unwrap();
    let again = allocator::allocate(&test.db, Target::Pool(p.id), 6, 1).unwrap()[0]
        .address
        .clone();
    assert_eq!(again, a);
    proxy.set(Mode::Pass);
    test.conn()
        .query_drop("UPDATE mod_ipmanager_outbox SET next_attempt_at = UTC_TIMESTAMP(3) WHERE status = 'pending'")
        .unwrap();
    let done = outbox::deliver_due(
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
    assert!(done.iter().all(|d| d.error.is_none()), "{done:?}");
    assert!(waiting(&test).is_empty(), "{:?}", waiting(&test));
    assert_eq!(r.dig_x(&a), Ok(vec!["vps6.example.net.".to_string()]));
}

/// The bulk ways addresses leave or enter IP Manager keep the PTRs in step too: a pool
/// deleted with force, Synchronize importing what WHMCS records, and the subnet deleted —
/// its PTRs, the hand-set ones included, are deleted where PowerDNS keeps them.
#[test]
fn pool_and_subnet_deletes_and_imports_keep_ptrs_in_step() {
    let r = real();
    let test = scene("dnsm_bulk", &r.url);
    let b = base();
    let s = subnet(&test, json!({"cidr": format!("{b}.0/24"), "name": "bulk"}));
    settings::manage_subnet(&test.db, s.id, true).unwrap();
    let doomed = pool(
        &test,
        json!({"subnet_id": s.id, "name": "doomed", "range": format!("{b}.10-{b}.19")}),
    );
    let stays = pool(
        &test,
        json!({"subnet_id": s.id, "name": "stays", "range": format!("{b}.20-{b}.29")}),
    );
    let first = |target, service| {
        allocator::allocate(&test.db, target, service, 1).unwrap()[0]
            .address
            .clone()
    };
    let in_doomed = first(Target::Pool(doomed.id), 5);
    let in_stays = first(Target::Pool(stays.id), 6);
    mirror::after_commit(&test.db, 5, None).unwrap();
    mirror::after_commit(&test.db, 6, None).unwrap();
    assert_eq!(
        r.dig_x(&in_doomed),
        Ok(vec!["vps5.example.net.".to_string()])
    );
    ptrs::set(&test.db, Editor::Admin, &in_stays, Some("mail.example.org")).unwrap();
    mirror::after_commit(&test.db, 6, None).unwrap();
    assert_eq!(
        r.dig_x(&in_stays),
        Ok(vec!["mail.example.org.".to_string()])
    );

    pools::delete(&test.db, doomed.id, true).unwrap();
    mirror::after_commit(&test.db, 0, None).unwrap();
    assert_eq!(r.dig_x(&in_doomed), Err("NXDOMAIN".to_string()));

    let imported = format!("{b}.40");
    test.conn()
        .exec_drop(
            "UPDATE tblhosting SET dedicatedip = ? WHERE id = 7",
            (&imported,),
        )
        .unwrap();
    let run = sync::run(&test.db, &req(json!({"live_only": false}))).unwrap();
    assert_eq!(run.imported.len(), 1, "{run:?}");
    mirror::after_commit(&test.db, 0, None).unwrap();
    assert_eq!(
        r.dig_x(&imported),
        Ok(vec!["vps7.example.net.".to_string()])
    );

    subnets::delete(&test.db, s.id, true).unwrap();
    let sent = mirror::after_commit(&test.db, 0, None).unwrap();
    assert!(sent.iter().all(|d| d.error.is_none()), "{sent:?}");
    for gone in [&in_stays, &imported] {
        assert_eq!(r.dig_x(gone), Err("NXDOMAIN".to_string()), "{gone}");
    }
    assert!(waiting(&test).is_empty(), "{:?}", waiting(&test));
    let left: u64 = test
        .conn()
        .query_first("SELECT COUNT(*) FROM mod_ipmanager_ptrs")
        .unwrap()
        .unwrap();
    assert_eq!(left, 0, "the deleted subnet's hand-set names are forgotten");
}

/// A subnet with no reverse zone of its own (IPv4 larger than a /8, IPv6 larger than a
/// /16) cannot be managed: refused with the reason, nothing written.
#[test]
fn a_subnet_without_a_zone_of_its_own_cannot_be_managed() {
    let r = real();
    let test = scene("dnsm_wide", &r.url);
    for (cidr, words) in [
        ("10.0.0.0/7", "larger than a /8"),
        ("3000::/12", "larger than a /16"),
    ] {
        let s = subnet(&test, json!({"cidr": cidr, "name": cidr}));
        let err = settings::manage_subnet(&test.db, s.id, true).unwrap_err();
        assert!(err.to_string().contains(words), "{cidr}: {err}");
        // Turning it off is always allowed.
        settings::manage_subnet(&test.db, s.id, false).unwrap();
    }
    let managed: u64 = test
        .conn()
        .query_first("SELECT COUNT(*) FROM mod_ipmanager_dns_subnets WHERE enabled = 1")
        .unwrap()
        .unwrap();
    assert_eq!(managed, 0);
}

/// A name set by hand lasts as long as the holding: released and handed out again — even to
/// the same service — the address answers the default; a prefix given back takes the names
/// set inside it out of PowerDNS.
#[test]
fn a_hand_set_name_ends_with_its_holding() {
    let r = real();
    let test = scene("dnsm_hand", &r.url);
    let b = base();
    let s = subnet(&test, json!({"cidr": format!("{b}.0/24"), "name": "hand"}));
    let p = pool(&test, json!({"subnet_id": s.id, "name": "hand"}));
    let n = std::process::id() % 0xfff;
    let s6 = subnet(
        &test,
        json!({"cidr": format!("2001:db8:{:x}::/48", 0x8000 + n), "name": "hand v6"}),
    );
    let p6 = pool(
        &test,
        json!({"subnet_id": s6.id, "name": "hand v6", "prefix_len": 64}),
    );
    for id in [s.id, s6.id] {
        settings::manage_subnet(&test.db, id, true).unwrap();
    }
    let take = |pool_id, service| {
        allocator::allocate(&test.db, Target::Pool(pool_id), service, 1).unwrap()[0]
            .address
            .clone()
    };
    let a = take(p.id, 5);
    ptrs::set(&test.db, Editor::Admin, &a, Some("mail.example.org")).unwrap();
    mirror::after_commit(&test.db, 5, None).unwrap();
    assert_eq!(r.dig_x(&a), Ok(vec!["mail.example.org.".to_string()]));
    release::release_address(&test.db, &a, ReleaseMode::Free).unwrap();
    mirror::after_commit(&test.db, 5, None).unwrap();
    assert_eq!(r.dig_x(&a), Err("NXDOMAIN".to_string()));
    assert_eq!(
        take(p.id, 5),
        a,
        "the lowest free address, to the same service"
    );
    mirror::after_commit(&test.db, 5, None).unwrap();
    assert_eq!(r.dig_x(&a), Ok(vec!["vps5.example.net.".to_string()]));

    let prefix = take(p6.id, 6);
    let inside = format!(
        "{}::25",
        prefix.trim_end_matches("/64").trim_end_matches("::")
    );
    ptrs::set(&test.db, Editor::Admin, &inside, Some("host25.example.org")).unwrap();
    mirror::after_commit(&test.db, 6, None).unwrap();
    assert_eq!(
        r.dig_x(&inside),
        Ok(vec!["host25.example.org.".to_string()])
    );
    release::release_address(&test.db, &prefix, ReleaseMode::Free).unwrap();
    mirror::after_commit(&test.db, 6, None).unwrap();
    assert_eq!(r.dig_x(&inside), Err("NXDOMAIN".to_string()));
    assert!(waiting(&test).is_empty(), "{:?}", waiting(&test));
}
