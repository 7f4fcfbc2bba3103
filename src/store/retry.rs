//! Which database failures are worth a second try, and the bounded loop that tries again.

use std::thread;
use std::time::Duration;

/// Attempts per operation, first one included. Enough to ride out a burst of deadlocks
/// between concurrent allocations, small enough that a real outage surfaces quickly.
pub const MAX_ATTEMPTS: u32 = 6;

/// MySQL/MariaDB server error codes we retry.
pub const ER_LOCK_WAIT_TIMEOUT: u16 = 1205;
pub const ER_LOCK_DEADLOCK: u16 = 1213;
pub const ER_DUP_ENTRY: u16 = 1062;
/// "Server has gone away" / "Lost connection" as some servers and proxies report them.
const CR_SERVER_GONE: u16 = 2006;
const CR_SERVER_LOST: u16 = 2013;
/// Connection killed by the server (KILL, wait_timeout, failover) while we held it.
const ER_CONNECTION_KILLED: u16 = 1927;

/// Why an attempt failed, as far as retrying is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transient {
    Deadlock,
    LockWait,
    LostConnection,
    DuplicateKey,
}

/// Classifies a mysql error; `None` means "do not retry".
pub fn classify(err: &mysql::Error) -> Option<Transient> {
    match err {
        mysql::Error::MySqlError(e) => match e.code {
            ER_LOCK_DEADLOCK => Some(Transient::Deadlock),
            ER_LOCK_WAIT_TIMEOUT => Some(Transient::LockWait),
            ER_DUP_ENTRY => Some(Transient::DuplicateKey),
            CR_SERVER_GONE | CR_SERVER_LOST | ER_CONNECTION_KILLED => {
                Some(Transient::LostConnection)
            }
            _ => None,
        },
        // A broken socket shows up as an I/O error or, mid-packet, as a codec error; either
        // way the connection is unusable and the work must run again on a fresh one.
        mysql::Error::IoError(_) | mysql::Error::CodecError(_) => Some(Transient::LostConnection),
        _ => None,
    }
}

/// Which transient failures a caller wants retried. Duplicate keys are only worth a retry
/// where a concurrent writer can have taken the same row (the allocator); elsewhere they
/// are the user's conflict and must be reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RetryPolicy {
    Transient,
    TransientAndDuplicate,
}

impl RetryPolicy {
    pub fn allows(self, kind: Transient) -> bool {
        match kind {
            Transient::DuplicateKey => self == RetryPolicy::TransientAndDuplicate,
            _ => true,
        }
    }
}

/// Short, growing pause so that racing transactions stop colliding in lock-step.
pub fn backoff(attempt: u32) {
    let millis = 2u64 << attempt.min(6);
    thread::sleep(Duration::from_millis(millis));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn server_error(code: u16) -> mysql::Error {
        mysql::Error::MySqlError(mysql::MySqlError {
            state: "40001".into(),
            message: "test".into(),
            code,
        })
    }

    #[test]
    fn deadlock_lock_wait_and_lost_connection_are_transient() {
        assert_eq!(classify(&server_error(1213)), Some(Transient::Deadlock));
        assert_eq!(classify(&server_error(1205)), Some(Transient::LockWait));
        assert_eq!(
            classify(&server_error(2013)),
            Some(Transient::LostConnection)
        );
        let io = mysql::Error::IoError(std::io::Error::other("reset"));
        assert_eq!(classify(&io), Some(Transient::LostConnection));
    }

    #[test]
    fn syntax_and_access_errors_are_not_retried() {
        assert_eq!(classify(&server_error(1064)), None);
        assert_eq!(classify(&server_error(1045)), None);
    }

    #[test]
    fn duplicate_keys_are_retried_only_when_asked() {
        assert!(!RetryPolicy::Transient.allows(Transient::DuplicateKey));
        assert!(RetryPolicy::TransientAndDuplicate.allows(Transient::DuplicateKey));
        assert!(RetryPolicy::Transient.allows(Transient::Deadlock));
    }
}
