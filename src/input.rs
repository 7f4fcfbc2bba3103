//! Names as admins type them: the one rule for subnets, pools and configurations.

use crate::error::{Error, Result};

/// Longest name of a subnet, pool or configuration (the columns are VARCHAR(190)).
pub const MAX_NAME: usize = 190;

/// A name as admins type it, trimmed: 1 to 190 characters on one line, no control
/// characters. `example` completes the message for an empty name.
pub fn name(text: &str, what: &str, example: &str) -> Result<String> {
    let name = text.trim();
    if name.is_empty() {
        return Err(Error::invalid(format!(
            "Give the {what} a name, e.g. \"{example}\"."
        )));
    }
    if name.chars().count() > MAX_NAME {
        return Err(Error::invalid(format!(
            "The name is longer than {MAX_NAME} characters."
        )));
    }
    if name.chars().any(char::is_control) {
        return Err(Error::invalid(
            "The name must be one line without control characters (tabs, line breaks, NUL).",
        ));
    }
    Ok(name.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_one_trimmed_line() {
        assert_eq!(name("  VPS pool ", "pool", "x").unwrap(), "VPS pool");
        assert!(
            name("  ", "pool", "Proxmox")
                .unwrap_err()
                .to_string()
                .contains("\"Proxmox\"")
        );
        assert!(
            name("a\u{0}b", "pool", "x")
                .unwrap_err()
                .to_string()
                .contains("control")
        );
        assert!(name("a\nb", "pool", "x").is_err());
        assert!(name(&"x".repeat(191), "pool", "x").is_err());
    }
}
