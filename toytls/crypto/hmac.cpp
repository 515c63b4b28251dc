#include "toytls/crypto/hmac.hpp"

#include <sodium.h>

#include "toytls/crypto/random.hpp"

namespace toytls {

HmacSha256Tag hmac_sha256(ByteView key, ByteView message) {
    require_sodium();
    crypto_auth_hmacsha256_state state;
    crypto_auth_hmacsha256_init(&state, key.data(), key.size());
    crypto_auth_hmacsha256_update(&state, message.data(), message.size());
    HmacSha256Tag tag{};
    crypto_auth_hmacsha256_final(&state, tag.data());
    sodium_memzero(&state, sizeof state);
    return tag;
}

bool hmac_sha256_verify(ByteView key, ByteView message, ByteView received_tag) {
    HmacSha256Tag expected = hmac_sha256(key, message);
    if (received_tag.empty() || received_tag.size() > expected.size()) return false;
    return sodium_memcmp(expected.data(), received_tag.data(), received_tag.size()) == 0;
}

}  // namespace toytls
