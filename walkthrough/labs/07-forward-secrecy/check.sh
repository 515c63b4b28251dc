#!/usr/bin/env bash
# Lab 7 check: forward secrecy, and why a key log is a secret.
#
# An expected conversation with real processes on loopback:
#   toytls-server  <-  toytls-capture (records the bytes)  <-  toytls-client --keylog
# then, after the session is over and the server is gone, toytls-decrypt
# tries the recording with the server's long-term key (must fail), with
# another session's key log (must fail) and with this session's key log
# (must show "GET /" and the page).
#
# Run from anywhere:  walkthrough/labs/07-forward-secrecy/check.sh
# The tools come from build/bin, or from $TOYTLS_BIN if set.
# KEEP=1 keeps the scratch folder (capture, key logs, outputs) for a look.
set -uo pipefail

lab_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$lab_dir/../../.." && pwd)
bin=${TOYTLS_BIN:-$root/build/bin}
work=$(mktemp -d "${TMPDIR:-/tmp}/toytls-lab07.XXXXXX")
server_pid=""
capture_pid=""

cleanup() {
    [[ -n $capture_pid ]] && kill "$capture_pid" 2>/dev/null && wait "$capture_pid" 2>/dev/null
    [[ -n $server_pid ]] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
    if [[ ${KEEP:-0} == 1 ]]; then echo "(scratch folder kept: $work)"; else rm -rf "$work"; fi
}
trap cleanup EXIT

say()  { echo "→ $*"; }
pass() { echo "  ✓ $*"; }
fail() {
    echo "  ✗ $*"
    for log in "$work"/*.log "$work"/*.out; do
        [[ -f $log ]] && { echo "---- ${log#"$work"/}"; tail -n 40 "$log"; }
    done
    echo "LAB 7 CHECK FAILED"
    exit 1
}
expect_contains() {  # FILE TEXT
    grep -qF -- "$2" "$1" || fail "expected \"$2\" in ${1#"$work"/}"
    pass "contains \"$2\""
}
expect_lacks() {  # FILE TEXT
    grep -aqF -- "$2" "$1" && fail "did not expect \"$2\" in ${1#"$work"/}"
    pass "does not contain \"$2\""
}
expect_exit() {  # EXPECTED ACTUAL WHAT
    [[ $2 == "$1" ]] || fail "$3 exited with $2, expected $1"
    pass "$3 exited with $1"
}
# Waits up to 10 s for a "listening on 127.0.0.1:PORT" line in FILE; prints PORT.
wait_for_port() {  # FILE PATTERN-AFTER-PORT
    local port=""
    for _ in $(seq 100); do
        port=$(sed -n "s/.*listening on 127\.0\.0\.1:\([0-9]*\)$2.*/\1/p" "$1" | head -n 1)
        [[ -n $port ]] && { echo "$port"; return 0; }
        sleep 0.1
    done
    return 1
}

for tool in toytls-server toytls-client toytls-capture toytls-decrypt; do
    [[ -x $bin/$tool ]] || fail "$bin/$tool is missing: build first (cmake --build build), or set TOYTLS_BIN"
done

echo "# Lab 7: forward secrecy (check)"

say "start toytls-server on a free loopback port (demo chain, demo/html)"
cat > "$work/server.conf" <<EOF
error_log stderr info;
http {
    access_log off;
    server {
        listen 127.0.0.1:0 ssl;
        server_name localhost;
        ssl_certificate       $root/certs/server.cert;
        ssl_certificate_key   $root/certs/server.key;
        ssl_certificate_chain $root/certs/intermediate.cert;
        root $root/demo/html;
        index index.html;
    }
}
EOF
"$bin/toytls-server" -c "$work/server.conf" 2> "$work/server.log" &
server_pid=$!
server_port=$(wait_for_port "$work/server.log" " (ToyTLS)") || fail "the server did not start listening"
pass "server listening on 127.0.0.1:$server_port"

say "start toytls-capture between client and server, recording to session.cap"
"$bin/toytls-capture" --listen 0 --forward "127.0.0.1:$server_port" --out "$work/session.cap" 2> "$work/capture.log" &
capture_pid=$!
capture_port=$(wait_for_port "$work/capture.log" ",") || fail "toytls-capture did not start listening"
pass "capture listening on 127.0.0.1:$capture_port"

say "send: toytls-client --keylog session-keys.log toytls://localhost:$capture_port/"
timeout 30 "$bin/toytls-client" --keylog "$work/session-keys.log" "toytls://localhost:$capture_port/" \
    > "$work/client.out" 2> "$work/client.log"
expect_exit 0 $? "toytls-client"
expect_contains "$work/client.out" "Hello from toytls-server"

say "expect: the capture ends with the connection, and holds only ciphertext after the hellos"
for _ in $(seq 100); do kill -0 "$capture_pid" 2>/dev/null || break; sleep 0.1; done
kill -0 "$capture_pid" 2>/dev/null && fail "toytls-capture still running after the connection ended"
wait "$capture_pid"
expect_exit 0 $? "toytls-capture"
capture_pid=""
expect_contains "$work/capture.log" "done:"
expect_lacks "$work/session.cap" "GET /"
expect_lacks "$work/session.cap" "Hello from toytls-server"

say "send: another session, straight to the server, with its own key log (other-keys.log)"
timeout 30 "$bin/toytls-client" --keylog "$work/other-keys.log" "toytls://localhost:$server_port/" \
    > "$work/other-client.out" 2> "$work/other-client.log"
expect_exit 0 $? "toytls-client"

say "stop the server: the sessions are over, and now its long-term key leaks"
kill "$server_pid" && wait "$server_pid" 2>/dev/null
server_pid=""
pass "server stopped"

say "send: toytls-decrypt --capture session.cap --server-key certs/server.key"
timeout 30 "$bin/toytls-decrypt" --capture "$work/session.cap" --server-key "$root/certs/server.key" \
    > "$work/with-server-key.out" 2>&1
expect_exit 1 $? "toytls-decrypt with the server key"
expect_contains "$work/with-server-key.out" "SIGNING key"
expect_contains "$work/with-server-key.out" "does not open"
expect_contains "$work/with-server-key.out" "decrypted 0 of"
expect_lacks "$work/with-server-key.out" "GET /"
expect_lacks "$work/with-server-key.out" "Hello from toytls-server"

say "send: toytls-decrypt --capture session.cap --keylog other-keys.log (a different session's secrets)"
timeout 30 "$bin/toytls-decrypt" --capture "$work/session.cap" --keylog "$work/other-keys.log" \
    > "$work/with-other-keys.out" 2>&1
expect_exit 1 $? "toytls-decrypt with another session's key log"
expect_contains "$work/with-other-keys.out" "not there"
expect_lacks "$work/with-other-keys.out" "GET /"

say "send: toytls-decrypt --capture session.cap --keylog session-keys.log (this session's secrets)"
timeout 30 "$bin/toytls-decrypt" --capture "$work/session.cap" --keylog "$work/session-keys.log" \
    > "$work/with-session-keys.out" 2>&1
expect_exit 0 $? "toytls-decrypt with the session's key log"
expect_contains "$work/with-session-keys.out" "Certificate: 2 certificate(s): 'localhost'"
expect_contains "$work/with-session-keys.out" "GET / HTTP/1.1"
expect_contains "$work/with-session-keys.out" "HTTP/1.1 200 OK"
expect_contains "$work/with-session-keys.out" "<h1>Hello from toytls-server</h1>"
expect_contains "$work/with-session-keys.out" "close_notify"
grep -Eq 'decrypted ([0-9]+) of \1 protected records' "$work/with-session-keys.out" ||
    fail "expected every protected record to be decrypted"
pass "$(grep -Eo 'decrypted [0-9]+ of [0-9]+ protected records' "$work/with-session-keys.out")"

echo "LAB 7 CHECK PASSED"
