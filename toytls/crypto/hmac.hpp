// HMAC-SHA256 (RFC 2104), with a key of any length: the building block of
// HKDF and of the Finished messages.
#pragma once

#include "toytls/bytes.hpp"
#include "toytls/crypto/sha256.hpp"

namespace toytls {

using HmacSha256Tag = std::array<std::uint8_t, 32>;

HmacSha256Tag hmac_sha256(ByteView key, ByteView message);

// Constant-time comparison of a received tag (possibly truncated, as some
// protocols do) against the expected one: never use memcmp or == on MACs,
// their running time tells an attacker how many leading bytes matched.
bool hmac_sha256_verify(ByteView key, ByteView message, ByteView received_tag);

}  // namespace toytls
