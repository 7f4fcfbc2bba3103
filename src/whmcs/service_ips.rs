//! The IPs WHMCS records on a service: `tblhosting.dedicatedip` (one) and `assignedips`
//! (one per line).

use crate::store::{Outcome, Tx};
use mysql::params;
use mysql::prelude::Queryable;

/// The service's dedicated IP and assigned IPs, locked until the transaction ends (two
/// changes of one service's fields must not overwrite each other); `None` if it is gone.
fn locked_fields(tx: &mut Tx<'_>, service_id: u32) -> Outcome<Option<(String, String)>> {
    Ok(tx.exec_first(
        "SELECT dedicatedip, assignedips FROM tblhosting WHERE id = :id FOR UPDATE",
        params! {"id" => service_id},
    )?)
}

/// Records `address` on the service: as the dedicated IP if it has none, else as one more
/// line of assigned IPs (never twice).
pub fn add(tx: &mut Tx<'_>, service_id: u32, address: &str) -> Outcome<()> {
    let Some((dedicated, assigned)) = locked_fields(tx, service_id)? else {
        return Ok(());
    };
    if dedicated.trim().is_empty() {
        tx.exec_drop(
            "UPDATE tblhosting SET dedicatedip = :a WHERE id = :id",
            params! {"a" => address, "id" => service_id},
        )?;
    } else if !assigned.split(['\n', '\r']).any(|l| l.trim() == address)
        && dedicated.trim() != address
    {
        let joined = if assigned.trim().is_empty() {
            address.to_string()
        } else {
            format!("{}\n{address}", assigned.trim_end())
        };
        tx.exec_drop(
            "UPDATE tblhosting SET assignedips = :a WHERE id = :id",
            params! {"a" => joined, "id" => service_id},
        )?;
    }
    Ok(())
}

/// Removes `address` from the service's dedicated IP and assigned IPs.
pub fn remove(tx: &mut Tx<'_>, service_id: u32, address: &str) -> Outcome<()> {
    let Some((dedicated, assigned)) = locked_fields(tx, service_id)? else {
        return Ok(());
    };
    let dedicated = if dedicated.trim() == address {
        String::new()
    } else {
        dedicated
    };
    let assigned = assigned
        .split(['\n', '\r'])
        .map(str::trim)
        .filter(|l| !l.is_empty() && *l != address)
        .collect::<Vec<_>>()
        .join("\n");
    tx.exec_drop(
        "UPDATE tblhosting SET dedicatedip = :d, assignedips = :a WHERE id = :id",
        params! {"d" => dedicated, "a" => assigned, "id" => service_id},
    )?;
    Ok(())
}
