#!/usr/bin/env bash
# bench/compare.sh -- toytls-server next to nginx, on this machine, in one run.
#
#     bench/compare.sh > bench/RESULTS.md      (progress goes to standard error)
#
# Builds the release preset, installs nginx and wrk from Debian's packages if
# they are missing (as root; otherwise prints the command and stops), makes a
# temporary site (a 612-byte page, a 1 MiB file, a 100 MiB file), an Ed25519
# certificate chain for nginx (openssl) and equivalent configurations (one
# worker, access_log off, loopback only; nginx: TLS 1.3 only, X25519, no
# session tickets or cache), then runs every scenario against both servers
# with the server pinned to CPU 0 and the load to CPU 1:
#
#   nginx:  wrk (plain and HTTPS), curl (100 MiB downloads), idle connections
#           (toytls-load for plain, bench/idle_tls_connections.py for TLS)
#   ours:   toytls-load, curl (100 MiB plain), toytls-client (100 MiB ToyTLS)
#
# plus the crypto floor (toytls-micro-benchmarks) in the same run. Server CPU
# time comes from /proc/PID/stat (utime + stime, the process and its
# children), memory from /proc/PID/status (VmRSS). Everything it starts is
# stopped by PID on exit. Prints one markdown table, the goals of issue 5.
#
# Environment (all optional):
#   TOYTLS_BENCH_SECONDS=10        duration of each throughput scenario
#   TOYTLS_BENCH_CONNECTIONS=64    concurrent connections (small-file scenarios)
#   TOYTLS_BENCH_IDLE=10000        idle connections for the memory rows
#   TOYTLS_BENCH_BUILD_DIR=DIR     use an already configured build directory
#                                  instead of the release preset (build/)
#   TOYTLS_BENCH_KEEP=1            keep the temporary directory (logs, configs)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
SECONDS_PER_RUN="${TOYTLS_BENCH_SECONDS:-10}"
CONNECTIONS="${TOYTLS_BENCH_CONNECTIONS:-64}"
IDLE_CONNECTIONS="${TOYTLS_BENCH_IDLE:-10000}"
BULK_CONNECTIONS=8
DOWNLOAD_RUNS=5  # the 100 MiB downloads: the median of this many, after one untimed warm-up

say() { printf 'compare.sh: %s\n' "$*" >&2; }
die() {
    printf 'compare.sh: error: %s\n' "$*" >&2
    exit 1
}

# ---------------------------------------------------------------------------
# Tools: packages, build.
# ---------------------------------------------------------------------------

# shellcheck source=SCRIPTDIR/../scripts/setup.sh
source "$ROOT/scripts/setup.sh"
# nginx and wrk are only for this script, so they are not in setup.sh's list:
# the same install-or-explain logic, with this script's own list.
# shellcheck disable=SC2034  # read by toytls_ensure_packages
TOYTLS_PACKAGES=(nginx wrk)
toytls_ensure_packages
for tool in nginx wrk curl openssl python3 taskset; do
    command -v "$tool" >/dev/null 2>&1 || die "$tool not found on PATH"
done

if [[ -n "${TOYTLS_BENCH_BUILD_DIR:-}" ]]; then
    BUILD_DIR="$TOYTLS_BENCH_BUILD_DIR"
    say "building in $BUILD_DIR"
    cmake --build "$BUILD_DIR" --parallel "$(nproc)" --target toytls-server toytls-client toytls-load toytls-micro-benchmarks >&2
else
    BUILD_DIR="$(toytls_binary_dir release)"
    say "building the release preset in $BUILD_DIR"
    # Configuring every time is cheap and repairs a half-configured build/.
    (cd "$ROOT" && cmake --preset release >&2 &&
        cmake --build --preset release --parallel "$(nproc)" --target toytls-server toytls-client toytls-load toytls-micro-benchmarks >&2)
fi
BIN="$BUILD_DIR/bin"
[[ -x "$BIN/toytls-micro-benchmarks" ]] ||
    die "toytls-micro-benchmarks was not built: install Google Benchmark (apt-get install libbenchmark-dev) and rerun"

# ---------------------------------------------------------------------------
# CPUs, descriptors, the temporary directory, and stopping what we start.
# ---------------------------------------------------------------------------

if (($(nproc) >= 2)); then
    SERVER_CPUS=0 LOAD_CPUS=1 ALL_CPUS=0,1
else
    say "warning: only one CPU: server and load share it (the figures mean little)"
    SERVER_CPUS=0 LOAD_CPUS=0 ALL_CPUS=0
fi
server_pinned() { taskset -c "$SERVER_CPUS" "$@"; }
load_pinned() { taskset -c "$LOAD_CPUS" "$@"; }

# 10,000 idle connections need more descriptors than the usual 1024: raised
# here, for this script and what it starts, and nowhere else.
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
(($(ulimit -n) > IDLE_CONNECTIONS + 100)) ||
    die "descriptor limit $(ulimit -n) is too low for $IDLE_CONNECTIONS idle connections (set TOYTLS_BENCH_IDLE lower)"

WORK="$(mktemp -d /tmp/toytls-compare.XXXXXX)"
chmod 755 "$WORK"  # nginx's workers run as nobody and must read the site
STARTED_PIDS=()

stop_pid() {
    local pid="$1" waited
    kill -TERM "$pid" 2>/dev/null || true
    for ((waited = 0; waited < 50; ++waited)); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    local remaining=()
    for started in "${STARTED_PIDS[@]}"; do [[ "$started" == "$pid" ]] || remaining+=("$started"); done
    STARTED_PIDS=("${remaining[@]+"${remaining[@]}"}")
}

cleanup() {
    local pid
    for pid in "${STARTED_PIDS[@]+"${STARTED_PIDS[@]}"}"; do stop_pid "$pid"; done
    if [[ "${TOYTLS_BENCH_KEEP:-0}" == 1 ]]; then
        say "kept $WORK"
    else
        rm -rf "$WORK"
    fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# N distinct free loopback ports (all bound at once, so none repeats).
free_ports() {
    python3 -c 'import socket, sys
sockets = [socket.socket() for _ in range(int(sys.argv[1]))]
for s in sockets: s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in sockets))' "$1"
}

wait_for_port() {
    local port="$1" tries
    for ((tries = 0; tries < 100; ++tries)); do
        (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && return 0
        sleep 0.05
    done
    die "nothing is listening on port $port (see the logs in $WORK)"
}

# The CPU time (seconds) of a process and all its descendants, from
# /proc/PID/stat: utime and stime are fields 14 and 15, counted after the
# ")" that ends the command name.
process_tree() {
    local pid="$1" child
    printf '%s\n' "$pid"
    # shellcheck disable=SC2013  # the file is one line of space-separated PIDs
    for child in $(cat /proc/"$pid"/task/*/children 2>/dev/null); do process_tree "$child"; done
}
CLOCK_TICKS="$(getconf CLK_TCK)"
cpu_seconds() {
    local ticks=0 pid stat fields
    for pid in $(process_tree "$1"); do
        stat="$(cat /proc/"$pid"/stat 2>/dev/null)" || continue
        read -r -a fields <<<"${stat##*) }"
        ticks=$((ticks + fields[11] + fields[12]))
    done
    awk -v t="$ticks" -v hz="$CLOCK_TICKS" 'BEGIN { printf "%.3f\n", t / hz }'
}

# Measurements, one "name value" line each, for the report at the end.
MEASURED="$WORK/measurements.txt"
: >"$MEASURED"
record() { printf '%s %s\n' "$1" "$2" >>"$MEASURED"; }
# The value of key=... in a line of key=value pairs.
kv() { grep -o "\\b$1=[^ ]*" <<<"$2" | head -n 1 | cut -d= -f2; }

# ---------------------------------------------------------------------------
# The site, the certificates and the configurations.
# ---------------------------------------------------------------------------

SITE="$WORK/html"
mkdir -p "$SITE"
# nginx's own welcome page is 612 bytes; this one is too.
python3 - "$SITE/index.html" <<'EOF'
import sys
head = "<!DOCTYPE html>\n<html>\n<head>\n<title>Welcome</title>\n</head>\n<body>\n<h1>Welcome</h1>\n<p>"
tail = "</p>\n</body>\n</html>\n"
filler = ("The same small page for both servers. " * 20)[: 612 - len(head) - len(tail)]
open(sys.argv[1], "w").write(head + filler + tail)
EOF
[[ "$(stat -c %s "$SITE/index.html")" == 612 ]] || die "index.html is not 612 bytes"
head -c $((1024 * 1024)) /dev/urandom >"$SITE/1m.bin"
head -c $((100 * 1024 * 1024)) /dev/urandom >"$SITE/100m.bin"
chmod -R a+rX "$SITE"

# nginx's chain mirrors ours (certs/): an Ed25519 root, an intermediate CA,
# a leaf for localhost and 127.0.0.1; the server sends leaf + intermediate.
PKI="$WORK/pki"
mkdir -p "$PKI"
(
    cd "$PKI"
    openssl genpkey -algorithm ed25519 -out root.key
    openssl req -x509 -new -key root.key -subj "/CN=Bench Root CA" -days 30 -out root.pem \
        -addext basicConstraints=critical,CA:TRUE,pathlen:1 -addext keyUsage=critical,keyCertSign
    openssl genpkey -algorithm ed25519 -out intermediate.key
    openssl req -new -key intermediate.key -subj "/CN=Bench Intermediate CA" -out intermediate.csr
    printf 'basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign\n' >intermediate.ext
    openssl x509 -req -in intermediate.csr -CA root.pem -CAkey root.key -CAcreateserial -days 30 \
        -extfile intermediate.ext -out intermediate.pem
    openssl genpkey -algorithm ed25519 -out leaf.key
    openssl req -new -key leaf.key -subj "/CN=localhost" -out leaf.csr
    printf 'basicConstraints=critical,CA:FALSE\nsubjectAltName=DNS:localhost,IP:127.0.0.1\n' >leaf.ext
    openssl x509 -req -in leaf.csr -CA intermediate.pem -CAkey intermediate.key -CAcreateserial -days 30 \
        -extfile leaf.ext -out leaf.pem
    cat leaf.pem intermediate.pem >chain.pem
) >"$WORK/openssl.log" 2>&1 || die "openssl could not make the certificate chain (see $WORK/openssl.log)"

read -r NGINX_PLAIN_PORT NGINX_TLS_PORT OURS_PLAIN_PORT OURS_TLS_PORT <<<"$(free_ports 4)"

write_nginx_config() {  # WORKERS
    cat >"$WORK/nginx.conf" <<EOF
worker_processes $1;
worker_rlimit_nofile 65536;
pid $WORK/nginx.pid;
error_log $WORK/nginx-error.log warn;
events {
    worker_connections 20000;
}
http {
    access_log off;
    default_type application/octet-stream;
    types { text/html html; }
    sendfile on;                  # as toytls-server does on plain connections
    keepalive_timeout 65s;
    keepalive_requests 1000000;   # no reconnects in the keep-alive scenarios (toytls-server has no limit)
    client_body_temp_path $WORK/nginx-temp;
    proxy_temp_path $WORK/nginx-temp;
    fastcgi_temp_path $WORK/nginx-temp;
    uwsgi_temp_path $WORK/nginx-temp;
    scgi_temp_path $WORK/nginx-temp;
    server {
        listen 127.0.0.1:$NGINX_PLAIN_PORT;
        listen 127.0.0.1:$NGINX_TLS_PORT ssl;
        server_name localhost;
        ssl_certificate $PKI/chain.pem;
        ssl_certificate_key $PKI/leaf.key;
        ssl_protocols TLSv1.3;
        ssl_ecdh_curve X25519;
        ssl_session_tickets off;
        ssl_session_cache off;
        root $SITE;
    }
}
EOF
}

write_toytls_config() {  # WORKERS
    cat >"$WORK/toytls-server.conf" <<EOF
worker_processes $1;
error_log $WORK/toytls-error.log error;
events {
    worker_connections 20000;     # as nginx's: room for the 10,000 idle connections
}
http {
    access_log off;
    keepalive_timeout 65s;
    server {
        listen 127.0.0.1:$OURS_PLAIN_PORT;
        listen 127.0.0.1:$OURS_TLS_PORT ssl;
        server_name localhost 127.0.0.1;
        ssl_certificate       $ROOT/certs/server.cert;
        ssl_certificate_key   $ROOT/certs/server.key;
        ssl_certificate_chain $ROOT/certs/intermediate.cert;
        root $SITE;
    }
}
EOF
}

SERVER_PID=""
start_nginx() {  # WORKERS CPUS
    write_nginx_config "$1"
    mkdir -p "$WORK/nginx-temp"
    taskset -c "$2" nginx -p "$WORK" -e "$WORK/nginx-error.log" -c "$WORK/nginx.conf" -g 'daemon off;' \
        2>>"$WORK/nginx-stderr.log" &
    SERVER_PID=$!
    STARTED_PIDS+=("$SERVER_PID")
    wait_for_port "$NGINX_PLAIN_PORT"
    wait_for_port "$NGINX_TLS_PORT"
}

start_toytls_server() {  # WORKERS CPUS
    write_toytls_config "$1"
    taskset -c "$2" "$BIN/toytls-server" -c "$WORK/toytls-server.conf" 2>>"$WORK/toytls-server.log" &
    SERVER_PID=$!
    STARTED_PIDS+=("$SERVER_PID")
    wait_for_port "$OURS_PLAIN_PORT"
    wait_for_port "$OURS_TLS_PORT"
}

stop_server() {
    stop_pid "$SERVER_PID"
    SERVER_PID=""
}

# ---------------------------------------------------------------------------
# Scenario runners.
# ---------------------------------------------------------------------------

# wrk against nginx: NAME URL [wrk options...]. Records requests, seconds,
# errors and the server's CPU time for those requests.
run_wrk() {
    local name="$1" url="$2"
    shift 2
    local before after output requests seconds errors
    before="$(cpu_seconds "$SERVER_PID")"
    output="$(load_pinned wrk -t 1 -c "$CONNECTIONS" -d "${SECONDS_PER_RUN}s" --latency "$@" "$url" 2>&1)"
    after="$(cpu_seconds "$SERVER_PID")"
    printf '%s\n' "$output" >"$WORK/$name.txt"
    # "  123456 requests in 10.00s, 84.21MB read"
    requests="$(awk '/ requests in / { print $1 }' <<<"$output")"
    seconds="$(awk '/ requests in / { sub(/s,$/, "", $4); print $4 }' <<<"$output")"
    # "Socket errors: connect 0, read 0, write 0, timeout 0" and "Non-2xx or 3xx responses: 5"
    errors="$(awk '/Socket errors/ { gsub(/,/, ""); e += $4 + $6 + $8 + $10 } /Non-2xx/ { e += $NF } END { print e + 0 }' <<<"$output")"
    [[ -n "$requests" && "$requests" -gt 0 ]] || die "wrk $name made no requests:"$'\n'"$output"
    record "$name.requests" "$requests"
    record "$name.seconds" "$seconds"
    record "$name.errors" "$errors"
    record "$name.server_cpu_s" "$(awk -v a="$after" -v b="$before" 'BEGIN { print a - b }')"
    say "  $name: $requests requests in ${seconds}s, $errors errors, server CPU $(awk -v a="$after" -v b="$before" -v n="$requests" 'BEGIN { printf "%.1f", (a - b) * 1e6 / n }') us/request"
}

# toytls-load against toytls-server: NAME URL [toytls-load options...].
# Records every key=value of its --kv line.
run_load() {
    local name="$1" url="$2"
    shift 2
    local output line key
    output="$(load_pinned "$BIN/toytls-load" --kv --server-pid "$SERVER_PID" "$@" "$url" 2>&1)" ||
        die "toytls-load $name failed:"$'\n'"$output"
    printf '%s\n' "$output" >"$WORK/$name.txt"
    line="$(grep '^toytls-load: mode=' <<<"$output")"
    for key in requests handshakes seconds errors server_cpu_seconds server_cpu_us_per_request \
        server_cpu_us_per_handshake mb_per_second handshakes_per_second load_cpu_percent \
        server_rss_per_connection_bytes idle_connections; do
        record "$name.$key" "$(kv "$key" "$line")"
    done
    say "  $name: $(kv requests "$line") requests, $(kv handshakes "$line") handshakes, $(kv errors "$line") errors," \
        "server CPU $(kv server_cpu_us_per_request "$line") us/request, load CPU $(kv load_cpu_percent "$line")%"
}

# A 100 MiB download, DOWNLOAD_RUNS times; records the median MB/s.
# NAME COMMAND... (the command writes the body to /dev/null)
run_download() {
    local name="$1"
    shift
    local rates=() run start end before after cpu_total=0
    # The first download of a run is often much slower (client start-up,
    # TCP buffer autotuning): one untimed download first.
    load_pinned "$@" >/dev/null 2>>"$WORK/$name.txt" || die "$name: download failed (see $WORK/$name.txt)"
    for ((run = 0; run < DOWNLOAD_RUNS; ++run)); do
        before="$(cpu_seconds "$SERVER_PID")"
        start="$(date +%s.%N)"
        load_pinned "$@" >/dev/null 2>>"$WORK/$name.txt" || die "$name: download failed (see $WORK/$name.txt)"
        end="$(date +%s.%N)"
        after="$(cpu_seconds "$SERVER_PID")"
        rates+=("$(awk -v s="$start" -v e="$end" 'BEGIN { printf "%.1f", 100 * 1048576 / (e - s) / 1e6 }')")
        cpu_total="$(awk -v t="$cpu_total" -v a="$after" -v b="$before" 'BEGIN { print t + a - b }')"
    done
    local median
    median="$(printf '%s\n' "${rates[@]}" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')"
    record "$name.mb_per_second" "$median"
    record "$name.server_cpu_us_per_mb" "$(awk -v c="$cpu_total" -v n="$DOWNLOAD_RUNS" 'BEGIN { printf "%.1f", c * 1e6 / (n * 104.8576) }')"
    say "  $name: ${rates[*]} MB/s (median $median)"
}

# ---------------------------------------------------------------------------
# The runs.
# ---------------------------------------------------------------------------

MACHINE="$(nproc) CPUs, $(grep -m 1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
LOAD_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg)"
STARTED_AT="$(date -u)"
say "machine: $MACHINE"
say "load average before: $LOAD_BEFORE"

say "crypto floor and micro-benchmarks (toytls-micro-benchmarks, on CPU $LOAD_CPUS)"
load_pinned "$BIN/toytls-micro-benchmarks" --benchmark_min_time=0.3 \
    --benchmark_out="$WORK/micro.json" --benchmark_out_format=json >"$WORK/micro.txt" 2>&1 ||
    die "toytls-micro-benchmarks failed (see $WORK/micro.txt)"

# --- nginx -----------------------------------------------------------------
say "nginx $(nginx -v 2>&1 | cut -d/ -f2), one worker on CPU $SERVER_CPUS; wrk on CPU $LOAD_CPUS"
start_nginx 1 "$SERVER_CPUS"
# Only TLS 1.3, X25519 and an Ed25519 certificate are configured, so any
# handshake that succeeds used them; openssl s_client shows what was agreed.
say "  nginx TLS: $(echo | openssl s_client -connect "127.0.0.1:$NGINX_TLS_PORT" -tls1_3 -brief 2>&1 |
    grep -E 'Protocol version|Ciphersuite|Signature type|Server Temp Key' | tr '\n' ';' | tr -s ' ')"
probe="$(load_pinned wrk -t 1 -c 1 -d 1s "https://127.0.0.1:$NGINX_TLS_PORT/index.html" 2>&1)"
if ! grep -q ' requests in ' <<<"$probe" || grep -q 'Socket errors' <<<"$probe"; then
    die "wrk cannot speak TLS 1.3 with an Ed25519 certificate to nginx:"$'\n'"$probe"
fi
say "  wrk: TLS 1.3 + X25519 + Ed25519 handshakes work ($(awk '/ requests in / { print $1 }' <<<"$probe") requests in the 1 s probe)"

run_wrk nginx_plain_keepalive "http://127.0.0.1:$NGINX_PLAIN_PORT/index.html"
run_wrk nginx_tls_keepalive "https://127.0.0.1:$NGINX_TLS_PORT/index.html"
run_wrk nginx_plain_newconn "http://127.0.0.1:$NGINX_PLAIN_PORT/index.html" -H "Connection: close"
run_wrk nginx_tls_newconn "https://127.0.0.1:$NGINX_TLS_PORT/index.html" -H "Connection: close"
CONNECTIONS_SAVED="$CONNECTIONS" CONNECTIONS="$BULK_CONNECTIONS"
run_wrk nginx_tls_bulk "https://127.0.0.1:$NGINX_TLS_PORT/1m.bin"
CONNECTIONS="$CONNECTIONS_SAVED"
run_download nginx_plain_100m curl -sS --fail -o /dev/null "http://127.0.0.1:$NGINX_PLAIN_PORT/100m.bin"
run_download nginx_tls_100m curl -sS --fail -k --tlsv1.3 -o /dev/null "https://127.0.0.1:$NGINX_TLS_PORT/100m.bin"
stop_server

# Memory: a fresh server each time, so that freed memory of earlier
# connections does not hide the cost of the new ones.
say "  nginx: $IDLE_CONNECTIONS idle plain connections"
start_nginx 1 "$SERVER_CPUS"
run_load nginx_plain_idle "http://127.0.0.1:$NGINX_PLAIN_PORT/index.html" --mode idle -c "$IDLE_CONNECTIONS" -d 2
stop_server
say "  nginx: $IDLE_CONNECTIONS idle TLS connections"
start_nginx 1 "$SERVER_CPUS"
idle_output="$(load_pinned python3 "$ROOT/bench/idle_tls_connections.py" --port "$NGINX_TLS_PORT" \
    --connections "$IDLE_CONNECTIONS" --server-pid "$SERVER_PID" 2>&1)" || die "idle TLS connections failed: $idle_output"
printf '%s\n' "$idle_output" >"$WORK/nginx_tls_idle.txt"
record nginx_tls_idle.server_rss_per_connection_bytes "$(kv server_rss_per_connection_bytes "$idle_output")"
record nginx_tls_idle.idle_connections "$(kv idle_connections "$idle_output")"
say "  nginx_tls_idle: $(tail -n 1 <<<"$idle_output")"
stop_server

# --- toytls-server -----------------------------------------------------------
say "toytls-server, one worker on CPU $SERVER_CPUS; toytls-load on CPU $LOAD_CPUS"
start_toytls_server 1 "$SERVER_CPUS"
common=(-c "$CONNECTIONS" -d "$SECONDS_PER_RUN")
run_load ours_plain_keepalive "http://127.0.0.1:$OURS_PLAIN_PORT/index.html" --mode keep-alive "${common[@]}"
run_load ours_tls_keepalive "toytls://127.0.0.1:$OURS_TLS_PORT/index.html" --mode keep-alive "${common[@]}"
run_load ours_plain_newconn "http://127.0.0.1:$OURS_PLAIN_PORT/index.html" --mode new-connection "${common[@]}"
run_load ours_tls_newconn "toytls://127.0.0.1:$OURS_TLS_PORT/index.html" --mode new-connection "${common[@]}"
run_load ours_tls_bulk "toytls://127.0.0.1:$OURS_TLS_PORT/1m.bin" --mode bulk -c "$BULK_CONNECTIONS" -d "$SECONDS_PER_RUN"
run_download ours_plain_100m curl -sS --fail -o /dev/null "http://127.0.0.1:$OURS_PLAIN_PORT/100m.bin"
run_download ours_tls_100m "$BIN/toytls-client" --fail -o /dev/null "toytls://127.0.0.1:$OURS_TLS_PORT/100m.bin"
stop_server

say "  toytls-server: $IDLE_CONNECTIONS idle plain connections"
start_toytls_server 1 "$SERVER_CPUS"
run_load ours_plain_idle "http://127.0.0.1:$OURS_PLAIN_PORT/index.html" --mode idle -c "$IDLE_CONNECTIONS" -d 2
stop_server
say "  toytls-server: $IDLE_CONNECTIONS idle ToyTLS connections"
start_toytls_server 1 "$SERVER_CPUS"
run_load ours_tls_idle "toytls://127.0.0.1:$OURS_TLS_PORT/index.html" --mode idle -c "$IDLE_CONNECTIONS" -d 2
stop_server

# Multi-core: handshakes/s with worker_processes 1 and 2. Both runs use the
# same placement (server and load generator may use every CPU), so that only
# the worker count changes; the load generator's own CPU use is recorded to
# tell whether it, rather than the server, was the limit.
say "toytls-server multi-core: worker_processes 1 vs 2 (server and toytls-load on CPUs $ALL_CPUS, 2 load threads)"
for workers in 1 2; do
    start_toytls_server "$workers" "$ALL_CPUS"
    LOAD_CPUS_SAVED="$LOAD_CPUS" LOAD_CPUS="$ALL_CPUS"
    run_load "ours_tls_newconn_workers$workers" "toytls://127.0.0.1:$OURS_TLS_PORT/index.html" \
        --mode new-connection -t 2 "${common[@]}"
    LOAD_CPUS="$LOAD_CPUS_SAVED"
    stop_server
done
record load_threads 2
record bulk_connections "$BULK_CONNECTIONS"

LOAD_AFTER="$(cut -d' ' -f1-3 /proc/loadavg)"
say "load average after: $LOAD_AFTER"

# ---------------------------------------------------------------------------
# The report.
# ---------------------------------------------------------------------------

cat <<EOF
# bench/compare.sh results

- date: $STARTED_AT (\`date -u\` at the start)
- machine: $MACHINE; $(uname -sr)
- load average (1, 5, 15 min): $LOAD_BEFORE before, $LOAD_AFTER after
- servers: toytls-server ($(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$ROOT" diff --quiet 2>/dev/null || echo ', with uncommitted changes')) and nginx $(nginx -v 2>&1 | cut -d/ -f2), one worker each on CPU $SERVER_CPUS; load on CPU $LOAD_CPUS; ${SECONDS_PER_RUN} s per scenario, $CONNECTIONS connections (1 MiB responses: $BULK_CONNECTIONS), $IDLE_CONNECTIONS idle connections
- tools: $(wrk --version 2>&1 | head -n 1 | cut -d' ' -f1-2), $(curl --version | head -n 1 | cut -d' ' -f1-2,5), $(openssl version | cut -d' ' -f1-2), libsodium $(pkg-config --modversion libsodium 2>/dev/null || echo '?')

EOF
python3 - "$MEASURED" "$WORK/micro.json" "$(nproc)" <<'EOF'
import json
import sys

measured = {}
for line in open(sys.argv[1]):
    name, _, value = line.strip().partition(" ")
    try:
        measured[name] = float(value)
    except ValueError:
        measured[name] = None
# Names as registered; UseManualTime() benchmarks carry a "/manual_time" suffix.
micro = {b["name"].removesuffix("/manual_time"): b for b in json.load(open(sys.argv[2]))["benchmarks"]}
cpus = int(sys.argv[3])


def m(name):
    value = measured.get(name)
    if value is None:
        raise SystemExit(f"compare.sh: no measurement {name}")
    return value


def micro_us(name):
    b = micro[name]
    scale = {"ns": 1e-3, "us": 1.0, "ms": 1e3}[b.get("time_unit", "ns")]
    # The handshake benchmarks time one side by hand (real_time = that side only).
    return b["real_time" if name.startswith("handshake/") else "cpu_time"] * scale


def per_request_us(prefix):  # wrk runs: server CPU / requests
    return m(prefix + ".server_cpu_s") * 1e6 / m(prefix + ".requests")


floor_server_us = micro_us("floor/x25519_keygen") + micro_us("floor/x25519_shared") + micro_us("floor/ed25519_sign")
floor_client_us = (micro_us("floor/x25519_keygen") + micro_us("floor/x25519_shared")
                   + 3 * micro_us("floor/ed25519_verify"))
aes_name = "floor/aes256gcm_seal/16384"
aes_mb_s = micro[aes_name]["bytes_per_second"] / 1e6 if aes_name in micro else None

rows = []


def row(goal, ours, reference, ratio, target, met):
    rows.append((goal, ours, reference, ratio, target, met))


def ratio_text(ratio, limit):
    # Three decimals where two would round a miss onto the limit ("1.00x", NO).
    text = f"{ratio:.2f}x"
    return f"{ratio:.3f}x" if text == f"{limit:.2f}x" and ratio != limit else text


def fmt(value, unit, digits=1):
    return f"{value:,.{digits}f} {unit}".strip()


def at_most(ratio, limit):
    return "yes" if ratio <= limit else "NO"


def at_least(ratio, limit):
    return "yes" if ratio >= limit else "NO"


# 1-2: new ToyTLS connection.
ours_new_tls = m("ours_tls_newconn.server_cpu_us_per_request")
nginx_new_tls = per_request_us("nginx_tls_newconn")
ratio = ours_new_tls / nginx_new_tls
row("Server CPU per new connection (handshake + 612 B request + close): ToyTLS vs nginx TLS 1.3",
    fmt(ours_new_tls, "µs"), fmt(nginx_new_tls, "µs") + " (nginx)", ratio_text(ratio, 0.5), "≤ 0.5x", at_most(ratio, 0.5))
ours_new_plain = m("ours_plain_newconn.server_cpu_us_per_request")
bound = floor_server_us + ours_new_plain
ratio = ours_new_tls / bound
row("Server CPU per new ToyTLS connection vs crypto floor + our plain new connection",
    fmt(ours_new_tls, "µs"),
    f"{bound:,.1f} µs ({floor_server_us:.1f} floor + {ours_new_plain:.1f} plain)", ratio_text(ratio, 1.3), "≤ 1.3x",
    at_most(ratio, 1.3))

# 3-4: keep-alive small file.
ours = m("ours_tls_keepalive.server_cpu_us_per_request")
ref = per_request_us("nginx_tls_keepalive")
row("Keep-alive 612 B, server CPU per request: ToyTLS vs nginx HTTPS", fmt(ours, "µs", 2), fmt(ref, "µs", 2) + " (nginx)",
    ratio_text(ours / ref, 1.0), "≤ 1.0x", at_most(ours / ref, 1.0))
ours = m("ours_plain_keepalive.server_cpu_us_per_request")
ref = per_request_us("nginx_plain_keepalive")
row("Keep-alive 612 B, server CPU per request: plain vs nginx plain", fmt(ours, "µs", 2), fmt(ref, "µs", 2) + " (nginx)",
    ratio_text(ours / ref, 1.0), "≤ 1.0x", at_most(ours / ref, 1.0))

# 5-7: bulk.
ours = m("ours_tls_100m.mb_per_second")
ref = m("nginx_tls_100m.mb_per_second")
row("100 MiB download: toytls-client over ToyTLS vs curl over nginx HTTPS", fmt(ours, "MB/s"), fmt(ref, "MB/s") + " (curl+nginx)",
    ratio_text(ours / ref, 1.0), "≥ 1.0x", at_least(ours / ref, 1.0))
if aes_mb_s:
    row("100 MiB ToyTLS download vs libsodium AES-256-GCM sealing 16 KiB records", fmt(ours, "MB/s"),
        fmt(aes_mb_s, "MB/s") + " (libsodium)", ratio_text(ours / aes_mb_s, 0.75), "≥ 0.75x", at_least(ours / aes_mb_s, 0.75))
ours = m("ours_plain_100m.mb_per_second")
ref = m("nginx_plain_100m.mb_per_second")
row("100 MiB plain download (curl): ours vs nginx", fmt(ours, "MB/s"), fmt(ref, "MB/s") + " (nginx)",
    ratio_text(ours / ref, 1.0), "≥ 1.0x", at_least(ours / ref, 1.0))

# 8-9: memory.
KB = 1024
for kind, limit_kb, nginx_name in (("ToyTLS", 4, "nginx_tls_idle"), ("plain", 1, "nginx_plain_idle")):
    ours_name = "ours_tls_idle" if kind == "ToyTLS" else "ours_plain_idle"
    ours = m(ours_name + ".server_rss_per_connection_bytes")
    ref = m(nginx_name + ".server_rss_per_connection_bytes")
    held = int(m(ours_name + ".idle_connections"))
    ratio = f"{ours / ref:.2f}x nginx" if ref > 0 else "-"
    row(f"Memory per idle {kind} connection ({held:,} held, RSS delta / connections)", f"{ours / KB:.2f} KiB",
        f"{ref / KB:.2f} KiB (nginx {'TLS 1.3' if kind == 'ToyTLS' else 'plain'})", ratio, f"≤ {limit_kb} KiB",
        "yes" if ours <= limit_kb * KB else "NO")

# 10: multi-core.
one = m("ours_tls_newconn_workers1.handshakes_per_second")
two = m("ours_tls_newconn_workers2.handshakes_per_second")
load_cpu = max(m("ours_tls_newconn_workers1.load_cpu_percent"), m("ours_tls_newconn_workers2.load_cpu_percent"))
load_threads = int(m("load_threads"))
load_capacity = 100 * load_threads
load_saturated = load_cpu >= 0.9 * load_capacity
cpus_shared = cpus < 2 + load_threads  # two workers and the load threads cannot each have a CPU
verdict = "not measurable here" if load_saturated or cpus_shared else at_least(two / one, 1.8)
row("Handshakes/s, worker_processes 2 vs 1 (SO_REUSEPORT)", f"{two:,.0f}/s vs {one:,.0f}/s", "1.8x (goal)",
    ratio_text(two / one, 1.8), "≥ 1.8x", verdict)

print("| Goal (issue 5) | Ours | Reference | Ratio | Target | Met |")
print("| --- | --- | --- | --- | --- | --- |")
for r in rows:
    print("| " + " | ".join(r) + " |")
print()
print("Crypto floor (libsodium, same run, one core): "
      f"X25519 keygen {micro_us('floor/x25519_keygen'):.1f} µs, X25519 shared {micro_us('floor/x25519_shared'):.1f} µs, "
      f"Ed25519 sign {micro_us('floor/ed25519_sign'):.1f} µs, Ed25519 verify {micro_us('floor/ed25519_verify'):.1f} µs"
      + (f", AES-256-GCM seal 16 KiB {aes_mb_s:,.0f} MB/s" if aes_mb_s else "")
      + f"; so a handshake costs at least {floor_server_us:.0f} µs on the server and {floor_client_us:.0f} µs on the client.")
print(f"In-memory ToyTLS handshake (micro-benchmark): server side {micro_us('handshake/server_side'):.1f} µs, "
      f"client side {micro_us('handshake/client_side'):.1f} µs; demo chain verification {micro_us('chain/verify_demo_chain'):.1f} µs.")
print(f"Throughput (not goals): ToyTLS {m('ours_tls_newconn.handshakes_per_second'):,.0f} new connections/s vs nginx TLS "
      f"{m('nginx_tls_newconn.requests') / m('nginx_tls_newconn.seconds'):,.0f}/s; keep-alive ToyTLS "
      f"{m('ours_tls_keepalive.requests') / m('ours_tls_keepalive.seconds'):,.0f} req/s vs nginx HTTPS "
      f"{m('nginx_tls_keepalive.requests') / m('nginx_tls_keepalive.seconds'):,.0f} req/s; 1 MiB responses over "
      f"{int(m('bulk_connections'))} connections: ToyTLS {m('ours_tls_bulk.mb_per_second'):,.0f} MB/s vs nginx HTTPS "
      f"{m('nginx_tls_bulk.requests') * 1.048576 / m('nginx_tls_bulk.seconds'):,.0f} MB/s.")
print(f"Server CPU per MB in the 100 MiB downloads: ToyTLS {m('ours_tls_100m.server_cpu_us_per_mb'):,.0f} µs/MB vs nginx HTTPS "
      f"{m('nginx_tls_100m.server_cpu_us_per_mb'):,.0f} µs/MB; plain {m('ours_plain_100m.server_cpu_us_per_mb'):,.0f} vs nginx "
      f"{m('nginx_plain_100m.server_cpu_us_per_mb'):,.0f} µs/MB (AES-256-GCM alone: {1e6 / aes_mb_s:,.0f} µs/MB)."
      if aes_mb_s else "")
errors = {k: v for k, v in measured.items() if k.endswith(".errors") and v}
print("Errors: " + (", ".join(f"{k[:-7]} {v:.0f}" for k, v in errors.items()) if errors else "none in any run") + ".")
print(f"Multi-core check: the load generator ({load_threads} threads) used at most {load_cpu:.0f}% of a core, "
      f"{'at or over' if load_saturated else 'under'} 90% of its {load_capacity}%; "
      + (f"but this machine has {cpus} CPUs for 2 workers and {load_threads} load threads, so they share CPUs and the "
         "ratio shows the machine's limit, not the server's: the goal is not judged here."
         if cpus_shared else
         ("so the load generator was the bottleneck: the goal is not judged." if load_saturated
          else "so the server, not the load generator, was the limit."))
      + f" Server CPU per handshake in the same two runs: {m('ours_tls_newconn_workers1.server_cpu_us_per_handshake'):.1f} µs "
        f"with 1 worker, {m('ours_tls_newconn_workers2.server_cpu_us_per_handshake'):.1f} µs with 2 (the workers share no "
        "lock and no memory, but here they also compete for the 2 CPUs and their caches with each other and "
        "with the load generator).")
EOF
