//! What the panel clients asked and what the panels answered, for WHMCS's module log
//! (`logModuleCall`). The clients write here with their secrets already masked; the addon
//! drains the journal after each native call that may talk to a panel and hands each entry
//! to `logModuleCall`. Bounded, so a worker that never drains it does not grow.

use parking_lot::Mutex;
use serde::Serialize;

const MOST_KEPT: usize = 200;
const LONGEST_TEXT: usize = 20_000;
pub const MASK: &str = "********";

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ModuleCall {
    /// The panel ("Proxmox VE", "cPanel", ...).
    pub module: String,
    pub action: String,
    pub request: String,
    pub response: String,
}

static CALLS: Mutex<Vec<ModuleCall>> = Mutex::new(Vec::new());

pub fn record(module: &str, action: &str, request: &str, response: &str) {
    let mut calls = CALLS.lock();
    if calls.len() >= MOST_KEPT {
        calls.remove(0);
    }
    calls.push(ModuleCall {
        module: module.to_string(),
        action: action.to_string(),
        request: clip(request),
        response: clip(response),
    });
}

/// Everything recorded since the last drain, oldest first.
pub fn drain() -> Vec<ModuleCall> {
    std::mem::take(&mut *CALLS.lock())
}

/// `text` with every occurrence of each secret (and its URL-encoded form) replaced.
pub fn mask(text: &str, secrets: &[String]) -> String {
    let mut out = text.to_string();
    for secret in secrets.iter().filter(|s| !s.is_empty()) {
        out = out.replace(secret.as_str(), MASK);
        let encoded = super::http::path_segment(secret);
        if encoded != *secret {
            out = out.replace(&encoded, MASK);
        }
    }
    out
}

fn clip(text: &str) -> String {
    if text.len() <= LONGEST_TEXT {
        return text.to_string();
    }
    let mut end = LONGEST_TEXT;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}… ({} bytes in all)", &text[..end], text.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_masked_plain_and_url_encoded() {
        let secrets = vec!["s3cr=t/1".to_string(), String::new()];
        let shown = mask("key=s3cr=t/1&k2=s3cr%3Dt%2F1", &secrets);
        assert_eq!(shown, format!("key={MASK}&k2={MASK}"));
    }

    #[test]
    fn long_texts_are_clipped_on_a_character_boundary() {
        let text = "é".repeat(LONGEST_TEXT);
        let clipped = clip(&text);
        assert!(clipped.len() < text.len() && clipped.contains("bytes in all"));
    }
}
