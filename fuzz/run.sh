#!/usr/bin/env bash
# fuzz/run.sh -- build the libFuzzer targets and run each one for a while.
#
#   fuzz/run.sh                  every target, 60 seconds each
#   fuzz/run.sh 30               every target, 30 seconds each (the CI smoke run)
#   fuzz/run.sh 1200 fuzz_config only the targets named
#
# Environment:
#   TOYTLS_FUZZ_JOBS=2           run that many targets at a time (default 1)
#   TOYTLS_FUZZ_WORKDIR=DIR      keep the corpora, logs and crashes in DIR
#                                (default: a temporary directory, removed
#                                when every target passed)
#
# Builds build/fuzz with clang++ (incrementally), copies each target's seed
# corpus (fuzz/corpus/<target>/) to the work directory -- the committed
# corpus is never written to -- and runs the target with -max_total_time.
# After fuzz_http_request, http_split_check checks every split of every
# input of the corpus it grew. Prints one line per target: executions,
# coverage (edges, features), corpus size and the result.
#
# Exit status: 0 when no target crashed, leaked, hung or made a sanitizer
# report; 1 otherwise (the crashing input's path is printed); 2 when the
# tools are missing. Installs nothing: scripts/setup.sh lists the packages.
set -euo pipefail

fuzz_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
root="$(cd "$fuzz_dir/.." && pwd -P)"
build_dir="$root/build/fuzz"
all_targets=(fuzz_server_connection fuzz_client_connection fuzz_handshake_structured
             fuzz_certificate fuzz_http_request fuzz_config)

say() { printf 'fuzz: %s\n' "$*"; }
die() {
    printf 'fuzz: error: %s\n' "$@" >&2
    exit 2
}

seconds="${1:-60}"
[[ "$seconds" =~ ^[1-9][0-9]*$ ]] || die "SECONDS must be a positive whole number, not '$seconds'." \
    "usage: fuzz/run.sh [SECONDS] [TARGET...]"
shift $(($# > 0 ? 1 : 0))
targets=("$@")
((${#targets[@]} > 0)) || targets=("${all_targets[@]}")
for target in "${targets[@]}"; do
    [[ " ${all_targets[*]} " == *" $target "* ]] || die "unknown target '$target' (known: ${all_targets[*]})."
done
jobs="${TOYTLS_FUZZ_JOBS:-1}"
[[ "$jobs" =~ ^[1-9][0-9]*$ ]] || die "TOYTLS_FUZZ_JOBS must be a positive whole number, not '$jobs'."

# --- The tools: clang++ and its libFuzzer runtime. -----------------------
packages_hint="On Debian 12: apt-get install clang libclang-rt-14-dev (scripts/setup.sh lists them)."
command -v clang++ >/dev/null 2>&1 || die "clang++ not found. $packages_hint"
command -v cmake >/dev/null 2>&1 || die "cmake not found. $packages_hint"
probe_dir="$(mktemp -d)"
trap 'rm -rf "$probe_dir"' EXIT
printf 'extern "C" int LLVMFuzzerTestOneInput(const unsigned char*, unsigned long) { return 0; }\n' \
    >"$probe_dir/probe.cpp"
if ! clang++ -fsanitize=fuzzer,address,undefined "$probe_dir/probe.cpp" -o "$probe_dir/probe" \
    >"$probe_dir/log" 2>&1; then
    cat "$probe_dir/log" >&2
    die "clang++ cannot link a libFuzzer target (the fuzzer or sanitizer runtime is missing)." "$packages_hint"
fi

# --- Build (configure once, then incrementally). ---------------------------
if [[ ! -f "$build_dir/CMakeCache.txt" || ! -f "$build_dir/Makefile" ]]; then
    say "configuring build/fuzz with clang++"
    cmake -S "$fuzz_dir" -B "$build_dir" -DCMAKE_CXX_COMPILER=clang++ >/dev/null
fi
say "building build/fuzz"
cmake --build "$build_dir" -j"$(nproc)" >"$probe_dir/build.log" 2>&1 ||
    { cat "$probe_dir/build.log" >&2; die "building the fuzz targets failed (see the errors above)."; }
for target in "${targets[@]}" http_split_check; do
    [[ -x "$build_dir/bin/$target" ]] || die "build/fuzz/bin/$target was not built."
done

# --- Run. -------------------------------------------------------------------
if [[ -n "${TOYTLS_FUZZ_WORKDIR:-}" ]]; then
    work="$TOYTLS_FUZZ_WORKDIR"
    mkdir -p "$work"
    keep_work=1
else
    work="$(mktemp -d "${TMPDIR:-/tmp}/toytls-fuzz.XXXXXX")"
    keep_work=0
fi
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"

# run_target TARGET: runs one target; writes TARGET/result (one table line).
run_target() {
    local target="$1" name="${1#fuzz_}" dir="$work/$1" rc=0
    mkdir -p "$dir/corpus" "$dir/artifacts"
    # The seeds are copied: libFuzzer adds what it finds to the directory
    # it is given, and the committed corpus must stay small.
    cp -n "$fuzz_dir/corpus/$name/"* "$dir/corpus/" 2>/dev/null || true
    "$build_dir/bin/$target" -max_total_time="$seconds" -print_final_stats=1 -timeout=30 \
        -artifact_prefix="$dir/artifacts/" "$dir/corpus" >"$dir/log" 2>&1 || rc=$?

    rm -f "$dir/passed"
    local result="ok"
    local artifact
    artifact="$(find "$dir/artifacts" -type f | head -n 1 || true)"
    if ((rc != 0)) || [[ -n "$artifact" ]] ||
        grep -qE 'ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error:' "$dir/log"; then
        result="FAILED (exit $rc${artifact:+, input $artifact})"
    elif [[ "$target" == fuzz_http_request ]]; then
        if ! "$build_dir/bin/http_split_check" "$dir/corpus" >"$dir/split_check.log" 2>&1; then
            result="FAILED (http_split_check: see $dir/split_check.log)"
        else
            result="ok; $(tail -n 1 "$dir/split_check.log" | sed 's/^http_split_check: //')"
        fi
    fi

    local execs cov ft
    execs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$dir/log" | tail -n 1)"
    cov="$(grep -oE 'cov: [0-9]+' "$dir/log" | tail -n 1 | cut -d' ' -f2 || true)"
    ft="$(grep -oE 'ft: [0-9]+' "$dir/log" | tail -n 1 | cut -d' ' -f2 || true)"
    local files
    files="$(find "$dir/corpus" -type f | wc -l)"
    printf '%-26s %12s %9s %6s %6s %7s  %s\n' "$target" "${execs:-?}" \
        "$(( ${execs:-0} / seconds ))" "${cov:-?}" "${ft:-?}" "$files" "$result" >"$dir/result"
    [[ "$result" != ok* ]] || touch "$dir/passed"
}

say "running ${#targets[@]} target(s) for ${seconds}s each, $jobs at a time, in $work"
running=0
for target in "${targets[@]}"; do
    if ((running >= jobs)); then
        wait -n || true
        running=$((running - 1))
    fi
    say "started $target"
    run_target "$target" &
    running=$((running + 1))
done
wait

# --- Report. ----------------------------------------------------------------
printf '\n%-26s %12s %9s %6s %6s %7s  %s\n' target execs exec/s cov ft corpus result
failed=0
for target in "${targets[@]}"; do
    if [[ -f "$work/$target/result" ]]; then
        cat "$work/$target/result"
    else
        printf '%-26s did not report (see %s)\n' "$target" "$work/$target/log"
    fi
    if [[ ! -f "$work/$target/passed" ]]; then
        failed=1
        printf '\n--- %s: last lines of %s\n' "$target" "$work/$target/log"
        grep -E 'ERROR|SUMMARY|runtime error|invariant failed|Test unit written|^    #[0-9] ' \
            "$work/$target/log" | head -n 30 || true
    fi
done

if ((failed)); then
    printf '\nfuzz: FAILED. Logs, corpora and crashing inputs are in %s\n' "$work" >&2
    printf 'fuzz: reproduce one with: build/fuzz/bin/TARGET INPUT_FILE\n' >&2
    exit 1
fi
if ((keep_work)); then
    say "all targets passed; corpora and logs are in $work"
else
    rm -rf "$work"
    say "all targets passed"
fi
