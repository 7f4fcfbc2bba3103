#!/usr/bin/env bash
# The private MariaDB under var/mariadb: unix socket + 127.0.0.1:$DB_PORT (3307).
# Never the system instance, never port 3306.   usage: mariadb.sh start|stop|status
set -euo pipefail
source "$(dirname "$0")/common.sh"

running() {
  [ -S "$DB_SOCKET" ] && mariadb-admin --no-defaults -S "$DB_SOCKET" -u"$(id -un)" ping >/dev/null 2>&1
}

start() {
  mkdir -p "$DB_DIR"
  if running; then log "mariadb: already running on $DB_SOCKET and 127.0.0.1:$DB_PORT"; else
    if [ ! -d "$DB_DATA/mysql" ]; then
      log "mariadb: initialising $DB_DATA"
      mariadb-install-db --no-defaults --datadir="$DB_DATA" --user="$(id -un)" \
        --auth-root-authentication-method=socket --skip-test-db >"$DB_DIR/install.log" 2>&1 \
        || { cat "$DB_DIR/install.log"; die "mariadb-install-db failed"; }
    fi
    [ "$DB_PORT" != 3306 ] || die "refusing port 3306: that belongs to the system MariaDB"
    if (exec 3<>"/dev/tcp/127.0.0.1/$DB_PORT") 2>/dev/null; then
      die "127.0.0.1:$DB_PORT is taken by another process (another checkout's private MariaDB? run 'make stop' there), or choose another port with IPMANAGER_DB_PORT=3308"
    fi
    log "mariadb: starting on 127.0.0.1:$DB_PORT"
    nohup mariadbd --no-defaults --datadir="$DB_DATA" --socket="$DB_SOCKET" --port="$DB_PORT" \
      --bind-address=127.0.0.1 --pid-file="$DB_PID" --log-error="$DB_DIR/error.log" \
      --user="$(id -un)" --innodb-buffer-pool-size=256M --skip-log-bin \
      --innodb-flush-log-at-trx-commit=2 --max-connections=400 \
      --character-set-server=utf8mb4 --collation-server=utf8mb4_unicode_ci \
      >/dev/null 2>&1 &
    for _ in $(seq 1 300); do running && break; sleep 0.1; done
    running || { tail -20 "$DB_DIR/error.log"; die "mariadb did not start"; }
  fi
  provision
}

# Databases and users; safe to repeat. The password is generated once and kept in var/.
provision() {
  if [ ! -f "$DB_ENV" ]; then
    umask 077
    printf 'DB_HOST=127.0.0.1\nDB_PORT=%s\nDB_SOCKET=%s\nDB_USER=whmcs\nDB_PASSWORD=%s\nDB_NAME=whmcs\n' \
      "$DB_PORT" "$DB_SOCKET" "$(head -c 18 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')" >"$DB_ENV"
  fi
  # shellcheck disable=SC1090
  source "$DB_ENV"
  db_admin <<SQL
CREATE DATABASE IF NOT EXISTS \`$DB_NAME\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE USER IF NOT EXISTS '$DB_USER'@'localhost' IDENTIFIED BY '$DB_PASSWORD';
CREATE USER IF NOT EXISTS '$DB_USER'@'127.0.0.1' IDENTIFIED BY '$DB_PASSWORD';
ALTER USER '$DB_USER'@'localhost' IDENTIFIED BY '$DB_PASSWORD';
ALTER USER '$DB_USER'@'127.0.0.1' IDENTIFIED BY '$DB_PASSWORD';
GRANT ALL PRIVILEGES ON \`$DB_NAME\`.* TO '$DB_USER'@'localhost', '$DB_USER'@'127.0.0.1';
GRANT ALL PRIVILEGES ON \`ipm\_test\_%\`.* TO '$DB_USER'@'localhost', '$DB_USER'@'127.0.0.1';
GRANT PROCESS, CONNECTION ADMIN ON *.* TO '$DB_USER'@'localhost', '$DB_USER'@'127.0.0.1';
FLUSH PRIVILEGES;
SQL
}

stop() {
  if running; then
    log "mariadb: stopping"
    mariadb-admin --no-defaults -S "$DB_SOCKET" -u"$(id -un)" shutdown
  else
    log "mariadb: not running"
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) if running; then echo running; else echo stopped; exit 1; fi ;;
  *) die "usage: $0 start|stop|status" ;;
esac
