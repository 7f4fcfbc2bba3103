use super::Migration;

// Addresses are VARBINARY(16) in network order (4 bytes IPv4, 16 bytes IPv6), so the
// database orders and range-scans them correctly within a family. Counts are DECIMAL(39,0):
// an IPv6 /48 holds 2^80 addresses, beyond any integer column.
pub const MIGRATION: Migration = Migration {
    version: 3,
    name: "IPAM: subnets, blocked ranges, pools, addresses",
    statements: &[
        "CREATE TABLE IF NOT EXISTS mod_ipmanager_subnets (
            id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
            name VARCHAR(190) NOT NULL,
            family TINYINT UNSIGNED NOT NULL,
            network VARBINARY(16) NOT NULL,
            last_address VARBINARY(16) NOT NULL,
            prefix_len TINYINT UNSIGNED NOT NULL,
            parent_id BIGINT UNSIGNED NULL,
            gateway VARBINARY(16) NULL,
            vlan SMALLINT UNSIGNED NULL,
            description TEXT NOT NULL,
            stored TINYINT(1) NOT NULL DEFAULT 0,
            rules_json TEXT NOT NULL,
            reserved_text TEXT NOT NULL,
            excluded_text TEXT NOT NULL,
            assigned_count DECIMAL(39,0) NOT NULL DEFAULT 0,
            reserved_count DECIMAL(39,0) NOT NULL DEFAULT 0,
            next_hint VARBINARY(16) NULL,
            created_at DATETIME NOT NULL,
            updated_at DATETIME NOT NULL,
            UNIQUE KEY uq_subnets_network (family, network, prefix_len),
            KEY idx_subnets_parent (parent_id),
            KEY idx_subnets_range (family, network, last_address)
        ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci",
        "CREATE TABLE IF NOT EXISTS mod_ipmanager_subnet_blocks (
            id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
            subnet_id BIGINT UNSIGNED NOT NULL,
            start_address VARBINARY(16) NOT NULL,
            end_address VARBINARY(16) NOT NULL,
            reason VARCHAR(16) NOT NULL,
            KEY idx_blocks_subnet (subnet_id, start_address)
        ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci",
        "CREATE TABLE IF NOT EXISTS mod_ipmanager_pools (
            id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
            subnet_id BIGINT UNSIGNED NOT NULL,
            name VARCHAR(190) NOT NULL,
            range_start VARBINARY(16) NOT NULL,
            range_end VARBINARY(16) NOT NULL,
            unit_prefix_len TINYINT UNSIGNED NOT NULL,
            description TEXT NOT NULL,
            assigned_count DECIMAL(39,0) NOT NULL DEFAULT 0,
            next_hint VARBINARY(16) NULL,
            created_at DATETIME NOT NULL,
            updated_at DATETIME NOT NULL,
            UNIQUE KEY uq_pools_name (name),
            KEY idx_pools_subnet (subnet_id)
        ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci",
        "CREATE TABLE IF NOT EXISTS mod_ipmanager_addresses (
            id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
            subnet_id BIGINT UNSIGNED NOT NULL,
            pool_id BIGINT UNSIGNED NULL,
            address VARBINARY(16) NOT NULL,
            last_address VARBINARY(16) NOT NULL,
            prefix_len TINYINT UNSIGNED NOT NULL,
            size DECIMAL(39,0) NOT NULL,
            state ENUM('free','reserved','assigned','releasing','quarantined') NOT NULL,
            blocked TINYINT(1) NOT NULL DEFAULT 0,
            service_id INT UNSIGNED NULL,
            quarantine_until DATETIME NULL,
            note VARCHAR(190) NOT NULL DEFAULT '',
            updated_at DATETIME NOT NULL,
            UNIQUE KEY uq_addresses_subnet_address (subnet_id, address),
            KEY idx_addresses_state (subnet_id, state, prefix_len, address),
            KEY idx_addresses_service (service_id, pool_id),
            KEY idx_addresses_pool (pool_id, state)
        ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci",
    ],
    rebuild: None,
};
