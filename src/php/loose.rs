//! Reading loosely typed input (PHP arrays, form posts) into strict values, with messages
//! that name the field and say what is expected: numeric strings, "" for "not given",
//! "on"/"yes" for true. Only the binding layer reads PHP-shaped input; the core takes the
//! typed requests built from it (`requests.rs`).

use crate::error::{Error, Result};
use serde_json::{Map, Value};

/// The fields of one input array, e.g. the `$db` array passed to `ipmanager_configure`.
pub struct Fields<'a> {
    what: &'a str,
    map: &'a Map<String, Value>,
}

impl<'a> Fields<'a> {
    /// `what` names the input in messages ("database settings", "subnet", ...).
    pub fn new(what: &'a str, value: &'a Value) -> Result<Self> {
        match value {
            Value::Object(map) => Ok(Fields { what, map }),
            Value::Array(items) if items.is_empty() => Err(Error::invalid(format!(
                "The {what} array is empty; pass an array with named keys."
            ))),
            other => Err(Error::invalid(format!(
                "The {what} must be an array with named keys, got {}.",
                kind_of(other)
            ))),
        }
    }

    /// Refuses keys we do not know, so a typo cannot silently fall back to a default.
    pub fn allow_only(&self, allowed: &[&str]) -> Result<()> {
        if let Some(unknown) = self.map.keys().find(|k| !allowed.contains(&k.as_str())) {
            return Err(Error::invalid(format!(
                "Unknown key '{unknown}' in the {}; allowed keys are: {}.",
                self.what,
                allowed.join(", ")
            )));
        }
        Ok(())
    }

    pub fn required_str(&self, key: &str) -> Result<String> {
        self.optional_str(key)?
            .ok_or_else(|| Error::invalid(format!("The {} needs '{key}' (a string).", self.what)))
    }

    /// A string, or a number given where a string is expected; `null` counts as absent.
    pub fn optional_str(&self, key: &str) -> Result<Option<String>> {
        match self.map.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(Value::Number(n)) => Ok(Some(n.to_string())),
            Some(other) => Err(self.wrong_type(key, "a string", other)),
        }
    }

    /// An integer in `min..=max`, given as a number or a numeric string (as forms post it).
    pub fn optional_int(&self, key: &str, min: i64, max: i64) -> Result<Option<i64>> {
        let number = match self.map.get(key) {
            None | Some(Value::Null) => return Ok(None),
            Some(Value::String(s)) if s.trim().is_empty() => return Ok(None),
            Some(Value::Number(n)) => n.as_i64(),
            Some(Value::String(s)) => s.trim().parse::<i64>().ok(),
            Some(other) => return Err(self.wrong_type(key, "a whole number", other)),
        };
        match number {
            Some(n) if (min..=max).contains(&n) => Ok(Some(n)),
            _ => Err(Error::invalid(format!(
                "'{key}' in the {} must be a whole number from {min} to {max}, got {}.",
                self.what,
                shown(self.map.get(key))
            ))),
        }
    }

    /// A checkbox-like value: true/false, 1/0, "on"/"yes"/"true" or ""/"off"/"no"/"false".
    pub fn optional_bool(&self, key: &str) -> Result<Option<bool>> {
        match self.map.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(Value::Number(n)) if n.as_i64() == Some(0) || n.as_i64() == Some(1) => {
                Ok(Some(n.as_i64() == Some(1)))
            }
            Some(Value::String(s)) => match s.trim().to_ascii_lowercase().as_str() {
                "1" | "on" | "yes" | "true" => Ok(Some(true)),
                "" | "0" | "off" | "no" | "false" => Ok(Some(false)),
                _ => Err(self.wrong_type(key, "yes or no", &Value::String(s.clone()))),
            },
            Some(other) => Err(self.wrong_type(key, "yes or no", other)),
        }
    }

    /// The value given for `key` as a message quotes it ('abc', 12, nothing).
    pub fn shown(&self, key: &str) -> String {
        shown(self.map.get(key))
    }

    pub fn has(&self, key: &str) -> bool {
        self.map.contains_key(key)
    }

    fn wrong_type(&self, key: &str, expected: &str, got: &Value) -> Error {
        Error::invalid(format!(
            "'{key}' in the {} must be {expected}, got {}.",
            self.what,
            kind_of(got)
        ))
    }
}

/// A choice posted as "kind:id" ("pool:2", "product:3"), as the admin pages' pick lists
/// send it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KindId {
    pub kind: String,
    pub id: u64,
}

impl KindId {
    pub fn parse(text: &str, kinds: &[&str]) -> Result<KindId> {
        let refuse = || {
            Error::invalid(format!(
                "'{}' is not a choice from the list (expected one of {} followed by ':' and an id).",
                text.trim(),
                kinds.join(", ")
            ))
        };
        let (kind, id) = text.trim().split_once(':').ok_or_else(refuse)?;
        let id: u64 = id.trim().parse().map_err(|_| refuse())?;
        if id == 0 || !kinds.contains(&kind.trim()) {
            return Err(refuse());
        }
        Ok(KindId {
            kind: kind.trim().to_string(),
            id,
        })
    }

    /// Reads `key` ("kind:id"), else the pair of keys (kind, id) when given; None when the
    /// choice was left empty.
    pub fn read(
        f: &Fields<'_>,
        key: &str,
        pair: Option<(&str, &str)>,
        kinds: &[&str],
    ) -> Result<Option<KindId>> {
        if let Some(text) = f.optional_str(key)?.filter(|t| !t.trim().is_empty()) {
            return KindId::parse(&text, kinds).map(Some);
        }
        let Some((kind_key, id_key)) = pair else {
            return Ok(None);
        };
        match (
            f.optional_str(kind_key)?,
            f.optional_int(id_key, 1, i64::MAX)?,
        ) {
            (Some(kind), Some(id)) => {
                KindId::parse(&format!("{}:{id}", kind.trim()), kinds).map(Some)
            }
            (None, None) => Ok(None),
            _ => Err(Error::invalid(format!(
                "Give both '{kind_key}' and '{id_key}', or neither."
            ))),
        }
    }
}

fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an array",
    }
}

fn shown(value: Option<&Value>) -> String {
    match value {
        Some(Value::String(s)) => format!("'{s}'"),
        Some(v) => v.to_string(),
        None => "nothing".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn numeric_strings_are_accepted_as_integers() {
        let v = json!({"port": "3307"});
        let f = Fields::new("database settings", &v).unwrap();
        assert_eq!(f.optional_int("port", 1, 65535).unwrap(), Some(3307));
    }

    #[test]
    fn out_of_range_integers_name_the_field_and_the_range() {
        let v = json!({"port": 70000});
        let f = Fields::new("database settings", &v).unwrap();
        let msg = f.optional_int("port", 1, 65535).unwrap_err().to_string();
        assert!(
            msg.contains("'port'") && msg.contains("1 to 65535") && msg.contains("70000"),
            "{msg}"
        );
    }

    #[test]
    fn unknown_keys_are_refused_with_the_allowed_list() {
        let v = json!({"hots": "x"});
        let f = Fields::new("database settings", &v).unwrap();
        let msg = f.allow_only(&["host", "port"]).unwrap_err().to_string();
        assert!(
            msg.contains("'hots'") && msg.contains("host, port"),
            "{msg}"
        );
    }

    #[test]
    fn non_arrays_are_refused() {
        let v = json!("text");
        let msg = Fields::new("subnet", &v).err().unwrap().to_string();
        assert!(msg.contains("subnet") && msg.contains("a string"), "{msg}");
    }

    #[test]
    fn wrong_types_are_refused() {
        let v = json!({"host": [1]});
        let f = Fields::new("database settings", &v).unwrap();
        assert!(f.required_str("host").is_err());
        assert!(
            f.required_str("missing")
                .unwrap_err()
                .to_string()
                .contains("'missing'")
        );
    }
}
