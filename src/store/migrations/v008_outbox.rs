use super::Migration;

// Panel changes waiting to be delivered: written in the same transaction as the assignment
// change that causes them, delivered after COMMIT and retried with backoff.
pub const MIGRATION: Migration = Migration {
    version: 8,
    name: "outbox of panel changes",
    statements: &["CREATE TABLE IF NOT EXISTS mod_ipmanager_outbox (
            id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
            operation ENUM('add','remove') NOT NULL,
            service_id INT UNSIGNED NOT NULL,
            server_id INT UNSIGNED NOT NULL DEFAULT 0,
            module VARCHAR(64) NOT NULL,
            username VARCHAR(190) NOT NULL DEFAULT '',
            domain VARCHAR(255) NOT NULL DEFAULT '',
            addresses TEXT NOT NULL,
            row_id BIGINT UNSIGNED NULL,
            release_mode VARCHAR(32) NOT NULL DEFAULT '',
            status ENUM('pending','delivered') NOT NULL DEFAULT 'pending',
            attempts INT UNSIGNED NOT NULL DEFAULT 0,
            next_attempt_at DATETIME(3) NOT NULL,
            last_error TEXT NULL,
            created_at DATETIME(3) NOT NULL,
            updated_at DATETIME(3) NOT NULL,
            delivered_at DATETIME(3) NULL,
            KEY due (status, next_attempt_at),
            KEY service (service_id),
            KEY address_row (row_id, status)
        ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci"],
    rebuild: None,
};
