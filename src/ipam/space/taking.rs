//! The statements that write a take (`free_set::Changes`) back, as one batch that travels
//! with the transaction's next packet — usually the one that commits.
//!
//! Every statement is followed by a check of the rows it changed; unless each changed exactly
//! the rows planned, the packet stops before COMMIT and the attempt runs again, so nothing is
//! written over a row that changed. Values are written by the mysql crate's own escaping
//! (`script::literal`).

use super::blocks::{Block, Run};
use super::free_set::Changes;
use super::rows::Owner;
use crate::error::Error;
use crate::net::{Addr, Amount, Family};
use crate::store::script::{Script, literal};

/// Rows per multi-row statement: keeps each statement far below the packet limit.
const BATCH: usize = 2000;

/// The statements for `changes` in subnet `subnet_id`; `owners[i]` receives `units[i]`.
pub fn script(
    subnet_id: u64,
    family: Family,
    changes: &Changes,
    owners: &[Owner],
) -> crate::Result<Script> {
    if owners.len() != changes.units.len() {
        return Err(Error::Internal("Every taken unit needs its owner.".into()));
    }
    let mut out = Script::default();
    for chunk in changes.deleted.chunks(BATCH) {
        let rows = chunk
            .iter()
            .map(|id| as_read(changes, family, *id))
            .collect::<crate::Result<Vec<_>>>()?;
        out.push(format!(
            "DELETE FROM mod_ipmanager_addresses WHERE state = 'free' AND ({})",
            rows.join(" OR ")
        ));
        out.expect_rows(chunk.len() as u64);
    }
    for (id, run) in &changes.moved {
        out.push(format!(
            "UPDATE mod_ipmanager_addresses SET address = {}, last_address = {}, prefix_len = {}, \
             size = {}, updated_at = UTC_TIMESTAMP() WHERE state = 'free' AND {}",
            bytes(family, run.start),
            bytes(family, run.end),
            literal(family.bits() - run.fit()),
            size(*run),
            as_read(changes, family, *id)?
        ));
        out.expect_rows(1);
    }
    for chunk in changes.new_free.chunks(BATCH) {
        let rows: Vec<String> = chunk
            .iter()
            .map(|run| {
                format!(
                    "({}, 'free', UTC_TIMESTAMP())",
                    leading(subnet_id, family, *run, family.bits() - run.fit(), None)
                )
            })
            .collect();
        out.push(format!(
            "INSERT INTO mod_ipmanager_addresses (subnet_id, pool_id, address, last_address, prefix_len, size, \
             state, updated_at) VALUES {}",
            rows.join(",")
        ));
        out.expect_rows(chunk.len() as u64);
    }
    let units: Vec<(Block, Option<u64>, Owner)> = changes
        .units
        .iter()
        .zip(owners)
        .map(|((block, id), owner)| (*block, *id, *owner))
        .collect();
    for chunk in units.chunks(BATCH) {
        out.push(insert_units(subnet_id, family, chunk));
        let converted = chunk.iter().filter(|(_, id, _)| id.is_some()).count() as u64;
        let inserted = chunk.len() as u64 - converted;
        // ON DUPLICATE KEY UPDATE counts a changed row twice.
        out.expect_rows(inserted + 2 * converted);
    }
    Ok(out)
}

/// Taken units as assigned rows. A unit that was exactly a free row takes that row over,
/// only while the row is still free and still ends where the unit ends; `state` is set last
/// so the other columns still see the old state, and a row that does not qualify stays
/// untouched (and the row count shows it).
fn insert_units(subnet_id: u64, family: Family, units: &[(Block, Option<u64>, Owner)]) -> String {
    let rows: Vec<String> = units
        .iter()
        .map(|(block, _, owner)| {
            let run = Run {
                start: block.start(),
                end: block.end(),
            };
            let prefix_len = family.bits() - block.host_bits();
            format!(
                "({}, 'assigned', {}, UTC_TIMESTAMP())",
                leading(subnet_id, family, run, prefix_len, owner.pool_id),
                literal(owner.service_id)
            )
        })
        .collect();
    const TAKES_OVER: &str = "state = 'free' AND last_address = VALUES(last_address)";
    format!(
        "INSERT INTO mod_ipmanager_addresses (subnet_id, pool_id, address, last_address, prefix_len, size, state, \
         service_id, updated_at) VALUES {} \
         ON DUPLICATE KEY UPDATE pool_id = IF({TAKES_OVER}, VALUES(pool_id), pool_id), \
         service_id = IF({TAKES_OVER}, VALUES(service_id), service_id), \
         prefix_len = IF({TAKES_OVER}, VALUES(prefix_len), prefix_len), \
         quarantine_until = IF({TAKES_OVER}, NULL, quarantine_until), note = IF({TAKES_OVER}, '', note), \
         updated_at = IF({TAKES_OVER}, VALUES(updated_at), updated_at), \
         state = IF({TAKES_OVER}, 'assigned', state)",
        rows.join(",")
    )
}

/// A free row as it was read: its id and the run it stored.
fn as_read(changes: &Changes, family: Family, id: u64) -> crate::Result<String> {
    let run = changes
        .read
        .get(&id)
        .ok_or_else(|| Error::Internal(format!("Free row #{id} is changed but was never read.")))?;
    Ok(format!(
        "(id = {} AND address = {} AND last_address = {})",
        literal(id),
        bytes(family, run.start),
        bytes(family, run.end)
    ))
}

/// subnet, pool, first, last, prefix length, size: the columns every row starts with.
fn leading(
    subnet_id: u64,
    family: Family,
    run: Run,
    prefix_len: u8,
    pool_id: Option<u64>,
) -> String {
    format!(
        "{}, {}, {}, {}, {}, {}",
        literal(subnet_id),
        literal(pool_id),
        bytes(family, run.start),
        bytes(family, run.end),
        literal(prefix_len),
        size(run)
    )
}

fn bytes(family: Family, value: u128) -> String {
    literal(Addr::new(family, value).to_bytes())
}

fn size(run: Run) -> String {
    format!(
        "CAST({} AS DECIMAL(39,0))",
        literal(Amount::of_size(run.size()).to_string())
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_split_run_is_moved_and_the_unit_inserted_each_with_its_check() {
        let run = |a, b| Run::new(a, b).unwrap();
        let changes = Changes {
            moved: vec![(7, run(1, 255))],
            deleted: vec![],
            new_free: vec![],
            units: vec![(Block::new(0, 0).unwrap(), None)],
            read: [(7, run(0, 255))].into_iter().collect(),
        };
        let owner = Owner {
            service_id: 42,
            pool_id: Some(3),
        };
        let sql = script(5, Family::V4, &changes, &[owner]).unwrap().sql();
        let statements: Vec<&str> = sql.split(";\n").collect();
        assert_eq!(statements.len(), 4, "{sql}");
        let expected_move = format!(
            "UPDATE mod_ipmanager_addresses SET address = {}, last_address = {ff}, prefix_len = 25, \
             size = CAST('255' AS DECIMAL(39,0)), updated_at = UTC_TIMESTAMP() WHERE state = 'free' \
             AND (id = 7 AND address = {} AND last_address = {ff})",
            literal(vec![0u8, 0, 0, 1]),
            literal(vec![0u8, 0, 0, 0]),
            ff = literal(vec![0u8, 0, 0, 255])
        );
        assert_eq!(statements[0], expected_move);
        assert!(statements[1].ends_with("ROW_COUNT() = 1"));
        let expected_unit = format!(
            "VALUES (5, 3, {zero}, {zero}, 32, CAST('1' AS DECIMAL(39,0)), 'assigned', 42, UTC_TIMESTAMP())",
            zero = literal(vec![0u8; 4])
        );
        assert!(statements[2].contains(&expected_unit), "{}", statements[2]);
        assert!(statements[3].ends_with("ROW_COUNT() = 1"));
    }

    #[test]
    fn units_need_their_owners() {
        let changes = Changes {
            units: vec![(Block::new(0, 0).unwrap(), None)],
            ..Changes::default()
        };
        assert!(script(5, Family::V4, &changes, &[]).is_err());
    }
}
