#include "toytls/crypto/ed25519.hpp"

#include "toytls/crypto/random.hpp"

namespace toytls {

Ed25519KeyPair Ed25519KeyPair::from_seed(const Secret<32>& seed) {
    require_sodium();
    Ed25519KeyPair pair;
    crypto_sign_seed_keypair(pair.public_key_.data(), pair.expanded_secret_key_.data(), seed.data());
    return pair;
}

Ed25519Signature Ed25519KeyPair::sign(ByteView message) const {
    Ed25519Signature signature{};
    crypto_sign_detached(signature.data(), nullptr, message.data(), message.size(), expanded_secret_key_.data());
    return signature;
}

Secret<32> Ed25519KeyPair::seed() const {
    Secret<32> seed;
    crypto_sign_ed25519_sk_to_seed(seed.data(), expanded_secret_key_.data());
    return seed;
}

bool ed25519_verify(const Ed25519PublicKey& public_key, ByteView message, ByteView signature) {
    require_sodium();
    if (signature.size() != crypto_sign_BYTES) return false;
    return crypto_sign_verify_detached(signature.data(), message.data(), message.size(), public_key.data()) == 0;
}

}  // namespace toytls
