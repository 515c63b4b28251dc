// The client side of a ToyTLS v1 handshake (PROTOCOL.md "Client state
// machine"). Construct it, pop() its ClientHello, then feed() it whatever
// the server sends. One function per message the client expects, so one
// breakpoint per protocol step: on_server_hello, on_certificate,
// on_certificate_verify, on_server_finished.
#pragma once

#include <memory>
#include <optional>

#include "toytls/certificate.hpp"
#include "toytls/chain.hpp"
#include "toytls/clock.hpp"
#include "toytls/connection.hpp"
#include "toytls/crypto/random.hpp"
#include "toytls/crypto/x25519.hpp"

namespace toytls {

struct ClientConfig {
    TrustStore trust_store;                                    // the roots this client believes
    std::string server_name;                                   // sent in ClientHello, checked against the leaf
    std::vector<CipherSuite> cipher_suites = default_cipher_suites();  // offered, in this order
    Clock clock = system_clock();                              // for certificate validity
    std::shared_ptr<RandomSource> random = std::make_shared<SystemRandom>();
    EventObserver observer;  // optional: one event per protocol step
    KeyLogSink key_log;      // optional: ONLY when a key log was asked for
    // INSECURE, like curl --insecure: accept any certificate chain (still
    // checking that the server holds the leaf's key). Anyone on the path can
    // then impersonate the server. For labs that show why the checks matter.
    bool insecure_skip_chain_verification = false;
};

class ClientConnection final : public Connection {
public:
    // Queues the ClientHello at once: pop() returns it.
    explicit ClientConnection(ClientConfig config);

    // The server's leaf certificate, once the chain has been verified.
    const std::optional<Certificate>& peer_certificate() const { return peer_certificate_; }
    const std::string& server_name() const { return config_.server_name; }

private:
    void on_handshake_message(HandshakeType type, ByteView message) override;
    void send_client_hello();
    void on_server_hello(ByteView message);
    void on_certificate(ByteView message);
    void on_certificate_verify(ByteView message);
    void on_server_finished(ByteView message);

    ClientConfig config_;
    Random client_random_{};
    std::optional<X25519KeyPair> ephemeral_key_;  // from ClientHello until ServerHello
    std::optional<Certificate> peer_certificate_;
    Secret<32> client_finished_key_;
    Secret<32> server_finished_key_;
};

}  // namespace toytls
