//! IP Manager for WHMCS: IP address management as a PHP extension.
//!
//! `php` is the binding layer; everything else is plain Rust that never touches PHP.

pub mod audit;
pub mod choices;
pub mod dashboard;
pub mod dns;
pub mod error;
pub mod input;
pub mod ipam;
pub mod jobs;
pub mod lifecycle;
pub mod net;
pub mod netbox;
pub mod paging;
pub mod php;
pub mod providers;
pub mod provision;
pub mod status;
pub mod store;
pub mod transfer;
pub mod whmcs;

pub use error::{Error, Result};
