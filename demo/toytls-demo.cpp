// toytls-demo: the one-command demo (./scripts/demo.sh runs it).
//
// Starts the demo web server inside this process, on two free loopback
// ports, asks it for "/" once over plain HTTP and once over HTTP-over-ToyTLS
// with the library's client, and narrates both sides as it goes: the
// client's steps in its own words, and the server's every crossing of the
// seam between the socket and the HTTP parser (webserver/transport.cpp).
// It exits 0 only if both ports answered "HTTP/1.1 200 OK" with the bytes
// of demo/html/index.html.
//
// Two threads: the server's event loop runs on its own thread (as it would
// in toytls-server, where it is the only one), and the client runs here on
// the main thread. The server's seam sentences cross over through a
// SeamLog (demo_seam_log.hpp), and are printed in between the client's
// lines in the order things happened.
#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <iostream>
#include <optional>
#include <regex>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "client/fetch.hpp"
#include "demo/demo_seam_log.hpp"
#include "toytls/key_file.hpp"
#include "toytls/record.hpp"
#include "webserver/config.hpp"
#include "webserver/server.hpp"

namespace {

using namespace std::chrono_literals;
using toytls_client::FetchOptions;
using toytls_client::FetchResult;
using toytls_demo::SeamLog;

// Everything comes from the source tree, so the demo runs from any directory.
constexpr std::string_view config_path = TOYTLS_SOURCE_DIR "/demo/toytls-server.conf";
constexpr std::string_view expected_body_path = TOYTLS_SOURCE_DIR "/demo/html/index.html";
constexpr std::string_view demo_root_path = TOYTLS_SOURCE_DIR "/certs/root.cert";
// The name in the demo certificate (certs/server.cert).
constexpr std::string_view demo_server_name = "localhost";
constexpr std::string_view expected_status_line = "HTTP/1.1 200 OK";

// Around every record's plaintext: 3-byte header + 8-byte sequence number + 16-byte tag = 27.
constexpr std::size_t record_overhead = toytls::record_header_size + toytls::protection_overhead;

enum ExitCode { exit_ok = 0, exit_failed = 1, exit_usage = 2 };

constexpr std::string_view usage_text = R"(usage: toytls-demo [--quiet | --step]

Starts the demo web server (demo/toytls-server.conf) inside this process on
two free loopback ports, asks it for "/" once over plain HTTP and once over
HTTP-over-ToyTLS, and narrates what crosses the seam between the socket and
the HTTP parser (webserver/transport.cpp) on the way in and out.

  --quiet     print only the verdict lines
  --step      pause after each protocol step until Enter is pressed (for a
              class: the server's timeouts are lifted while it waits)
  -h, --help  show this help and exit

Exit status: 0 if both ports answered "HTTP/1.1 200 OK" with the bytes of
demo/html/index.html; 1 if not, or if the server could not start; 2 for a
bad option.
)";

struct Options {
    bool quiet = false;
    bool step = false;  // wait for Enter after each protocol step
};

// The options, or the exit code when there is nothing more to do (-h, or a bad option).
struct CommandLine {
    Options options;
    std::optional<int> exit_now;
};

CommandLine parse_command_line(int argc, char** argv) {
    CommandLine command_line;
    for (int i = 1; i < argc; ++i) {
        std::string_view argument = argv[i];
        if (argument == "--quiet") {
            command_line.options.quiet = true;
        } else if (argument == "--step") {
            command_line.options.step = true;
        } else if (argument == "-h" || argument == "--help") {
            std::cout << usage_text;
            command_line.exit_now = exit_ok;
            return command_line;
        } else {
            std::cerr << "toytls-demo: unknown option '" << argument << "'\nTry 'toytls-demo --help'.\n";
            command_line.exit_now = exit_usage;
            return command_line;
        }
    }
    if (command_line.options.quiet && command_line.options.step) {
        std::cerr << "toytls-demo: --quiet and --step do not go together\n";
        command_line.exit_now = exit_usage;
    }
    return command_line;
}

// ---------------------------------------------------------------------------
// What the server says at the seam, and what it means.
// ---------------------------------------------------------------------------

// One seam sentence from webserver/http_connection.cpp, taken apart, e.g.
//   "plain 127.0.0.1:50512: 103 socket bytes in -> 103 HTTP bytes up to the parser"
//   "toytls 127.0.0.1:50514: 88 socket bytes in -> 0 HTTP bytes up to the parser, 958 socket bytes to send back (handshake or alert)"
//   "toytls TOYTLS_AES_256_GCM_SHA256 127.0.0.1:50514: 249 HTTP bytes down from the server -> 276 socket bytes out"
struct SeamCrossing {
    bool plain = false;
    bool inbound = false;          // socket -> HTTP; otherwise HTTP -> socket
    std::size_t socket_bytes = 0;  // in or out
    std::size_t http_bytes = 0;    // up or down
    std::size_t sent_back = 0;     // inbound: the transport's own answer (handshake, alert)
};

std::optional<SeamCrossing> parse_seam_sentence(const std::string& sentence) {
    static const std::regex inbound(
        R"(: (\d+) socket bytes in -> (\d+) HTTP bytes up to the parser(?:, (\d+) socket bytes to send back)?)");
    static const std::regex outbound(R"(: (\d+) HTTP bytes down from the server -> (\d+) socket bytes out)");
    auto number = [](const std::ssub_match& match) {
        return match.matched ? static_cast<std::size_t>(std::stoull(match.str())) : std::size_t{0};
    };
    SeamCrossing crossing;
    crossing.plain = sentence.starts_with("plain ");
    std::smatch match;
    if (std::regex_search(sentence, match, inbound)) {
        crossing.inbound = true;
        crossing.socket_bytes = number(match[1]);
        crossing.http_bytes = number(match[2]);
        crossing.sent_back = number(match[3]);
    } else if (std::regex_search(sentence, match, outbound)) {
        crossing.http_bytes = number(match[1]);
        crossing.socket_bytes = number(match[2]);
    } else {
        return std::nullopt;
    }
    return crossing;
}

// What a newcomer should take from one crossing of the seam.
std::string explain(const SeamCrossing& crossing) {
    std::string socket = std::to_string(crossing.socket_bytes);
    std::string http = std::to_string(crossing.http_bytes);
    if (crossing.plain)
        return crossing.inbound ? "plain: the socket bytes ARE the HTTP bytes (PlainTransport hands them up unchanged)"
                                : "plain: the HTTP bytes ARE the socket bytes";
    if (!crossing.inbound) {
        if (crossing.socket_bytes == crossing.http_bytes + record_overhead)
            return "sealed into one record: " + http + " + 27 = " + socket +
                   " bytes (3-byte header, 8-byte sequence number, 16-byte tag)";
        return "sealed into records, each 27 bytes longer than its plaintext (3-byte header, 8-byte sequence "
               "number, 16-byte tag)";
    }
    if (crossing.http_bytes == 0) {
        std::string text = "handshake: the ToyTLS layer keeps these bytes, and the HTTP parser gets nothing";
        if (crossing.sent_back > 0)
            text += "; the layer answers by itself with " + std::to_string(crossing.sent_back) +
                    " bytes (the client takes them apart below)";
        return text;
    }
    std::string text = "decrypted and authenticated: only the " + http +
                       " plaintext bytes go up, to the same parser the plain port uses";
    std::size_t below = crossing.socket_bytes - crossing.http_bytes;
    if (below == record_overhead)
        return text + "; the other 27 (header, sequence number, tag) stay below the seam";
    if (below > record_overhead)
        return text + "; the other " + std::to_string(below) + " stay below the seam: 27 around the request's record, and " +
               std::to_string(below - record_overhead) + " of the client's Finished record, which came in the same read";
    return text;
}

// Breaks `text` into lines of at most `width` characters (a longer word
// gets a line of its own), each after `indent` but the first.
std::string wrapped(std::string_view text, std::size_t width, std::string_view indent) {
    std::string result;
    std::size_t line_length = 0;
    while (!text.empty()) {
        std::size_t end = std::min(text.find(' '), text.size());
        std::string_view word = text.substr(0, end);
        text.remove_prefix(std::min(end + 1, text.size()));
        if (line_length > 0 && line_length + 1 + word.size() > width) {
            result += "\n" + std::string(indent);
            line_length = 0;
        } else if (line_length > 0) {
            result += ' ';
            ++line_length;
        }
        result += word;
        line_length += word.size();
    }
    return result;
}

// ---------------------------------------------------------------------------
// The narration: headings, prose, and the two voices, in order.
// ---------------------------------------------------------------------------

class Narration {
public:
    Narration(bool quiet, bool step, SeamLog& seam_log) : quiet_(quiet), step_(step), seam_log_(seam_log) {}

    void title(std::string_view text) {
        if (quiet_) return;
        std::cout << text << '\n' << std::string(text.size(), '=') << "\n";
    }
    void heading(std::string_view text) {
        if (quiet_) return;
        std::cout << '\n' << text << '\n' << std::string(text.size(), '-') << "\n";
    }
    void say(std::string_view text) {
        if (!quiet_) std::cout << text << '\n';
    }
    // Printed with --quiet too.
    void verdict(std::string_view text) { std::cout << text << std::endl; }

    // For FetchOptions::narrate. Whatever the server said before this
    // line is printed first: the server announces each crossing before it
    // sends the bytes, so everything the client reacts to is already queued.
    toytls_client::Narrator client_narrator() {
        if (quiet_) return {};
        return [this](std::string_view line) {
            print_server_sentences();
            // The response head ("< ..." lines) is printed in full after the request.
            if (!line.starts_with("< ")) std::cout << "  client | " << line << '\n';
            if (step_ && is_protocol_step(line)) wait_for_enter();
        };
    }

    // "* ToyTLS: ServerHello received ..." is a step; the indented record
    // lines under it ("* ToyTLS:   sent handshake record ...") are details.
    static bool is_protocol_step(std::string_view line) {
        return line.starts_with("* ToyTLS: ") && !line.starts_with("* ToyTLS:  ");
    }

    // The client is inside fetch(), so while we wait here nothing moves:
    // the server waits for the client's next bytes.
    void wait_for_enter() {
        std::cout << "         [press Enter for the next step]" << std::flush;
        std::string ignored;
        std::getline(std::cin, ignored);
    }

    void print_server_sentences() {
        for (const std::string& sentence : seam_log_.take_all()) {
            std::optional<SeamCrossing> crossing = parse_seam_sentence(sentence);
            if (crossing && !crossing->inbound) http_bytes_down_ += crossing->http_bytes;
            if (quiet_) continue;
            std::cout << "  seam   | " << sentence << '\n';
            if (crossing) std::cout << "         `- " << wrapped(explain(*crossing), 80, "            ") << '\n';
        }
    }

    // How many response bytes the server reported handing down to the seam
    // since the last call.
    std::size_t take_http_bytes_down() { return std::exchange(http_bytes_down_, 0); }

private:
    bool quiet_;
    bool step_;
    SeamLog& seam_log_;
    std::size_t http_bytes_down_ = 0;
};

// ---------------------------------------------------------------------------
// The server, on a thread of its own.
// ---------------------------------------------------------------------------

// demo/toytls-server.conf as toytls-server would load it, except that every
// port is 0 (the kernel picks a free one, so the demo never clashes with a
// toytls-server already on 8080/8443) and the error log only speaks up for
// critical problems (it would interleave with the narration).
webserver::Config load_demo_config(bool step) {
    webserver::Config config = webserver::load_config(std::string(config_path));
    for (webserver::ServerBlock& server : config.http.servers)
        for (webserver::Listen& listen : server.listens) listen.port = 0;
    config.error_log_level = webserver::LogLevel::crit;
    if (step) {
        // A class may talk for a while between two steps: the server must not
        // time the connection out meanwhile.
        config.http.client_header_timeout = config.http.keepalive_timeout = config.http.send_timeout = 24h;
    }
    return config;
}

// The server's event loop on a second thread. Stopped gracefully (and the
// thread joined) by stop() or, whatever happened in between, the destructor.
class RunningServer {
public:
    RunningServer(webserver::Config config, SeamLog& seam_log) : server_(std::move(config)) {
        server_.set_seam_tracer([&seam_log](const std::string& sentence) { seam_log.add(sentence); });
        server_.open_listeners();
        for (const webserver::BoundListener& listener : server_.listeners()) {
            std::optional<webserver::BoundListener>& slot = listener.ssl ? toytls_ : plain_;
            if (!slot) slot = listener;
        }
        if (!plain_ || !toytls_)
            throw std::runtime_error(std::string(config_path) + " must have one plain and one ssl listen");
        loop_ = std::thread([this] {
            try {
                server_.run();
            } catch (const std::exception& error) {
                loop_failure_ = error.what();  // read only after join()
            }
        });
    }
    ~RunningServer() { stop(); }
    RunningServer(const RunningServer&) = delete;
    RunningServer& operator=(const RunningServer&) = delete;

    // Graceful: the loop finishes what is in flight, then returns.
    void stop() {
        if (!loop_.joinable()) return;
        server_.request_stop();
        loop_.join();
    }

    const webserver::BoundListener& plain() const { return *plain_; }
    const webserver::BoundListener& toytls() const { return *toytls_; }
    // After stop(): why the loop ended early, if it did.
    const std::string& loop_failure() const { return loop_failure_; }

private:
    webserver::Server server_;
    std::optional<webserver::BoundListener> plain_;
    std::optional<webserver::BoundListener> toytls_;
    std::thread loop_;
    std::string loop_failure_;
};

std::string address_of(const webserver::BoundListener& listener) {
    return listener.address + ":" + std::to_string(listener.port);
}

// ---------------------------------------------------------------------------
// The two requests.
// ---------------------------------------------------------------------------

toytls_client::Url url_for(toytls_client::Scheme scheme, const webserver::BoundListener& listener) {
    return {scheme, listener.address, listener.port, "/"};
}

// Both requests alike: "/", with generous time limits, narrated.
FetchOptions request_for(toytls_client::Scheme scheme, const webserver::BoundListener& listener,
                         toytls_client::Narrator narrate, bool step) {
    FetchOptions options;
    options.url = url_for(scheme, listener);
    options.connect_timeout = 10s;
    if (!step) options.max_time = 30s;  // --step waits for a person, for as long as it takes
    options.narrate = std::move(narrate);
    return options;
}

toytls::TrustStore demo_trust_store() {
    std::string error;
    std::optional<toytls::Certificate> root = toytls::load_certificate_file(demo_root_path, error);
    if (!root) throw std::runtime_error(std::string(demo_root_path) + ": " + error);
    toytls::TrustStore trust_store;
    trust_store.add_root(std::move(*root));
    return trust_store;
}

FetchOptions toytls_request_for(const webserver::BoundListener& listener, const toytls::TrustStore& trust_store,
                                toytls_client::Narrator narrate, bool step) {
    FetchOptions options = request_for(toytls_client::Scheme::toytls, listener, std::move(narrate), step);
    // We connect to the address the server listens on, and ask for the name
    // its certificate carries; the chain must lead to the demo root.
    options.server_name = demo_server_name;
    options.trust_store = trust_store;
    return options;
}

std::string url_text(const toytls_client::Url& url) {
    return std::string(toytls_client::scheme_name(url.scheme)) + "://" + url.host + ":" + std::to_string(url.port) +
           url.target;
}

std::string status_line_of(const FetchResult& result) {
    if (!result.head) return "(no response)";
    return result.head->raw.substr(0, result.head->raw.find("\r\n"));
}

std::string expected_body() {
    std::string error;
    std::optional<toytls::Bytes> bytes = toytls::read_file_bytes(expected_body_path, toytls::max_read_file_size, error);
    if (!bytes) throw std::runtime_error(std::string(expected_body_path) + ": " + error);
    return std::string(toytls::as_text(*bytes));
}

// What is wrong with a response, in words; empty when it is what we expect.
std::vector<std::string> problems_with(const FetchResult& result, const std::string& expected) {
    std::vector<std::string> problems;
    if (result.outcome != toytls_client::FetchOutcome::ok) problems.push_back("the request failed: " + result.message);
    if (status_line_of(result) != expected_status_line)
        problems.push_back("status line \"" + status_line_of(result) + "\", expected \"" +
                           std::string(expected_status_line) + "\"");
    if (result.head && result.body != expected) {
        auto [differs, _] = std::mismatch(result.body.begin(), result.body.end(), expected.begin(), expected.end());
        problems.push_back("body of " + std::to_string(result.body.size()) + " bytes differs from demo/html/index.html (" +
                           std::to_string(expected.size()) + " bytes) from byte " +
                           std::to_string(differs - result.body.begin()) + " on");
    }
    return problems;
}

// ---------------------------------------------------------------------------
// The sections.
// ---------------------------------------------------------------------------

void explain_plan(Narration& narration, const RunningServer& server) {
    narration.title("ToyTLS demo: one web server, two ports, one HTTP stack");
    narration.heading("1. What is about to happen");
    narration.say(R"(This program has just started the demo web server (webserver/, configured by
demo/toytls-server.conf) inside its own process, on a second thread. Instead
of ports 8080 and 8443 it let the kernel pick two free loopback ports:
)");
    narration.say("    " + address_of(server.plain()) + "   plain HTTP");
    narration.say("    " + address_of(server.toytls()) + "   HTTP over ToyTLS");
    narration.say(R"(
Both ports lead to the same HTTP parser and the same file server, which serve
demo/html/. They differ in one layer only, between recv() and the parser:
the seam, in webserver/transport.cpp. On the plain port the socket bytes go
straight up to the parser. On the ToyTLS port they first go through a
toytls::ServerConnection, which runs the handshake and turns records into
plaintext (and the response's plaintext back into records).

We now ask each port for "/" with the library's client (client/fetch.cpp),
on this program's main thread, and watch both sides:

  client | ...    the client, in its own words (what toytls-client -v prints)
  seam   | ...    the server, each time bytes cross its seam
         `- ...   what that crossing means)");
}

void show_response(Narration& narration, const FetchResult& result) {
    if (!result.head) {
        narration.say("\nNo response: " + result.message);
        return;
    }
    narration.say("\nThe response (status line, headers, blank line, body):\n");
    std::string_view head = result.head->raw;
    while (!head.empty()) {
        std::size_t end = head.find("\r\n");
        narration.say("    " + std::string(head.substr(0, end)));
        head.remove_prefix(end == std::string_view::npos ? head.size() : end + 2);
    }
    std::string_view body = result.body;
    while (!body.empty()) {
        std::size_t end = body.find('\n');
        narration.say("    " + std::string(body.substr(0, end)));
        body.remove_prefix(end == std::string_view::npos ? body.size() : end + 1);
    }
}

// The seam tracer reports what the HTTP layer hands to the transport as a
// string; a file body is streamed to the socket by other means. Say so, so
// that the byte counts above add up.
void account_for_untraced_body(Narration& narration, const FetchResult& result, bool plain) {
    std::size_t traced = narration.take_http_bytes_down();
    std::size_t response = result.head ? result.head->raw.size() + result.body.size() : 0;
    if (traced >= response || result.body.empty()) return;
    std::string body = std::to_string(result.body.size());
    if (plain)
        narration.say("\nThe page itself (" + body + " bytes) has no seam line: on a plain connection the server\n"
                      "lets the kernel copy the file straight to the socket (sendfile()), so those\n"
                      "bytes never pass through the process. They arrived right after the head.");
    else
        narration.say("\nThe page itself (" + body + " bytes) has no seam line of its own: the server reads\n"
                      "the file and seals it record by record as it streams it, outside the tracer.\n"
                      "The client's narration shows it arriving: an application_data record of\n" +
                      body + " + 27 bytes.");
}

// The end of one request's section: the server's last seam lines, then the response.
void finish_request_section(Narration& narration, SeamLog& seam_log, const FetchResult& result, bool plain) {
    seam_log.wait_until_quiet(100ms, 2s);  // the server's last words on this connection
    narration.print_server_sentences();
    account_for_untraced_body(narration, result, plain);
    show_response(narration, result);
}

void explain_toytls_steps(Narration& narration) {
    narration.say(R"(What to watch for below:
  - the handshake, from the client's side: ClientHello sent; ServerHello;
    the server's certificate chain verified up to the demo root
    (certs/root.cert), with the path it found; the CertificateVerify
    signature checked; the server's Finished checked, and ours sent;
  - at the server's seam: handshake bytes come in, 0 HTTP bytes go up; then
    the request record comes in, and only its plaintext goes up, to the very
    parser the plain port uses;
  - on the way back, the response (head and page together: it is under
    16 KiB) is sealed into one record 27 bytes longer than its plaintext
    (3-byte header, 8-byte sequence number, 16-byte tag);
  - close_notify: an authenticated "that was all", so that a cut connection
    cannot pass for a complete response. It leaves with the response, in
    the same TCP segment.
)");
}

std::string padded(std::string text, std::size_t width) {
    if (text.size() < width) text.resize(width, ' ');
    return text;
}

// Header names whose values differ between the two responses (Date aside:
// the two requests may straddle a second).
std::vector<std::string> differing_headers(const FetchResult& a, const FetchResult& b) {
    std::vector<std::string> names;
    if (!a.head || !b.head) return names;
    auto check = [&names](const toytls_client::HttpResponseHead& one, const toytls_client::HttpResponseHead& other) {
        for (const auto& [name, value] : one.headers) {
            if (name == "Date" || std::find(names.begin(), names.end(), name) != names.end()) continue;
            if (other.header(name) != std::optional<std::string_view>(value)) names.push_back(name);
        }
    };
    check(*a.head, *b.head);
    check(*b.head, *a.head);
    return names;
}

void compare(Narration& narration, const FetchResult& plain, const FetchResult& toytls, const std::string& expected,
             const RunningServer& server) {
    narration.heading("4. The same page from both ports");
    auto row = [&narration](std::string label, std::string left, std::string right) {
        narration.say("  " + padded(std::move(label), 24) + padded(std::move(left), 20) + right);
    };
    auto http_received = [](const FetchResult& result) {
        return result.head ? result.head->raw.size() + result.body.size() : 0;
    };
    // The request head fetch() sent: the same function builds it.
    auto http_sent = [](toytls_client::Scheme scheme, const webserver::BoundListener& listener) {
        return toytls_client::build_request_head(url_for(scheme, listener), false, {}).size();
    };
    row("", "plain HTTP", "HTTP over ToyTLS");
    row("port", address_of(server.plain()), address_of(server.toytls()));
    row("status line", status_line_of(plain), status_line_of(toytls));
    row("body", std::to_string(plain.body.size()) + " bytes", std::to_string(toytls.body.size()) + " bytes");
    row("HTTP bytes sent", std::to_string(http_sent(toytls_client::Scheme::http, server.plain())),
        std::to_string(http_sent(toytls_client::Scheme::toytls, server.toytls())));
    row("socket bytes sent", std::to_string(plain.wire_bytes_sent), std::to_string(toytls.wire_bytes_sent));
    row("HTTP bytes received", std::to_string(http_received(plain)), std::to_string(http_received(toytls)));
    row("socket bytes received", std::to_string(plain.wire_bytes_received), std::to_string(toytls.wire_bytes_received));

    narration.say("");
    bool same_body = plain.body == toytls.body;
    narration.say(std::string(same_body ? "The two bodies are identical" : "The two bodies DIFFER") +
                  (same_body && plain.body == expected ? ", byte for byte the file demo/html/index.html." : "."));
    std::vector<std::string> differing = differing_headers(plain, toytls);
    if (differing.empty()) {
        narration.say("The headers are the same too (Date aside): one HTTP stack answered both.");
    } else {
        std::string names;
        for (const std::string& name : differing) names += (names.empty() ? "" : ", ") + name;
        narration.say("These headers differ: " + names + ".");
    }
    narration.say(R"(On the plain port the socket carried exactly the HTTP bytes. On the ToyTLS
port it carried more: the handshake, 27 bytes around every record, and the
two close_notify alerts. Above the seam, the HTTP was the same.)");
}

void where_to_look_next(Narration& narration) {
    narration.heading("5. Where to look next");
    narration.say(R"(  webserver/transport.cpp   the seam: PlainTransport and ToyTlsTransport are
                            the whole difference between the two ports
  walkthrough/trace.md      one handshake, byte by byte (build/bin/toytls-trace)
  toytls/PROTOCOL.md        the protocol: messages, records, keys, chain checks

Try it by hand, in two terminals (ports 8080 and 8443 this time):

  build/bin/toytls-server
  build/bin/toytls-client -v toytls://localhost:8443/
  build/bin/toytls-client -v http://localhost:8080/)");
}

// The verdict line of one port; true if it is what we expect.
bool report_verdict(Narration& narration, std::string_view label, const webserver::BoundListener& listener,
                    const FetchResult& result, const std::string& expected) {
    std::vector<std::string> problems = problems_with(result, expected);
    std::string line = padded(std::string(label), 18) + padded(address_of(listener), 17);
    if (problems.empty()) {
        narration.verdict(line + std::string(expected_status_line) + ", body = demo/html/index.html (" +
                          std::to_string(expected.size()) + " bytes)");
        return true;
    }
    narration.verdict(line + "FAILED");
    for (const std::string& problem : problems) narration.verdict("    " + problem);
    return false;
}

int run_demo(const Options& options) {
    SeamLog seam_log;
    Narration narration(options.quiet, options.step, seam_log);
    const std::string expected = expected_body();
    const toytls::TrustStore trust_store = demo_trust_store();
    RunningServer server(load_demo_config(options.step), seam_log);

    explain_plan(narration, server);

    FetchOptions plain_options =
        request_for(toytls_client::Scheme::http, server.plain(), narration.client_narrator(), options.step);
    narration.heading("2. Plain HTTP: GET " + url_text(plain_options.url));
    FetchResult plain = toytls_client::fetch(plain_options);
    finish_request_section(narration, seam_log, plain, true);

    FetchOptions toytls_options =
        toytls_request_for(server.toytls(), trust_store, narration.client_narrator(), options.step);
    narration.heading("3. HTTP over ToyTLS: GET " + url_text(toytls_options.url) + " (server name \"" +
                      toytls_options.server_name + "\")");
    explain_toytls_steps(narration);
    FetchResult toytls = toytls_client::fetch(toytls_options);
    finish_request_section(narration, seam_log, toytls, false);

    compare(narration, plain, toytls, expected, server);
    where_to_look_next(narration);

    server.stop();
    narration.heading("Verdict");
    bool plain_ok = report_verdict(narration, "plain HTTP", server.plain(), plain, expected);
    bool toytls_ok = report_verdict(narration, "HTTP over ToyTLS", server.toytls(), toytls, expected);
    if (!server.loop_failure().empty()) narration.verdict("the server's loop failed: " + server.loop_failure());
    bool ok = plain_ok && toytls_ok && server.loop_failure().empty();
    narration.verdict(ok ? "toytls-demo: OK, both ports served the same page through the same HTTP stack"
                         : "toytls-demo: FAILED");
    return ok ? exit_ok : exit_failed;
}

}  // namespace

int main(int argc, char** argv) {
    CommandLine command_line = parse_command_line(argc, argv);
    if (command_line.exit_now) return *command_line.exit_now;
    try {
        return run_demo(command_line.options);
    } catch (const std::exception& error) {
        std::cout.flush();
        std::cerr << "toytls-demo: " << error.what() << '\n';
        return exit_failed;
    }
}
