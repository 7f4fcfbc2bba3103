//! Jobs over many services: synchronize, orphans, unassign, the IP cleaner, usage alerts.

pub mod alerts;
pub mod assignments;
pub mod cleaner;
pub mod orphans;
pub mod sync;
pub mod unassign;
