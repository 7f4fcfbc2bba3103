#!/usr/bin/env bash
# The demo: a fresh WHMCS install in the harness, the addon activated, served on :8080.
set -euo pipefail
source "$(dirname "$0")/common.sh"

HOST=127.0.0.1
PORT="${DEMO_PORT:-8080}"
PID_FILE="$VAR/php-server.pid"
whmcs() { php -d extension="$EXT_RELEASE" "$ROOT/tests/harness/bin/whmcs.php" "$@"; }

log "demo: fresh WHMCS install in the harness database"
whmcs reset
whmcs seed
log "demo: Setup → Addon Modules → IP Manager → Activate"
whmcs activate
echo
whmcs status
echo
log "demo: IP Subnets and IP Pools, allocations for every service"
whmcs ipam-demo
echo
log "demo: configurations, orders, synchronize, orphans"
whmcs provision-demo
echo

# Always a fresh server: a running one would still hold the previous build of the extension.
if [ -f "$PID_FILE" ] && kill -0 "$(cat "$PID_FILE")" 2>/dev/null; then
  kill "$(cat "$PID_FILE")"
  sleep 0.3
fi
log "demo: serving the harness on http://$HOST:$PORT"
nohup php -d extension="$EXT_RELEASE" -S "$HOST:$PORT" -t "$WHMCS_ROOT" "$WHMCS_ROOT/router.php" \
  >"$VAR/php-server.log" 2>&1 &
echo $! >"$PID_FILE"
# Quiet while the server starts: curl's "connection refused" is expected until it listens.
answering() { curl -fsS -o /dev/null "http://$HOST:$PORT/admin/login.php" 2>/dev/null; }
for _ in $(seq 1 50); do
  answering && break
  sleep 0.1
done
answering || die "the web server did not answer on $HOST:$PORT; see var/php-server.log (another program on that port? set DEMO_PORT)"

page() { printf '  %-17s http://%s:%s/admin/addonmodules.php?module=ipmanager&action=%s\n' "$1" "$HOST" "$PORT" "$2"; }
cat <<MSG

IP Manager demo is running (DEMO_PORT=$PORT; the private MariaDB listens on 127.0.0.1:$DB_PORT, IPMANAGER_DB_PORT).
  Admin login:      http://$HOST:$PORT/admin/login.php   (admin / admin)
MSG
page "Dashboard:" dashboard
page "IP Subnets:" subnets
page "IP Pools:" pools
page "Addresses:" addresses
page "Configurations:" configurations
page "Assignments:" assignments
page "Synchronize:" sync
page "Orphaned:" orphans
page "Settings:" settings
page "Logs:" logs
cat <<MSG
  Addon Modules:    http://$HOST:$PORT/admin/configaddonmods.php   (Setup → Addon Modules → Configure)
  Client area:      http://$HOST:$PORT/index.php?m=ipmanager   (demo@example.com / demo)
  Stop everything:  make stop
MSG
