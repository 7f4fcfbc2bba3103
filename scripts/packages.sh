#!/usr/bin/env bash
# Installs the Debian packages the build, the private database and the tests need.
# Idempotent: when everything is present, apt is not touched at all.
set -euo pipefail
source "$(dirname "$0")/common.sh"

# The official PHP images bring their own PHP and build tools (docker/Dockerfile).
if [ "${SKIP_PACKAGES:-0}" = 1 ]; then
  log "packages: skipped (SKIP_PACKAGES=1)"
  exit 0
fi

PACKAGES=(
  php8.2-cli php8.2-fpm php8.2-dev php8.2-mysql php8.2-mbstring php8.2-xml php8.2-curl
  libclang-dev build-essential pkg-config
  mariadb-server mariadb-client galera-4 rsync
  phpunit smarty3 curl ca-certificates
  chromium chromium-driver
)

missing=()
for pkg in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$pkg")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  log "packages: all present"
else
  log "packages: installing ${missing[*]}"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# A Debian package may have started the system MariaDB; we never use or touch it.
command -v cargo >/dev/null || die "cargo is missing: install Rust (rustup, stable >= 1.89) first."
