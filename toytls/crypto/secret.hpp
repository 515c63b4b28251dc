// Secret<N>: a fixed-size buffer for key material. It cannot be copied by
// accident (copying a key must be spelled `clone()`), and it is wiped with
// sodium_memzero when it is destroyed or moved from, so a key does not
// linger in freed memory.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include <sodium.h>

namespace toytls {

template <std::size_t N>
class Secret {
public:
    Secret() { bytes_.fill(0); }
    explicit Secret(std::span<const std::uint8_t, N> from) { std::copy(from.begin(), from.end(), bytes_.begin()); }
    ~Secret() { wipe(); }

    Secret(const Secret&) = delete;
    Secret& operator=(const Secret&) = delete;
    Secret(Secret&& other) noexcept : bytes_(other.bytes_) { other.wipe(); }
    Secret& operator=(Secret&& other) noexcept {
        if (this != &other) {
            bytes_ = other.bytes_;
            other.wipe();
        }
        return *this;
    }

    Secret clone() const { return Secret(std::span<const std::uint8_t, N>(bytes_)); }
    void wipe() { sodium_memzero(bytes_.data(), N); }

    std::uint8_t* data() { return bytes_.data(); }
    const std::uint8_t* data() const { return bytes_.data(); }
    static constexpr std::size_t size() { return N; }
    std::span<std::uint8_t, N> span() { return bytes_; }
    std::span<const std::uint8_t, N> view() const { return bytes_; }

    // Constant-time comparison (sodium_memcmp), for MACs and Finished values.
    bool equals(std::span<const std::uint8_t> other) const {
        return other.size() == N && sodium_memcmp(bytes_.data(), other.data(), N) == 0;
    }

private:
    std::array<std::uint8_t, N> bytes_;
};

}  // namespace toytls
