//! WHMCS's module parameters (`$vars['params']` of the module hooks), as the provisioning
//! steps use them.

use crate::providers::ServerAccess;
use serde_json::{Map, Value};

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ModuleParams {
    pub service_id: u32,
    /// The product's module, e.g. "proxmox", "cpanel".
    pub module: String,
    /// The service's username and domain on the panel.
    pub username: String,
    pub domain: String,
    /// WHMCS's server record (`serverid`); 0 when the product has no server.
    pub server_id: u32,
    pub server: ServerAccess,
    /// The service's custom field values by field name.
    pub custom_values: Map<String, Value>,
}
