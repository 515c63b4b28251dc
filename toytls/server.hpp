// The server side of a ToyTLS v1 handshake (PROTOCOL.md "Server state
// machine"). Feed it the client's bytes; after the ClientHello it answers
// with its whole flight (ServerHello, Certificate, CertificateVerify,
// Finished) in one pop(). Breakpoints per step: on_client_hello,
// on_client_finished.
#pragma once

#include <memory>
#include <optional>

#include "toytls/certificate.hpp"
#include "toytls/connection.hpp"
#include "toytls/crypto/ed25519.hpp"
#include "toytls/crypto/random.hpp"

namespace toytls {

// A certificate chain and the private key of its leaf. The server picks one
// per connection by the ClientHello's server name.
struct ServerIdentity {
    std::vector<Bytes> certificate_chain;  // leaf first, then intermediates; never the root
    Certificate leaf;                      // parsed certificate_chain[0]: its dns names select it
    Ed25519KeyPair private_key;
};

// Reads a leaf certificate file, its key file and the intermediate files.
// Throws std::runtime_error naming the file and what is wrong with it, and
// checks that the key matches the leaf (so a misconfigured server fails at
// start-up, not at its first handshake).
ServerIdentity load_server_identity(const std::string& certificate_path, const std::string& private_key_path,
                                    const std::vector<std::string>& chain_paths);

// What to do with a ClientHello whose server name no identity holds.
enum class UnknownServerName {
    use_default_identity,  // like nginx's default_server: answer with identities[0]
    refuse,                // send unrecognized_name (RFC 6066 section 3)
};

struct ServerConfig {
    std::vector<ServerIdentity> identities;  // identities[0] is the default
    std::vector<CipherSuite> cipher_suites = default_cipher_suites();  // server preference order
    UnknownServerName unknown_server_name = UnknownServerName::use_default_identity;
    std::shared_ptr<RandomSource> random = std::make_shared<SystemRandom>();
    KeyLogSink key_log;  // optional: ONLY when a key log was asked for
};

class ServerConnection final : public Connection {
public:
    // The configuration is shared by every connection of a listener.
    explicit ServerConnection(std::shared_ptr<const ServerConfig> config, EventObserver observer = {});

    // The server name the client asked for ("" if none).
    const std::string& requested_server_name() const { return requested_server_name_; }

private:
    void on_handshake_message(HandshakeType type, ByteView message) override;
    void on_client_hello(ByteView message);
    void on_client_finished(ByteView message);
    const ServerIdentity* choose_identity(const std::string& server_name) const;
    std::optional<CipherSuite> choose_cipher_suite(const ClientHello& hello) const;

    std::shared_ptr<const ServerConfig> config_;
    std::string requested_server_name_;
    Secret<32> client_finished_key_;
};

}  // namespace toytls
