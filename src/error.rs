//! The crate-wide error. Each kind maps to one PHP exception class in `php::exceptions`,
//! so every message must say what was wrong and what the caller can do about it.

use thiserror::Error;

#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum Error {
    /// The caller passed something we refuse; nothing was changed.
    #[error("{0}")]
    InvalidInput(String),
    /// A referenced object (subnet, pool, service, ...) does not exist.
    #[error("{0}")]
    NotFound(String),
    /// The request contradicts existing data (overlap, address in use, ...).
    #[error("{0}")]
    Conflict(String),
    /// A pool or subnet has no free address or prefix left.
    #[error("{0}")]
    PoolExhausted(String),
    /// A hosting panel or NetBox call failed.
    #[error("{0}")]
    Integration(String),
    /// The extension has no database credentials yet.
    #[error("{0}")]
    NotConfigured(String),
    /// The database refused or failed a statement (after retries where they apply).
    #[error("{0}")]
    Database(String),
    /// A bug in IP Manager itself; the message asks the admin to report it.
    #[error("{0}")]
    Internal(String),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn invalid(message: impl Into<String>) -> Self {
        Error::InvalidInput(message.into())
    }
}
