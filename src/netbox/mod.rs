//! NetBox, kept in step with IP Manager (which stays the source of truth): the REST client,
//! the admin's settings and scopes, each change mirrored through the outbox, the full push,
//! and sync from NetBox.

pub mod client;
pub mod mirror;
pub mod overview;
pub mod push;
pub mod scopes;
pub mod settings;
pub mod sync;

use crate::error::Result;
use crate::store::Db;

/// The stored settings and a client for them; refused while NetBox has no URL or token.
pub fn connect(db: &Db) -> Result<(settings::NetBoxSettings, client::NetBox)> {
    let settings = settings::read(db)?;
    if settings.url.is_empty() || !settings.token_set {
        return Err(crate::Error::NotConfigured(
            "NetBox has no URL or API token yet; enter them under NetBox > Settings.".into(),
        ));
    }
    let netbox = client::NetBox::new(&settings)?;
    Ok((settings, netbox))
}

/// "Test connection": NetBox's version with the stored settings, or its exact refusal.
pub fn test_connection(db: &Db) -> Result<String> {
    connect(db)?.1.status()
}
