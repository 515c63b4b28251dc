// fetch(): one HTTP request, start to finish, over plain TCP (http://) or
// inside ToyTLS (toytls://). This is where the sans-I/O library meets a
// real socket: fetch() owns the socket, sends whatever pop() returns, feeds
// whatever recv() returns, and reads the plaintext back out.
//
// The outcome is a value, not an exception, so that main() can map it to an
// exit code and the tests can look at it.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "client/http_response_reader.hpp"
#include "client/narration.hpp"
#include "client/url.hpp"
#include "toytls/chain.hpp"
#include "toytls/cipher_suite.hpp"
#include "toytls/connection.hpp"
#include "toytls/events.hpp"

namespace toytls_client {

inline constexpr std::string_view user_agent = "toytls-client/1.0";

struct HeaderField {
    std::string name;
    std::string value;
};

// Parses a -H argument, "Name: value" (or "Name:" to remove a default
// header). Refuses names that are not tokens and values holding CR, LF or
// other control characters, which could inject extra header lines.
std::optional<HeaderField> parse_header_option(std::string_view text, std::string& error);

// The request head: request line, then Host, User-Agent, Accept and
// "Connection: close" (the server closes after one response, which is how
// this client knows the response has ended), then the extra headers. An
// extra header with the name of a default one replaces it; with an empty
// value it removes it (as curl -H does).
std::string build_request_head(const Url& url, bool head_request, const std::vector<HeaderField>& extra_headers);

// What a ClientHello can carry as server name: 1 to 255 of [A-Za-z0-9.-]
// (PROTOCOL.md, ClientHello). An IPv6 address cannot; use --servername.
bool is_valid_server_name(std::string_view name);

struct FetchOptions {
    Url url;
    bool head_request = false;               // -I: HEAD instead of GET
    std::vector<HeaderField> extra_headers;  // -H

    // For toytls:// only.
    toytls::TrustStore trust_store;  // --cacert
    std::string server_name;         // --servername; empty: the URL's host
    bool insecure_skip_chain_verification = false;  // --insecure
    toytls::KeyLogSink key_log;                     // --keylog

    // --connect-timeout: for TCP connect and, for toytls://, the handshake.
    std::optional<std::chrono::milliseconds> connect_timeout;
    // --max-time: for everything.
    std::optional<std::chrono::milliseconds> max_time;

    // Called once with the final response's head, before any body bytes.
    std::function<void(const HttpResponseHead&)> on_head;
    // Called with the body as it arrives; returning false aborts the fetch
    // (the output could not be written). When empty, FetchResult::body
    // collects the body instead.
    std::function<bool(std::string_view)> on_body;
    Narrator narrate;  // -v
};

enum class FetchOutcome {
    ok,
    cannot_connect,    // the host does not resolve, or no address of it accepts a connection
    handshake_failed,  // the ToyTLS handshake failed: see FetchResult::handshake_failure
    truncated,         // the connection ended before the response did, or (ToyTLS) without close_notify
    error,             // any other I/O or protocol error: timeout, reset, malformed HTTP response...
};

struct FetchResult {
    FetchOutcome outcome = FetchOutcome::ok;
    std::string message;  // what went wrong, for the user; empty when ok
    std::optional<toytls::ConnectionFailure> handshake_failure;
    std::optional<HttpResponseHead> head;  // once the response head arrived (also when a later step failed)
    std::string body;                      // only when FetchOptions::on_body is empty
    std::uint64_t body_size = 0;
    std::optional<toytls::CipherSuite> cipher_suite;  // toytls://, once negotiated
    std::uint64_t wire_bytes_sent = 0;                // what went through the socket,
    std::uint64_t wire_bytes_received = 0;            // records' framing included
};

FetchResult fetch(const FetchOptions& options);

}  // namespace toytls_client
