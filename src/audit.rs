//! The change log: who changed what, with the state before and after. Rows are written in
//! the same transaction as the change, so a log row exists exactly when the change does.

use crate::error::Result;
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

/// `text` trimmed, matching itself literally in a LIKE pattern.
fn like_literal(text: &str) -> String {
    text.trim()
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

/// Who made a change, by name where WHMCS still knows them.
fn actor_label(kind: &str, id: u32, name: Option<&str>) -> String {
    let who = crate::choices::actor_label(kind);
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

/// What the log list shows: `action` exact or a prefix ending in '.' (e.g. "subnet."),
/// `search` in the message.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LogFilter {
    pub action: Option<String>,
    pub object_type: Option<String>,
    pub object_id: Option<u64>,
    pub actor_type: Option<String>,
    pub actor_id: Option<u32>,
    pub search: Option<String>,
    pub paging: Paging,
}

/// Newest first, filtered and paginated.
pub fn list(db: &Db, filter: &LogFilter) -> Result<Page<LogEntry>> {
    let LogFilter {
        action,
        object_type,
        object_id,
        actor_type,
        actor_id,
        search,
        paging,
    } = filter.clone();
    let action_like = action.as_deref().map(|a| {
        let escaped = like_literal(a);
        if escaped.ends_with('.') {
            format!("{escaped}%")
        } else {
            escaped
        }
    });
    let search = search.map(|s| format!("%{}%", like_literal(&s)));
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
