use super::Migration;

// The NetBox integration's settings (URL, API token, TLS, timeouts, tag, release action).
pub const MIGRATION: Migration = Migration {
    version: 11,
    name: "NetBox settings",
    statements: &["CREATE TABLE IF NOT EXISTS mod_ipmanager_netbox_settings (
            setting VARCHAR(64) NOT NULL PRIMARY KEY,
            value TEXT NOT NULL
        ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci"],
    rebuild: None,
};
