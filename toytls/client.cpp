#include "toytls/client.hpp"

#include <algorithm>
#include <stdexcept>

namespace toytls {

namespace {

Bytes to_bytes(const Sha256Digest& digest) { return Bytes(digest.begin(), digest.end()); }

}  // namespace

ClientConnection::ClientConnection(ClientConfig config)
    : Connection(Side::client, ConnectionState::expect_server_hello, std::move(config.observer),
                 std::move(config.key_log)),
      config_(std::move(config)) {
    // Configuration mistakes are the application's bugs, not the peer's:
    // refuse them here rather than send a malformed ClientHello.
    const std::string& name = config_.server_name;
    if (name.empty() || name.size() > 255 ||
        name.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-") != std::string::npos)
        throw std::invalid_argument("ClientConfig::server_name must be 1-255 characters of [A-Za-z0-9.-]: \"" + name + "\"");
    std::erase_if(config_.cipher_suites, [](CipherSuite suite) { return !cipher_suite_available(suite); });
    if (config_.cipher_suites.empty())
        throw std::invalid_argument("ClientConfig::cipher_suites has no suite this machine supports");
    send_client_hello();
}

void ClientConnection::on_handshake_message(HandshakeType type, ByteView message) {
    // Each state accepts exactly one message type (the handshake order is
    // fixed, RFC 8446 4); anything else is unexpected_message.
    switch (state()) {
        case ConnectionState::expect_server_hello:
            if (type == HandshakeType::server_hello) return on_server_hello(message);
            break;
        case ConnectionState::expect_certificate:
            if (type == HandshakeType::certificate) return on_certificate(message);
            break;
        case ConnectionState::expect_certificate_verify:
            if (type == HandshakeType::certificate_verify) return on_certificate_verify(message);
            break;
        case ConnectionState::expect_finished:
            if (type == HandshakeType::finished) return on_server_finished(message);
            break;
        default: break;
    }
    fail(Alert::unexpected_message, std::string(handshake_type_name(type)) + " is not expected in state " +
                                        std::string(connection_state_name(state())));
}

// RFC 8446 4.1.2. The client commits to its key share and its suite list;
// both end up in the transcript, so changing them in transit is detected.
void ClientConnection::send_client_hello() {
    ClientHello hello;
    // The client random and the ephemeral private key in one draw (one
    // getrandom system call with SystemRandom; the same bytes as two draws
    // with a deterministic source).
    Secret<32> ephemeral_private_key;
    config_.random->fill_both(client_random_, ephemeral_private_key.span());
    hello.random = client_random_;
    ephemeral_key_ = X25519KeyPair::from_private_key(std::move(ephemeral_private_key));
    hello.key_share = ephemeral_key_->public_key;
    hello.server_name = config_.server_name;
    for (CipherSuite suite : config_.cipher_suites) hello.cipher_suites.push_back(static_cast<std::uint16_t>(suite));
    Bytes message = encode(hello);
    transcript_.add(message);
    send_handshake_message(message, "sent ClientHello for \"" + config_.server_name + "\"");
}

// RFC 8446 4.1.3 and 7.1: the server's key share completes the key exchange.
void ClientConnection::on_server_hello(ByteView message) {
    std::string error;
    std::optional<ServerHello> hello = decode_server_hello(message.subspan(handshake_header_size), error);
    if (!hello) return fail(Alert::decode_error, error);
    if (hello->version != protocol_version_v1)
        return fail(Alert::protocol_version, "server chose version " + std::to_string(hello->version) + ", not 1");
    std::optional<CipherSuite> suite = cipher_suite_from_code(hello->cipher_suite);
    if (!suite || std::find(config_.cipher_suites.begin(), config_.cipher_suites.end(), *suite) ==
                      config_.cipher_suites.end())
        return fail(Alert::handshake_failure,
                    "server chose cipher suite " + std::to_string(hello->cipher_suite) + ", which was not offered");
    std::optional<Secret<32>> shared_secret = x25519_shared_secret(ephemeral_key_->private_key, hello->key_share);
    ephemeral_key_.reset();  // wipes the private key: this handshake is its only use
    if (!shared_secret) return fail(Alert::handshake_failure, "server key share is a low-order point");

    transcript_.add(message);
    TrafficSecrets secrets = derive_keys_and_protect(*shared_secret, *suite, client_random_);
    client_finished_key_ = std::move(secrets.client_finished_key);
    server_finished_key_ = std::move(secrets.server_finished_key);
    set_state(ConnectionState::expect_certificate);
}

// RFC 8446 4.4.2 and 4.4.2.2: who is the server? The chain must lead to a
// root we already trust, and the leaf must name the server we asked for.
void ClientConnection::on_certificate(ByteView message) {
    std::string error;
    std::optional<CertificateMessage> certificates = decode_certificate(message.subspan(handshake_header_size), error);
    if (!certificates) return fail(Alert::decode_error, error);
    if (config_.insecure_skip_chain_verification) {
        std::optional<Certificate> leaf = parse_certificate(certificates->certificates.front(), error);
        if (!leaf) return fail(Alert::bad_certificate, "leaf certificate: " + error);
        emit(EventKind::note, "INSECURE: certificate chain NOT verified for '" + leaf->subject + "'");
        peer_certificate_ = std::move(leaf);
    } else {
        ChainVerdict verdict =
            verify_chain(certificates->certificates, config_.trust_store, config_.server_name, config_.clock());
        if (!verdict.ok) return fail(verdict.alert, verdict.reason);
        emit(EventKind::note, "certificate chain verified: " + verdict.reason);
        peer_certificate_ = std::move(verdict.leaf);
    }
    transcript_.add(message);
    set_state(ConnectionState::expect_certificate_verify);
}

// RFC 8446 4.4.3: the chain proves a name owns a key; this signature proves
// the server holds that key NOW, for THIS handshake (the transcript contains
// both randoms and both key shares, so it cannot be replayed or spliced).
void ClientConnection::on_certificate_verify(ByteView message) {
    std::string error;
    std::optional<CertificateVerify> verify = decode_certificate_verify(message.subspan(handshake_header_size), error);
    if (!verify) return fail(Alert::decode_error, error);
    Sha256Digest signed_hash = transcript_.hash();
    if (observed())  // only an observer needs the event's values built
        emit(EventKind::transcript_hash, "CertificateVerify covers the transcript through Certificate", {},
             {{"transcript hash (ClientHello..Certificate)", to_bytes(signed_hash)}});
    if (!ed25519_verify(peer_certificate_->public_key, certificate_verify_content(signed_hash), verify->signature))
        return fail(Alert::decrypt_error, "CertificateVerify signature does not verify with the key of '" +
                                              peer_certificate_->subject + "'");
    transcript_.add(message);
    set_state(ConnectionState::expect_finished);
}

// RFC 8446 4.4.4: key confirmation. A matching Finished shows that the
// server derived the same keys from the same transcript.
void ClientConnection::on_server_finished(ByteView message) {
    std::string error;
    std::optional<Finished> finished = decode_finished(message.subspan(handshake_header_size), error);
    if (!finished) return fail(Alert::decode_error, error);
    Sha256Digest finished_hash = transcript_.hash();
    if (observed())
        emit(EventKind::transcript_hash, "server Finished covers the transcript through CertificateVerify", {},
             {{"transcript hash (ClientHello..CertificateVerify)", to_bytes(finished_hash)}});
    auto expected = finished_verify_data(server_finished_key_, finished_hash);
    if (sodium_memcmp(expected.data(), finished->verify_data.data(), expected.size()) != 0)
        return fail(Alert::decrypt_error, "server Finished does not match: the two sides disagree on keys or transcript");
    transcript_.add(message);

    Sha256Digest client_finished_hash = transcript_.hash();
    if (observed())
        emit(EventKind::transcript_hash, "client Finished covers the transcript through server Finished", {},
             {{"transcript hash (ClientHello..server Finished)", to_bytes(client_finished_hash)}});
    Finished reply;
    reply.verify_data = finished_verify_data(client_finished_key_, client_finished_hash);
    Bytes reply_message = encode(reply);
    // The last handshake message: no value is computed over it (PROTOCOL.md
    // section 6), so it is not hashed into the transcript.
    send_handshake_message(reply_message, "sent client Finished");
    client_finished_key_.wipe();
    server_finished_key_.wipe();
    become_established();
}

}  // namespace toytls
