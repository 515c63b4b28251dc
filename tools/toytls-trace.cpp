// toytls-trace: one complete ToyTLS v1 connection, printed byte by byte in
// the spirit of RFC 8448 ("Example Handshake Traces for TLS 1.3").
//
// A client and a server run in this one process and one thread, and this
// program carries the bytes between them by hand (client.pop() ->
// server.feed(), ...). Nothing depends on the time of day or the machine:
// the random sources are seeded, the clock is fixed, the keys and
// certificates are the committed demo ones. So the output is the same on
// every run, and it is committed as walkthrough/trace.md.
//
// To follow one step in a debugger, break in trace_one_connection() below
// and step over its lines: each one is one step of the protocol, and a
// breakpoint in client.cpp or server.cpp is hit in the order shown in the trace.
//
//     build/bin/toytls-trace [--suite aes|chacha] [--certs DIR] [-o FILE]
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "tools/trace_markdown.hpp"
#include "tools/trace_recorder.hpp"
#include "tools/trace_renderer.hpp"
#include "toytls/certificate.hpp"
#include "toytls/chain.hpp"
#include "toytls/client.hpp"
#include "toytls/clock.hpp"
#include "toytls/crypto/random.hpp"
#include "toytls/key_file.hpp"
#include "toytls/server.hpp"

namespace {

using namespace toytls;

constexpr std::uint8_t client_seed_byte = 0x11;
constexpr std::uint8_t server_seed_byte = 0x22;
constexpr UnixTime trace_time = 1893456000;  // 2030-01-01T00:00:00Z: inside the demo chain's validity
constexpr std::string_view server_name = "localhost";

const std::string http_request = "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n";
const std::string http_body = "<!doctype html>\n<title>ToyTLS</title>\n<p>Hello over ToyTLS v1.</p>\n";

const std::string http_response = "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: " +
                                  std::to_string(http_body.size()) + "\r\nConnection: close\r\n\r\n" + http_body;

struct TraceOptions {
    CipherSuite suite = CipherSuite::aes_256_gcm_sha256;
    std::string certs_directory = "certs";
    std::optional<std::string> output_path;  // stdout when absent
};

constexpr std::string_view usage =
    "usage: toytls-trace [--suite aes|chacha] [--certs DIR] [-o FILE]\n"
    "  Prints a deterministic trace of one ToyTLS v1 connection (handshake, one HTTP\n"
    "  request and response, close_notify) as Markdown.\n"
    "  --suite   the cipher suite the server picks (default aes: TOYTLS_AES_256_GCM_SHA256)\n"
    "  --certs   the directory of the demo chain (default certs, i.e. run from the repository root)\n"
    "  -o FILE   write the trace to FILE instead of standard output\n"
    "  Regenerate the committed trace with: build/bin/toytls-trace > walkthrough/trace.md\n";

// nullopt (after printing why) when the arguments are wrong or --help was asked.
std::optional<TraceOptions> parse_options(const std::vector<std::string>& arguments, bool& help_asked) {
    TraceOptions options;
    for (std::size_t i = 0; i < arguments.size(); ++i) {
        const std::string& argument = arguments[i];
        if (argument == "-h" || argument == "--help") {
            help_asked = true;
            return std::nullopt;
        }
        if (argument != "--suite" && argument != "--certs" && argument != "-o") {
            std::cerr << "toytls-trace: unknown argument '" << argument << "'\n" << usage;
            return std::nullopt;
        }
        if (i + 1 == arguments.size()) {
            std::cerr << "toytls-trace: " << argument << " needs a value\n" << usage;
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
            std::cerr << "toytls-trace: --suite must be aes or chacha, not '" << value << "'\n";
            return std::nullopt;
        }
    }
    return options;
}

// The trace is only worth anything if the connection worked: stop at the
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

void write_header(trace::TraceRenderer& trace, const TraceOptions& options) {
    const std::string command = options.suite == CipherSuite::aes_256_gcm_sha256
                                    ? "build/bin/toytls-trace > walkthrough/trace.md"
                                    : "build/bin/toytls-trace --suite chacha";
    trace.heading(1, "ToyTLS v1: one connection, byte by byte");
    trace.paragraph("<!-- Generated by tools/toytls-trace.cpp; do not edit by hand. tests/trace_test.cpp checks "
                    "that this file is what the program prints. -->");
    trace.paragraph("This document was generated, from the repository root, by\n\n    " + command +
                    "\n\nIt is a complete ToyTLS v1 connection between a client and a server running in one "
                    "process: the handshake, one HTTP request and its response, and close_notify in both "
                    "directions. In the spirit of RFC 8448, it shows every handshake message with its fields "
                    "named, every record with its sequence number and nonce, each transcript hash, the shared "
                    "secret and every derived key and IV. The protocol itself is specified in "
                    "[toytls/PROTOCOL.md](../toytls/PROTOCOL.md); the section numbers (§) below refer to it.");
    trace.paragraph("> **Warning: every secret in this document is public.** The keys and certificates are the "
                    "demo ones committed in `certs/`, and the random numbers come from "
                    "`DeterministicRandomForTestsOnly` with fixed seeds, so that the trace is the same on every "
                    "run and every machine. That is right for teaching and wrong for anything else: never use "
                    "these keys, these certificates or a deterministic random source for a real connection.");
    const auto code = static_cast<std::uint16_t>(options.suite);
    const std::uint8_t code_bytes[2] = {static_cast<std::uint8_t>(code >> 8), static_cast<std::uint8_t>(code)};
    trace.paragraph("Cipher suite: **" + std::string(cipher_suite_name(options.suite)) + "** (0x" +
                    to_hex(code_bytes) + "). `--suite chacha` and `--suite aes` choose the suite the server picks.");

    trace.heading(2, "How to read it");
    trace.paragraph("- Handshake messages are numbered M1 to M6 and records R1, R2, ... in the order they were "
                    "sent. Each is shown once in full, on the side that sends it; its arrival on the other side "
                    "is one line naming it.\n"
                    "- Hex dumps show 32 bytes per line; the number on the left is the offset, in decimal, of the "
                    "line's first byte. Offsets in the message tables are decimal too.\n"
                    "- The lines that start with **client** or **server** are the events the connections "
                    "themselves report (`EventObserver`, events.hpp), in the order they happened.\n"
                    "- Secrets come from the key log (`KeyLogSink`), which this program asks both sides for. "
                    "Values that no event or log gives (the ephemeral private keys, the nonces, the record "
                    "plaintexts) are recomputed with the library's own functions, and every recomputed value "
                    "is checked against what the connections did: if one did not match, the program would "
                    "stop instead of printing this file.");
}

// "DeterministicRandomForTestsOnly(0x11)", as the configuration below builds it.
std::string random_source_words(std::uint8_t seed_byte) {
    const std::uint8_t seed[1] = {seed_byte};
    return "`DeterministicRandomForTestsOnly(0x" + to_hex(seed) + ")`, the seed byte 0x" + to_hex(seed) +
           " repeated 32 times";
}

void write_inputs(trace::TraceRenderer& trace, const TraceOptions& options, const ServerIdentity& identity,
                  const Certificate& root) {
    trace.heading(2, "Inputs");
    const std::string dir = options.certs_directory + "/";
    trace.paragraph(
        "- Client: server name \"" + std::string(server_name) + "\"; offers TOYTLS_AES_256_GCM_SHA256 and "
        "TOYTLS_CHACHA20_POLY1305_SHA256, in that order; trusts one root, `" + dir + "root.cert`; its clock is "
        "fixed at " + format_utc_time(trace_time) + " (Unix time " + std::to_string(trace_time) + "); its random "
        "source is " + random_source_words(client_seed_byte) + ".\n"
        "- Server: one identity, `" + dir + "server.cert` with its key `" + dir + "server.key` and the "
        "intermediate `" + dir + "intermediate.cert`; its suite preference is " +
        std::string(cipher_suite_name(options.suite)) + " only; its random source is " +
        random_source_words(server_seed_byte) + ".");
    trace.heading(3, "The certificate chain, in words");
    trace.paragraph("The server sends its leaf and the intermediate; the root is never sent: the client has it "
                    "already (§3.3). `describe_certificate` says what each one states:");
    std::string chain;
    chain += "leaf (" + dir + "server.cert): " + describe_certificate(identity.leaf) + "\n";
    for (std::size_t i = 1; i < identity.certificate_chain.size(); ++i) {
        std::string error;
        std::optional<Certificate> intermediate = parse_certificate(identity.certificate_chain[i], error);
        if (!intermediate) throw std::runtime_error("intermediate certificate: " + error);
        chain += "intermediate (" + dir + "intermediate.cert): " + describe_certificate(*intermediate) + "\n";
    }
    chain += "root, in the client's trust store (" + dir + "root.cert): " + describe_certificate(root);
    trace.block(trace::code_block(chain));
}

// The connection, step by step. Each step: one call that moves bytes or
// data, then the events it caused.
std::string trace_one_connection(const TraceOptions& options) {
    if (!cipher_suite_available(options.suite))
        throw std::runtime_error(std::string(cipher_suite_name(options.suite)) +
                                 " is not available on this machine (AES-256-GCM needs AES-NI); try --suite chacha");
    std::ostringstream markdown;
    trace::TraceRenderer trace(markdown, trace::TraceSettings{options.suite, client_seed_byte, server_seed_byte});
    trace::TraceRecorder recorder;

    const std::string dir = options.certs_directory + "/";
    ServerIdentity identity =
        load_server_identity(dir + "server.cert", dir + "server.key", {dir + "intermediate.cert"});
    Certificate root = load_certificate(dir + "root.cert");
    write_header(trace, options);
    write_inputs(trace, options, identity, root);

    auto server_config = std::make_shared<ServerConfig>();
    server_config->identities.push_back(std::move(identity));
    server_config->cipher_suites = {options.suite};
    server_config->random = std::make_shared<DeterministicRandomForTestsOnly>(server_seed_byte);
    server_config->key_log = recorder.key_log(Side::server);  // the trace is an explicit request for the keys
    ServerConnection server(server_config, recorder.observer(Side::server));

    ClientConfig client_config;
    client_config.trust_store.add_root(std::move(root));
    client_config.server_name = server_name;
    client_config.cipher_suites = {CipherSuite::aes_256_gcm_sha256, CipherSuite::chacha20_poly1305_sha256};
    client_config.clock = fixed_clock(trace_time);
    client_config.random = std::make_shared<DeterministicRandomForTestsOnly>(client_seed_byte);
    client_config.observer = recorder.observer(Side::client);
    client_config.key_log = recorder.key_log(Side::client);

    // Step 1: constructing the client queues its ClientHello.
    trace.heading(2, "Step 1: the client sends ClientHello");
    trace.paragraph("`ClientConnection client(config)` draws the client's random and its ephemeral X25519 key "
                    "and queues the ClientHello, in a plaintext record; `client.pop()` hands over the bytes.");
    ClientConnection client(std::move(client_config));
    Bytes client_hello_flight = client.pop();
    trace.render(recorder.take());

    // Step 2: the server answers with its whole flight.
    trace.heading(2, "Step 2: the server reads ClientHello and sends its flight");
    trace.paragraph("`server.feed(...)` with the client's bytes. The server picks the suite and the identity, "
                    "sends ServerHello in the clear, derives the keys, and sends Certificate, CertificateVerify "
                    "and Finished, each in its own protected record; `server.pop()` hands over all four records "
                    "at once.");
    server.feed(client_hello_flight);
    require_healthy(server, "the server, reading ClientHello,");
    Bytes server_flight = server.pop();
    trace.render(recorder.take());

    // Step 3: the client checks the flight; the request it wrote earlier
    // goes out right after its Finished.
    trace.heading(2, "Step 3: the client checks the server's flight, sends Finished and the request");
    trace.paragraph("First `client.write(request)`: the handshake is not complete, so the connection holds "
                    "the " + std::to_string(http_request.size()) + " bytes of the HTTP request (§7.4). Then "
                    "`client.feed(...)` with the server's flight: the client derives the keys from ServerHello, "
                    "validates the chain at its fixed clock, checks the signature and the server's Finished, "
                    "sends its own Finished, and only then the held request. `client.pop()` hands over both "
                    "records.");
    client.write(as_bytes(http_request));
    client.feed(server_flight);
    require_healthy(client, "the client, reading the server's flight,");
    if (!client.established()) throw std::runtime_error("the client is not established after the server's flight");
    Bytes client_flight = client.pop();
    trace.render(recorder.take());

    // Step 4: the server checks the client's Finished, reads the request
    // and answers it.
    trace.heading(2, "Step 4: the server checks the client's Finished, reads the request, sends the response");
    trace.paragraph("`server.feed(...)` with the client's records, then `server.read()` returns the request, and "
                    "`server.write(response)` seals the response in one record.");
    server.feed(client_flight);
    require_healthy(server, "the server, reading the client's Finished,");
    if (!server.established()) throw std::runtime_error("the server is not established after the client's Finished");
    Bytes request = server.read();
    if (request != Bytes(http_request.begin(), http_request.end()))
        throw std::runtime_error("server.read() did not return the request the client wrote");
    trace.render(recorder.take());
    trace.paragraph("`server.read()` returned the " + std::to_string(request.size()) +
                    " bytes of the request, exactly as the client wrote them.");
    server.write(as_bytes(http_response));
    Bytes response_flight = server.pop();
    trace.render(recorder.take());

    // Step 5: the client reads the response.
    trace.heading(2, "Step 5: the client reads the response");
    client.feed(response_flight);
    require_healthy(client, "the client, reading the response,");
    Bytes response = client.read();
    if (response != Bytes(http_response.begin(), http_response.end()))
        throw std::runtime_error("client.read() did not return the response the server wrote");
    trace.render(recorder.take());
    trace.paragraph("`client.read()` returned the " + std::to_string(response.size()) +
                    " bytes of the response, exactly as the server wrote them.");

    // Step 6: close_notify both ways (§8.4).
    trace.heading(2, "Step 6: both sides close with close_notify");
    trace.paragraph("`client.close()` sends close_notify; the server sees it (`server.peer_closed()`), answers with "
                    "`server.close()`, and the client sees that one. A close_notify is an alert record, protected "
                    "like every record once keys exist; without it, the end of the TCP stream would be reported "
                    "as a truncation (§8.4).");
    client.close();
    server.feed(client.pop());
    require_healthy(server, "the server, reading close_notify,");
    server.close();
    client.feed(server.pop());
    require_healthy(client, "the client, reading close_notify,");
    if (!server.peer_closed() || !client.peer_closed())
        throw std::runtime_error("close_notify did not reach both sides");
    trace.render(recorder.take());

    trace.heading(2, "All records");
    trace.paragraph("Every record of the connection, in the order sent. \"seq\" counts each direction's protected "
                    "records separately, from 0; ClientHello and ServerHello travel in plaintext records, which "
                    "have none.");
    trace.record_summary();
    return markdown.str();
}

}  // namespace

int main(int argc, char** argv) {
    bool help_asked = false;
    std::optional<TraceOptions> options = parse_options(std::vector<std::string>(argv + 1, argv + argc), help_asked);
    if (help_asked) {
        std::cout << usage;
        return 0;
    }
    if (!options) return 2;
    try {
        const std::string markdown = trace_one_connection(*options);
        if (!options->output_path) {
            std::cout << markdown;
            return std::cout.flush() ? 0 : 1;
        }
        std::ofstream file(*options->output_path, std::ios::binary | std::ios::trunc);
        file << markdown;
        if (!file.flush()) throw std::runtime_error(*options->output_path + ": cannot write");
    } catch (const std::exception& error) {
        std::cerr << "toytls-trace: " << error.what() << "\n";
        return 1;
    }
    return 0;
}
