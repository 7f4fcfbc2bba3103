#!/usr/bin/env bash
# make install WHMCS_ROOT=/path/to/whmcs
# Copies the addon into WHMCS and installs the extension for the PHP on PATH (or $PHP_BIN).
# Refuses, changing nothing, when that PHP's API differs from the one the .so was built for.
# EXTENSION_DIR and INI_DIR override where the .so and its ini go (default: what PHP says).
set -euo pipefail
source "$(dirname "$0")/common.sh"

WHMCS="${1:-}"
PHP_BIN="${PHP_BIN:-php}"
SO="${IPMANAGER_SO:-$EXT_RELEASE}"
API_FILE="${SO%.so}.api"

[ -n "$WHMCS" ] || die "say where WHMCS is: make install WHMCS_ROOT=/path/to/whmcs"
[ -f "$WHMCS/configuration.php" ] && [ -d "$WHMCS/modules/addons" ] \
  || die "$WHMCS does not look like a WHMCS root (configuration.php and modules/addons/ are missing)"
[ -f "$SO" ] && [ -f "$API_FILE" ] || die "no build found at $SO: run make build first"

built="$(cat "$API_FILE")"
running_api="$("$PHP_BIN" -i | sed -n 's/^PHP Extension => //p' | head -1)"
running_ts="$("$PHP_BIN" -r 'echo PHP_ZTS ? "TS" : "NTS";')"
running="API${running_api},${running_ts}"
if [ "$built" != "$running" ]; then
  die "the extension was built for $built but $("$PHP_BIN" -r 'echo PHP_VERSION;') on this machine is $running.
Build it for this PHP (PHP_CONFIG=/path/to/php-config make build) or use docker/ for PHP 8.2/8.3; nothing was installed."
fi

ext_dir="${EXTENSION_DIR:-$("$PHP_BIN" -r 'echo ini_get("extension_dir");')}"
ini_dir="${INI_DIR:-}"
if [ -z "$ini_dir" ]; then
  version="$("$PHP_BIN" -r 'echo PHP_MAJOR_VERSION . "." . PHP_MINOR_VERSION;')"
  if [ -d "/etc/php/$version/mods-available" ] && command -v phpenmod >/dev/null; then
    ini_dir="/etc/php/$version/mods-available"
  else
    ini_dir="$("$PHP_BIN" --ini | sed -n 's/^Scan for additional .ini files in: //p')"
  fi
fi
[ -n "$ini_dir" ] && [ "$ini_dir" != "(none)" ] || die "PHP reads no conf.d directory; set INI_DIR=/path"

log "install: addon → $WHMCS/modules/addons/ipmanager"
rm -rf "$WHMCS/modules/addons/ipmanager.new"
cp -R "$ROOT/php/modules/addons/ipmanager" "$WHMCS/modules/addons/ipmanager.new"
rm -rf "$WHMCS/modules/addons/ipmanager"
mv "$WHMCS/modules/addons/ipmanager.new" "$WHMCS/modules/addons/ipmanager"

log "install: extension → $ext_dir/ipmanager.so"
mkdir -p "$ext_dir" "$ini_dir"
install -m 0644 "$SO" "$ext_dir/ipmanager.so"
printf '; IP Manager for WHMCS\nextension=ipmanager.so\n' >"$ini_dir/ipmanager.ini"
if [[ "$ini_dir" == */mods-available ]]; then
  phpenmod ipmanager
fi
log "install: done. Restart PHP-FPM/the web server, then in WHMCS: Setup → Addon Modules → IP Manager → Activate."
