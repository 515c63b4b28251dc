// SHA-256, one-shot and incremental. The incremental form keeps the running
// transcript hash of the handshake.
#pragma once

#include <array>

#include <sodium.h>

#include "toytls/bytes.hpp"

namespace toytls {

using Sha256Digest = std::array<std::uint8_t, 32>;

Sha256Digest sha256(ByteView data);

class Sha256 {
public:
    Sha256();
    void update(ByteView data);
    // The digest of everything so far; the hash can keep going afterwards
    // (a transcript is hashed at several points of the handshake).
    Sha256Digest digest_so_far() const;

private:
    crypto_hash_sha256_state state_;
};

}  // namespace toytls
