//! Jobs over many services: synchronize, orphans, unassign, the IP cleaner, usage alerts, daily upkeep.

pub mod alerts;
pub mod assignments;
pub mod cleaner;
pub mod client_ips;
pub mod orphans;
pub mod sync;
pub mod unassign;
pub mod upkeep;
