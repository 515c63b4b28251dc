// toytls-load: a load generator for toytls-server (and, for plain HTTP, any
// server): N connections on T epoll threads for a fixed duration, in one of
// four modes (load_options.hpp). It reports requests/s, handshakes/s, MB/s,
// latency p50/p99, errors and, with --server-pid, the server's CPU time per
// operation read from /proc: the fairest figure when the load generator,
// not the server, is the bottleneck.
#include <netdb.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <sstream>
#include <thread>

#include "load/load_options.hpp"
#include "load/load_worker.hpp"
#include "load/process_stats.hpp"
#include "toytls/key_file.hpp"

namespace {

using namespace toytls_load;

constexpr std::string_view demo_root_path = TOYTLS_SOURCE_DIR "/certs/root.cert";
constexpr auto idle_setup_timeout = std::chrono::seconds(120);

bool resolve(const toytls_client::Url& url, LoadTarget& target, std::string& error) {
    addrinfo hints{};
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* found = nullptr;
    int status = ::getaddrinfo(url.host.c_str(), std::to_string(url.port).c_str(), &hints, &found);
    if (status != 0) {
        error = "cannot resolve " + url.host + ": " + ::gai_strerror(status);
        return false;
    }
    std::memcpy(&target.address, found->ai_addr, found->ai_addrlen);
    target.address_length = found->ai_addrlen;
    ::freeaddrinfo(found);
    return true;
}

// Like wrk's default request: the request line and Host, nothing more, so
// that both servers parse the same few bytes.
std::string build_request(const toytls_client::Url& url, LoadMode mode) {
    std::string request = "GET " + url.target + " HTTP/1.1\r\nHost: " + toytls_client::host_header_value(url) + "\r\n";
    if (mode == LoadMode::new_connection) request += "Connection: close\r\n";
    return request + "\r\n";
}

bool build_tls_config(const LoadOptions& options, LoadTarget& target, std::string& error) {
    toytls::ClientConfig config;
    std::vector<std::string> paths = options.cacert_paths;
    if (paths.empty()) paths.emplace_back(demo_root_path);
    for (const std::string& path : paths) {
        std::optional<toytls::Certificate> root = toytls::load_certificate_file(path, error);
        if (!root) return false;
        config.trust_store.add_root(std::move(*root));
    }
    config.server_name = options.server_name.value_or(options.url.host);
    config.insecure_skip_chain_verification = options.insecure;
    target.tls = std::move(config);
    return true;
}

std::uint32_t percentile(const std::vector<std::uint32_t>& sorted, double fraction) {
    if (sorted.empty()) return 0;
    auto rank = static_cast<std::size_t>(std::ceil(fraction * static_cast<double>(sorted.size())));
    return sorted[std::clamp<std::size_t>(rank, 1, sorted.size()) - 1];
}

std::string fixed(double value, int decimals) {
    char text[64];
    std::snprintf(text, sizeof text, "%.*f", decimals, value);
    return text;
}

struct RunResult {
    WorkerStats stats;
    double seconds = 0;
    double own_cpu_seconds = 0;
    std::optional<ProcessSample> server_before, server_after;
    int idle_connections = 0;
};

void print_report(const LoadOptions& options, RunResult& result) {
    WorkerStats& stats = result.stats;
    std::sort(stats.latencies_us.begin(), stats.latencies_us.end());
    const double seconds = result.seconds > 0 ? result.seconds : 1;
    const bool toytls = options.url.scheme == toytls_client::Scheme::toytls;
    const double megabytes = static_cast<double>(stats.body_bytes) / 1e6;
    std::ostringstream text;
    text << "toytls-load: " << toytls_client::scheme_name(options.url.scheme) << "://" << options.url.host << ":"
         << options.url.port << options.url.target << ", mode " << load_mode_name(options.mode) << ", "
         << options.connections << " connections, " << options.threads << " thread(s), " << fixed(seconds, 2) << " s"
         << (stats.cipher_suite.empty() ? "" : ", " + stats.cipher_suite) << "\n";
    text << "  requests     " << stats.requests << "  (" << fixed(stats.requests / seconds, 1) << "/s)\n";
    if (toytls) text << "  handshakes   " << stats.handshakes << "  (" << fixed(stats.handshakes / seconds, 1) << "/s)\n";
    text << "  connections  " << stats.connections << "  (" << fixed(stats.connections / seconds, 1) << "/s)\n";
    text << "  body data    " << fixed(megabytes, 1) << " MB  (" << fixed(megabytes / seconds, 1) << " MB/s)\n";
    text << "  latency      p50 " << fixed(percentile(stats.latencies_us, 0.50) / 1000.0, 3) << " ms, p99 "
         << fixed(percentile(stats.latencies_us, 0.99) / 1000.0, 3) << " ms"
         << (options.mode == LoadMode::new_connection ? "  (connect to end of response)" : "  (request to end of response)")
         << "\n";
    text << "  errors       " << stats.errors << "\n";
    for (const auto& [what, count] : stats.error_kinds) text << "    " << count << " x " << what << "\n";

    std::ostringstream kv;
    kv << "toytls-load: mode=" << load_mode_name(options.mode) << " seconds=" << fixed(seconds, 3)
       << " requests=" << stats.requests << " requests_per_second=" << fixed(stats.requests / seconds, 1)
       << " handshakes=" << stats.handshakes << " handshakes_per_second=" << fixed(stats.handshakes / seconds, 1)
       << " connections=" << stats.connections << " body_bytes=" << stats.body_bytes
       << " mb_per_second=" << fixed(megabytes / seconds, 1)
       << " latency_p50_us=" << percentile(stats.latencies_us, 0.50)
       << " latency_p99_us=" << percentile(stats.latencies_us, 0.99) << " errors=" << stats.errors;

    const double load_cpu_percent = 100.0 * result.own_cpu_seconds / seconds;
    text << "  load CPU     " << fixed(result.own_cpu_seconds, 2) << " s = " << fixed(load_cpu_percent, 0) << "% of one core ("
         << options.threads << " thread(s); near " << 100 * options.threads
         << "% means the load generator is the bottleneck)\n";
    kv << " load_cpu_seconds=" << fixed(result.own_cpu_seconds, 3) << " load_cpu_percent=" << fixed(load_cpu_percent, 1);

    if (result.server_before && result.server_after) {
        const double server_cpu = result.server_after->cpu_seconds - result.server_before->cpu_seconds;
        auto per = [&](std::uint64_t operations) { return operations ? server_cpu * 1e6 / operations : 0.0; };
        text << "  server CPU   " << fixed(server_cpu, 3) << " s in " << result.server_after->processes.size()
             << " process(es) = " << fixed(100 * server_cpu / seconds, 0) << "% of one core; "
             << fixed(per(stats.requests), 1) << " us/request";
        if (toytls) text << ", " << fixed(per(stats.handshakes), 1) << " us/handshake";
        if (megabytes > 0) text << ", " << fixed(server_cpu * 1e6 / megabytes, 1) << " us/MB";
        text << "\n";
        kv << " server_cpu_seconds=" << fixed(server_cpu, 3) << " server_cpu_us_per_request=" << fixed(per(stats.requests), 2)
           << " server_cpu_us_per_handshake=" << fixed(per(stats.handshakes), 2)
           << " server_cpu_us_per_connection=" << fixed(per(stats.connections), 2)
           << " server_processes=" << result.server_after->processes.size();
        if (options.mode == LoadMode::idle) {
            const double delta = static_cast<double>(result.server_after->rss_bytes) -
                                 static_cast<double>(result.server_before->rss_bytes);
            const double per_connection = result.idle_connections ? delta / result.idle_connections : 0;
            text << "  server RSS   " << result.server_before->rss_bytes / 1024 << " KiB -> "
                 << result.server_after->rss_bytes / 1024 << " KiB with " << result.idle_connections
                 << " idle connections: " << fixed(per_connection, 0) << " bytes per connection\n";
            kv << " idle_connections=" << result.idle_connections
               << " server_rss_before_bytes=" << result.server_before->rss_bytes
               << " server_rss_after_bytes=" << result.server_after->rss_bytes
               << " server_rss_per_connection_bytes=" << fixed(per_connection, 0);
        }
    } else if (!options.server_pids.empty()) {
        text << "  server CPU   unknown: a --server-pid process has gone\n";
    }
    std::cout << text.str();
    if (options.key_value_output) std::cout << kv.str() << "\n";
}

// Waits for the end of the measured window: the duration, --requests, or
// (idle) all connections idle and then held for the duration.
void wait_for_end(const LoadOptions& options, RunControl& control, RunResult& result) {
    using namespace std::chrono;
    const auto tick = milliseconds(5);
    if (options.mode == LoadMode::idle) {
        const auto give_up = Clock::now() + idle_setup_timeout;
        while (control.idle_connections + control.failed_setups < options.connections && Clock::now() < give_up)
            std::this_thread::sleep_for(tick);
        std::this_thread::sleep_for(duration<double>(options.duration_seconds));
        result.idle_connections = control.idle_connections;
        return;
    }
    const auto end = Clock::now() + duration_cast<Clock::duration>(duration<double>(options.duration_seconds));
    while (!control.stop && Clock::now() < end) std::this_thread::sleep_for(tick);
}

int run(const LoadOptions& options) {
    LoadTarget target;
    std::string error;
    if (!resolve(options.url, target, error)) {
        std::cerr << "toytls-load: " << error << "\n";
        return 2;
    }
    target.mode = options.mode;
    target.idle_with_request = options.idle_with_request;
    target.request = build_request(options.url, options.mode);
    if (options.url.scheme == toytls_client::Scheme::toytls && !build_tls_config(options, target, error)) {
        std::cerr << "toytls-load: " << error << "\n";
        return 2;
    }

    RunControl control;
    control.max_requests = options.max_requests;
    std::vector<std::unique_ptr<LoadWorker>> workers;
    for (int i = 0; i < options.threads; ++i) {
        int share = options.connections / options.threads + (i < options.connections % options.threads ? 1 : 0);
        workers.push_back(std::make_unique<LoadWorker>(target, control, share, options.max_connecting_per_thread));
    }

    RunResult result;
    result.server_before = options.server_pids.empty() ? std::nullopt : sample_processes(options.server_pids);
    if (!options.server_pids.empty() && !result.server_before) {
        std::cerr << "toytls-load: no such --server-pid process\n";
        return 2;
    }
    const double own_cpu_before = own_cpu_seconds();
    const auto started = Clock::now();
    std::vector<std::exception_ptr> failures(workers.size());
    {
        std::vector<std::jthread> threads;
        for (std::size_t i = 0; i < workers.size(); ++i)
            threads.emplace_back([&, i] {
                try {
                    workers[i]->run();
                } catch (...) {
                    failures[i] = std::current_exception();
                    control.stop = true;
                }
            });
        wait_for_end(options, control, result);
        // Sampled before the threads notice the stop, so that the server's
        // CPU time and the operations counted cover the same window.
        if (!options.server_pids.empty()) result.server_after = sample_processes(options.server_pids);
        control.stop = true;
        result.seconds = std::chrono::duration<double>(Clock::now() - started).count();
    }
    result.own_cpu_seconds = own_cpu_seconds() - own_cpu_before;
    for (const auto& failure : failures) {
        if (!failure) continue;
        try {
            std::rethrow_exception(failure);
        } catch (const std::exception& exception) {
            std::cerr << "toytls-load: " << exception.what() << "\n";
            return 1;
        }
    }
    for (auto& worker : workers) result.stats.merge(std::move(worker->stats()));
    print_report(options, result);
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    std::vector<std::string_view> arguments(argv + 1, argv + argc);
    std::string error;
    std::optional<LoadOptions> options = parse_load_options(arguments, error);
    if (!options) {
        if (error.empty()) {
            std::cout << load_usage_text;
            return 0;
        }
        std::cerr << "toytls-load: " << error << "\n" << load_usage_text;
        return 2;
    }
    try {
        return run(*options);
    } catch (const std::exception& exception) {
        std::cerr << "toytls-load: " << exception.what() << "\n";
        return 1;
    }
}
