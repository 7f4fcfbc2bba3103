//! Records which PHP the extension is built for, so `phpinfo()` and `make install` can
//! tell an admin when the running PHP differs from the build.

use std::env;
use std::process::Command;

fn main() {
    println!("cargo:rerun-if-env-changed=PHP_CONFIG");
    let php_config = env::var("PHP_CONFIG").unwrap_or_else(|_| "php-config".to_string());
    let version = Command::new(&php_config)
        .arg("--version")
        .output()
        .ok()
        .filter(|out| out.status.success())
        .and_then(|out| String::from_utf8(out.stdout).ok())
        .map(|s| s.trim().to_string())
        .unwrap_or_else(|| "unknown".to_string());
    println!("cargo:rustc-env=IPMANAGER_PHP_VERSION_BUILT={version}");
}
