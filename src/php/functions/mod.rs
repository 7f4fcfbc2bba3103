//! The `ipmanager_*` functions, grouped by what they serve.

pub mod audit;
pub mod client;
pub mod dns;
pub mod integrations;
pub mod ipam;
pub mod jobs;
pub mod netbox;
pub mod provision;
pub mod system;
pub mod transfer;
