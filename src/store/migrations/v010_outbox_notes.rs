use super::Migration;

// A delivered panel change keeps a note of what the panel cannot take through its API and
// was left out (IPv6 on cPanel, say), for the admin to configure by hand.
pub const MIGRATION: Migration = Migration {
    version: 10,
    name: "notes on panel changes",
    statements: &["ALTER TABLE mod_ipmanager_outbox \
        ADD COLUMN IF NOT EXISTS note VARCHAR(500) NOT NULL DEFAULT '' AFTER last_error"],
    rebuild: None,
};
