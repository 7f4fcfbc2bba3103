//! The NetBox client and settings against the real NetBox that make test starts
//! (scripts/netbox.sh): Test connection with v2 and v1 tokens, refusals in NetBox's words
//! without the token, bad settings refused without change, and lists read page by page.

mod support;

use ipmanager::Error;
use ipmanager::netbox::client::NetBox;
use ipmanager::netbox::settings::{self, NetBoxForm, NetBoxSettings, ReleaseAction};
use ipmanager::netbox::test_connection;
use support::ipam::migrated;
use support::netbox::real;

fn form(url: &str, token: &str) -> NetBoxForm {
    support::netbox::form(url, token, "ip-manager", "deprecate")
}

fn client(url: &str, token: &str) -> NetBox {
    NetBox::new(&NetBoxSettings {
        url: url.into(),
        token: token.into(),
        token_set: true,
        ..NetBoxSettings::default()
    })
    .unwrap()
}

#[test]
fn test_connection_reports_the_version_with_either_token_and_the_refusal_without_it() {
    let nb = real();
    let test = migrated("netbox_settings");
    assert!(matches!(
        test_connection(&test.db),
        Err(Error::NotConfigured(_))
    ));

    let saved = settings::save(&test.db, &form(&nb.url, &nb.token)).unwrap();
    assert!(saved.token_set && saved.release_action == ReleaseAction::Deprecate);
    assert_eq!(test_connection(&test.db).unwrap(), "NetBox 4.7.3");
    assert!(
        !serde_json::to_string(&saved).unwrap().contains(&nb.token),
        "the token is never given back"
    );

    // A v1 token works as well; an empty token keeps the stored one.
    settings::save(&test.db, &form(&nb.url, &nb.token_v1)).unwrap();
    assert_eq!(test_connection(&test.db).unwrap(), "NetBox 4.7.3");
    settings::save(&test.db, &form(&nb.url, "")).unwrap();
    assert_eq!(test_connection(&test.db).unwrap(), "NetBox 4.7.3");

    // A token NetBox does not know: its refusal, without the token.
    let wrong = format!("nbt_AAAAAAAAAAAA.{}", "B".repeat(40));
    let e = client(&nb.url, &wrong).status().unwrap_err().to_string();
    assert!(e.contains("NetBox refused the API token (HTTP 403)"), "{e}");
    assert!(!e.contains(&"B".repeat(40)), "{e}");
}

#[test]
fn bad_settings_are_refused_and_change_nothing() {
    let nb = real();
    let test = migrated("netbox_bad_settings");
    settings::save(&test.db, &form(&nb.url, &nb.token)).unwrap();
    let before = settings::read(&test.db).unwrap();
    for (bad, says) in [
        (form("netbox.example.net", ""), "http:// or https://"),
        (form(&nb.url, "nbt_nodot"), "nbt_<key>.<token>"),
        (
            NetBoxForm {
                tag: "IP Manager".into(),
                ..form(&nb.url, "")
            },
            "slug",
        ),
        (
            NetBoxForm {
                timeout_ms: 50,
                ..form(&nb.url, "")
            },
            "request timeout",
        ),
        (
            NetBoxForm {
                release_action: "purge".into(),
                ..form(&nb.url, "")
            },
            "deprecate or delete",
        ),
        (
            NetBoxForm {
                fingerprint: "ab:cd".into(),
                ..form(&nb.url, "")
            },
            "64 hex digits",
        ),
    ] {
        let e = settings::save(&test.db, &bad).unwrap_err().to_string();
        assert!(e.contains(says), "{e}");
        assert_eq!(settings::read(&test.db).unwrap(), before);
    }
    let fresh = migrated("netbox_needs_token");
    let e = settings::save(&fresh.db, &form(&nb.url, ""))
        .unwrap_err()
        .to_string();
    assert!(e.contains("before turning the integration on"), "{e}");
}

#[test]
fn unreachable_netbox_and_a_stranger_are_said_plainly() {
    let nb = real();
    let free = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let e = client(&format!("http://127.0.0.1:{free}"), &nb.token)
        .status()
        .unwrap_err()
        .to_string();
    assert!(e.contains("connection was refused"), "{e}");
    // The NetBox API answers JSON; something else at the address is said to be so.
    let e = client(&format!("{}/static", nb.url), &nb.token)
        .status()
        .unwrap_err()
        .to_string();
    assert!(e.contains("HTTP 404") || e.contains("not JSON"), "{e}");
}

#[test]
fn lists_are_read_page_by_page() {
    let nb = real();
    let c = client(&nb.url, &nb.token);
    let tags = c.list("extras/tags/", &[]).unwrap();
    let count = c
        .call("GET", "extras/tags/", &[("limit", "1")], None)
        .unwrap()["count"]
        .as_u64()
        .unwrap();
    assert_eq!(tags.len() as u64, count);
}
