//! What an export holds, one record per subnet, pool and assignment, referring to each other
//! by CIDR and name (never by database id, so a file imports into another install).

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SubnetRecord {
    pub cidr: String,
    pub name: String,
    /// The parent subnet's CIDR ('' for none).
    pub parent: String,
    pub gateway: String,
    pub vlan: Option<u16>,
    pub description: String,
    /// Ranges, space-separated.
    pub reserved: String,
    pub excluded: String,
    /// Free addresses stored as rows (IPv4 up to a /16) or sparse.
    pub stored: bool,
    pub reserve_network: bool,
    pub reserve_broadcast: bool,
    pub reserve_gateway: bool,
    pub reserve_anycast: bool,
    pub reserve_first: u32,
    pub reserve_last: u32,
    /// Only in JSON and XML, where pools sit inside their subnet.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub pools: Vec<PoolRecord>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PoolRecord {
    /// The subnet's CIDR (implied by the enclosing subnet in JSON and XML).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub subnet: String,
    pub name: String,
    pub range: String,
    pub prefix_len: u8,
    pub description: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AssignmentRecord {
    /// An address, or a prefix in CIDR form.
    pub address: String,
    /// The subnet's CIDR it lies in.
    pub subnet: String,
    /// WHMCS's service (tblhosting.id).
    pub service_id: u32,
    /// The pool it came from ('' for none).
    pub pool: String,
}

/// One record with where it stands in the file (its line; for JSON the line its object
/// starts on).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Record {
    Subnet(SubnetRecord),
    Pool(PoolRecord),
    Assignment(AssignmentRecord),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Numbered {
    pub line: u64,
    pub record: Record,
}

/// CSV's columns: `record` says which kind a row is; the others are the union of the kinds'
/// fields (empty where they do not apply).
pub const CSV_COLUMNS: [&str; 22] = [
    "record",
    "cidr",
    "name",
    "parent",
    "gateway",
    "vlan",
    "description",
    "reserved",
    "excluded",
    "stored",
    "reserve_network",
    "reserve_broadcast",
    "reserve_gateway",
    "reserve_anycast",
    "reserve_first",
    "reserve_last",
    "subnet",
    "range",
    "prefix_len",
    "address",
    "service_id",
    "pool",
];

fn flag(on: bool) -> String {
    if on { "1" } else { "0" }.to_string()
}

impl SubnetRecord {
    pub fn csv_row(&self) -> Vec<String> {
        let mut row = vec![String::new(); CSV_COLUMNS.len()];
        row[0] = "subnet".into();
        row[1] = self.cidr.clone();
        row[2] = self.name.clone();
        row[3] = self.parent.clone();
        row[4] = self.gateway.clone();
        row[5] = self.vlan.map(|v| v.to_string()).unwrap_or_default();
        row[6] = self.description.clone();
        row[7] = self.reserved.clone();
        row[8] = self.excluded.clone();
        row[9] = flag(self.stored);
        row[10] = flag(self.reserve_network);
        row[11] = flag(self.reserve_broadcast);
        row[12] = flag(self.reserve_gateway);
        row[13] = flag(self.reserve_anycast);
        row[14] = self.reserve_first.to_string();
        row[15] = self.reserve_last.to_string();
        row
    }
}

impl PoolRecord {
    pub fn csv_row(&self, subnet: &str) -> Vec<String> {
        let mut row = vec![String::new(); CSV_COLUMNS.len()];
        row[0] = "pool".into();
        row[2] = self.name.clone();
        row[6] = self.description.clone();
        row[16] = subnet.to_string();
        row[17] = self.range.clone();
        row[18] = self.prefix_len.to_string();
        row
    }
}

impl AssignmentRecord {
    pub fn csv_row(&self) -> Vec<String> {
        let mut row = vec![String::new(); CSV_COLUMNS.len()];
        row[0] = "assignment".into();
        row[16] = self.subnet.clone();
        row[19] = self.address.clone();
        row[20] = self.service_id.to_string();
        row[21] = self.pool.clone();
        row
    }
}
