//! PTRs set by hand against the real PowerDNS, checked with `dig -x`: a client sets and
//! clears the PTR of an address they hold and of addresses inside an IPv6 prefix they hold;
//! bad hostnames, another client's address, an unmanaged subnet and a name that does not
//! resolve back (with forward confirmation on) are refused and change nothing; a client is
//! held to a rate; a subnet's reset brings every PTR back to the default. One test: the
//! change log's actor is process-wide.

mod support;

use ipmanager::Error;
use ipmanager::audit::{self, Actor};
use ipmanager::dns::mirror;
use ipmanager::dns::ptrs::{self, CLIENT_CHANGES_PER_HOUR, Editor};
use ipmanager::dns::settings;
use ipmanager::ipam::allocator::{self, Target};
use mysql::prelude::Queryable;
use serde_json::json;
use support::ipam::{migrated, pool, subnet, whmcs_tables};
use support::pdns::real;

#[test]
fn clients_and_admins_set_ptrs_within_the_rules() {
    let r = real();
    let test = migrated("dnsp");
    whmcs_tables(&test);
    let mut c = test.conn();
    for (id, client) in [(5, 1), (9, 2)] {
        c.exec_drop(
            "INSERT INTO tblhosting (id, userid, packageid, domain, domainstatus) VALUES (?, ?, 1, ?, 'Active')",
            (id, client, format!("vps{id}.example.net")),
        )
        .unwrap();
    }
    let mut form = r.form(&r.url);
    settings::save(&test.db, &form).unwrap();
    let n = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos()
        % 40000;
    let b = format!("10.{}.{}", 110 + n / 256 % 40, n % 256);
    let s4 = subnet(
        &test,
        json!({"cidr": format!("{b}.0/24"), "name": "ptr v4"}),
    );
    let p4 = pool(&test, json!({"subnet_id": s4.id, "name": "ptr v4"}));
    let s6 = subnet(
        &test,
        json!({"cidr": format!("2001:db8:{:x}::/48", 0x3000 + n), "name": "ptr v6"}),
    );
    let p6 = pool(
        &test,
        json!({"subnet_id": s6.id, "name": "ptr v6", "prefix_len": 64}),
    );
    let unmanaged = subnet(
        &test,
        json!({"cidr": format!("{b}.0/24").replacen("10.", "172.", 1), "name": "not managed"}),
    );
    let pu = pool(
        &test,
        json!({"subnet_id": unmanaged.id, "name": "not managed"}),
    );
    for id in [s4.id, s6.id] {
        settings::manage_subnet(&test.db, id, true).unwrap();
    }
    let mine = allocator::allocate(&test.db, Target::Pool(p4.id), 5, 1).unwrap()[0]
        .address
        .clone();
    let theirs = allocator::allocate(&test.db, Target::Pool(p4.id), 9, 1).unwrap()[0]
        .address
        .clone();
    let prefix = allocator::allocate(&test.db, Target::Pool(p6.id), 5, 1).unwrap()[0]
        .address
        .clone();
    let elsewhere = allocator::allocate(&test.db, Target::Pool(pu.id), 5, 1).unwrap()[0]
        .address
        .clone();
    mirror::after_commit(&test.db, 5, None).unwrap();
    mirror::after_commit(&test.db, 9, None).unwrap();
    assert_eq!(r.dig_x(&mine), Ok(vec!["vps5.example.net.".to_string()]));

    audit::set_actor(Actor::Client(1));
    let me = Editor::Client(1);
    ptrs::set(&test.db, me, &mine, Some("Mail.Example.org")).unwrap();
    assert_eq!(r.dig_x(&mine), Ok(vec!["mail.example.org.".to_string()]));
    for bad in [
        "mail",
        "-x.example.org",
        "mail.example.org evil",
        "a..b.org",
        "x_y.example.org",
    ] {
        let e = ptrs::set(&test.db, me, &mine, Some(bad)).unwrap_err();
        assert!(matches!(e, Error::InvalidInput(_)), "{bad}: {e}");
    }
    assert_eq!(
        r.dig_x(&mine),
        Ok(vec!["mail.example.org.".to_string()]),
        "refusals change nothing"
    );
    let e = ptrs::set(&test.db, me, &theirs, Some("evil.example.org")).unwrap_err();
    assert!(matches!(e, Error::NotFound(_)), "{e}");
    assert_eq!(r.dig_x(&theirs), Ok(vec!["vps9.example.net.".to_string()]));
    let refused: Option<u64> = test
        .conn()
        .query_first("SELECT COUNT(*) FROM mod_ipmanager_logs WHERE action = 'client.refused'")
        .unwrap();
    assert_eq!(refused, Some(1));
    let e = ptrs::set(&test.db, me, &elsewhere, Some("x.example.org")).unwrap_err();
    assert!(
        matches!(&e, Error::Conflict(m) if m.contains("not managed")),
        "{e}"
    );

    // Inside the /64 the client holds: several addresses, each its own PTR; cleared again.
    let base6 = prefix
        .trim_end_matches("/64")
        .trim_end_matches("::")
        .to_string();
    let (one, two) = (format!("{base6}::10"), format!("{base6}::11"));
    ptrs::set(&test.db, me, &one, Some("a.example.org")).unwrap();
    ptrs::set(&test.db, me, &two, Some("b.example.org")).unwrap();
    assert_eq!(r.dig_x(&one), Ok(vec!["a.example.org.".to_string()]));
    assert_eq!(r.dig_x(&two), Ok(vec!["b.example.org.".to_string()]));
    ptrs::set(&test.db, me, &two, None).unwrap();
    assert_eq!(
        r.dig_x(&two),
        Err("NXDOMAIN".to_string()),
        "inside a prefix there is no default"
    );
    ptrs::set(&test.db, me, &mine, None).unwrap();
    assert_eq!(
        r.dig_x(&mine),
        Ok(vec!["vps5.example.net.".to_string()]),
        "back to the default"
    );

    // Forward confirmation: a name that does not resolve to the address is refused.
    form.forward_confirm = true;
    form.api_key = String::new();
    settings::save(&test.db, &form).unwrap();
    let e = ptrs::set(&test.db, me, &mine, Some("nowhere.invalid")).unwrap_err();
    assert!(
        matches!(&e, Error::InvalidInput(m) if m.contains("does not resolve")),
        "{e}"
    );
    form.forward_confirm = false;
    settings::save(&test.db, &form).unwrap();

    // The rate: the client's changes in the last hour, then refused.
    let used: Option<u64> = test
        .conn()
        .query_first("SELECT COUNT(*) FROM mod_ipmanager_logs WHERE action = 'dns.ptr' AND actor_type = 'client'")
        .unwrap();
    for i in used.unwrap_or(0)..CLIENT_CHANGES_PER_HOUR {
        ptrs::set(&test.db, me, &one, Some(&format!("r{i}.example.org"))).unwrap();
    }
    let e = ptrs::set(&test.db, me, &one, Some("late.example.org")).unwrap_err();
    assert!(
        matches!(&e, Error::Conflict(m) if m.contains("in the last hour")),
        "{e}"
    );

    // An admin is not rate-limited; a reset brings the subnet's PTRs back to the defaults.
    audit::set_actor(Actor::Admin(1));
    ptrs::set(&test.db, Editor::Admin, &theirs, Some("admin.example.org")).unwrap();
    assert_eq!(r.dig_x(&theirs), Ok(vec!["admin.example.org.".to_string()]));
    assert_eq!(ptrs::reset_subnet(&test.db, s4.id).unwrap(), 2);
    mirror::after_commit(&test.db, 0, None).unwrap();
    assert_eq!(r.dig_x(&theirs), Ok(vec!["vps9.example.net.".to_string()]));
    assert_eq!(r.dig_x(&mine), Ok(vec!["vps5.example.net.".to_string()]));
    audit::set_actor(Actor::System);
}
