//! Export and Import (the spec's Export/Import page): subnets with their rules and pools,
//! and assignments, as CSV, XML or JSON. Exports are written row by row to a file the page
//! then streams, so a million rows never sit in memory; imports are checked line by line,
//! previewed (the same statements, rolled back) and applied all or nothing.

pub mod export;
pub mod import;
pub mod parse;
pub mod records;

use crate::error::{Error, Result};
use serde::Serialize;

/// Largest file an import reads (an export of 100,000 assignments is about 6 MB as CSV).
pub const MAX_IMPORT_BYTES: u64 = 64 * 1024 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Csv,
    Xml,
    Json,
}

impl Format {
    pub fn parse(text: &str) -> Result<Format> {
        match text.trim().to_ascii_lowercase().as_str() {
            "csv" => Ok(Format::Csv),
            "xml" => Ok(Format::Xml),
            "json" => Ok(Format::Json),
            other => Err(Error::invalid(format!(
                "'{other}' is not an export format; choose csv, xml or json."
            ))),
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Xml => "xml",
            Format::Json => "json",
        }
    }
}
