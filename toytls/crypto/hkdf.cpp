#include "toytls/crypto/hkdf.hpp"

#include <algorithm>

namespace toytls {

Secret<32> hkdf_extract(ByteView salt, ByteView input_key_material) {
    // RFC 5869 section 2.2: "if not provided, [salt] is set to a string of
    // HashLen zeros". HMAC pads a short key with zeros anyway, so the empty
    // key and 32 zero bytes give the same PRK; we spell it out for clarity.
    static constexpr std::array<std::uint8_t, 32> zero_salt{};
    return hkdf_extract(KeyedHmacSha256(salt.empty() ? ByteView(zero_salt) : salt), input_key_material);
}

Secret<32> hkdf_extract(const KeyedHmacSha256& keyed_with_salt, ByteView input_key_material) {
    HmacSha256Tag prk = keyed_with_salt.mac(input_key_material);
    Secret<32> out{std::span<const std::uint8_t, 32>(prk)};
    sodium_memzero(prk.data(), prk.size());
    return out;
}

bool hkdf_expand(ByteView pseudorandom_key, ByteView info, std::span<std::uint8_t> out) {
    return hkdf_expand(KeyedHmacSha256(pseudorandom_key), info, out);
}

bool hkdf_expand(const KeyedHmacSha256& keyed_with_pseudorandom_key, ByteView info, std::span<std::uint8_t> out) {
    if (out.size() > hkdf_sha256_max_output) return false;
    HmacSha256Tag block{};  // T(i)
    ByteView previous_block;  // T(i-1); T(0) is the empty string
    std::size_t written = 0;
    for (std::uint8_t counter = 1; written < out.size(); ++counter) {
        // The HMAC message T(i-1) | info | i is passed in three parts, so it
        // is never copied into a buffer of its own.
        const std::uint8_t counter_byte[1] = {counter};
        block = keyed_with_pseudorandom_key.mac({previous_block, info, counter_byte});
        previous_block = block;
        std::size_t take = std::min(block.size(), out.size() - written);
        std::copy_n(block.begin(), take, out.begin() + static_cast<std::ptrdiff_t>(written));
        written += take;
    }
    sodium_memzero(block.data(), block.size());
    return true;
}

}  // namespace toytls
