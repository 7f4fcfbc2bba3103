//! WHMCS's server records as the panel clients need them. Everything but the password is
//! read from `tblservers`; the password is encrypted there and only PHP can `decrypt()` it,
//! so the addon hands this worker the decrypted passwords (`ipmanager_server_passwords`)
//! before a native call that may talk to a panel, and the module hooks hand over the one in
//! their parameters. They are kept in this process only, never written anywhere.

use super::ServerAccess;
use super::settings;
use crate::store::{Db, Outcome, RetryPolicy};
use mysql::prelude::Queryable;
use mysql::{Row, params};
use parking_lot::Mutex;
use serde::Serialize;
use std::collections::HashMap;

static PASSWORDS: Mutex<Option<HashMap<u32, String>>> = Mutex::new(None);

/// Keeps the decrypted passwords of these servers for this worker.
pub fn remember_passwords(passwords: impl IntoIterator<Item = (u32, String)>) {
    let mut kept = PASSWORDS.lock();
    let map = kept.get_or_insert_with(HashMap::new);
    for (id, password) in passwords {
        map.insert(id, password);
    }
}

fn password_of(server_id: u32) -> String {
    PASSWORDS
        .lock()
        .as_ref()
        .and_then(|m| m.get(&server_id).cloned())
        .unwrap_or_default()
}

/// A server record with its encrypted password, for PHP to decrypt.
#[derive(Debug, Clone, Serialize)]
pub struct Encrypted {
    pub id: u32,
    pub password: String,
}

/// The encrypted passwords of the servers whose module an enabled integration serves.
pub fn encrypted_passwords(db: &Db) -> crate::Result<Vec<Encrypted>> {
    db.run(RetryPolicy::Transient, |conn| {
        let enabled = settings::read_all(conn)?;
        let rows: Vec<(u32, String, String)> =
            conn.query("SELECT id, type, password FROM tblservers ORDER BY id")?;
        Ok(rows
            .into_iter()
            .filter(|(_, module, _)| enabled.iter().any(|s| s.enabled && s.serves(module)))
            .map(|(id, _, password)| Encrypted { id, password })
            .collect())
    })
}

/// One server record, with this worker's password and IP Manager's settings for it.
pub fn access(q: &mut impl Queryable, server_id: u32) -> Outcome<Option<ServerAccess>> {
    let row: Option<Row> = q.exec_first(
        "SELECT hostname, ipaddress, port, username, accesshash, secure FROM tblservers WHERE id = :id",
        params! {"id" => server_id},
    )?;
    let Some(mut row) = row else {
        return Ok(None);
    };
    let take_text = |row: &mut Row, column: &str| -> String {
        row.take_opt::<Option<String>, _>(column)
            .and_then(Result::ok)
            .flatten()
            .unwrap_or_default()
    };
    let port: Option<i64> = row.take_opt("port").and_then(Result::ok).flatten();
    let secure = take_text(&mut row, "secure");
    let http = settings::server_settings(q, server_id)?.http();
    Ok(Some(ServerAccess {
        hostname: take_text(&mut row, "hostname"),
        ip: take_text(&mut row, "ipaddress"),
        port: port.and_then(|p| u16::try_from(p).ok()).filter(|p| *p > 0),
        username: take_text(&mut row, "username"),
        password: password_of(server_id),
        access_hash: take_text(&mut row, "accesshash"),
        secure: matches!(secure.trim(), "on" | "1" | "yes"),
        http,
    }))
}

/// A resolver for `Integrations::servers` reading through `db`.
pub fn resolver(db: &Db) -> impl Fn(u32) -> crate::Result<Option<ServerAccess>> + '_ {
    move |server_id| db.run(RetryPolicy::Transient, |conn| access(conn, server_id))
}
