//! The `ipmanager_*` functions, grouped by what they serve.

pub mod client;
pub mod ipam;
pub mod system;
