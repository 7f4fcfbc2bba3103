//! Which database failures are worth a second try, and the time budget for trying again.

use std::thread;
use std::time::{Duration, Instant};

/// How long one operation may keep retrying, all attempts together. Long enough to ride
/// out bursts of Galera certification conflicts between writers on several nodes, short
/// enough that a PHP request (and a checkout) fails with a clear message instead of hanging.
pub const BUDGET: Duration = Duration::from_secs(15);
/// Longest pause between two attempts.
const MAX_PAUSE: Duration = Duration::from_millis(200);

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
    /// What was read under the locks had changed before the write (or a Galera node rolled
    /// the transaction back): nothing was written, run it again.
    Stale,
}

impl Transient {
    pub fn describe(self) -> &'static str {
        match self {
            Transient::Deadlock => "deadlocks or Galera certification conflicts",
            Transient::LockWait => "lock wait timeouts",
            Transient::LostConnection => "lost connections",
            Transient::DuplicateKey => "duplicate keys from concurrent writers",
            Transient::Stale => "concurrent changes to the same rows",
        }
    }
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

/// The time left for retries of one operation, and the pause before each further attempt.
pub struct Budget {
    started: Instant,
    attempts: u32,
    /// State of a small xorshift generator for the jitter (seeded from the clock and the
    /// process: racing workers must not retry in lock-step).
    seed: u64,
}

impl Budget {
    pub fn start() -> Budget {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        Budget {
            started: Instant::now(),
            attempts: 1,
            seed: (u64::from(nanos) << 20) ^ u64::from(std::process::id()) | 1,
        }
    }

    pub fn attempts(&self) -> u32 {
        self.attempts
    }

    /// Sleeps before the next attempt; false when the budget does not allow another one.
    /// The pause grows with each attempt (1 ms, 2 ms, 4 ms, ... up to 200 ms) and is
    /// randomised between half and all of that, so colliding writers spread out.
    pub fn wait_before_next(&mut self, _kind: Transient) -> bool {
        let ceiling = Duration::from_millis(1u64 << self.attempts.min(8)).min(MAX_PAUSE);
        self.seed ^= self.seed << 13;
        self.seed ^= self.seed >> 7;
        self.seed ^= self.seed << 17;
        let fraction = 0.5 + (self.seed % 1000) as f64 / 2000.0;
        let pause = ceiling.mul_f64(fraction);
        if self.started.elapsed() + pause >= BUDGET {
            return false;
        }
        thread::sleep(pause);
        self.attempts += 1;
        true
    }
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
    fn pauses_grow_and_stay_within_the_budget() {
        let mut budget = Budget::start();
        let before = Instant::now();
        for _ in 0..5 {
            assert!(budget.wait_before_next(Transient::Deadlock));
        }
        // 1..32 ms ceilings, at least half of each: 31 ms at the least, well under 100 ms.
        let spent = before.elapsed();
        assert!(
            spent >= Duration::from_millis(15) && spent < Duration::from_millis(200),
            "{spent:?}"
        );
        assert_eq!(budget.attempts(), 6);
        budget.started -= BUDGET;
        assert!(!budget.wait_before_next(Transient::Deadlock));
    }

    #[test]
    fn duplicate_keys_are_retried_only_when_asked() {
        assert!(!RetryPolicy::Transient.allows(Transient::DuplicateKey));
        assert!(RetryPolicy::TransientAndDuplicate.allows(Transient::DuplicateKey));
        assert!(RetryPolicy::Transient.allows(Transient::Deadlock));
    }
}
