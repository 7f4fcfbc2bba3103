//! The `ipmanager_*` functions, grouped by what they serve.

pub mod system;
