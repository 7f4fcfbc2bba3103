use super::Migration;

// Which panel integrations are on, which WHMCS modules they serve and what they do; how each
// WHMCS server is reached (TLS, pin, timeouts). The outbox learns to deliver one service's
// changes in order: a lease marks a job being delivered, and a removal supersedes an add
// of the same addresses that has not reached the panel yet.
pub const MIGRATION: Migration = Migration {
    version: 9,
    name: "panel integrations and per-server settings",
    statements: &[
        "CREATE TABLE IF NOT EXISTS mod_ipmanager_integrations (
            integration VARCHAR(32) NOT NULL PRIMARY KEY,
            enabled TINYINT(1) NOT NULL DEFAULT 0,
            modules VARCHAR(500) NOT NULL DEFAULT '',
            push_on_create TINYINT(1) NOT NULL DEFAULT 1,
            remove_on_release TINYINT(1) NOT NULL DEFAULT 1,
            options TEXT NOT NULL,
            updated_at DATETIME NOT NULL
        ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci",
        "CREATE TABLE IF NOT EXISTS mod_ipmanager_server_settings (
            server_id INT UNSIGNED NOT NULL PRIMARY KEY,
            verify_tls TINYINT(1) NOT NULL DEFAULT 1,
            fingerprint VARCHAR(100) NOT NULL DEFAULT '',
            connect_timeout_ms INT UNSIGNED NOT NULL DEFAULT 3000,
            timeout_ms INT UNSIGNED NOT NULL DEFAULT 8000,
            updated_at DATETIME NOT NULL
        ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci",
        "ALTER TABLE mod_ipmanager_outbox
            MODIFY COLUMN status ENUM('pending','delivered','superseded','forced') NOT NULL DEFAULT 'pending',
            ADD COLUMN IF NOT EXISTS leased_until DATETIME(3) NULL AFTER next_attempt_at,
            ADD COLUMN IF NOT EXISTS closed_by VARCHAR(190) NOT NULL DEFAULT '' AFTER delivered_at",
        "CREATE INDEX IF NOT EXISTS service_pending ON mod_ipmanager_outbox (service_id, status, id)",
    ],
    rebuild: None,
};
