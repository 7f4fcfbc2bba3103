//! Validation problems tied to a form field, so the admin page can show each next to its
//! field; turned into one `InvalidInput` error where a caller just wants yes or no.

use crate::error::Error;
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    pub field: &'static str,
    pub message: String,
}

#[derive(Debug, Clone, Default)]
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

    /// A whole number given for `field`, if it lies in `min..=max`; else the error "{what}
    /// must be a whole number from {min} to {max}, got {n}." under the field.
    pub fn within(
        &mut self,
        field: &'static str,
        value: Option<i64>,
        min: i64,
        max: i64,
        what: &str,
    ) -> Option<i64> {
        match value {
            Some(n) if (min..=max).contains(&n) => Some(n),
            Some(n) => {
                self.add(
                    field,
                    format!("{what} must be a whole number from {min} to {max}, got {n}."),
                );
                None
            }
            None => None,
        }
    }

    /// The "name" field of a subnet or pool form: `saved` when an edit leaves it out, else
    /// `given` checked (`what` and `example` word the error), empty after an error.
    pub fn name(
        &mut self,
        saved: Option<&str>,
        given: Option<&str>,
        what: &str,
        example: &str,
    ) -> String {
        match saved {
            Some(name) => name.to_string(),
            None => self
                .check(
                    "name",
                    crate::input::name(given.unwrap_or_default(), what, example),
                )
                .unwrap_or_default(),
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
