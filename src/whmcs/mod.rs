//! Reading and writing WHMCS's own tables.

pub mod addon_settings;
pub mod service_ips;
pub mod services;
