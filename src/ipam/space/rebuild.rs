//! Rebuilds a sparse subnet's free rows from what it holds: the subnet minus its blocked
//! ranges minus every held row. Run by the migration that introduced free rows, and safe to
//! run again at any time (it starts by removing the free rows it rebuilds).

use super::blocked::{self, Blocked};
use super::blocks::Run;
use super::rows;
use crate::ipam::model::{SUBNET_COLUMNS, Subnet};
use crate::net::Addr;
use crate::store::{Failure, Outcome};
use mysql::prelude::Queryable;
use mysql::{Row, params};

/// Every sparse subnet, each in its own transaction.
pub fn all_sparse_subnets(conn: &mut mysql::Conn) -> Outcome<()> {
    let found: Vec<Row> = conn.query(format!(
        "SELECT {SUBNET_COLUMNS} FROM mod_ipmanager_subnets WHERE stored = 0 ORDER BY id"
    ))?;
    let subnets = found
        .into_iter()
        .map(|r| Subnet::from_row(r).map_err(Failure::Domain))
        .collect::<Outcome<Vec<_>>>()?;
    for subnet in subnets {
        conn.query_drop("START TRANSACTION")?;
        match subnet_free_space(conn, &subnet) {
            Ok(()) => conn.query_drop("COMMIT")?,
            Err(e) => {
                conn.query_drop("ROLLBACK")?;
                return Err(e);
            }
        }
    }
    Ok(())
}

/// One subnet, inside the caller's transaction.
pub fn subnet_free_space(conn: &mut mysql::Conn, subnet: &Subnet) -> Outcome<()> {
    conn.exec_drop(
        "SELECT id FROM mod_ipmanager_subnets WHERE id = :id FOR UPDATE",
        params! {"id" => subnet.id},
    )?;
    conn.exec_drop(
        "DELETE FROM mod_ipmanager_addresses WHERE subnet_id = :id AND state = 'free'",
        params! {"id" => subnet.id},
    )?;
    let blocked = Blocked::read(conn, subnet)?.intervals();
    let held: Vec<(Vec<u8>, Vec<u8>)> = conn.exec(
        "SELECT address, last_address FROM mod_ipmanager_addresses WHERE subnet_id = :id ORDER BY address",
        params! {"id" => subnet.id},
    )?;
    let mut taken: Vec<(u128, u128)> = held
        .into_iter()
        .map(|(a, b)| Ok((Addr::from_bytes(&a)?.value, Addr::from_bytes(&b)?.value)))
        .collect::<crate::Result<Vec<_>>>()
        .map_err(Failure::Domain)?;
    taken.extend(blocked);
    taken.sort();
    let merged = crate::net::range::merge(
        taken
            .into_iter()
            .map(|(start, end)| crate::net::AddrRange {
                family: subnet.family(),
                start,
                end,
            })
            .collect(),
    );
    let cut: Vec<(u128, u128)> = merged.iter().map(|r| (r.start, r.end)).collect();
    let range = subnet.cidr.range();
    let free: Vec<Run> = blocked::minus(&[(range.start, range.end)], &cut)
        .into_iter()
        .filter_map(|(s, e)| Run::new(s, e))
        .collect();
    rows::insert_free(conn, subnet.id, subnet.family(), &free)
}
