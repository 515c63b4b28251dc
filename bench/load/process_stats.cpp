#include "load/process_stats.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

namespace toytls_load {

namespace {

struct StatFields {
    pid_t parent = 0;
    std::uint64_t cpu_ticks = 0;  // utime + stime
};

// /proc/PID/stat: "pid (comm) state ppid ... utime stime ...". comm may hold
// spaces and parentheses, so the fields are counted from the LAST ')'.
std::optional<StatFields> read_stat(pid_t pid) {
    std::ifstream file("/proc/" + std::to_string(pid) + "/stat");
    std::string text;
    if (!std::getline(file, text)) return std::nullopt;
    std::size_t comm_end = text.rfind(')');
    if (comm_end == std::string::npos) return std::nullopt;
    std::istringstream rest(text.substr(comm_end + 1));
    // Fields after comm, 1-based from field 3 (state): ppid is field 4,
    // utime field 14 and stime field 15 (proc(5)).
    std::string field;
    StatFields stat;
    for (int number = 3; number <= 15 && rest >> field; ++number) {
        if (number == 4) stat.parent = static_cast<pid_t>(std::stol(field));
        if (number == 14 || number == 15) stat.cpu_ticks += std::stoull(field);
    }
    return stat;
}

std::uint64_t read_rss_bytes(pid_t pid) {
    std::ifstream file("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    while (std::getline(file, line))
        if (line.rfind("VmRSS:", 0) == 0) return std::stoull(line.substr(6)) * 1024;  // "VmRSS:   1234 kB"
    return 0;
}

// Every process's parent, from one pass over /proc.
std::multimap<pid_t, pid_t> children_by_parent() {
    std::multimap<pid_t, pid_t> children;
    std::error_code error;
    for (const auto& entry : std::filesystem::directory_iterator("/proc", error)) {
        const std::string name = entry.path().filename().string();
        if (name.empty() || !std::all_of(name.begin(), name.end(), ::isdigit)) continue;
        pid_t pid = static_cast<pid_t>(std::stol(name));
        if (auto stat = read_stat(pid)) children.emplace(stat->parent, pid);
    }
    return children;
}

}  // namespace

std::optional<ProcessSample> sample_processes(const std::vector<pid_t>& roots) {
    const double ticks_per_second = static_cast<double>(::sysconf(_SC_CLK_TCK));
    const auto children = children_by_parent();
    ProcessSample sample;
    std::vector<pid_t> to_visit(roots.begin(), roots.end());
    while (!to_visit.empty()) {
        pid_t pid = to_visit.back();
        to_visit.pop_back();
        if (std::find(sample.processes.begin(), sample.processes.end(), pid) != sample.processes.end()) continue;
        std::optional<StatFields> stat = read_stat(pid);
        bool is_root = std::find(roots.begin(), roots.end(), pid) != roots.end();
        if (!stat) {
            if (is_root) return std::nullopt;
            continue;  // a descendant that exited in between
        }
        sample.processes.push_back(pid);
        sample.cpu_seconds += static_cast<double>(stat->cpu_ticks) / ticks_per_second;
        sample.rss_bytes += read_rss_bytes(pid);
        auto [first, last] = children.equal_range(pid);
        for (auto child = first; child != last; ++child) to_visit.push_back(child->second);
    }
    return sample;
}

double own_cpu_seconds() {
    rusage usage{};
    ::getrusage(RUSAGE_SELF, &usage);
    auto seconds = [](const timeval& time) { return static_cast<double>(time.tv_sec) + time.tv_usec / 1e6; };
    return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

}  // namespace toytls_load
