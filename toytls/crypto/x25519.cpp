#include "toytls/crypto/x25519.hpp"

namespace toytls {

X25519KeyPair X25519KeyPair::generate(RandomSource& random) {
    Secret<32> private_key;
    random.fill(private_key.span());
    return from_private_key(std::move(private_key));
}

X25519KeyPair X25519KeyPair::from_private_key(Secret<32> private_key) {
    require_sodium();
    X25519KeyPair pair;
    pair.private_key = std::move(private_key);
    crypto_scalarmult_base(pair.public_key.data(), pair.private_key.data());
    return pair;
}

std::optional<Secret<32>> x25519_shared_secret(const Secret<32>& own_private_key, ByteView peer_public_key) {
    require_sodium();
    if (peer_public_key.size() != crypto_scalarmult_BYTES) return std::nullopt;
    Secret<32> shared;
    // crypto_scalarmult returns -1 when the output is all zeros.
    if (crypto_scalarmult(shared.data(), own_private_key.data(), peer_public_key.data()) != 0) return std::nullopt;
    return shared;
}

}  // namespace toytls
