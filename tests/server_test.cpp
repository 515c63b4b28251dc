// The web server for real: a Server on loopback ports, curl on the plain
// port, the library's own client on the ToyTLS port, with both selector
// backends. These are the behaviours a user of toytls-server relies on.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <future>
#include <thread>

#include "client/fetch.hpp"
#include "command.hpp"
#include "toytls/client.hpp"
#include "toytls/crypto/sha256.hpp"
#include "toytls/key_file.hpp"
#include "webserver/server.hpp"

using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

const std::string certs_dir = TOYTLS_SOURCE_DIR "/certs";

// A site in a fresh temporary folder, and a config that serves it on two
// free loopback ports: one plain, one ToyTLS.
struct TestSite {
    fs::path root = fs::temp_directory_path() / ("toytls-server-test-" + std::to_string(::getpid()) + "-" +
                                                 std::to_string(counter()++));
    TestSite() {
        fs::create_directories(root / "html" / "docs");
        write("html/index.html", "<h1>hello</h1>\n");
        write("html/docs/index.html", "<h1>docs</h1>\n");
        write("html/style.css", "body { color: black; }\n");
    }
    ~TestSite() { fs::remove_all(root); }

    static std::atomic<int>& counter() {
        static std::atomic<int> value{0};
        return value;
    }
    void write(const std::string& relative, const std::string& content) const {
        std::ofstream(root / relative, std::ios::binary) << content;
    }
    webserver::Config config(const std::string& extra_http = "", const std::string& access_log = "off",
                             const std::string& extra_main = "") const {
        std::string text = extra_main + "error_log stderr crit;\nhttp {\n access_log " + access_log + ";\n" + extra_http +
                           " server {\n  listen 127.0.0.1:0;\n  listen 127.0.0.1:0 ssl;\n"
                           "  server_name localhost;\n"
                           "  ssl_certificate " + certs_dir + "/server.cert;\n"
                           "  ssl_certificate_key " + certs_dir + "/server.key;\n"
                           "  ssl_certificate_chain " + certs_dir + "/intermediate.cert;\n"
                           "  root html;\n }\n}\n";
        write("server.conf", text);
        return webserver::load_config((root / "server.conf").string());
    }
};

// The server's event loop in a thread of its own, stopped gracefully at
// the end of the test.
class RunningServer {
public:
    RunningServer(webserver::Config config, webserver::SelectorKind kind) : server_(std::move(config), kind) {
        server_.open_listeners();
        for (const auto& listener : server_.listeners()) (listener.ssl ? toytls_port : plain_port) = listener.port;
        loop_ = std::async(std::launch::async, [this] { server_.run(); });
    }
    ~RunningServer() { stop(); }
    void stop() {
        if (!loop_.valid()) return;
        server_.request_stop();
        loop_.get();
    }
    bool stopped_within(std::chrono::milliseconds time) {
        return loop_.wait_for(time) == std::future_status::ready;
    }
    webserver::Server& server() { return server_; }

    std::uint16_t plain_port = 0;
    std::uint16_t toytls_port = 0;

private:
    webserver::Server server_;
    std::future<void> loop_;
};

toytls::TrustStore demo_trust_store() {
    std::string error;
    toytls::TrustStore store;
    store.add_root(*toytls::load_certificate_file(certs_dir + "/root.cert", error));
    return store;
}

toytls_client::FetchResult fetch_toytls(std::uint16_t port, const std::string& path,
                                        const std::string& server_name = "localhost") {
    toytls_client::FetchOptions options;
    std::string error;
    options.url = *toytls_client::parse_url("toytls://127.0.0.1:" + std::to_string(port) + path, error);
    options.trust_store = demo_trust_store();
    options.server_name = server_name;
    options.max_time = 60s;
    return toytls_client::fetch(options);
}

using test_support::run_command;

std::string curl(std::uint16_t port, const std::string& path, const std::string& options = "-s") {
    return run_command("curl " + options + " --max-time 60 http://127.0.0.1:" + std::to_string(port) + path).output;
}

int connect_to(std::uint16_t port) {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    ::inet_pton(AF_INET, "127.0.0.1", &address.sin_addr);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
        ::close(fd);
        return -1;
    }
    return fd;
}

class ServerTest : public ::testing::TestWithParam<webserver::SelectorKind> {};

}  // namespace

TEST_P(ServerTest, ServesTheSameFilesOnBothPorts) {
    TestSite site;
    RunningServer running(site.config(), GetParam());
    for (const char* path : {"/", "/docs/", "/style.css"}) {
        std::string plain = curl(running.plain_port, path);
        auto secure = fetch_toytls(running.toytls_port, path);
        ASSERT_EQ(secure.outcome, toytls_client::FetchOutcome::ok) << secure.message;
        EXPECT_EQ(secure.head->status_code, 200) << path;
        EXPECT_EQ(secure.body, plain) << path;
        EXPECT_FALSE(plain.empty());
    }
    EXPECT_EQ(curl(running.plain_port, "/", "-s -o /dev/null -w %{http_code}"), "200");
    EXPECT_EQ(curl(running.plain_port, "/missing", "-s -o /dev/null -w %{http_code}"), "404");
    EXPECT_EQ(fetch_toytls(running.toytls_port, "/missing").head->status_code, 404);
}

TEST_P(ServerTest, ServesA100MiBFileIntactOnBothPorts) {
    TestSite site;
    {
        std::ofstream big(site.root / "html" / "big.bin", std::ios::binary);
        std::string block(1 << 20, '\0');
        for (int mebibyte = 0; mebibyte < 100; ++mebibyte) {
            for (std::size_t i = 0; i < block.size(); ++i) block[i] = static_cast<char>((i * 31 + mebibyte) & 0xff);
            big.write(block.data(), static_cast<std::streamsize>(block.size()));
        }
    }
    std::string expected = run_command("sha256sum " + (site.root / "html" / "big.bin").string()).output.substr(0, 64);
    RunningServer running(site.config(), GetParam());

    std::string plain = run_command("curl -s --max-time 120 http://127.0.0.1:" + std::to_string(running.plain_port) +
                                    "/big.bin | sha256sum").output.substr(0, 64);
    EXPECT_EQ(plain, expected);

    toytls_client::FetchOptions options;
    std::string error;
    options.url = *toytls_client::parse_url("toytls://127.0.0.1:" + std::to_string(running.toytls_port) + "/big.bin", error);
    options.trust_store = demo_trust_store();
    options.server_name = "localhost";
    options.max_time = 300s;
    toytls::Sha256 hash;
    options.on_body = [&hash](std::string_view piece) {
        hash.update(toytls::as_bytes(piece));
        return true;
    };
    auto result = toytls_client::fetch(options);
    ASSERT_EQ(result.outcome, toytls_client::FetchOutcome::ok) << result.message;
    EXPECT_EQ(result.body_size, 100u << 20);
    EXPECT_EQ(toytls::to_hex(hash.digest_so_far()), expected);
}

TEST_P(ServerTest, Serves200ConcurrentClients) {
    TestSite site;
    RunningServer running(site.config(), GetParam());
    std::vector<std::future<bool>> clients;
    for (int i = 0; i < 200; ++i) {
        clients.push_back(std::async(std::launch::async, [&running, i] {
            if (i % 2 == 0) return curl(running.plain_port, "/") == "<h1>hello</h1>\n";
            auto result = fetch_toytls(running.toytls_port, "/");
            return result.outcome == toytls_client::FetchOutcome::ok && result.body == "<h1>hello</h1>\n";
        }));
    }
    int served = 0;
    for (auto& client : clients) served += client.get();
    EXPECT_EQ(served, 200);
}

TEST_P(ServerTest, ASlowClientDoesNotDelayOthers) {
    TestSite site;
    RunningServer running(site.config(), GetParam());
    int slow = connect_to(running.plain_port);
    ASSERT_GE(slow, 0);
    std::atomic<bool> done{false};
    std::thread slowloris([&] {
        std::string request = "GET / HTTP/1.1\r\nHost: localhost\r\nX-Slow: ";
        for (std::size_t i = 0; !done && i < 1000; ++i) {
            ::send(slow, &request[i % request.size()], 1, MSG_NOSIGNAL);
            std::this_thread::sleep_for(100ms);
        }
    });
    for (int i = 0; i < 5; ++i) {
        auto started = std::chrono::steady_clock::now();
        EXPECT_EQ(curl(running.plain_port, "/"), "<h1>hello</h1>\n");
        EXPECT_EQ(fetch_toytls(running.toytls_port, "/").body, "<h1>hello</h1>\n");
        EXPECT_LT(std::chrono::steady_clock::now() - started, 5s);
    }
    done = true;
    slowloris.join();
    ::close(slow);
}

TEST_P(ServerTest, AFailedHandshakeClosesOnlyThatConnection) {
    TestSite site;
    RunningServer running(site.config(), GetParam());
    auto refused = fetch_toytls(running.toytls_port, "/", "wrong.example");
    ASSERT_EQ(refused.outcome, toytls_client::FetchOutcome::handshake_failed);
    EXPECT_EQ(refused.handshake_failure->alert, toytls::Alert::bad_certificate);
    auto fine = fetch_toytls(running.toytls_port, "/");
    EXPECT_EQ(fine.outcome, toytls_client::FetchOutcome::ok) << fine.message;
    EXPECT_EQ(curl(running.plain_port, "/"), "<h1>hello</h1>\n");
}

TEST_P(ServerTest, PlainHttpOnTheToyTlsPortGetsAPlainAnswer) {
    TestSite site;
    RunningServer running(site.config(), GetParam());
    std::string answer = curl(running.toytls_port, "/", "-s -i");
    EXPECT_EQ(answer.rfind("HTTP/1.1 400 Bad Request\r\n", 0), 0u) << answer;
    EXPECT_NE(answer.find("This port speaks ToyTLS"), std::string::npos) << answer;
    EXPECT_NE(answer.find("port " + std::to_string(running.plain_port)), std::string::npos) << answer;
    EXPECT_EQ(fetch_toytls(running.toytls_port, "/").outcome, toytls_client::FetchOutcome::ok);
}

TEST_P(ServerTest, GracefulStopFinishesTheResponseInFlight) {
    TestSite site;
    {
        std::ofstream big(site.root / "html" / "big.bin", std::ios::binary);
        std::string block(1 << 20, 'x');
        for (int i = 0; i < 20; ++i) big.write(block.data(), static_cast<std::streamsize>(block.size()));
    }
    RunningServer running(site.config(), GetParam());
    toytls_client::FetchOptions options;
    std::string error;
    options.url = *toytls_client::parse_url("toytls://127.0.0.1:" + std::to_string(running.toytls_port) + "/big.bin", error);
    options.trust_store = demo_trust_store();
    options.server_name = "localhost";
    options.max_time = 60s;
    std::promise<void> first_bytes;
    bool signalled = false;
    options.on_body = [&](std::string_view) {
        if (!signalled) {
            signalled = true;
            first_bytes.set_value();
            std::this_thread::sleep_for(200ms);  // the stop request lands while the response is in flight
        }
        return true;
    };
    auto download = std::async(std::launch::async, [&] { return toytls_client::fetch(options); });
    first_bytes.get_future().wait();
    running.server().request_stop();
    auto result = download.get();
    EXPECT_EQ(result.outcome, toytls_client::FetchOutcome::ok) << result.message;  // ended with close_notify
    EXPECT_EQ(result.body_size, 20u << 20);
    EXPECT_TRUE(running.stopped_within(10s));
    EXPECT_LT(connect_to(running.plain_port), 0) << "still accepting after the stop";
}

namespace {

// Reads from a blocking socket until the peer closes (or 10 s pass).
std::string read_until_closed(int fd) {
    timeval timeout{10, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    std::string received;
    char buffer[65536];
    ssize_t got;
    while ((got = ::recv(fd, buffer, sizeof buffer, 0)) > 0) received.append(buffer, static_cast<std::size_t>(got));
    return received;
}

std::size_t count_of(const std::string& text, const std::string& what) {
    std::size_t count = 0;
    for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++count;
    return count;
}

}  // namespace

TEST_P(ServerTest, AnswersPipelinedRequestsInOrder) {
    TestSite site;
    RunningServer running(site.config(), GetParam());
    int fd = connect_to(running.plain_port);
    std::string requests = "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n"
                           "GET /style.css HTTP/1.1\r\nHost: localhost\r\n\r\n"
                           "POST / HTTP/1.1\r\nHost: localhost\r\nContent-Length: 5\r\n\r\nhello"
                           "GET /docs/ HTTP/1.0\r\n\r\n";  // HTTP/1.0 without keep-alive: the server closes after it
    ::send(fd, requests.data(), requests.size(), MSG_NOSIGNAL);
    std::string responses = read_until_closed(fd);
    ::close(fd);
    EXPECT_EQ(count_of(responses, "HTTP/1.1 "), 4u) << responses;
    std::size_t hello = responses.find("<h1>hello</h1>"), css = responses.find("body { color"),
                not_allowed = responses.find("405 Method Not Allowed"), docs = responses.find("<h1>docs</h1>");
    EXPECT_TRUE(hello < css && css < not_allowed && not_allowed < docs) << responses;
    EXPECT_NE(responses.find("Allow: GET, HEAD"), std::string::npos);
}

TEST_P(ServerTest, IdleKeepAliveConnectionsAreClosed) {
    TestSite site;
    RunningServer running(site.config("  keepalive_timeout 300ms;\n"), GetParam());
    // Plain: the server closes an idle connection after the timeout.
    int fd = connect_to(running.plain_port);
    std::string request = "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n";
    ::send(fd, request.data(), request.size(), MSG_NOSIGNAL);
    auto started = std::chrono::steady_clock::now();
    std::string response = read_until_closed(fd);
    ::close(fd);
    EXPECT_NE(response.find("<h1>hello</h1>"), std::string::npos);
    EXPECT_LT(std::chrono::steady_clock::now() - started, 5s);
    // ToyTLS: fetch() reports "ok" only when the response ended with close_notify.
    EXPECT_EQ(fetch_toytls(running.toytls_port, "/").outcome, toytls_client::FetchOutcome::ok);
}

TEST_P(ServerTest, AnIncompleteHeaderTimesOut) {
    TestSite site;
    RunningServer running(site.config("  client_header_timeout 300ms;\n"), GetParam());
    int fd = connect_to(running.plain_port);
    std::string partial = "GET / HTTP/1.1\r\nHost: loc";
    ::send(fd, partial.data(), partial.size(), MSG_NOSIGNAL);
    auto started = std::chrono::steady_clock::now();
    EXPECT_EQ(read_until_closed(fd), "");  // closed without a response, like nginx
    EXPECT_LT(std::chrono::steady_clock::now() - started, 5s);
    ::close(fd);
    // A ToyTLS client that never finishes its handshake is timed out the same way.
    int silent = connect_to(running.toytls_port);
    EXPECT_EQ(read_until_closed(silent), "");
    ::close(silent);
    EXPECT_EQ(curl(running.plain_port, "/"), "<h1>hello</h1>\n");
}

TEST_P(ServerTest, WritesTheAccessLogWithTheProtocol) {
    TestSite site;
    std::string log_path = (site.root / "access.log").string();
    {
        RunningServer running(site.config("", log_path), GetParam());
        curl(running.plain_port, "/", "-s -A test-agent");
        fetch_toytls(running.toytls_port, "/missing");
    }
    std::ifstream log(log_path);
    std::string plain_line, toytls_line;
    std::getline(log, plain_line);
    std::getline(log, toytls_line);
    EXPECT_NE(plain_line.find("\"GET / HTTP/1.1\" 200 15 \"-\" \"test-agent\" plain"), std::string::npos) << plain_line;
    EXPECT_EQ(plain_line.rfind("127.0.0.1 - - [", 0), 0u) << plain_line;
    EXPECT_NE(toytls_line.find("\"GET /missing HTTP/1.1\" 404 "), std::string::npos) << toytls_line;
    EXPECT_NE(toytls_line.find(" toytls TOYTLS_"), std::string::npos) << toytls_line;
}

TEST_P(ServerTest, WorkerConnectionsLimitPausesAcceptingUntilOneCloses) {
    TestSite site;
    RunningServer running(site.config("", "off", "events { worker_connections 2; }\n"), GetParam());
    int first = connect_to(running.plain_port);
    int second = connect_to(running.plain_port);
    std::this_thread::sleep_for(100ms);  // both accepted: the server is at its limit
    // The third connection waits in the kernel's backlog: no answer.
    EXPECT_EQ(run_command("curl -s -o /dev/null -w %{http_code} --max-time 1 http://127.0.0.1:" +
                          std::to_string(running.plain_port) + "/").output, "000");
    ::close(first);
    EXPECT_EQ(curl(running.plain_port, "/"), "<h1>hello</h1>\n");
    ::close(second);
}

TEST_P(ServerTest, ASilentToyTlsClientIsClosedAtTheHandshakeTimeout) {
    TestSite site;
    RunningServer running(site.config("  ssl_handshake_timeout 300ms;\n  client_header_timeout 60s;\n"), GetParam());
    int silent = connect_to(running.toytls_port);
    auto started = std::chrono::steady_clock::now();
    EXPECT_EQ(read_until_closed(silent), "");
    EXPECT_LT(std::chrono::steady_clock::now() - started, 5s);
    ::close(silent);
    EXPECT_EQ(fetch_toytls(running.toytls_port, "/").outcome, toytls_client::FetchOutcome::ok);
}

TEST_P(ServerTest, HeaderLimitsComeFromTheConfig) {
    TestSite site;
    RunningServer running(site.config("  large_client_header_buffers 2 1k;\n  max_headers 5;\n"), GetParam());
    auto status_of = [&](const std::string& request) {
        int fd = connect_to(running.plain_port);
        ::send(fd, request.data(), request.size(), MSG_NOSIGNAL);
        std::string response = read_until_closed(fd);
        ::close(fd);
        return response.substr(0, response.find("\r\n"));
    };
    const std::string end = "Host: localhost\r\nConnection: close\r\n\r\n";
    std::string line_at_limit = "GET /?" + std::string(1024 - 17, 'a') + " HTTP/1.1";  // 1024 bytes
    EXPECT_EQ(status_of(line_at_limit + "\r\n" + end), "HTTP/1.1 200 OK");
    EXPECT_EQ(status_of("GET /?" + std::string(1100, 'a') + " HTTP/1.1\r\n" + end), "HTTP/1.1 414 URI Too Long");
    std::string five = "A: 1\r\nB: 2\r\nC: 3\r\n";
    EXPECT_EQ(status_of("GET / HTTP/1.1\r\n" + five + end), "HTTP/1.1 200 OK");
    EXPECT_EQ(status_of("GET / HTTP/1.1\r\n" + five + "D: 4\r\n" + end),
              "HTTP/1.1 431 Request Header Fields Too Large");
    EXPECT_EQ(status_of("GET / HTTP/1.1\r\nX: " + std::string(2100, 'x') + "\r\n" + end),
              "HTTP/1.1 431 Request Header Fields Too Large");
}

TEST_P(ServerTest, AHalfClosedClientStillGetsItsAnswer) {
    TestSite site;
    RunningServer running(site.config(), GetParam());
    // Plain: the request, then "I will send nothing more" (like `nc -N`).
    int fd = connect_to(running.plain_port);
    std::string request = "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n";
    ::send(fd, request.data(), request.size(), MSG_NOSIGNAL);
    ::shutdown(fd, SHUT_WR);
    std::string response = read_until_closed(fd);
    ::close(fd);
    EXPECT_NE(response.find("<h1>hello</h1>"), std::string::npos) << response;
    // ToyTLS: a ClientHello followed at once by EOF still gets the server's flight.
    toytls::ClientConfig config;
    config.trust_store = demo_trust_store();
    config.server_name = "localhost";
    toytls::ClientConnection client(std::move(config));
    toytls::Bytes hello = client.pop();
    int tls = connect_to(running.toytls_port);
    ::send(tls, hello.data(), hello.size(), MSG_NOSIGNAL);
    ::shutdown(tls, SHUT_WR);
    std::string flight = read_until_closed(tls);
    ::close(tls);
    client.feed(toytls::as_bytes(flight));
    EXPECT_TRUE(client.established()) << (client.failure() ? client.failure()->describe() : "no failure");
}

// A small response is sealed as ONE record (head and body together) and,
// when the connection is not kept alive, close_notify follows in the same
// flight: what a reader of the demo's trace is told.
TEST_P(ServerTest, ASmallResponseIsOneRecordThenCloseNotify) {
    TestSite site;
    RunningServer running(site.config(), GetParam());
    std::vector<std::uint8_t> record_types_after_handshake;
    toytls::ClientConfig config;
    config.trust_store = demo_trust_store();
    config.server_name = "localhost";
    toytls::ClientConnection* client_pointer = nullptr;
    config.observer = [&](const toytls::ConnectionEvent& event) {
        if (event.kind == toytls::EventKind::record_received && client_pointer && client_pointer->established())
            record_types_after_handshake.push_back(event.bytes[0]);
    };
    toytls::ClientConnection client(std::move(config));
    client_pointer = &client;
    client.write(toytls::as_bytes("GET /style.css HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"));
    int fd = connect_to(running.toytls_port);
    ASSERT_GE(fd, 0);
    std::string response;
    std::array<char, 16384> buffer;
    for (toytls::Bytes out = client.pop(); !client.peer_closed() && !client.failed(); out = client.pop()) {
        if (!out.empty()) ::send(fd, out.data(), out.size(), MSG_NOSIGNAL);
        ssize_t got = ::recv(fd, buffer.data(), buffer.size(), 0);
        if (got <= 0) break;
        client.feed(toytls::as_bytes(std::string_view(buffer.data(), static_cast<std::size_t>(got))));
        response += toytls::as_text(client.read());
    }
    ::close(fd);
    EXPECT_TRUE(client.peer_closed()) << (client.failure() ? client.failure()->describe() : "no close_notify");
    EXPECT_EQ(response.substr(0, 15), "HTTP/1.1 200 OK");
    EXPECT_NE(response.find("\r\n\r\nbody { color: black; }\n"), std::string::npos) << response;
    // 23 = application_data (the whole response), 21 = alert (close_notify).
    EXPECT_EQ(record_types_after_handshake, (std::vector<std::uint8_t>{23, 21}));
}

// Bodies up to 16 KiB are read whole and sent with the head; larger ones are
// streamed (sendfile, or batches of sealed records). Both paths, and a range
// in each, must give exactly the file's bytes on both ports.
TEST_P(ServerTest, FilesOnBothSidesOfTheInlineLimitAreServedExactly) {
    TestSite site;
    auto content_of_size = [](std::size_t size) {
        std::string content(size, '\0');
        for (std::size_t i = 0; i < size; ++i) content[i] = static_cast<char>('a' + (i * 7 + i / 26) % 26);
        return content;
    };
    const std::vector<std::size_t> sizes = {16 * 1024, 16 * 1024 + 1, 3 * 128 * 1024 + 5};
    for (std::size_t size : sizes) site.write("html/f" + std::to_string(size), content_of_size(size));
    RunningServer running(site.config(), GetParam());
    for (std::size_t size : sizes) {
        const std::string path = "/f" + std::to_string(size);
        const std::string expected = content_of_size(size);
        EXPECT_EQ(curl(running.plain_port, path), expected) << path;
        auto whole = fetch_toytls(running.toytls_port, path);
        ASSERT_EQ(whole.outcome, toytls_client::FetchOutcome::ok) << whole.message;
        EXPECT_EQ(whole.body, expected) << path;

        EXPECT_EQ(curl(running.plain_port, path, "-s -r 100-16483"), expected.substr(100, 16384)) << path;
        toytls_client::FetchOptions options;
        std::string error;
        options.url = *toytls_client::parse_url("toytls://127.0.0.1:" + std::to_string(running.toytls_port) + path, error);
        options.trust_store = demo_trust_store();
        options.server_name = "localhost";
        options.max_time = 60s;
        options.extra_headers.push_back({"Range", "bytes=100-16483"});
        auto range = toytls_client::fetch(options);
        ASSERT_EQ(range.outcome, toytls_client::FetchOutcome::ok) << range.message;
        EXPECT_EQ(range.head->status_code, 206) << path;
        EXPECT_EQ(range.body, expected.substr(100, 16384)) << path;
    }
}

INSTANTIATE_TEST_SUITE_P(BothSelectors, ServerTest,
                         ::testing::Values(webserver::SelectorKind::epoll, webserver::SelectorKind::poll),
                         [](const auto& info) { return info.param == webserver::SelectorKind::epoll ? "epoll" : "poll"; });
