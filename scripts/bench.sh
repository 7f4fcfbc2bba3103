#!/usr/bin/env bash
# make bench: every benchmark, on databases of their own. Figures only; nothing is asserted.
set -euo pipefail
source "$(dirname "$0")/common.sh"

php_bench() { IPMANAGER_HARNESS_DB=ipm_test_bench IPMANAGER_EXT="$EXT_RELEASE" php -d extension="$EXT_RELEASE" "$@"; }

php_bench "$ROOT/tests/bench/foundation.php"
echo
cargo bench --quiet --bench ipam 2>/dev/null
php_bench "$ROOT/tests/bench/concurrency.php"
php_bench "$ROOT/tests/bench/cold_start.php"
php_bench "$ROOT/tests/bench/provisioning.php"
echo
IPMANAGER_EXT="$EXT_RELEASE" php -d extension="$EXT_RELEASE" "$ROOT/tests/bench/galera.php" "$(bash "$ROOT/scripts/galera.sh" env)"
