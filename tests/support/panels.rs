//! Each panel fake behind one test-side face, with WHMCS set up as the provisioning flow
//! leaves it (a server record pointing at the fake, a product with the module, services with
//! their username, domain and guest id) and the integration enabled with short timeouts:
//! the same scenario runs against every panel.

use super::TestDb;
use super::fake_da::{self, FakeDa};
use super::fake_plesk::{self, FakePlesk};
use super::fake_pve::{self, FakePve};
use super::fake_solusvm::{self, FakeSolusvm};
use super::fake_whm::FakeWhm;
use super::http_server::Fault;
use super::ipam::{migrated, pool, subnet, whmcs_tables};
use ipmanager::providers::settings::{self, IntegrationForm, Kind};
use mysql::prelude::Queryable;
use std::collections::BTreeMap;

/// The subnet every scenario draws from; Plesk's and cPanel's shared main IP sits outside.
pub const SUBNET: &str = "198.51.100.0/24";
pub const GATEWAY: &str = "198.51.100.1";
pub const MAIN_IP: &str = "203.0.113.5";
const WHM_TOKEN: &str = "U7HMR63FHY282DQZ4H5BIH16JLYSO01M";
/// Request timeout of the fakes' server records: a hung panel costs this much per request.
pub const TIMEOUT_MS: u32 = 600;

pub enum Fake {
    Cpanel(FakeWhm),
    DirectAdmin(FakeDa),
    Plesk(FakePlesk),
    Proxmox(FakePve),
    Solusvm(FakeSolusvm),
}

pub struct Panel {
    pub kind: Kind,
    pub fake: Fake,
    /// WHMCS's server record of the fake (distinct per kind: decrypted passwords are kept
    /// per server id in the process).
    pub server_id: u32,
}

impl Panel {
    pub fn start(kind: Kind) -> Panel {
        let fake = match kind {
            Kind::Cpanel => {
                let ips: Vec<String> = (2..=254).map(|i| format!("198.51.100.{i}")).collect();
                let ips: Vec<&str> = ips.iter().map(String::as_str).collect();
                Fake::Cpanel(FakeWhm::start(WHM_TOKEN, MAIN_IP, &ips))
            }
            Kind::Directadmin => Fake::DirectAdmin(FakeDa::start()),
            Kind::Plesk => Fake::Plesk(FakePlesk::start(MAIN_IP)),
            Kind::Proxmox => Fake::Proxmox(FakePve::start()),
            Kind::Solusvm => Fake::Solusvm(FakeSolusvm::start()),
        };
        let server_id = 11 + Kind::ALL.iter().position(|k| *k == kind).unwrap_or(0) as u32;
        Panel {
            kind,
            fake,
            server_id,
        }
    }

    pub fn module(&self) -> &'static str {
        self.kind.key()
    }

    pub fn port(&self) -> u16 {
        match &self.fake {
            Fake::Cpanel(f) => f.port,
            Fake::DirectAdmin(f) => f.port(),
            Fake::Plesk(f) => f.port(),
            Fake::Proxmox(f) => f.port(),
            Fake::Solusvm(f) => f.port(),
        }
    }

    pub fn set_fault(&self, fault: Fault) {
        match &self.fake {
            Fake::Cpanel(f) => f.set_fault(fault),
            Fake::DirectAdmin(f) => f.set_fault(fault),
            Fake::Plesk(f) => f.set_fault(fault),
            Fake::Proxmox(f) => f.set_fault(fault),
            Fake::Solusvm(f) => f.set_fault(fault),
        }
    }

    /// Every request the fake received so far.
    pub fn requests(&self) -> usize {
        match &self.fake {
            Fake::Cpanel(f) => f.server.seen().len(),
            Fake::DirectAdmin(f) => f.server.seen().len(),
            Fake::Plesk(f) => f.server.seen().len(),
            Fake::Proxmox(f) => f.server.seen().len(),
            Fake::Solusvm(f) => f.server.seen().len(),
        }
    }

    pub fn username(service: u32) -> String {
        format!("u{service}")
    }

    pub fn domain(service: u32) -> String {
        format!("s{service}.example")
    }

    /// The guest id of a service on Proxmox and SolusVM.
    pub fn guest_id(service: u32) -> u32 {
        1000 + service
    }

    /// The server record, product and custom fields in WHMCS, the integration enabled with
    /// short timeouts, the server's password handed over as PHP would.
    pub fn whmcs(&self, test: &TestDb) {
        let (username, password, access_hash) = match self.kind {
            Kind::Cpanel => ("root", "", WHM_TOKEN),
            Kind::Directadmin => (fake_da::USER, fake_da::PASSWORD, ""),
            Kind::Plesk => ("", "", fake_plesk::KEY),
            Kind::Proxmox => ("root@pam", "", fake_pve::TOKEN),
            Kind::Solusvm => (fake_solusvm::ID, "", fake_solusvm::KEY),
        };
        let mut c = test.conn();
        c.exec_drop(
            "INSERT INTO tblservers (id, name, ipaddress, hostname, type, username, password, accesshash, secure, port, active) \
             VALUES (?, ?, ?, '127.0.0.1', ?, ?, 'encrypted-by-whmcs', ?, '', ?, 1)",
            (self.server_id, format!("{} fake", self.kind.label()), MAIN_IP, self.module(), username, access_hash, self.port()),
        )
        .unwrap();
        c.exec_drop(
            "INSERT INTO tblproducts (id, type, gid, name, servertype) VALUES (1, 'server', 1, 'Product', ?)",
            (self.module(),),
        )
        .unwrap();
        c.query_drop("INSERT INTO tblcustomfields (id, type, relid, fieldname, fieldtype) VALUES (1, 'product', 1, 'vmid|VM ID', 'text'), (2, 'product', 1, 'vserverid', 'text')").unwrap();
        ipmanager::providers::servers::remember_passwords([(self.server_id, password.to_string())]);
        settings::save(
            &test.db,
            &IntegrationForm {
                kind: self.kind,
                enabled: true,
                modules: self.module().into(),
                push_on_create: true,
                remove_on_release: true,
                options: BTreeMap::new(),
            },
        )
        .unwrap();
        settings::save_server(
            &test.db,
            &settings::ServerSettings {
                connect_timeout_ms: 300,
                timeout_ms: TIMEOUT_MS,
                ..settings::ServerSettings::defaults(self.server_id)
            },
        )
        .unwrap();
    }

    /// A new service in WHMCS and its account, guest or subscription on the panel.
    pub fn service(&self, test: &TestDb, service: u32) {
        let mut c = test.conn();
        c.exec_drop(
            "INSERT INTO tblhosting (id, userid, packageid, server, domain, domainstatus, username) VALUES (?, 1, 1, ?, ?, 'Active', ?)",
            (service, self.server_id, Panel::domain(service), Panel::username(service)),
        )
        .unwrap();
        c.exec_drop(
            "INSERT INTO tblcustomfieldsvalues (fieldid, relid, value) VALUES (1, ?, ?), (2, ?, ?)",
            (
                service,
                Panel::guest_id(service),
                service,
                Panel::guest_id(service),
            ),
        )
        .unwrap();
        match &self.fake {
            Fake::Cpanel(f) => f.add_account(&Panel::username(service), &Panel::domain(service)),
            Fake::DirectAdmin(_) => {}
            Fake::Plesk(f) => f.add_subscription(&Panel::domain(service)),
            Fake::Proxmox(f) => f.add_guest(
                Panel::guest_id(service),
                "lxc",
                &[(
                    "net0",
                    "name=eth0,bridge=vmbr0,hwaddr=BC:24:11:AA:BB:01,type=veth",
                )],
            ),
            Fake::Solusvm(f) => f.add_vserver(Panel::guest_id(service)),
        }
    }

    /// Whether the panel has `ip` configured for the service.
    pub fn holds(&self, service: u32, ip: &str) -> bool {
        match &self.fake {
            Fake::Cpanel(f) => f.ip_of(&Panel::username(service)) == ip,
            Fake::DirectAdmin(f) => f
                .pool()
                .get(ip)
                .is_some_and(|e| e.owner == Panel::username(service)),
            Fake::Plesk(f) => f.ip_of(&Panel::domain(service)) == ip,
            Fake::Proxmox(f) => f
                .addresses_of(Panel::guest_id(service))
                .contains(&ip.to_string()),
            Fake::Solusvm(f) => f.ips_of(Panel::guest_id(service)).contains(&ip.to_string()),
        }
    }

    /// What an admin must do by hand in the panel for an add to complete (DirectAdmin has
    /// no documented call to give a user an IP); nothing elsewhere.
    pub fn admin_completes_add(&self, service: u32, ip: &str) {
        if let Fake::DirectAdmin(f) = &self.fake
            && f.pool().contains_key(ip)
        {
            f.assign_to_user(ip, &Panel::username(service));
        }
    }

    /// The same for a removal (DirectAdmin: take the IP from the user).
    pub fn admin_completes_remove(&self, ip: &str) {
        if let Fake::DirectAdmin(f) = &self.fake {
            f.take_from_user(ip);
        }
    }

    /// The module parameters of AfterModuleCreate for a service.
    pub fn module_params(&self, service: u32) -> serde_json::Value {
        serde_json::json!({"serviceid": service, "serverid": self.server_id, "moduletype": self.module(),
            "username": Panel::username(service), "domain": Panel::domain(service), "serverhostname": "127.0.0.1"})
    }
}

/// A panel fake with WHMCS set up for it and a pool of `SUBNET` to draw from.
pub struct Scene {
    pub test: TestDb,
    pub panel: Panel,
    pub pool_id: u64,
}

impl Scene {
    pub fn new(kind: Kind, label: &str) -> Scene {
        let panel = Panel::start(kind);
        let test = migrated(&format!("{label}_{}", kind.key()));
        whmcs_tables(&test);
        panel.whmcs(&test);
        let s = subnet(
            &test,
            serde_json::json!({"cidr": SUBNET, "name": "edge", "gateway": GATEWAY}),
        );
        let p = pool(&test, serde_json::json!({"subnet_id": s.id, "name": "vps"}));
        Scene {
            test,
            panel,
            pool_id: p.id,
        }
    }
}
