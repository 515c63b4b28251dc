#!/usr/bin/env bash
# scripts/test.sh -- build everything and run the whole test suite.
#
#   scripts/test.sh                  release preset (build/)
#   scripts/test.sh --preset asan    the same suite under ASan + UBSan (build/asan/)
#   scripts/test.sh --preset debug   the debug build (build/debug/)
#   scripts/test.sh -- -R Hkdf       anything after "--" goes to ctest
#
# Installs missing Debian/Ubuntu packages when run as root; otherwise prints
# the install command and stops. The exit status is ctest's.
set -euo pipefail

# shellcheck source=scripts/setup.sh
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"

usage() {
    sed -n '2,10s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"
}

preset=release
while (($# > 0)); do
    case "$1" in
        --preset)
            (($# >= 2)) || toytls_die "--preset needs a value (release, debug or asan)."
            preset="$2"
            shift 2
            ;;
        --preset=*)
            preset="${1#--preset=}"
            shift
            ;;
        -h | --help)
            usage
            exit 0
            ;;
        --)
            shift
            break
            ;;
        *)
            usage >&2
            toytls_die "unknown argument '$1'."
            ;;
    esac
done

toytls_binary_dir "$preset" >/dev/null
toytls_ensure_packages
toytls_build "$preset"

toytls_say "testing (ctest --preset $preset -j2 --output-on-failure)"
rc=0
ctest --preset "$preset" -j2 --output-on-failure "$@" || rc=$?
if ((rc == 0)); then
    toytls_say "all tests passed (preset $preset)."
else
    printf 'toytls: error: tests failed (preset %s, ctest exit %d); see the output above.\n' "$preset" "$rc" >&2
fi
exit "$rc"
