//! Daily upkeep: ended quarantines back to free space everywhere, and operation keys old
//! enough that no retry can still be looking for them purged.

use crate::error::Result;
use crate::ipam::release;
use crate::store::{Db, RetryPolicy};
use mysql::prelude::Queryable;
use serde::Serialize;

/// Operation keys are looked up only by retries of the same request (seconds); a day is ample.
const KEEP_KEYS_HOURS: u32 = 24;
/// Keys deleted per statement, so the purge never holds many row locks at once.
const PURGE_BATCH: u32 = 5000;

#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct Upkeep {
    pub quarantines_ended: u64,
    pub operation_keys_purged: u64,
}

pub fn run(db: &Db) -> Result<Upkeep> {
    let quarantines_ended = release::settle_all(db)?;
    let mut operation_keys_purged = 0;
    loop {
        let purged = db.transaction(RetryPolicy::Transient, |tx| {
            tx.exec_drop(
                format!(
                    "DELETE FROM mod_ipmanager_operations WHERE created_at < UTC_TIMESTAMP() - INTERVAL ? HOUR \
                     LIMIT {PURGE_BATCH}"
                ),
                (KEEP_KEYS_HOURS,),
            )?;
            Ok(tx.affected_rows())
        })?;
        operation_keys_purged += purged;
        if purged < u64::from(PURGE_BATCH) {
            break;
        }
    }
    Ok(Upkeep {
        quarantines_ended,
        operation_keys_purged,
    })
}
