#include "toytls/crypto/hkdf.hpp"

#include <algorithm>

#include "toytls/crypto/hmac.hpp"

namespace toytls {

Secret<32> hkdf_extract(ByteView salt, ByteView input_key_material) {
    // RFC 5869 section 2.2: "if not provided, [salt] is set to a string of
    // HashLen zeros". HMAC pads a short key with zeros anyway, so the empty
    // key and 32 zero bytes give the same PRK; we spell it out for clarity.
    static constexpr std::array<std::uint8_t, 32> zero_salt{};
    HmacSha256Tag prk = hmac_sha256(salt.empty() ? ByteView(zero_salt) : salt, input_key_material);
    Secret<32> out{std::span<const std::uint8_t, 32>(prk)};
    sodium_memzero(prk.data(), prk.size());
    return out;
}

bool hkdf_expand(ByteView pseudorandom_key, ByteView info, std::span<std::uint8_t> out) {
    if (out.size() > hkdf_sha256_max_output) return false;
    HmacSha256Tag block{};  // T(i-1), then T(i)
    std::size_t block_size = 0;
    Bytes message;
    std::size_t written = 0;
    for (std::uint8_t counter = 1; written < out.size(); ++counter) {
        message.assign(block.begin(), block.begin() + static_cast<std::ptrdiff_t>(block_size));
        append(message, info);
        message.push_back(counter);
        block = hmac_sha256(pseudorandom_key, message);
        block_size = block.size();
        std::size_t take = std::min(block.size(), out.size() - written);
        std::copy_n(block.begin(), take, out.begin() + static_cast<std::ptrdiff_t>(written));
        written += take;
    }
    sodium_memzero(block.data(), block.size());
    sodium_memzero(message.data(), message.size());
    return true;
}

}  // namespace toytls
