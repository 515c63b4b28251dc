// HKDF-SHA256 (RFC 5869), written here on top of HMAC-SHA256 because
// libsodium 1.0.18 (Debian 12) does not have it. ToyTLS derives every key
// and IV of a connection with it.
#pragma once

#include <span>

#include "toytls/bytes.hpp"
#include "toytls/crypto/hmac.hpp"
#include "toytls/crypto/secret.hpp"

namespace toytls {

// Largest output HKDF-SHA256 can give: 255 blocks of 32 bytes.
inline constexpr std::size_t hkdf_sha256_max_output = 255 * 32;

// PRK = HMAC-SHA256(salt, IKM). An empty salt means 32 zero bytes.
Secret<32> hkdf_extract(ByteView salt, ByteView input_key_material);
// The same, with HMAC already keyed with the salt: for a salt that is a
// constant of the protocol, whose key pads need hashing only once.
Secret<32> hkdf_extract(const KeyedHmacSha256& keyed_with_salt, ByteView input_key_material);

// T(i) = HMAC(PRK, T(i-1) | info | i), output = T(1) | T(2) | ... cut to
// out.size(). Returns false (and writes nothing) when out.size() is over
// hkdf_sha256_max_output.
bool hkdf_expand(ByteView pseudorandom_key, ByteView info, std::span<std::uint8_t> out);
// The same, with HMAC already keyed with the PRK: a key schedule that
// expands several labels from one PRK keys HMAC once for all of them.
bool hkdf_expand(const KeyedHmacSha256& keyed_with_pseudorandom_key, ByteView info, std::span<std::uint8_t> out);

}  // namespace toytls
