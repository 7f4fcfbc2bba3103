use super::Migration;

pub const MIGRATION: Migration = Migration {
    version: 1,
    name: "foundation: schema version and settings",
    statements: &[
        "CREATE TABLE IF NOT EXISTS mod_ipmanager_schema_version (
            version INT UNSIGNED NOT NULL PRIMARY KEY,
            name VARCHAR(190) NOT NULL,
            applied_at DATETIME NOT NULL
        ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci",
        "CREATE TABLE IF NOT EXISTS mod_ipmanager_settings (
            name VARCHAR(64) NOT NULL PRIMARY KEY,
            value TEXT NOT NULL,
            updated_at DATETIME NOT NULL
        ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci",
    ],
    rebuild: None,
};
