use super::Migration;

pub const MIGRATION: Migration = Migration {
    version: 2,
    name: "change log: who changed what, before and after",
    statements: &["CREATE TABLE IF NOT EXISTS mod_ipmanager_logs (
            id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
            created_at DATETIME(3) NOT NULL,
            actor_type ENUM('admin','client','system','cron') NOT NULL,
            actor_id INT UNSIGNED NOT NULL DEFAULT 0,
            action VARCHAR(64) NOT NULL,
            object_type VARCHAR(32) NOT NULL,
            object_id BIGINT UNSIGNED NULL,
            before_json LONGTEXT NULL,
            after_json LONGTEXT NULL,
            message TEXT NOT NULL,
            KEY idx_logs_created (created_at),
            KEY idx_logs_object (object_type, object_id),
            KEY idx_logs_action (action, created_at)
        ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci"],
    rebuild: None,
};
