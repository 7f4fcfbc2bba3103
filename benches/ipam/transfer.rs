//! Export/Import (issue 12): the preview and the apply of an import of 100,000 addresses
//! (goal: under 10 s each), and an export of 1,000,000 assignments with the process's peak
//! memory while it runs (the export is written as it is read).

use super::measure;
use crate::support::{self, req};
use ipmanager::ipam::{pools, subnets};
use ipmanager::store::{Db, DbConfig, migrations};
use ipmanager::transfer::export::{self, Scope};
use ipmanager::transfer::records::CSV_COLUMNS;
use ipmanager::transfer::{Format, import};
use mysql::prelude::Queryable;
use serde_json::json;
use std::time::Instant;

const IMPORTED: u32 = 100_000;
const EXPORTED: u32 = 1_000_000;
const SERVICES: u32 = 1_000;

fn fresh(name: &str) -> (Db, DbConfig) {
    let base = support::base_config();
    let mut admin = measure::conn(&base);
    admin
        .query_drop(format!("DROP DATABASE IF EXISTS `{name}`"))
        .ok();
    admin
        .query_drop(format!("CREATE DATABASE `{name}`"))
        .expect("create");
    let cfg = DbConfig {
        database: name.into(),
        ..base
    };
    let db = Db::connect(&cfg).expect("connect");
    migrations::migrate(&db).expect("migrate");
    let mut raw = measure::conn(&cfg);
    measure::whmcs_schema(&mut raw);
    raw.query_drop(format!(
        "INSERT INTO tblhosting (id, userid, packageid, domain, domainstatus) \
         SELECT seq, 1, 1, CONCAT('s', seq, '.example'), 'Active' FROM seq_1_to_{SERVICES}"
    ))
    .expect("services");
    (db, cfg)
}

fn drop_db(name: &str) {
    measure::conn(&support::base_config())
        .query_drop(format!("DROP DATABASE IF EXISTS `{name}`"))
        .ok();
}

/// The process's peak resident memory (VmHWM) in MB; `reset` starts a new peak.
fn peak_mb(reset: bool) -> Option<f64> {
    if reset {
        std::fs::write("/proc/self/clear_refs", "5").ok()?;
    }
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let kb: f64 = status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()?;
    Some(kb / 1024.0)
}

pub fn run() {
    println!("Export / Import (issue 12)");
    import_100k();
    export_1m();
    println!();
}

fn import_100k() {
    let name = "ipm_test_bench_import";
    let (db, _) = fresh(name);
    let row = |cells: &[(usize, String)]| {
        let mut out = vec![String::new(); CSV_COLUMNS.len()];
        for (i, v) in cells {
            out[*i] = v.clone();
        }
        out.join(",")
    };
    let mut file = vec![
        CSV_COLUMNS.join(","),
        row(&[
            (0, "subnet".into()),
            (1, "10.128.0.0/14".into()),
            (2, "imported".into()),
        ]),
        row(&[
            (0, "pool".into()),
            (2, "imported pool".into()),
            (16, "10.128.0.0/14".into()),
            (17, "10.128.0.1-10.131.255.254".into()),
        ]),
    ];
    for n in 0..IMPORTED {
        let address = format!(
            "10.{}.{}.{}",
            128 + (n + 1) / 65536,
            ((n + 1) / 256) % 256,
            (n + 1) % 256
        );
        file.push(row(&[
            (0, "assignment".into()),
            (16, "10.128.0.0/14".into()),
            (19, address),
            (20, (n % SERVICES + 1).to_string()),
        ]));
    }
    let bytes = file.join("\n").into_bytes();
    let t = Instant::now();
    let preview = import::preview(&db, &bytes, Format::Csv).expect("preview");
    let preview_s = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let applied = import::apply(&db, &bytes, Format::Csv).expect("apply");
    let apply_s = t.elapsed().as_secs_f64();
    println!(
        "  import of {IMPORTED} addresses ({:.1} MB CSV): preview {preview_s:.2} s ({} would be added, {} refused), \
         apply {apply_s:.2} s ({} added) — goal under 10 s each",
        bytes.len() as f64 / 1e6,
        preview.added.len(),
        preview.refused.len(),
        applied.added.len()
    );
    drop(db);
    drop_db(name);
}

fn export_1m() {
    let name = "ipm_test_bench_export";
    let (db, cfg) = fresh(name);
    let s = subnets::create(
        &db,
        &req(json!({"cidr": "11.0.0.0/8", "name": "exported /8", "store_free_ips": false})),
    )
    .expect("subnet");
    pools::create(
        &db,
        &req(json!({"subnet_id": s.id, "name": "exported", "cidr": "11.0.0.0/8"})),
    )
    .expect("pool");
    // A million assignments written straight into the table: the export reads rows, however
    // they got there.
    let mut raw = measure::conn(&cfg);
    raw.exec_drop(
        "DELETE FROM mod_ipmanager_addresses WHERE subnet_id = ?",
        (s.id,),
    )
    .expect("clear");
    raw.query_drop(format!(
        "INSERT INTO mod_ipmanager_addresses (subnet_id, pool_id, address, last_address, prefix_len, size, state, \
         blocked, service_id, note, updated_at) SELECT {id}, NULL, UNHEX(LPAD(HEX(184549376 + seq), 8, '0')), \
         UNHEX(LPAD(HEX(184549376 + seq), 8, '0')), 32, 1, 'assigned', 0, 1 + seq MOD {SERVICES}, '', UTC_TIMESTAMP() \
         FROM seq_1_to_{EXPORTED}",
        id = s.id
    ))
    .expect("rows");
    let path = std::env::temp_dir().join("ipm-bench-export.csv");
    let before = peak_mb(true);
    let t = Instant::now();
    let done = export::to_file(
        &db,
        Scope {
            subnet_id: None,
            subnets: true,
            assignments: true,
        },
        Format::Csv,
        &path.to_string_lossy(),
    )
    .expect("export");
    let took = t.elapsed().as_secs_f64();
    let peak = peak_mb(false);
    let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    println!(
        "  export of {} assignments to CSV: {took:.1} s ({:.0} rows/s, {:.0} MB written); process peak memory {} MB, \
         {} MB above what it held before the export",
        done.assignments,
        f64::from(EXPORTED) / took,
        size as f64 / 1e6,
        peak.map_or("n/a".into(), |p| format!("{p:.0}")),
        peak.zip(before)
            .map_or("n/a".into(), |(p, b)| format!("{:.1}", p - b))
    );
    std::fs::remove_file(&path).ok();
    drop(db);
    drop_db(name);
}
