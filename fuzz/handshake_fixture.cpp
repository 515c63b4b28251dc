#include "handshake_fixture.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <stdexcept>
#include <string>

#include "toytls/crypto/random.hpp"
#include "toytls/key_file.hpp"

namespace toytls::fuzz {

void invariant_failed(const char* condition, const char* file, int line) {
    std::fprintf(stderr, "toytls fuzz: invariant failed at %s:%d: %s\n", file, line, condition);
    std::abort();
}

namespace {

const std::string certs_directory = std::string(TOYTLS_SOURCE_DIR) + "/certs/";

Certificate load_certificate(const std::string& name) {
    std::string error;
    std::optional<Certificate> certificate = load_certificate_file(certs_directory + name, error);
    if (!certificate) throw std::runtime_error(certs_directory + name + ": " + error);
    return std::move(*certificate);
}

template <std::size_t N>
Secret<N> secret_from_hex(const std::map<std::string, std::string>& key_log, const std::string& label) {
    auto line = key_log.find(label);
    if (line == key_log.end()) throw std::runtime_error("reference handshake: no " + label + " in the key log");
    std::optional<Bytes> bytes = from_hex(line->second);
    if (!bytes || bytes->size() != N) throw std::runtime_error("reference handshake: bad " + label);
    return Secret<N>(std::span<const std::uint8_t, N>(bytes->data(), N));
}

void require_healthy(const Connection& connection, std::string_view who) {
    if (connection.failed())
        throw std::runtime_error("reference handshake: the " + std::string(who) +
                                 " failed: " + connection.failure()->describe());
}

}  // namespace

DemoPki load_demo_pki() {
    DemoPki pki;
    pki.leaf = load_certificate("server.cert");
    pki.root = load_certificate("root.cert");
    pki.server_chain = {pki.leaf.encoded, load_certificate("intermediate.cert").encoded};
    std::string error;
    std::optional<Ed25519KeyPair> key = load_private_key_file(certs_directory + "server.key", error);
    if (!key) throw std::runtime_error(certs_directory + "server.key: " + error);
    pki.server_key_seed = key->seed();
    return pki;
}

std::shared_ptr<const ServerConfig> make_server_config(const DemoPki& pki, std::vector<CipherSuite> suites) {
    auto config = std::make_shared<ServerConfig>();
    // Ed25519KeyPair cannot be copied (it holds a Secret), so each config
    // derives its own from the seed.
    config->identities.push_back(
        ServerIdentity{pki.server_chain, pki.leaf, Ed25519KeyPair::from_seed(pki.server_key_seed)});
    config->cipher_suites = std::move(suites);
    config->random = std::make_shared<DeterministicRandomForTestsOnly>(server_seed_byte);
    return config;
}

ClientConfig make_client_config(const DemoPki& pki) {
    ClientConfig config;
    config.trust_store.add_root(pki.root);
    config.server_name = std::string(server_name);
    config.clock = fixed_clock(handshake_time);
    config.random = std::make_shared<DeterministicRandomForTestsOnly>(client_seed_byte);
    return config;
}

EventObserver ConnectionWatch::observer() {
    return [this](const ConnectionEvent& event) {
        if (event.kind == EventKind::alert_sent) ++alerts_sent;
        if (event.kind == EventKind::established) ever_established = true;
    };
}

void check_failure_contract(const Connection& connection, const ConnectionWatch& watch) {
    TOYTLS_FUZZ_CHECK(connection.failed() == connection.failure().has_value());
    if (!connection.failed()) return;
    const ConnectionFailure& failure = *connection.failure();
    TOYTLS_FUZZ_CHECK(!failure.reason.empty());
    if (!failure.alert_sent_by_peer && !failure.truncated) TOYTLS_FUZZ_CHECK(watch.alerts_sent > 0);
}

FeedOutcome feed_and_answer(Connection& connection, const ConnectionWatch& watch, ByteView input,
                            std::size_t chunk_size) {
    FeedOutcome outcome;
    while (!input.empty()) {
        ByteView piece = input.first(std::min(chunk_size, input.size()));
        input = input.subspan(piece.size());
        connection.feed(piece);
        check_failure_contract(connection, watch);
        append(outcome.sent, connection.pop());
        append(outcome.received, connection.read());
    }
    if (connection.established()) {
        TOYTLS_FUZZ_CHECK(connection.write(outcome.received));
        connection.close();
        TOYTLS_FUZZ_CHECK(connection.close_sent());
        append(outcome.sent, connection.pop());
    }
    outcome.state = connection.state();
    outcome.peer_closed = connection.peer_closed();
    if (connection.failure()) outcome.failure_alert = connection.failure()->alert;

    // TCP closes: without a close_notify first, that is a truncation.
    bool was_failed = connection.failed();
    bool was_closed_by_peer = connection.peer_closed();
    connection.feed_eof();
    check_failure_contract(connection, watch);
    if (!was_failed && !was_closed_by_peer) TOYTLS_FUZZ_CHECK(connection.truncated());
    TOYTLS_FUZZ_CHECK(!connection.write(as_bytes("after the end")) || !connection.failed());
    return outcome;
}

ReferenceHandshake record_reference_handshake(const DemoPki& pki, std::vector<CipherSuite> server_suites) {
    ReferenceHandshake reference;
    std::map<std::string, std::string> key_log;  // label -> hex, from the client's key log line
    ServerConnection server(make_server_config(pki, std::move(server_suites)), [&reference](const ConnectionEvent& event) {
        if (event.kind == EventKind::message_sent)
            reference.server_messages.emplace_back(event.bytes.begin(), event.bytes.end());
    });

    ClientConfig client_config = make_client_config(pki);
    client_config.observer = [&reference](const ConnectionEvent& event) {
        if (event.kind != EventKind::message_sent) return;
        Bytes& message = reference.client_hello.empty() ? reference.client_hello : reference.client_finished;
        message.assign(event.bytes.begin(), event.bytes.end());
    };
    // An explicit request for the keys: the structured target re-seals
    // mutated messages with them.
    client_config.key_log = [&key_log](std::string_view line) {
        std::size_t first_space = line.find(' ');
        std::size_t last_space = line.rfind(' ');
        key_log[std::string(line.substr(0, first_space))] = std::string(line.substr(last_space + 1));
    };
    ClientConnection client(std::move(client_config));

    reference.client_hello_wire = client.pop();
    server.feed(reference.client_hello_wire);
    require_healthy(server, "server");
    reference.server_flight_wire = server.pop();
    client.feed(reference.server_flight_wire);
    require_healthy(client, "client");
    reference.client_finished_wire = client.pop();
    server.feed(reference.client_finished_wire);
    require_healthy(server, "server");
    if (!client.established() || !server.established() || reference.server_messages.size() != 4)
        throw std::runtime_error("reference handshake did not complete");
    reference.suite = *server.cipher_suite();

    client.write(as_bytes("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n"));
    client.close();
    Bytes request_and_close = client.pop();
    server.feed(request_and_close);
    server.write(as_bytes("HTTP/1.1 200 OK\r\nContent-Length: 6\r\nConnection: close\r\n\r\nhello\n"));
    server.close();
    Bytes response_and_close = server.pop();
    client.feed(response_and_close);
    require_healthy(server, "server");
    require_healthy(client, "client");

    reference.client_stream = reference.client_hello_wire;
    append(reference.client_stream, reference.client_finished_wire);
    append(reference.client_stream, request_and_close);
    reference.server_stream = reference.server_flight_wire;
    append(reference.server_stream, response_and_close);

    reference.client_write_key = secret_from_hex<32>(key_log, "CLIENT_WRITE_KEY");
    reference.client_write_iv = secret_from_hex<12>(key_log, "CLIENT_WRITE_IV");
    reference.server_write_key = secret_from_hex<32>(key_log, "SERVER_WRITE_KEY");
    reference.server_write_iv = secret_from_hex<12>(key_log, "SERVER_WRITE_IV");
    return reference;
}

}  // namespace toytls::fuzz
