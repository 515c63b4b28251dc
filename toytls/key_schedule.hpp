// The key schedule of ToyTLS v1 (PROTOCOL.md section "Key schedule"), a
// one-step version of RFC 8446 section 7.1:
//
//   shared_secret  = X25519(own ephemeral private key, peer key share)
//   session_secret = HKDF-Extract(salt = "ToyTLS v1", IKM = shared_secret)
//   hello_hash     = SHA-256(ClientHello | ServerHello)
//   each value     = HKDF-Expand(session_secret, "ToyTLS v1 " + label + hello_hash, length)
#pragma once

#include <functional>
#include <string_view>

#include "toytls/bytes.hpp"
#include "toytls/crypto/aead.hpp"
#include "toytls/crypto/secret.hpp"
#include "toytls/crypto/sha256.hpp"

namespace toytls {

struct TrafficSecrets {
    Secret<Aead::key_size> client_write_key;
    Secret<Aead::nonce_size> client_write_iv;
    Secret<Aead::key_size> server_write_key;
    Secret<Aead::nonce_size> server_write_iv;
    Secret<32> client_finished_key;
    Secret<32> server_finished_key;
};

// Called once per secret with its key-log label ("CLIENT_WRITE_KEY") and
// value; only connections whose application asked for a key log pass one.
using SecretObserver = std::function<void(std::string_view label, ByteView value)>;

// Derives the six values from the shared secret. The session secret lives
// only inside this function and is wiped before it returns.
TrafficSecrets derive_traffic_secrets(const Secret<32>& shared_secret, const Sha256Digest& hello_hash,
                                      const SecretObserver& observe_secret);

// Finished.verify_data = HMAC-SHA256(finished_key, transcript hash).
std::array<std::uint8_t, 32> finished_verify_data(const Secret<32>& finished_key, const Sha256Digest& transcript_hash);

// What CertificateVerify signs: 64 spaces, a context string, a zero byte and
// the transcript hash (the layout of RFC 8446 4.4.3). The 64 spaces make the
// signed bytes useless as any other kind of signed message; the context
// string keeps a signature made for one purpose from being replayed for
// another.
Bytes certificate_verify_content(const Sha256Digest& transcript_hash);

}  // namespace toytls
