//! The WHMCS provisioning flow: configurations and relations, what PreModuleCreate does,
//! and more IPs when an upgrade or addon adds them.

pub mod after_create;
pub mod config_form;
pub mod configs;
pub mod create;
pub mod facts;
pub mod grow;
pub mod params;
pub mod plan;
