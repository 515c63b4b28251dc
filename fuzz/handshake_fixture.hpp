// What the connection fuzz targets and fuzz/make_seeds.cpp share: the demo
// PKI from certs/, client and server configurations with fixed seeds and a
// fixed clock (so that every run of a target is reproducible, byte for
// byte), one recorded reference handshake, and the invariant checks.
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "toytls/certificate.hpp"
#include "toytls/cipher_suite.hpp"
#include "toytls/client.hpp"
#include "toytls/crypto/secret.hpp"
#include "toytls/server.hpp"

namespace toytls::fuzz {

// The seeds and time of toytls-trace, so the seeds are the trace's records.
inline constexpr std::uint8_t client_seed_byte = 0x11;
inline constexpr std::uint8_t server_seed_byte = 0x22;
inline constexpr UnixTime handshake_time = 1893456000;  // 2030-01-01: inside the demo chain's validity
inline constexpr std::string_view server_name = "localhost";

// A check that must hold whatever the input: prints what failed and aborts,
// which libFuzzer reports as a crash (with the input saved). Not assert():
// it must not depend on NDEBUG.
[[noreturn]] void invariant_failed(const char* condition, const char* file, int line);
#define TOYTLS_FUZZ_CHECK(condition) \
    ((condition) ? static_cast<void>(0) : ::toytls::fuzz::invariant_failed(#condition, __FILE__, __LINE__))

// The committed demo chain (certs/), read once at start-up.
struct DemoPki {
    std::vector<Bytes> server_chain;  // server.cert, intermediate.cert as sent on the wire
    Certificate leaf;
    Certificate root;
    Secret<32> server_key_seed;
};
// Throws std::runtime_error naming the file when certs/ cannot be read.
DemoPki load_demo_pki();

// A fresh server configuration with its own deterministic random source
// (a shared, stateful source would make one input's outcome depend on the
// inputs before it). `suites` is the server's preference order.
std::shared_ptr<const ServerConfig> make_server_config(const DemoPki& pki,
                                                       std::vector<CipherSuite> suites = default_cipher_suites());
// The client of toytls-trace: trusts the demo root, asks for "localhost",
// offers every available suite, clock fixed at handshake_time.
ClientConfig make_client_config(const DemoPki& pki);

// One complete, successful handshake between make_client_config and
// make_server_config, with every message and the record keys it used.
struct ReferenceHandshake {
    CipherSuite suite = CipherSuite::aes_256_gcm_sha256;
    Bytes client_hello;                 // the message, header included
    std::vector<Bytes> server_messages; // ServerHello, Certificate, CertificateVerify, Finished
    Bytes client_finished;
    // The wire bytes of each flight, exactly as pop() returned them.
    Bytes client_hello_wire;
    Bytes server_flight_wire;
    Bytes client_finished_wire;
    // The whole conversation after the handshake: one request, one
    // response, close_notify both ways (appended to the flights above in
    // client_stream / server_stream).
    Bytes client_stream;
    Bytes server_stream;
    Secret<32> client_write_key;
    Secret<12> client_write_iv;
    Secret<32> server_write_key;
    Secret<12> server_write_iv;
};
// Throws std::runtime_error if the handshake does not succeed.
ReferenceHandshake record_reference_handshake(const DemoPki& pki, std::vector<CipherSuite> server_suites);

// Watches a connection's events: the alerts it sends and whether it ever
// became established (it may fail afterwards, on bytes that follow).
struct ConnectionWatch {
    int alerts_sent = 0;
    bool ever_established = false;
    // The observer refers to this watch, which must outlive the connection.
    EventObserver observer();
};

// The failure contract of Connection::fail: a connection that failed knows
// why, and a problem it detected itself is always announced with an alert.
void check_failure_contract(const Connection& connection, const ConnectionWatch& watch);

// What a connection did with the bytes it was fed: enough to tell two runs apart.
struct FeedOutcome {
    ConnectionState state = ConnectionState::failed;
    std::optional<Alert> failure_alert;
    bool peer_closed = false;
    Bytes sent;      // everything pop() returned after the input
    Bytes received;  // everything read() returned
    bool operator==(const FeedOutcome&) const = default;
};

// Feeds `input` in pieces of `chunk_size` bytes (TCP may deliver any
// split), then behaves like an application: echoes what it read and
// closes. Checks the failure contract after every step, and that the end
// of the stream is handled (feed_eof) without a close_notify.
FeedOutcome feed_and_answer(Connection& connection, const ConnectionWatch& watch, ByteView input,
                            std::size_t chunk_size);

}  // namespace toytls::fuzz
