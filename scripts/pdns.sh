#!/usr/bin/env bash
# A private, real PowerDNS Authoritative server for the reverse-DNS layer: Debian 12's
# pdns-server 4.7 with its SQLite backend, answering DNS on 127.0.0.1 at a port that is not
# 53 and serving its HTTP API on loopback with an API key — all under the checkout's ignored
# var/pdns/. Idempotent: a second start finds it running.
#   scripts/pdns.sh start | stop | env
set -euo pipefail
source "$(dirname "$0")/common.sh"

PD_DIR="$VAR/pdns"
PD_DB="$PD_DIR/pdns.sqlite3"
PD_CONF="$PD_DIR/pdns.conf"
PD_ENV="$PD_DIR/pdns.env"
PD_PID="$PD_DIR/pdns_server.pid"
DNS_PORT="${IPMANAGER_PDNS_DNS_PORT:-5354}"
API_PORT="${IPMANAGER_PDNS_API_PORT:-8083}"
SCHEMA=/usr/share/doc/pdns-backend-sqlite3/schema.sqlite3.sql

packages() {
  ensure_packages pdns pdns-server pdns-backend-sqlite3 dnsutils sqlite3
}

key() {
  if [ ! -f "$PD_ENV" ]; then
    mkdir -p "$PD_DIR"
    umask 077
    printf 'PDNS_URL=http://127.0.0.1:%s\nPDNS_API_KEY=%s\nPDNS_SERVER_ID=localhost\nPDNS_DNS_PORT=%s\n' \
      "$API_PORT" "$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')" "$DNS_PORT" >"$PD_ENV"
  fi
}

answering() {
  local k
  k=$(sed -n 's/^PDNS_API_KEY=//p' "$PD_ENV" 2>/dev/null) || return 1
  curl -fsS -m 2 -H "X-API-Key: $k" "http://127.0.0.1:$API_PORT/api/v1/servers/localhost" >/dev/null 2>&1
}

start() {
  packages
  key
  if answering; then
    log "pdns: running on 127.0.0.1:$DNS_PORT (API http://127.0.0.1:$API_PORT)"
    return 0
  fi
  mkdir -p "$PD_DIR"
  if [ ! -f "$PD_DB" ]; then
    [ -f "$SCHEMA" ] || die "the SQLite schema of pdns-backend-sqlite3 is missing ($SCHEMA)"
    sqlite3 "$PD_DB" <"$SCHEMA"
  fi
  local k
  k=$(sed -n 's/^PDNS_API_KEY=//p' "$PD_ENV")
  cat >"$PD_CONF" <<CONF
launch=gsqlite3
gsqlite3-database=$PD_DB
local-address=127.0.0.1
local-port=$DNS_PORT
socket-dir=$PD_DIR
guardian=no
daemon=no
disable-syslog=yes
loglevel=4
api=yes
api-key=$k
webserver=yes
webserver-address=127.0.0.1
webserver-port=$API_PORT
webserver-allow-from=127.0.0.1/32
default-ttl=3600
CONF
  chmod 600 "$PD_CONF"
  # Detached, with every standard stream redirected: nothing may hold the caller's output.
  setsid nohup /usr/sbin/pdns_server --config-dir="$PD_DIR" </dev/null >"$PD_DIR/pdns.log" 2>&1 &
  echo $! >"$PD_PID"
  for _ in $(seq 1 100); do
    answering && { log "pdns: serving on 127.0.0.1:$DNS_PORT (API http://127.0.0.1:$API_PORT)"; return 0; }
    sleep 0.2
  done
  tail -20 "$PD_DIR/pdns.log" >&2
  die "PowerDNS did not answer within 20 s (log: var/pdns/pdns.log)"
}

stop() {
  if [ -f "$PD_PID" ] && kill -0 "$(cat "$PD_PID")" 2>/dev/null; then
    local pid
    pid=$(cat "$PD_PID")
    kill "$pid"
    # Gone before returning, so a start right after never finds the old one answering.
    for _ in $(seq 1 100); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    log "pdns: stopped"
  fi
  rm -f "$PD_PID"
}

case "${1:-start}" in
  start) start ;;
  stop) stop ;;
  env) key; cat "$PD_ENV" ;;
  *) die "usage: $0 start|stop|env" ;;
esac
