//! The Proxmox VE integration against a fake PVE that follows shared/providers.md: LXC and
//! QEMU guests keep their interface keys, extra IPs get new interfaces, the firewall IP set
//! follows, repeats are harmless, credentials (token or ticket) never show; and end to end
//! through the configured integration, WHMCS's server record and the outbox: a create
//! tells the panel, an unassign keeps the address releasing while the panel is down and
//! never hands it out, and the outbox converges once the panel is back.

mod support;

use ipmanager::Error;
use ipmanager::ipam::allocator::{self, Target};
use ipmanager::jobs::{assignments, unassign};
use ipmanager::providers::configured::{self, Configured};
use ipmanager::providers::outbox;
use ipmanager::providers::proxmox::Proxmox;
use ipmanager::providers::settings::{self, IntegrationForm, Kind};
use ipmanager::providers::{IpChange, Network, Provider, ServerAccess, journal};
use ipmanager::provision::after_create::after_module_create;
use mysql::prelude::Queryable;
use serde_json::json;
use std::collections::BTreeMap;
use std::time::{Duration, Instant};
use support::fake_pve::{FakePve, PASSWORD, TOKEN};
use support::http_server::Fault;
use support::ipam::{migrated, pool, subnet, whmcs_tables};
use support::req;

fn server(port: u16, token: &str, password: &str) -> ServerAccess {
    ServerAccess {
        hostname: "127.0.0.1".into(),
        port: Some(port),
        username: "root@pam".into(),
        password: password.into(),
        access_hash: token.into(),
        http: support::http_server::quick(),
        ..ServerAccess::default()
    }
}

fn integration() -> Proxmox {
    let all = settings::all_defaults();
    Proxmox::new(all.iter().find(|s| s.kind == Kind::Proxmox).unwrap())
}

fn change(server: ServerAccess, vmid: &str, addresses: &[&str]) -> IpChange {
    IpChange {
        module: "proxmox".into(),
        service_id: 7,
        server,
        addresses: addresses.iter().map(|a| a.to_string()).collect(),
        networks: addresses
            .iter()
            .filter(|a| !a.contains('/'))
            .map(|a| Network {
                address: a.to_string(),
                prefix_len: if a.contains(':') { 64 } else { 24 },
                gateway: Some(
                    if a.contains(':') {
                        "2001:db8:5::1"
                    } else {
                        "192.0.2.1"
                    }
                    .into(),
                ),
            })
            .collect(),
        guest_id: vmid.into(),
        ..IpChange::default()
    }
}

fn integration_error(result: ipmanager::Result<()>) -> String {
    match result {
        Err(Error::Integration(m)) => m,
        other => panic!("expected an Integration error, got {other:?}"),
    }
}

const HWADDR: &str = "name=eth0,bridge=vmbr0,hwaddr=BC:24:11:AA:BB:01,type=veth";

#[test]
fn an_lxc_container_gets_its_ips_on_interfaces_that_keep_their_keys_and_loses_them_again() {
    let pve = FakePve::start();
    pve.add_guest(101, "lxc", &[("net0", HWADDR), ("hostname", "ct101")]);
    let on = server(pve.port(), TOKEN, "");
    let panel = integration();
    let added = change(
        on.clone(),
        "101",
        &[
            "192.0.2.10",
            "192.0.2.11",
            "2001:db8:5::10",
            "2001:db8:7::/64",
        ],
    );
    panel.add_ips(&added).unwrap();
    let guest = pve.guest(101);
    assert_eq!(
        guest.config["net0"],
        format!("{HWADDR},ip=192.0.2.10/24,gw=192.0.2.1,ip6=2001:db8:5::10/64,gw6=2001:db8:5::1"),
        "net0 keeps hwaddr, bridge and name"
    );
    assert_eq!(
        guest.config["net1"],
        "name=eth1,bridge=vmbr0,ip=192.0.2.11/24,ip6=2001:db8:7::1/64"
    );
    assert_eq!(guest.config["hostname"], "ct101");
    assert_eq!(
        guest.ipsets["ipfilter-net0"],
        ["192.0.2.10", "2001:db8:5::10"]
    );
    assert_eq!(
        guest.ipsets["ipfilter-net1"],
        ["192.0.2.11", "2001:db8:7::/64"]
    );

    panel.add_ips(&added).unwrap();
    assert_eq!(
        pve.guest(101).config,
        guest.config,
        "repeating an add changes nothing"
    );
    assert_eq!(pve.guest(101).ipsets, guest.ipsets);

    panel.remove_ips(&added).unwrap();
    let after = pve.guest(101);
    assert_eq!(
        after.config["net0"], HWADDR,
        "net0 stays, without the addresses"
    );
    assert!(
        !after.config.contains_key("net1"),
        "the added interface goes"
    );
    assert!(
        pve.addresses_of(101).is_empty(),
        "{:?}",
        pve.addresses_of(101)
    );
    panel.remove_ips(&added).unwrap();
    assert_eq!(
        pve.guest(101).config,
        after.config,
        "repeating a remove changes nothing"
    );
}

#[test]
fn a_qemu_guest_gets_cloud_init_ipconfig_and_a_new_nic_for_an_extra_ip() {
    let pve = FakePve::start();
    pve.add_guest(
        200,
        "qemu",
        &[("net0", "virtio=BC:24:11:00:00:02,bridge=vmbr0")],
    );
    let panel = integration();
    let on = server(pve.port(), TOKEN, "");
    panel
        .add_ips(&change(on.clone(), "200", &["192.0.2.20"]))
        .unwrap();
    panel
        .add_ips(&change(on.clone(), "200", &["192.0.2.21"]))
        .unwrap();
    let guest = pve.guest(200);
    assert_eq!(
        guest.config["net0"], "virtio=BC:24:11:00:00:02,bridge=vmbr0",
        "the NIC keeps its MAC"
    );
    assert_eq!(guest.config["ipconfig0"], "ip=192.0.2.20/24,gw=192.0.2.1");
    assert_eq!(guest.config["net1"], "virtio,bridge=vmbr0");
    assert_eq!(guest.config["ipconfig1"], "ip=192.0.2.21/24");
    assert_eq!(
        guest.cloudinit_regenerated, 2,
        "the drive is regenerated after each change"
    );
    panel
        .remove_ips(&change(on, "200", &["192.0.2.21"]))
        .unwrap();
    assert!(!pve.guest(200).config.contains_key("ipconfig1"));
    assert_eq!(pve.addresses_of(200), ["192.0.2.20"]);
}

#[test]
fn a_ticket_login_works_and_no_credential_reaches_an_error_or_the_module_log() {
    let pve = FakePve::start();
    pve.add_guest(102, "lxc", &[("net0", HWADDR)]);
    let panel = integration();
    journal::drain();
    panel
        .add_ips(&change(
            server(pve.port(), "", PASSWORD),
            "102",
            &["192.0.2.30"],
        ))
        .unwrap();
    assert_eq!(pve.addresses_of(102), ["192.0.2.30"]);
    let log = serde_json::to_string(&journal::drain()).unwrap();
    assert!(
        log.contains("access/ticket") && log.contains("ip=192.0.2.30/24"),
        "{log}"
    );
    assert!(
        !log.contains(PASSWORD) && !log.contains("TICKET123") && !log.contains("CSRF456"),
        "{log}"
    );

    pve.state.lock().unwrap().auth_delay = Duration::from_millis(50);
    let wrong = "root@pam!ipmanager=00000000-bad0-bad0-bad0-000000000000";
    let e = integration_error(panel.add_ips(&change(
        server(pve.port(), wrong, ""),
        "102",
        &["192.0.2.31"],
    )));
    assert!(e.contains("refused the credentials (HTTP 401)"), "{e}");
    assert!(!e.contains("00000000-bad0"), "{e}");
    let log = serde_json::to_string(&journal::drain()).unwrap();
    assert!(
        !log.contains("00000000-bad0") && !log.contains(&TOKEN[20..]),
        "{log}"
    );
}

#[test]
fn refusals_missing_guests_and_a_slow_or_broken_panel_are_errors_in_words_within_the_timeout() {
    let pve = FakePve::start();
    pve.add_guest(103, "lxc", &[("net0", HWADDR)]);
    let panel = integration();
    let on = server(pve.port(), TOKEN, "");
    let e = integration_error(panel.add_ips(&change(on.clone(), "999", &["192.0.2.40"])));
    assert!(e.contains("no guest with vmid 999"), "{e}");
    let e = integration_error(panel.add_ips(&change(on.clone(), "", &["192.0.2.40"])));
    assert!(e.contains("has no Proxmox VE vmid"), "{e}");

    for (fault, words) in [
        (Fault::Slow(Duration::from_secs(3)), "did not reply in time"),
        (Fault::Hang, "did not reply in time"),
        (Fault::ServerError, "HTTP 500"),
        (Fault::Garbled, "not JSON"),
    ] {
        pve.set_fault(fault);
        let started = Instant::now();
        let e = integration_error(panel.add_ips(&change(on.clone(), "103", &["192.0.2.40"])));
        assert!(
            started.elapsed() < Duration::from_millis(1500),
            "{fault:?}: {:?}",
            started.elapsed()
        );
        assert!(e.contains(words), "{fault:?}: {e}");
    }
    pve.set_fault(Fault::None);
    assert!(
        pve.addresses_of(103).is_empty(),
        "nothing half-applied by a failed call"
    );
    assert_eq!(
        panel.test_connection(&on).unwrap(),
        "Proxmox VE 8.2.4 (release 8.2)"
    );
}

/// WHMCS as the provisioning flow leaves it: a Proxmox server record, a product with the
/// vmid custom field, service 5 on that server with vmid 101.
fn whmcs_with_proxmox(test: &support::TestDb, port: u16) {
    whmcs_tables(test);
    let mut c = test.conn();
    c.exec_drop(
        "INSERT INTO tblservers (id, name, ipaddress, hostname, type, username, password, accesshash, secure, port, active) \
         VALUES (3, 'pve1', '127.0.0.1', '127.0.0.1', 'proxmox', 'root@pam', 'encrypted', ?, '', ?, 1)",
        (TOKEN.to_string(), port),
    ).unwrap();
    c.query_drop("INSERT INTO tblproducts (id, type, gid, name, servertype) VALUES (1, 'server', 1, 'VPS', 'proxmox')").unwrap();
    for id in [5, 6] {
        c.exec_drop(
            "INSERT INTO tblhosting (id, userid, packageid, server, domain, domainstatus, username) VALUES (?, 1, 1, 3, ?, 'Active', ?)",
            (id, format!("vps{id}.example"), format!("vps{id}")),
        ).unwrap();
    }
    c.query_drop("INSERT INTO tblcustomfields (id, type, relid, fieldname, fieldtype) VALUES (1, 'product', 1, 'vmid|VM ID', 'text')").unwrap();
    c.query_drop("INSERT INTO tblcustomfieldsvalues (fieldid, relid, value) VALUES (1, 5, '101'), (1, 6, '102')").unwrap();
}

fn enable_proxmox(test: &support::TestDb) {
    settings::save(
        &test.db,
        &IntegrationForm {
            kind: Kind::Proxmox,
            enabled: true,
            modules: "proxmox".into(),
            push_on_create: true,
            remove_on_release: true,
            options: BTreeMap::new(),
        },
    )
    .unwrap();
    settings::save_server(
        &test.db,
        &settings::ServerSettings {
            connect_timeout_ms: 500,
            timeout_ms: 800,
            ..settings::ServerSettings::defaults(3)
        },
    )
    .unwrap();
}

fn module_params(service: u32) -> serde_json::Value {
    json!({"serviceid": service, "serverid": 3, "moduletype": "proxmox", "username": format!("vps{service}"),
           "domain": format!("vps{service}.example"), "serverhostname": "127.0.0.1", "serverusername": "root@pam",
           "serveraccesshash": TOKEN})
}

fn outbox_rows(test: &support::TestDb) -> Vec<(String, String)> {
    test.conn()
        .query("SELECT operation, status FROM mod_ipmanager_outbox ORDER BY id")
        .unwrap()
}

fn make_due(test: &support::TestDb) {
    test.conn()
        .query_drop("UPDATE mod_ipmanager_outbox SET next_attempt_at = UTC_TIMESTAMP(3) WHERE status = 'pending'")
        .unwrap();
}

#[test]
fn end_to_end_create_tells_the_panel_and_a_removal_waits_for_it_while_it_is_down() {
    let pve = FakePve::start();
    pve.add_guest(101, "lxc", &[("net0", HWADDR)]);
    pve.add_guest(102, "lxc", &[("net0", HWADDR)]);
    let test = migrated("pve_e2e");
    whmcs_with_proxmox(&test, pve.port());
    enable_proxmox(&test);
    let s = subnet(
        &test,
        json!({"cidr": "192.0.2.0/29", "name": "edge", "gateway": "192.0.2.1"}),
    );
    let p = pool(&test, json!({"subnet_id": s.id, "name": "vps"}));
    let got = allocator::allocate(&test.db, Target::Pool(p.id), 5, 1).unwrap();
    assert_eq!(got[0].address, "192.0.2.2");

    let report = configured::with(&test.db, Some(Duration::from_secs(10)), |i| {
        after_module_create(&test.db, &req(module_params(5)), i)
    })
    .unwrap();
    assert_eq!(
        (report.integration.as_deref(), report.error.as_deref()),
        (Some("Proxmox VE"), None)
    );
    assert_eq!(
        pve.guest(101).config["net0"],
        format!("{HWADDR},ip=192.0.2.2/29,gw=192.0.2.1")
    );
    assert_eq!(outbox_rows(&test), [("add".into(), "delivered".into())]);

    // The panel goes down; the admin unassigns: the address stays releasing.
    pve.set_fault(Fault::ServerError);
    let row: u64 = test
        .conn()
        .query_first("SELECT id FROM mod_ipmanager_addresses WHERE service_id = 5")
        .unwrap()
        .unwrap();
    let done = configured::with(&test.db, None, |i| {
        assignments::unassign(&test.db, &req(json!({"id": row, "mode": "free"})), i, 0)
    })
    .unwrap();
    assert!(
        done.error.as_deref().unwrap().contains("HTTP 500"),
        "{done:?}"
    );
    let state: String = test
        .conn()
        .query_first("SELECT state FROM mod_ipmanager_addresses WHERE address = UNHEX('C0000202')")
        .unwrap()
        .unwrap();
    assert_eq!(state, "releasing");
    // Never handed to another service while the panel may hold it.
    let next = allocator::allocate(&test.db, Target::Pool(p.id), 6, 1).unwrap();
    assert_eq!(next[0].address, "192.0.2.3");
    assert!(pve.addresses_of(101).contains(&"192.0.2.2".to_string()));

    // The panel is back; the cron's run of the outbox converges.
    pve.set_fault(Fault::None);
    make_due(&test);
    let delivered = configured::with(&test.db, None, |i| {
        outbox::deliver_due(&test.db, &i.delivery(), 100, &unassign::after_delivery)
    })
    .unwrap();
    assert_eq!(delivered.len(), 1);
    assert_eq!(delivered[0].error, None);
    assert!(
        pve.addresses_of(101).is_empty(),
        "{:?}",
        pve.addresses_of(101)
    );
    let again = allocator::allocate(&test.db, Target::Pool(p.id), 7, 1).unwrap();
    assert_eq!(
        again[0].address, "192.0.2.2",
        "free again once the panel confirmed"
    );
    assert_eq!(
        outbox_rows(&test),
        [
            ("add".into(), "delivered".into()),
            ("remove".into(), "delivered".into())
        ]
    );
    let whmcs: String = test
        .conn()
        .query_first("SELECT dedicatedip FROM tblhosting WHERE id = 5")
        .unwrap()
        .unwrap();
    assert_eq!(
        whmcs, "",
        "WHMCS's dedicated IP is cleared once the panel confirmed"
    );
}

#[test]
fn a_hung_panel_never_holds_a_create_beyond_its_bound_and_the_add_is_kept() {
    let pve = FakePve::start();
    pve.add_guest(101, "lxc", &[("net0", HWADDR)]);
    let test = migrated("pve_hung");
    whmcs_with_proxmox(&test, pve.port());
    enable_proxmox(&test);
    test.conn()
        .query_drop("UPDATE mod_ipmanager_server_settings SET timeout_ms = 5000")
        .unwrap();
    let s = subnet(&test, json!({"cidr": "192.0.2.0/29", "name": "edge"}));
    let p = pool(&test, json!({"subnet_id": s.id, "name": "vps"}));
    allocator::allocate(&test.db, Target::Pool(p.id), 5, 1).unwrap();
    pve.set_fault(Fault::Hang);
    let started = Instant::now();
    let report = configured::with(&test.db, Some(Duration::from_millis(1500)), |i| {
        after_module_create(&test.db, &req(module_params(5)), i)
    })
    .unwrap();
    let took = started.elapsed();
    assert!(
        took < Duration::from_millis(2500),
        "bounded by the hook's budget: {took:?}"
    );
    assert!(report.error.is_some());
    assert_eq!(
        outbox_rows(&test),
        [("add".into(), "pending".into())],
        "nothing lost"
    );

    pve.set_fault(Fault::None);
    make_due(&test);
    configured::with(&test.db, None, |i| {
        outbox::deliver_due(&test.db, &i.delivery(), 100, &outbox::nothing_follows)
    })
    .unwrap();
    assert_eq!(pve.addresses_of(101), ["192.0.2.1"]);
    assert_eq!(outbox_rows(&test), [("add".into(), "delivered".into())]);
    let _ = Configured::load(&test.db).unwrap();
}

#[test]
fn a_removal_takes_its_address_out_of_an_add_that_never_reached_the_panel() {
    let pve = FakePve::start();
    pve.add_guest(101, "lxc", &[("net0", HWADDR)]);
    let test = migrated("pve_supersede");
    whmcs_with_proxmox(&test, pve.port());
    enable_proxmox(&test);
    let s = subnet(&test, json!({"cidr": "192.0.2.0/29", "name": "edge"}));
    let p = pool(&test, json!({"subnet_id": s.id, "name": "vps"}));
    allocator::allocate(&test.db, Target::Pool(p.id), 5, 1).unwrap();
    pve.set_fault(Fault::ServerError);
    configured::with(&test.db, None, |i| {
        after_module_create(&test.db, &req(module_params(5)), i)
    })
    .unwrap();
    let row: u64 = test
        .conn()
        .query_first("SELECT id FROM mod_ipmanager_addresses WHERE service_id = 5")
        .unwrap()
        .unwrap();
    configured::with(&test.db, None, |i| {
        assignments::unassign(&test.db, &req(json!({"id": row, "mode": "free"})), i, 0)
    })
    .unwrap();
    assert_eq!(
        outbox_rows(&test),
        [
            ("add".into(), "superseded".into()),
            ("remove".into(), "pending".into())
        ]
    );
    pve.set_fault(Fault::None);
    make_due(&test);
    configured::with(&test.db, None, |i| {
        outbox::deliver_due(&test.db, &i.delivery(), 100, &unassign::after_delivery)
    })
    .unwrap();
    assert!(
        pve.addresses_of(101).is_empty(),
        "the stale add never lands after the removal"
    );
    assert_eq!(outbox_rows(&test)[1], ("remove".into(), "delivered".into()));
}
