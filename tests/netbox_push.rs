//! The full push against the real NetBox make test starts: subnets become prefixes, single
//! addresses IP addresses with the subnet's mask, prefix units child prefixes, each with the
//! service's domain and a description naming service and client; a second push changes
//! nothing; a release is deprecated (or deleted), a changed domain updated; an object made
//! outside IP Manager is reported and never overwritten. Each run uses its own tag and
//! networks, and removes what it made.

mod support;

use ipmanager::ipam::allocator::{self, Target};
use ipmanager::ipam::release::{self, ReleaseMode};
use ipmanager::netbox::client::NetBox;
use ipmanager::netbox::push::push;
use ipmanager::netbox::settings;
use mysql::prelude::Queryable;
use serde_json::{Value, json};
use support::ipam::{migrated, pool, subnet, whmcs_tables};
use support::netbox::{form, real};

/// NetBox's objects of `endpoint` under `cidr`, by their address or prefix.
fn objects(nb: &NetBox, endpoint: &str, filter: &str, cidr: &str) -> Vec<Value> {
    nb.list(endpoint, &[(filter, cidr)]).unwrap()
}

#[test]
fn push_mirrors_what_ip_manager_holds_and_then_only_what_changed() {
    let real = real();
    let salt = std::process::id() % 250 + 1;
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos()
        % 250
        + 1;
    let v4 = format!("10.{salt}.{stamp}.0/24");
    let v6 = format!("2001:db8:{salt:x}{stamp:02x}::/48");
    let tag = format!("ipm-test-{salt}-{stamp}");

    let test = migrated("netbox_push");
    whmcs_tables(&test);
    let mut c = test.conn();
    c.query_drop("INSERT INTO tblclients (id, firstname, lastname, companyname, email, password) VALUES (1, 'Dana', 'Demo', 'Demo GmbH', 'd@example.com', '')").unwrap();
    for (id, domain) in [
        (5, "vps5.example.net"),
        (6, "Bad Domain!"),
        (7, "vps7.example.net"),
    ] {
        c.exec_drop(
            "INSERT INTO tblhosting (id, userid, packageid, domain, domainstatus) VALUES (?, 1, 1, ?, 'Active')",
            (id, domain),
        )
        .unwrap();
    }
    let s4 = subnet(
        &test,
        json!({"cidr": v4, "name": "edge", "gateway": v4.replace(".0/24", ".1")}),
    );
    let p4 = pool(&test, json!({"subnet_id": s4.id, "name": "vps"}));
    let s6 = subnet(&test, json!({"cidr": v6, "name": "v6"}));
    let p6 = pool(
        &test,
        json!({"subnet_id": s6.id, "name": "routed", "prefix_len": 64}),
    );
    let a5 = allocator::allocate(&test.db, Target::Pool(p4.id), 5, 2).unwrap();
    let a6 = allocator::allocate(&test.db, Target::Pool(p4.id), 6, 1).unwrap();
    let r7 = allocator::allocate(&test.db, Target::Pool(p6.id), 7, 1).unwrap();
    settings::save(&test.db, &form(&real.url, &real.token, &tag, "deprecate")).unwrap();
    let nb = NetBox::new(&settings::read(&test.db).unwrap()).unwrap();

    let first = push(&test.db).unwrap();
    assert_eq!(first.conflicts, Vec::<String>::new());
    assert_eq!(
        (first.prefixes.created, first.addresses.created),
        (3, 3),
        "{first:?}"
    );
    let addresses = objects(&nb, "ipam/ip-addresses/", "parent", &v4);
    let mine = addresses
        .iter()
        .find(|o| o["address"] == json!(format!("{}/24", a5[0].address)))
        .unwrap();
    assert_eq!(mine["status"]["value"], "active");
    assert_eq!(mine["dns_name"], "vps5.example.net");
    assert_eq!(
        mine["description"],
        "WHMCS service #5 (Dana Demo, Demo GmbH)"
    );
    assert_eq!(mine["tags"][0]["slug"], json!(tag));
    let odd = addresses
        .iter()
        .find(|o| o["address"] == json!(format!("{}/24", a6[0].address)))
        .unwrap();
    assert_eq!(
        odd["dns_name"], "",
        "a domain that is no DNS name is left out"
    );
    let routed = objects(&nb, "ipam/prefixes/", "within_include", &v6);
    assert!(
        routed.iter().any(|o| o["prefix"] == json!(r7[0].address)
            && o["description"] == "WHMCS service #7 (Dana Demo, Demo GmbH)"),
        "{routed:?}"
    );

    // Nothing changed: nothing is sent.
    let again = push(&test.db).unwrap();
    assert_eq!(
        (
            again.prefixes.created + again.prefixes.updated + again.prefixes.retired,
            again.addresses.created + again.addresses.updated + again.addresses.retired
        ),
        (0, 0),
        "{again:?}"
    );
    assert_eq!(again.addresses.unchanged, 3);

    // A release is deprecated; a changed domain is updated.
    release::release_address(&test.db, &a5[1].address, ReleaseMode::Free).unwrap();
    c.query_drop("UPDATE tblhosting SET domain = 'renamed.example.net' WHERE id = 5")
        .unwrap();
    let third = push(&test.db).unwrap();
    assert_eq!(
        (third.addresses.updated, third.addresses.retired),
        (1, 1),
        "{third:?}"
    );
    let gone = objects(&nb, "ipam/ip-addresses/", "parent", &v4)
        .into_iter()
        .find(|o| o["address"] == json!(format!("{}/24", a5[1].address)))
        .unwrap();
    assert_eq!(gone["status"]["value"], "deprecated");

    // Someone else's object at an address IP Manager then assigns: reported, left alone.
    let next = v4.replace(".0/24", ".200");
    let theirs = nb
        .call(
            "POST",
            "ipam/ip-addresses/",
            &[],
            Some(&json!({"address": format!("{next}/24"), "description": "by hand"})),
        )
        .unwrap();
    ipmanager::jobs::assignments::assign(
        &test.db,
        &support::req(json!({"service_id": 6, "address": next})),
        &ipmanager::providers::Integrations::none(),
    )
    .unwrap();
    let fourth = push(&test.db).unwrap();
    assert_eq!(fourth.conflicts.len(), 1, "{fourth:?}");
    assert!(fourth.conflicts[0].contains(&next), "{fourth:?}");
    let still = nb
        .call(
            "GET",
            &format!("ipam/ip-addresses/{}/", theirs["id"]),
            &[],
            None,
        )
        .unwrap();
    assert_eq!(still["description"], "by hand");

    // Delete mode: a release removes the object.
    settings::save(&test.db, &form(&real.url, "", &tag, "delete")).unwrap();
    release::release_address(&test.db, &a6[0].address, ReleaseMode::Free).unwrap();
    let fifth = push(&test.db).unwrap();
    assert_eq!(
        fifth.addresses.retired, 2,
        "the deprecated one and the new release: {fifth:?}"
    );
    assert!(
        !objects(&nb, "ipam/ip-addresses/", "parent", &v4)
            .iter()
            .any(|o| o["address"] == json!(format!("{}/24", a6[0].address)))
    );

    // Clean up: everything this run made.
    for cidr in [&v4, &v6] {
        support::netbox::remove_under(&nb, cidr);
    }
}

/// A subnet mapped to a site, a tenant and a VRF is pushed with them; moved to another VRF,
/// what was pushed before is retired and the new objects made, never duplicated in place.
#[test]
fn a_subnets_scope_reaches_its_prefix_and_addresses() {
    let real = real();
    let stamp = std::process::id() % 200 + 1;
    let salt = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos()
        % 250
        + 1;
    let v4 = format!("10.{}.{salt}.0/24", stamp + 3);
    let tag = format!("ipm-scope-{stamp}-{salt}");
    let test = migrated("netbox_scope");
    whmcs_tables(&test);
    let s = subnet(&test, json!({"cidr": v4, "name": "scoped"}));
    let p = pool(&test, json!({"subnet_id": s.id, "name": "scoped"}));
    let held = allocator::allocate(&test.db, Target::Pool(p.id), 9, 1).unwrap()[0]
        .address
        .clone();
    settings::save(&test.db, &form(&real.url, &real.token, &tag, "deprecate")).unwrap();
    let nb = NetBox::new(&settings::read(&test.db).unwrap()).unwrap();
    let make = |endpoint: &str, name: String| -> u32 {
        let slug = name.to_lowercase();
        nb.call(
            "POST",
            endpoint,
            &[],
            Some(&json!({"name": name, "slug": slug})),
        )
        .unwrap()["id"]
            .as_u64()
            .unwrap() as u32
    };
    let site = make("dcim/sites/", format!("Site-{tag}"));
    let tenant = make("tenancy/tenants/", format!("Tenant-{tag}"));
    let vrf = |name: String| -> u32 {
        nb.call("POST", "ipam/vrfs/", &[], Some(&json!({"name": name})))
            .unwrap()["id"]
            .as_u64()
            .unwrap() as u32
    };
    let (red, blue) = (vrf(format!("red-{tag}")), vrf(format!("blue-{tag}")));
    let scope = |vrf_id: u32| ipmanager::netbox::scopes::Scope {
        site_id: Some(site),
        tenant_id: Some(tenant),
        vrf_id: Some(vrf_id),
    };
    assert!(ipmanager::netbox::scopes::save(&test.db, 999_999, scope(red)).is_err());
    ipmanager::netbox::scopes::save(&test.db, s.id, scope(red)).unwrap();

    let first = push(&test.db).unwrap();
    assert_eq!(
        (first.prefixes.created, first.addresses.created),
        (1, 1),
        "{first:?}"
    );
    let prefix = &objects(&nb, "ipam/prefixes/", "within_include", &v4)[0];
    assert_eq!(
        (
            prefix["scope_type"].clone(),
            prefix["scope_id"].clone(),
            prefix["tenant"]["id"].clone(),
            prefix["vrf"]["id"].clone()
        ),
        (json!("dcim.site"), json!(site), json!(tenant), json!(red))
    );
    let address = &objects(&nb, "ipam/ip-addresses/", "parent", &v4)[0];
    assert_eq!(address["address"], json!(format!("{held}/24")));
    assert_eq!(
        (
            address["tenant"]["id"].clone(),
            address["vrf"]["id"].clone()
        ),
        (json!(tenant), json!(red))
    );
    let again = push(&test.db).unwrap();
    assert_eq!(
        again.prefixes.unchanged + again.addresses.unchanged,
        2,
        "{again:?}"
    );

    // Moved to another VRF: the red objects are retired, blue ones made.
    ipmanager::netbox::scopes::save(&test.db, s.id, scope(blue)).unwrap();
    let moved = push(&test.db).unwrap();
    assert_eq!(
        (
            moved.prefixes.created,
            moved.prefixes.retired,
            moved.addresses.created,
            moved.addresses.retired
        ),
        (1, 1, 1, 1),
        "{moved:?}"
    );

    support::netbox::remove_under(&nb, &v4);
    for (endpoint, id) in [
        ("ipam/vrfs/", red),
        ("ipam/vrfs/", blue),
        ("tenancy/tenants/", tenant),
        ("dcim/sites/", site),
    ] {
        nb.call("DELETE", endpoint, &[], Some(&json!([{"id": id}])))
            .unwrap();
    }
}
