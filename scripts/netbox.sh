#!/usr/bin/env bash
# A private, real NetBox for the NetBox layer (shared/netbox.md): its own PostgreSQL and
# Redis, NetBox from PyPI in a virtualenv, served by gunicorn — all under the checkout's
# ignored var/netbox/, on ports that are not the defaults. Idempotent: a second start finds
# it running. The first install costs a few minutes (NetBox's 300+ migrations); a dump of
# the freshly migrated database is kept under var/ and restored next time.
#   scripts/netbox.sh start | stop | env
set -euo pipefail
source "$(dirname "$0")/common.sh"

NB_VERSION=4.7.3
NB_DIR="$VAR/netbox"
NB_ROOT="$NB_DIR/nbroot"
NB_VENV="$NB_DIR/venv"
PG_DATA="$NB_DIR/pg"
PG_SOCK="$NB_DIR/pgsock"
PG_BIN=/usr/lib/postgresql/15/bin
PG_PORT="${IPMANAGER_NETBOX_PG_PORT:-5434}"
REDIS_PORT="${IPMANAGER_NETBOX_REDIS_PORT:-6380}"
NB_PORT="${IPMANAGER_NETBOX_PORT:-8001}"
NB_ENV="$NB_DIR/netbox.env"
NB_PID="$NB_DIR/gunicorn.pid"
DUMP="$VAR/cache/netbox-$NB_VERSION.dump"

packages() {
  ensure_packages netbox postgresql redis-server libpq-dev gcc
}

python312() {
  # pyenv's shims answer `command -v` even for a version that is not selected: try each
  # candidate for real.
  local found
  for found in "$HOME"/.pyenv/versions/3.1[2-9]*/bin/python3 "$(command -v python3.12 || true)" \
    "$(command -v python3.13 || true)" "$(command -v python3 || true)"; do
    [ -n "$found" ] && [ -x "$found" ] || continue
    if "$found" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' 2>/dev/null; then
      echo "$found"
      return
    fi
  done
  die "NetBox $NB_VERSION needs Python 3.12 or newer; none was found (python3.12 on PATH or under ~/.pyenv/versions/)."
}

# COUNT random characters from SET (`random a-zA-Z0-9 40`).
random() { LC_ALL=C tr -dc "$1" </dev/urandom | head -c "$2" || true; }

secrets() {
  mkdir -p "$NB_DIR"
  if [ ! -f "$NB_ENV" ]; then
    local key token legacy pepper secret
    key=$(random a-zA-Z0-9 12)
    token=$(random a-zA-Z0-9 40)
    legacy=$(random a-f0-9 40)
    pepper=$(random a-zA-Z0-9 64)
    secret=$(random a-zA-Z0-9 60)
    umask 077
    cat >"$NB_ENV" <<EOF
NETBOX_URL=http://127.0.0.1:$NB_PORT
NETBOX_TOKEN_KEY=$key
NETBOX_TOKEN_SECRET=$token
NETBOX_TOKEN=nbt_$key.$token
NETBOX_TOKEN_V1=$legacy
NETBOX_PEPPER=$pepper
NETBOX_SECRET_KEY=$secret
EOF
  fi
  # Files written before the legacy token existed get one.
  if ! grep -q '^NETBOX_TOKEN_V1=' "$NB_ENV"; then
    echo "NETBOX_TOKEN_V1=$(random a-f0-9 40)" >>"$NB_ENV"
  fi
  # shellcheck disable=SC1090
  source "$NB_ENV"
}

venv() {
  local installed=''
  if [ -x "$NB_VENV/bin/python" ]; then
    installed=$("$NB_VENV/bin/python" -c "import importlib.metadata as m; print(m.version('netbox'))" 2>/dev/null || true)
  fi
  if [ ! -x "$NB_VENV/bin/netbox" ] || [ "$installed" != "$NB_VERSION" ]; then
    log "netbox: installing NetBox $NB_VERSION from PyPI (about a minute)"
    "$(python312)" -m venv "$NB_VENV"
    # A registry hiccup is retried: a 550 MB install should not fail a whole test run.
    local attempt
    for attempt in 1 2 3; do
      "$NB_VENV/bin/pip" install -q --timeout 120 "netbox==$NB_VERSION" gunicorn && return
      log "netbox: pip install failed (attempt $attempt of 3)"
      sleep $((attempt * 10))
    done
    die "NetBox $NB_VERSION could not be installed from PyPI (see pip's errors above)."
  fi
}

configure() {
  mkdir -p "$NB_ROOT/conf" "$NB_ROOT/media" "$NB_ROOT/static"
  : >"$NB_ROOT/conf/__init__.py"
  cat >"$NB_ROOT/conf/configuration.py" <<EOF
# Written by scripts/netbox.sh: a private NetBox for IP Manager's tests.
ALLOWED_HOSTS = ['*']
DATABASES = {'default': {'ENGINE': 'django.db.backends.postgresql', 'NAME': 'netbox', 'USER': 'netbox',
    'PASSWORD': '', 'HOST': '127.0.0.1', 'PORT': '$PG_PORT', 'CONN_MAX_AGE': 300}}
REDIS = {
    'tasks': {'HOST': '127.0.0.1', 'PORT': $REDIS_PORT, 'DATABASE': 0, 'SSL': False},
    'caching': {'HOST': '127.0.0.1', 'PORT': $REDIS_PORT, 'DATABASE': 1, 'SSL': False},
}
SECRET_KEY = '$NETBOX_SECRET_KEY'
API_TOKEN_PEPPERS = {1: '$NETBOX_PEPPER'}
ISOLATED_DEPLOYMENT = True
CENSUS_REPORTING_ENABLED = False
RELEASE_CHECK_URL = None
MEDIA_ROOT = '$NB_ROOT/media'
STATIC_ROOT = '$NB_ROOT/static'
EOF
}

nb() { NETBOX_ROOT="$NB_ROOT" "$NB_VENV/bin/netbox" "$@"; }
pg() { runuser -u postgres -- "$@"; }
psql_nb() { pg psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -qAt "$@"; }

postgres_up() {
  # PostgreSQL runs as its own user, which must reach its data directory: a checkout under
  # a private parent (mode 700) cannot hold it, so it then lives under /var/tmp.
  if ! runuser -u postgres -- test -x "$NB_DIR"; then
    PG_DATA="/var/tmp/ipmanager-netbox-$(printf '%s' "$ROOT" | md5sum | cut -c1-8)/pg"
    PG_SOCK="$(dirname "$PG_DATA")/pgsock"
    mkdir -p "$(dirname "$PG_DATA")"
    chmod 755 "$(dirname "$PG_DATA")"
  fi
  if [ ! -f "$PG_DATA/PG_VERSION" ]; then
    mkdir -p "$PG_DATA" "$PG_SOCK"
    chown -R postgres:postgres "$PG_DATA" "$PG_SOCK"
    pg "$PG_BIN/initdb" -D "$PG_DATA" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
  fi
  chown postgres:postgres "$PG_DATA" "$PG_SOCK"
  if ! pg "$PG_BIN/pg_ctl" -D "$PG_DATA" status >/dev/null 2>&1; then
    log "netbox: PostgreSQL on 127.0.0.1:$PG_PORT"
    pg "$PG_BIN/pg_ctl" -D "$PG_DATA" -w -l "$PG_DATA/server.log" \
      -o "-p $PG_PORT -k $PG_SOCK -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" start >/dev/null
  fi
  if [ "$(psql_nb -c "SELECT 1 FROM pg_roles WHERE rolname = 'netbox'")" != 1 ]; then
    psql_nb -c "CREATE USER netbox"
  fi
  if [ "$(psql_nb -c "SELECT 1 FROM pg_database WHERE datname = 'netbox'")" != 1 ]; then
    psql_nb -c "CREATE DATABASE netbox OWNER netbox"
  fi
}

redis_up() {
  if ! redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1; then
    log "netbox: Redis on 127.0.0.1:$REDIS_PORT"
    redis-server --daemonize yes --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no \
      --dir "$NB_DIR" --pidfile "$NB_DIR/redis.pid" --logfile "$NB_DIR/redis.log"
    for _ in $(seq 1 50); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
  fi
}

migrated() {
  [ "$(psql_nb -d netbox -c "SELECT count(*) FROM information_schema.tables WHERE table_name = 'django_migrations'")" = 1 ] &&
    [ "$(psql_nb -d netbox -c "SELECT count(*) FROM django_migrations WHERE app = 'ipam'")" -gt 0 ]
}

schema() {
  if migrated; then
    return
  fi
  if [ -f "$DUMP" ]; then
    log "netbox: restoring the migrated database from $DUMP"
    pg pg_restore -h 127.0.0.1 -p "$PG_PORT" -U netbox -d netbox --no-owner <"$DUMP" 2>/dev/null || true
  fi
  # Whatever the dump lacks (or all of it the first time: about 5 minutes).
  log "netbox: migrating the database"
  nb migrate --no-input >/dev/null
  if [ ! -f "$DUMP" ]; then
    mkdir -p "$(dirname "$DUMP")"
    pg pg_dump -h 127.0.0.1 -p "$PG_PORT" -U netbox -Fc netbox >"$DUMP.tmp" && mv "$DUMP.tmp" "$DUMP"
  fi
}

token() {
  nb shell -c "
from users.models import Token, User
user = User.objects.filter(username='admin').first() or User.objects.create_superuser('admin', 'admin@example.com', '$NETBOX_TOKEN_SECRET')
if not Token.objects.filter(key='$NETBOX_TOKEN_KEY').exists():
    Token(user=user, version=2, key='$NETBOX_TOKEN_KEY', token='$NETBOX_TOKEN_SECRET').save()
if not Token.objects.filter(version=1, plaintext='$NETBOX_TOKEN_V1').exists():
    Token(user=user, version=1, token='$NETBOX_TOKEN_V1').save()
" >/dev/null
}

serving() { curl -fsS -o /dev/null -H "Authorization: Bearer $NETBOX_TOKEN" "$NETBOX_URL/api/status/" 2>/dev/null; }
# Both test tokens are accepted (a NetBox set up before one of them existed lacks it).
tokens_work() {
  serving && curl -fsS -o /dev/null -H "Authorization: Token $NETBOX_TOKEN_V1" "$NETBOX_URL/api/status/" 2>/dev/null
}

start() {
  packages
  secrets
  venv
  configure
  postgres_up
  redis_up
  schema
  if serving; then
    tokens_work || token
    log "netbox: NetBox $NB_VERSION already serving on $NETBOX_URL"
    return
  fi
  token
  log "netbox: serving NetBox $NB_VERSION on $NETBOX_URL"
  # Detached, with every standard stream redirected: nothing may hold the caller's output
  # open (make test's, or CI's) after this script ends.
  NETBOX_ROOT="$NB_ROOT" setsid nohup "$NB_VENV/bin/gunicorn" --chdir "$NB_DIR" --bind "127.0.0.1:$NB_PORT" \
    --workers 3 --threads 3 --timeout 120 --pid "$NB_PID" netbox.wsgi \
    </dev/null >"$NB_DIR/gunicorn.log" 2>&1 &
  for _ in $(seq 1 600); do
    serving && return
    sleep 0.2
  done
  tail -20 "$NB_DIR/gunicorn.log" >&2
  die "NetBox did not answer on $NETBOX_URL within 2 minutes (log: $NB_DIR/gunicorn.log)"
}

stop() {
  [ -f "$NB_PID" ] && kill "$(cat "$NB_PID")" 2>/dev/null || true
  redis-cli -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
  local data
  for data in "$PG_DATA" "/var/tmp/ipmanager-netbox-$(printf '%s' "$ROOT" | md5sum | cut -c1-8)/pg"; do
    if [ -f "$data/PG_VERSION" ]; then
      pg "$PG_BIN/pg_ctl" -D "$data" -m fast stop >/dev/null 2>&1 || true
    fi
  done
  log "netbox: stopped"
}

case "${1:-start}" in
  start) start ;;
  stop) stop ;;
  env) secrets; grep -E '^NETBOX_(URL|TOKEN|TOKEN_V1)=' "$NB_ENV" ;;
  *) die "usage: $0 start|stop|env" ;;
esac
