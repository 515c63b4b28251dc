// What toytls-load reads about the server process it is pointed at, from
// /proc: CPU time (utime + stime of /proc/PID/stat) and resident memory
// (VmRSS of /proc/PID/status). A multi-process server (toytls-server with
// worker_processes N, nginx's master and workers) is measured as the sum of
// the given process and all its descendants, found again at each sample so
// that workers forked after start-up are counted.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <vector>

namespace toytls_load {

struct ProcessSample {
    double cpu_seconds = 0;           // user + system, summed over the processes
    std::uint64_t rss_bytes = 0;      // VmRSS, summed over the processes
    std::vector<pid_t> processes;     // which processes were summed
};

// Nullopt if a given PID does not exist (its descendants are optional:
// they may come and go).
std::optional<ProcessSample> sample_processes(const std::vector<pid_t>& roots);

// This process's own CPU time (user + system, all threads), for "was the
// load generator the bottleneck?".
double own_cpu_seconds();

}  // namespace toytls_load
