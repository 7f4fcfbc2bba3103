//! MySQL/MariaDB access: credentials, the per-process pool, retries and migrations.

pub mod config;
pub mod db;
pub mod migrations;
pub mod registry;
pub mod retry;

pub use config::DbConfig;
pub use db::{Db, Failure, Outcome};
pub use retry::RetryPolicy;
