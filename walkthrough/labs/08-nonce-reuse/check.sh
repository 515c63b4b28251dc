#!/usr/bin/env bash
# Lab 8 check: nonce reuse, as an expected conversation with
# toytls-nonce-reuse-demo (LAB ONLY: its part 1 uses a broken sealer).
#
# For each AEAD this machine has:
#   expect the LAB ONLY banner;
#   broken sealer (one nonce twice): the recovered text equals message 2;
#   real record layer (seq 0 and 1): the two nonces differ, and the same
#   XOR trick does NOT give message 2.
# The comparisons are done here, on the printed values, not only by
# trusting the tool's own RESULT lines.
#
# Run from anywhere:  walkthrough/labs/08-nonce-reuse/check.sh
# The tool comes from build/bin, or from $TOYTLS_BIN if set.
set -uo pipefail

lab_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$lab_dir/../../.." && pwd)
bin=${TOYTLS_BIN:-$root/build/bin}
work=$(mktemp -d "${TMPDIR:-/tmp}/toytls-lab08.XXXXXX")
trap 'rm -rf "$work"' EXIT

say()  { echo "→ $*"; }
pass() { echo "  ✓ $*"; }
fail() {
    echo "  ✗ $*"
    for out in "$work"/*.out; do [[ -f $out ]] && { echo "---- ${out#"$work"/}"; cat "$out"; }; done
    echo "LAB 8 CHECK FAILED"
    exit 1
}
expect_contains() {  # FILE TEXT
    grep -qF -- "$2" "$1" || fail "expected \"$2\""
    pass "contains \"$2\""
}
# The value printed after LABEL on its line (the first such line).
value_after() {  # FILE LABEL
    grep -F -- "$2" "$1" | head -n 1 | sed "s/^.*$2 *//; s/ .*\$//"
}
# The quoted text printed after LABEL ("...", with \r \n \" \\ \xNN escapes).
quoted_after() {  # FILE LABEL
    grep -F -- "$2" "$1" | head -n 1 | sed "s/^.*$2 *//"
}

[[ -x $bin/toytls-nonce-reuse-demo ]] ||
    fail "$bin/toytls-nonce-reuse-demo is missing: build first (cmake --build build), or set TOYTLS_BIN"

echo "# Lab 8: nonce reuse (check)"

for aead in aes-256-gcm chacha20-poly1305; do
    out="$work/$aead.out"
    say "send: toytls-nonce-reuse-demo --aead $aead"
    "$bin/toytls-nonce-reuse-demo" --aead "$aead" > "$out" 2>&1
    status=$?
    if [[ $status == 2 ]] && grep -q "not available on this CPU" "$out"; then
        pass "skipped: $aead is not available on this CPU (libsodium's AES-256-GCM needs AES-NI)"
        continue
    fi
    [[ $status == 0 ]] || fail "exited with $status, expected 0"
    pass "exited with 0"

    say "expect: it says LOUDLY that it is broken on purpose"
    expect_contains "$out" "LAB ONLY: this sealer reuses a nonce"
    expect_contains "$out" "RecordProtection::nonce_for) never does"

    say "expect: broken sealer, one nonce twice -> the attacker recovers message 2 exactly"
    secret=$(quoted_after "$out" "message 2, the secret:")
    recovered=$(quoted_after "$out" "recovered:")
    [[ -n $secret && $recovered == "$secret" ]] || fail "recovered $recovered, expected $secret"
    pass "recovered text == message 2: $recovered"
    [[ $recovered == *password=hunter2* ]] || fail "the recovered text lacks the password"
    pass "the password is in it: password=hunter2"
    expect_contains "$out" "RESULT broken sealer: recovered message 2 exactly: YES"

    say "expect: real record layer -> the nonces of seq 0 and seq 1 differ"
    nonce0=$(value_after "$out" "nonce of record seq 0:")
    nonce1=$(value_after "$out" "nonce of record seq 1:")
    [[ ${#nonce0} == 24 && ${#nonce1} == 24 ]] || fail "could not read two 12-byte nonces ($nonce0, $nonce1)"
    [[ $nonce0 != "$nonce1" ]] || fail "seq 0 and seq 1 have the same nonce $nonce0"
    pass "seq 0: $nonce0"
    pass "seq 1: $nonce1"
    expect_contains "$out" "RESULT real record layer: nonces of seq 0 and seq 1 differ: YES"

    say "expect: real record layer -> the same XOR trick does NOT give message 2"
    garbage=$(quoted_after "$out" "the same XOR trick gives:")
    [[ -n $garbage && $garbage != "$secret" ]] || fail "the XOR trick worked on the real record layer"
    [[ $garbage != *password=hunter2* ]] || fail "the password leaked from the real record layer"
    pass "recovered text != message 2 (no password in it)"
    expect_contains "$out" "RESULT real record layer: recovered message 2: NO"
done

echo "LAB 8 CHECK PASSED"
