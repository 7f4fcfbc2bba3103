//! The cPanel/WHM client against a fake WHM that follows shared/providers.md: the account
//! model (one IPv4, back to the shared main IP), WHM's HTTP-200 failures, idempotent
//! repeats, refused tokens, and a panel that is slow, failing, garbled or not there.

mod support;

use ipmanager::Error;
use ipmanager::providers::cpanel::Cpanel;
use ipmanager::providers::{IpChange, Provider, ServerAccess};
use std::time::{Duration, Instant};
use support::fake_whm::FakeWhm;
use support::http_server::Fault;

const TOKEN: &str = "U7HMR63FHY282DQZ4H5BIH16JLYSO01M";
const MAIN: &str = "192.0.2.20";

fn server(port: u16, token: &str) -> ServerAccess {
    ServerAccess {
        hostname: "127.0.0.1".into(),
        ip: "127.0.0.1".into(),
        port: Some(port),
        username: "root".into(),
        password: String::new(),
        access_hash: token.into(),
        secure: false,
        http: support::http_server::quick(),
    }
}

/// The integration asked about one server, as the outbox asks it.
struct On(ServerAccess);

impl On {
    fn with(&self, change: &IpChange) -> IpChange {
        IpChange {
            server: self.0.clone(),
            ..change.clone()
        }
    }
    fn add_ips(&self, change: &IpChange) -> ipmanager::Result<()> {
        Cpanel.add_ips(&self.with(change))
    }
    fn remove_ips(&self, change: &IpChange) -> ipmanager::Result<()> {
        Cpanel.remove_ips(&self.with(change))
    }
}

fn change(user: &str, addresses: &[&str]) -> IpChange {
    IpChange {
        module: "cpanel".into(),
        service_id: 7,
        username: user.into(),
        domain: format!("{user}.example"),
        server: ServerAccess::default(),
        addresses: addresses.iter().map(|a| a.to_string()).collect(),
        ..IpChange::default()
    }
}

fn integration(result: ipmanager::Result<()>) -> String {
    match result {
        Err(Error::Integration(message)) => message,
        other => panic!("expected an Integration error, got {other:?}"),
    }
}

#[test]
fn an_account_gets_its_dedicated_ip_and_goes_back_to_the_shared_one_harmlessly_twice() {
    let whm = FakeWhm::start(TOKEN, MAIN, &["192.0.2.21", "192.0.2.22"]);
    whm.add_account("shop", "shop.example");
    let panel = On(server(whm.port, TOKEN));
    assert_eq!(whm.ip_of("shop"), MAIN);

    panel.add_ips(&change("shop", &["192.0.2.21"])).unwrap();
    assert_eq!(whm.ip_of("shop"), "192.0.2.21");
    panel.add_ips(&change("shop", &["192.0.2.21"])).unwrap();
    assert_eq!(
        whm.ip_of("shop"),
        "192.0.2.21",
        "repeating an add is harmless"
    );

    panel.remove_ips(&change("shop", &["192.0.2.21"])).unwrap();
    assert_eq!(
        whm.ip_of("shop"),
        MAIN,
        "back to the server's shared main IP"
    );
    panel.remove_ips(&change("shop", &["192.0.2.21"])).unwrap();
    assert_eq!(whm.ip_of("shop"), MAIN, "repeating a remove is harmless");
    assert_eq!(
        whm.server.seen(),
        [
            "GET /json-api/setsiteip",
            "GET /json-api/setsiteip",
            "GET /json-api/listips",
            "GET /json-api/setsiteip",
            "GET /json-api/listips",
            "GET /json-api/setsiteip"
        ]
    );
}

#[test]
fn whm_refusals_are_reported_with_its_reason() {
    let whm = FakeWhm::start(TOKEN, MAIN, &["192.0.2.21"]);
    whm.add_account("shop", "shop.example");
    whm.add_account("blog", "blog.example");
    let panel = On(server(whm.port, TOKEN));

    let e = integration(panel.add_ips(&change("shop", &["192.0.2.99"])));
    assert_eq!(
        e,
        "cPanel setsiteip: Unable to set to an unconfigured ip address"
    );
    panel.add_ips(&change("shop", &["192.0.2.21"])).unwrap();
    let e = integration(panel.add_ips(&change("blog", &["192.0.2.21"])));
    assert!(e.contains("in use by another domain name"), "{e}");
    assert_eq!(whm.ip_of("blog"), MAIN, "nothing changed");
    let e = integration(panel.add_ips(&change("ghost", &["192.0.2.21"])));
    assert!(e.contains("Invalid user: ghost"), "{e}");
}

#[test]
fn what_a_cpanel_account_cannot_hold_is_said_plainly() {
    let whm = FakeWhm::start(TOKEN, MAIN, &["192.0.2.21", "192.0.2.22"]);
    whm.add_account("shop", "shop.example");
    let panel = On(server(whm.port, TOKEN));
    let e = integration(panel.add_ips(&change("shop", &["192.0.2.21", "2001:db8::/64"])));
    assert!(
        e.contains("2001:db8::/64: IPv6 and prefixes are not supported by cPanel"),
        "{e}"
    );
    let e = integration(panel.add_ips(&change("shop", &["192.0.2.21", "192.0.2.22"])));
    assert!(e.contains("exactly one IPv4"), "{e}");
    let e = integration(panel.add_ips(&change("", &["192.0.2.21"])));
    assert!(e.contains("no cPanel username"), "{e}");
    assert!(
        whm.server.seen().is_empty(),
        "refused before asking the panel"
    );
    assert!(matches!(
        On(server(whm.port, "")).add_ips(&change("shop", &["192.0.2.21"])),
        Err(Error::InvalidInput(_))
    ));
}

#[test]
fn a_refused_token_says_what_to_check_and_never_shows_the_token() {
    let whm = FakeWhm::start(TOKEN, MAIN, &["192.0.2.21"]);
    whm.add_account("shop", "shop.example");
    let wrong = "WRONGTOKEN0123456789";
    let panel = On(server(whm.port, wrong));
    let e = integration(panel.add_ips(&change("shop", &["192.0.2.21"])));
    assert!(e.contains("refused the credentials (HTTP 403)"), "{e}");
    assert!(!e.contains(wrong) && !e.contains(TOKEN), "{e}");
}

#[test]
fn a_slow_failing_garbled_or_absent_panel_is_an_error_within_the_timeout() {
    let whm = FakeWhm::start(TOKEN, MAIN, &["192.0.2.21"]);
    whm.add_account("shop", "shop.example");
    let panel = On(server(whm.port, TOKEN));

    whm.set_fault(Fault::Slow(Duration::from_secs(3)));
    let started = Instant::now();
    let e = integration(panel.add_ips(&change("shop", &["192.0.2.21"])));
    assert!(
        started.elapsed() < Duration::from_millis(1500),
        "{:?}",
        started.elapsed()
    );
    assert!(e.contains("did not reply in time"), "{e}");

    whm.set_fault(Fault::ServerError);
    let e = integration(panel.add_ips(&change("shop", &["192.0.2.21"])));
    assert_eq!(e, "cPanel answered setsiteip with HTTP 500.");
    whm.set_fault(Fault::Garbled);
    let e = integration(panel.add_ips(&change("shop", &["192.0.2.21"])));
    assert!(e.contains("not JSON"), "{e}");

    // Nothing listens on a port just freed.
    let free = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let gone = On(server(free, TOKEN));
    let e = integration(gone.add_ips(&change("shop", &["192.0.2.21"])));
    assert!(e.contains("connection was refused"), "{e}");
    assert!(!e.contains(TOKEN), "{e}");
}

#[test]
fn a_self_signed_certificate_is_refused_unless_pinned_or_verification_is_off() {
    let whm = FakeWhm::start_tls(TOKEN, MAIN, &["192.0.2.21"]);
    whm.add_account("shop", "shop.example");
    let tls = |verify_tls: bool, pin: &str| {
        let mut access = server(whm.port, TOKEN);
        access.secure = true;
        access.http.verify_tls = verify_tls;
        access.http.fingerprint = ipmanager::providers::pinned_tls::parse_fingerprint(pin).unwrap();
        On(access)
    };

    // Verified (the default): a certificate nobody vouches for is refused, in words.
    let e = integration(tls(true, "").add_ips(&change("shop", &["192.0.2.21"])));
    assert!(e.contains("TLS handshake failed"), "{e}");
    assert_eq!(whm.ip_of("shop"), MAIN, "nothing was changed");

    // Pinned to another certificate: refused, naming what it saw and what was pinned.
    let other = ["AB"; 32].join(":");
    let e = integration(tls(true, &other).add_ips(&change("shop", &["192.0.2.21"])));
    let seen = whm.server.fingerprint();
    assert!(e.contains(&seen) && e.contains(&other), "{e}");
    assert_eq!(whm.ip_of("shop"), MAIN);

    // Pinned to the panel's own certificate: accepted, even with verification on.
    tls(true, &seen)
        .add_ips(&change("shop", &["192.0.2.21"]))
        .unwrap();
    assert_eq!(whm.ip_of("shop"), "192.0.2.21");

    // The admin's opt-out: verification off accepts it too.
    tls(false, "")
        .remove_ips(&change("shop", &["192.0.2.21"]))
        .unwrap();
    assert_eq!(whm.ip_of("shop"), MAIN);
}
