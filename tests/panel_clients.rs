//! The DirectAdmin, Plesk and SolusVM clients against fakes that follow
//! shared/providers.md: what each panel is asked, repeats that are harmless, refusals and
//! refused credentials said in words without the secret, what a panel cannot hold said
//! plainly, and "Test connection". (Every fault, end to end: tests/panel_faults.rs.)

mod support;

use ipmanager::providers::directadmin::DirectAdmin;
use ipmanager::providers::plesk::Plesk;
use ipmanager::providers::settings::{IntegrationSettings, Kind, all_defaults};
use ipmanager::providers::solusvm::Solusvm;
use ipmanager::providers::{IpChange, Network, Provider, ServerAccess};
use support::fake_da::{self, FakeDa};
use support::fake_plesk::{self, FakePlesk};
use support::fake_solusvm::{self, FakeSolusvm};

fn defaults(kind: Kind) -> IntegrationSettings {
    all_defaults().into_iter().find(|s| s.kind == kind).unwrap()
}

fn access(port: u16, username: &str, password: &str, access_hash: &str) -> ServerAccess {
    ServerAccess {
        hostname: "127.0.0.1".into(),
        ip: "203.0.113.5".into(),
        port: Some(port),
        username: username.into(),
        password: password.into(),
        access_hash: access_hash.into(),
        secure: false,
        http: support::http_server::quick(),
    }
}

fn change(server: ServerAccess, addresses: &[&str]) -> IpChange {
    IpChange {
        module: "x".into(),
        service_id: 7,
        username: "alice".into(),
        domain: "alice.example".into(),
        server,
        addresses: addresses.iter().map(|a| a.to_string()).collect(),
        networks: addresses
            .iter()
            .map(|a| Network {
                address: a.to_string(),
                prefix_len: 24,
                gateway: Some("198.51.100.1".into()),
            })
            .collect(),
        guest_id: "42".into(),
    }
}

fn refusal(result: ipmanager::Result<()>) -> String {
    match result {
        Err(ipmanager::Error::Integration(m)) => m,
        other => panic!("expected the panel's refusal, got {other:?}"),
    }
}

#[test]
fn directadmin_pools_the_ip_and_says_what_the_admin_must_do_in_directadmin() {
    let da = FakeDa::start();
    let on = access(da.port(), fake_da::USER, fake_da::PASSWORD, "");
    let add = change(on.clone(), &["198.51.100.7"]);

    let e = refusal(DirectAdmin.add_ips(&add));
    assert!(
        e.contains("no documented API call") && e.contains("assign it to user alice"),
        "{e}"
    );
    let pooled = da.pool();
    assert_eq!(
        (
            pooled["198.51.100.7"].status.as_str(),
            pooled["198.51.100.7"].owner.as_str()
        ),
        ("free", "")
    );
    // A retry adds nothing twice and still waits for the admin.
    assert!(refusal(DirectAdmin.add_ips(&add)).contains("assign it to user alice"));
    da.assign_to_user("198.51.100.7", "alice");
    DirectAdmin.add_ips(&add).unwrap();

    // Removal waits while the user holds it, then leaves the pool clean.
    let e = refusal(DirectAdmin.remove_ips(&add));
    assert!(e.contains("user alice still holds 198.51.100.7"), "{e}");
    da.take_from_user("198.51.100.7");
    DirectAdmin.remove_ips(&add).unwrap();
    assert!(da.pool().is_empty());
    DirectAdmin.remove_ips(&add).unwrap();

    // Prefixes are not DirectAdmin's; a wrong password is said without it.
    assert!(
        refusal(DirectAdmin.add_ips(&change(on.clone(), &["2001:db8::/64"]))).contains("prefix")
    );
    let wrong = access(da.port(), fake_da::USER, "not-the-password", "");
    let e = refusal(DirectAdmin.add_ips(&change(wrong.clone(), &["198.51.100.7"])));
    assert!(
        e.contains("refused the credentials (HTTP 401)") && !e.contains("not-the-password"),
        "{e}"
    );
    assert!(
        DirectAdmin
            .test_connection(&on)
            .unwrap()
            .contains("credentials accepted")
    );
    assert!(DirectAdmin.test_connection(&wrong).is_err());
}

#[test]
fn plesk_moves_the_subscription_to_its_ip_and_back_to_the_servers_own() {
    let plesk = FakePlesk::start("203.0.113.5");
    plesk.add_subscription("alice.example");
    let integration = Plesk::new(&defaults(Kind::Plesk));
    let by_key = access(plesk.port(), "", "", fake_plesk::KEY);
    let add = change(by_key.clone(), &["198.51.100.7"]);

    integration.add_ips(&add).unwrap();
    assert_eq!(plesk.ip_of("alice.example"), "198.51.100.7");
    assert_eq!(
        plesk.state.lock().unwrap().ips["198.51.100.7"],
        ("exclusive".to_string(), "255.255.255.0".to_string())
    );
    integration.add_ips(&add).unwrap(); // 1013 "already added": harmless
    integration.remove_ips(&add).unwrap();
    assert_eq!(plesk.ip_of("alice.example"), "203.0.113.5");
    assert!(!plesk.has_ip("198.51.100.7"));
    integration.remove_ips(&add).unwrap(); // 1018: already gone

    // Login and password work as well as the secret key.
    let by_login = access(plesk.port(), fake_plesk::LOGIN, fake_plesk::PASSWORD, "");
    integration
        .add_ips(&change(by_login.clone(), &["198.51.100.8"]))
        .unwrap();
    assert_eq!(plesk.ip_of("alice.example"), "198.51.100.8");

    let e = refusal(integration.add_ips(&change(
        access(plesk.port(), "", "", "wrong-key"),
        &["198.51.100.9"],
    )));
    assert!(
        e.contains("11003") && e.contains("secret key") && !e.contains("wrong-key"),
        "{e}"
    );
    let e = refusal(integration.add_ips(&change(by_key.clone(), &["2001:db8::5"])));
    assert!(e.contains("not supported by Plesk"), "{e}");
    let mut unknown = change(by_key.clone(), &["198.51.100.9"]);
    unknown.domain = "nobody.example".into();
    assert!(refusal(integration.add_ips(&unknown)).contains("1013"));
    assert!(
        integration
            .test_connection(&by_key)
            .unwrap()
            .contains("credentials accepted")
    );
}

#[test]
fn solusvm_adds_and_deletes_on_the_virtual_server_and_never_takes_a_refusal_for_success() {
    let solus = FakeSolusvm::start();
    solus.add_vserver(42);
    let integration = Solusvm::new(&defaults(Kind::Solusvm));
    let on = access(solus.port(), fake_solusvm::ID, "", fake_solusvm::KEY);
    let add = change(on.clone(), &["198.51.100.7"]);

    integration.add_ips(&add).unwrap();
    assert_eq!(solus.ips_of(42), ["198.51.100.7"]);
    // What SolusVM answers to a repeat is not documented: shown, never taken for success.
    assert!(refusal(integration.add_ips(&add)).contains("SolusVM vserver-addip"));
    integration.remove_ips(&add).unwrap();
    assert!(solus.ips_of(42).is_empty());
    assert!(refusal(integration.remove_ips(&add)).contains("SolusVM vserver-delip"));

    let mut no_guest = add.clone();
    no_guest.guest_id = String::new();
    assert!(
        refusal(integration.add_ips(&no_guest))
            .contains("no SolusVM vserverid in its custom field 'vserverid'")
    );
    let mut gone = add.clone();
    gone.guest_id = "99".into();
    assert!(refusal(integration.add_ips(&gone)).contains("Virtual server not found"));
    assert!(
        refusal(integration.add_ips(&change(on.clone(), &["2001:db8::/64"])))
            .contains("not supported by SolusVM")
    );
    let wrong = access(solus.port(), fake_solusvm::ID, "", "wrong-key");
    let e = refusal(integration.add_ips(&change(wrong.clone(), &["198.51.100.7"])));
    assert!(
        e.contains("Invalid id or key") && !e.contains("wrong-key"),
        "{e}"
    );
    assert!(
        integration
            .test_connection(&on)
            .unwrap()
            .contains("credentials accepted")
    );
    assert!(integration.test_connection(&wrong).is_err());
}
