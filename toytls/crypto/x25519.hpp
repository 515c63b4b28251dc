// X25519 ephemeral Diffie-Hellman (RFC 7748), the key exchange of the handshake.
#pragma once

#include <array>
#include <optional>

#include "toytls/bytes.hpp"
#include "toytls/crypto/random.hpp"
#include "toytls/crypto/secret.hpp"

namespace toytls {

using X25519PublicKey = std::array<std::uint8_t, 32>;

struct X25519KeyPair {
    Secret<32> private_key;
    X25519PublicKey public_key{};

    static X25519KeyPair generate(RandomSource& random);
    static X25519KeyPair from_private_key(Secret<32> private_key);
};

// X25519(own private key, peer public key). Returns nullopt when the result
// is all zeros, which happens exactly when the peer sent a low-order point:
// such a "shared" secret is known to everybody (RFC 7748 section 6.1).
std::optional<Secret<32>> x25519_shared_secret(const Secret<32>& own_private_key, ByteView peer_public_key);

}  // namespace toytls
