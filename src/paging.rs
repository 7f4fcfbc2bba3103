//! Pages of list results: what a caller asks for (`page`, `per_page`) and what it gets.

use mysql::Params;
use serde::Serialize;

pub const DEFAULT_PER_PAGE: u64 = 50;
pub const MAX_PER_PAGE: u64 = 500;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Paging {
    /// From 1.
    pub page: u64,
    pub per_page: u64,
}

impl Default for Paging {
    fn default() -> Self {
        Paging {
            page: 1,
            per_page: DEFAULT_PER_PAGE,
        }
    }
}

impl Paging {
    /// Rows before this page; a page far beyond the end gives an offset past every row
    /// (an empty page), never an overflow.
    pub fn offset(&self) -> u64 {
        (self.page.max(1) - 1).saturating_mul(self.per_page)
    }

    /// The named parameters of a query plus `:limit` and `:offset` for this page.
    pub fn bind(&self, mut params: Params) -> Params {
        if let Params::Named(map) = &mut params {
            map.insert(b"limit".to_vec(), self.per_page.into());
            map.insert(b"offset".to_vec(), self.offset().into());
        }
        params
    }
}

#[derive(Debug, Serialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: u64,
    pub page: u64,
    pub per_page: u64,
    /// How many pages the total fills (at least 1, so "page 1 of 1" reads right when empty).
    pub pages: u64,
}

impl<T> Page<T> {
    pub fn new(items: Vec<T>, total: Option<u64>, paging: Paging) -> Page<T> {
        let total = total.unwrap_or(0);
        Page {
            items,
            total,
            page: paging.page,
            per_page: paging.per_page,
            pages: total.div_ceil(paging.per_page.max(1)).max(1),
        }
    }
}
