//! Free space: which units of a subnet can be handed out, kept as rows so that finding the
//! lowest free unit is one index read at any subnet size (see `blocks`).
//!
//! Stored subnets keep one row per address, free ones in state `free`; sparse subnets keep
//! one free row per maximal run of free addresses. Either way a unit is available exactly
//! when `available::units` says so.

pub mod available;
pub mod blocked;
pub mod blocks;
pub mod free_set;
pub mod give;
pub mod rebuild;
pub mod rows;
pub mod taking;

pub use blocked::Blocked;
pub use blocks::Block;
pub use free_set::FreeSet;
