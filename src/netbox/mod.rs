//! NetBox, kept in step with IP Manager (which stays the source of truth): the REST client,
//! the admin's settings and the full push. Mirroring each change through the outbox and
//! sync from NetBox come in the next parts of issue 11; until then
//! `providers::netbox::IpamMirror` is the per-change seam.

pub mod client;
pub mod push;
pub mod scopes;
pub mod settings;

use crate::error::Result;
use crate::store::Db;

/// "Test connection": NetBox's version with the stored settings, or its exact refusal.
pub fn test_connection(db: &Db) -> Result<String> {
    let settings = settings::read(db)?;
    if settings.url.is_empty() || !settings.token_set {
        return Err(crate::Error::NotConfigured(
            "NetBox has no URL or API token yet; enter them under NetBox > Settings.".into(),
        ));
    }
    client::NetBox::new(&settings)?.status()
}
