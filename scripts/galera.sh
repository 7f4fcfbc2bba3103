#!/usr/bin/env bash
# A private 3-node MariaDB Galera cluster on loopback, for the multi-writer race test and
# benchmark. Never the system MariaDB, never port 3306.
#   usage: galera.sh start | stop | status | env
# Nodes live in var/galera/node{1,2,3}: SQL on 127.0.0.1:3311-3313 (IPMANAGER_GALERA_PORT
# moves the first), group communication on 4567/4577/4587, state transfers on 4444x.
set -euo pipefail
source "$(dirname "$0")/common.sh"

GALERA_DIR="$VAR/galera"
FIRST_PORT="${IPMANAGER_GALERA_PORT:-3311}"
PROVIDER=/usr/lib/galera/libgalera_smm.so
NODES=(1 2 3)

sql_port() { echo $((FIRST_PORT + $1 - 1)); }
gcomm_port() { echo $((4557 + $1 * 10)); }
node_dir() { echo "$GALERA_DIR/node$1"; }
socket() { echo "$(node_dir "$1")/mysqld.sock"; }
node_sql() { mariadb --no-defaults -S "$(socket "$1")" -uroot "${@:2}"; }
alive() { mariadb-admin --no-defaults -S "$(socket "$1")" -uroot ping >/dev/null 2>&1; }

synced() {
  alive "$1" && [ "$(node_sql "$1" -N -e "SHOW STATUS LIKE 'wsrep_local_state_comment'" 2>/dev/null | cut -f2)" = Synced ]
}

cluster_address() {
  local peers=()
  for n in "${NODES[@]}"; do peers+=("127.0.0.1:$(gcomm_port "$n")"); done
  (IFS=,; echo "gcomm://${peers[*]}")
}

start_node() {
  local n=$1; shift
  local dir; dir=$(node_dir "$n")
  local port; port=$(sql_port "$n")
  [ "$port" != 3306 ] || die "refusing port 3306: that belongs to the system MariaDB"
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    die "127.0.0.1:$port is taken by another process; choose other ports with IPMANAGER_GALERA_PORT"
  fi
  nohup mariadbd --no-defaults --user=root --datadir="$dir/data" --socket="$(socket "$n")" --port="$port" \
    --bind-address=127.0.0.1 --pid-file="$dir/mysqld.pid" --log-error="$dir/error.log" \
    --binlog-format=ROW --innodb-autoinc-lock-mode=2 --default-storage-engine=InnoDB \
    --innodb-buffer-pool-size=64M --innodb-flush-log-at-trx-commit=2 --max-connections=300 \
    --character-set-server=utf8mb4 --collation-server=utf8mb4_unicode_ci \
    --wsrep-on=ON --wsrep-provider="$PROVIDER" --wsrep-cluster-name=ipmanager-test \
    --wsrep-node-name="node$n" --wsrep-node-address="127.0.0.1:$(gcomm_port "$n")" \
    --wsrep-provider-options="base_port=$(gcomm_port "$n");gmcast.listen_addr=tcp://127.0.0.1:$(gcomm_port "$n")" \
    --wsrep-sst-method=rsync --wsrep-sst-receive-address="127.0.0.1:444$n" "$@" >/dev/null 2>&1 &
}

wait_for() {
  local n=$1 what=$2
  for _ in $(seq 1 600); do
    if "$what" "$n"; then return 0; fi
    sleep 0.2
  done
  tail -30 "$(node_dir "$n")/error.log" >&2
  die "galera node $n did not become ready"
}

# The sequence number a stopped node's data has reached (from grastate, or recovered).
position() {
  local n=$1 dir; dir=$(node_dir "$n")
  local seqno; seqno=$(sed -n 's/^seqno: *//p' "$dir/data/grastate.dat" 2>/dev/null || echo -1)
  if [ "${seqno:--1}" = -1 ]; then
    # An unclean stop leaves seqno -1: ask InnoDB for the last committed position.
    rm -f "$dir/recover.log"
    mariadbd --no-defaults --user=root --datadir="$dir/data" --skip-networking --socket="$dir/recover.sock" \
      --binlog-format=ROW --innodb-autoinc-lock-mode=2 --wsrep-on=ON --wsrep-provider="$PROVIDER" \
      --wsrep-cluster-address=gcomm:// --wsrep-recover --log-error="$dir/recover.log" >/dev/null 2>&1 || true
    seqno=$(sed -n 's/.*Recovered position: .*:\(-\?[0-9]*\).*/\1/p' "$dir/recover.log" 2>/dev/null | tail -1)
  fi
  echo "${seqno:--1}"
}

start() {
  mkdir -p "$GALERA_DIR"
  if synced 1 && synced 2 && synced 3; then
    log "galera: already running on 127.0.0.1:$(sql_port 1)-$(sql_port 3)"
    provision
    return
  fi
  stop quiet
  [ -x "$(command -v rsync)" ] || die "rsync is missing (the Galera state transfer needs it): run make packages"
  [ -f "$PROVIDER" ] || die "$PROVIDER is missing: install galera-4 (make packages does)"
  local first=1
  if [ -d "$(node_dir 1)/data/mysql" ]; then
    # A restart: bootstrap from the node that got furthest, the others rejoin from it.
    local best=-2
    for n in "${NODES[@]}"; do
      local p; p=$(position "$n")
      if [ "$p" -gt "$best" ]; then best=$p; first=$n; fi
    done
    sed -i 's/^safe_to_bootstrap: *0/safe_to_bootstrap: 1/' "$(node_dir "$first")/data/grastate.dat" 2>/dev/null || true
    log "galera: restarting, node $first bootstraps (position $best)"
  else
    log "galera: initialising 3 nodes in $GALERA_DIR"
    for n in "${NODES[@]}"; do mkdir -p "$(node_dir "$n")/data"; done
    mariadb-install-db --no-defaults --datadir="$(node_dir 1)/data" --user=root \
      --auth-root-authentication-method=socket --skip-test-db >"$GALERA_DIR/install.log" 2>&1 \
      || { cat "$GALERA_DIR/install.log"; die "mariadb-install-db failed"; }
  fi
  # As root the rsync state-transfer daemon runs as nobody: joiners' directories must be
  # writable by it.
  for n in "${NODES[@]}"; do
    if [ "$n" != "$first" ] && [ "$(id -u)" = 0 ]; then chown -R nobody "$(node_dir "$n")"; fi
  done
  start_node "$first" --wsrep-new-cluster --wsrep-cluster-address=gcomm://
  wait_for "$first" synced
  for n in "${NODES[@]}"; do
    [ "$n" = "$first" ] || start_node "$n" --wsrep-cluster-address="$(cluster_address)"
  done
  for n in "${NODES[@]}"; do wait_for "$n" synced; done
  log "galera: 3 nodes synced on 127.0.0.1:$(sql_port 1)-$(sql_port 3)"
  provision
}

# The same user and password as the private MariaDB (var/db.env), on every node.
provision() {
  # shellcheck disable=SC1090
  source "$DB_ENV"
  node_sql 1 <<SQL
CREATE USER IF NOT EXISTS '$DB_USER'@'127.0.0.1' IDENTIFIED BY '$DB_PASSWORD';
ALTER USER '$DB_USER'@'127.0.0.1' IDENTIFIED BY '$DB_PASSWORD';
GRANT ALL PRIVILEGES ON \`ipm\_galera\_%\`.* TO '$DB_USER'@'127.0.0.1';
SQL
}

stop() {
  local quiet=${1:-}
  local any=0
  for n in 3 2 1; do
    if alive "$n"; then
      any=1
      mariadb-admin --no-defaults -S "$(socket "$n")" -uroot shutdown >/dev/null 2>&1 || true
    fi
  done
  # Wait for the processes to end (their pid files disappear).
  for n in "${NODES[@]}"; do
    for _ in $(seq 1 300); do [ -f "$(node_dir "$n")/mysqld.pid" ] || break; sleep 0.1; done
  done
  if [ -z "$quiet" ]; then
    if [ "$any" = 1 ]; then log "galera: stopped"; else log "galera: not running"; fi
  fi
}

# Connection settings for the tests and the benchmark: one line per node.
env_lines() {
  # shellcheck disable=SC1090
  source "$DB_ENV"
  for n in "${NODES[@]}"; do
    echo "node$n 127.0.0.1 $(sql_port "$n") $DB_USER $DB_PASSWORD"
  done
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) for n in "${NODES[@]}"; do if synced "$n"; then echo "node$n synced"; else echo "node$n down"; fi; done ;;
  env) env_lines ;;
  *) die "usage: $0 start|stop|status|env" ;;
esac
