//! Sync from the real NetBox make test starts: prefixes become subnets (children inside
//! their parents, with their VRF), addresses are assigned to the WHMCS service they name or
//! reserved so the allocator never hands them out, IP Manager's own objects and deprecated
//! ones are left out, what IP Manager holds is reported and never overwritten; the dry run
//! gives the same report and keeps nothing; a second run changes nothing. Each run uses its
//! own networks and removes what it made.

mod support;

use ipmanager::ipam::allocator::{self, Target};
use ipmanager::netbox::client::NetBox;
use ipmanager::netbox::settings;
use ipmanager::netbox::sync::{self, Line, SyncReport};
use mysql::prelude::Queryable;
use serde_json::{Value, json};
use support::TestDb;
use support::ipam::{migrated, pool, subnet, whmcs_tables};
use support::netbox::{form, real};

fn unique() -> (String, String, String) {
    let salt = std::process::id() % 200 + 20;
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u32
        % 120;
    let base = format!("172.{}.{}", 16 + salt % 16, stamp * 2);
    let outside = format!("172.{}.{}", 16 + salt % 16, stamp * 2 + 1);
    (base, outside, format!("ipm-sync-{salt}-{stamp}"))
}

/// Lines about our own network only (NetBox may hold other tests' objects too).
fn ours<'a>(lines: &'a [Line], base: &str) -> Vec<&'a Line> {
    lines
        .iter()
        .filter(|l| l.object.starts_with(&format!("{base}.")))
        .collect()
}

fn objects(lines: &[Line], base: &str) -> Vec<String> {
    let mut out: Vec<String> = ours(lines, base).iter().map(|l| l.object.clone()).collect();
    out.sort();
    out
}

/// Removes what a test made in NetBox, also when it fails half-way.
struct CleanUp {
    nb: NetBox,
    networks: Vec<String>,
    tag: String,
}

impl Drop for CleanUp {
    fn drop(&mut self) {
        for network in &self.networks {
            support::netbox::remove_under(&self.nb, network);
        }
        for (endpoint, filter) in [("ipam/vrfs/", "name"), ("extras/tags/", "slug")] {
            for o in self
                .nb
                .list(endpoint, &[(filter, &self.tag)])
                .unwrap_or_default()
            {
                let _ = self
                    .nb
                    .call("DELETE", &format!("{endpoint}{}/", o["id"]), &[], None);
            }
        }
    }
}

fn post(nb: &NetBox, endpoint: &str, body: Value) -> Value {
    nb.call("POST", endpoint, &[], Some(&body)).unwrap()
}

fn scene(test: &TestDb) {
    whmcs_tables(test);
    let mut c = test.conn();
    c.query_drop("INSERT INTO tblclients (id, firstname, lastname, companyname, email, password) VALUES (1, 'Dana', 'Demo', '', 'd@example.com', '')").unwrap();
    for id in [5, 6] {
        c.exec_drop(
            "INSERT INTO tblhosting (id, userid, packageid, domain, domainstatus) VALUES (?, 1, 1, ?, 'Active')",
            (id, format!("vps{id}.example.net")),
        )
        .unwrap();
    }
}

#[test]
fn sync_brings_in_what_netbox_knows_and_never_overwrites_ip_manager() {
    let real = real();
    let (base, outside, tag) = unique();
    let test = migrated("nb_sync");
    scene(&test);
    settings::save(&test.db, &form(&real.url, &real.token, &tag, "deprecate")).unwrap();
    let nb = NetBox::new(&settings::read(&test.db).unwrap()).unwrap();
    let _cleanup = CleanUp {
        nb: NetBox::new(&settings::read(&test.db).unwrap()).unwrap(),
        networks: vec![format!("{base}.0/24"), format!("{outside}.0/24")],
        tag: tag.clone(),
    };

    // IP Manager already has the /24's first half as a subnet, with .6 assigned to service 6.
    let lan = format!("{base}.0/24");
    post(&nb, "extras/tags/", json!({"name": tag, "slug": tag}));
    let vrf = post(&nb, "ipam/vrfs/", json!({"name": tag}));
    let vrf_id = vrf["id"].as_u64().unwrap();
    for _ in [
        post(
            &nb,
            "ipam/prefixes/",
            json!({"prefix": lan, "status": "container", "description": "Edge LAN", "vrf": vrf_id}),
        ),
        post(
            &nb,
            "ipam/prefixes/",
            json!({"prefix": format!("{base}.128/25"), "description": "VPS block", "vrf": vrf_id}),
        ),
        post(
            &nb,
            "ipam/prefixes/",
            json!({"prefix": format!("{base}.64/26"), "status": "deprecated"}),
        ),
    ] {}
    for (address, status, description, tags) in [
        ("5/24", "active", "router", json!([])),
        ("6/24", "active", "someone else's", json!([])),
        ("7/24", "deprecated", "old", json!([])),
        ("8/24", "dhcp", "", json!([])),
        ("9/24", "active", "WHMCS service #6", json!([{"slug": tag}])),
        (
            "130/25",
            "active",
            "WHMCS service #5 (Dana Demo)",
            json!([]),
        ),
        ("131/25", "reserved", "WHMCS service #999", json!([])),
    ] {
        post(
            &nb,
            "ipam/ip-addresses/",
            json!({"address": format!("{base}.{address}"), "status": status, "description": description, "tags": tags, "vrf": vrf_id}),
        );
    }
    post(
        &nb,
        "ipam/ip-addresses/",
        json!({"address": format!("{outside}.1/24")}),
    );
    let existing = subnet(
        &test,
        json!({"cidr": format!("{base}.0/25"), "name": "mine"}),
    );
    let p = pool(
        &test,
        json!({"subnet_id": existing.id, "name": "vps", "range": format!("{base}.6-{base}.100")}),
    );
    let six = allocator::allocate(&test.db, Target::Pool(p.id), 6, 1).unwrap();
    assert_eq!(six[0].address, format!("{base}.6"));

    let state = |test: &TestDb| -> Vec<(String, u8, String, Option<u32>)> {
        test.conn()
            .query("SELECT HEX(address), prefix_len, state, service_id FROM mod_ipmanager_addresses WHERE state <> 'free' ORDER BY subnet_id, address")
            .unwrap()
    };
    let subnets_now = |test: &TestDb| -> Vec<(String, String, String)> {
        test.conn()
            .query(
                "SELECT name, HEX(network), reserved_text FROM mod_ipmanager_subnets ORDER BY id",
            )
            .unwrap()
    };
    let before = (state(&test), subnets_now(&test));
    let dry = sync::run(&test.db, true).unwrap();
    assert!(dry.dry_run);
    assert_eq!(
        (state(&test), subnets_now(&test)),
        before,
        "a dry run keeps nothing"
    );

    let run = sync::run(&test.db, false).unwrap();
    let comparable = |r: &SyncReport| {
        let mut r = r.clone();
        r.dry_run = false;
        r.took_ms = 0;
        r
    };
    assert_eq!(
        comparable(&dry),
        comparable(&run),
        "the dry run showed exactly this"
    );

    // The /24 would wrap the /25 IP Manager has (parents come first there): a conflict with
    // the reason; the /25 of VPSs is added.
    assert_eq!(objects(&run.subnets, &base), [format!("{base}.128/25")]);
    assert_eq!(
        objects(&run.conflicts, &base).len(),
        2,
        "{:?}",
        ours(&run.conflicts, &base)
    );
    let lan_conflict = ours(&run.conflicts, &base)
        .into_iter()
        .find(|l| l.object == lan)
        .unwrap();
    assert!(!lan_conflict.detail.is_empty());
    let six_conflict = ours(&run.conflicts, &base)
        .into_iter()
        .find(|l| l.object == format!("{base}.6/24"))
        .unwrap();
    assert!(
        six_conflict.detail.contains("service #6"),
        "{six_conflict:?}"
    );
    assert_eq!(objects(&run.assigned, &base), [format!("{base}.130/25")]);
    assert_eq!(
        objects(&run.reserved, &base),
        [
            format!("{base}.131/25"),
            format!("{base}.5/24"),
            format!("{base}.8/24")
        ]
    );
    assert_eq!(
        objects(&run.skipped, &base),
        [format!("{base}.64/26"), format!("{base}.7/24")]
    );
    assert!(run.own_objects >= 1);
    assert!(
        run.skipped
            .iter()
            .any(|l| l.object == format!("{outside}.1/24") && l.detail.contains("not inside")),
        "{:?}",
        run.skipped
    );

    // The new subnet carries the prefix's VRF as its scope and holds service 5's address.
    let (vps_id, vps_name): (u64, String) = test
        .conn()
        .exec_first("SELECT id, name FROM mod_ipmanager_subnets WHERE prefix_len = 25 AND name <> 'mine' AND network = ?", (vec![172u8, (16 + (std::process::id() % 200 + 20) % 16) as u8, base.rsplit('.').next().unwrap().parse::<u8>().unwrap(), 128],))
        .unwrap()
        .unwrap();
    assert_eq!(vps_name, "VPS block");
    let scope: Option<u64> = test
        .conn()
        .exec_first(
            "SELECT vrf_id FROM mod_ipmanager_netbox_scopes WHERE subnet_id = ?",
            (vps_id,),
        )
        .unwrap();
    assert_eq!(scope, Some(vrf_id));
    let held: Option<u32> = test
        .conn()
        .exec_first("SELECT service_id FROM mod_ipmanager_addresses WHERE subnet_id = ? AND state = 'assigned'", (vps_id,))
        .unwrap();
    assert_eq!(held, Some(5));
    // Service 6 keeps its .6; .5 and .8 are never handed out.
    let more = allocator::allocate(&test.db, Target::Pool(p.id), 6, 20).unwrap();
    let given: Vec<&str> = more.iter().map(|a| a.address.as_str()).collect();
    assert!(given.contains(&format!("{base}.6").as_str()));
    for never in [".5", ".8"] {
        assert!(
            !given.contains(&format!("{base}{never}").as_str()),
            "{given:?}"
        );
    }
    let vps_pool = pool(&test, json!({"subnet_id": vps_id, "name": "vps2"}));
    let got = allocator::allocate(&test.db, Target::Pool(vps_pool.id), 6, 3).unwrap();
    for a in &got {
        assert!(
            ![format!("{base}.130"), format!("{base}.131")].contains(&a.address),
            "{got:?}"
        );
    }

    // Twice changes nothing.
    let after = (state(&test), subnets_now(&test));
    let again = sync::run(&test.db, false).unwrap();
    assert!(ours(&again.subnets, &base).is_empty(), "{again:?}");
    assert!(ours(&again.assigned, &base).is_empty(), "{again:?}");
    assert!(ours(&again.reserved, &base).is_empty(), "{again:?}");
    assert_eq!((state(&test), subnets_now(&test)), after);
    let last = sync::last(&test.db).unwrap().unwrap();
    assert_eq!(last["report"]["conflicts"], json!(again.conflicts.len()));
}

#[test]
fn sync_without_netbox_configured_is_refused_and_changes_nothing() {
    let test = migrated("nb_sync_off");
    let e = sync::run(&test.db, false).unwrap_err();
    assert!(matches!(e, ipmanager::Error::NotConfigured(_)), "{e}");
}
