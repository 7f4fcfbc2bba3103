//! What WHMCS's tables say about a service being provisioned.

use super::plan::ServiceFacts;
use crate::error::Error;
use crate::store::Outcome;
use mysql::params;
use mysql::prelude::Queryable;

pub fn load(q: &mut impl Queryable, service_id: u32) -> Outcome<ServiceFacts> {
    let row: Option<(u32, u32)> = q.exec_first(
        "SELECT packageid, server FROM tblhosting WHERE id = :id",
        params! {"id" => service_id},
    )?;
    let (product_id, server_id) = row.ok_or_else(|| {
        Error::NotFound(format!(
            "Service #{service_id} does not exist in WHMCS (tblhosting)."
        ))
    })?;
    let addon_ids: Vec<u32> = q.exec(
        "SELECT addonid FROM tblhostingaddons WHERE hostingid = :id AND status IN ('Active', 'Pending') ORDER BY id",
        params! {"id" => service_id},
    )?;
    let config_options: Vec<(u32, u32, u32)> = q.exec(
        "SELECT configid, optionid, qty FROM tblhostingconfigoptions WHERE relid = :id ORDER BY id",
        params! {"id" => service_id},
    )?;
    Ok(ServiceFacts {
        service_id,
        product_id,
        server_id,
        addon_ids,
        config_options,
    })
}

/// The id of the product custom field named `name`, if the product has one.
pub fn custom_field_id(
    q: &mut impl Queryable,
    product_id: u32,
    name: &str,
) -> Outcome<Option<u32>> {
    Ok(q.exec_first(
        "SELECT id FROM tblcustomfields WHERE type = 'product' AND relid = :pid AND fieldname = :name ORDER BY id LIMIT 1",
        params! {"pid" => product_id, "name" => name},
    )?)
}
