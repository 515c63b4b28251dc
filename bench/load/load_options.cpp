#include "load/load_options.hpp"

#include <charconv>

namespace toytls_load {

const std::string_view load_usage_text = R"(Usage: toytls-load [options] URL

A load generator for plain HTTP (http://) and HTTP inside ToyTLS
(toytls://): N concurrent connections on T threads (one epoll loop each)
for a fixed duration.

Options:
  --mode MODE           keep-alive (default): request after request on each
                        connection; new-connection: one request per
                        connection ("Connection: close"), so a full
                        handshake per request; bulk: keep-alive downloads of
                        URL (report MB/s); idle: open the connections, make
                        one request on each, then hold them idle and report
                        the server's memory per connection
  -c, --connections N   concurrent connections (default 16)
  -t, --threads N       threads, one epoll loop each (default 1)
  -d, --duration SECS   how long to run (default 10; idle: how long to hold)
  --requests N          stop once N requests have been sent (bulk --requests 1
                        -c 1: a single download)
  --server-pid PID      the server process to measure (repeatable): its CPU
                        time (and its descendants') is read from
                        /proc/PID/stat before and after the run; idle mode
                        also reads VmRSS from /proc/PID/status
  --cacert FILE         toytls://: trust this root (repeatable; default the
                        demo root, certs/root.cert)
  --servername NAME     toytls://: server name to send and check (default:
                        the URL's host)
  --insecure            toytls://: do not verify the certificate chain
                        (CertificateVerify is still checked), as wrk does
  --idle-without-request  idle mode: no request, only the handshake
  --max-connecting N    at most N connects/handshakes in flight per thread
                        while ramping up (default 256)
  --kv                  also print one line "toytls-load: key=value ..."
  -h, --help            this help
)";

std::string_view load_mode_name(LoadMode mode) {
    switch (mode) {
        case LoadMode::keep_alive: return "keep-alive";
        case LoadMode::new_connection: return "new-connection";
        case LoadMode::bulk: return "bulk";
        case LoadMode::idle: return "idle";
    }
    return "unknown";
}

namespace {

template <typename Number>
bool parse_number(std::string_view text, Number& value) {
    auto [end, status] = std::from_chars(text.data(), text.data() + text.size(), value);
    return status == std::errc() && end == text.data() + text.size();
}

}  // namespace

std::optional<LoadOptions> parse_load_options(const std::vector<std::string_view>& arguments, std::string& error) {
    LoadOptions options;
    std::optional<std::string_view> url_text;
    for (std::size_t i = 0; i < arguments.size(); ++i) {
        std::string_view argument = arguments[i];
        auto value = [&]() -> std::optional<std::string_view> {
            if (i + 1 >= arguments.size()) {
                error = std::string(argument) + " needs a value";
                return std::nullopt;
            }
            return arguments[++i];
        };
        auto positive = [&](auto& target) -> bool {
            std::optional<std::string_view> text = value();
            if (!text) return false;
            if (!parse_number(*text, target) || target <= 0) {
                error = std::string(argument) + ": expected a positive number, got '" + std::string(*text) + "'";
                return false;
            }
            return true;
        };
        if (argument == "-h" || argument == "--help") {
            error.clear();
            return std::nullopt;
        } else if (argument == "--mode") {
            std::optional<std::string_view> mode = value();
            if (!mode) return std::nullopt;
            if (*mode == "keep-alive") options.mode = LoadMode::keep_alive;
            else if (*mode == "new-connection") options.mode = LoadMode::new_connection;
            else if (*mode == "bulk") options.mode = LoadMode::bulk;
            else if (*mode == "idle") options.mode = LoadMode::idle;
            else {
                error = "--mode: expected keep-alive, new-connection, bulk or idle, got '" + std::string(*mode) + "'";
                return std::nullopt;
            }
        } else if (argument == "-c" || argument == "--connections") {
            if (!positive(options.connections)) return std::nullopt;
        } else if (argument == "-t" || argument == "--threads") {
            if (!positive(options.threads)) return std::nullopt;
        } else if (argument == "-d" || argument == "--duration") {
            if (!positive(options.duration_seconds)) return std::nullopt;
        } else if (argument == "--requests") {
            std::uint64_t requests = 0;
            if (!positive(requests)) return std::nullopt;
            options.max_requests = requests;
        } else if (argument == "--server-pid") {
            pid_t pid = 0;
            if (!positive(pid)) return std::nullopt;
            options.server_pids.push_back(pid);
        } else if (argument == "--cacert") {
            std::optional<std::string_view> path = value();
            if (!path) return std::nullopt;
            options.cacert_paths.emplace_back(*path);
        } else if (argument == "--servername") {
            std::optional<std::string_view> name = value();
            if (!name) return std::nullopt;
            options.server_name = std::string(*name);
        } else if (argument == "--insecure") {
            options.insecure = true;
        } else if (argument == "--idle-without-request") {
            options.idle_with_request = false;
        } else if (argument == "--max-connecting") {
            if (!positive(options.max_connecting_per_thread)) return std::nullopt;
        } else if (argument == "--kv") {
            options.key_value_output = true;
        } else if (argument.size() > 1 && argument.front() == '-') {
            error = "unknown option " + std::string(argument);
            return std::nullopt;
        } else if (url_text) {
            error = "more than one URL";
            return std::nullopt;
        } else {
            url_text = argument;
        }
    }
    if (!url_text) {
        error = "no URL";
        return std::nullopt;
    }
    std::optional<toytls_client::Url> url = toytls_client::parse_url(*url_text, error);
    if (!url) return std::nullopt;
    options.url = *url;
    if (options.threads > options.connections) options.threads = options.connections;
    return options;
}

}  // namespace toytls_load
