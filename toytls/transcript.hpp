// The handshake transcript (RFC 8446 section 4.4.1): every handshake message,
// 4-byte header included, in the order sent and received, hashed as it goes.
// (Both sides leave out the client's Finished: it is the last message and
// no value is computed over it, PROTOCOL.md section 6.)
// Both sides keep one; if an attacker changed any byte of any message, the
// two hashes differ, and so do the keys, the CertificateVerify input and the
// Finished values that depend on them.
#pragma once

#include "toytls/crypto/sha256.hpp"

namespace toytls {

class Transcript {
public:
    void add(ByteView handshake_message) { hash_.update(handshake_message); }
    // SHA-256 of everything added so far.
    Sha256Digest hash() const { return hash_.digest_so_far(); }

private:
    Sha256 hash_;
};

}  // namespace toytls
