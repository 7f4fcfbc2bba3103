//! Reverse DNS (PTR records) in a PowerDNS Authoritative server, through its HTTP API: the
//! names (owner names, reverse zones on octet and nibble boundaries, hostnames, templates),
//! the API client, the settings, each assignment's PTR kept in step through the outbox, and
//! PTRs set by hand (clients, admins) or reset for a subnet.

pub mod client;
pub mod mirror;
pub mod names;
pub mod ptrs;
pub mod settings;
