//! Reverse DNS (PTR records) in a PowerDNS Authoritative server, through its HTTP API.
//! This first part holds the names (owner names, reverse zones on octet and nibble
//! boundaries, hostnames, templates) and the API client; per-address mirroring through the
//! outbox, the settings and the pages come next (issue 13).

pub mod client;
pub mod names;
