// Where a connection gets its randomness (randoms and ephemeral keys).
// Injectable, so that tests, the trace and the labs can replay a handshake
// byte for byte; real connections use SystemRandom.
#pragma once

#include <cstdint>
#include <span>

#include "toytls/crypto/secret.hpp"

namespace toytls {

// libsodium must be initialised once before use; safe to call many times.
void require_sodium();

class RandomSource {
public:
    virtual ~RandomSource() = default;
    virtual void fill(std::span<std::uint8_t> out) = 0;
};

// The operating system's CSPRNG (randombytes_buf).
class SystemRandom final : public RandomSource {
public:
    SystemRandom();
    void fill(std::span<std::uint8_t> out) override;
};

// A reproducible stream from a 32-byte seed (randombytes_buf_deterministic).
// NOT RANDOM: anyone who knows the seed knows every key. For traces, tests
// and labs only; the name is long on purpose.
class DeterministicRandomForTestsOnly final : public RandomSource {
public:
    explicit DeterministicRandomForTestsOnly(std::span<const std::uint8_t, 32> seed);
    // Convenience: seed = the byte `seed_byte` repeated 32 times.
    explicit DeterministicRandomForTestsOnly(std::uint8_t seed_byte);
    void fill(std::span<std::uint8_t> out) override;

private:
    Secret<32> seed_;
};

}  // namespace toytls
