// HMAC-SHA256 (RFC 2104), with a key of any length: the building block of
// HKDF and of the Finished messages.
#pragma once

#include <initializer_list>

#include <sodium.h>

#include "toytls/bytes.hpp"
#include "toytls/crypto/sha256.hpp"

namespace toytls {

using HmacSha256Tag = std::array<std::uint8_t, 32>;

// HMAC-SHA256 with its key already absorbed, for one key and many messages.
//
// RFC 2104: HMAC(K, m) = H((K ^ opad) | H((K ^ ipad) | m)). The two padded
// keys fill one SHA-256 block each, so hashing them is half the work of
// HMAC on a short message. This class hashes them once, in its constructor,
// and keeps the two half-finished SHA-256 states; each mac() works on a copy
// of them. HKDF-Expand uses it so that the six labels of the key schedule
// pay for the key pads once, not six times.
//
// The states are as good as the key (whoever has them can compute MACs), so
// the object cannot be copied by accident, and it wipes them when it is
// destroyed or moved from, like Secret<N>.
class KeyedHmacSha256 {
public:
    explicit KeyedHmacSha256(ByteView key);
    ~KeyedHmacSha256();

    KeyedHmacSha256(const KeyedHmacSha256&) = delete;
    KeyedHmacSha256& operator=(const KeyedHmacSha256&) = delete;
    KeyedHmacSha256(KeyedHmacSha256&& other) noexcept;
    KeyedHmacSha256& operator=(KeyedHmacSha256&& other) noexcept;

    HmacSha256Tag mac(ByteView message) const;
    // The MAC of the parts one after the other, as if they were one message:
    // mac({previous_block, info, counter}) needs no buffer to join them in.
    HmacSha256Tag mac(std::initializer_list<ByteView> message_parts) const;

private:
    void wipe();

    crypto_auth_hmacsha256_state keyed_state_;
};

// One key, one message.
HmacSha256Tag hmac_sha256(ByteView key, ByteView message);

// Constant-time comparison of a received tag (possibly truncated, as some
// protocols do) against the expected one: never use memcmp or == on MACs,
// their running time tells an attacker how many leading bytes matched.
bool hmac_sha256_verify(ByteView key, ByteView message, ByteView received_tag);

}  // namespace toytls
