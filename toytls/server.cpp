#include "toytls/server.hpp"

#include <algorithm>
#include <stdexcept>

#include "toytls/chain.hpp"
#include "toytls/key_file.hpp"

namespace toytls {

namespace {

Bytes to_bytes(const Sha256Digest& digest) { return Bytes(digest.begin(), digest.end()); }

}  // namespace

ServerIdentity load_server_identity(const std::string& certificate_path, const std::string& private_key_path,
                                    const std::vector<std::string>& chain_paths) {
    std::string error;
    std::optional<Certificate> leaf = load_certificate_file(certificate_path, error);
    if (!leaf) throw std::runtime_error(certificate_path + ": " + error);
    std::optional<Ed25519KeyPair> key = load_private_key_file(private_key_path, error);
    if (!key) throw std::runtime_error(private_key_path + ": " + error);
    if (key->public_key() != leaf->public_key)
        throw std::runtime_error(private_key_path + ": this key does not belong to the certificate " +
                                 certificate_path);
    ServerIdentity identity{{leaf->encoded}, std::move(*leaf), std::move(*key)};
    for (const std::string& path : chain_paths) {
        std::optional<Certificate> intermediate = load_certificate_file(path, error);
        if (!intermediate) throw std::runtime_error(path + ": " + error);
        identity.certificate_chain.push_back(std::move(intermediate->encoded));
    }
    return identity;
}

ServerConnection::ServerConnection(std::shared_ptr<const ServerConfig> config, EventObserver observer)
    : Connection(Side::server, ConnectionState::expect_client_hello, std::move(observer), config->key_log),
      config_(std::move(config)) {
    if (config_->identities.empty()) throw std::invalid_argument("ServerConfig has no identity (certificate and key)");
}

void ServerConnection::on_handshake_message(HandshakeType type, ByteView message) {
    switch (state()) {
        case ConnectionState::expect_client_hello:
            if (type == HandshakeType::client_hello) return on_client_hello(message);
            break;
        case ConnectionState::expect_finished:
            if (type == HandshakeType::finished) return on_client_finished(message);
            break;
        default: break;
    }
    fail(Alert::unexpected_message, std::string(handshake_type_name(type)) + " is not expected in state " +
                                        std::string(connection_state_name(state())));
}

const ServerIdentity* ServerConnection::choose_identity(const std::string& server_name) const {
    for (const ServerIdentity& identity : config_->identities)
        if (server_name_matches(identity.leaf, server_name)) return &identity;
    if (config_->unknown_server_name == UnknownServerName::refuse) return nullptr;
    return &config_->identities.front();
}

// The first suite in OUR preference order that the client offered: the
// server decides, and the client checks that the choice was on its list.
std::optional<CipherSuite> ServerConnection::choose_cipher_suite(const ClientHello& hello) const {
    for (CipherSuite suite : config_->cipher_suites) {
        auto code = static_cast<std::uint16_t>(suite);
        if (cipher_suite_available(suite) &&
            std::find(hello.cipher_suites.begin(), hello.cipher_suites.end(), code) != hello.cipher_suites.end())
            return suite;
    }
    return std::nullopt;
}

// RFC 8446 4.1.2-4.1.3, 4.4.2-4.4.4: the server's whole flight. ServerHello
// goes in the clear; Certificate, CertificateVerify and Finished are
// already protected with the keys that ServerHello made possible.
void ServerConnection::on_client_hello(ByteView message) {
    std::string error;
    std::optional<ClientHello> hello = decode_client_hello(message.subspan(handshake_header_size), error);
    if (!hello) return fail(Alert::decode_error, error);
    if (hello->version != protocol_version_v1)
        return fail(Alert::protocol_version, "client offered version " + std::to_string(hello->version) + ", not 1");
    requested_server_name_ = hello->server_name;
    std::optional<CipherSuite> suite = choose_cipher_suite(*hello);
    if (!suite) return fail(Alert::handshake_failure, "no cipher suite in common with the client");
    const ServerIdentity* identity = choose_identity(hello->server_name);
    if (!identity) return fail(Alert::unrecognized_name, "no certificate for server name \"" + hello->server_name + "\"");

    ServerHello reply;
    // The server random and the ephemeral private key in one draw (one
    // getrandom system call with SystemRandom; the same bytes as two draws
    // with a deterministic source).
    Secret<32> ephemeral_private_key;
    config_->random->fill_both(reply.random, ephemeral_private_key.span());
    X25519KeyPair ephemeral_key = X25519KeyPair::from_private_key(std::move(ephemeral_private_key));
    std::optional<Secret<32>> shared_secret = x25519_shared_secret(ephemeral_key.private_key, hello->key_share);
    if (!shared_secret) return fail(Alert::handshake_failure, "client key share is a low-order point");
    reply.key_share = ephemeral_key.public_key;
    reply.cipher_suite = static_cast<std::uint16_t>(*suite);
    ephemeral_key.private_key.wipe();

    // Event texts and values are only for an observer (the trace, the demo,
    // the labs): a server without one does not spend time formatting them.
    const bool narrate = observed();

    transcript_.add(message);
    Bytes server_hello = encode(reply);
    transcript_.add(server_hello);
    send_handshake_message(server_hello, narrate ? "sent ServerHello: " + std::string(cipher_suite_name(*suite)) : "");
    TrafficSecrets secrets = derive_keys_and_protect(*shared_secret, *suite, hello->random);
    shared_secret->wipe();
    client_finished_key_ = std::move(secrets.client_finished_key);

    Bytes certificate = encode_certificate(identity->certificate_chain);
    transcript_.add(certificate);
    std::string certificate_summary;
    if (narrate)
        certificate_summary = "sent Certificate for '" + identity->leaf.subject + "' (" +
                              std::to_string(identity->certificate_chain.size()) + " certificates)";
    send_handshake_message(certificate, certificate_summary);

    Sha256Digest signed_hash = transcript_.hash();
    if (narrate)
        emit(EventKind::transcript_hash, "CertificateVerify signs the transcript through Certificate", {},
             {{"transcript hash (ClientHello..Certificate)", to_bytes(signed_hash)}});
    Bytes verify = encode(CertificateVerify{identity->private_key.sign(certificate_verify_content(signed_hash))});
    transcript_.add(verify);
    send_handshake_message(verify, "sent CertificateVerify");

    Sha256Digest finished_hash = transcript_.hash();
    if (narrate)
        emit(EventKind::transcript_hash, "server Finished covers the transcript through CertificateVerify", {},
             {{"transcript hash (ClientHello..CertificateVerify)", to_bytes(finished_hash)}});
    Bytes finished = encode(Finished{finished_verify_data(secrets.server_finished_key, finished_hash)});
    transcript_.add(finished);
    send_handshake_message(finished, "sent server Finished");
    set_state(ConnectionState::expect_finished);
}

// RFC 8446 4.4.4: the client proves it derived the same keys from the same
// transcript; only then does the server accept application data.
void ServerConnection::on_client_finished(ByteView message) {
    std::string error;
    std::optional<Finished> finished = decode_finished(message.subspan(handshake_header_size), error);
    if (!finished) return fail(Alert::decode_error, error);
    Sha256Digest finished_hash = transcript_.hash();
    if (observed())  // only an observer needs the event's values built
        emit(EventKind::transcript_hash, "client Finished covers the transcript through server Finished", {},
             {{"transcript hash (ClientHello..server Finished)", to_bytes(finished_hash)}});
    auto expected = finished_verify_data(client_finished_key_, finished_hash);
    if (sodium_memcmp(expected.data(), finished->verify_data.data(), expected.size()) != 0)
        return fail(Alert::decrypt_error, "client Finished does not match: the two sides disagree on keys or transcript");
    // The client's Finished is the last handshake message and no value is
    // computed over it (PROTOCOL.md section 6), so it is not hashed into the
    // transcript: that would be one more SHA-256 block for nothing.
    client_finished_key_.wipe();
    become_established();
}

}  // namespace toytls
