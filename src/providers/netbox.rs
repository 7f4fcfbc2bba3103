//! The seam to NetBox, which mirrors IP Manager's assignments (IP Manager stays the source
//! of truth). The NetBox client comes with the NetBox work; until it is configured,
//! `NoNetBox` answers and nothing is pushed.

use crate::error::Result;

pub trait IpamMirror {
    fn name(&self) -> &str;
    /// The address was handed to a service.
    fn assigned(&self, address: &str, service_id: u32) -> Result<()>;
    /// The address left its service (NetBox marks it deprecated).
    fn released(&self, address: &str) -> Result<()>;
}

/// No NetBox configured.
pub struct NoNetBox;

impl IpamMirror for NoNetBox {
    fn name(&self) -> &str {
        "none"
    }
    fn assigned(&self, _address: &str, _service_id: u32) -> Result<()> {
        Ok(())
    }
    fn released(&self, _address: &str) -> Result<()> {
        Ok(())
    }
}
