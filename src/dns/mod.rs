//! Reverse DNS (PTR records) in a PowerDNS Authoritative server, through its HTTP API: the
//! names (owner names, reverse zones on octet and nibble boundaries, hostnames, templates),
//! the API client, the settings, and each assignment's PTR kept in step through the outbox.

pub mod client;
pub mod mirror;
pub mod names;
pub mod settings;
