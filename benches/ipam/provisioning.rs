//! 2. PreModuleCreate inside the extension, for a product with one IPv4 and one IPv6 /64
//!    pool: one transaction (facts, both allocations, the service's IP fields, the log),
//!    against the floor in the same loop. The PHP harness's own work (building the module
//!    parameters, the hook dispatch) is measured apart, in tests/bench/provisioning.php.

use super::measure::{conn, row_against, stats, timed};
use crate::support::req;
use ipmanager::ipam::{pools, subnets};
use ipmanager::provision::{configs, create};
use ipmanager::store::{Db, DbConfig};
use mysql::prelude::Queryable;
use serde_json::json;

const ROUNDS: u32 = 2000;
const FIRST_SERVICE: u32 = 50_000_000;

pub fn run(db: &Db, cfg: &DbConfig) {
    println!(
        "2. PreModuleCreate inside the extension (one IPv4 address + one IPv6 /64), against the floor,\n   \
         interleaved in one loop of {ROUNDS} rounds"
    );
    let mut raw = conn(cfg);
    raw.query_drop(
        "INSERT INTO tblproducts (id, type, name, servertype) VALUES (900, 'server', 'bench VPS', 'proxmox')",
    )
    .unwrap();
    let s4 = subnets::create(
        db,
        &req(json!({"cidr": "10.140.0.0/16", "name": "bench v4"})),
    )
    .unwrap();
    let p4 = pools::create(db, &req(json!({"subnet_id": s4.id, "name": "bench v4"}))).unwrap();
    let s6 = subnets::create(
        db,
        &req(json!({"cidr": "3fff:d000::/36", "name": "bench v6"})),
    )
    .unwrap();
    let p6 = pools::create(
        db,
        &req(json!({"subnet_id": s6.id, "name": "bench v6", "prefix_len": 64})),
    )
    .unwrap();
    let config = configs::save(
        db,
        &req(json!({"name": "bench VPS", "ipv4_count": 1, "ipv6_count": 1})),
    )
    .unwrap();
    for pool in [p4.id, p6.id] {
        configs::add_relation(
            db,
            &req(json!({"configuration_id": config, "target_type": "product", "target_id": 900, "pool_id": pool})),
        )
        .unwrap();
    }
    let mut floor_conn = conn(cfg);
    let (mut floor, mut created) = (Vec::new(), Vec::new());
    for round in 0..ROUNDS {
        let service = FIRST_SERVICE + round;
        raw.exec_drop(
            "INSERT INTO tblhosting (id, userid, packageid, domain, domainstatus) VALUES (?, 1, 900, '', 'Pending')",
            (service,),
        )
        .unwrap();
        floor.push(timed(|| super::latency::floor(&mut floor_conn)));
        created.push(timed(|| {
            let done = create::pre_module_create(
                db,
                &ipmanager::provision::params::ModuleParams {
                    service_id: service,
                    ..Default::default()
                },
            )
            .unwrap();
            assert!(
                matches!(done, create::Provisioned::Overrides(_)),
                "{done:?}"
            );
        }));
    }
    let floor = stats(&mut floor);
    row_against("floor transaction", &floor, &floor);
    row_against(
        "PreModuleCreate, IPv4 + IPv6 /64",
        &stats(&mut created),
        &floor,
    );
    println!("  (goal: <= 1.5x)\n");
}
