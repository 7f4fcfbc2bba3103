//! Subnets and pools against the private MariaDB: validation, hierarchy, rules, storage.

mod support;

use ipmanager::Error;
use ipmanager::ipam::allocator::{self, Target};
use ipmanager::ipam::release::{self, ReleaseMode};
use ipmanager::ipam::{api, pools, subnets};
use mysql::prelude::Queryable;
use serde_json::json;
use support::ipam::{migrated, pool, simple, subnet, take};
use support::req;

fn rows(test: &support::TestDb, subnet_id: u64) -> u64 {
    test.conn()
        .exec_first(
            "SELECT COUNT(*) FROM mod_ipmanager_addresses WHERE subnet_id = ?",
            (subnet_id,),
        )
        .unwrap()
        .unwrap()
}

fn invalid(err: Error) -> String {
    match err {
        Error::InvalidInput(m) => m,
        other => panic!("expected InvalidInput, got {other:?}"),
    }
}

#[test]
fn stored_subnets_get_a_row_per_address_and_sparse_ones_their_free_blocks() {
    let test = migrated("sub_store");
    let stored = subnet(
        &test,
        json!({"cidr": "10.1.0.0/24", "name": "stored", "gateway": "10.1.0.1"}),
    );
    assert!(stored.stored);
    assert_eq!(rows(&test, stored.id), 256);
    let sparse = subnet(
        &test,
        json!({"cidr": "10.2.0.0/24", "name": "sparse", "store_free_ips": false}),
    );
    // .1-.254 as one free run, which holds a /26 at most.
    assert_eq!(free_runs(&test, sparse.id), ["10.2.0.1-10.2.0.254 (/26)"]);
    let v6 = subnet(&test, json!({"cidr": "2001:db8::/32", "name": "v6"}));
    assert!(!v6.stored);
    // Everything but the anycast address: one row, however large the subnet.
    assert_eq!(
        free_runs(&test, v6.id),
        ["2001:db8::1-2001:db8:ffff:ffff:ffff:ffff:ffff:ffff (/33)"]
    );

    let u_stored = api::subnet_view(&test.db, stored.id).unwrap().utilization;
    let u_sparse = api::subnet_view(&test.db, sparse.id).unwrap().utilization;
    assert_eq!(u_stored.usable.get(), 253, "network, broadcast, gateway");
    assert_eq!(u_sparse.usable.get(), 254);
}

/// Free rows as "first-last (/largest prefix inside)".
fn free_runs(test: &support::TestDb, subnet: u64) -> Vec<String> {
    let rows: Vec<(Vec<u8>, Vec<u8>, u8)> = test
        .conn()
        .exec(
            "SELECT address, last_address, prefix_len FROM mod_ipmanager_addresses WHERE subnet_id = ? AND state = 'free' ORDER BY address",
            (subnet,),
        )
        .unwrap();
    let addr = |b: &[u8]| ipmanager::net::Addr::from_bytes(b).unwrap().to_string();
    rows.into_iter()
        .map(|(a, b, len)| format!("{}-{} (/{len})", addr(&a), addr(&b)))
        .collect()
}

#[test]
fn a_stored_request_over_65536_addresses_is_refused_and_suggests_sparse() {
    let test = migrated("sub_big");
    let err = subnets::create(
        &test.db,
        &req(json!({"cidr": "10.0.0.0/15", "name": "big", "store_free_ips": true})),
    )
    .unwrap_err();
    let msg = invalid(err);
    assert!(
        msg.contains("store_free_ips") && msg.contains("sparse"),
        "{msg}"
    );
    assert!(
        subnets::list(&test.db).unwrap().is_empty(),
        "nothing was created"
    );
    let big = subnet(
        &test,
        json!({"cidr": "10.0.0.0/16", "name": "sixteen", "store_free_ips": "on"}),
    );
    assert_eq!(rows(&test, big.id), 65_536);
}

#[test]
fn children_must_lie_inside_their_parent_and_siblings_never_overlap() {
    let test = migrated("sub_tree");
    let parent = subnet(
        &test,
        json!({"cidr": "10.0.0.0/16", "name": "parent", "store_free_ips": false}),
    );
    let child = subnet(
        &test,
        json!({"cidr": "10.0.1.0/24", "name": "child", "parent_id": parent.id}),
    );
    let grandchild = subnet(
        &test,
        json!({"cidr": "10.0.1.128/25", "name": "gc", "parent_id": child.id, "store_free_ips": false}),
    );
    assert_eq!(grandchild.parent_id, Some(child.id));

    let cases = [
        (
            json!({"cidr": "10.0.1.0/25", "name": "x", "parent_id": parent.id}),
            "lies inside 10.0.1.0/24",
        ),
        (
            json!({"cidr": "10.0.0.0/23", "name": "x", "parent_id": parent.id}),
            "would contain the existing subnet 10.0.1.0/24",
        ),
        (
            json!({"cidr": "10.1.0.0/24", "name": "x", "parent_id": parent.id}),
            "is not inside the parent",
        ),
        (
            json!({"cidr": "10.0.2.0/24", "name": "x"}),
            "choose it (or its child) as the parent",
        ),
        (
            json!({"cidr": "10.0.0.0/16", "name": "x"}),
            "already exists",
        ),
        (
            json!({"cidr": "10.0.0.0/8", "name": "x"}),
            "would contain the existing subnet",
        ),
        (
            json!({"cidr": "2001:db8::/64", "name": "x", "parent_id": parent.id}),
            "families differ",
        ),
        (
            json!({"cidr": "10.0.3.0/24", "name": "x", "parent_id": 999}),
            "does not exist",
        ),
    ];
    for (input, expected) in cases {
        let msg = invalid(subnets::create(&test.db, &req(input.clone())).unwrap_err());
        assert!(msg.contains(expected), "{input}: {msg}");
    }
    assert_eq!(subnets::list(&test.db).unwrap().len(), 3);
}

#[test]
fn a_parent_never_hands_out_addresses_of_its_children() {
    let test = migrated("sub_carve");
    let parent = subnet(
        &test,
        json!({"cidr": "10.9.0.0/29", "name": "p", "reserve_network": false, "reserve_broadcast": false}),
    );
    let pool_all = pool(&test, json!({"subnet_id": parent.id, "name": "all"}));
    assert_eq!(take(&test, &pool_all, 1), "10.9.0.0");
    let err = subnets::create(
        &test.db,
        &req(json!({"cidr": "10.9.0.0/30", "name": "c", "parent_id": parent.id})),
    )
    .unwrap_err();
    assert!(
        matches!(err, Error::Conflict(ref m) if m.contains("in use in the parent")),
        "{err:?}"
    );
    subnet(
        &test,
        json!({"cidr": "10.9.0.4/30", "name": "c", "parent_id": parent.id}),
    );
    let got: Vec<String> = (2..=4).map(|svc| take(&test, &pool_all, svc)).collect();
    assert_eq!(got, ["10.9.0.1", "10.9.0.2", "10.9.0.3"]);
    let err = allocator::allocate(&test.db, Target::Pool(pool_all.id), 9, 1).unwrap_err();
    assert!(matches!(err, Error::PoolExhausted(_)), "{err:?}");
}

#[test]
fn changing_rules_reapplies_them_and_reports_but_keeps_assigned_addresses() {
    let test = migrated("sub_rules");
    let (s, p) = simple(&test, "10.5.0.0/28");
    let first = take(&test, &p, 1);
    assert_eq!(first, "10.5.0.1");
    let (_, report) = subnets::update(
        &test.db,
        s.id,
        &req(json!({"name": "renamed", "excluded": "10.5.0.1-10.5.0.3"})),
    )
    .unwrap();
    assert_eq!(report.conflicts.len(), 1, "{:?}", report.conflicts);
    assert!(
        report.conflicts[0].contains("10.5.0.1 is assigned to service #1"),
        "{:?}",
        report.conflicts
    );
    // The assigned address stays with its service; new ones skip the excluded range.
    assert_eq!(
        allocator::allocate(&test.db, Target::Pool(p.id), 1, 1).unwrap()[0].address,
        "10.5.0.1"
    );
    assert_eq!(take(&test, &p, 2), "10.5.0.4");
    let view = api::subnet_view(&test.db, s.id).unwrap();
    assert_eq!(view.name, "renamed");
    assert_eq!(view.excluded, "10.5.0.1-10.5.0.3");

    // Removing the exclusion makes 10.5.0.2 available again (lowest free).
    subnets::update(
        &test.db,
        s.id,
        &req(json!({"name": "renamed", "excluded": ""})),
    )
    .unwrap();
    assert_eq!(take(&test, &p, 3), "10.5.0.2");
}

/// An edit names only what it changes (an API caller renaming a subnet): reserved and
/// excluded ranges, gateway, VLAN and description stay, and none of the blocked addresses
/// is handed out afterwards; a field sent empty is cleared. Stored and sparse alike.
#[test]
fn an_edit_keeps_every_field_it_does_not_send() {
    let test = migrated("sub_partial");
    for (cidr, stored) in [("10.7.0.0/28", true), ("10.7.1.0/28", false)] {
        let base = cidr.trim_end_matches(".0/28");
        let s = subnet(
            &test,
            json!({"cidr": cidr, "name": "edge", "store_free_ips": stored,
                   "gateway": format!("{base}.1"), "vlan": 120, "description": "rack 4",
                   "reserved": format!("{base}.2"), "excluded": format!("{base}.3-{base}.4")}),
        );
        let p = pool(
            &test,
            json!({"subnet_id": s.id, "name": format!("p {cidr}")}),
        );
        subnets::update(&test.db, s.id, &req(json!({"name": "renamed"}))).unwrap();
        let view = api::subnet_view(&test.db, s.id).unwrap();
        assert_eq!(view.name, "renamed");
        assert_eq!(view.reserved, format!("{base}.2"));
        assert_eq!(view.excluded, format!("{base}.3-{base}.4"));
        assert_eq!(view.gateway.as_deref(), Some(format!("{base}.1").as_str()));
        assert_eq!(view.vlan, Some(120));
        assert_eq!(view.description, "rack 4");
        // .1 gateway, .2 reserved, .3-.4 excluded, .15 broadcast: .5-.14 only.
        let given: Vec<String> = (1..=10).map(|service| take(&test, &p, service)).collect();
        assert_eq!(given.first().unwrap(), &format!("{base}.5"));
        assert_eq!(given.last().unwrap(), &format!("{base}.14"));
        assert!(allocator::allocate(&test.db, Target::Pool(p.id), 11, 1).is_err());

        // Sent empty: cleared, and the reserved address is handed out again.
        subnets::update(&test.db, s.id, &req(json!({"reserved": "", "vlan": ""}))).unwrap();
        let view = api::subnet_view(&test.db, s.id).unwrap();
        assert_eq!(
            (view.name.as_str(), view.reserved.as_str(), view.vlan),
            ("renamed", "", None)
        );
        assert_eq!(view.excluded, format!("{base}.3-{base}.4"));
        assert_eq!(take(&test, &p, 11), format!("{base}.2"));
    }
}

/// A pool renamed through the API keeps its range and description: it never widens to
/// the whole subnet and hands out addresses meant for elsewhere.
#[test]
fn a_pool_edit_keeps_the_range_it_does_not_send() {
    let test = migrated("pool_partial");
    let s = subnet(&test, json!({"cidr": "10.8.0.0/24", "name": "edge"}));
    let p = pool(
        &test,
        json!({"subnet_id": s.id, "name": "small", "range": "10.8.0.10-10.8.0.11", "description": "two"}),
    );
    let renamed = pools::update(&test.db, p.id, &req(json!({"name": "renamed"}))).unwrap();
    assert_eq!(renamed.name, "renamed");
    assert_eq!(renamed.range.to_string(), "10.8.0.10-10.8.0.11");
    assert_eq!(renamed.description, "two");
    assert_eq!(take(&test, &p, 1), "10.8.0.10");
    assert_eq!(take(&test, &p, 2), "10.8.0.11");
    assert!(allocator::allocate(&test.db, Target::Pool(p.id), 3, 1).is_err());
    // A new range given is taken (and checked as before).
    let wider = pools::update(
        &test.db,
        p.id,
        &req(json!({"range": "10.8.0.10-10.8.0.12"})),
    )
    .unwrap();
    assert_eq!(
        (wider.name.as_str(), wider.range.to_string().as_str()),
        ("renamed", "10.8.0.10-10.8.0.12")
    );
    assert_eq!(take(&test, &p, 3), "10.8.0.12");
}

#[test]
fn cidr_and_storage_cannot_change_on_edit() {
    let test = migrated("sub_fixed");
    let (s, _) = simple(&test, "10.6.0.0/24");
    let msg = invalid(
        subnets::update(
            &test.db,
            s.id,
            &req(json!({"name": "x", "cidr": "10.6.1.0/24"})),
        )
        .unwrap_err(),
    );
    assert!(msg.contains("cannot change"), "{msg}");
    let msg = invalid(
        subnets::update(
            &test.db,
            s.id,
            &req(json!({"name": "x", "store_free_ips": false})),
        )
        .unwrap_err(),
    );
    assert!(msg.contains("Storage cannot change"), "{msg}");
}

#[test]
fn deleting_a_subnet_in_use_needs_force_which_releases_everything() {
    let test = migrated("sub_delete");
    let (s, p) = simple(&test, "10.7.0.0/24");
    take(&test, &p, 1);
    let err = subnets::delete(&test.db, s.id, false).unwrap_err();
    assert!(
        matches!(err, Error::Conflict(ref m) if m.contains("1 address(es) in use")),
        "{err:?}"
    );
    assert_eq!(rows(&test, s.id), 256, "nothing changed");
    let report = subnets::delete(&test.db, s.id, true).unwrap();
    assert_eq!((report.released_addresses, report.deleted_pools), (1, 1));
    assert_eq!(rows(&test, s.id), 0);
    assert!(matches!(
        pools::get(&test.db, p.id),
        Err(Error::NotFound(_))
    ));
}

#[test]
fn pool_validation_names_the_field_and_the_problem() {
    let test = migrated("pool_valid");
    let stored = subnet(&test, json!({"cidr": "10.8.0.0/24", "name": "stored"}));
    let sparse = subnet(&test, json!({"cidr": "2001:db8:8::/48", "name": "v6"}));
    pool(&test, json!({"subnet_id": stored.id, "name": "taken"}));
    let cases = [
        (
            json!({"subnet_id": stored.id, "name": "a", "range": "10.8.0.10-10.8.1.5"}),
            "range",
            "outside the subnet",
        ),
        (
            json!({"subnet_id": stored.id, "name": "a", "cidr": "10.8.1.0/25"}),
            "cidr",
            "outside the subnet",
        ),
        (
            json!({"subnet_id": stored.id, "name": "a", "prefix_len": 29}),
            "prefix_len",
            "single addresses only",
        ),
        (
            json!({"subnet_id": sparse.id, "name": "a", "prefix_len": 40}),
            "prefix_len",
            "larger than the subnet",
        ),
        (
            json!({"subnet_id": sparse.id, "name": "a", "prefix_len": 64, "range": "2001:db8:8::1-2001:db8:8::ff"}),
            "prefix_len",
            "does not fit",
        ),
        (
            json!({"subnet_id": stored.id, "name": "taken"}),
            "name",
            "already exists",
        ),
        (
            json!({"subnet_id": 999, "name": "a"}),
            "subnet_id",
            "does not exist",
        ),
    ];
    for (input, field, expected) in cases {
        let errors = api::pool_validate(&test.db, &req(input.clone()), None).unwrap();
        assert!(
            errors
                .iter()
                .any(|e| e.field == field && e.message.contains(expected)),
            "{input}: {errors:?}"
        );
        assert!(pools::create(&test.db, &req(input.clone())).is_err());
    }
}

#[test]
fn prefixes_and_single_addresses_of_one_subnet_never_overlap() {
    let test = migrated("pool_mixed");
    let s = subnet(
        &test,
        json!({"cidr": "10.20.0.0/26", "name": "mixed", "store_free_ips": false, "gateway": "10.20.0.1"}),
    );
    let singles = pool(&test, json!({"subnet_id": s.id, "name": "singles"}));
    let blocks = pool(
        &test,
        json!({"subnet_id": s.id, "name": "blocks", "prefix_len": 29}),
    );
    assert_eq!(take(&test, &singles, 1), "10.20.0.2");
    assert_eq!(
        take(&test, &blocks, 2),
        "10.20.0.8/29",
        "the first /29 holds network, gateway and .2"
    );
    assert_eq!(take(&test, &singles, 3), "10.20.0.3");
    for svc in 4..=7 {
        take(&test, &singles, svc);
    }
    assert_eq!(
        take(&test, &singles, 9),
        "10.20.0.16",
        "skips the /29 handed out"
    );
    assert_eq!(take(&test, &blocks, 10), "10.20.0.24/29");
}

#[test]
fn quarantined_addresses_wait_then_come_back_lowest_first() {
    let test = migrated("quarantine");
    for cidr in ["10.30.0.0/29", "10.31.0.0/29"] {
        let s = subnet(
            &test,
            json!({"cidr": cidr, "name": cidr, "store_free_ips": cidr.starts_with("10.30")}),
        );
        let p = pool(&test, json!({"subnet_id": s.id, "name": cidr}));
        let a = take(&test, &p, 1);
        take(&test, &p, 2);
        release::release_service(&test.db, 1, None, ReleaseMode::Quarantine { hours: 5 }).unwrap();
        assert_ne!(
            take(&test, &p, 3),
            a,
            "{cidr}: a quarantined address was handed out"
        );
        test.conn()
            .query_drop("UPDATE mod_ipmanager_addresses SET quarantine_until = UTC_TIMESTAMP() - INTERVAL 1 HOUR WHERE state = 'quarantined'")
            .unwrap();
        assert_eq!(
            take(&test, &p, 4),
            a,
            "{cidr}: the run-out quarantine is the lowest free address"
        );
        let view = api::subnet_view(&test.db, s.id).unwrap().utilization;
        assert_eq!((view.assigned.get(), view.reserved.get()), (3, 0), "{cidr}");
    }
}

#[test]
fn allocation_is_idempotent_per_service_and_pool_and_all_or_nothing() {
    let test = migrated("idempotent");
    let (_, p) = simple(&test, "10.40.0.0/29");
    let first = allocator::allocate(&test.db, Target::Pool(p.id), 7, 2).unwrap();
    let again = allocator::allocate(&test.db, Target::Pool(p.id), 7, 2).unwrap();
    assert!(first.iter().all(|a| a.new) && again.iter().all(|a| !a.new));
    assert_eq!(
        first.iter().map(|a| &a.address).collect::<Vec<_>>(),
        again.iter().map(|a| &a.address).collect::<Vec<_>>()
    );
    // 6 usable, 2 taken: asking for 5 more fails whole and takes nothing.
    let err = allocator::allocate(&test.db, Target::Pool(p.id), 8, 5).unwrap_err();
    assert!(
        matches!(err, Error::PoolExhausted(ref m) if m.contains("pool 10.40.0.0/29") && m.contains("needs 5")),
        "{err:?}"
    );
    assert_eq!(
        api::pool_view(&test.db, p.id)
            .unwrap()
            .utilization
            .assigned
            .get(),
        2
    );
    assert!(matches!(
        allocator::allocate(&test.db, Target::Pool(999), 8, 1),
        Err(Error::NotFound(_))
    ));
}
