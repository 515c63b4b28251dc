#include "toytls/crypto/hmac.hpp"

#include "toytls/crypto/random.hpp"

namespace toytls {

KeyedHmacSha256::KeyedHmacSha256(ByteView key) {
    require_sodium();
    // Hashes K ^ ipad into the inner state and K ^ opad into the outer one
    // (a key longer than the 64-byte block is hashed first, RFC 2104 section 2).
    crypto_auth_hmacsha256_init(&keyed_state_, key.data(), key.size());
}

KeyedHmacSha256::~KeyedHmacSha256() { wipe(); }

KeyedHmacSha256::KeyedHmacSha256(KeyedHmacSha256&& other) noexcept : keyed_state_(other.keyed_state_) {
    other.wipe();
}

KeyedHmacSha256& KeyedHmacSha256::operator=(KeyedHmacSha256&& other) noexcept {
    if (this != &other) {
        keyed_state_ = other.keyed_state_;
        other.wipe();
    }
    return *this;
}

void KeyedHmacSha256::wipe() { sodium_memzero(&keyed_state_, sizeof keyed_state_); }

HmacSha256Tag KeyedHmacSha256::mac(ByteView message) const {
    return mac(std::initializer_list<ByteView>{message});
}

HmacSha256Tag KeyedHmacSha256::mac(std::initializer_list<ByteView> message_parts) const {
    // The keyed state stays as it is, ready for the next message: this
    // message goes through a copy, which is wiped afterwards.
    crypto_auth_hmacsha256_state state = keyed_state_;
    for (ByteView part : message_parts) crypto_auth_hmacsha256_update(&state, part.data(), part.size());
    HmacSha256Tag tag{};
    crypto_auth_hmacsha256_final(&state, tag.data());
    sodium_memzero(&state, sizeof state);
    return tag;
}

HmacSha256Tag hmac_sha256(ByteView key, ByteView message) { return KeyedHmacSha256(key).mac(message); }

bool hmac_sha256_verify(ByteView key, ByteView message, ByteView received_tag) {
    HmacSha256Tag expected = hmac_sha256(key, message);
    if (received_tag.empty() || received_tag.size() > expected.size()) return false;
    return sodium_memcmp(expected.data(), received_tag.data(), received_tag.size()) == 0;
}

}  // namespace toytls
