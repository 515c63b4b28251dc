#!/usr/bin/env bash
# scripts/demo.sh -- build everything (release preset, build/) and run the main job:
# for now build/bin/toytls-trace, the deterministic handshake trace.
# Arguments are passed on to the program.
#
# Installs missing Debian/Ubuntu packages when run as root; otherwise prints
# the install command and stops.
set -euo pipefail

# shellcheck source=scripts/setup.sh
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"

toytls_ensure_packages
toytls_build release

program="$TOYTLS_ROOT/build/bin/toytls-trace"
if [[ ! -x "$program" ]]; then
    toytls_die "the build did not produce build/bin/toytls-trace (is tools/ complete in this checkout?)."
fi

toytls_say "running build/bin/toytls-trace $*"
cd "$TOYTLS_ROOT"
exec "$program" "$@"
