// TraceSession: the one deterministic ToyTLS v1 connection that both
// toytls-trace (walkthrough/trace.md) and toytls-walkthrough-page
// (walkthrough/index.html) show. Both documents come from this class, so
// they show the same bytes.
//
// A client and a server run in one process and one thread, and the session
// carries the bytes between them by hand (client.pop() -> server.feed(),
// ...). Nothing depends on the time of day or the machine: the random
// sources are seeded, the clock is fixed, the keys and certificates are the
// committed demo ones.
//
// Each public step is one step of the protocol and returns what the
// TraceRecorder wrote down during it. To follow one step in a debugger,
// break in the step and step over its lines: a breakpoint in client.cpp or
// server.cpp is hit in the order the trace shows.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tools/trace_recorder.hpp"
#include "toytls/certificate.hpp"
#include "toytls/cipher_suite.hpp"
#include "toytls/client.hpp"
#include "toytls/clock.hpp"
#include "toytls/server.hpp"

namespace toytls::trace {

inline constexpr std::uint8_t client_seed_byte = 0x11;
inline constexpr std::uint8_t server_seed_byte = 0x22;
inline constexpr UnixTime trace_time = 1893456000;  // 2030-01-01T00:00:00Z: inside the demo chain's validity
inline constexpr std::string_view trace_server_name = "localhost";

// The HTTP request the client writes and the response the server answers.
const std::string& trace_http_request();
const std::string& trace_http_response();

struct TraceSessionOptions {
    CipherSuite suite = CipherSuite::aes_256_gcm_sha256;
    std::string certs_directory = "certs";  // the demo chain, relative to the repository root
};

// The command line toytls-trace and toytls-walkthrough-page share:
// [--suite aes|chacha] [--certs DIR] [-o FILE].
struct SessionCommandLine : TraceSessionOptions {
    std::optional<std::string> output_path;  // stdout when absent
};

// nullopt (after printing why, with `usage`, to stderr) when the arguments
// are wrong, or when --help was asked (then `help_asked` is set).
std::optional<SessionCommandLine> parse_session_command_line(std::string_view program, std::string_view usage,
                                                             const std::vector<std::string>& arguments,
                                                             bool& help_asked);

class TraceSession {
public:
    // Loads the demo chain and builds the server; throws std::runtime_error
    // if the chain cannot be loaded or the suite cannot run on this machine.
    explicit TraceSession(const TraceSessionOptions& options);

    const ServerIdentity& server_identity() const { return server_config_->identities.front(); }
    const Certificate& trusted_root() const { return root_; }

    // The steps, in this order. Each throws std::runtime_error, with the
    // connection's own words, as soon as a side fails: a trace of a broken
    // connection is worth nothing.
    std::vector<TraceEntry> client_sends_hello();         // ClientConnection(config), pop()
    std::vector<TraceEntry> server_answers_hello();       // server.feed(ClientHello), pop() its flight
    std::vector<TraceEntry> client_finishes_handshake();  // write(request), feed(flight), pop() Finished + request
    std::vector<TraceEntry> server_reads_request();       // feed(Finished + request), read() the request
    std::vector<TraceEntry> server_sends_response();      // write(response), pop()
    std::vector<TraceEntry> client_reads_response();      // feed(response), read()
    std::vector<TraceEntry> both_close();                 // close_notify both ways (§8.4)

private:
    // Declared first so that it is destroyed last: the connections' callbacks point at it.
    TraceRecorder recorder_;
    Certificate root_;
    std::shared_ptr<ServerConfig> server_config_;
    ServerConnection server_;
    std::optional<ClientConnection> client_;  // created by the first step: creating it sends the ClientHello
    Bytes in_flight_;                          // what one side popped, until the other side is fed
};

}  // namespace toytls::trace
