use super::Migration;

// The outbox carries NetBox changes beside panel changes: each row names where it goes, and
// one target's outage never holds back the other's (ordering is per service and target).
pub const MIGRATION: Migration = Migration {
    version: 13,
    name: "outbox targets (panel, NetBox)",
    statements: &[
        "ALTER TABLE mod_ipmanager_outbox \
         ADD COLUMN IF NOT EXISTS target ENUM('panel','netbox') NOT NULL DEFAULT 'panel' AFTER id",
        "CREATE INDEX IF NOT EXISTS target_service ON mod_ipmanager_outbox (target, service_id, status)",
    ],
    rebuild: None,
};
