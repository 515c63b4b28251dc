#!/usr/bin/env bash
# walkthrough/check_page.sh -- load walkthrough/index.html in headless Chromium
# and check that it works.
#
#   walkthrough/check_page.sh [OUT_DIR]
#
# 1. Opens the page with #selftest: the page's own script then selects a byte
#    of the ClientHello's random, checks that the panel explains it, drags
#    across two fields, presses an arrow key, checks that every section is
#    there, and writes SELFTEST PASS (or FAIL and why) into the DOM, which
#    Chromium dumps. Fails unless the dump says SELFTEST PASS.
# 2. Fails if the page wrote anything to the console: Chromium reports each
#    console message and each uncaught exception on stderr as a line with
#    "CONSOLE" in it (at every level: console.error shows as INFO:CONSOLE).
#    Chromium's own noise (D-Bus, GPU, sandbox warnings) is ignored.
# 3. Takes a screenshot (1280x2000) to OUT_DIR/walkthrough.png and prints its
#    path. OUT_DIR defaults to a new directory under /tmp; keep it out of the
#    repository.
#
# Needs Debian's chromium package (scripts/setup.sh installs it).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
page="$root/walkthrough/index.html"
out_dir="${1:-$(mktemp -d "${TMPDIR:-/tmp}/toytls-walkthrough.XXXXXX")}"

fail() {
    printf 'check_page: FAIL: %s\n' "$*" >&2
    exit 1
}

browser=""
for candidate in chromium chromium-browser; do
    if command -v "$candidate" >/dev/null 2>&1; then
        browser="$candidate"
        break
    fi
done
[[ -n "$browser" ]] || fail "chromium is not installed. Install it with: sudo apt-get install -y chromium" \
    "(scripts/test.sh and scripts/demo.sh install it when run as root)"
[[ -f "$page" ]] || fail "$page does not exist; generate it with build/bin/toytls-walkthrough-page -o walkthrough/index.html"
mkdir -p "$out_dir"

work="$(mktemp -d "${TMPDIR:-/tmp}/toytls-check-page.XXXXXX")"
trap 'rm -rf "$work"' EXIT

# run_chromium LOG ARGS...: one headless run with a fresh profile, nothing
# from the network, stderr to LOG.
run_chromium() {
    local log="$1"
    shift
    local profile
    profile="$(mktemp -d "$work/profile.XXXXXX")"
    "$browser" --headless --no-sandbox --disable-gpu --no-first-run --disable-background-networking \
        --disable-component-update --disable-sync --user-data-dir="$profile" \
        --enable-logging=stderr --v=0 --virtual-time-budget=5000 "$@" 2>"$log"
}

# The page's console messages, one per line; empty when there were none.
console_lines() {
    grep -E ':CONSOLE[:(]|Uncaught' "$1" || true
}

url="file://$page"

# 1 and 2: the self-test.
rc=0
run_chromium "$work/selftest.log" --dump-dom "$url#selftest" >"$work/dom.html" || rc=$?
((rc == 0)) || fail "chromium exited with $rc; its messages:$(printf '\n')$(cat "$work/selftest.log")"
console="$(console_lines "$work/selftest.log")"
[[ -z "$console" ]] || fail "the page wrote to the console:$(printf '\n')$console"
# The whole element: the words SELFTEST PASS alone are also in the page's
# script, which the dump includes.
if ! grep -qF '<pre id="selftest-result">SELFTEST PASS</pre>' "$work/dom.html"; then
    verdict="$(sed -n '/<pre id="selftest-result">/,/<\/pre>/p' "$work/dom.html")"
    fail "the page's self-test did not pass: ${verdict:-no verdict in the DOM (did the script run?)}"
fi
printf 'check_page: self-test passed, no console messages\n'

# 3: the screenshot, without the self-test, as a reader first sees the page.
screenshot="$out_dir/walkthrough.png"
rc=0
(cd "$work" && run_chromium "$work/screenshot.log" --screenshot="$screenshot" --window-size=1280,2000 "$url") \
    >/dev/null || rc=$?
((rc == 0)) || fail "chromium (screenshot) exited with $rc; its messages:$(printf '\n')$(cat "$work/screenshot.log")"
console="$(console_lines "$work/screenshot.log")"
[[ -z "$console" ]] || fail "the page wrote to the console:$(printf '\n')$console"
[[ -s "$screenshot" ]] || fail "chromium wrote no screenshot to $screenshot"
printf 'check_page: screenshot: %s\n' "$screenshot"
