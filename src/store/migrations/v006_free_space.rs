use super::Migration;

// Free space becomes rows: a sparse subnet's free addresses are stored as aligned free blocks
// (see `ipam::space`), which replace the per-subnet and per-pool "next free" hints. Changes
// carry an operation key so that a retry after a lost COMMIT acknowledgement never applies
// them twice, and so that a transaction Galera rolled back is never committed in part.
pub const MIGRATION: Migration = Migration {
    version: 6,
    name: "free space as rows; operation keys",
    statements: &[
        "CREATE TABLE IF NOT EXISTS mod_ipmanager_operations (
            op_key BINARY(16) NOT NULL PRIMARY KEY,
            created_at DATETIME NOT NULL,
            result LONGTEXT NULL,
            KEY idx_operations_created (created_at)
        ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci",
        "ALTER TABLE mod_ipmanager_addresses ADD INDEX IF NOT EXISTS idx_addresses_free \
         (subnet_id, state, address, prefix_len)",
        "ALTER TABLE mod_ipmanager_addresses ADD INDEX IF NOT EXISTS idx_addresses_quarantine \
         (subnet_id, state, quarantine_until)",
        "ALTER TABLE mod_ipmanager_addresses ADD INDEX IF NOT EXISTS idx_addresses_expiry \
         (state, quarantine_until)",
        "ALTER TABLE mod_ipmanager_addresses DROP INDEX IF EXISTS idx_addresses_state",
        "ALTER TABLE mod_ipmanager_subnets DROP COLUMN IF EXISTS next_hint",
        "ALTER TABLE mod_ipmanager_pools DROP COLUMN IF EXISTS next_hint",
        "DROP TABLE IF EXISTS mod_ipmanager_subnet_blocks",
    ],
    rebuild: Some(crate::ipam::space::rebuild::all_sparse_subnets),
};
