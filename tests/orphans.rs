//! Orphaned assignments released through the provider seam: a refusing panel leaves the
//! address `releasing`, never free; a later release goes through.

mod support;

use ipmanager::Error;
use ipmanager::ipam::allocator::{self, Target};
use ipmanager::jobs::orphans;
use ipmanager::providers::{Integrations, IpChange, Provider, Providers, ServerAccess};
use mysql::prelude::Queryable;
use serde_json::json;
use std::cell::Cell;
use support::ipam::{migrated, simple, whmcs_tables};
use support::req;

struct Panel {
    refuse: Cell<bool>,
    removed: Cell<u32>,
}

impl Provider for Panel {
    fn name(&self) -> &str {
        "cPanel"
    }
    fn add_ips(&self, _: &IpChange) -> ipmanager::Result<()> {
        Ok(())
    }
    fn remove_ips(&self, change: &IpChange) -> ipmanager::Result<()> {
        assert_eq!(change.username, "olduser");
        assert_eq!(
            change.server.access_hash, "WHM-TOKEN",
            "the server's credentials reach the panel"
        );
        if self.refuse.get() {
            return Err(Error::Integration(
                "cPanel: the account is locked by another task".into(),
            ));
        }
        self.removed.set(self.removed.get() + 1);
        Ok(())
    }
}

impl Providers for Panel {
    fn for_module(&self, module: &str) -> Option<&dyn Provider> {
        (module == "cpanel").then_some(self as &dyn Provider)
    }
}

/// The panel server's credentials, as PHP would decrypt them from tblservers.
fn server(id: u32) -> ipmanager::Result<Option<ServerAccess>> {
    Ok((id == 1).then(|| ServerAccess {
        hostname: "web1.example".into(),
        username: "root".into(),
        access_hash: "WHM-TOKEN".into(),
        ..ServerAccess::default()
    }))
}

fn setup(label: &str) -> (support::TestDb, u64) {
    let test = migrated(label);
    whmcs_tables(&test);
    let mut c = test.conn();
    c.query_drop("INSERT INTO tblproducts (id, type, name, servertype) VALUES (1, 'hostingaccount', 'Web', 'cpanel')").unwrap();
    c.query_drop("INSERT INTO tblservers (id, name, type, hostname) VALUES (1, 'web1', 'cpanel', 'web1.example')").unwrap();
    c.query_drop("INSERT INTO tblhosting (id, userid, packageid, server, domain, username, domainstatus, dedicatedip, assignedips) VALUES \
        (7, 1, 1, 1, 'old.example', 'olduser', 'Suspended', '10.70.0.1', '10.70.0.2'), \
        (8, 1, 1, 1, 'live.example', 'liveuser', 'Active', '10.70.0.3', '')").unwrap();
    let (_, pool) = simple(&test, "10.70.0.0/29");
    allocator::allocate(&test.db, Target::Pool(pool.id), 7, 2).unwrap();
    allocator::allocate(&test.db, Target::Pool(pool.id), 8, 1).unwrap();
    (test, pool.id)
}

#[test]
fn only_services_that_are_not_live_are_orphans() {
    let (test, _) = setup("orph_list");
    let page = orphans::list(&test.db, &req(json!({}))).unwrap();
    let listed: Vec<(String, String)> = page
        .items
        .iter()
        .map(|o| (o.address.clone(), o.service_status.clone()))
        .collect();
    assert_eq!(
        listed,
        [
            ("10.70.0.1".to_string(), "Suspended".to_string()),
            ("10.70.0.2".to_string(), "Suspended".to_string())
        ]
    );
}

#[test]
fn a_refusing_panel_leaves_the_address_releasing_then_a_retry_releases_it() {
    let (test, pool) = setup("orph_fail");
    let panel = Panel {
        refuse: Cell::new(true),
        removed: Cell::new(0),
    };
    let first = orphans::list(&test.db, &req(json!({}))).unwrap().items[0].id;

    let report = orphans::release(
        &test.db,
        &req(json!({"id": first})),
        &Integrations {
            panels: &panel,
            servers: &server,
            deadline: None,
        },
        24,
    )
    .unwrap();
    assert_eq!(report.released.len(), 0);
    assert!(
        report.failed[0].1.contains("locked by another task"),
        "{report:?}"
    );
    let shown = &orphans::list(&test.db, &req(json!({}))).unwrap().items[0];
    assert_eq!(
        (shown.state, shown.error.contains("locked")),
        ("releasing", true)
    );
    // Never free while the panel may still hold it: the pool hands out the next one.
    let live = allocator::allocate(&test.db, Target::Pool(pool), 8, 2).unwrap();
    assert_eq!(live[1].address, "10.70.0.4");

    panel.refuse.set(false);
    let report = orphans::release(
        &test.db,
        &req(json!({"all": true, "mode": "free"})),
        &Integrations {
            panels: &panel,
            servers: &server,
            deadline: None,
        },
        24,
    )
    .unwrap();
    assert_eq!(report.released, ["10.70.0.1", "10.70.0.2"]);
    assert_eq!(panel.removed.get(), 2);
    assert_eq!(orphans::list(&test.db, &req(json!({}))).unwrap().total, 0);
    let fields: Option<(String, String)> = test
        .conn()
        .query_first("SELECT dedicatedip, assignedips FROM tblhosting WHERE id = 7")
        .unwrap();
    assert_eq!(fields, Some((String::new(), String::new())));
    let live: Option<String> = test
        .conn()
        .query_first("SELECT dedicatedip FROM tblhosting WHERE id = 8")
        .unwrap();
    assert_eq!(
        live.as_deref(),
        Some("10.70.0.3"),
        "live services are untouched"
    );
}

#[test]
fn without_an_integration_release_goes_straight_to_quarantine() {
    let (test, _) = setup("orph_none");
    let report = orphans::release(
        &test.db,
        &req(json!({"all": true})),
        &Integrations::none(),
        24,
    )
    .unwrap();
    assert_eq!(report.released.len(), 2);
    let states: Vec<String> = test
        .conn()
        .query("SELECT state FROM mod_ipmanager_addresses WHERE service_id = 7 ORDER BY address")
        .unwrap();
    assert_eq!(states, ["quarantined", "quarantined"]);
    assert!(matches!(
        orphans::release(
            &test.db,
            &req(json!({"id": 999})),
            &Integrations::none(),
            24
        ),
        Err(Error::NotFound(_))
    ));
}
