#!/usr/bin/env bash
# Front-end files the harness serves as WHMCS does, from the npm registry's `bootstrap`
# package, each checked against the registry's published sha512 before use: Bootstrap
# 3.4.1 (WHMCS's admin area and the Six theme) and 4.6.2 (the Twenty-One theme's major
# version). Idempotent; nothing is committed.
set -euo pipefail
source "$(dirname "$0")/common.sh"

# fetch VERSION INTEGRITY DEST: the package's dist/ into DEST, once.
fetch() {
  local version=$1 integrity=$2 dest=$3
  local url="https://registry.npmjs.org/bootstrap/-/bootstrap-$version.tgz"
  if [ -f "$dest/css/bootstrap.min.css" ] && [ "$(cat "$dest/.version" 2>/dev/null)" = "$version" ]; then
    log "assets: Bootstrap $version present"
    return 0
  fi
  local tmp
  tmp=$(mktemp -d)
  log "assets: fetching Bootstrap $version from the npm registry"
  curl -fsSL --retry 3 -o "$tmp/bootstrap.tgz" "$url" || { rm -rf "$tmp"; die "could not download $url"; }
  local got
  got=$(openssl dgst -sha512 -binary "$tmp/bootstrap.tgz" | base64 -w0)
  if [ "$got" != "$integrity" ]; then
    rm -rf "$tmp"
    die "bootstrap-$version.tgz does not match the registry's sha512 (got $got)"
  fi
  tar -xzf "$tmp/bootstrap.tgz" -C "$tmp"
  rm -rf "$dest"
  mkdir -p "$dest"
  cp -R "$tmp/package/dist/css" "$tmp/package/dist/js" "$dest/"
  [ -d "$tmp/package/dist/fonts" ] && cp -R "$tmp/package/dist/fonts" "$dest/"
  echo "$version" >"$dest/.version"
  rm -rf "$tmp"
  log "assets: Bootstrap $version in ${dest#"$ROOT"/}"
}

# dist.integrity of each version on registry.npmjs.org
fetch 3.4.1 "yN5oZVmRCwe5aKwzRj6736nSmKDX7pLYwsXiCj/EYmo16hODaBiT4En5btW/jhBF/seV+XMx3aYwukYC3A49DA==" \
  "$WHMCS_ROOT/assets/vendor/bootstrap"
fetch 4.6.2 "51Bbp/Uxr9aTuy6ca/8FbFloBUJZLHwnhTcnjIeRn2suQWsWzcuJhGjKDB5eppVte/8oCdOL3VuwxvZDUggwGQ==" \
  "$WHMCS_ROOT/assets/vendor/bootstrap4"
