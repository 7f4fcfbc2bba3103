//! Export and Import: PHP hands a file path (a temporary file it then streams to the
//! browser, or the uploaded file), the extension reads or writes it.

use crate::error::Error;
use crate::php::args;
use crate::php::convert::{from_zval, to_php};
use crate::php::loose::Fields;
use crate::store::registry;
use crate::transfer::{self, Format, MAX_IMPORT_BYTES, export::Scope};
use ext_php_rs::prelude::*;
use ext_php_rs::types::Zval;

fn text(value: &Zval, what: &str) -> crate::Result<String> {
    match from_zval(value)? {
        serde_json::Value::String(s) if !s.trim().is_empty() => Ok(s),
        _ => Err(Error::invalid(format!(
            "{what} must be given as text (a file path, or csv, xml or json)."
        ))),
    }
}

/// Writes an export to `path`: `format` (csv, xml, json), `what` (all, subnets or
/// assignments; default all), `subnet_id` (that subnet and those inside it). Returns the
/// counts written.
#[php_function]
pub fn ipmanager_export(options: &Zval, path: &Zval) -> PhpResult<Zval> {
    let options = args::array(options, "The export options")?;
    let f = Fields::new("export options", &options)?;
    f.allow_only(&["format", "what", "subnet_id"])?;
    let format = Format::parse(&f.optional_str("format")?.unwrap_or_default())?;
    let (subnets, assignments) = match f.optional_str("what")?.as_deref().map(str::trim) {
        None | Some("" | "all") => (true, true),
        Some("subnets") => (true, false),
        Some("assignments") => (false, true),
        Some(other) => {
            return Err(Error::invalid(format!(
                "'{other}' is not what an export holds; choose all, subnets or assignments."
            ))
            .into());
        }
    };
    let scope = Scope {
        subnet_id: f
            .optional_int("subnet_id", 1, i64::MAX)?
            .map(|id| id as u64),
        subnets,
        assignments,
    };
    let to = text(path, "The export file")?;
    Ok(to_php(&transfer::export::to_file(
        &*registry::db()?,
        scope,
        format,
        &to,
    )?)?)
}

fn read_upload(from: &str) -> crate::Result<Vec<u8>> {
    let size = std::fs::metadata(from)
        .map_err(|e| Error::invalid(format!("The uploaded file cannot be read: {e}.")))?
        .len();
    if size > MAX_IMPORT_BYTES {
        return Err(Error::invalid(format!(
            "The file is {} MB; imports take at most {} MB. Split it (by subnet) and import the parts.",
            size / (1024 * 1024),
            MAX_IMPORT_BYTES / (1024 * 1024)
        )));
    }
    std::fs::read(from)
        .map_err(|e| Error::invalid(format!("The uploaded file cannot be read: {e}.")))
}

/// What importing the file would do (`added`, `already`, `refused` lines with their line
/// numbers); nothing is kept.
#[php_function]
pub fn ipmanager_import_preview(path: &Zval, format: &Zval) -> PhpResult<Zval> {
    let bytes = read_upload(&text(path, "The import file")?)?;
    let format = Format::parse(&text(format, "The format")?)?;
    Ok(to_php(&transfer::import::preview(
        &*registry::db()?,
        &bytes,
        format,
    )?)?)
}

/// Imports the file, all or nothing (refused when any line is).
#[php_function]
pub fn ipmanager_import_apply(path: &Zval, format: &Zval) -> PhpResult<Zval> {
    let bytes = read_upload(&text(path, "The import file")?)?;
    let format = Format::parse(&text(format, "The format")?)?;
    let db = registry::db()?;
    let report = transfer::import::apply(&db, &bytes, format)?;
    crate::netbox::mirror::after_call(&db, &[]);
    Ok(to_php(&report)?)
}

pub fn register(module: ModuleBuilder) -> ModuleBuilder {
    module
        .function(wrap_function!(ipmanager_export))
        .function(wrap_function!(ipmanager_import_preview))
        .function(wrap_function!(ipmanager_import_apply))
}
