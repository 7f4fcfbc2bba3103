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
for _ in $(seq 1 50); do
  curl -fsS -o /dev/null "http://$HOST:$PORT/admin/login.php" && break
  sleep 0.1
done
curl -fsS -o /dev/null "http://$HOST:$PORT/admin/login.php" || die "the web server did not answer; see var/php-server.log"

cat <<MSG

IP Manager demo is running.
  Admin dashboard:  http://$HOST:$PORT/   (login: admin / admin)
  IP Subnets:       http://$HOST:$PORT/admin/addonmodules.php?module=ipmanager&action=subnets
  IP Pools:         http://$HOST:$PORT/admin/addonmodules.php?module=ipmanager&action=pools
  Assignments:      http://$HOST:$PORT/admin/addonmodules.php?module=ipmanager&action=assignments
  Logs:             http://$HOST:$PORT/admin/addonmodules.php?module=ipmanager&action=logs
  Client area:      http://$HOST:$PORT/index.php?m=ipmanager   (login: demo@example.com / demo)
  Stop everything:  make stop
MSG
