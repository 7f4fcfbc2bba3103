//! Timing, percentiles and the side-by-side table every section prints.

use ipmanager::store::DbConfig;
use mysql::{Conn, OptsBuilder};
use std::time::Instant;

pub fn timed(f: impl FnOnce()) -> f64 {
    let t = Instant::now();
    f();
    t.elapsed().as_secs_f64() * 1e6
}

/// (p50, p99) in microseconds.
pub fn stats(samples: &mut [f64]) -> (f64, f64) {
    samples.sort_by(f64::total_cmp);
    let at = |q: f64| samples[((samples.len() as f64 - 1.0) * q).round() as usize];
    (at(0.5), at(0.99))
}

pub fn row(name: &str, s: &(f64, f64)) {
    println!("  {name:<34} p50 {:>8.1} µs   p99 {:>8.1} µs", s.0, s.1);
}

/// A row with its ratios to the floor measured in the same loop.
pub fn row_against(name: &str, s: &(f64, f64), floor: &(f64, f64)) {
    println!(
        "  {name:<40} p50 {:>7.1} µs  p99 {:>7.1} µs   {:>5.2}x / {:>5.2}x",
        s.0,
        s.1,
        s.0 / floor.0,
        s.1 / floor.1
    );
}

/// A plain connection outside IP Manager's pool, as any client would open it.
pub fn conn(cfg: &DbConfig) -> Conn {
    Conn::new(
        OptsBuilder::new()
            .ip_or_hostname(Some(&cfg.host))
            .tcp_port(cfg.port)
            .user(Some(&cfg.username))
            .pass(Some(&cfg.password))
            .db_name(Some(&cfg.database))
            .prefer_socket(false),
    )
    .expect("connect")
}

/// The WHMCS tables of the harness, for sections that need services.
pub fn whmcs_schema(raw: &mut Conn) {
    use mysql::prelude::Queryable;
    let schema = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/harness/schema/whmcs.sql"
    ))
    .unwrap();
    for statement in schema
        .split(';')
        .map(str::trim)
        .filter(|s| s.contains("CREATE"))
    {
        raw.query_drop(statement).unwrap();
    }
}
