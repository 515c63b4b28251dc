// Hostile clients against the real toytls-server (issue 6, "Hostile
// clients" and "Secrets"): the server binary runs as a child process on
// loopback, and each test attacks it while a well-behaved curl (plain port)
// and a ToyTLS fetch (ToyTLS port) ask for a page. Every test checks the
// same three things afterwards:
//
//   * the well-behaved clients were served promptly (each in under 2 s),
//     during the attack and after it;
//   * the server's resident memory (VmRSS, sampled every 10 ms) stayed
//     under resident_memory_bound_kib;
//   * the server is still running (waitpid WNOHANG) and serves a final
//     request; at the very end SIGTERM must stop it with exit status 0
//     (under ASan, LeakSanitizer checks it then).
//
// Figures (memory, times) are printed as "[ figures  ]" lines, so a run of
// this file is also the measurement the issue asks for.
#include <gtest/gtest.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <future>
#include <map>
#include <random>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "client/fetch.hpp"
#include "command.hpp"
#include "server_process.hpp"
#include "toytls/client.hpp"
#include "toytls/key_file.hpp"
#include "toytls/messages.hpp"
#include "toytls/record.hpp"
#include "webserver/unique_fd.hpp"

using namespace std::chrono_literals;
namespace fs = std::filesystem;
using toytls::Alert;
using toytls::Bytes;
using toytls::ByteView;
using toytls::ContentType;
using toytls::testing::ServerProcess;
using webserver::UniqueFd;
using SteadyClock = std::chrono::steady_clock;

namespace {

const std::string server_binary = TOYTLS_SERVER_BINARY;
const std::string certs_dir = TOYTLS_SOURCE_DIR "/certs";
const std::string page_text = "<h1>hello</h1>\n";

// The bound on the server's resident memory in every test. Measured (the
// "[ figures  ]" lines): an idle server holds about 4.5 MiB (release) or
// 25 MiB (ASan + UBSan build: shadow memory and the sanitizer allocator are
// resident too); the heaviest tests peak at 8.5 MiB (release, 1,000 pending
// handshakes) and 40 MiB (ASan, the same). 64 MiB leaves room for the
// sanitizer build and allocator noise, and is still less than what the
// 100 MiB file would cost if it were ever buffered, so a server that
// buffers without bound fails here in either build.
constexpr std::size_t resident_memory_bound_kib = 64 * 1024;

// How fast a well-behaved client must be served while an attack runs.
constexpr auto served_promptly = 2s;

std::chrono::milliseconds milliseconds_since(SteadyClock::time_point start) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(SteadyClock::now() - start);
}

// One line of measurements per test, printed and attached to the test's
// XML record.
void report_figures(const std::string& figures) {
    std::printf("[ figures  ] %s\n", figures.c_str());
    std::fflush(stdout);
    ::testing::Test::RecordProperty("figures", figures);
}

// ---------------------------------------------------------------------------
// The site and the server.
// ---------------------------------------------------------------------------

// A site in a fresh temporary folder: a page, two small files whose bodies
// differ (to check the order of pipelined responses) and a sparse 100 MiB
// file (created with ftruncate in no time; reading it yields zeros).
struct HostileSite {
    fs::path root = fs::temp_directory_path() / ("toytls-hostile-test-" + std::to_string(::getpid()) + "-" +
                                                 std::to_string(SteadyClock::now().time_since_epoch().count()));
    static constexpr std::uint64_t big_file_size = 100ull << 20;

    HostileSite() {
        fs::create_directories(root / "html");
        write("html/index.html", page_text);
        write("html/a.txt", "a\n");
        write("html/bb.txt", "bb\n");
        std::ofstream(root / "html" / "big.bin").close();
        fs::resize_file(root / "html" / "big.bin", big_file_size);
    }
    ~HostileSite() { fs::remove_all(root); }
    HostileSite(const HostileSite&) = delete;
    HostileSite& operator=(const HostileSite&) = delete;

    void write(const std::string& relative, const std::string& content) const {
        std::ofstream(root / relative, std::ios::binary) << content;
    }
    fs::path access_log() const { return root / "access.log"; }

    // A config with one plain and one ToyTLS listener on free ports.
    // `http_directives` go into the http block (short timeouts, limits).
    std::string write_config(const std::string& http_directives, const std::string& error_log_level = "info",
                             bool with_access_log = false) const {
        std::string text = "error_log stderr " + error_log_level + ";\nhttp {\n" +
                           "  access_log " + (with_access_log ? access_log().string() : std::string("off")) + ";\n" +
                           http_directives +
                           "  server {\n    listen 127.0.0.1:0;\n    listen 127.0.0.1:0 ssl;\n"
                           "    server_name localhost;\n"
                           "    ssl_certificate " + certs_dir + "/server.cert;\n"
                           "    ssl_certificate_key " + certs_dir + "/server.key;\n"
                           "    ssl_certificate_chain " + certs_dir + "/intermediate.cert;\n"
                           "    root html;\n  }\n}\n";
        write("server.conf", text);
        return (root / "server.conf").string();
    }
};

// The short timeouts most tests use, so that every timeout fires well
// within the test's time budget.
const std::string short_timeouts =
    "  client_header_timeout 1s;\n  send_timeout 1s;\n  ssl_handshake_timeout 1s;\n  keepalive_timeout 5s;\n";

// The sanitizer runtime options for the server child (read only by a
// sanitizer build; a release build ignores them). They extend whatever the
// caller set (ctest's asan preset sets ASAN_OPTIONS).
//
// ASan keeps freed memory in a quarantine (256 MiB by default) before
// reusing it, so the server's RSS would grow with every byte it ever
// allocated and say nothing about what it holds. A 4 MiB quarantine keeps
// RSS a measure of what is held, and ASan still catches uses of recently
// freed memory.
std::vector<std::string> sanitizer_environment() {
    auto extended = [](const char* name, const std::string& more) {
        const char* inherited = std::getenv(name);
        return std::string(name) + "=" + (inherited && *inherited ? std::string(inherited) + ":" : "") + more;
    };
    return {extended("ASAN_OPTIONS", "quarantine_size_mb=4")};
}

// toytls-server as a child process, once it has said on which ports it
// listens.
class HostileServer {
public:
    explicit HostileServer(const std::string& config_path, toytls::testing::ServerProcessOptions options = {})
        : process_(server_binary, {"-c", config_path}, with_sanitizer_environment(std::move(options))) {
        std::string output = process_.read_until("toytls-server started");
        std::smatch match;
        if (std::regex_search(output, match, std::regex("listening on 127\\.0\\.0\\.1:([0-9]+) \\(plain HTTP\\)")))
            plain_port = static_cast<std::uint16_t>(std::stoi(match[1].str()));
        if (std::regex_search(output, match, std::regex("listening on 127\\.0\\.0\\.1:([0-9]+) \\(ToyTLS\\)")))
            toytls_port = static_cast<std::uint16_t>(std::stoi(match[1].str()));
        if (plain_port == 0 || toytls_port == 0) throw std::runtime_error("the server did not start: " + output);
    }

    // The end of every test: a graceful stop (SIGTERM) must end the server
    // with exit status 0. In the sanitizer build this is also where
    // LeakSanitizer looks for leaks, which would change the status. (The
    // test's own sockets are closed by then: they were declared after the
    // server, so they went first.)
    ~HostileServer() {
        if (!process_.running()) return;
        std::optional<int> status = process_.signal_and_wait_for(SIGTERM, 10s);
        if (status != 0)
            ADD_FAILURE() << "the server did not stop cleanly on SIGTERM ("
                          << (status ? "exit status " + std::to_string(*status) : std::string("still running after 10 s"))
                          << "); its output:\n" << process_.output().substr(0, 20000);
    }
    HostileServer(const HostileServer&) = delete;
    HostileServer& operator=(const HostileServer&) = delete;

    ServerProcess& process() { return process_; }
    std::uint16_t plain_port = 0;
    std::uint16_t toytls_port = 0;

private:
    static toytls::testing::ServerProcessOptions with_sanitizer_environment(toytls::testing::ServerProcessOptions options) {
        for (std::string& entry : sanitizer_environment()) options.environment.push_back(std::move(entry));
        return options;
    }

    ServerProcess process_;
};

// Samples the server's VmRSS every 10 ms in a thread of its own, so that a
// short peak during an attack is seen too.
class ResidentMemoryWatch {
public:
    explicit ResidentMemoryWatch(ServerProcess& process) : process_(process) {
        at_start_kib_ = process_.resident_kib().value_or(0);
        peak_kib_ = at_start_kib_;
        sampler_ = std::jthread([this](std::stop_token stop) {
            while (!stop.stop_requested()) {
                if (auto now = process_.resident_kib()) {
                    std::size_t seen = peak_kib_.load();
                    while (*now > seen && !peak_kib_.compare_exchange_weak(seen, *now)) {
                    }
                }
                std::this_thread::sleep_for(10ms);
            }
        });
    }
    std::size_t peak_kib() const { return peak_kib_.load(); }
    std::size_t now_kib() const { return process_.resident_kib().value_or(0); }
    std::string figures() const {
        return "RSS at start " + std::to_string(at_start_kib_) + " KiB, peak " + std::to_string(peak_kib()) +
               " KiB, at end " + std::to_string(now_kib()) + " KiB (bound " +
               std::to_string(resident_memory_bound_kib) + " KiB)";
    }

private:
    ServerProcess& process_;
    std::size_t at_start_kib_ = 0;
    std::atomic<std::size_t> peak_kib_{0};
    std::jthread sampler_;
};

// ---------------------------------------------------------------------------
// Sockets.
// ---------------------------------------------------------------------------

UniqueFd connect_to(std::uint16_t port) {
    UniqueFd socket(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (!socket) return socket;
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    ::inet_pton(AF_INET, "127.0.0.1", &address.sin_addr);
    if (::connect(socket.get(), reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) return UniqueFd();
    return socket;
}

bool send_all(int fd, ByteView bytes) {
    std::size_t sent = 0;
    while (sent < bytes.size()) {
        ssize_t now = ::send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
        if (now < 0 && errno == EINTR) continue;
        if (now <= 0) return false;
        sent += static_cast<std::size_t>(now);
    }
    return true;
}
bool send_all(int fd, std::string_view text) { return send_all(fd, toytls::as_bytes(text)); }

// What a client saw until the server closed the connection (or the time
// ran out).
struct Received {
    std::string bytes;
    bool closed = false;  // end of file, or a reset: either way the server let go
    std::chrono::milliseconds after{0};  // from the start of the wait to the close
};

// Reads until the server closes the connection or `timeout` passes. Bytes
// beyond `keep_at_most` are counted, not kept.
Received read_until_closed(int fd, std::chrono::milliseconds timeout, std::size_t keep_at_most = 1 << 20,
                           std::uint64_t* total_bytes = nullptr) {
    Received received;
    auto start = SteadyClock::now();
    auto deadline = start + timeout;
    char buffer[65536];
    while (true) {
        auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - SteadyClock::now());
        if (left <= 0ms) break;
        pollfd wait_for{fd, POLLIN, 0};
        if (::poll(&wait_for, 1, static_cast<int>(left.count())) <= 0) continue;
        ssize_t got = ::recv(fd, buffer, sizeof buffer, 0);
        if (got < 0 && errno == EINTR) continue;
        if (got <= 0) {
            received.closed = true;
            break;
        }
        if (total_bytes) *total_bytes += static_cast<std::uint64_t>(got);
        std::size_t keep = std::min(static_cast<std::size_t>(got), keep_at_most - std::min(keep_at_most, received.bytes.size()));
        received.bytes.append(buffer, keep);
    }
    received.after = milliseconds_since(start);
    return received;
}

// Raises this process's RLIMIT_NOFILE towards `wanted` (up to the hard
// limit); returns the soft limit now in force.
rlim_t raise_open_files_limit(rlim_t wanted) {
    rlimit limit{};
    ::getrlimit(RLIMIT_NOFILE, &limit);
    if (limit.rlim_cur < wanted) {
        limit.rlim_cur = std::min(wanted, limit.rlim_max);
        ::setrlimit(RLIMIT_NOFILE, &limit);
        ::getrlimit(RLIMIT_NOFILE, &limit);
    }
    return limit.rlim_cur;
}

// ---------------------------------------------------------------------------
// Well-behaved clients.
// ---------------------------------------------------------------------------

toytls::TrustStore demo_trust_store() {
    std::string error;
    toytls::TrustStore store;
    store.add_root(*toytls::load_certificate_file(certs_dir + "/root.cert", error));
    return store;
}

struct Served {
    bool ok = false;
    std::chrono::milliseconds time{0};
    std::string detail;  // what went wrong, when not ok
};

// curl on the plain port, for the page.
Served curl_the_page(std::uint16_t port) {
    auto start = SteadyClock::now();
    Served served;
    const std::string body =
        test_support::run_command("curl -s --max-time 10 http://127.0.0.1:" + std::to_string(port) + "/ 2>&1").output;
    served.time = milliseconds_since(start);
    served.ok = body == page_text;
    if (!served.ok) served.detail = "curl got \"" + body.substr(0, 200) + "\"";
    return served;
}

// The library's client over ToyTLS, for the page.
Served fetch_the_page_over_toytls(std::uint16_t port) {
    auto start = SteadyClock::now();
    toytls_client::FetchOptions options;
    std::string error;
    options.url = *toytls_client::parse_url("toytls://127.0.0.1:" + std::to_string(port) + "/", error);
    options.trust_store = demo_trust_store();
    options.server_name = "localhost";
    options.max_time = 10s;
    toytls_client::FetchResult result = toytls_client::fetch(options);
    Served served;
    served.time = milliseconds_since(start);
    served.ok = result.outcome == toytls_client::FetchOutcome::ok && result.head && result.head->status_code == 200 &&
                result.body == page_text;
    if (!served.ok) served.detail = "fetch: " + result.message;
    return served;
}

// Both well-behaved clients at once; each must get the page within
// served_promptly. Returns "curl N ms, fetch M ms" for the figures.
std::string expect_well_behaved_clients_served(HostileServer& server, const std::string& when) {
    auto plain = std::async(std::launch::async, curl_the_page, server.plain_port);
    auto secure = std::async(std::launch::async, fetch_the_page_over_toytls, server.toytls_port);
    Served plain_served = plain.get(), secure_served = secure.get();
    EXPECT_TRUE(plain_served.ok) << when << ": " << plain_served.detail;
    EXPECT_TRUE(secure_served.ok) << when << ": " << secure_served.detail;
    EXPECT_LT(plain_served.time, served_promptly) << when << ": curl took " << plain_served.time.count() << " ms";
    EXPECT_LT(secure_served.time, served_promptly) << when << ": fetch took " << secure_served.time.count() << " ms";
    return when + ": curl " + std::to_string(plain_served.time.count()) + " ms, fetch " +
           std::to_string(secure_served.time.count()) + " ms";
}

// The end of every test: the server still runs, its memory stayed bounded,
// and it serves one more request on each port.
void expect_server_survived(HostileServer& server, const ResidentMemoryWatch& memory, const std::string& figures) {
    EXPECT_TRUE(server.process().running()) << "the server ended; its output:\n" << server.process().output();
    std::string final_figures = expect_well_behaved_clients_served(server, "after");
    EXPECT_LT(memory.peak_kib(), resident_memory_bound_kib) << memory.figures();
    EXPECT_TRUE(server.process().running()) << server.process().output();
    report_figures(::testing::UnitTest::GetInstance()->current_test_info()->name() + std::string(": ") + figures +
                   "; " + final_figures + "; " + memory.figures());
}

// ---------------------------------------------------------------------------
// ToyTLS on the wire.
// ---------------------------------------------------------------------------

// A record with any type and any length field: the header says
// `announced_length`, the body is `body` (they need not agree).
Bytes raw_record(std::uint8_t type, std::size_t announced_length, ByteView body) {
    Bytes record{type, static_cast<std::uint8_t>(announced_length >> 8), static_cast<std::uint8_t>(announced_length)};
    toytls::append(record, body);
    return record;
}
Bytes raw_record(std::uint8_t type, ByteView body) { return raw_record(type, body.size(), body); }

// A handshake message with any type: u8 type | u24 length | body.
Bytes handshake_message(std::uint8_t type, ByteView body) {
    Bytes message{type, static_cast<std::uint8_t>(body.size() >> 16), static_cast<std::uint8_t>(body.size() >> 8),
                  static_cast<std::uint8_t>(body.size())};
    toytls::append(message, body);
    return message;
}

// A well-formed ClientHello, with a real key share (from a fixed seed: the
// same bytes on every run), for the demo name.
toytls::ClientHello valid_client_hello() {
    toytls::DeterministicRandomForTestsOnly random(0x33);
    toytls::ClientHello hello;
    hello.random.fill(0x42);
    hello.key_share = toytls::X25519KeyPair::generate(random).public_key;
    hello.server_name = "localhost";
    hello.cipher_suites = {0x0001, 0x0002};
    return hello;
}

// The record carrying `hello`, exactly as a client sends it.
Bytes client_hello_record(const toytls::ClientHello& hello) {
    return raw_record(static_cast<std::uint8_t>(ContentType::handshake), toytls::encode(hello));
}

// A fatal alert sent in plaintext (type 21, length 2, level 2, description).
std::optional<Alert> plaintext_fatal_alert(const std::string& wire) {
    if (wire.size() < 5 || static_cast<std::uint8_t>(wire[0]) != 21 || wire[1] != 0 || wire[2] != 2 ||
        static_cast<std::uint8_t>(wire[3]) != 2)
        return std::nullopt;
    return static_cast<Alert>(static_cast<std::uint8_t>(wire[4]));
}

std::string alert_text(std::optional<Alert> alert) {
    return alert ? std::string(toytls::alert_name(*alert)) + " (" + std::to_string(static_cast<int>(*alert)) + ")"
                 : std::string("no plaintext fatal alert");
}

int count_of(const std::string& text, const std::string& pattern) {
    int count = 0;
    for (auto at = text.find(pattern); at != std::string::npos; at = text.find(pattern, at + 1)) ++count;
    return count;
}

std::string hex_prefix(const std::string& bytes, std::size_t count = 16) {
    return toytls::to_hex(toytls::as_bytes(std::string_view(bytes).substr(0, count)));
}

// A ToyTLS client driven step by step over a real socket: the library's
// ClientConnection does the handshake, and the test decides what goes on
// the wire in between (forged records, a stalled reader...). With the key
// log it can also seal records of its own as the client would.
class DrivenToyTlsClient {
public:
    explicit DrivenToyTlsClient(std::uint16_t port) : socket_(connect_to(port)), tls_(config()) {}

    int fd() const { return socket_.get(); }
    toytls::ClientConnection& tls() { return tls_; }

    // Sends whatever the connection has queued (ClientHello, Finished, data).
    bool send_pending() { return send_all(socket_.get(), tls_.pop()); }
    bool send_raw(ByteView bytes) { return send_all(socket_.get(), bytes); }

    // Sends the ClientHello and processes the server's flight, up to and
    // including its Finished. The client's own Finished stays queued.
    bool start_handshake(std::chrono::milliseconds timeout = 5s) {
        if (!socket_ || !send_pending()) return false;
        auto deadline = SteadyClock::now() + timeout;
        while (!tls_.established() && !tls_.failed() && SteadyClock::now() < deadline)
            if (!receive_some(deadline)) break;
        return tls_.established();
    }
    bool complete_handshake() { return start_handshake() && send_pending(); }

    // Sends an HTTP request inside ToyTLS.
    bool send_http(std::string_view request) {
        tls_.write(toytls::as_bytes(request));
        return send_pending();
    }

    // Reads until the server closes the connection, feeding every byte to
    // the connection; returns the plaintext that arrived.
    std::string read_until_closed(std::chrono::milliseconds timeout, bool* closed = nullptr) {
        auto deadline = SteadyClock::now() + timeout;
        bool open = true;
        while (open && SteadyClock::now() < deadline) open = receive_some(deadline);
        if (closed) *closed = !open;
        return plaintext_;
    }

    // Closes the socket now (with SO_LINGER 0 set, that sends a reset).
    void close_socket() { socket_.reset(); }

    // A writer for client-to-server records, built from the key log: what
    // an attacker who knows the keys (or a buggy client) could send.
    toytls::RecordProtection forge_client_records() const {
        auto secret = [this](const std::string& label) { return key_log_.at(label); };
        Bytes key = secret("CLIENT_WRITE_KEY"), iv = secret("CLIENT_WRITE_IV");
        return toytls::RecordProtection(toytls::cipher_suite_aead(*tls_.cipher_suite()),
                                        toytls::Secret<32>(std::span<const std::uint8_t, 32>(key.data(), 32)),
                                        toytls::Secret<12>(std::span<const std::uint8_t, 12>(iv.data(), 12)));
    }

private:
    toytls::ClientConfig config() {
        toytls::ClientConfig config;
        config.trust_store = demo_trust_store();
        config.server_name = "localhost";
        config.key_log = [this](std::string_view line) {
            std::string text(line);
            key_log_[text.substr(0, text.find(' '))] = *toytls::from_hex(text.substr(text.rfind(' ') + 1));
        };
        return config;
    }
    // One read; false once the server closed the connection.
    bool receive_some(SteadyClock::time_point deadline) {
        auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - SteadyClock::now());
        pollfd wait_for{socket_.get(), POLLIN, 0};
        if (left <= 0ms || ::poll(&wait_for, 1, static_cast<int>(left.count())) <= 0) return true;
        std::uint8_t buffer[65536];
        ssize_t got = ::recv(socket_.get(), buffer, sizeof buffer, 0);
        if (got < 0 && errno == EINTR) return true;
        if (got <= 0) {
            tls_.feed_eof();
            return false;
        }
        tls_.feed(ByteView(buffer, static_cast<std::size_t>(got)));
        Bytes text = tls_.read();
        plaintext_.append(text.begin(), text.end());
        return true;
    }

    UniqueFd socket_;
    std::map<std::string, Bytes> key_log_;  // filled during the handshake; declared before tls_, which logs into it
    toytls::ClientConnection tls_;
    std::string plaintext_;
};

// The alert the server sent inside protection, as the driven client
// decoded it; nullopt if the client did not fail because of a peer alert.
std::optional<Alert> alert_from_server(DrivenToyTlsClient& client) {
    const auto& failure = client.tls().failure();
    if (!failure || !failure->alert_sent_by_peer) return std::nullopt;
    return failure->alert;
}

// Waits on all `fds` at once until the server has closed each of them or
// `deadline` passes. Each Received::after counts from `start`.
std::vector<Received> read_all_until_closed(const std::vector<int>& fds, SteadyClock::time_point start,
                                            SteadyClock::time_point deadline, std::size_t keep_at_most = 65536) {
    std::vector<Received> received(fds.size());
    std::vector<pollfd> waiting;
    for (int fd : fds) waiting.push_back({fd, POLLIN, 0});
    std::size_t open = fds.size();
    char buffer[65536];
    while (open > 0) {
        auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - SteadyClock::now());
        if (left <= 0ms) break;
        if (::poll(waiting.data(), waiting.size(), static_cast<int>(left.count())) <= 0) continue;
        for (std::size_t i = 0; i < waiting.size(); ++i) {
            if (waiting[i].fd < 0 || waiting[i].revents == 0) continue;
            ssize_t got = ::recv(waiting[i].fd, buffer, sizeof buffer, MSG_DONTWAIT);
            if (got < 0 && (errno == EINTR || errno == EAGAIN)) continue;
            if (got <= 0) {
                received[i].closed = true;
                received[i].after = milliseconds_since(start);
                waiting[i].fd = -1;  // poll skips it from now on
                --open;
                continue;
            }
            std::size_t room = keep_at_most - std::min(keep_at_most, received[i].bytes.size());
            received[i].bytes.append(buffer, std::min(room, static_cast<std::size_t>(got)));
        }
    }
    return received;
}

std::string random_bytes(std::mt19937& random, std::size_t count) {
    std::string bytes(count, '\0');
    for (char& byte : bytes) byte = static_cast<char>(random() & 0xff);
    return bytes;
}

// A TLS 1.2 ClientHello as curl or a browser would send it to this port by
// mistake: record header 16 03 01 02 00, handshake header 01 00 01 fc,
// client_version 03 03, then (here) deterministic junk, 517 bytes in all.
std::string tls_client_hello(std::mt19937& random) {
    return std::string("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 11) + random_bytes(random, 506);
}

}  // namespace

// ---------------------------------------------------------------------------
// Garbage.
// ---------------------------------------------------------------------------

TEST(HostileClients, GarbageBytesOnBothPortsAreRefusedAndClosed) {
    HostileSite site;
    HostileServer server(site.write_config(short_timeouts));
    ResidentMemoryWatch memory(server.process());
    std::mt19937 random(20260601);  // fixed: the same garbage on every run

    struct Attack {
        std::string name;
        std::uint16_t port;
        std::string bytes;
        bool half_close = false;  // then end of file after the bytes
    };
    std::vector<Attack> attacks;
    for (int i = 0; i < 16; ++i) {
        attacks.push_back({"4 KiB of random bytes #" + std::to_string(i) + " on the plain port", server.plain_port,
                           random_bytes(random, 4096)});
        attacks.push_back({"4 KiB of random bytes #" + std::to_string(i) + " on the ToyTLS port", server.toytls_port,
                           random_bytes(random, 4096)});
    }
    // TLS-looking junk: 16 03 01 is read as a handshake record of 0x0301 =
    // 769 bytes whose "message" is type 2 with a u24 length of 256: the
    // lengths disagree, decode_error.
    const std::size_t first_tls_attack = attacks.size();
    attacks.push_back({"a TLS ClientHello followed by junk", server.toytls_port,
                       tls_client_hello(random) + random_bytes(random, 300)});
    attacks.push_back({"16 03 01 and 2 KiB of random bytes", server.toytls_port,
                       std::string("\x16\x03\x01", 3) + random_bytes(random, 2048)});
    // A real TLS ClientHello alone is 514 of the 769 bytes announced: the
    // server waits for the rest, and closes at the client's end of file.
    attacks.push_back({"a TLS ClientHello, then end of file", server.toytls_port, tls_client_hello(random), true});

    auto start = SteadyClock::now();
    std::vector<UniqueFd> sockets;
    std::vector<int> fds;
    for (const Attack& attack : attacks) {
        sockets.push_back(connect_to(attack.port));
        ASSERT_TRUE(sockets.back()) << attack.name;
        send_all(sockets.back().get(), attack.bytes);
        if (attack.half_close) ::shutdown(sockets.back().get(), SHUT_WR);
        fds.push_back(sockets.back().get());
    }
    std::string during = expect_well_behaved_clients_served(server, "during");
    std::vector<Received> received = read_all_until_closed(fds, start, start + 3s);

    std::chrono::milliseconds slowest{0};
    for (std::size_t i = 0; i < attacks.size(); ++i) {
        const Attack& attack = attacks[i];
        const Received& reply = received[i];
        ASSERT_TRUE(reply.closed) << attack.name << ": the server did not close the connection";
        slowest = std::max(slowest, reply.after);
        if (attack.port == server.plain_port) {
            EXPECT_EQ(reply.bytes.substr(0, 12), "HTTP/1.1 400") << attack.name;
            continue;
        }
        if (i >= first_tls_attack) {
            if (attack.half_close)
                EXPECT_LT(reply.after, 1000ms) << attack.name << ": closed only at the handshake timeout";
            else
                EXPECT_EQ(plaintext_fatal_alert(reply.bytes), Alert::decode_error)
                    << attack.name << ": got " << hex_prefix(reply.bytes);
            continue;
        }
        // Random bytes on the ToyTLS port: what the server must answer
        // depends on the first header (PROTOCOL.md 2.6), and on the first
        // byte (an upper-case letter looks like plain HTTP).
        auto first = static_cast<std::uint8_t>(attack.bytes[0]);
        std::size_t length = static_cast<std::uint8_t>(attack.bytes[1]) << 8 | static_cast<std::uint8_t>(attack.bytes[2]);
        if (first >= 'A' && first <= 'Z')
            EXPECT_EQ(reply.bytes.substr(0, 12), "HTTP/1.1 400") << attack.name;
        else if (first < 21 || first > 23)
            EXPECT_EQ(plaintext_fatal_alert(reply.bytes), Alert::unexpected_message) << attack.name;
        else if (length > toytls::max_plaintext_size)
            EXPECT_EQ(plaintext_fatal_alert(reply.bytes), Alert::record_overflow) << attack.name;
        else if (length + 3 > attack.bytes.size())
            EXPECT_LT(reply.after, 2500ms) << attack.name << ": an incomplete record must end at the handshake timeout";
        else
            EXPECT_TRUE(reply.bytes.empty() || plaintext_fatal_alert(reply.bytes))
                << attack.name << ": got " << hex_prefix(reply.bytes);
    }
    expect_server_survived(server, memory,
                           std::to_string(attacks.size()) + " garbage connections all closed, the last after " +
                               std::to_string(slowest.count()) + " ms; " + during);
}

// ---------------------------------------------------------------------------
// A ClientHello cut short.
// ---------------------------------------------------------------------------

TEST(HostileClients, AClientHelloCutAfterEveryLengthNeverHangsTheServer) {
    HostileSite site;
    HostileServer server(site.write_config(short_timeouts));
    ResidentMemoryWatch memory(server.process());
    const Bytes hello = client_hello_record(valid_client_hello());

    // Every prefix twice: once followed by end of file (the server must
    // close at once), once followed by silence (the server must close at
    // ssl_handshake_timeout, 1 s here).
    auto start = SteadyClock::now();
    std::vector<UniqueFd> ended, silent;
    std::vector<int> ended_fds, silent_fds;
    for (std::size_t length = 1; length <= hello.size(); ++length) {
        ByteView prefix(hello.data(), length);
        ended.push_back(connect_to(server.toytls_port));
        silent.push_back(connect_to(server.toytls_port));
        ASSERT_TRUE(ended.back() && silent.back());
        send_all(ended.back().get(), prefix);
        ::shutdown(ended.back().get(), SHUT_WR);
        send_all(silent.back().get(), prefix);
        ended_fds.push_back(ended.back().get());
        silent_fds.push_back(silent.back().get());
    }
    std::string during = expect_well_behaved_clients_served(server, "during");
    std::vector<Received> after_eof = read_all_until_closed(ended_fds, start, start + 3s);
    std::vector<Received> after_silence = read_all_until_closed(silent_fds, start, start + 3s);

    std::chrono::milliseconds slowest_eof{0}, fastest_timeout{1h}, slowest_timeout{0};
    for (std::size_t i = 0; i < hello.size(); ++i) {
        std::size_t length = i + 1;
        ASSERT_TRUE(after_eof[i].closed) << "cut after " << length << " bytes, then end of file: the server hangs";
        ASSERT_TRUE(after_silence[i].closed) << "cut after " << length << " bytes, then silence: the server hangs";
        EXPECT_LT(after_eof[i].after, 1000ms) << "cut after " << length << " bytes: not closed at end of file";
        EXPECT_LT(after_silence[i].after, 2500ms) << "cut after " << length << " bytes: not closed at the timeout";
        slowest_eof = std::max(slowest_eof, after_eof[i].after);
        fastest_timeout = std::min(fastest_timeout, after_silence[i].after);
        slowest_timeout = std::max(slowest_timeout, after_silence[i].after);
        // Only the whole ClientHello gets an answer: the ServerHello. (Not
        // necessarily when the end of file came with it: a client that has
        // closed its side can never send its Finished, and the server may
        // drop the flight when it sees both in one wake-up.)
        if (length == hello.size()) {
            EXPECT_EQ(after_silence[i].bytes.substr(0, 1), "\x16");
            EXPECT_TRUE(after_eof[i].bytes.empty() || after_eof[i].bytes[0] == '\x16') << hex_prefix(after_eof[i].bytes);
        } else {
            EXPECT_EQ(after_silence[i].bytes, "") << "cut after " << length << " bytes";
        }
    }
    expect_server_survived(server, memory,
                           std::to_string(hello.size()) + " prefixes x 2; closed at EOF within " +
                               std::to_string(slowest_eof.count()) + " ms, at the handshake timeout after " +
                               std::to_string(fastest_timeout.count()) + ".." + std::to_string(slowest_timeout.count()) +
                               " ms; " + during);
}

// ---------------------------------------------------------------------------
// Well-framed records with invalid contents, at each handshake step.
// ---------------------------------------------------------------------------

TEST(HostileClients, InvalidPlaintextHandshakeRecordsGetTheRightAlertAndAClose) {
    HostileSite site;
    HostileServer server(site.write_config(short_timeouts));
    ResidentMemoryWatch memory(server.process());
    constexpr auto handshake = static_cast<std::uint8_t>(ContentType::handshake);

    struct Case {
        std::string name;
        Bytes wire;
        std::optional<Alert> expected;  // nullopt: no alert back, only the close
    };
    std::vector<Case> cases;
    auto hello_with = [](auto change) {
        toytls::ClientHello hello = valid_client_hello();
        change(hello);
        return client_hello_record(hello);
    };
    cases.push_back({"ClientHello with version 2", hello_with([](auto& hello) { hello.version = 2; }),
                     Alert::protocol_version});
    cases.push_back({"ClientHello offering no cipher suite", hello_with([](auto& hello) { hello.cipher_suites.clear(); }),
                     Alert::decode_error});
    cases.push_back({"ClientHello offering only unknown suites",
                     hello_with([](auto& hello) { hello.cipher_suites = {0x1234, 0xfefe}; }), Alert::handshake_failure});
    cases.push_back({"ClientHello with a low-order (all-zero) key share",
                     hello_with([](auto& hello) { hello.key_share.fill(0); }), Alert::handshake_failure});
    cases.push_back({"ClientHello with '_' in the server name",
                     hello_with([](auto& hello) { hello.server_name = "local_host"; }), Alert::decode_error});
    {
        Bytes body = toytls::encode(valid_client_hello());
        body.erase(body.begin(), body.begin() + toytls::handshake_header_size);
        body.push_back(0);
        cases.push_back({"ClientHello with a trailing byte", raw_record(handshake, handshake_message(1, body)),
                         Alert::decode_error});
        Bytes message = handshake_message(1, body);
        message[3] = static_cast<std::uint8_t>(message[3] + 1);  // u24 length one more than the record holds
        cases.push_back({"handshake length that disagrees with its record", raw_record(handshake, message),
                         Alert::decode_error});
    }
    cases.push_back({"unknown handshake type 99", raw_record(handshake, handshake_message(99, Bytes(70, 1))),
                     Alert::unexpected_message});
    cases.push_back({"a 31-byte Finished instead of a ClientHello",
                     raw_record(handshake, handshake_message(20, Bytes(31, 0))), Alert::unexpected_message});
    cases.push_back({"a ServerHello sent to the server", raw_record(handshake, handshake_message(2, Bytes(68, 0))),
                     Alert::unexpected_message});
    cases.push_back({"unknown record content type 99", raw_record(99, Bytes(10, 0)), Alert::unexpected_message});
    cases.push_back({"application data before the handshake",
                     raw_record(static_cast<std::uint8_t>(ContentType::application_data),
                                toytls::as_bytes("GET / HTTP/1.1\r\n\r\n")),
                     Alert::unexpected_message});
    cases.push_back({"an empty handshake record", raw_record(handshake, {}), Alert::decode_error});
    cases.push_back({"a handshake record shorter than a message header", raw_record(handshake, Bytes{1, 0}),
                     Alert::decode_error});
    cases.push_back({"a fatal alert from the client instead of a ClientHello",
                     raw_record(static_cast<std::uint8_t>(ContentType::alert), Bytes{2, 40}), std::nullopt});

    auto start = SteadyClock::now();
    std::vector<UniqueFd> sockets;
    std::vector<int> fds;
    for (const Case& test_case : cases) {
        sockets.push_back(connect_to(server.toytls_port));
        ASSERT_TRUE(sockets.back()) << test_case.name;
        send_all(sockets.back().get(), test_case.wire);  // then silence: the close must come from the server
        fds.push_back(sockets.back().get());
    }
    std::string during = expect_well_behaved_clients_served(server, "during");
    // ssl_handshake_timeout is 1 s: a close after that would be the timeout
    // rather than the failed check.
    std::vector<Received> received = read_all_until_closed(fds, start, start + 3s);
    std::chrono::milliseconds slowest{0};
    for (std::size_t i = 0; i < cases.size(); ++i) {
        EXPECT_TRUE(received[i].closed) << cases[i].name;
        EXPECT_LT(received[i].after, 900ms) << cases[i].name << ": closed only by the handshake timeout";
        slowest = std::max(slowest, received[i].after);
        if (cases[i].expected) {
            EXPECT_EQ(alert_text(plaintext_fatal_alert(received[i].bytes)), alert_text(cases[i].expected))
                << cases[i].name << ": got " << hex_prefix(received[i].bytes);
            EXPECT_EQ(received[i].bytes.size(), 5u) << cases[i].name << ": more than the alert came back";
        } else {
            EXPECT_EQ(received[i].bytes, "") << cases[i].name;
        }
    }
    expect_server_survived(server, memory,
                           std::to_string(cases.size()) + " invalid plaintext records, each alert and close within " +
                               std::to_string(slowest.count()) + " ms; " + during);
}

TEST(HostileClients, InvalidProtectedRecordsGetTheRightAlertAndAClose) {
    HostileSite site;
    HostileServer server(site.write_config(short_timeouts));
    ResidentMemoryWatch memory(server.process());
    std::mt19937 random(20260602);
    constexpr auto handshake = static_cast<std::uint8_t>(ContentType::handshake);
    constexpr auto application_data = static_cast<std::uint8_t>(ContentType::application_data);
    auto random_body = [&random](std::size_t count) {
        Bytes bytes(count);
        for (auto& byte : bytes) byte = static_cast<std::uint8_t>(random());
        return bytes;
    };

    // Each attack runs on a fresh connection that has received the server's
    // whole flight; `after_finished` ones first send the real client
    // Finished, so the server is ESTABLISHED. The server's alert then comes
    // protected: the driven client opens it and reports it as the peer's.
    struct Case {
        std::string name;
        bool after_finished;
        std::function<Bytes(DrivenToyTlsClient&)> attack;
        Alert expected;
    };
    auto sealed = [](DrivenToyTlsClient& client, int records_before, std::uint8_t type, const Bytes& plaintext) {
        toytls::RecordProtection writer = client.forge_client_records();
        Bytes skipped, record;
        for (int i = 0; i < records_before; ++i) writer.seal_record(skipped, ContentType::application_data, {});
        writer.seal_record(record, static_cast<ContentType>(type), plaintext);
        return record;
    };
    std::vector<Case> cases = {
        {"a handshake record of 40 random bytes", false,
         [&](DrivenToyTlsClient&) { return raw_record(handshake, random_body(40)); }, Alert::bad_record_mac},
        {"a record shorter than any protected record", false,
         [&](DrivenToyTlsClient&) { return raw_record(handshake, random_body(5)); }, Alert::decode_error},
        {"application data before the client's Finished", false,
         [&](DrivenToyTlsClient&) { return raw_record(application_data, random_body(40)); }, Alert::unexpected_message},
        {"a sealed 31-byte Finished", false,
         [&](DrivenToyTlsClient& client) { return sealed(client, 0, handshake, handshake_message(20, Bytes(31, 7))); },
         Alert::decode_error},
        {"a sealed Finished with the wrong verify_data", false,
         [&](DrivenToyTlsClient& client) { return sealed(client, 0, handshake, handshake_message(20, Bytes(32, 7))); },
         Alert::decrypt_error},
        {"a sealed second ClientHello", false,
         [&](DrivenToyTlsClient& client) { return sealed(client, 0, handshake, toytls::encode(valid_client_hello())); },
         Alert::unexpected_message},
        {"the real Finished with its tag changed", false,
         [&](DrivenToyTlsClient& client) {
             Bytes finished = client.tls().pop();
             finished.back() ^= 1;
             return finished;
         },
         Alert::bad_record_mac},
        {"a protected record header announcing 16409 bytes", false,
         [&](DrivenToyTlsClient&) { return raw_record(handshake, toytls::max_protected_body_size + 1, {}); },
         Alert::record_overflow},
        {"application data of 40 random bytes after the handshake", true,
         [&](DrivenToyTlsClient&) { return raw_record(application_data, random_body(40)); }, Alert::bad_record_mac},
        {"a sealed handshake message after the handshake", true,
         [&](DrivenToyTlsClient& client) { return sealed(client, 1, handshake, handshake_message(20, Bytes(32, 7))); },
         Alert::unexpected_message},
        {"a plaintext-sized alert after the handshake", true,
         [&](DrivenToyTlsClient&) { return raw_record(static_cast<std::uint8_t>(ContentType::alert), Bytes{2, 40}); },
         Alert::decode_error},
    };

    std::chrono::milliseconds slowest{0};
    for (const Case& test_case : cases) {
        DrivenToyTlsClient client(server.toytls_port);
        ASSERT_TRUE(client.start_handshake()) << test_case.name;
        if (test_case.after_finished) {
            ASSERT_TRUE(client.send_pending()) << test_case.name;
        }
        Bytes attack = test_case.attack(client);
        auto start = SteadyClock::now();
        ASSERT_TRUE(client.send_raw(attack)) << test_case.name;
        bool closed = false;
        client.read_until_closed(3s, &closed);
        auto took = milliseconds_since(start);
        slowest = std::max(slowest, took);
        EXPECT_TRUE(closed) << test_case.name;
        EXPECT_LT(took, 900ms) << test_case.name << ": closed only by a timeout";
        EXPECT_EQ(alert_text(alert_from_server(client)), alert_text(test_case.expected))
            << test_case.name << ": " << (client.tls().failure() ? client.tls().failure()->describe() : "no failure");
    }
    std::string during = expect_well_behaved_clients_served(server, "between");
    expect_server_survived(server, memory,
                           std::to_string(cases.size()) + " invalid protected records, each alert and close within " +
                               std::to_string(slowest.count()) + " ms; " + during);
}

TEST(HostileClients, ARecordHeaderAnnouncing65535BytesIsRefusedBeforeItsBody) {
    HostileSite site;
    // Long timeouts here: a close can then only come from the length check.
    HostileServer server(site.write_config("  ssl_handshake_timeout 30s;\n  client_header_timeout 30s;\n"));
    ResidentMemoryWatch memory(server.process());

    std::vector<std::pair<std::string, Bytes>> headers = {
        {"handshake, 65535 bytes", Bytes{22, 0xff, 0xff}},
        {"application data, 65535 bytes", Bytes{23, 0xff, 0xff}},
        {"handshake, 16385 bytes (one over)", Bytes{22, 0x40, 0x01}},
    };
    std::chrono::milliseconds slowest{0};
    std::vector<UniqueFd> sockets;
    std::vector<int> fds;
    auto start = SteadyClock::now();
    for (const auto& [name, header] : headers) {
        sockets.push_back(connect_to(server.toytls_port));
        send_all(sockets.back().get(), header);  // and then silence
        fds.push_back(sockets.back().get());
    }
    std::vector<Received> received = read_all_until_closed(fds, start, start + 5s);
    for (std::size_t i = 0; i < headers.size(); ++i) {
        EXPECT_TRUE(received[i].closed) << headers[i].first;
        EXPECT_LT(received[i].after, 1000ms) << headers[i].first;
        EXPECT_EQ(alert_text(plaintext_fatal_alert(received[i].bytes)), alert_text(Alert::record_overflow))
            << headers[i].first << ": got " << hex_prefix(received[i].bytes);
        slowest = std::max(slowest, received[i].after);
    }
    // The same after a complete handshake: a protected record_overflow.
    DrivenToyTlsClient client(server.toytls_port);
    ASSERT_TRUE(client.complete_handshake());
    auto protected_start = SteadyClock::now();
    client.send_raw(Bytes{23, 0xff, 0xff});
    bool closed = false;
    client.read_until_closed(5s, &closed);
    auto protected_took = milliseconds_since(protected_start);
    EXPECT_TRUE(closed);
    EXPECT_LT(protected_took, 1000ms);
    EXPECT_EQ(alert_text(alert_from_server(client)), alert_text(Alert::record_overflow));

    std::string during = expect_well_behaved_clients_served(server, "between");
    expect_server_survived(server, memory,
                           "record_overflow and close after " + std::to_string(slowest.count()) +
                               " ms (plaintext), " + std::to_string(protected_took.count()) + " ms (protected); " + during);
}

// ---------------------------------------------------------------------------
// Slow and many.
// ---------------------------------------------------------------------------

namespace {

struct Trickled {
    bool closed = false;
    std::chrono::milliseconds after{0};  // from the first piece to the close
    std::size_t pieces_sent = 0;
};

// Sends one piece every `interval` until the server closes the connection
// (or the pieces run out).
Trickled trickle(int fd, const std::vector<Bytes>& pieces, std::chrono::milliseconds interval) {
    Trickled result;
    auto start = SteadyClock::now();
    char buffer[65536];
    for (const Bytes& piece : pieces) {
        if (!send_all(fd, piece)) {  // EPIPE or ECONNRESET: the server is gone
            result.closed = true;
            break;
        }
        ++result.pieces_sent;
        auto next = start + interval * result.pieces_sent;
        while (!result.closed && SteadyClock::now() < next) {
            auto left = std::chrono::ceil<std::chrono::milliseconds>(next - SteadyClock::now());
            pollfd wait_for{fd, POLLIN, 0};
            if (::poll(&wait_for, 1, static_cast<int>(std::max(left, 0ms).count())) <= 0) continue;
            ssize_t got = ::recv(fd, buffer, sizeof buffer, MSG_DONTWAIT);
            if (got == 0 || (got < 0 && errno != EAGAIN && errno != EINTR)) result.closed = true;
        }
        if (result.closed) break;
    }
    result.after = milliseconds_since(start);
    return result;
}

std::vector<Bytes> one_byte_each(ByteView bytes) {
    std::vector<Bytes> pieces;
    for (std::uint8_t byte : bytes) pieces.push_back(Bytes{byte});
    return pieces;
}

}  // namespace

TEST(HostileClients, SlowlorisIsClosedAtTheHeaderOrHandshakeTimeout) {
    HostileSite site;
    HostileServer server(site.write_config(short_timeouts));  // both timeouts 1 s
    ResidentMemoryWatch memory(server.process());

    // One byte every 100 ms: a request head of 300 bytes would take 30 s.
    std::string head = "GET / HTTP/1.1\r\nHost: localhost\r\n";
    while (head.size() < 300) head += "X-Slow: loris\r\n";
    // After the handshake: every byte of the request head in a record of
    // its own, sealed beforehand. The first piece also carries the client's
    // Finished (queued before them), so the header timeout and the trickle
    // start together.
    DrivenToyTlsClient toytls_request(server.toytls_port);
    ASSERT_TRUE(toytls_request.start_handshake());
    std::vector<Bytes> sealed_bytes;
    for (char byte : head) {
        toytls_request.tls().write(toytls::as_bytes(std::string_view(&byte, 1)));
        sealed_bytes.push_back(toytls_request.tls().pop());
    }
    UniqueFd plain = connect_to(server.plain_port);
    UniqueFd toytls_handshake = connect_to(server.toytls_port);
    ASSERT_TRUE(plain && toytls_handshake);

    auto plain_slow = std::async(std::launch::async, trickle, plain.get(), one_byte_each(toytls::as_bytes(head)), 100ms);
    auto handshake_slow = std::async(std::launch::async, trickle, toytls_handshake.get(),
                                     one_byte_each(client_hello_record(valid_client_hello())), 100ms);
    auto request_slow = std::async(std::launch::async, trickle, toytls_request.fd(), sealed_bytes, 100ms);
    std::string during = expect_well_behaved_clients_served(server, "during");

    std::string figures;
    for (auto* slow : {&plain_slow, &handshake_slow, &request_slow}) {
        Trickled result = slow->get();
        std::string name = slow == &plain_slow       ? "plain request head"
                           : slow == &handshake_slow ? "ToyTLS ClientHello"
                                                     : "request head inside ToyTLS";
        EXPECT_TRUE(result.closed) << name << ": still open after " << result.pieces_sent << " bytes";
        // The timeout is 1 s from the start; a close long before it would
        // not be the timeout (but some other refusal of a byte).
        EXPECT_GE(result.after, 700ms) << name;
        EXPECT_LT(result.after, 2500ms) << name;
        figures += name + " closed after " + std::to_string(result.after.count()) + " ms (" +
                   std::to_string(result.pieces_sent) + " bytes); ";
    }
    EXPECT_NE(server.process().output().find("client timed out during the ToyTLS handshake"), std::string::npos);
    EXPECT_NE(server.process().output().find("client timed out sending the request header"), std::string::npos);
    expect_server_survived(server, memory, figures + during);
}

TEST(HostileClients, AThousandUnfinishedHandshakesDoNotStopOthers) {
    constexpr rlim_t wanted_connections = 1000;
    // 1,000 sockets here plus pipes, curl and slack.
    rlim_t limit = raise_open_files_limit(wanted_connections + 200);
    std::size_t connections = std::min<std::size_t>(wanted_connections, limit > 200 ? limit - 200 : 0);
    if (connections < wanted_connections)
        std::printf("note: RLIMIT_NOFILE hard limit %llu allows only %zu connections\n",
                    static_cast<unsigned long long>(limit), connections);

    HostileSite site;
    // A long handshake timeout, so that all of them are pending at once;
    // worker_connections keeps its default, 1024 (the server inherits the
    // raised descriptor limit).
    HostileServer server(site.write_config("  ssl_handshake_timeout 30s;\n  client_header_timeout 5s;\n"));
    ResidentMemoryWatch memory(server.process());
    const Bytes hello = client_hello_record(valid_client_hello());

    auto start = SteadyClock::now();
    std::vector<UniqueFd> sockets;
    std::chrono::milliseconds slowest_connect{0};
    for (std::size_t i = 0; i < connections; ++i) {
        auto connect_start = SteadyClock::now();
        sockets.push_back(connect_to(server.toytls_port));
        slowest_connect = std::max(slowest_connect, milliseconds_since(connect_start));
        ASSERT_TRUE(sockets.back()) << "connection " << i;
        ASSERT_TRUE(send_all(sockets.back().get(), hello));
    }
    auto all_sent = milliseconds_since(start);
    // Every one of them got the server's flight: all are pending handshakes
    // in the server now.
    std::vector<pollfd> answered;
    for (const UniqueFd& socket : sockets) answered.push_back({socket.get(), POLLIN, 0});
    std::size_t answered_count = 0;
    auto deadline = start + 20s;
    while (SteadyClock::now() < deadline) {
        ::poll(answered.data(), answered.size(), 100);
        answered_count = static_cast<std::size_t>(
            std::count_if(answered.begin(), answered.end(), [](const pollfd& entry) { return entry.revents & POLLIN; }));
        if (answered_count == connections) break;
    }
    auto all_answered = milliseconds_since(start);
    EXPECT_EQ(answered_count, connections);
    std::size_t resident_with_all_pending = memory.now_kib();
    std::string during = expect_well_behaved_clients_served(server, "during");
    sockets.clear();
    expect_server_survived(server, memory,
                           std::to_string(connections) + " ClientHellos sent in " + std::to_string(all_sent.count()) +
                               " ms (slowest connect " + std::to_string(slowest_connect.count()) +
                               " ms), all answered after " + std::to_string(all_answered.count()) + " ms; RSS with all " +
                               "pending " + std::to_string(resident_with_all_pending) + " KiB; " + during);
}

// ---------------------------------------------------------------------------
// Responses: a client that never reads, one that resets, one that
// pipelines.
// ---------------------------------------------------------------------------

TEST(HostileClients, AClientThatNeverReadsA100MiBFileIsClosedAtTheSendTimeout) {
    HostileSite site;
    HostileServer server(site.write_config(short_timeouts));  // send_timeout 1 s
    ResidentMemoryWatch memory(server.process());
    const std::string request = "GET /big.bin HTTP/1.1\r\nHost: localhost\r\n\r\n";

    UniqueFd plain = connect_to(server.plain_port);
    DrivenToyTlsClient toytls_client(server.toytls_port);
    ASSERT_TRUE(plain && toytls_client.complete_handshake());
    auto start = SteadyClock::now();
    ASSERT_TRUE(send_all(plain.get(), request));
    ASSERT_TRUE(toytls_client.send_http(request));
    // ... and never read. The kernel's buffers fill up, then the server
    // waits send_timeout for progress that never comes.
    std::string during = expect_well_behaved_clients_served(server, "during");
    std::string output = server.process().read_until("send timed out", 2, 10s);
    auto timed_out_after = milliseconds_since(start);
    std::size_t resident_while_stalled = memory.peak_kib();
    EXPECT_EQ(count_of(output, "send timed out"), 2) << output;
    EXPECT_LT(timed_out_after, 4000ms);

    // What reached this side before the close: the start of the file only.
    std::uint64_t plain_bytes = 0, toytls_bytes = 0;
    Received plain_end = read_until_closed(plain.get(), 10s, 0, &plain_bytes);
    Received toytls_end = read_until_closed(toytls_client.fd(), 10s, 0, &toytls_bytes);
    EXPECT_TRUE(plain_end.closed);
    EXPECT_TRUE(toytls_end.closed);
    EXPECT_LT(plain_bytes, HostileSite::big_file_size);
    EXPECT_LT(toytls_bytes, HostileSite::big_file_size);
    expect_server_survived(server, memory,
                           "both stalled downloads ended by send_timeout after " +
                               std::to_string(timed_out_after.count()) + " ms, having delivered " +
                               std::to_string(plain_bytes >> 10) + " KiB (plain) and " +
                               std::to_string(toytls_bytes >> 10) + " KiB (ToyTLS) of 102400 KiB; peak RSS while " +
                               "stalled " + std::to_string(resident_while_stalled) + " KiB; " + during);
}

TEST(HostileClients, AClientThatResetsMidResponseOnlyEndsItsOwnConnection) {
    HostileSite site;
    HostileServer server(site.write_config(short_timeouts));
    ResidentMemoryWatch memory(server.process());
    const std::string request = "GET /big.bin HTTP/1.1\r\nHost: localhost\r\n\r\n";

    UniqueFd plain = connect_to(server.plain_port);
    DrivenToyTlsClient toytls_client(server.toytls_port);
    ASSERT_TRUE(plain && toytls_client.complete_handshake());
    ASSERT_TRUE(send_all(plain.get(), request));
    ASSERT_TRUE(toytls_client.send_http(request));
    // Read the first MiB of each response, so the reset lands in the middle.
    for (int fd : {plain.get(), toytls_client.fd()}) {
        std::size_t got_total = 0;
        char buffer[65536];
        auto deadline = SteadyClock::now() + 5s;
        while (got_total < (1u << 20) && SteadyClock::now() < deadline) {
            ssize_t got = ::recv(fd, buffer, sizeof buffer, 0);
            if (got <= 0) break;
            got_total += static_cast<std::size_t>(got);
        }
        ASSERT_GE(got_total, 1u << 20);
    }
    std::string during = expect_well_behaved_clients_served(server, "during");
    // SO_LINGER with a zero timeout: close() sends RST instead of FIN.
    linger reset_on_close{1, 0};
    ::setsockopt(plain.get(), SOL_SOCKET, SO_LINGER, &reset_on_close, sizeof reset_on_close);
    ::setsockopt(toytls_client.fd(), SOL_SOCKET, SO_LINGER, &reset_on_close, sizeof reset_on_close);
    auto start = SteadyClock::now();
    plain.reset();
    toytls_client.close_socket();
    std::string output = server.process().read_until("closing connection from", 2, 5s);
    auto noticed_after = milliseconds_since(start);
    std::regex reset_line("closing connection from 127\\.0\\.0\\.1:[0-9]+: (send|sending file): "
                          "(Connection reset by peer|Broken pipe)");
    auto resets = std::distance(std::sregex_iterator(output.begin(), output.end(), reset_line), std::sregex_iterator());
    EXPECT_EQ(resets, 2) << output;
    expect_server_survived(server, memory,
                           "both resets noticed within " + std::to_string(noticed_after.count()) + " ms; " + during);
}

namespace {

// One response of a pipelined stream: its status line and body.
struct ParsedResponse {
    std::string status_line;
    std::string body;
};

// Splits a stream of HTTP/1.1 responses framed by Content-Length.
std::vector<ParsedResponse> split_responses(const std::string& stream) {
    std::vector<ParsedResponse> responses;
    std::size_t at = 0;
    std::regex content_length("\r\ncontent-length: *([0-9]+)", std::regex::icase);
    while (at < stream.size()) {
        std::size_t head_end = stream.find("\r\n\r\n", at);
        if (head_end == std::string::npos) break;
        std::string head = stream.substr(at, head_end + 2 - at);
        std::smatch match;
        if (!std::regex_search(head, match, content_length)) break;
        std::size_t body_size = std::stoul(match[1].str());
        if (head_end + 4 + body_size > stream.size()) break;
        responses.push_back({head.substr(0, head.find("\r\n")), stream.substr(head_end + 4, body_size)});
        at = head_end + 4 + body_size;
    }
    return responses;
}

}  // namespace

namespace {

// 10,000 requests for three kinds of answer in turn, so that their order
// shows; the last one asks the server to close.
constexpr int pipelined_request_count = 10'000;

std::string pipelined_requests() {
    const std::vector<std::string> paths = {"/a.txt", "/bb.txt", "/missing"};
    std::string requests;
    for (int i = 0; i < pipelined_request_count; ++i)
        requests += "GET " + paths[static_cast<std::size_t>(i % 3)] + " HTTP/1.1\r\nHost: localhost\r\n" +
                    (i == pipelined_request_count - 1 ? "Connection: close\r\n" : "") + "\r\n";
    return requests;
}

// Returns how many responses came back; adds a failure for each of the
// first few that is not the answer to the request in its place.
std::size_t expect_pipelined_answers_in_order(const std::string& stream, const std::string& port_name) {
    std::vector<ParsedResponse> responses = split_responses(stream);
    EXPECT_EQ(responses.size(), static_cast<std::size_t>(pipelined_request_count)) << port_name;
    int out_of_order = 0;
    for (std::size_t i = 0; i < responses.size(); ++i) {
        const ParsedResponse& response = responses[i];
        bool expected = i % 3 == 0   ? response.status_line == "HTTP/1.1 200 OK" && response.body == "a\n"
                        : i % 3 == 1 ? response.status_line == "HTTP/1.1 200 OK" && response.body == "bb\n"
                                     : response.status_line == "HTTP/1.1 404 Not Found";
        if (!expected && out_of_order++ < 3) ADD_FAILURE() << port_name << " response " << i << ": " << response.status_line;
    }
    EXPECT_EQ(out_of_order, 0) << port_name;
    return responses.size();
}

}  // namespace

TEST(HostileClients, TenThousandPipelinedRequestsAreAnsweredInOrder) {
    HostileSite site;
    HostileServer server(site.write_config(short_timeouts));
    ResidentMemoryWatch memory(server.process());
    const std::string requests = pipelined_requests();

    // The plain port: one write of all of them (~430 KB), from a thread:
    // the server stops reading while its answers are not read, so this side
    // must read at the same time.
    UniqueFd socket = connect_to(server.plain_port);
    ASSERT_TRUE(socket);
    auto start = SteadyClock::now();
    auto writer = std::async(std::launch::async, [&] {
        return ::send(socket.get(), requests.data(), requests.size(), MSG_NOSIGNAL);
    });
    auto well_behaved = std::async(std::launch::async, [&] { return expect_well_behaved_clients_served(server, "during"); });
    Received received = read_until_closed(socket.get(), 30s, 64u << 20);
    auto plain_took = milliseconds_since(start);
    EXPECT_EQ(writer.get(), static_cast<ssize_t>(requests.size())) << "the requests did not go out in one write";
    std::string during = well_behaved.get();
    EXPECT_TRUE(received.closed);
    std::size_t plain_answers = expect_pipelined_answers_in_order(received.bytes, "plain");

    // The same inside ToyTLS (sealed beforehand into 16 KiB records, sent
    // in one write while this thread reads and opens the answers).
    DrivenToyTlsClient client(server.toytls_port);
    ASSERT_TRUE(client.complete_handshake());
    client.tls().write(toytls::as_bytes(requests));
    const Bytes sealed = client.tls().pop();
    start = SteadyClock::now();
    auto toytls_writer = std::async(std::launch::async, [&] {
        return ::send(client.fd(), sealed.data(), sealed.size(), MSG_NOSIGNAL);
    });
    bool closed = false;
    std::string toytls_stream = client.read_until_closed(30s, &closed);
    auto toytls_took = milliseconds_since(start);
    EXPECT_EQ(toytls_writer.get(), static_cast<ssize_t>(sealed.size()));
    EXPECT_TRUE(closed);
    EXPECT_TRUE(client.tls().peer_closed()) << "no close_notify at the end";
    std::size_t toytls_answers = expect_pipelined_answers_in_order(toytls_stream, "ToyTLS");

    expect_server_survived(server, memory,
                           std::to_string(plain_answers) + " plain responses (" +
                               std::to_string(received.bytes.size() >> 10) + " KiB) in order in " +
                               std::to_string(plain_took.count()) + " ms, " + std::to_string(toytls_answers) +
                               " ToyTLS responses in order in " + std::to_string(toytls_took.count()) + " ms; " + during);
}

// ---------------------------------------------------------------------------
// Header limits on the ToyTLS port (the plain port: server_test.cpp
// HeaderLimitsComeFromTheConfig).
// ---------------------------------------------------------------------------

TEST(HostileClients, HeaderLimitsHoldOnTheToyTlsPortToo) {
    HostileSite site;
    // Request line at most 1 KiB, header section at most 2 x 1 KiB, 5
    // header fields, bodies up to 1 KiB.
    HostileServer server(site.write_config(short_timeouts + "  large_client_header_buffers 2 1k;\n  max_headers 5;\n"
                                                            "  client_max_body_size 1k;\n"));
    ResidentMemoryWatch memory(server.process());
    auto status_over_toytls = [&](const std::string& request) {
        DrivenToyTlsClient client(server.toytls_port);
        if (!client.complete_handshake() || !client.send_http(request)) return std::string("no handshake");
        std::string response = client.read_until_closed(3s);
        return response.substr(0, response.find("\r\n"));
    };
    const std::string end = "Host: localhost\r\nConnection: close\r\n\r\n";  // 2 header fields
    const std::string ok = "HTTP/1.1 200 OK";
    const std::string too_many = "HTTP/1.1 431 Request Header Fields Too Large";

    // The request line, CRLF not counted: 1024 bytes, then 1025.
    auto request_line = [](std::size_t size) { return "GET /?" + std::string(size - 15, 'a') + " HTTP/1.1"; };
    EXPECT_EQ(status_over_toytls(request_line(1024) + "\r\n" + end), ok);
    EXPECT_EQ(status_over_toytls(request_line(1025) + "\r\n" + end), "HTTP/1.1 414 URI Too Long");
    // Header fields: 5, then 6.
    const std::string three = "A: 1\r\nB: 2\r\nC: 3\r\n";
    EXPECT_EQ(status_over_toytls("GET / HTTP/1.1\r\n" + three + end), ok);
    EXPECT_EQ(status_over_toytls("GET / HTTP/1.1\r\n" + three + "D: 4\r\n" + end), too_many);
    // The whole header section, blank line included: 2048 bytes, then 2049.
    auto section = [&](std::size_t size) {
        std::string start = "GET / HTTP/1.1\r\nX: ";
        return start + std::string(size - start.size() - 2 - end.size(), 'x') + "\r\n" + end;
    };
    ASSERT_EQ(section(2048).size(), 2048u);
    EXPECT_EQ(status_over_toytls(section(2048)), ok);
    EXPECT_EQ(status_over_toytls(section(2049)), too_many);
    // The body (read and discarded): 1024 bytes, then 1025, with a length
    // and chunked.
    auto with_length = [&](std::size_t size) {
        return "GET / HTTP/1.1\r\nContent-Length: " + std::to_string(size) + "\r\n" + end + std::string(size, 'b');
    };
    EXPECT_EQ(status_over_toytls(with_length(1024)), ok);
    EXPECT_EQ(status_over_toytls(with_length(1025)), "HTTP/1.1 413 Content Too Large");
    auto chunked = [&](std::size_t size) {
        char size_hex[16];
        std::snprintf(size_hex, sizeof size_hex, "%zx", size);
        return "GET / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n" + end + size_hex + "\r\n" + std::string(size, 'b') +
               "\r\n0\r\n\r\n";
    };
    EXPECT_EQ(status_over_toytls(chunked(1024)), ok);
    EXPECT_EQ(status_over_toytls(chunked(1025)), "HTTP/1.1 413 Content Too Large");

    std::string during = expect_well_behaved_clients_served(server, "between");
    expect_server_survived(server, memory, "12 requests at and over the limits over ToyTLS; " + during);
}

// ---------------------------------------------------------------------------
// Out of file descriptors.
// ---------------------------------------------------------------------------

TEST(HostileClients, RunningOutOfDescriptorsPausesAcceptingAndRecovers) {
    HostileSite site;
    // As with `ulimit -n 40`; the held connections must not time out by
    // themselves during the test, so the timeouts are long.
    constexpr rlim_t server_open_files = 40;
    toytls::testing::ServerProcessOptions options;
    options.open_files_limit = server_open_files;
    HostileServer server(site.write_config("  client_header_timeout 30s;\n  keepalive_timeout 30s;\n"
                                           "  ssl_handshake_timeout 30s;\n"),
                         options);
    ResidentMemoryWatch memory(server.process());
    // Both well-behaved clients and one request for a missing file first.
    // In the sanitizer build this is needed, not just polite: UBSan checks
    // the dynamic type behind virtual calls (shared_ptr's control block,
    // the transport...), and the first check of each type reads memory
    // through a pipe (sanitizer_common IsAccessibleMemoryRange). Out of
    // descriptors that pipe fails, and UBSan reports "invalid vptr" and
    // stops the server. Once checked, a type sits in UBSan's cache and needs
    // no descriptor. (This is also why static_files.cpp maps errno to a
    // status with a switch, not by comparing std::error_codes.)
    std::string before = expect_well_behaved_clients_served(server, "before");
    {
        UniqueFd warm_up = connect_to(server.plain_port);
        send_all(warm_up.get(), "GET /missing HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
        EXPECT_EQ(read_until_closed(warm_up.get(), 3s).bytes.substr(0, 12), "HTTP/1.1 404");
    }

    // More connections than the server has descriptors for. connect()
    // succeeds for all of them: the kernel completes the handshake and
    // queues what the server does not accept.
    std::vector<UniqueFd> hogs;
    for (rlim_t i = 0; i < server_open_files + 20; ++i) {
        hogs.push_back(connect_to(server.plain_port));
        ASSERT_TRUE(hogs.back());
    }
    std::string output = server.process().read_until("accept: Too many open files", 1, 5s);
    ASSERT_NE(output.find("accept: Too many open files"), std::string::npos) << output;

    // While out of descriptors the server neither spins nor floods its
    // log: it pauses accepting for 100 ms at a time.
    auto cpu_before = server.process().cpu_time();
    auto lines_before = std::count_if(output.begin(), output.end(), [](char c) { return c == '\n'; });
    auto window_start = SteadyClock::now();
    std::this_thread::sleep_for(1s);  // the window in which it must stay idle
    auto window = milliseconds_since(window_start);
    auto cpu_used = server.process().cpu_time() - cpu_before;
    output = server.process().output();
    int emfile_lines = count_of(output, "accept: Too many open files");
    auto new_lines = std::count_if(output.begin(), output.end(), [](char c) { return c == '\n'; }) - lines_before;
    EXPECT_LT(cpu_used, window / 4) << "the server spins while out of descriptors";
    EXPECT_LE(new_lines, 30) << "the error log floods while out of descriptors";
    EXPECT_TRUE(server.process().running());

    // A connection it did accept is still served (the first one, accepted
    // before the descriptors ran out); opening the file needs a descriptor
    // too, so any well-formed answer is graceful here.
    ASSERT_TRUE(send_all(hogs.front().get(), "GET /a.txt HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"));
    Received answer = read_until_closed(hogs.front().get(), 3s);
    std::string answer_status = answer.bytes.substr(0, answer.bytes.find("\r\n"));
    EXPECT_EQ(answer_status.substr(0, 9), "HTTP/1.1 ") << "an accepted connection got no answer";

    // Descriptors free up: the server accepts again, promptly.
    auto freed = SteadyClock::now();
    hogs.clear();
    std::string after = expect_well_behaved_clients_served(server, "after the descriptors were freed");
    auto recovered_after = milliseconds_since(freed);
    expect_server_survived(server, memory,
                           "RLIMIT_NOFILE " + std::to_string(server_open_files) + ", " +
                               std::to_string(server_open_files + 20) + " connections; " + std::to_string(emfile_lines) +
                               " EMFILE log lines in all, " + std::to_string(new_lines) + " new log lines and " +
                               std::to_string(cpu_used.count()) + " ms CPU in a " + std::to_string(window.count()) +
                               " ms window while out of descriptors; an accepted connection got \"" + answer_status +
                               "\"; served again " + std::to_string(recovered_after.count()) + " ms after freeing; " +
                               before + "; " + after);
}

// ---------------------------------------------------------------------------
// Secrets.
// ---------------------------------------------------------------------------

TEST(HostileClients, NoDerivedSecretAppearsInTheDebugLogOrTheAccessLog) {
    HostileSite site;
    HostileServer server(site.write_config(short_timeouts, "debug", true));
    ResidentMemoryWatch memory(server.process());

    // One full session (handshake, request, response, close_notify) with a
    // key log on the client side.
    std::vector<std::string> key_log_lines;
    toytls_client::FetchOptions options;
    std::string error;
    options.url = *toytls_client::parse_url("toytls://127.0.0.1:" + std::to_string(server.toytls_port) + "/", error);
    options.trust_store = demo_trust_store();
    options.server_name = "localhost";
    options.max_time = 10s;
    options.key_log = [&key_log_lines](std::string_view line) { key_log_lines.emplace_back(line); };
    toytls_client::FetchResult result = toytls_client::fetch(options);
    ASSERT_EQ(result.outcome, toytls_client::FetchOutcome::ok) << result.message;
    EXPECT_EQ(result.body, page_text);
    expect_server_survived(server, memory, "one session with a key log");
    EXPECT_EQ(server.process().signal_and_wait(SIGTERM), 0);

    std::string error_log = server.process().output();
    std::ifstream access_file(site.access_log(), std::ios::binary);
    std::string access_log((std::istreambuf_iterator<char>(access_file)), std::istreambuf_iterator<char>());
    ASSERT_NE(access_log.find("toytls "), std::string::npos) << "the session is missing from the access log";

    // "<LABEL> <client random> <value>": the value is the secret. The
    // client random is not: it travels in clear in the ClientHello, and a
    // log may name a session by it.
    ASSERT_EQ(key_log_lines.size(), 8u);
    int values_checked = 0;
    for (const std::string& line : key_log_lines) {
        std::istringstream fields(line);
        std::string label, client_random, value_hex;
        fields >> label >> client_random >> value_hex;
        Bytes value = *toytls::from_hex(value_hex);
        std::string upper_hex = value_hex;
        for (char& c : upper_hex) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        // The whole value, in hex of either case and raw, and its first 8
        // bytes in hex (a log line that cut it short would still leak them).
        std::vector<std::pair<std::string, std::string>> forms = {
            {"hex", value_hex},
            {"upper-case hex", upper_hex},
            {"raw", std::string(value.begin(), value.end())},
            {"first 8 bytes in hex", value_hex.substr(0, 16)},
        };
        for (const auto& [form, text] : forms) {
            EXPECT_EQ(error_log.find(text), std::string::npos) << label << " (" << form << ") is in the error log";
            EXPECT_EQ(access_log.find(text), std::string::npos) << label << " (" << form << ") is in the access log";
        }
        ++values_checked;
    }
    report_figures("NoDerivedSecretAppearsInTheDebugLogOrTheAccessLog: " + std::to_string(values_checked) +
                   " secrets x 4 forms checked against " + std::to_string(error_log.size()) + " bytes of debug log and " +
                   std::to_string(access_log.size()) + " bytes of access log");
}
