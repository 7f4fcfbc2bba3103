//! MySQL/MariaDB access: credentials, the per-process pool, retries and migrations.

pub mod config;
pub mod db;
pub mod key_values;
pub mod migrations;
pub mod registry;
pub mod retry;
pub mod script;
pub mod tx;

pub use config::DbConfig;
pub use db::{Counted, Db, Failure, Outcome, expect_rows};
pub use retry::RetryPolicy;
pub use tx::Tx;
