use super::Migration;

// Permanent rows that a commit packet's guards collide with, on purpose, to stop the packet
// before COMMIT when a write changed other rows than expected (see store::script::Script).
pub const MIGRATION: Migration = Migration {
    version: 7,
    name: "guard rows that stop a packet before COMMIT",
    statements: &[
        "CREATE TABLE IF NOT EXISTS mod_ipmanager_guard (
            reason VARCHAR(32) NOT NULL PRIMARY KEY
        ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci",
        "INSERT IGNORE INTO mod_ipmanager_guard (reason) VALUES ('ipmanager-stale'), ('ipmanager-lost'), ('ipmanager-done')",
    ],
    rebuild: None,
};
