//! AfterModuleCreate through the provider seam and the outbox, with recording and failing
//! providers: the add is queued in a transaction, delivered after it with the server
//! record's credentials, and a refusal leaves it waiting.

mod support;

use ipmanager::Error;
use ipmanager::audit;
use ipmanager::ipam::allocator::{self, Target};
use ipmanager::providers::{Integrations, IpChange, Provider, Providers, ServerAccess};
use ipmanager::provision::after_create::after_module_create;
use mysql::prelude::Queryable;
use serde_json::json;
use std::cell::RefCell;
use support::ipam::{migrated, simple, whmcs_tables};
use support::req;

struct Recording {
    fail: bool,
    seen: RefCell<Vec<IpChange>>,
}

impl Provider for Recording {
    fn name(&self) -> &str {
        "Proxmox VE"
    }
    fn add_ips(&self, change: &IpChange) -> ipmanager::Result<()> {
        self.seen.borrow_mut().push(change.clone());
        if self.fail {
            Err(Error::Integration(
                "HTTP 500 from pve1: VM 123 is locked".into(),
            ))
        } else {
            Ok(())
        }
    }
    fn remove_ips(&self, _: &IpChange) -> ipmanager::Result<()> {
        Ok(())
    }
}

impl Providers for Recording {
    fn for_module(&self, module: &str) -> Option<&dyn Provider> {
        (module == "proxmox").then_some(self as &dyn Provider)
    }
}

fn server(id: u32) -> ipmanager::Result<Option<ServerAccess>> {
    Ok((id == 3).then(|| ServerAccess {
        hostname: "pve1.example.net".into(),
        username: "root@pam".into(),
        password: "Pve-Secret-1".into(),
        ..ServerAccess::default()
    }))
}

fn with<'a>(
    panels: &'a dyn Providers,
    servers: &'a dyn Fn(u32) -> ipmanager::Result<Option<ServerAccess>>,
) -> Integrations<'a> {
    Integrations {
        panels,
        servers,
        deadline: None,
    }
}

fn outbox_states(test: &support::TestDb) -> Vec<(String, String, u32)> {
    test.conn()
        .query("SELECT operation, status, attempts FROM mod_ipmanager_outbox ORDER BY id")
        .unwrap()
}

fn params() -> serde_json::Value {
    json!({"serviceid": 5, "serverid": 3, "moduletype": "proxmox", "username": "vps5", "domain": "vps5.example",
           "serverhostname": "pve1.example.net", "serverip": "192.0.2.250", "serverusername": "root@pam",
           "serverpassword": "Pve-Secret-1", "serversecure": true})
}

#[test]
fn the_enabled_integration_gets_the_services_ips_and_server_access() {
    let test = migrated("seam_ok");
    let (_, pool) = simple(&test, "10.60.0.0/29");
    allocator::allocate(&test.db, Target::Pool(pool.id), 5, 2).unwrap();
    let providers = Recording {
        fail: false,
        seen: RefCell::new(Vec::new()),
    };
    let report = after_module_create(&test.db, &req(params()), &with(&providers, &server)).unwrap();
    assert_eq!(report.integration.as_deref(), Some("Proxmox VE"));
    assert_eq!(
        outbox_states(&test),
        [("add".to_string(), "delivered".to_string(), 1)]
    );
    assert_eq!(report.error, None);
    let seen = providers.seen.borrow();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].addresses, ["10.60.0.1", "10.60.0.2"]);
    assert_eq!(seen[0].server.password, "Pve-Secret-1");
    assert_eq!(seen[0].username, "vps5");
}

#[test]
fn a_refusal_is_reported_and_logged_without_the_password() {
    let test = migrated("seam_fail");
    whmcs_tables(&test); // the log names who acted from WHMCS's tables
    let (_, pool) = simple(&test, "10.61.0.0/29");
    allocator::allocate(&test.db, Target::Pool(pool.id), 5, 1).unwrap();
    let providers = Recording {
        fail: true,
        seen: RefCell::new(Vec::new()),
    };
    let report = after_module_create(&test.db, &req(params()), &with(&providers, &server)).unwrap();
    assert_eq!(
        outbox_states(&test),
        [("add".to_string(), "pending".to_string(), 1)],
        "the add waits for a retry"
    );
    assert!(
        report
            .error
            .as_deref()
            .unwrap()
            .contains("VM 123 is locked")
    );
    let log = audit::list(&test.db, &req(json!({"action": "provider.add"}))).unwrap();
    assert_eq!(log.total, 1);
    let entry = serde_json::to_string(&log.items[0]).unwrap();
    assert!(
        entry.contains("did not take 10.61.0.1") && !entry.contains("Pve-Secret-1"),
        "{entry}"
    );
}

#[test]
fn with_no_integration_enabled_nothing_happens() {
    let test = migrated("seam_none");
    whmcs_tables(&test); // the log names who acted from WHMCS's tables
    let (_, pool) = simple(&test, "10.62.0.0/29");
    allocator::allocate(&test.db, Target::Pool(pool.id), 5, 1).unwrap();
    let report = after_module_create(&test.db, &req(params()), &Integrations::none()).unwrap();
    assert!(outbox_states(&test).is_empty());
    assert_eq!(report.integration, None);
    assert_eq!(report.addresses, ["10.62.0.1"]);
    assert_eq!(
        audit::list(&test.db, &req(json!({"action": "provider."})))
            .unwrap()
            .total,
        0
    );
}
