#include "toytls/crypto/random.hpp"

#include <algorithm>
#include <array>
#include <stdexcept>
#include <vector>

namespace toytls {

void require_sodium() {
    if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
}

SystemRandom::SystemRandom() { require_sodium(); }

void SystemRandom::fill(std::span<std::uint8_t> out) { randombytes_buf(out.data(), out.size()); }

void SystemRandom::fill_both(std::span<std::uint8_t> first, std::span<std::uint8_t> second) {
    // libsodium asks getrandom() for at most 256 bytes per system call.
    std::array<std::uint8_t, 256> both;
    const std::size_t size = first.size() + second.size();
    if (size > both.size()) {
        fill(first);
        fill(second);
        return;
    }
    randombytes_buf(both.data(), size);
    std::copy_n(both.begin(), first.size(), first.begin());
    std::copy_n(both.begin() + static_cast<std::ptrdiff_t>(first.size()), second.size(), second.begin());
    // `second` is usually a private key: no copy of it stays on the stack.
    sodium_memzero(both.data(), size);
}

DeterministicRandomForTestsOnly::DeterministicRandomForTestsOnly(std::span<const std::uint8_t, 32> seed)
    : seed_(seed) {
    require_sodium();
}

DeterministicRandomForTestsOnly::DeterministicRandomForTestsOnly(std::uint8_t seed_byte) {
    require_sodium();
    std::fill(seed_.data(), seed_.data() + seed_.size(), seed_byte);
}

// Each call draws 32 extra bytes that become the seed of the next call, so
// successive calls give different bytes and the whole stream depends only on
// the first seed and the sizes asked for.
void DeterministicRandomForTestsOnly::fill(std::span<std::uint8_t> out) {
    std::vector<std::uint8_t> stream(out.size() + seed_.size());
    randombytes_buf_deterministic(stream.data(), stream.size(), seed_.data());
    std::copy(stream.begin(), stream.begin() + static_cast<std::ptrdiff_t>(out.size()), out.begin());
    std::copy(stream.end() - static_cast<std::ptrdiff_t>(seed_.size()), stream.end(), seed_.data());
    sodium_memzero(stream.data(), stream.size());
}

}  // namespace toytls
