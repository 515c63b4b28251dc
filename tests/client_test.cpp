// toytls-client (client/): URL parsing, the response reader over every
// split of the stream, request building, and whole fetches against tiny
// servers run in a thread of this test on 127.0.0.1 (an ephemeral port):
// plain HTTP, and ToyTLS with the committed demo chain in certs/.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <thread>

#include "client/fetch.hpp"
#include "client/http_response_reader.hpp"
#include "client/key_log_file.hpp"
#include "client/url.hpp"
#include "test_pki.hpp"
#include "toytls/key_file.hpp"
#include "toytls/server.hpp"
#include "webserver/unique_fd.hpp"

using namespace toytls_client;
using toytls::as_bytes;
using toytls::as_text;
using webserver::UniqueFd;
using Status = HttpResponseReader::Status;

namespace {

const std::string demo_certs = TOYTLS_SOURCE_DIR "/certs/";

// ---------------------------------------------------------------------------
// Helpers: a one-connection server in a thread, and its socket chores.
// ---------------------------------------------------------------------------

void send_all(int fd, std::string_view bytes) {
    while (!bytes.empty()) {
        ssize_t sent = ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
        if (sent <= 0) return;  // the client went away; the test's assertions say what matters
        bytes.remove_prefix(static_cast<std::size_t>(sent));
    }
}

// Blocking reads with a timeout, so that a broken client cannot hang the test.
std::string receive_some(int fd) {
    char buffer[4096];
    ssize_t received = ::recv(fd, buffer, sizeof buffer, 0);
    return received > 0 ? std::string(buffer, static_cast<std::size_t>(received)) : std::string();
}

// A server that says nothing: it reads until the client gives up and closes.
void wait_for_the_client_to_close(UniqueFd connection) {
    while (!receive_some(connection.get()).empty()) {
    }
}

// Like a real server: stop sending (FIN), then read until the client closes,
// so that the kernel never answers the client's last bytes with a reset.
void close_gracefully(UniqueFd connection) {
    ::shutdown(connection.get(), SHUT_WR);
    while (!receive_some(connection.get()).empty()) {
    }
}

// Accepts one connection on 127.0.0.1:<ephemeral port> and hands it to `handler` in a thread.
class OneConnectionServer {
public:
    using Handler = std::function<void(UniqueFd connection)>;

    explicit OneConnectionServer(Handler handler) : listener_(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) {
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        address.sin_port = 0;  // the kernel picks a free port
        if (::bind(listener_.get(), reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
            ::listen(listener_.get(), 1) != 0)
            throw std::runtime_error("cannot listen on 127.0.0.1");
        socklen_t length = sizeof address;
        ::getsockname(listener_.get(), reinterpret_cast<sockaddr*>(&address), &length);
        port_ = ntohs(address.sin_port);
        thread_ = std::thread([this, handler = std::move(handler)] {
            pollfd entry{listener_.get(), POLLIN, 0};
            if (::poll(&entry, 1, 10'000) != 1) return;  // nobody came
            UniqueFd connection(::accept4(listener_.get(), nullptr, nullptr, SOCK_CLOEXEC));
            if (!connection) return;
            timeval timeout{5, 0};
            ::setsockopt(connection.get(), SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
            handler(std::move(connection));
        });
    }
    ~OneConnectionServer() { wait(); }
    OneConnectionServer(const OneConnectionServer&) = delete;
    OneConnectionServer& operator=(const OneConnectionServer&) = delete;

    void wait() {
        if (thread_.joinable()) thread_.join();
    }
    std::uint16_t port() const { return port_; }
    std::string url(std::string_view scheme, std::string_view path = "/") const {
        return std::string(scheme) + "://127.0.0.1:" + std::to_string(port_) + std::string(path);
    }

private:
    UniqueFd listener_;
    std::uint16_t port_ = 0;
    std::thread thread_;
};

// Plain HTTP: reads the request head, answers with `response` (in pieces of
// the given sizes, to exercise the client's reassembly), closes.
OneConnectionServer::Handler plain_http(std::string response, std::string* request_seen = nullptr,
                                        std::size_t piece_size = 0) {
    return [=](UniqueFd connection) {
        std::string request;
        while (request.find("\r\n\r\n") == std::string::npos) {
            std::string more = receive_some(connection.get());
            if (more.empty()) return;
            request += more;
        }
        if (request_seen) *request_seen = request;
        std::string_view rest = response;
        while (!rest.empty()) {
            std::size_t size = piece_size == 0 ? rest.size() : std::min(piece_size, rest.size());
            send_all(connection.get(), rest.substr(0, size));
            rest.remove_prefix(size);
        }
        close_gracefully(std::move(connection));
    };
}

std::shared_ptr<toytls::ServerConfig> demo_server_config() {
    auto config = std::make_shared<toytls::ServerConfig>();
    config->identities.push_back(toytls::load_server_identity(
        demo_certs + "server.cert", demo_certs + "server.key", {demo_certs + "intermediate.cert"}));
    return config;
}

toytls::TrustStore demo_trust_store() {
    std::string error;
    std::optional<toytls::Certificate> root = toytls::load_certificate_file(demo_certs + "root.cert", error);
    if (!root) throw std::runtime_error("demo root: " + error);
    toytls::TrustStore store;
    store.add_root(std::move(*root));
    return store;
}

enum class Ending { close_notify, tcp_close_only };

// ToyTLS with the demo identity: handshake, read the request, answer with
// `response`, then end with close_notify or (a truncation) without it.
OneConnectionServer::Handler toytls_http(std::string response, Ending ending = Ending::close_notify,
                                         std::string* request_seen = nullptr) {
    auto config = demo_server_config();
    return [=](UniqueFd connection) {
        toytls::ServerConnection server(config);
        std::string request;
        while (request.find("\r\n\r\n") == std::string::npos) {
            std::string more = receive_some(connection.get());
            if (more.empty()) return;
            server.feed(as_bytes(more));
            send_all(connection.get(), as_text(server.pop()));
            if (server.failed()) return;  // e.g. the client rejected our certificate
            request += std::string(as_text(server.read()));
        }
        if (request_seen) *request_seen = request;
        server.write(as_bytes(response));
        if (ending == Ending::close_notify) server.close();
        send_all(connection.get(), as_text(server.pop()));
        close_gracefully(std::move(connection));
    };
}

FetchOptions options_for(const std::string& url_text) {
    std::string error;
    std::optional<Url> url = parse_url(url_text, error);
    if (!url) throw std::runtime_error(url_text + ": " + error);
    FetchOptions options;
    options.url = *url;
    options.trust_store = demo_trust_store();
    options.max_time = std::chrono::seconds(10);  // a broken test fails instead of hanging
    return options;
}

const std::string hello_response = "HTTP/1.1 200 OK\r\nContent-Length: 6\r\nConnection: close\r\n\r\nhello\n";

// A directory of its own, removed at the end of the test.
class TemporaryDirectory {
public:
    TemporaryDirectory()
        : path_(std::filesystem::temp_directory_path() /
                ("client_test_" + std::to_string(::getpid()) + "_" +
                 ::testing::UnitTest::GetInstance()->current_test_info()->name())) {
        std::filesystem::remove_all(path_);
        std::filesystem::create_directories(path_);
    }
    ~TemporaryDirectory() { std::filesystem::remove_all(path_); }
    TemporaryDirectory(const TemporaryDirectory&) = delete;
    TemporaryDirectory& operator=(const TemporaryDirectory&) = delete;
    const std::filesystem::path& path() const { return path_; }

private:
    std::filesystem::path path_;
};

std::string read_whole_file(const std::filesystem::path& path) {
    std::ifstream file(path, std::ios::binary);
    std::ostringstream text;
    text << file.rdbuf();
    return text.str();
}

}  // namespace

// ---------------------------------------------------------------------------
// URLs
// ---------------------------------------------------------------------------

TEST(Url, ParsesHostPortAndTarget) {
    std::string error;
    std::optional<Url> url = parse_url("toytls://localhost:9443/docs/index.html?x=1#top", error);
    ASSERT_TRUE(url) << error;
    EXPECT_EQ(url->scheme, Scheme::toytls);
    EXPECT_EQ(url->host, "localhost");
    EXPECT_EQ(url->port, 9443);
    EXPECT_EQ(url->target, "/docs/index.html?x=1");  // the fragment is never sent
    EXPECT_EQ(host_header_value(*url), "localhost:9443");
}

TEST(Url, DefaultPortsAndPaths) {
    std::string error;
    std::optional<Url> plain = parse_url("http://example.test", error);
    ASSERT_TRUE(plain) << error;
    EXPECT_EQ(plain->port, 80);
    EXPECT_EQ(plain->target, "/");
    EXPECT_EQ(host_header_value(*plain), "example.test");

    std::optional<Url> toy = parse_url("TOYTLS://127.0.0.1?q=1", error);  // schemes are case-insensitive
    ASSERT_TRUE(toy) << error;
    EXPECT_EQ(toy->scheme, Scheme::toytls);
    EXPECT_EQ(toy->port, 8443);
    EXPECT_EQ(toy->target, "/?q=1");
    EXPECT_EQ(host_header_value(*toy), "127.0.0.1");
}

TEST(Url, Ipv6InBrackets) {
    std::string error;
    std::optional<Url> url = parse_url("http://[::1]:8080/x", error);
    ASSERT_TRUE(url) << error;
    EXPECT_EQ(url->host, "::1");
    EXPECT_EQ(url->port, 8080);
    EXPECT_EQ(host_header_value(*url), "[::1]:8080");
    url = parse_url("toytls://[fe80::1]", error);
    ASSERT_TRUE(url) << error;
    EXPECT_EQ(host_header_value(*url), "[fe80::1]");
}

TEST(Url, RefusesWhatItDoesNotSpeak) {
    const std::vector<std::pair<std::string, std::string>> bad = {
        {"localhost/x", "no scheme"},
        {"https://localhost/", "unsupported scheme 'https'"},
        {"ftp://localhost/", "unsupported scheme 'ftp'"},
        {"http:///path", "no host"},
        {"http://", "no host"},
        {"http://host:0/", "not from 1 to 65535"},
        {"http://host:65536/", "not from 1 to 65535"},
        {"http://host:12ab/", "not a number"},
        {"http://host:/", "empty port"},
        {"http://user:pw@host/", "user names and passwords"},
        {"http://[::1/", "closing ']'"},
        {"http://[::1]x/", "after the IPv6 address"},
        {"http://[localhost]/", "is not an IPv6 address"},
        {"http://ho st/", "may only hold"},
        {"http://host/a b", "space"},
        {"http://host/a\r\nX-Evil: 1", "control character"},
        {"http://host/caf\xc3\xa9", "non-ASCII"},
    };
    for (const auto& [text, expected] : bad) {
        std::string error;
        EXPECT_FALSE(parse_url(text, error)) << text;
        EXPECT_NE(error.find(expected), std::string::npos) << text << " -> " << error;
    }
}

// ---------------------------------------------------------------------------
// The response reader
// ---------------------------------------------------------------------------

namespace {

struct Reading {
    Status status = Status::in_progress;
    std::string body;
    std::optional<HttpResponseHead> head;
    std::string error;
};

// Feeds `wire` cut at the given offsets, then (if asked) signals the end of the connection.
Reading read_cut_at(std::string_view wire, std::vector<std::size_t> cuts, bool then_close,
                    bool response_to_head = false) {
    HttpResponseReader reader(response_to_head);
    Reading reading;
    std::size_t start = 0;
    cuts.push_back(wire.size());
    for (std::size_t cut : cuts) {
        reader.feed(wire.substr(start, cut - start));
        reading.body += reader.take_body();
        start = cut;
    }
    if (then_close) reader.finish();
    reading.body += reader.take_body();
    reading.status = reader.status();
    reading.head = reader.head();
    reading.error = reader.error();
    return reading;
}

// Every way of cutting `wire` into three pieces gives the same reading.
void expect_same_reading_for_every_split(std::string_view wire, bool then_close, Status status,
                                         std::string_view body, int status_code) {
    for (std::size_t first = 0; first <= wire.size(); ++first) {
        for (std::size_t second = first; second <= wire.size(); ++second) {
            Reading reading = read_cut_at(wire, {first, second}, then_close);
            ASSERT_EQ(reading.status, status) << "cut at " << first << ", " << second << ": " << reading.error;
            ASSERT_EQ(reading.body, body) << "cut at " << first << ", " << second;
            ASSERT_TRUE(reading.head);
            ASSERT_EQ(reading.head->status_code, status_code);
        }
    }
}

}  // namespace

TEST(HttpResponseReader, ContentLengthOverEverySplit) {
    const std::string wire = "HTTP/1.1 200 OK\r\nServer: t\r\nContent-Length: 11\r\n\r\nhello world";
    expect_same_reading_for_every_split(wire, false, Status::complete, "hello world", 200);
    Reading reading = read_cut_at(wire, {}, false);
    EXPECT_EQ(reading.head->reason, "OK");
    EXPECT_EQ(reading.head->header("server"), "t");
    EXPECT_EQ(reading.head->header("CONTENT-LENGTH"), "11");
    EXPECT_EQ(reading.head->raw, wire.substr(0, wire.find("hello")));
}

TEST(HttpResponseReader, ChunkedOverEverySplit) {
    const std::string wire =
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
        "5\r\nhello\r\n"
        "1;name=value\r\n \r\n"  // a chunk extension, ignored
        "A\r\nworld, 10!\r\n"
        "0\r\nX-Trailer: ignored\r\n\r\n";
    expect_same_reading_for_every_split(wire, false, Status::complete, "hello world, 10!", 200);
}

TEST(HttpResponseReader, UntilCloseOverEverySplit) {
    const std::string wire = "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nno length: the end is the close";
    expect_same_reading_for_every_split(wire, true, Status::complete, "no length: the end is the close", 200);
    Reading still_open = read_cut_at(wire, {}, false);
    EXPECT_EQ(still_open.status, Status::in_progress);
    EXPECT_EQ(still_open.head->version_minor, 0);
}

TEST(HttpResponseReader, TransferEncodingWinsOverContentLength) {
    Reading reading = read_cut_at(
        "HTTP/1.1 200 OK\r\nContent-Length: 100\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n", {}, false);
    EXPECT_EQ(reading.status, Status::complete) << reading.error;
    EXPECT_EQ(reading.body, "ok");
}

TEST(HttpResponseReader, NoBodyForHeadAnd204And304) {
    const std::string with_length = "HTTP/1.1 200 OK\r\nContent-Length: 1234\r\n\r\n";
    Reading head = read_cut_at(with_length, {}, false, /*response_to_head=*/true);
    EXPECT_EQ(head.status, Status::complete);
    EXPECT_EQ(head.head->header("Content-Length"), "1234");
    EXPECT_EQ(read_cut_at("HTTP/1.1 204 No Content\r\n\r\n", {}, false).status, Status::complete);
    EXPECT_EQ(read_cut_at("HTTP/1.1 304 Not Modified\r\nContent-Length: 5\r\n\r\n", {}, false).status,
              Status::complete);
}

TEST(HttpResponseReader, SkipsInterimResponses) {
    const std::string wire =
        "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a.css>\r\n\r\n"
        "HTTP/1.1 404 Not Found\r\nContent-Length: 4\r\n\r\nnope";
    expect_same_reading_for_every_split(wire, false, Status::complete, "nope", 404);
    EXPECT_EQ(read_cut_at(wire, {}, false).head->reason, "Not Found");
}

TEST(HttpResponseReader, BytesAfterTheResponseAreIgnored) {
    HttpResponseReader reader;
    EXPECT_EQ(reader.feed("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokEXTRA"), Status::complete);
    EXPECT_EQ(reader.take_body(), "ok");
    EXPECT_EQ(reader.ignored_bytes(), 5u);
    EXPECT_EQ(reader.finish(), Status::complete);
}

TEST(HttpResponseReader, EndOfConnectionTooEarlyIsTruncation) {
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"", "without sending a response"},
        {"HTTP/1.1 200 OK\r\nContent-Le", "in the middle of the response head"},
        {"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n12345", "after 5 of 10 body bytes"},
        {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel", "in the middle of the chunked body"},
        {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n", "in the middle of the chunked body"},
    };
    for (const auto& [wire, expected] : cases) {
        Reading reading = read_cut_at(wire, {}, true);
        EXPECT_EQ(reading.status, Status::truncated) << wire;
        EXPECT_NE(reading.error.find(expected), std::string::npos) << wire << " -> " << reading.error;
    }
}

TEST(HttpResponseReader, RefusesMalformedResponses) {
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"HTTP/2 200 OK\r\n\r\n", "is not 'HTTP/1.x NNN reason'"},
        {"HTTP/1.1 20 OK\r\n\r\n", "is not 'HTTP/1.x NNN reason'"},
        {"HTTP/1.1 200OK\r\n\r\n", "is not 'HTTP/1.x NNN reason'"},
        {"HTTP/1.1 999 Odd\r\n\r\n", "not from 100 to 599"},
        {"SSH-2.0-OpenSSH\r\n", "is not 'HTTP/1.x NNN reason'"},
        {"HTTP/1.1 200 OK\nContent-Length: 0\n\n", "bare LF"},
        {"HTTP/1.1 200 OK\r\nNo colon here\r\n\r\n", "has no 'Name:'"},
        {"HTTP/1.1 200 OK\r\n: empty name\r\n\r\n", "has no 'Name:'"},
        {"HTTP/1.1 200 OK\r\nName : value\r\n\r\n", "is not a token"},
        {"HTTP/1.1 200 OK\r\nA: 1\r\n folded\r\n\r\n", "line folding"},
        {"HTTP/1.1 200 OK\r\nA: x\ry\r\n\r\n", "CR that is not followed by LF"},
        {"HTTP/1.1 200 OK\r\nContent-Length: 1x\r\n\r\n", "is not a number"},
        {"HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999\r\n\r\n", "is not a number"},
        {"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n", "conflicting Content-Length"},
        {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", "is not a hex number"},
        {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n11111111111111111\r\n", "does not fit in 64 bits"},
        {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n", "longer than its chunk size"},
        {"HTTP/1.1 101 Switching Protocols\r\n\r\n", "no upgrade was asked for"},
    };
    for (const auto& [wire, expected] : cases) {
        // Whole, and one byte at a time: the verdict must not depend on the split.
        std::vector<std::size_t> every_byte;
        for (std::size_t i = 1; i < wire.size(); ++i) every_byte.push_back(i);
        for (const Reading& reading : {read_cut_at(wire, {}, false), read_cut_at(wire, every_byte, false)}) {
            EXPECT_EQ(reading.status, Status::malformed) << wire;
            EXPECT_NE(reading.error.find(expected), std::string::npos) << wire << " -> " << reading.error;
        }
    }
}

TEST(HttpResponseReader, RepeatedEqualContentLengthIsFine) {
    Reading reading = read_cut_at("HTTP/1.1 200 OK\r\nContent-Length: 2, 2\r\n\r\nok", {}, false);
    EXPECT_EQ(reading.status, Status::complete) << reading.error;
    EXPECT_EQ(reading.body, "ok");
}

TEST(HttpResponseReader, EnforcesTheLimits) {
    HttpResponseLimits limits;
    limits.max_line_length = 64;
    limits.max_header_count = 2;
    HttpResponseReader long_line(false, limits);
    long_line.feed("HTTP/1.1 200 OK\r\nX: " + std::string(100, 'a') + "\r\n\r\n");
    EXPECT_EQ(long_line.status(), Status::malformed);
    HttpResponseReader many_headers(false, limits);
    many_headers.feed("HTTP/1.1 200 OK\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n");
    EXPECT_EQ(many_headers.status(), Status::malformed);
    EXPECT_NE(many_headers.error().find("more than 2 headers"), std::string::npos);
}

// ---------------------------------------------------------------------------
// Requests
// ---------------------------------------------------------------------------

TEST(Request, DefaultHead) {
    std::string error;
    Url url = *parse_url("toytls://localhost:9443/a?b=c", error);
    EXPECT_EQ(build_request_head(url, false, {}),
              "GET /a?b=c HTTP/1.1\r\nHost: localhost:9443\r\nUser-Agent: toytls-client/1.0\r\nAccept: */*\r\n"
              "Connection: close\r\n\r\n");
}

TEST(Request, ExtraHeadersAddReplaceAndRemove) {
    std::string error;
    Url url = *parse_url("http://localhost/", error);
    std::vector<HeaderField> extra = {
        *parse_header_option("X-Lab: 1", error),
        *parse_header_option("user-agent:   lab-agent/2  ", error),
        *parse_header_option("Accept:", error),
    };
    EXPECT_EQ(build_request_head(url, true, extra),
              "HEAD / HTTP/1.1\r\nHost: localhost\r\nuser-agent: lab-agent/2\r\nConnection: close\r\n"
              "X-Lab: 1\r\n\r\n");
}

TEST(Request, RefusesHeadersThatWouldInjectLines) {
    std::string error;
    EXPECT_FALSE(parse_header_option("no colon", error));
    EXPECT_FALSE(parse_header_option(": no name", error));
    EXPECT_FALSE(parse_header_option("Bad Name: x", error));
    EXPECT_FALSE(parse_header_option("X: a\r\nEvil: 1", error));
    EXPECT_NE(error.find("control character"), std::string::npos);
}

TEST(Request, ServerNames) {
    EXPECT_TRUE(is_valid_server_name("localhost"));
    EXPECT_TRUE(is_valid_server_name("127.0.0.1"));
    EXPECT_FALSE(is_valid_server_name(""));
    EXPECT_FALSE(is_valid_server_name("::1"));
    EXPECT_FALSE(is_valid_server_name("a_b"));
    EXPECT_FALSE(is_valid_server_name(std::string(256, 'a')));
}

// ---------------------------------------------------------------------------
// Whole fetches, plain HTTP
// ---------------------------------------------------------------------------

TEST(FetchPlain, ReturnsTheBodyAndSendsTheRequest) {
    std::string request;
    OneConnectionServer server(plain_http(hello_response, &request));
    FetchOptions options = options_for(server.url("http", "/index.html"));
    options.extra_headers.push_back({"X-Lab", "yes"});
    FetchResult result = fetch(options);
    server.wait();
    ASSERT_EQ(result.outcome, FetchOutcome::ok) << result.message;
    EXPECT_EQ(result.head->status_code, 200);
    EXPECT_EQ(result.body, "hello\n");
    EXPECT_EQ(request, "GET /index.html HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(server.port()) +
                           "\r\nUser-Agent: toytls-client/1.0\r\nAccept: */*\r\nConnection: close\r\n"
                           "X-Lab: yes\r\n\r\n");
    EXPECT_EQ(result.wire_bytes_sent, request.size());
    EXPECT_EQ(result.wire_bytes_received, hello_response.size());
}

TEST(FetchPlain, ChunkedInSmallPiecesToTheBodySink) {
    OneConnectionServer server(plain_http(
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n4\r\ndefg\r\n0\r\n\r\n", nullptr, 3));
    FetchOptions options = options_for(server.url("http"));
    std::string head_seen;
    std::string streamed;
    options.on_head = [&](const HttpResponseHead& head) {
        EXPECT_TRUE(streamed.empty());  // the head comes first
        head_seen = head.raw;
    };
    options.on_body = [&](std::string_view body) {
        streamed += body;
        return true;
    };
    FetchResult result = fetch(options);
    ASSERT_EQ(result.outcome, FetchOutcome::ok) << result.message;
    EXPECT_EQ(streamed, "abcdefg");
    EXPECT_TRUE(result.body.empty());
    EXPECT_EQ(head_seen, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
}

TEST(FetchPlain, BodyUntilCloseAndErrorStatus) {
    OneConnectionServer server(plain_http("HTTP/1.0 404 Not Found\r\n\r\nno such page"));
    FetchResult result = fetch(options_for(server.url("http")));
    ASSERT_EQ(result.outcome, FetchOutcome::ok) << result.message;  // --fail is main's business
    EXPECT_EQ(result.head->status_code, 404);
    EXPECT_EQ(result.body, "no such page");
}

TEST(FetchPlain, ShortBodyIsTruncated) {
    OneConnectionServer server(plain_http("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly this"));
    FetchResult result = fetch(options_for(server.url("http")));
    EXPECT_EQ(result.outcome, FetchOutcome::truncated);
    EXPECT_EQ(result.message, "response truncated: the connection closed after 9 of 100 body bytes (Content-Length)");
    EXPECT_EQ(result.body, "only this");
}

TEST(FetchPlain, MalformedResponseIsAnError) {
    OneConnectionServer server(plain_http("I am not HTTP\r\n\r\n"));
    FetchResult result = fetch(options_for(server.url("http")));
    EXPECT_EQ(result.outcome, FetchOutcome::error);
    EXPECT_NE(result.message.find("malformed HTTP response"), std::string::npos) << result.message;
}

TEST(FetchPlain, ConnectionRefused) {
    std::uint16_t closed_port = 0;
    {
        // A port that was free a moment ago: nobody listens there now.
        UniqueFd probe(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        ASSERT_EQ(::bind(probe.get(), reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
        socklen_t length = sizeof address;
        ::getsockname(probe.get(), reinterpret_cast<sockaddr*>(&address), &length);
        closed_port = ntohs(address.sin_port);
    }
    FetchResult result = fetch(options_for("http://127.0.0.1:" + std::to_string(closed_port) + "/"));
    EXPECT_EQ(result.outcome, FetchOutcome::cannot_connect);
    EXPECT_NE(result.message.find("Connection refused"), std::string::npos) << result.message;
}

TEST(FetchPlain, MaxTimeStopsASilentServer) {
    OneConnectionServer server(wait_for_the_client_to_close);
    FetchOptions options = options_for(server.url("http"));
    options.max_time = std::chrono::milliseconds(200);
    auto start = std::chrono::steady_clock::now();
    FetchResult result = fetch(options);
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(3));
    EXPECT_EQ(result.outcome, FetchOutcome::error);
    EXPECT_EQ(result.message, "timed out (--max-time 0.2 s) while waiting for the response");
}

TEST(FetchPlain, NarratesConnectRequestAndResponse) {
    OneConnectionServer server(plain_http(hello_response));
    FetchOptions options = options_for(server.url("http"));
    std::vector<std::string> lines;
    options.narrate = [&](std::string_view line) { lines.emplace_back(line); };
    ASSERT_EQ(fetch(options).outcome, FetchOutcome::ok);
    std::string all;
    for (const std::string& line : lines) all += line + "\n";
    for (const char* expected : {"* connected to 127.0.0.1 port", "> GET / HTTP/1.1\n", "> Connection: close\n",
                                 "* request sent: ", "< HTTP/1.1 200 OK\n", "< Content-Length: 6\n",
                                 "* response complete: status 200, 6 body bytes"})
        EXPECT_NE(all.find(expected), std::string::npos) << expected << "\nin:\n" << all;
}

// ---------------------------------------------------------------------------
// Whole fetches, ToyTLS with the demo chain
// ---------------------------------------------------------------------------

TEST(FetchToyTls, ReturnsTheBody) {
    std::string request;
    OneConnectionServer server(toytls_http(hello_response, Ending::close_notify, &request));
    FetchOptions options = options_for(server.url("toytls", "/secret.txt"));
    FetchResult result = fetch(options);
    server.wait();
    ASSERT_EQ(result.outcome, FetchOutcome::ok) << result.message;
    EXPECT_EQ(result.head->status_code, 200);
    EXPECT_EQ(result.body, "hello\n");
    EXPECT_TRUE(result.cipher_suite.has_value());
    EXPECT_EQ(request.substr(0, request.find("\r\n")), "GET /secret.txt HTTP/1.1");
    // Records cost bytes: more on the wire than the plaintext.
    EXPECT_GT(result.wire_bytes_received, hello_response.size() + 500);
}

TEST(FetchToyTls, ByNameWithBodyUntilCloseNotify) {
    OneConnectionServer server(toytls_http("HTTP/1.1 200 OK\r\n\r\nthe end is close_notify"));
    FetchResult result = fetch(options_for("toytls://localhost:" + std::to_string(server.port()) + "/"));
    ASSERT_EQ(result.outcome, FetchOutcome::ok) << result.message;
    EXPECT_EQ(result.body, "the end is close_notify");
}

TEST(FetchToyTls, EofWithoutCloseNotifyIsTruncation) {
    OneConnectionServer server(toytls_http(hello_response, Ending::tcp_close_only));
    FetchResult result = fetch(options_for(server.url("toytls")));
    EXPECT_EQ(result.outcome, FetchOutcome::truncated);
    // Even a response complete by its Content-Length: without close_notify
    // nothing tells us that an attacker did not cut the stream.
    EXPECT_EQ(result.message, "response truncated: connection closed without close_notify");
    EXPECT_EQ(result.body, "hello\n");
}

TEST(FetchToyTls, TruncationInsideTheBodySaysSo) {
    OneConnectionServer server(
        toytls_http("HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\nhalf a bo", Ending::tcp_close_only));
    FetchResult result = fetch(options_for(server.url("toytls")));
    EXPECT_EQ(result.outcome, FetchOutcome::truncated);
    EXPECT_EQ(result.message,
              "response truncated: connection closed without close_notify "
              "(the connection closed after 9 of 50 body bytes (Content-Length))");
}

TEST(FetchToyTls, WrongServerNameFailsTheHandshake) {
    OneConnectionServer server(toytls_http(hello_response));
    FetchOptions options = options_for(server.url("toytls"));
    options.server_name = "wrong.example";
    FetchResult result = fetch(options);
    EXPECT_EQ(result.outcome, FetchOutcome::handshake_failed);
    ASSERT_TRUE(result.handshake_failure.has_value());
    EXPECT_EQ(result.handshake_failure->alert, toytls::Alert::bad_certificate);
    EXPECT_FALSE(result.handshake_failure->alert_sent_by_peer);
    EXPECT_EQ(result.message, "handshake failed: " + result.handshake_failure->describe());
    EXPECT_EQ(result.message.rfind("handshake failed: sent bad_certificate: ", 0), 0u) << result.message;
    EXPECT_FALSE(result.head.has_value());  // not one byte of the request or response crossed
}

TEST(FetchToyTls, UnknownRootFailsTheHandshake) {
    OneConnectionServer server(toytls_http(hello_response));
    FetchOptions options = options_for(server.url("toytls"));
    options.trust_store = toytls::testing::TestPki().trust_store();  // some other root
    FetchResult result = fetch(options);
    EXPECT_EQ(result.outcome, FetchOutcome::handshake_failed);
    ASSERT_TRUE(result.handshake_failure.has_value());
    EXPECT_EQ(result.handshake_failure->alert, toytls::Alert::unknown_ca) << result.message;
}

TEST(FetchToyTls, InsecureAcceptsAnUnknownRoot) {
    OneConnectionServer server(toytls_http(hello_response));
    FetchOptions options = options_for(server.url("toytls"));
    options.trust_store = toytls::TrustStore();  // trusts nobody
    options.insecure_skip_chain_verification = true;
    std::string narration;
    options.narrate = [&](std::string_view line) { narration += std::string(line) + "\n"; };
    FetchResult result = fetch(options);
    ASSERT_EQ(result.outcome, FetchOutcome::ok) << result.message;
    EXPECT_EQ(result.body, "hello\n");
    EXPECT_NE(narration.find("INSECURE: certificate chain NOT verified for 'localhost'"), std::string::npos);
}

TEST(FetchToyTls, ConnectTimeoutCoversTheHandshake) {
    OneConnectionServer server(wait_for_the_client_to_close);
    FetchOptions options = options_for(server.url("toytls"));
    options.connect_timeout = std::chrono::milliseconds(200);
    FetchResult result = fetch(options);
    EXPECT_EQ(result.outcome, FetchOutcome::error);
    EXPECT_EQ(result.message, "timed out (--connect-timeout 0.2 s) during the ToyTLS handshake");
}

TEST(FetchToyTls, AServerThatClosesDuringTheHandshake) {
    OneConnectionServer server([](UniqueFd connection) {
        receive_some(connection.get());  // the ClientHello, unanswered
        close_gracefully(std::move(connection));
    });
    FetchResult result = fetch(options_for(server.url("toytls")));
    EXPECT_EQ(result.outcome, FetchOutcome::handshake_failed);
    EXPECT_EQ(result.message, "handshake failed: truncated: TCP closed during the handshake");
}

TEST(FetchToyTls, ARefusedServerName) {
    auto config = demo_server_config();
    config->unknown_server_name = toytls::UnknownServerName::refuse;
    OneConnectionServer server([config](UniqueFd connection) {
        toytls::ServerConnection tls(config);
        tls.feed(as_bytes(receive_some(connection.get())));
        send_all(connection.get(), as_text(tls.pop()));  // the unrecognized_name alert
        close_gracefully(std::move(connection));
    });
    FetchOptions options = options_for(server.url("toytls"));
    options.server_name = "other.example";
    FetchResult result = fetch(options);
    EXPECT_EQ(result.outcome, FetchOutcome::handshake_failed);
    ASSERT_TRUE(result.handshake_failure.has_value());
    EXPECT_TRUE(result.handshake_failure->alert_sent_by_peer);
    EXPECT_EQ(result.handshake_failure->alert, toytls::Alert::unrecognized_name);
}

TEST(FetchToyTls, NarratesEveryProtocolStepInOrder) {
    OneConnectionServer server(toytls_http(hello_response));
    FetchOptions options = options_for(server.url("toytls"));
    std::string narration;
    options.narrate = [&](std::string_view line) { narration += std::string(line) + "\n"; };
    ASSERT_EQ(fetch(options).outcome, FetchOutcome::ok) << narration;
    std::size_t at = 0;
    for (const char* step : {
             "* connected to 127.0.0.1 port",
             "* ToyTLS: ClientHello sent for \"127.0.0.1\", offering ",
             "* ToyTLS:   sent handshake record: ",
             "plaintext (not encrypted)",
             "* ToyTLS: ServerHello received: the server chose TOYTLS_",
             "* ToyTLS: keys derived",
             "* ToyTLS: Certificate received: 2 certificate(s)",
             "* ToyTLS: certificate chain verified: ",
             "* ToyTLS: CertificateVerify received",
             "* ToyTLS: CertificateVerify checked",
             "* ToyTLS: server Finished received",
             "* ToyTLS: server Finished checked",
             "* ToyTLS: client Finished sent",
             "* ToyTLS: handshake complete: TOYTLS_",
             "> GET / HTTP/1.1\n",
             "* ToyTLS:   sent application_data record: ",
             "sequence number and tag (encrypted)",
             "* ToyTLS:   received application_data record: ",
             "< HTTP/1.1 200 OK\n",
             "* response complete: status 200, 6 body bytes",
         }) {
        std::size_t found = narration.find(step, at);
        ASSERT_NE(found, std::string::npos) << "missing, or out of order: " << step << "\nin:\n" << narration;
        at = found;
    }
    // Both close_notify alerts, in an order that depends on the timing.
    EXPECT_NE(narration.find("* ToyTLS: sent alert close_notify\n"), std::string::npos) << narration;
    std::size_t received = narration.find("* ToyTLS: received ");
    while (received != std::string::npos && narration.substr(received, narration.find('\n', received) - received)
                                                     .find("close_notify") == std::string::npos)
        received = narration.find("* ToyTLS: received ", received + 1);
    EXPECT_NE(received, std::string::npos) << narration;
}

TEST(FetchToyTls, KeyLogFileIsPrivateAndAppended) {
    TemporaryDirectory directory;
    std::filesystem::path path = directory.path() / "keys.log";
    for (int session = 1; session <= 2; ++session) {
        OneConnectionServer server(toytls_http(hello_response));
        std::string error;
        std::optional<KeyLogFile> key_log = KeyLogFile::open(path, error);
        ASSERT_TRUE(key_log) << error;
        FetchOptions options = options_for(server.url("toytls"));
        options.key_log = key_log->sink();
        ASSERT_EQ(fetch(options).outcome, FetchOutcome::ok);
        EXPECT_EQ(key_log->error(), "");
    }
    struct stat status {};
    ASSERT_EQ(::stat(path.c_str(), &status), 0);
    EXPECT_EQ(status.st_mode & 0777, 0600u);
    std::string text = read_whole_file(path);
    std::size_t lines = static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
    EXPECT_GE(lines, 4u);           // at least two secrets per session
    EXPECT_EQ(lines % 2, 0u);       // the same number for both sessions
    EXPECT_EQ(text.back(), '\n');   // whole lines only
}

// ---------------------------------------------------------------------------
// The toytls-client binary itself: its exit codes. It is looked for next to
// this test (both land in <build>/bin); the test is skipped if it has not
// been built.
// ---------------------------------------------------------------------------

namespace {

std::filesystem::path client_binary() {
    return std::filesystem::read_symlink("/proc/self/exe").parent_path() / "toytls-client";
}

struct ClientRun {
    int exit_code = -1;
    std::string out;
    std::string err;
};

ClientRun run_client(const TemporaryDirectory& directory, const std::string& arguments) {
    std::filesystem::path out = directory.path() / "out";
    std::filesystem::path err = directory.path() / "err";
    std::string command = client_binary().string() + " " + arguments + " >" + out.string() + " 2>" + err.string();
    int status = std::system(command.c_str());
    ClientRun run;
    run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    run.out = read_whole_file(out);
    run.err = read_whole_file(err);
    return run;
}

}  // namespace

class ClientBinary : public ::testing::Test {
protected:
    void SetUp() override {
        if (!std::filesystem::exists(client_binary())) GTEST_SKIP() << client_binary() << " is not built";
    }
    TemporaryDirectory directory;
};

TEST_F(ClientBinary, SuccessWritesTheBody) {
    OneConnectionServer server(toytls_http(hello_response));
    ClientRun run = run_client(directory, server.url("toytls"));
    EXPECT_EQ(run.exit_code, 0) << run.err;
    EXPECT_EQ(run.out, "hello\n");
    EXPECT_EQ(run.err, "");
}

TEST_F(ClientBinary, ShowHeadersAndWriteToAFile) {
    OneConnectionServer server(plain_http(hello_response));
    ClientRun run = run_client(directory, "-i -o " + (directory.path() / "page").string() + " " + server.url("http"));
    EXPECT_EQ(run.exit_code, 0) << run.err;
    EXPECT_EQ(run.out, "");
    EXPECT_EQ(read_whole_file(directory.path() / "page"), hello_response);
}

TEST_F(ClientBinary, UsageErrorsExitWith2) {
    EXPECT_EQ(run_client(directory, "").exit_code, 2);
    EXPECT_EQ(run_client(directory, "--bogus http://localhost/").exit_code, 2);
    EXPECT_EQ(run_client(directory, "https://localhost/").exit_code, 2);
    EXPECT_EQ(run_client(directory, "--max-time abc http://localhost/").exit_code, 2);
    EXPECT_EQ(run_client(directory, "--cacert /nonexistent toytls://localhost/").exit_code, 2);
    ClientRun run = run_client(directory, "'toytls://[::1]/'");
    EXPECT_EQ(run.exit_code, 2);
    EXPECT_NE(run.err.find("--servername"), std::string::npos) << run.err;
    ClientRun help = run_client(directory, "--help");
    EXPECT_EQ(help.exit_code, 0);
    EXPECT_NE(help.out.find("Exit codes:"), std::string::npos);
}

TEST_F(ClientBinary, HandshakeFailureExitsWith4) {
    OneConnectionServer server(toytls_http(hello_response));
    ClientRun run = run_client(directory, "--servername wrong.example " + server.url("toytls"));
    EXPECT_EQ(run.exit_code, 4);
    EXPECT_NE(run.err.find("handshake failed: sent bad_certificate: "), std::string::npos) << run.err;
}

TEST_F(ClientBinary, TruncationExitsWith5) {
    OneConnectionServer server(toytls_http(hello_response, Ending::tcp_close_only));
    ClientRun run = run_client(directory, server.url("toytls"));
    EXPECT_EQ(run.exit_code, 5);
    EXPECT_NE(run.err.find("response truncated: connection closed without close_notify"), std::string::npos);
}

TEST_F(ClientBinary, FailExitsWith6AndWritesNoBody) {
    OneConnectionServer server(plain_http("HTTP/1.1 404 Not Found\r\nContent-Length: 4\r\n\r\nnope"));
    ClientRun run = run_client(directory, "--fail " + server.url("http"));
    EXPECT_EQ(run.exit_code, 6);
    EXPECT_EQ(run.out, "");
    EXPECT_NE(run.err.find("404 Not Found"), std::string::npos) << run.err;
}

TEST_F(ClientBinary, InsecureWarnsLoudly) {
    OneConnectionServer server(toytls_http(hello_response));
    ClientRun run = run_client(directory, "--insecure --cacert " + demo_certs + "intermediate.cert " + server.url("toytls"));
    EXPECT_EQ(run.exit_code, 0) << run.err;
    EXPECT_NE(run.err.find("WARNING: --insecure"), std::string::npos) << run.err;
}
