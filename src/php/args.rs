//! Reading PHP arguments into plain values with IP Manager's own error messages.

use crate::error::{Error, Result};
use crate::php::convert::from_zval;
use ext_php_rs::types::Zval;
use serde_json::Value;

/// A positive id (`int` or numeric string).
pub fn id(zval: &Zval, what: &str) -> Result<u64> {
    match from_zval(zval)? {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse::<i64>().ok(),
        _ => None,
    }
    .filter(|n| *n > 0)
    .map(|n| n as u64)
    .ok_or_else(|| Error::invalid(format!("{what} must be a positive whole number.")))
}

/// An optional id: null or absent means none.
pub fn optional_id(zval: Option<&Zval>, what: &str) -> Result<Option<u64>> {
    match zval {
        None => Ok(None),
        Some(z) if z.is_null() => Ok(None),
        Some(z) => id(z, what).map(Some),
    }
}

pub fn flag(zval: Option<&Zval>, what: &str) -> Result<bool> {
    match zval.map(from_zval).transpose()? {
        None | Some(Value::Null) => Ok(false),
        Some(Value::Bool(b)) => Ok(b),
        Some(Value::Number(n)) if n.as_i64() == Some(0) || n.as_i64() == Some(1) => {
            Ok(n.as_i64() == Some(1))
        }
        _ => Err(Error::invalid(format!("{what} must be true or false."))),
    }
}

/// An array argument (an empty PHP array counts as an array with no keys).
pub fn array(zval: &Zval, what: &str) -> Result<Value> {
    match from_zval(zval)? {
        v @ Value::Object(_) => Ok(v),
        Value::Array(a) if a.is_empty() => Ok(Value::Object(Default::default())),
        _ => Err(Error::invalid(format!(
            "{what} must be an array with named keys."
        ))),
    }
}

/// An optional array argument: absent or null means no keys (e.g. "no filters").
pub fn optional_array(zval: Option<&Zval>, what: &str) -> Result<Value> {
    match zval {
        Some(z) if !z.is_null() => array(z, what),
        _ => Ok(Value::Object(Default::default())),
    }
}
