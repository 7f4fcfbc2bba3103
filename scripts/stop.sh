#!/usr/bin/env bash
# Stops what make demo/test started: the harness web server, the Galera test cluster, the
# private NetBox and the private MariaDB.
set -euo pipefail
source "$(dirname "$0")/common.sh"

PID_FILE="$VAR/php-server.pid"
if [ -f "$PID_FILE" ] && kill -0 "$(cat "$PID_FILE")" 2>/dev/null; then
  log "web server: stopping (pid $(cat "$PID_FILE"))"
  kill "$(cat "$PID_FILE")"
else
  log "web server: not running"
fi
rm -f "$PID_FILE"
bash "$ROOT/scripts/galera.sh" stop
if [ -d "$VAR/pdns" ]; then
  bash "$ROOT/scripts/pdns.sh" stop
fi
if [ -d "$VAR/netbox" ]; then
  bash "$ROOT/scripts/netbox.sh" stop
fi
bash "$ROOT/scripts/mariadb.sh" stop
