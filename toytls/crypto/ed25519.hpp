// Ed25519 signatures (RFC 8032): certificates are signed with them, and the
// server proves it holds its certificate's key by signing the transcript.
#pragma once

#include <array>

#include "toytls/bytes.hpp"
#include "toytls/crypto/secret.hpp"

namespace toytls {

using Ed25519PublicKey = std::array<std::uint8_t, 32>;
using Ed25519Signature = std::array<std::uint8_t, 64>;

class Ed25519KeyPair {
public:
    // The 32-byte seed is the private key as RFC 8032 defines it.
    static Ed25519KeyPair from_seed(const Secret<32>& seed);

    Ed25519Signature sign(ByteView message) const;
    const Ed25519PublicKey& public_key() const { return public_key_; }
    Secret<32> seed() const;

private:
    Secret<64> expanded_secret_key_;  // libsodium's form: seed || public key
    Ed25519PublicKey public_key_{};
};

// Strict verification: libsodium rejects non-canonical encodings and
// small-order keys, which is what a certificate checker wants.
bool ed25519_verify(const Ed25519PublicKey& public_key, ByteView message, ByteView signature);

}  // namespace toytls
