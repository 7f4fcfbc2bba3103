#!/usr/bin/env bash
# make bench: every benchmark, on a database of its own. Figures only; nothing is asserted.
set -euo pipefail
source "$(dirname "$0")/common.sh"

IPMANAGER_HARNESS_DB=ipm_test_bench php -d extension="$EXT_RELEASE" "$ROOT/tests/bench/foundation.php"
