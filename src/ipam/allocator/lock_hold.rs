//! How long this process's allocations held their subnet's lock, at least: from the read
//! packet's answer (the lock is held by then) to COMMIT's acknowledgement (it is released
//! by then). The server's work between granting the lock and answering is not seen from
//! here, so the true hold is somewhat longer. `ipmanager_status()` shows it.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

static HOLDS: AtomicU64 = AtomicU64::new(0);
static HELD_NANOS: AtomicU64 = AtomicU64::new(0);

pub fn record(held: Duration) {
    HOLDS.fetch_add(1, Ordering::Relaxed);
    HELD_NANOS.fetch_add(
        u64::try_from(held.as_nanos()).unwrap_or(u64::MAX),
        Ordering::Relaxed,
    );
}

/// Allocations timed so far, and their mean hold in microseconds (0 when none).
pub fn summary() -> (u64, f64) {
    let holds = HOLDS.load(Ordering::Relaxed);
    let nanos = HELD_NANOS.load(Ordering::Relaxed);
    let mean = if holds == 0 {
        0.0
    } else {
        nanos as f64 / holds as f64 / 1000.0
    };
    (holds, mean)
}
