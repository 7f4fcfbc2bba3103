//! PHP's arrays read into the typed requests the core takes. Loose values are handled here
//! once: numeric strings, "" for "not given", "on"/"yes"/"1" for true, "kind:id" choices.
//! Every request refuses keys it does not know, so a typo never falls back to a default.

use super::loose::{Fields, KindId};
use crate::audit::{Actor, LogFilter};
use crate::error::{Error, Result};
use crate::ipam::addresses::ListFilter;
use crate::ipam::allocator::{self, Target};
use crate::ipam::api::{AllocateRequest, FreeListRequest, ReleaseRequest};
use crate::ipam::model::State;
use crate::ipam::release::ModeChoice;
use crate::jobs::assignments::{AssignRequest, AssignSource, AssignmentFilter, UnassignRequest};
use crate::jobs::orphans::{OrphanRelease, Orphans};
use crate::jobs::sync::SyncOptions;
use crate::paging::{DEFAULT_PER_PAGE, MAX_PER_PAGE, Paging};
use crate::providers::ServerAccess;
use crate::provision::params::ModuleParams;
use serde_json::{Map, Value};

/// A request the core takes, read from the PHP array a native function was given.
pub trait FromPhp: Sized {
    fn from_php(value: &Value) -> Result<Self>;
}

/// `page` (from 1) and `per_page` (1 to 500, default 50).
pub(crate) fn paging(f: &Fields<'_>) -> Result<Paging> {
    Ok(Paging {
        page: f.optional_int("page", 1, i64::MAX)?.unwrap_or(1) as u64,
        per_page: f
            .optional_int("per_page", 1, MAX_PER_PAGE as i64)?
            .map_or(DEFAULT_PER_PAGE, |n| n as u64),
    })
}

fn service_id(f: &Fields<'_>) -> Result<Option<u32>> {
    Ok(f.optional_int("service_id", 1, i64::from(u32::MAX))?
        .map(|n| n as u32))
}

fn required_service_id(f: &Fields<'_>) -> Result<u32> {
    service_id(f)?.ok_or_else(|| {
        Error::invalid("'service_id' (the WHMCS service, tblhosting.id) is required.")
    })
}

fn text(f: &Fields<'_>, key: &str) -> Result<Option<String>> {
    Ok(f.optional_str(key)?.filter(|s| !s.trim().is_empty()))
}

/// `pool_id` or `subnet_id`, exactly one.
fn target(f: &Fields<'_>) -> Result<Target> {
    let pool = f.optional_int("pool_id", 1, i64::MAX)?;
    let subnet = f.optional_int("subnet_id", 1, i64::MAX)?;
    match (pool, subnet) {
        (Some(p), None) => Ok(Target::Pool(p as u64)),
        (None, Some(s)) => Ok(Target::Subnet(s as u64)),
        (Some(_), Some(_)) => Err(Error::invalid(
            "Give either 'pool_id' or 'subnet_id', not both.",
        )),
        (None, None) => Err(Error::invalid(
            "Say where to allocate from: 'pool_id' or 'subnet_id'.",
        )),
    }
}

/// `mode` 'quarantine' (the default: for `quarantine_hours` when given, else the addon's
/// setting) or 'free'.
fn mode(f: &Fields<'_>, hours_key: Option<&str>) -> Result<ModeChoice> {
    match f.optional_str("mode")?.as_deref().map(str::trim) {
        None | Some("") | Some("quarantine") => {
            let hours = match hours_key {
                Some(key) => f.optional_int(key, 0, 24 * 365)?.map(|h| h as u32),
                None => None,
            };
            Ok(
                hours.map_or(ModeChoice::Setting, |hours| ModeChoice::Quarantine {
                    hours,
                }),
            )
        }
        Some("free") => Ok(ModeChoice::Free),
        Some(other) => Err(Error::invalid(format!(
            "Release mode '{other}' is not known; use 'quarantine' or 'free'."
        ))),
    }
}

impl FromPhp for AllocateRequest {
    fn from_php(value: &Value) -> Result<Self> {
        let f = Fields::new("allocation request", value)?;
        f.allow_only(&["pool_id", "subnet_id", "service_id", "count"])?;
        Ok(AllocateRequest {
            target: target(&f)?,
            service_id: required_service_id(&f)?,
            count: f
                .optional_int("count", 1, i64::from(allocator::MAX_COUNT))?
                .unwrap_or(1) as u32,
        })
    }
}

impl FromPhp for ReleaseRequest {
    fn from_php(value: &Value) -> Result<Self> {
        let f = Fields::new("release request", value)?;
        f.allow_only(&[
            "address",
            "service_id",
            "pool_id",
            "mode",
            "quarantine_hours",
        ])?;
        let mode = mode(&f, Some("quarantine_hours"))?;
        let pool_id = f.optional_int("pool_id", 1, i64::MAX)?.map(|p| p as u64);
        match (text(&f, "address")?, service_id(&f)?) {
            (Some(address), None) if pool_id.is_none() => {
                Ok(ReleaseRequest::Address { address, mode })
            }
            (None, Some(service_id)) => Ok(ReleaseRequest::Service {
                service_id,
                pool_id,
                mode,
            }),
            (Some(_), _) => Err(Error::invalid(
                "Give either 'address' or 'service_id' (optionally with 'pool_id'), not both.",
            )),
            (None, None) => Err(Error::invalid(
                "Say what to release: 'address' or 'service_id'.",
            )),
        }
    }
}

impl FromPhp for FreeListRequest {
    fn from_php(value: &Value) -> Result<Self> {
        let f = Fields::new("free address request", value)?;
        f.allow_only(&["pool_id", "subnet_id", "after", "limit"])?;
        Ok(FreeListRequest {
            target: target(&f)?,
            after: f.optional_str("after")?,
            limit: f.optional_int("limit", 1, 500)?.unwrap_or(50) as usize,
        })
    }
}

impl FromPhp for ListFilter {
    fn from_php(value: &Value) -> Result<Self> {
        let f = Fields::new("address filter", value)?;
        f.allow_only(&[
            "subnet_id",
            "pool_id",
            "state",
            "service_id",
            "search",
            "page",
            "per_page",
        ])?;
        Ok(ListFilter {
            subnet_id: f.optional_int("subnet_id", 1, i64::MAX)?.map(|n| n as u64),
            pool_id: f.optional_int("pool_id", 1, i64::MAX)?.map(|n| n as u64),
            state: text(&f, "state")?.map(|s| State::parse(&s)).transpose()?,
            service_id: service_id(&f)?,
            search: f.optional_str("search")?,
            paging: paging(&f)?,
        })
    }
}

impl FromPhp for LogFilter {
    fn from_php(value: &Value) -> Result<Self> {
        let f = Fields::new("log filter", value)?;
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
        Ok(LogFilter {
            action: text(&f, "action")?,
            object_type: text(&f, "object_type")?,
            object_id: f.optional_int("object_id", 1, i64::MAX)?.map(|n| n as u64),
            actor_type: text(&f, "actor_type")?,
            actor_id: f
                .optional_int("actor_id", 1, i64::from(u32::MAX))?
                .map(|n| n as u32),
            search: text(&f, "search")?,
            paging: paging(&f)?,
        })
    }
}

impl FromPhp for Actor {
    /// `type` admin|client|cron|system and, for admin and client, a positive `id`.
    fn from_php(value: &Value) -> Result<Self> {
        let f = Fields::new("actor", value)?;
        f.allow_only(&["type", "id"])?;
        let id = f
            .optional_int("id", 1, i64::from(u32::MAX))?
            .map(|n| n as u32);
        match (f.required_str("type")?.trim(), id) {
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

impl FromPhp for AssignmentFilter {
    fn from_php(value: &Value) -> Result<Self> {
        let f = Fields::new("assignment filter", value)?;
        f.allow_only(&[
            "client_id",
            "service_id",
            "status",
            "search",
            "page",
            "per_page",
        ])?;
        Ok(AssignmentFilter {
            client_id: f
                .optional_int("client_id", 1, i64::from(u32::MAX))?
                .map(|n| n as u32),
            service_id: service_id(&f)?,
            status: text(&f, "status")?.map(|s| s.trim().to_string()),
            search: text(&f, "search")?,
            paging: paging(&f)?,
        })
    }
}

impl FromPhp for AssignRequest {
    /// `service_id` and one of: `address` (a chosen free address or prefix), `draws_from`
    /// ("pool:2", "subnet:1"), `pool_id`, `subnet_id`. A chosen address wins over the pick
    /// list (the admin form always sends a pick).
    fn from_php(value: &Value) -> Result<Self> {
        let f = Fields::new("assignment", value)?;
        f.allow_only(&[
            "service_id",
            "pool_id",
            "subnet_id",
            "draws_from",
            "address",
        ])?;
        let service_id = required_service_id(&f)?;
        let source = match text(&f, "address")? {
            Some(address) => AssignSource::Address(address),
            None => match KindId::read(&f, "draws_from", None, &["pool", "subnet"])? {
                Some(k) if k.kind == "pool" => AssignSource::Pool(k.id),
                Some(k) => AssignSource::Subnet(k.id),
                None => match target(&f) {
                    Ok(Target::Pool(p)) => AssignSource::Pool(p),
                    Ok(Target::Subnet(s)) => AssignSource::Subnet(s),
                    Err(_) => {
                        return Err(Error::invalid(
                            "Give a pool, a subnet, or a free address to assign.",
                        ));
                    }
                },
            },
        };
        Ok(AssignRequest { service_id, source })
    }
}

impl FromPhp for UnassignRequest {
    fn from_php(value: &Value) -> Result<Self> {
        let f = Fields::new("unassign request", value)?;
        f.allow_only(&["id", "mode", "client_id", "service_id"])?;
        Ok(UnassignRequest {
            id: f
                .optional_int("id", 1, i64::MAX)?
                .ok_or_else(|| Error::invalid("Say which assignment to unassign: 'id'."))?
                as u64,
            service_id: service_id(&f)?,
            client_id: f
                .optional_int("client_id", 1, i64::from(u32::MAX))?
                .map(|n| n as u32),
            mode: mode(&f, None)?,
        })
    }
}

impl FromPhp for Orphans {
    fn from_php(value: &Value) -> Result<Self> {
        let f = Fields::new("orphan filter", value)?;
        f.allow_only(&["page", "per_page"])?;
        Ok(Orphans {
            paging: paging(&f)?,
        })
    }
}

impl FromPhp for OrphanRelease {
    /// One orphan (`id`, optionally with the `service_id` the admin saw) or all (`all`).
    fn from_php(value: &Value) -> Result<Self> {
        let f = Fields::new("orphan release", value)?;
        f.allow_only(&["id", "all", "mode", "service_id"])?;
        let mode = mode(&f, None)?;
        let all = f.optional_bool("all")?.unwrap_or(false);
        match (f.optional_int("id", 1, i64::MAX)?, all) {
            (Some(id), false) => Ok(OrphanRelease::One {
                id: id as u64,
                service_id: service_id(&f)?,
                mode,
            }),
            (None, true) => Ok(OrphanRelease::All { mode }),
            _ => Err(Error::invalid(
                "Say which orphan to release: 'id', or 'all' => true.",
            )),
        }
    }
}

impl FromPhp for SyncOptions {
    fn from_php(value: &Value) -> Result<Self> {
        let f = Fields::new("synchronize options", value)?;
        f.allow_only(&["live_only", "dry_run"])?;
        Ok(SyncOptions {
            live_only: f.optional_bool("live_only")?.unwrap_or(true),
            dry_run: f.optional_bool("dry_run")?.unwrap_or(false),
        })
    }
}

impl FromPhp for ModuleParams {
    /// WHMCS's module parameters (`$vars['params']`): WHMCS passes many more keys than
    /// these, so unknown keys are not refused here.
    fn from_php(value: &Value) -> Result<Self> {
        let f = Fields::new("module parameters", value)?;
        let service_id = f
            .optional_int("serviceid", 1, i64::from(u32::MAX))?
            .ok_or_else(|| Error::invalid("The module parameters have no 'serviceid'."))?
            as u32;
        let text = |key: &str| f.optional_str(key).map(Option::unwrap_or_default);
        Ok(ModuleParams {
            service_id,
            module: text("moduletype")?,
            username: text("username")?,
            domain: text("domain")?,
            server_id: f
                .optional_int("serverid", 0, i64::from(u32::MAX))?
                .unwrap_or(0) as u32,
            server: ServerAccess {
                hostname: text("serverhostname")?,
                ip: text("serverip")?,
                port: f
                    .optional_int("serverport", 1, i64::from(u16::MAX))?
                    .map(|p| p as u16),
                username: text("serverusername")?,
                password: text("serverpassword")?,
                access_hash: text("serveraccesshash")?,
                secure: f.optional_bool("serversecure")?.unwrap_or(false),
                http: Default::default(),
            },
            custom_values: match value.get("customfields") {
                Some(Value::Object(map)) => map.clone(),
                _ => Map::new(),
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn loose_values_become_typed_requests() {
        let r = AllocateRequest::from_php(&json!({"pool_id": "3", "service_id": 9, "count": "2"}))
            .unwrap();
        assert_eq!((r.target, r.service_id, r.count), (Target::Pool(3), 9, 2));
        let s = SyncOptions::from_php(&json!({"live_only": "", "dry_run": "on"})).unwrap();
        assert_eq!((s.live_only, s.dry_run), (false, true));
        let a = AssignRequest::from_php(
            &json!({"service_id": "4", "draws_from": "subnet:2", "address": ""}),
        )
        .unwrap();
        assert_eq!(a.source, AssignSource::Subnet(2));
        let a = AssignRequest::from_php(
            &json!({"service_id": 4, "draws_from": "pool:1", "address": " 10.0.0.5 "}),
        )
        .unwrap();
        assert_eq!(a.source, AssignSource::Address(" 10.0.0.5 ".into()));
        let o = OrphanRelease::from_php(&json!({"all": true, "mode": "free"})).unwrap();
        assert_eq!(
            o,
            OrphanRelease::All {
                mode: ModeChoice::Free
            }
        );
        let r =
            ReleaseRequest::from_php(&json!({"service_id": "5", "quarantine_hours": "0"})).unwrap();
        assert_eq!(
            r,
            ReleaseRequest::Service {
                service_id: 5,
                pool_id: None,
                mode: ModeChoice::Quarantine { hours: 0 }
            }
        );
        let r = ReleaseRequest::from_php(&json!({"address": "10.0.0.1", "mode": ""})).unwrap();
        assert_eq!(
            r,
            ReleaseRequest::Address {
                address: "10.0.0.1".into(),
                mode: ModeChoice::Setting
            }
        );
    }

    #[test]
    fn bad_requests_are_refused_with_what_to_do() {
        let e = AllocateRequest::from_php(&json!({"pool_id": 1})).unwrap_err();
        assert!(e.to_string().contains("'service_id'"), "{e}");
        let e =
            ReleaseRequest::from_php(&json!({"address": "10.0.0.1", "mode": "later"})).unwrap_err();
        assert!(e.to_string().contains("'later' is not known"), "{e}");
        let e =
            AssignRequest::from_php(&json!({"service_id": 1, "draws_from": "vlan:3"})).unwrap_err();
        assert!(e.to_string().contains("not a choice"), "{e}");
        let e = LogFilter::from_php(&json!({"actoin": "subnet."})).unwrap_err();
        assert!(e.to_string().contains("Unknown key 'actoin'"), "{e}");
    }

    #[test]
    fn actors_are_read_strictly() {
        assert_eq!(
            Actor::from_php(&json!({"type": "admin", "id": 3})).unwrap(),
            Actor::Admin(3)
        );
        assert_eq!(
            Actor::from_php(&json!({"type": "cron"})).unwrap(),
            Actor::Cron
        );
        assert!(
            Actor::from_php(&json!({"type": "client"}))
                .unwrap_err()
                .to_string()
                .contains("needs its 'id'")
        );
        assert!(
            Actor::from_php(&json!({"type": "robot"}))
                .unwrap_err()
                .to_string()
                .contains("'robot'")
        );
    }
}
