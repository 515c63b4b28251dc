#!/usr/bin/env bash
# fuzz/smoke.sh -- the CTest test fuzz_smoke (tests/CMakeLists.txt).
#
# On CI (the environment variable CI is "true", as GitHub Actions and GitLab
# set it) runs every fuzz target for 30 seconds (fuzz/run.sh 30), which
# fails on any crash, leak or sanitizer report. Anywhere else it exits 77,
# which CTest reports as "skipped" (SKIP_RETURN_CODE), so that the local
# default suite stays fast; run fuzz/run.sh yourself, or CI=true ctest -R fuzz_smoke.
set -euo pipefail

if [[ "${CI:-}" != "true" ]]; then
    echo "fuzz_smoke: skipped: runs only when CI=true (locally: fuzz/run.sh [SECONDS])"
    exit 77
fi
exec "$(dirname "${BASH_SOURCE[0]}")/run.sh" 30
