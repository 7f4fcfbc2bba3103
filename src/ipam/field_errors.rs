//! Validation problems tied to a form field, so the admin page can show each next to its
//! field; turned into one `InvalidInput` error where a caller just wants yes or no.

use crate::error::Error;
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    pub field: &'static str,
    pub message: String,
}

#[derive(Debug, Default)]
pub struct FieldErrors(pub Vec<FieldError>);

impl FieldErrors {
    pub fn add(&mut self, field: &'static str, message: impl Into<String>) {
        self.0.push(FieldError {
            field,
            message: message.into(),
        });
    }

    /// Records the error of a fallible step under `field` and returns its value, if any.
    pub fn check<T>(&mut self, field: &'static str, result: crate::Result<T>) -> Option<T> {
        match result {
            Ok(v) => Some(v),
            Err(e) => {
                self.add(field, e.to_string());
                None
            }
        }
    }

    /// The fields of a form limited to `allowed`; a value that is no form at all is the
    /// form's only error, unknown keys are an error under "form".
    pub fn form<'a>(
        what: &'a str,
        value: &'a serde_json::Value,
        allowed: &[&str],
    ) -> Result<(crate::php::loose::Fields<'a>, FieldErrors), FieldErrors> {
        let mut errors = FieldErrors::default();
        match crate::php::loose::Fields::new(what, value) {
            Ok(fields) => {
                errors.check("form", fields.allow_only(allowed));
                Ok((fields, errors))
            }
            Err(e) => {
                errors.add("form", e.to_string());
                Err(errors)
            }
        }
    }

    pub fn has(&self, field: &str) -> bool {
        self.0.iter().any(|e| e.field == field)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// One error for callers without a form: every message, with the field it concerns.
    pub fn into_error(self) -> Error {
        let text = self
            .0
            .iter()
            .map(|e| format!("{}: {}", e.field, e.message))
            .collect::<Vec<_>>()
            .join(" ");
        Error::InvalidInput(text)
    }
}
