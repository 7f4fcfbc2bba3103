//! Jobs over many services: synchronize (later: orphans, the IP cleaner, usage alerts).

pub mod alerts;
pub mod assignments;
pub mod cleaner;
pub mod orphans;
pub mod sync;
