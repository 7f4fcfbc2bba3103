use super::Migration;

// Reverse DNS: the PowerDNS settings, which subnets manage their reverse zones, PTRs set by
// hand (a client's or an admin's, kept while the same service holds the address), and a
// third outbox target so PTR changes go after COMMIT like panel and NetBox changes.
pub const MIGRATION: Migration = Migration {
    version: 14,
    name: "reverse DNS",
    statements: &[
        "CREATE TABLE IF NOT EXISTS mod_ipmanager_dns_settings (
            setting VARCHAR(64) NOT NULL PRIMARY KEY,
            value TEXT NOT NULL
        ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci",
        "CREATE TABLE IF NOT EXISTS mod_ipmanager_dns_subnets (
            subnet_id BIGINT UNSIGNED NOT NULL PRIMARY KEY,
            enabled TINYINT(1) NOT NULL DEFAULT 1
        ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci",
        "CREATE TABLE IF NOT EXISTS mod_ipmanager_ptrs (
            family TINYINT UNSIGNED NOT NULL,
            address VARBINARY(16) NOT NULL,
            service_id INT UNSIGNED NOT NULL,
            hostname VARCHAR(255) NOT NULL,
            set_by VARCHAR(64) NOT NULL DEFAULT '',
            updated_at DATETIME NOT NULL,
            PRIMARY KEY (family, address),
            KEY service (service_id)
        ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci",
        "ALTER TABLE mod_ipmanager_outbox MODIFY COLUMN IF EXISTS target ENUM('panel','netbox','dns') NOT NULL DEFAULT 'panel'",
        // A reset of a whole subnet's PTRs is one change naming every address.
        "ALTER TABLE mod_ipmanager_outbox MODIFY COLUMN IF EXISTS addresses MEDIUMTEXT NOT NULL",
    ],
    rebuild: None,
};
