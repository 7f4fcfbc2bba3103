//! The `phpinfo()` section and facts about the PHP build we were compiled for.

use crate::store::registry;
use ext_php_rs::zend::ModuleEntry;
use ext_php_rs::{info_table_end, info_table_row, info_table_start};
use std::ffi::CStr;

/// `php-config --version` at build time (recorded by build.rs).
pub const PHP_VERSION_BUILT: &str = env!("IPMANAGER_PHP_VERSION_BUILT");

/// The Zend build id the extension was compiled for, e.g. `API20220829,NTS`.
pub fn php_build_id() -> String {
    // SAFETY: returns a pointer to a static NUL-terminated string compiled into the wrapper.
    let raw = unsafe { ext_php_rs::ffi::ext_php_rs_php_build_id() };
    if raw.is_null() {
        return "unknown".into();
    }
    // SAFETY: checked non-null above; the string is static.
    unsafe { CStr::from_ptr(raw) }
        .to_string_lossy()
        .into_owned()
}

/// Only static text and the endpoint (no password); nothing here may panic, since PHP
/// does not catch panics in info functions.
pub extern "C" fn module_info(_module: *mut ModuleEntry) {
    let database = registry::configured_endpoint().map_or_else(
        || "not configured".to_string(),
        |e| format!("configured ({e})"),
    );
    let build = php_build_id();
    info_table_start!();
    info_table_row!("ipmanager support", "enabled");
    info_table_row!("Version", env!("CARGO_PKG_VERSION"));
    info_table_row!("Built for PHP", PHP_VERSION_BUILT);
    info_table_row!("PHP API (build id)", sanitize(&build));
    info_table_row!("Database", sanitize(&database));
    info_table_end!();
}

/// The info macros build C strings; drop interior NULs rather than risk a panic.
fn sanitize(s: &str) -> String {
    s.replace('\0', "")
}
