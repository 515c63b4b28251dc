// One thread of toytls-load: an epoll loop driving its share of the
// connections. Each connection is a small state machine over a non-blocking
// socket; for toytls:// it holds a toytls::ClientConnection and does the
// sans-I/O dance: socket bytes -> feed(), pop() -> socket, read() -> the
// HTTP response meter, the request -> write().
#pragma once

#include <sys/socket.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "load/load_options.hpp"
#include "load/response_meter.hpp"
#include "toytls/client.hpp"
#include "webserver/unique_fd.hpp"

namespace toytls_load {

using Clock = std::chrono::steady_clock;

// What every connection of every thread shares, read-only during the run.
struct LoadTarget {
    sockaddr_storage address{};
    socklen_t address_length = 0;
    std::string request;  // the whole request, sent as is each time
    LoadMode mode = LoadMode::keep_alive;
    bool idle_with_request = true;
    // toytls:// only: built (and the root parsed) once; each connection gets
    // a copy, as ClientConnection takes its config by value.
    std::optional<toytls::ClientConfig> tls;
};

// Shared between the threads and the main thread.
struct RunControl {
    std::atomic<bool> stop{false};  // end of the measured window
    std::optional<std::uint64_t> max_requests;
    std::atomic<std::uint64_t> requests_sent{0};
    std::atomic<std::uint64_t> requests_done{0};  // for --requests: stop when all sent ones have completed
    std::atomic<int> idle_connections{0};         // idle mode: connections ready and idle
    std::atomic<int> failed_setups{0};            // idle mode: connections that will not become idle
};

struct WorkerStats {
    std::uint64_t requests = 0;         // completed with status 200
    std::uint64_t handshakes = 0;       // ToyTLS handshakes completed
    std::uint64_t connections = 0;      // TCP connections established
    std::uint64_t body_bytes = 0;       // response body bytes of completed requests
    std::uint64_t wire_bytes_received = 0;
    std::uint64_t errors = 0;
    std::map<std::string, std::uint64_t> error_kinds;  // what went wrong, how often
    std::vector<std::uint32_t> latencies_us;           // one per completed request
    std::string cipher_suite;                          // as negotiated (toytls://)

    void add_error(const std::string& what);
    void merge(WorkerStats&& other);
};

class LoadConnection;

class LoadWorker {
public:
    LoadWorker(const LoadTarget& target, RunControl& control, int connection_count, int max_connecting);
    ~LoadWorker();
    LoadWorker(const LoadWorker&) = delete;
    LoadWorker& operator=(const LoadWorker&) = delete;

    // Runs until control.stop; the stats then hold what completed before it.
    void run();
    WorkerStats& stats() { return stats_; }

private:
    void start_slot(std::size_t slot);
    void handle(std::size_t slot, std::uint32_t generation, std::uint32_t events);
    void after_event(std::size_t slot, bool was_in_setup);

    const LoadTarget& target_;
    RunControl& control_;
    int max_connecting_;
    webserver::UniqueFd epoll_;
    WorkerStats stats_;
    std::vector<std::unique_ptr<LoadConnection>> slots_;
    std::vector<std::uint32_t> generations_;  // tells a stale event (for a closed socket) from a live one
    std::vector<std::pair<Clock::time_point, std::size_t>> restarts_;  // slots to reconnect, after an error's back-off
    std::size_t next_unstarted_ = 0;
    int in_setup_ = 0;
    std::vector<std::uint8_t> receive_buffer_;
};

}  // namespace toytls_load
