#include "toytls/crypto/sha256.hpp"

#include "toytls/crypto/random.hpp"

namespace toytls {

Sha256Digest sha256(ByteView data) {
    require_sodium();
    Sha256Digest digest{};
    crypto_hash_sha256(digest.data(), data.data(), data.size());
    return digest;
}

Sha256::Sha256() {
    require_sodium();
    crypto_hash_sha256_init(&state_);
}

void Sha256::update(ByteView data) { crypto_hash_sha256_update(&state_, data.data(), data.size()); }

Sha256Digest Sha256::digest_so_far() const {
    crypto_hash_sha256_state copy = state_;
    Sha256Digest digest{};
    crypto_hash_sha256_final(&copy, digest.data());
    return digest;
}

}  // namespace toytls
