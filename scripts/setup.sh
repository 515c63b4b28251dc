# shellcheck shell=bash
# scripts/setup.sh -- shared set-up helper for scripts/demo.sh and scripts/test.sh.
#
# Source it, do not run it:
#
#     source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
#     toytls_ensure_packages      # install (root) or explain (not root) what is missing
#     toytls_build release        # configure if needed, then an incremental build
#
# The functions print their own error messages and `exit` the calling script
# on failure, so callers need no error handling of their own.
#
# The Debian/Ubuntu package list lives here and only here: when the project
# needs a new package, add it to TOYTLS_PACKAGES below.

# Everything needed to configure, build and test the project.
TOYTLS_PACKAGES=(
    g++
    cmake
    make
    pkg-config
    libsodium-dev
    libgtest-dev
    nlohmann-json3-dev
    curl
    gdb                 # walkthrough/gdb/ and tests/gdb_walkthrough_test.cpp
    chromium            # walkthrough/check_page.sh: the interactive page in headless Chromium
    clang               # fuzz/: the libFuzzer targets build with clang (Debian 12: clang 14)
    libclang-rt-14-dev  # fuzz/: libFuzzer and the sanitizer runtimes of clang 14 (only recommended by clang)
    libbenchmark-dev    # bench/: the Google Benchmark micro-benchmarks (and their smoke test)
)

# Extra packages from the environment (space-separated). Meant for testing the
# install-or-explain logic, e.g. TOYTLS_EXTRA_PACKAGES=some-missing-pkg.
if [[ -n "${TOYTLS_EXTRA_PACKAGES:-}" ]]; then
    read -r -a _toytls_extra <<<"${TOYTLS_EXTRA_PACKAGES}"
    TOYTLS_PACKAGES+=("${_toytls_extra[@]}")
    unset _toytls_extra
fi

# The presets' minimum CMake (CMakePresets.json is version 6 = CMake 3.25).
TOYTLS_CMAKE_MIN=3.25

# The repository root (this file is <root>/scripts/setup.sh).
TOYTLS_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"

toytls_say() { printf 'toytls: %s\n' "$*"; }
toytls_die() {
    printf 'toytls: error: %s\n' "$@" >&2
    exit 1
}

# toytls_missing_packages: print the packages of TOYTLS_PACKAGES that are not
# installed, one per line. Asks dpkg, not the shell, so a compiler or a cmake
# from elsewhere on PATH does not hide a missing -dev package.
toytls_missing_packages() {
    local pkg status
    for pkg in "${TOYTLS_PACKAGES[@]}"; do
        # Status is "<want> <error> <state>", e.g. "install ok installed".
        status="$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)"
        if [[ "$status" != *" ok installed" ]]; then
            printf '%s\n' "$pkg"
        fi
    done
}

# toytls_ensure_packages: make sure every package in TOYTLS_PACKAGES is
# installed. As root: apt-get update, then install the missing ones. Not root:
# print the exact command to run and exit non-zero.
toytls_ensure_packages() {
    if ! command -v dpkg-query >/dev/null 2>&1; then
        toytls_say "dpkg-query not found: this is not Debian/Ubuntu, so packages are not checked."
        toytls_say "Make sure the equivalents of these are installed: ${TOYTLS_PACKAGES[*]}"
        return 0
    fi

    local missing=()
    mapfile -t missing < <(toytls_missing_packages)
    if ((${#missing[@]} == 0)); then
        return 0
    fi

    if ((EUID == 0)); then
        toytls_say "installing missing packages: ${missing[*]}"
        apt-get update ||
            toytls_die "'apt-get update' failed (see above); check the network and /etc/apt/sources.list."
        DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}" ||
            toytls_die "'apt-get install' of ${missing[*]} failed (see above)."
        return 0
    fi

    {
        printf '\n'
        printf 'toytls: these packages are missing: %s\n' "${missing[*]}"
        printf 'toytls: you are not root, so they were not installed. Install them with:\n\n'
        printf '    sudo apt-get update && sudo apt-get install -y --no-install-recommends %s\n\n' "${missing[*]}"
        printf 'toytls: (or run that without "sudo" as root), then run this command again.\n'
    } >&2
    exit 1
}

# toytls_check_cmake: the presets need CMake >= TOYTLS_CMAKE_MIN (Debian 12 and
# Ubuntu 24.04 have it; Ubuntu 22.04's 3.22 is too old).
toytls_check_cmake() {
    command -v cmake >/dev/null 2>&1 || toytls_die "cmake not found on PATH."
    local have
    have="$(cmake --version | sed -n '1s/^cmake version \([0-9][0-9.]*\).*/\1/p')"
    if [[ -z "$have" ]] ||
        [[ "$(printf '%s\n%s\n' "$TOYTLS_CMAKE_MIN" "$have" | sort -V | head -n 1)" != "$TOYTLS_CMAKE_MIN" ]]; then
        toytls_die "CMake ${have:-?} is too old: the presets need CMake ${TOYTLS_CMAKE_MIN} or newer" \
            "(Debian 12 or Ubuntu 24.04 have it)."
    fi
}

# toytls_binary_dir PRESET: print the preset's build directory. Keep in step
# with "binaryDir" in CMakePresets.json.
toytls_binary_dir() {
    case "$1" in
        release) printf '%s\n' "$TOYTLS_ROOT/build" ;;
        debug) printf '%s\n' "$TOYTLS_ROOT/build/debug" ;;
        asan) printf '%s\n' "$TOYTLS_ROOT/build/asan" ;;
        *) toytls_die "unknown preset '$1' (known: release, debug, asan)." ;;
    esac
}

# toytls_build PRESET: configure the preset if its build directory is not
# configured yet, then build incrementally with all cores.
toytls_build() {
    local preset="$1" dir rc
    dir="$(toytls_binary_dir "$preset")" || exit 1
    toytls_check_cmake
    cd "$TOYTLS_ROOT" || toytls_die "cannot cd to $TOYTLS_ROOT"

    # Configured = a cache plus generated build files. A configure that failed
    # half-way leaves CMakeCache.txt without a Makefile, so look for both.
    if [[ ! -f "$dir/CMakeCache.txt" ]] || [[ ! -f "$dir/Makefile" && ! -f "$dir/build.ninja" ]]; then
        toytls_say "configuring (cmake --preset $preset) in ${dir#"$TOYTLS_ROOT"/}/"
        rc=0
        cmake --preset "$preset" || rc=$?
        if ((rc != 0)); then
            printf 'toytls: error: configuring preset %s failed (exit %d); see the CMake messages above.\n' \
                "$preset" "$rc" >&2
            exit "$rc"
        fi
    fi

    toytls_say "building (cmake --build --preset $preset -j$(nproc))"
    rc=0
    cmake --build --preset "$preset" -j"$(nproc)" || rc=$?
    if ((rc != 0)); then
        printf 'toytls: error: building preset %s failed (exit %d); see the compiler errors above.\n' \
            "$preset" "$rc" >&2
        exit "$rc"
    fi
}
