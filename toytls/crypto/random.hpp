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
    // Fills `first`, then `second`. By default exactly fill(first) followed
    // by fill(second), so a deterministic source gives the same bytes either
    // way; SystemRandom overrides it to ask the operating system once.
    virtual void fill_both(std::span<std::uint8_t> first, std::span<std::uint8_t> second) {
        fill(first);
        fill(second);
    }
};

// The operating system's CSPRNG (randombytes_buf).
class SystemRandom final : public RandomSource {
public:
    SystemRandom();
    void fill(std::span<std::uint8_t> out) override;
    // One randombytes_buf call for both: one getrandom system call instead
    // of two (a handshake draws a random and an ephemeral key together).
    void fill_both(std::span<std::uint8_t> first, std::span<std::uint8_t> second) override;
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
