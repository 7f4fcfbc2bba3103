# Shared paths for every script. Everything lives under the checkout's ignored var/.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VAR="$ROOT/var"
DB_DIR="$VAR/mariadb"
DB_DATA="$DB_DIR/data"
DB_SOCKET="$DB_DIR/mysqld.sock"
DB_PID="$DB_DIR/mysqld.pid"
DB_PORT="${IPMANAGER_DB_PORT:-3307}"
DB_ENV="$VAR/db.env"
WHMCS_ROOT="$ROOT/tests/harness/whmcs"
EXT_RELEASE="$ROOT/target/release/libipmanager.so"

log() { printf '\033[1m==>\033[0m %s\n' "$*"; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

db_admin() { mariadb --no-defaults -S "$DB_SOCKET" -u"$(id -un)" "$@"; }

# ensure_packages WHAT PKG...: installs the Debian packages that are missing (none: apt is
# not touched), waiting for another apt to finish rather than failing.
ensure_packages() {
  local what=$1 missing=()
  shift
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    log "$what: installing ${missing[*]}"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq \
      --no-install-recommends "${missing[@]}" >/dev/null
  fi
}
