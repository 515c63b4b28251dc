#include "tools/trace_session.hpp"

#include <iostream>
#include <stdexcept>
#include <utility>

#include "toytls/chain.hpp"
#include "toytls/crypto/random.hpp"
#include "toytls/key_file.hpp"

namespace toytls::trace {

namespace {

const std::string& http_body() {
    static const std::string body = "<!doctype html>\n<title>ToyTLS</title>\n<p>Hello over ToyTLS v1.</p>\n";
    return body;
}

// The session is only worth anything if the connection worked: stop at the
// first failure, with the connection's own words.
void require_healthy(const Connection& connection, std::string_view what) {
    if (connection.failed())
        throw std::runtime_error(std::string(what) + " failed: " + connection.failure()->describe());
}

Certificate load_certificate(const std::string& path) {
    std::string error;
    std::optional<Certificate> certificate = load_certificate_file(path, error);
    if (!certificate) throw std::runtime_error(path + ": " + error);
    return std::move(*certificate);
}

std::shared_ptr<ServerConfig> make_server_config(const TraceSessionOptions& options, TraceRecorder& recorder) {
    if (!cipher_suite_available(options.suite))
        throw std::runtime_error(std::string(cipher_suite_name(options.suite)) +
                                 " is not available on this machine (AES-256-GCM needs AES-NI); try --suite chacha");
    const std::string dir = options.certs_directory + "/";
    auto config = std::make_shared<ServerConfig>();
    config->identities.push_back(
        load_server_identity(dir + "server.cert", dir + "server.key", {dir + "intermediate.cert"}));
    config->cipher_suites = {options.suite};
    config->random = std::make_shared<DeterministicRandomForTestsOnly>(server_seed_byte);
    config->key_log = recorder.key_log(Side::server);  // the trace is an explicit request for the keys
    return config;
}

}  // namespace

const std::string& trace_http_request() {
    static const std::string request = "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n";
    return request;
}

const std::string& trace_http_response() {
    static const std::string response = "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: " +
                                        std::to_string(http_body().size()) + "\r\nConnection: close\r\n\r\n" +
                                        http_body();
    return response;
}

TraceSession::TraceSession(const TraceSessionOptions& options)
    : root_(load_certificate(options.certs_directory + "/root.cert")),
      server_config_(make_server_config(options, recorder_)),
      server_(server_config_, recorder_.observer(Side::server)) {}

std::vector<TraceEntry> TraceSession::client_sends_hello() {
    ClientConfig config;
    config.trust_store.add_root(root_);
    config.server_name = trace_server_name;
    config.cipher_suites = {CipherSuite::aes_256_gcm_sha256, CipherSuite::chacha20_poly1305_sha256};
    config.clock = fixed_clock(trace_time);
    config.random = std::make_shared<DeterministicRandomForTestsOnly>(client_seed_byte);
    config.observer = recorder_.observer(Side::client);
    config.key_log = recorder_.key_log(Side::client);
    // Creating the client draws its random and its ephemeral key and queues the ClientHello.
    client_.emplace(std::move(config));
    in_flight_ = client_->pop();
    return recorder_.take();
}

std::vector<TraceEntry> TraceSession::server_answers_hello() {
    server_.feed(in_flight_);
    require_healthy(server_, "the server, reading ClientHello,");
    in_flight_ = server_.pop();
    return recorder_.take();
}

std::vector<TraceEntry> TraceSession::client_finishes_handshake() {
    // Written before the handshake is complete: the connection holds it (§7.4)
    // and sends it right after its Finished.
    client_->write(as_bytes(trace_http_request()));
    client_->feed(in_flight_);
    require_healthy(*client_, "the client, reading the server's flight,");
    if (!client_->established()) throw std::runtime_error("the client is not established after the server's flight");
    in_flight_ = client_->pop();
    return recorder_.take();
}

std::vector<TraceEntry> TraceSession::server_reads_request() {
    server_.feed(in_flight_);
    in_flight_.clear();
    require_healthy(server_, "the server, reading the client's Finished,");
    if (!server_.established()) throw std::runtime_error("the server is not established after the client's Finished");
    if (server_.read() != Bytes(trace_http_request().begin(), trace_http_request().end()))
        throw std::runtime_error("server.read() did not return the request the client wrote");
    return recorder_.take();
}

std::vector<TraceEntry> TraceSession::server_sends_response() {
    server_.write(as_bytes(trace_http_response()));
    in_flight_ = server_.pop();
    return recorder_.take();
}

std::vector<TraceEntry> TraceSession::client_reads_response() {
    client_->feed(in_flight_);
    in_flight_.clear();
    require_healthy(*client_, "the client, reading the response,");
    if (client_->read() != Bytes(trace_http_response().begin(), trace_http_response().end()))
        throw std::runtime_error("client.read() did not return the response the server wrote");
    return recorder_.take();
}

std::vector<TraceEntry> TraceSession::both_close() {
    client_->close();
    server_.feed(client_->pop());
    require_healthy(server_, "the server, reading close_notify,");
    server_.close();
    client_->feed(server_.pop());
    require_healthy(*client_, "the client, reading close_notify,");
    if (!server_.peer_closed() || !client_->peer_closed())
        throw std::runtime_error("close_notify did not reach both sides");
    return recorder_.take();
}

std::optional<SessionCommandLine> parse_session_command_line(std::string_view program, std::string_view usage,
                                                             const std::vector<std::string>& arguments,
                                                             bool& help_asked) {
    SessionCommandLine options;
    for (std::size_t i = 0; i < arguments.size(); ++i) {
        const std::string& argument = arguments[i];
        if (argument == "-h" || argument == "--help") {
            help_asked = true;
            return std::nullopt;
        }
        if (argument != "--suite" && argument != "--certs" && argument != "-o") {
            std::cerr << program << ": unknown argument '" << argument << "'\n" << usage;
            return std::nullopt;
        }
        if (i + 1 == arguments.size()) {
            std::cerr << program << ": " << argument << " needs a value\n" << usage;
            return std::nullopt;
        }
        const std::string& value = arguments[++i];
        if (argument == "--certs") {
            options.certs_directory = value;
        } else if (argument == "-o") {
            options.output_path = value;
        } else if (value == "aes") {
            options.suite = CipherSuite::aes_256_gcm_sha256;
        } else if (value == "chacha") {
            options.suite = CipherSuite::chacha20_poly1305_sha256;
        } else {
            std::cerr << program << ": --suite must be aes or chacha, not '" << value << "'\n";
            return std::nullopt;
        }
    }
    return options;
}

}  // namespace toytls::trace
