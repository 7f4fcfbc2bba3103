//! The fixed lists the admin pages offer (address states, service statuses, log areas and
//! actors) and the readable title of each logged action, kept here once so that no page
//! copies them.

use crate::ipam::model::State;
use serde::Serialize;

/// WHMCS's service statuses (`tblhosting.domainstatus`).
pub const SERVICE_STATUSES: &[&str] = &[
    "Pending",
    "Active",
    "Suspended",
    "Cancelled",
    "Terminated",
    "Fraud",
    "Completed",
];

/// Who can make a change (the log's `actor_type`) and how a page names them.
const ACTORS: [(&str, &str); 4] = [
    ("admin", "Admin"),
    ("client", "Client"),
    ("cron", "Cron"),
    ("system", "System"),
];

/// "Admin" for `admin`; a kind not listed is shown as it is stored.
pub fn actor_label(kind: &str) -> &str {
    ACTORS
        .iter()
        .find(|(k, _)| *k == kind)
        .map_or(kind, |(_, label)| label)
}

/// The statuses of a service that is in use: its addresses are live.
pub const LIVE_STATUSES: &[&str] = &["Active", "Pending"];

#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct Choice {
    pub value: String,
    pub label: String,
}

#[derive(Debug, Serialize)]
pub struct Choices {
    /// States an address in use can be in (free ones are listed per pool or subnet).
    pub address_states: Vec<Choice>,
    pub service_statuses: Vec<Choice>,
    /// Log filters by area: an action prefix ending in '.'.
    pub log_areas: Vec<Choice>,
    pub log_actors: Vec<Choice>,
}

pub fn all() -> Choices {
    let choice = |value: &str, label: &str| Choice {
        value: value.into(),
        label: label.into(),
    };
    Choices {
        address_states: [
            State::Assigned,
            State::Reserved,
            State::Releasing,
            State::Quarantined,
        ]
        .into_iter()
        .map(|s| choice(s.as_str(), state_label(s)))
        .collect(),
        service_statuses: SERVICE_STATUSES.iter().map(|s| choice(s, s)).collect(),
        log_areas: vec![
            choice("subnet.", "Subnets"),
            choice("pool.", "Pools"),
            choice("address.", "Addresses"),
            choice("configuration.", "Configurations"),
            choice("relation.", "Relations"),
            choice("service.", "Provisioning"),
            choice("sync.", "Synchronize"),
            choice("cleaner.", "IP Cleaner"),
            choice("provider.", "Panels"),
            choice("outbox.", "Panel changes"),
            choice("integration.", "Integrations"),
            choice("netbox.", "NetBox"),
        ],
        log_actors: ACTORS
            .iter()
            .map(|(kind, label)| choice(kind, label))
            .collect(),
    }
}

pub fn state_label(state: State) -> &'static str {
    match state {
        State::Free => "Free",
        State::Reserved => "Reserved",
        State::Assigned => "Assigned",
        State::Releasing => "Releasing (waiting for the panel)",
        State::Quarantined => "Quarantined",
    }
}

/// "Address assigned" for `address.assign`; an action not listed is shown as it is stored.
pub fn action_title(action: &str) -> String {
    let title = match action {
        "address.assign" => "Address assigned",
        "address.import" => "Address imported",
        "address.release" => "Address released",
        "address.release_failed" => "Address release failed",
        "address.quarantine_end" => "Quarantine ended",
        "subnet.create" => "Subnet added",
        "subnet.update" => "Subnet changed",
        "subnet.delete" => "Subnet deleted",
        "pool.create" => "Pool added",
        "pool.update" => "Pool changed",
        "pool.delete" => "Pool deleted",
        "configuration.save" => "Configuration saved",
        "configuration.delete" => "Configuration deleted",
        "relation.add" => "Relation added",
        "relation.delete" => "Relation deleted",
        "service.provision" => "Service provisioned",
        "sync.run" => "Synchronize run",
        "cleaner.run" => "IP Cleaner run",
        "provider.add" => "Panel told of address",
        "outbox.forced" => "Panel change forced",
        "integration.saved" => "Integration saved",
        "integration.server_saved" => "Server connection saved",
        "netbox.saved" => "NetBox settings saved",
        "netbox.push" => "Pushed to NetBox",
        "netbox.scope" => "NetBox scope of a subnet set",
        "netbox.release_failed" => "NetBox release failed",
        other => other,
    };
    title.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_area_prefix_ends_with_a_dot_and_has_a_titled_action() {
        let known = [
            "address.assign",
            "subnet.create",
            "pool.create",
            "configuration.save",
            "relation.add",
            "service.provision",
            "sync.run",
            "cleaner.run",
            "provider.add",
            "outbox.forced",
            "integration.saved",
            "netbox.saved",
        ];
        for area in all().log_areas {
            assert!(area.value.ends_with('.'), "{}", area.value);
            let action = known
                .iter()
                .find(|a| a.starts_with(&area.value))
                .unwrap_or_else(|| panic!("no action in area {}", area.value));
            assert_ne!(action_title(action), *action);
        }
    }

    #[test]
    fn an_unknown_action_is_shown_as_stored() {
        assert_eq!(action_title("x.y"), "x.y");
        assert_eq!(action_title("address.assign"), "Address assigned");
    }
}
