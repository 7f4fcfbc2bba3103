//! The naive reference: every address of the subnet checked one by one.

use std::collections::BTreeMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Held {
    Assigned,
    Quarantined,
    /// Waiting for the panel to confirm its removal; released then as `free` says.
    Releasing {
        free: bool,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unit {
    /// Prefix length of the unit.
    pub len: u8,
    pub service: u32,
    /// Index into `Model::pools`.
    pub pool: Option<usize>,
    pub state: Held,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Rules {
    pub network: bool,
    pub broadcast: bool,
    pub anycast: bool,
    pub gateway: Option<u128>,
    pub first: u32,
    pub last: u32,
    pub excluded: Vec<u128>,
    pub reserved: Vec<u128>,
}

#[derive(Debug, Clone)]
pub struct PoolSpec {
    pub lo: u128,
    pub hi: u128,
    pub unit: u8,
}

#[derive(Debug, Clone)]
pub struct Model {
    /// Family bits (32 or 128) and the subnet's prefix length.
    pub bits: u8,
    pub prefix: u8,
    pub base: u128,
    pub size: u128,
    pub stored: bool,
    pub rules: Rules,
    pub pools: Vec<PoolSpec>,
    /// Unit start offset → unit.
    pub units: BTreeMap<u128, Unit>,
    /// Service → (status, IPs WHMCS records: dedicated first, then assigned).
    pub whmcs: BTreeMap<u32, (String, Vec<String>)>,
}

impl Model {
    pub fn unit_size(&self, len: u8) -> u128 {
        1u128 << (self.bits - len)
    }

    pub fn blocked(&self, offset: u128) -> bool {
        let r = &self.rules;
        let v4 = self.bits == 32;
        (v4 && self.prefix <= 30 && r.network && offset == 0)
            || (v4 && self.prefix <= 30 && r.broadcast && offset == self.size - 1)
            || (!v4 && self.prefix <= 126 && r.anycast && offset == 0)
            || r.gateway == Some(offset)
            || offset < u128::from(r.first)
            || offset >= self.size.saturating_sub(u128::from(r.last))
            || r.excluded.contains(&offset)
            || r.reserved.contains(&offset)
    }

    /// The unit holding `offset`, if any.
    pub fn holder(&self, offset: u128) -> Option<(u128, &Unit)> {
        self.units
            .range(..=offset)
            .next_back()
            .filter(|(start, u)| offset < **start + self.unit_size(u.len))
            .map(|(s, u)| (*s, u))
    }

    pub fn is_available(&self, start: u128, len: u8) -> bool {
        let size = self.unit_size(len);
        (start..start + size).all(|o| !self.blocked(o) && self.holder(o).is_none())
    }

    /// (range lo, range hi, unit prefix) of a target: a pool, or the subnet (singles).
    pub fn target(&self, pool: Option<usize>) -> (u128, u128, u8) {
        match pool {
            Some(i) => (self.pools[i].lo, self.pools[i].hi, self.pools[i].unit),
            None => (0, self.size - 1, self.bits),
        }
    }

    /// Every available unit of a target, lowest first.
    pub fn available(&self, pool: Option<usize>) -> Vec<u128> {
        let (lo, hi, len) = self.target(pool);
        let size = self.unit_size(len);
        let mut out = Vec::new();
        let mut start = (self.base + lo).div_ceil(size) * size - self.base;
        while start + size - 1 <= hi {
            if self.is_available(start, len) {
                out.push(start);
            }
            start += size;
        }
        out
    }

    /// The first pool (by creation order) whose range holds the unit and hands out its size.
    pub fn pool_for(&self, start: u128, len: u8) -> Option<usize> {
        let end = start + self.unit_size(len) - 1;
        self.pools
            .iter()
            .position(|p| p.unit == len && p.lo <= start && end <= p.hi)
    }

    pub fn text(&self, start: u128, len: u8) -> String {
        let addr = ipmanager::net::Addr::new(family(self.bits), self.base + start);
        if len == self.bits {
            addr.to_string()
        } else {
            format!("{addr}/{len}")
        }
    }

    /// Units held by a service from a target, lowest first (what a repeated allocation
    /// returns): the pool's, or for the subnet its single addresses outside any pool.
    pub fn held_by(&self, service: u32, pool: Option<usize>) -> Vec<u128> {
        self.units
            .iter()
            .filter(|(_, u)| {
                u.service == service
                    && u.pool == pool
                    && (pool.is_some() || u.len == self.bits)
                    && u.state == Held::Assigned
            })
            .map(|(s, _)| *s)
            .collect()
    }

    pub fn whmcs_add(&mut self, service: u32, text: &str) {
        let ips = &mut self.whmcs.entry(service).or_default().1;
        if !ips.iter().any(|t| t == text) {
            ips.push(text.to_string());
        }
    }

    pub fn whmcs_remove(&mut self, service: u32, text: &str) {
        if let Some((_, ips)) = self.whmcs.get_mut(&service) {
            ips.retain(|t| t != text);
        }
    }
}

pub fn family(bits: u8) -> ipmanager::net::Family {
    if bits == 32 {
        ipmanager::net::Family::V4
    } else {
        ipmanager::net::Family::V6
    }
}
