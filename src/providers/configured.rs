//! The registry the admin's Integrations settings build: each enabled integration answers
//! for the WHMCS modules it serves, and its switches say whether adds and removals go to
//! the panel at all.

use super::outbox::Operation;
use super::settings::{self, IntegrationSettings, Kind};
use super::{Provider, Providers, cpanel, directadmin, plesk, proxmox, solusvm};
use crate::error::Result;
use crate::store::Db;

pub struct Configured {
    entries: Vec<(IntegrationSettings, Box<dyn Provider>)>,
}

impl Configured {
    pub fn load(db: &Db) -> Result<Configured> {
        Ok(Configured::from_settings(settings::all(db)?))
    }

    pub fn from_settings(all: Vec<IntegrationSettings>) -> Configured {
        Configured {
            entries: all
                .into_iter()
                .map(|s| {
                    let provider = provider_for(&s);
                    (s, provider)
                })
                .collect(),
        }
    }

    /// The integration of `kind`, enabled or not (for "Test connection").
    pub fn by_kind(&self, kind: Kind) -> Option<&dyn Provider> {
        self.entries
            .iter()
            .find(|(s, _)| s.kind == kind)
            .map(|(_, p)| p.as_ref())
    }

    /// The enabled integration serving `module`, with its settings.
    pub fn settings_for(&self, module: &str) -> Option<&IntegrationSettings> {
        self.entries
            .iter()
            .find(|(s, _)| s.enabled && s.serves(module))
            .map(|(s, _)| s)
    }
}

fn provider_for(settings: &IntegrationSettings) -> Box<dyn Provider> {
    match settings.kind {
        Kind::Cpanel => Box::new(cpanel::Cpanel),
        Kind::Directadmin => Box::new(directadmin::DirectAdmin),
        Kind::Plesk => Box::new(plesk::Plesk::new(settings)),
        Kind::Proxmox => Box::new(proxmox::Proxmox::new(settings)),
        Kind::Solusvm => Box::new(solusvm::Solusvm::new(settings)),
    }
}

impl Providers for Configured {
    fn for_module(&self, module: &str) -> Option<&dyn Provider> {
        self.entries
            .iter()
            .find(|(s, _)| s.enabled && s.serves(module))
            .map(|(_, p)| p.as_ref())
    }

    fn tells(&self, module: &str, operation: Operation) -> bool {
        self.settings_for(module).is_some_and(|s| match operation {
            Operation::Add => s.push_on_create,
            Operation::Remove => s.remove_on_release,
        })
    }
}

/// How long a hook or an admin action may spend telling panels, in all.
pub const CALL_BUDGET: std::time::Duration = std::time::Duration::from_secs(10);

/// What a bounded call keeps for itself after the panels: recording the outcome, and the
/// HTTP client's own lag past a timeout (measured at 0.15-0.25 s by `make bench`).
const AFTER_PANELS: std::time::Duration = std::time::Duration::from_millis(1_000);

/// Runs `work` with the configured integrations, server records read through `db`, and no
/// panel request running past `budget` from now, less what the call needs afterwards.
pub fn with<T>(
    db: &Db,
    budget: Option<std::time::Duration>,
    work: impl FnOnce(&super::Integrations<'_>) -> Result<T>,
) -> Result<T> {
    let panels = Configured::load(db)?;
    let servers = super::servers::resolver(db);
    let integrations = super::Integrations {
        panels: &panels,
        servers: &servers,
        deadline: budget.map(|b| std::time::Instant::now() + b.saturating_sub(AFTER_PANELS)),
    };
    work(&integrations)
}
