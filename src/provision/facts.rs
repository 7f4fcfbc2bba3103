//! What WHMCS's tables say about a service being provisioned.

use super::plan::ServiceFacts;
use crate::error::Error;
use crate::ipam::model::take;
use crate::store::Outcome;
use crate::store::script::{Script, StatementResult, literal};
use mysql::params;
use mysql::prelude::Queryable;

/// The three queries that tell what WHMCS knows about a service, for a packet.
pub fn script(service_id: u32) -> Script {
    let id = literal(service_id);
    let mut out = Script::default();
    out.push(format!(
        "SELECT packageid, server FROM tblhosting WHERE id = {id}"
    ));
    out.push(format!(
        "SELECT addonid FROM tblhostingaddons WHERE hostingid = {id} AND status IN ('Active', 'Pending') ORDER BY id"
    ));
    out.push(format!(
        "SELECT configid, optionid, qty FROM tblhostingconfigoptions WHERE relid = {id} ORDER BY id"
    ));
    out
}

/// The facts from the results of `script(service_id)`.
pub fn from_results(
    service_id: u32,
    [hosting, addons, options]: [StatementResult; 3],
) -> Outcome<ServiceFacts> {
    let mut hosting = hosting.rows.into_iter().next().ok_or_else(|| {
        Error::NotFound(format!(
            "Service #{service_id} does not exist in WHMCS (tblhosting)."
        ))
    })?;
    let mut addon_ids = Vec::with_capacity(addons.rows.len());
    for mut row in addons.rows {
        addon_ids.push(take(&mut row, "addonid")?);
    }
    let mut config_options = Vec::with_capacity(options.rows.len());
    for mut row in options.rows {
        config_options.push((
            take(&mut row, "configid")?,
            take(&mut row, "optionid")?,
            take(&mut row, "qty")?,
        ));
    }
    Ok(ServiceFacts {
        service_id,
        product_id: take(&mut hosting, "packageid")?,
        server_id: take(&mut hosting, "server")?,
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
