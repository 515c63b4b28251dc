#!/usr/bin/env bash
# scripts/demo.sh -- build everything (release preset, build/) and run the main job:
# build/bin/toytls-demo, which starts the demo web server in-process and
# fetches one page over plain HTTP and one over HTTP-over-ToyTLS, narrating
# what crosses the seam between the socket and the HTTP parser.
# Arguments are passed on to the program (--quiet, -h).
#
# Installs missing Debian/Ubuntu packages when run as root; otherwise prints
# the install command and stops.
set -euo pipefail

# shellcheck source=scripts/setup.sh
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"

toytls_ensure_packages
toytls_build release

program="$TOYTLS_ROOT/build/bin/toytls-demo"
if [[ ! -x "$program" ]]; then
    toytls_die "the build did not produce build/bin/toytls-demo (is demo/ complete in this checkout?)."
fi

toytls_say "running build/bin/toytls-demo $*"
cd "$TOYTLS_ROOT"
exec "$program" "$@"
