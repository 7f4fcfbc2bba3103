#!/usr/bin/env bash
# Front-end files the harness serves as WHMCS does: Bootstrap 3.4.1 (WHMCS's admin area and
# the Six theme are built on it), from the npm registry's `bootstrap` package, checked
# against the registry's published sha512 before use. Idempotent; nothing is committed.
set -euo pipefail
source "$(dirname "$0")/common.sh"

VERSION=3.4.1
URL="https://registry.npmjs.org/bootstrap/-/bootstrap-$VERSION.tgz"
# dist.integrity of bootstrap@3.4.1 on registry.npmjs.org
INTEGRITY="yN5oZVmRCwe5aKwzRj6736nSmKDX7pLYwsXiCj/EYmo16hODaBiT4En5btW/jhBF/seV+XMx3aYwukYC3A49DA=="
DEST="$WHMCS_ROOT/assets/vendor/bootstrap"

if [ -f "$DEST/css/bootstrap.min.css" ] && [ "$(cat "$DEST/.version" 2>/dev/null)" = "$VERSION" ]; then
  log "assets: Bootstrap $VERSION present"
  exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
log "assets: fetching Bootstrap $VERSION from the npm registry"
curl -fsSL --retry 3 -o "$tmp/bootstrap.tgz" "$URL" || die "could not download $URL"
got=$(openssl dgst -sha512 -binary "$tmp/bootstrap.tgz" | base64 -w0)
[ "$got" = "$INTEGRITY" ] || die "bootstrap-$VERSION.tgz does not match the registry's sha512 (got $got)"
tar -xzf "$tmp/bootstrap.tgz" -C "$tmp"
rm -rf "$DEST"
mkdir -p "$DEST"
cp -R "$tmp/package/dist/css" "$tmp/package/dist/fonts" "$tmp/package/dist/js" "$DEST/"
echo "$VERSION" >"$DEST/.version"
log "assets: Bootstrap $VERSION in ${DEST#"$ROOT"/}"
