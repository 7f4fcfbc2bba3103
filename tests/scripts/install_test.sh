#!/usr/bin/env bash
# make install, into a scratch WHMCS root and scratch PHP directories: it installs what it
# should, the installed .so loads, and a PHP with another API is refused with nothing changed.
set -uo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
passed=0 failed=0
check() { if eval "$2"; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL: $1"; fi; }

mkdir -p "$TMP/whmcs/modules/addons" "$TMP/ext" "$TMP/ini"
echo '<?php $db_host = "127.0.0.1";' >"$TMP/whmcs/configuration.php"

out="$(EXTENSION_DIR="$TMP/ext" INI_DIR="$TMP/ini" bash "$ROOT/scripts/install.sh" "$TMP/whmcs" 2>&1)"
check "install succeeds" '[ $? -eq 0 ] || { echo "$out"; false; }'
check "addon entry point copied" '[ -f "$TMP/whmcs/modules/addons/ipmanager/ipmanager.php" ]'
check "hooks copied" '[ -f "$TMP/whmcs/modules/addons/ipmanager/hooks.php" ]'
check "ini written" 'grep -qx "extension=ipmanager.so" "$TMP/ini/ipmanager.ini"'
loaded="$(php -n -d extension_dir="$TMP/ext" -d extension=ipmanager.so -r 'echo ipmanager_version();' 2>&1)"
check "installed .so loads and reports its version" '[ "$loaded" = "$(sed -n "s/^version = \"\(.*\)\"/\1/p" "$ROOT/Cargo.toml" | head -1)" ]'

# A PHP whose API differs from the build: install must refuse and change nothing.
cat >"$TMP/php83" <<'SH'
#!/bin/sh
case "$1" in
  -i) echo "PHP Extension => 20230831" ;;
  -r) case "$2" in *PHP_ZTS*) printf NTS ;; *PHP_VERSION*) printf 8.3.0 ;; esac ;;
esac
SH
chmod +x "$TMP/php83"
mkdir -p "$TMP/whmcs2/modules/addons" "$TMP/ext2" "$TMP/ini2"
touch "$TMP/whmcs2/configuration.php"
out="$(PHP_BIN="$TMP/php83" EXTENSION_DIR="$TMP/ext2" INI_DIR="$TMP/ini2" bash "$ROOT/scripts/install.sh" "$TMP/whmcs2" 2>&1)"
status=$?
check "API mismatch is refused" '[ $status -ne 0 ]'
check "refusal names both APIs" 'echo "$out" | grep -q "API20230831,NTS" && echo "$out" | grep -q "built for API"'
check "refusal installs nothing" '[ -z "$(find "$TMP/ext2" "$TMP/ini2" "$TMP/whmcs2/modules/addons" -mindepth 1)" ]'

out="$(bash "$ROOT/scripts/install.sh" "$TMP/nowhere" 2>&1)"
check "a non-WHMCS directory is refused" 'echo "$out" | grep -q "does not look like a WHMCS root"'

echo "install: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
