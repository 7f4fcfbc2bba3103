//! Subnets, pools, addresses and the allocator.

pub mod addresses;
pub mod allocator;
pub mod api;
pub mod field_errors;
pub mod gaps;
pub mod model;
pub mod pools;
pub mod release;
pub mod shown;
pub mod space;
pub mod stored_rows;
pub mod subnet_checks;
pub mod subnet_spec;
pub mod subnets;
pub mod utilization;
pub mod views;
