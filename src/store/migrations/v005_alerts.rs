use super::Migration;

pub const MIGRATION: Migration = Migration {
    version: 5,
    name: "usage alerts: which subnets and pools are above their threshold",
    statements: &["CREATE TABLE IF NOT EXISTS mod_ipmanager_usage_alerts (
            object_type ENUM('subnet','pool') NOT NULL,
            object_id BIGINT UNSIGNED NOT NULL,
            alerted TINYINT(1) NOT NULL DEFAULT 0,
            last_percent DECIMAL(5,1) NOT NULL DEFAULT 0,
            last_alert_at DATETIME NULL,
            PRIMARY KEY (object_type, object_id)
        ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci"],
    rebuild: None,
};
