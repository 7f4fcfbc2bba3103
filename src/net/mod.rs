//! Address math over `ipnet`: parsing and normalising CIDRs, address ranges, and the
//! reservation rules of a subnet. Pure Rust, no database.
//!
//! Addresses are handled as `(Family, u128)` so IPv4 and IPv6 share one arithmetic; they are
//! stored as network-order bytes (4 or 16), which the database orders correctly.

pub mod addr;
pub mod amount;
pub mod cidr;
pub mod range;
pub mod rules;

pub use addr::{Addr, Family};
pub use amount::Amount;
pub use cidr::{Cidr, ipv4_netmask};
pub use range::AddrRange;
pub use rules::ReservationRules;
