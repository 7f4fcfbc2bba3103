use super::Migration;

pub const MIGRATION: Migration = Migration {
    version: 4,
    name: "provisioning: configurations and relations",
    statements: &[
        "CREATE TABLE IF NOT EXISTS mod_ipmanager_configurations (
            id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
            name VARCHAR(190) NOT NULL,
            omit_dedicated_ip TINYINT(1) NOT NULL DEFAULT 0,
            custom_field VARCHAR(190) NOT NULL DEFAULT '',
            ipv4_count INT UNSIGNED NOT NULL DEFAULT 1,
            ipv6_count INT UNSIGNED NOT NULL DEFAULT 0,
            created_at DATETIME NOT NULL,
            updated_at DATETIME NOT NULL,
            UNIQUE KEY uq_configurations_name (name)
        ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci",
        "CREATE TABLE IF NOT EXISTS mod_ipmanager_relations (
            id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
            configuration_id BIGINT UNSIGNED NOT NULL,
            target_type ENUM('product','server','addon','configoption') NOT NULL,
            target_id INT UNSIGNED NOT NULL,
            option_value_id INT UNSIGNED NULL,
            extra_count INT UNSIGNED NOT NULL DEFAULT 1,
            pool_id BIGINT UNSIGNED NULL,
            subnet_id BIGINT UNSIGNED NULL,
            created_at DATETIME NOT NULL,
            KEY idx_relations_target (target_type, target_id),
            KEY idx_relations_configuration (configuration_id)
        ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci",
    ],
    rebuild: None,
};
