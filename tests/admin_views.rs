//! What the admin pages are handed: checks before risky actions, mismatches, names instead
//! of ids, refused configurations and relations, and the dashboard's figures.

mod support;

use ipmanager::providers::Integrations;

use ipmanager::Error;
use ipmanager::audit::{self, Actor};
use ipmanager::ipam::allocator::{self, Target};
use ipmanager::ipam::pools::PoolForm;
use ipmanager::ipam::subnet_spec::SubnetForm;
use ipmanager::ipam::{api, subnets};
use ipmanager::jobs::assignments::AssignRequest;
use ipmanager::jobs::{assignments, sync};
use ipmanager::provision::config_form::RelationForm;
use ipmanager::provision::configs;
use mysql::prelude::Queryable;
use serde_json::json;
use support::ipam::{migrated, simple, whmcs_tables};
use support::req;

fn with_services(label: &str) -> support::TestDb {
    let test = migrated(label);
    whmcs_tables(&test);
    let mut c = test.conn();
    c.query_drop("INSERT INTO tblclients (id, firstname, lastname, companyname, email, password) VALUES \
        (1, 'Dana', 'Demo', '', 'd@example.com', ''), (2, 'Otto', 'Other', '', 'o@example.com', '')").unwrap();
    c.query_drop("INSERT INTO tbladmins (id, roleid, username, firstname, lastname, email) VALUES (1, 1, 'ada', 'Ada', 'Admin', 'a@example.com')").unwrap();
    c.query_drop("INSERT INTO tblproducts (id, type, name, servertype) VALUES (1, 'server', 'VPS S', 'proxmox')").unwrap();
    c.query_drop("INSERT INTO tblhosting (id, userid, packageid, server, domain, domainstatus, dedicatedip, assignedips) VALUES \
        (11, 1, 1, 0, 'vps4.example', 'Active', '', ''), (12, 2, 1, 0, 'paused.example', 'Suspended', '', '')").unwrap();
    test
}

#[test]
fn an_edit_that_would_block_an_address_in_use_is_reported_before_and_writes_nothing() {
    let test = with_services("views_gateway");
    let (s, pool) = simple(&test, "10.80.0.0/28");
    let held = allocator::allocate(&test.db, Target::Pool(pool.id), 11, 1).unwrap()[0]
        .address
        .clone();
    assert_eq!(held, "10.80.0.1");
    let form = |gateway: &str| -> SubnetForm { req(json!({"name": "edited", "gateway": gateway})) };

    let warnings = subnets::update_check(&test.db, s.id, &form("10.80.0.1")).unwrap();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(
        warnings[0].starts_with(
            "10.80.0.1 is assigned to service #11 and would lie in the gateway 10.80.0.1:"
        ),
        "{}",
        warnings[0]
    );
    assert_eq!(
        subnets::get(&test.db, s.id).unwrap().name,
        "10.80.0.0/28",
        "nothing written"
    );

    assert!(
        subnets::update_check(&test.db, s.id, &form("10.80.0.9"))
            .unwrap()
            .is_empty(),
        "a free gateway needs no question"
    );
    assert!(
        subnets::update_check(&test.db, s.id, &req(json!({"name": ""})))
            .unwrap()
            .is_empty(),
        "an invalid form has field errors instead"
    );

    // Once saved, the same edit asks nothing more: the address is already in that range.
    subnets::update(&test.db, s.id, &form("10.80.0.1")).unwrap();
    assert!(
        subnets::update_check(&test.db, s.id, &form("10.80.0.1"))
            .unwrap()
            .is_empty()
    );
    // A reservation covering it is asked about too.
    let reserve: SubnetForm =
        req(json!({"name": "edited", "gateway": "10.80.0.1", "reserved": "10.80.0.2-10.80.0.3"}));
    allocator::allocate(&test.db, Target::Pool(pool.id), 12, 1).unwrap();
    let warnings = subnets::update_check(&test.db, s.id, &reserve).unwrap();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(warnings[0].contains("service #12"), "{}", warnings[0]);
}

#[test]
fn assigning_to_a_service_that_is_not_live_is_asked_about_first() {
    let test = with_services("views_assign_check");
    assert!(assignments::assign_check(&test.db, 11).unwrap().is_empty());
    let warnings = assignments::assign_check(&test.db, 12).unwrap();
    assert_eq!(
        warnings,
        [
            "Service #12 paused.example is Suspended, not live: the address would sit unused until the service is active again."
        ]
    );
    assert!(matches!(
        assignments::assign_check(&test.db, 99),
        Err(Error::NotFound(_))
    ));
}

#[test]
fn assignments_flag_addresses_whmcs_does_not_list_and_lists_name_their_holders() {
    let test = with_services("views_mismatch");
    let (_, pool) = simple(&test, "10.81.0.0/28");
    let draws: AssignRequest =
        req(json!({"service_id": 11, "draws_from": format!("pool:{}", pool.id)}));
    assert_eq!(
        assignments::assign(&test.db, &draws, &Integrations::none())
            .unwrap()
            .address,
        "10.81.0.1"
    );
    assert_eq!(
        assignments::assign(&test.db, &draws, &Integrations::none())
            .unwrap()
            .address,
        "10.81.0.2",
        "a second unit, written to assignedips"
    );
    let list = assignments::list(&test.db, &req(json!({}))).unwrap();
    assert_eq!(
        list.items.iter().map(|a| a.in_whmcs).collect::<Vec<_>>(),
        [true, true]
    );

    test.conn()
        .query_drop("UPDATE tblhosting SET assignedips = '' WHERE id = 11")
        .unwrap();
    let list = assignments::list(&test.db, &req(json!({}))).unwrap();
    assert_eq!(
        list.items
            .iter()
            .map(|a| (a.address.as_str(), a.in_whmcs))
            .collect::<Vec<_>>(),
        [("10.81.0.1", true), ("10.81.0.2", false)]
    );

    let addresses = api::address_list(&test.db, &req(json!({}))).unwrap();
    assert_eq!(
        addresses.items[0].service.as_deref(),
        Some("#11 vps4.example — Dana Demo")
    );
    assert_eq!(
        addresses.items[0].pool.as_deref(),
        Some("pool 10.81.0.0/28")
    );
    assert_eq!(addresses.items[0].state_label, "Assigned");
    test.conn()
        .query_drop("DELETE FROM tblhosting WHERE id = 11")
        .unwrap();
    let addresses = api::address_list(&test.db, &req(json!({}))).unwrap();
    assert_eq!(
        addresses.items[0].service.as_deref(),
        Some("#11 (no longer in WHMCS)")
    );
}

#[test]
fn synchronize_reports_services_that_would_get_a_second_address() {
    let test = with_services("views_second");
    simple(&test, "10.82.0.0/28");
    // Service 11 holds .5 in IP Manager; WHMCS says .9. Service 12 lists exactly what it holds.
    assignments::assign(
        &test.db,
        &req(json!({"service_id": 11, "address": "10.82.0.5"})),
        &Integrations::none(),
    )
    .unwrap();
    assignments::assign(
        &test.db,
        &req(json!({"service_id": 12, "address": "10.82.0.6"})),
        &Integrations::none(),
    )
    .unwrap();
    test.conn()
        .query_drop("UPDATE tblhosting SET dedicatedip = '10.82.0.9' WHERE id = 11")
        .unwrap();

    let dry = sync::run(&test.db, &req(json!({"dry_run": true, "live_only": false}))).unwrap();
    assert_eq!(dry.second_address.len(), 1, "{dry:?}");
    assert_eq!(
        (
            dry.second_address[0].service_id,
            dry.second_address[0].address.as_str()
        ),
        (11, "10.82.0.9")
    );
    assert!(
        dry.second_address[0]
            .reason
            .contains("also holds 10.82.0.5"),
        "{}",
        dry.second_address[0].reason
    );
    let run = sync::run(&test.db, &req(json!({"live_only": false}))).unwrap();
    assert_eq!(
        run.second_address, dry.second_address,
        "the run reports what the dry run promised"
    );
    let again = sync::run(&test.db, &req(json!({"live_only": false}))).unwrap();
    assert!(
        again.imported.is_empty() && again.second_address.is_empty(),
        "nothing new the second time"
    );
}

#[test]
fn the_log_names_who_and_what() {
    let test = with_services("views_log");
    audit::set_actor(Actor::Admin(1));
    simple(&test, "10.83.0.0/28");
    audit::set_actor(Actor::Admin(77));
    simple(&test, "10.84.0.0/28");
    audit::set_actor(Actor::System);
    let log = audit::list(&test.db, &req(json!({"action": "subnet."}))).unwrap();
    let shown: Vec<(&str, &str)> = log
        .items
        .iter()
        .map(|e| (e.actor.as_str(), e.title.as_str()))
        .collect();
    assert_eq!(
        shown,
        [
            ("Admin #77", "Subnet added"),
            ("Admin Ada Admin", "Subnet added")
        ]
    );
    assert_eq!(log.pages, 1);
}

#[test]
fn configurations_and_relations_are_refused_in_words_and_never_twice() {
    let test = with_services("views_configs");
    let (_, pool) = simple(&test, "10.85.0.0/28");
    let errors = configs::validate(
        &test.db,
        &req(json!({"name": "VPS", "ipv4_count": 0, "ipv6_count": 0})),
    )
    .unwrap();
    assert_eq!(
        errors.iter().map(|e| e.field).collect::<Vec<_>>(),
        ["ipv4_count"]
    );
    assert!(matches!(
        configs::save(
            &test.db,
            &req(json!({"name": "VPS", "ipv4_count": 0, "ipv6_count": 0}))
        ),
        Err(Error::InvalidInput(_))
    ));
    let id = configs::save(&test.db, &req(json!({"name": "VPS"}))).unwrap();
    let taken = configs::validate(&test.db, &req(json!({"name": "VPS"}))).unwrap();
    assert_eq!(taken.iter().map(|e| e.field).collect::<Vec<_>>(), ["name"]);
    assert!(
        configs::validate(&test.db, &req(json!({"id": id, "name": "VPS"})))
            .unwrap()
            .is_empty(),
        "editing keeps its own name"
    );

    let relation: RelationForm = req(
        json!({"configuration_id": id, "target": "product:1", "draws_from": format!("pool:{}", pool.id)}),
    );
    assert!(
        configs::validate_relation(&test.db, &relation)
            .unwrap()
            .is_empty()
    );
    configs::add_relation(&test.db, &relation).unwrap();
    let twice = configs::validate_relation(&test.db, &relation).unwrap();
    assert_eq!(
        twice.iter().map(|e| e.field).collect::<Vec<_>>(),
        ["target"]
    );
    assert!(matches!(
        configs::add_relation(&test.db, &relation),
        Err(Error::Conflict(_))
    ));
    let extra: RelationForm = req(
        json!({"configuration_id": id, "target": "product:1", "draws_from": format!("pool:{}", pool.id), "extra_count": 2}),
    );
    assert_eq!(
        configs::validate_relation(&test.db, &extra)
            .unwrap()
            .iter()
            .map(|e| e.field)
            .collect::<Vec<_>>(),
        ["extra_count"]
    );
    let missing: RelationForm =
        req(json!({"configuration_id": id, "target": "server:5", "draws_from": "subnet:999"}));
    assert_eq!(
        configs::validate_relation(&test.db, &missing)
            .unwrap()
            .iter()
            .map(|e| e.field)
            .collect::<Vec<_>>(),
        ["target", "draws_from"]
    );
    assert_eq!(configs::list(&test.db).unwrap()[0].relations.len(), 1);
}

#[test]
fn a_backwards_pool_range_is_refused_in_plain_words() {
    let test = with_services("views_pool_range");
    let (subnet, _) = simple(&test, "10.88.0.0/28");
    let form: PoolForm =
        req(json!({"subnet_id": subnet.id, "name": "p", "range": "10.88.0.9-10.88.0.2"}));
    let errors = api::pool_validate(&test.db, &form, None).unwrap();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].field, "range");
    assert!(
        errors[0]
            .message
            .starts_with("Pool address range 10.88.0.9-10.88.0.2 runs backwards"),
        "{}",
        errors[0].message
    );
    assert!(!errors[0].message.contains("range range"));
}

#[test]
fn edit_forms_are_filled_in_from_what_is_saved() {
    let test = with_services("views_forms");
    let (subnet, pool) = simple(&test, "10.89.0.0/28");
    let view = api::subnet_view(&test.db, subnet.id).unwrap();
    assert_eq!(view.form["name"], "10.89.0.0/28");
    assert_eq!(view.form["reserve_network"], "1");
    let form: SubnetForm = req(serde_json::to_value(&view.form).unwrap());
    assert!(
        api::subnet_validate(&test.db, &form, Some(subnet.id))
            .unwrap()
            .is_empty(),
        "the filled-in form saves as it is"
    );
    let view = api::pool_view(&test.db, pool.id).unwrap();
    assert_eq!(
        (view.form["range"].as_str(), view.form["cidr"].as_str()),
        ("", "10.89.0.0/28")
    );
    let form: PoolForm = req(serde_json::to_value(&view.form).unwrap());
    assert!(
        api::pool_validate(&test.db, &form, Some(pool.id))
            .unwrap()
            .is_empty()
    );
}

#[test]
fn the_dashboard_lists_the_fullest_first_and_counts_orphans() {
    let test = with_services("views_dashboard");
    let (_, small) = simple(&test, "10.86.0.0/30");
    let (_, large) = simple(&test, "10.87.0.0/24");
    allocator::allocate(&test.db, Target::Pool(small.id), 12, 1).unwrap();
    allocator::allocate(&test.db, Target::Pool(large.id), 11, 1).unwrap();
    let d = ipmanager::dashboard::read(&test.db).unwrap();
    assert_eq!(
        d.fullest_subnets
            .iter()
            .map(|f| f.label.as_str())
            .collect::<Vec<_>>(),
        ["10.86.0.0/30 10.86.0.0/30", "10.87.0.0/24 10.87.0.0/24"]
    );
    assert_eq!(d.fullest_pools[0].id, small.id);
    assert_eq!(d.orphans, 1, "service 12 is Suspended");
    assert!(d.last_sync.is_none());
    sync::run(&test.db, &req(json!({}))).unwrap();
    assert!(
        ipmanager::dashboard::read(&test.db)
            .unwrap()
            .last_sync
            .is_some()
    );
}

#[test]
fn the_dashboard_finds_the_fullest_among_many_without_reading_each() {
    let test = with_services("views_dashboard_many");
    // 30 subnets with one address in use, one whose children fill it, one mostly excluded.
    for i in 0..30 {
        let (_, pool) = simple(&test, &format!("10.90.{i}.0/24"));
        allocator::allocate(&test.db, Target::Pool(pool.id), 11, 1).unwrap();
    }
    let parent = support::ipam::subnet(&test, json!({"cidr": "10.91.0.0/24", "name": "parent"}));
    for half in ["10.91.0.0/25", "10.91.0.128/25"] {
        support::ipam::subnet(
            &test,
            json!({"cidr": half, "name": half, "parent_id": parent.id}),
        );
    }
    let (excluded, pool) = simple(&test, "10.92.0.0/28");
    subnets::update(
        &test.db,
        excluded.id,
        &req(json!({"name": "x", "excluded": "10.92.0.1-10.92.0.12"})),
    )
    .unwrap();
    allocator::allocate(&test.db, Target::Pool(pool.id), 11, 1).unwrap();
    let d = ipmanager::dashboard::read(&test.db).unwrap();
    let labels: Vec<&str> = d.fullest_subnets.iter().map(|f| f.label.as_str()).collect();
    assert_eq!(labels.len(), 5);
    assert_eq!(labels[0], "10.91.0.0/24 parent", "{labels:?}");
    assert_eq!(labels[1], "10.92.0.0/28 x", "{labels:?}");
    let percents: Vec<f64> = d
        .fullest_subnets
        .iter()
        .map(|f| f.utilization.percent)
        .collect();
    assert!(percents.windows(2).all(|w| w[0] >= w[1]), "{percents:?}");
    // What the full subnet list says, the dashboard agrees with.
    let mut all = api::subnet_list(&test.db).unwrap();
    all.sort_by(|a, b| {
        b.utilization
            .percent
            .total_cmp(&a.utilization.percent)
            .then(a.id.cmp(&b.id))
    });
    let expected: Vec<u64> = all.iter().take(5).map(|s| s.id).collect();
    assert_eq!(
        d.fullest_subnets.iter().map(|f| f.id).collect::<Vec<_>>(),
        expected
    );
}
