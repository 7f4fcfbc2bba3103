use super::Migration;

// Which NetBox scope each subnet maps to (a site, a tenant, a VRF), by NetBox's ids.
pub const MIGRATION: Migration = Migration {
    version: 12,
    name: "NetBox scopes of subnets",
    statements: &["CREATE TABLE IF NOT EXISTS mod_ipmanager_netbox_scopes (
            subnet_id BIGINT UNSIGNED NOT NULL PRIMARY KEY,
            site_id INT UNSIGNED NULL,
            tenant_id INT UNSIGNED NULL,
            vrf_id INT UNSIGNED NULL
        ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci"],
    rebuild: None,
};
