//! The whole state machine of addresses on the real MariaDB against a naive model.
//!
//! Each case is built from a seed: one subnet (stored or sparse, IPv4 or IPv6, with rules),
//! pools handing out single addresses and prefixes over overlapping ranges, WHMCS services,
//! and a random sequence of every mutation: allocate from pools and from the subnet, release
//! by service / by address / into quarantine, quarantines running out, rule edits,
//! manual assignment of a chosen unit, Synchronize, the IP Cleaner, suspension and orphan
//! release, and unassign. After every step:
//! - what the database holds equals the model (address, size, holder, state, pool);
//! - the free list of every target is exactly the model's naive list, so its first unit is
//!   what the allocator hands out next (and each allocation is compared with the model);
//! - no blocked unit is handed out, held units never overlap;
//! - the counters equal a recount, and free space is consistent (disjoint, buddy-normal,
//!   covering exactly what is neither held nor blocked).
//!
//! 1,000 cases by default (`IPM_MODEL_CASES`); a failure prints its seed and its steps, and
//! `IPM_MODEL_SEED=<seed>` replays just that case.

mod model;
mod ops;
#[path = "../support/mod.rs"]
mod support;

use mysql::prelude::Queryable;

/// A small deterministic generator (xorshift64*), so a case is reproducible from its seed.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    pub fn step(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    pub fn below(&mut self, n: u64) -> u64 {
        self.step() % n.max(1)
    }

    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

fn cases() -> u64 {
    std::env::var("IPM_MODEL_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1000)
}

/// Runs the seeds `first..first + count` (or only `IPM_MODEL_SEED`) on one database.
fn run_seeds(label: &str, first: u64, count: u64) {
    let only: Option<u64> = std::env::var("IPM_MODEL_SEED")
        .ok()
        .and_then(|v| v.parse().ok());
    let seeds: Vec<u64> = match only {
        Some(seed) if (first..first + count).contains(&seed) => vec![seed],
        Some(_) => return,
        None => (first..first + count).collect(),
    };
    let test = support::ipam::migrated(label);
    support::ipam::whmcs_tables(&test);
    for seed in seeds {
        let mut rng = Rng::new(seed);
        let (setup, steps) = ops::generate(&mut rng);
        if let Err(failure) = ops::run_case(&test, &setup, &steps) {
            panic!(
                "state machine case failed — replay with IPM_MODEL_SEED={seed}\n{failure}\nsetup: {setup:#?}\nsteps:\n{}",
                steps
                    .iter()
                    .enumerate()
                    .map(|(i, s)| format!("  {i:>2}: {s:?}"))
                    .collect::<Vec<_>>()
                    .join("\n")
            );
        }
    }
    let leftover: Option<u64> = test
        .conn()
        .query_first("SELECT COUNT(*) FROM mod_ipmanager_operations WHERE result IS NULL")
        .unwrap();
    assert_eq!(
        leftover,
        Some(0),
        "every committed change stored its result"
    );
}

// Four quarters, so that the cases run on four connections at once.
#[test]
fn state_machine_quarter_1() {
    let n = cases() / 4;
    run_seeds("sm1", 0, n);
}

#[test]
fn state_machine_quarter_2() {
    let n = cases() / 4;
    run_seeds("sm2", n, n);
}

#[test]
fn state_machine_quarter_3() {
    let n = cases() / 4;
    run_seeds("sm3", 2 * n, n);
}

#[test]
fn state_machine_quarter_4() {
    let n = cases() / 4;
    run_seeds("sm4", 3 * n, cases() - 3 * n);
}
