//! The WHMCS provisioning flow: configurations and relations, and what PreModuleCreate does.

pub mod after_create;
pub mod config_form;
pub mod configs;
pub mod create;
pub mod facts;
pub mod params;
pub mod plan;
