//! PHP values ↔ `serde_json::Value`. Core functions speak serde types; this is the only
//! place that turns them into PHP arrays (keeping key order) and back.

use crate::error::{Error, Result};
use ext_php_rs::boxed::ZBox;
use ext_php_rs::convert::IntoZval;
use ext_php_rs::types::{ArrayKey, ZendHashTable, Zval};
use serde::Serialize;
use serde_json::{Map, Number, Value};

/// Deepest nesting accepted from PHP; guards against self-referencing arrays.
const MAX_DEPTH: usize = 32;

pub fn from_zval(zval: &Zval) -> Result<Value> {
    from_zval_at(zval, 0)
}

fn from_zval_at(zval: &Zval, depth: usize) -> Result<Value> {
    if depth > MAX_DEPTH {
        return Err(Error::invalid(format!(
            "Arrays nested deeper than {MAX_DEPTH} levels are not accepted."
        )));
    }
    let zval = zval.dereference();
    if zval.is_null() {
        return Ok(Value::Null);
    }
    if let Some(b) = zval.bool() {
        return Ok(Value::Bool(b));
    }
    if let Some(n) = zval.long() {
        return Ok(Value::Number(n.into()));
    }
    if let Some(f) = zval.double() {
        return Number::from_f64(f)
            .map(Value::Number)
            .ok_or_else(|| Error::invalid("NaN and infinite numbers are not accepted."));
    }
    if zval.is_string() {
        return zval
            .string()
            .ok_or_else(|| Error::invalid("Strings must be valid UTF-8."))
            .and_then(|s| checked_text(s, "Strings"))
            .map(Value::String);
    }
    if let Some(array) = zval.array() {
        return array_to_value(array, depth);
    }
    Err(Error::invalid(format!(
        "A value of PHP type {} is not accepted here; pass strings, numbers, booleans or arrays.",
        zval.get_type()
    )))
}

fn array_to_value(array: &ZendHashTable, depth: usize) -> Result<Value> {
    if array.has_sequential_keys() {
        return array
            .values()
            .map(|v| from_zval_at(v, depth + 1))
            .collect::<Result<Vec<_>>>()
            .map(Value::Array);
    }
    let mut map = Map::new();
    for (key, value) in array.iter() {
        let key = match key {
            ArrayKey::Long(n) => n.to_string(),
            ArrayKey::String(s) => s,
            ArrayKey::Str(s) => s.to_string(),
            ArrayKey::ZendString(s) => s
                .as_str()
                .map_err(|_| Error::invalid("Array keys must be valid UTF-8."))?
                .to_string(),
        };
        map.insert(
            checked_text(key, "Array keys")?,
            from_zval_at(value, depth + 1)?,
        );
    }
    Ok(Value::Object(map))
}

/// Text from PHP may hold line breaks and tabs (lists, descriptions) but no other control
/// characters: a NUL byte in particular would cut the string short in C and cannot even be
/// put into an exception message.
fn checked_text(text: String, what: &str) -> Result<String> {
    match text
        .chars()
        .find(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        None => Ok(text),
        Some(c) => Err(Error::invalid(format!(
            "{what} must not contain control characters; found U+{:04X}{}.",
            u32::from(c),
            if c == '\0' { " (a NUL byte)" } else { "" }
        ))),
    }
}

pub fn to_zval(value: &Value) -> Result<Zval> {
    let mut zval = Zval::new();
    match value {
        Value::Null => zval.set_null(),
        Value::Bool(b) => zval.set_bool(*b),
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                zval.set_long(i);
            } else {
                zval.set_double(n.as_f64().unwrap_or(f64::NAN));
            }
        }
        Value::String(s) => zval.set_string(s, false).map_err(internal)?,
        Value::Array(items) => {
            let mut table = ZendHashTable::with_capacity(len_hint(items.len()));
            for item in items {
                table.push(to_zval(item)?).map_err(internal)?;
            }
            zval.set_hashtable(table);
        }
        Value::Object(map) => {
            let mut table: ZBox<ZendHashTable> = ZendHashTable::with_capacity(len_hint(map.len()));
            for (key, item) in map {
                table
                    .insert(key.as_str(), to_zval(item)?)
                    .map_err(internal)?;
            }
            zval.set_hashtable(table);
        }
    }
    Ok(zval)
}

/// Serialises any core result straight into a PHP value.
pub fn to_php<T: Serialize>(value: &T) -> Result<Zval> {
    let json = serde_json::to_value(value).map_err(|e| internal(e.to_string()))?;
    to_zval(&json)
}

pub fn string_zval(s: &str) -> Result<Zval> {
    s.into_zval(false).map_err(internal)
}

fn len_hint(len: usize) -> u32 {
    u32::try_from(len).unwrap_or(u32::MAX)
}

fn internal(e: impl std::fmt::Display) -> Error {
    Error::Internal(format!(
        "Internal error while building the PHP result ({e}); please report this to IP Manager support."
    ))
}
