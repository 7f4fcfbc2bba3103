//! The change log: who changed what, with the state before and after. Rows are written in
//! the same transaction as the change, so a log row exists exactly when the change does.

use crate::error::{Error, Result};
use crate::input::Fields;
use crate::paging::{Page, Paging};
use crate::store::script::{Script, literal};
use crate::store::{Db, Outcome, RetryPolicy, Tx};
use mysql::params;
use mysql::prelude::Queryable;
use parking_lot::Mutex;
use serde::Serialize;
use serde_json::Value;

/// Who is acting. PHP sets it at the start of every request (admin, client, cron); code
/// that runs without a request (tests, CLI) acts as the system.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Actor {
    Admin(u32),
    Client(u32),
    Cron,
    System,
}

impl Actor {
    fn kind(self) -> &'static str {
        match self {
            Actor::Admin(_) => "admin",
            Actor::Client(_) => "client",
            Actor::Cron => "cron",
            Actor::System => "system",
        }
    }

    fn id(self) -> u32 {
        match self {
            Actor::Admin(id) | Actor::Client(id) => id,
            Actor::Cron | Actor::System => 0,
        }
    }

    /// `type` admin|client|cron|system and, for admin and client, a positive `id`.
    pub fn from_input(value: &Value) -> Result<Actor> {
        let fields = Fields::new("actor", value)?;
        fields.allow_only(&["type", "id"])?;
        let id = fields
            .optional_int("id", 1, i64::from(u32::MAX))?
            .map(|n| n as u32);
        match (fields.required_str("type")?.trim(), id) {
            ("admin", Some(id)) => Ok(Actor::Admin(id)),
            ("client", Some(id)) => Ok(Actor::Client(id)),
            ("cron", _) => Ok(Actor::Cron),
            ("system", _) => Ok(Actor::System),
            ("admin" | "client", None) => Err(Error::invalid(
                "An admin or client actor needs its 'id' (tbladmins.id or tblclients.id).",
            )),
            (other, _) => Err(Error::invalid(format!(
                "Actor type '{other}' is not known; use admin, client, cron or system."
            ))),
        }
    }
}

static CURRENT: Mutex<Actor> = Mutex::new(Actor::System);

pub fn set_actor(actor: Actor) {
    *CURRENT.lock() = actor;
}

pub fn actor() -> Actor {
    *CURRENT.lock()
}

/// One change, written with the current actor inside the caller's transaction.
pub fn record(
    q: &mut impl Queryable,
    action: &str,
    object: (&str, u64),
    before: Option<&Value>,
    after: Option<&Value>,
    message: &str,
) -> Outcome<()> {
    let who = actor();
    q.exec_drop(
        "INSERT INTO mod_ipmanager_logs (created_at, actor_type, actor_id, action, object_type, object_id, \
         before_json, after_json, message) VALUES (UTC_TIMESTAMP(3), :kind, :id, :action, :otype, :oid, :before, :after, :message)",
        params! {
            "kind" => who.kind(), "id" => who.id(), "action" => action, "otype" => object.0, "oid" => object.1,
            "before" => before.map(Value::to_string), "after" => after.map(Value::to_string), "message" => message,
        },
    )?;
    Ok(())
}

/// `record` as a statement that travels with the caller's next packet (usually COMMIT).
pub fn record_deferred(
    tx: &mut Tx<'_>,
    action: &str,
    object: (&str, u64),
    before: Option<&Value>,
    after: Option<&Value>,
    message: &str,
) {
    let who = actor();
    let mut script = Script::default();
    script.push(format!(
        "INSERT INTO mod_ipmanager_logs (created_at, actor_type, actor_id, action, object_type, object_id, \
         before_json, after_json, message) VALUES (UTC_TIMESTAMP(3), {}, {}, {}, {}, {}, {}, {}, {})",
        literal(who.kind()),
        literal(who.id()),
        literal(action),
        literal(object.0),
        literal(object.1),
        literal(before.map(Value::to_string)),
        literal(after.map(Value::to_string)),
        literal(message)
    ));
    tx.defer(script);
}

/// Many changes of one kind in one statement (bulk jobs such as synchronize).
/// Each entry: object id, after-state, message.
pub fn record_many(
    q: &mut impl Queryable,
    action: &str,
    object_type: &str,
    entries: &[(u64, Value, String)],
) -> Outcome<()> {
    if entries.is_empty() {
        return Ok(());
    }
    let who = actor();
    let mut sql = String::from(
        "INSERT INTO mod_ipmanager_logs (created_at, actor_type, actor_id, action, object_type, object_id, after_json, message) VALUES ",
    );
    let mut values: Vec<mysql::Value> = Vec::with_capacity(entries.len() * 7);
    for (i, (id, after, message)) in entries.iter().enumerate() {
        if i > 0 {
            sql.push(',');
        }
        sql.push_str("(UTC_TIMESTAMP(3), ?, ?, ?, ?, ?, ?, ?)");
        values.extend([
            who.kind().into(),
            who.id().into(),
            action.into(),
            object_type.into(),
            (*id).into(),
            after.to_string().into(),
            message.as_str().into(),
        ]);
    }
    q.exec_drop(sql, values)?;
    Ok(())
}

/// Changes of address units, one row each, as statements for the caller's commit packet.
/// The log row names the unit's address row, looked up by (subnet, address) in the same
/// statement, since a multi-row insert of units does not return their ids. Each entry:
/// address bytes, after-state, message.
pub fn units_script(action: &str, subnet_id: u64, entries: &[(Vec<u8>, Value, String)]) -> Script {
    let who = actor();
    let mut out = Script::default();
    for chunk in entries.chunks(2000) {
        let rows: Vec<String> = chunk
            .iter()
            .map(|(address, after, message)| {
                format!(
                    "(UTC_TIMESTAMP(3), {}, {}, {}, 'address', \
                     (SELECT id FROM mod_ipmanager_addresses WHERE subnet_id = {} AND address = {}), {}, {})",
                    literal(who.kind()),
                    literal(who.id()),
                    literal(action),
                    literal(subnet_id),
                    literal(address.clone()),
                    literal(after.to_string()),
                    literal(message.as_str())
                )
            })
            .collect();
        out.push(format!(
            "INSERT INTO mod_ipmanager_logs (created_at, actor_type, actor_id, action, object_type, object_id, \
             after_json, message) VALUES {}",
            rows.join(",")
        ));
    }
    out
}

/// Who made a change, by name where WHMCS still knows them.
fn actor_label(kind: &str, id: u32, name: Option<&str>) -> String {
    let who = match kind {
        "admin" => "Admin",
        "client" => "Client",
        "cron" => "Cron",
        "system" => "System",
        other => other,
    };
    match (id, name) {
        (0, _) => who.to_string(),
        (_, Some(name)) => format!("{who} {name}"),
        (_, None) => format!("{who} #{id}"),
    }
}

#[derive(Debug, Serialize)]
pub struct LogEntry {
    pub id: u64,
    pub created_at: String,
    pub actor_type: String,
    pub actor_id: u32,
    /// "Admin Jane Doe", "Client #4 John Smith", "Cron", "System".
    pub actor: String,
    pub action: String,
    /// "Address assigned" for `address.assign`.
    pub title: String,
    pub object_type: String,
    pub object_id: Option<u64>,
    pub before: Option<Value>,
    pub after: Option<Value>,
    pub message: String,
}

/// Newest first. Filters: action (exact or a prefix ending in '.', e.g. "subnet."),
/// object_type, object_id, actor_type, actor_id, search (in the message), page, per_page.
pub fn list(db: &Db, input: &Value) -> Result<Page<LogEntry>> {
    let f = Fields::new("log filter", input)?;
    f.allow_only(&[
        "action",
        "object_type",
        "object_id",
        "actor_type",
        "actor_id",
        "search",
        "page",
        "per_page",
    ])?;
    let action = f.optional_str("action")?.filter(|s| !s.trim().is_empty());
    let action_like = action.as_deref().map(|a| {
        let escaped = a
            .trim()
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_");
        if escaped.ends_with('.') {
            format!("{escaped}%")
        } else {
            escaped
        }
    });
    let search = f
        .optional_str("search")?
        .filter(|s| !s.trim().is_empty())
        .map(|s| {
            format!(
                "%{}%",
                s.trim()
                    .replace('\\', "\\\\")
                    .replace('%', "\\%")
                    .replace('_', "\\_")
            )
        });
    let paging = Paging::from_fields(&f)?;
    let object_type = f
        .optional_str("object_type")?
        .filter(|s| !s.trim().is_empty());
    let object_id = f.optional_int("object_id", 1, i64::MAX)?;
    let actor_type = f
        .optional_str("actor_type")?
        .filter(|s| !s.trim().is_empty());
    let actor_id = f.optional_int("actor_id", 1, i64::from(u32::MAX))?;
    let condition = "(:action IS NULL OR l.action LIKE :action) AND (:otype IS NULL OR l.object_type = :otype) \
        AND (:oid IS NULL OR l.object_id = :oid) AND (:atype IS NULL OR l.actor_type = :atype) \
        AND (:aid IS NULL OR l.actor_id = :aid) AND (:search IS NULL OR l.message LIKE :search)";
    db.run(RetryPolicy::Transient, |conn| {
        let p = || {
            params! {
                "action" => action_like.clone(), "otype" => object_type.clone(), "oid" => object_id,
                "atype" => actor_type.clone(), "aid" => actor_id, "search" => search.clone(),
            }
        };
        let total: Option<u64> = conn.exec_first(format!("SELECT COUNT(*) FROM mod_ipmanager_logs l WHERE {condition}"), p())?;
        let params = paging.bind(p());
        let rows: Vec<mysql::Row> = conn.exec(
            format!(
                "SELECT l.id, DATE_FORMAT(l.created_at, '%Y-%m-%d %H:%i:%s') AS created_at, l.actor_type, l.actor_id, \
                 l.action, l.object_type, l.object_id, l.before_json, l.after_json, l.message, \
                 NULLIF(TRIM(CONCAT(COALESCE(ad.firstname, cl.firstname, ''), ' ', \
                 COALESCE(ad.lastname, cl.lastname, ''))), '') AS actor_name \
                 FROM mod_ipmanager_logs l \
                 LEFT JOIN tbladmins ad ON l.actor_type = 'admin' AND ad.id = l.actor_id \
                 LEFT JOIN tblclients cl ON l.actor_type = 'client' AND cl.id = l.actor_id \
                 WHERE {condition} ORDER BY l.id DESC LIMIT :limit OFFSET :offset"
            ),
            params,
        )?;
        let mut items = Vec::with_capacity(rows.len());
        for mut row in rows {
            use crate::ipam::model::take;
            let json = |text: Option<String>| text.and_then(|t| serde_json::from_str(&t).ok());
            let actor_type: String = take(&mut row, "actor_type")?;
            let actor_id: u32 = take(&mut row, "actor_id")?;
            let actor_name: Option<String> = take(&mut row, "actor_name")?;
            let action: String = take(&mut row, "action")?;
            items.push(LogEntry {
                id: take(&mut row, "id")?,
                created_at: take(&mut row, "created_at")?,
                actor: actor_label(&actor_type, actor_id, actor_name.as_deref()),
                actor_type,
                actor_id,
                title: crate::choices::action_title(&action),
                action,
                object_type: take(&mut row, "object_type")?,
                object_id: take(&mut row, "object_id")?,
                before: json(take(&mut row, "before_json")?),
                after: json(take(&mut row, "after_json")?),
                message: take(&mut row, "message")?,
            });
        }
        Ok(Page::new(items, total, paging))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn actors_are_read_strictly() {
        assert_eq!(
            Actor::from_input(&json!({"type": "admin", "id": 3})).unwrap(),
            Actor::Admin(3)
        );
        assert_eq!(
            Actor::from_input(&json!({"type": "cron"})).unwrap(),
            Actor::Cron
        );
        assert!(
            Actor::from_input(&json!({"type": "client"}))
                .unwrap_err()
                .to_string()
                .contains("needs its 'id'")
        );
        assert!(
            Actor::from_input(&json!({"type": "robot"}))
                .unwrap_err()
                .to_string()
                .contains("'robot'")
        );
    }
}
