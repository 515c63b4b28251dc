// LAB ONLY. A deliberately BROKEN sealer for lab 8: it seals every message
// under one key with the SAME nonce. Never use it for anything but the lab.
//
// It lives in walkthrough/labs/tools/, not in toytls/, on purpose: the real
// record layer (toytls/record.cpp) derives each record's nonce from the
// write IV and the record's sequence number (RecordProtection::nonce_for,
// RFC 8446 section 5.3), so no nonce repeats under one key.
#pragma once

#include <ostream>
#include <string_view>

#include "toytls/bytes.hpp"
#include "toytls/crypto/aead.hpp"
#include "toytls/crypto/secret.hpp"

namespace toytls_labs {

// The banner every run that builds a NonceReusingSealer prints.
inline constexpr std::string_view nonce_reuse_banner =
    "########################################################################\n"
    "##  LAB ONLY: this sealer reuses a nonce; the real record layer       ##\n"
    "##  (toytls/record.cpp, RecordProtection::nonce_for) never does.      ##\n"
    "##  Reusing a nonce under one key gives away the XOR of plaintexts.   ##\n"
    "########################################################################\n";

class NonceReusingSealer {
public:
    // Writes nonce_reuse_banner to `warnings`: nobody should be able to use
    // this class quietly.
    NonceReusingSealer(toytls::AeadAlgorithm algorithm, const toytls::Secret<toytls::Aead::key_size>& key,
                       const toytls::Secret<toytls::Aead::nonce_size>& fixed_nonce, std::ostream& warnings);

    // ciphertext | tag, always with the same nonce and no additional data.
    toytls::Bytes seal(toytls::ByteView plaintext) const;

private:
    toytls::Aead aead_;
    toytls::Secret<toytls::Aead::nonce_size> fixed_nonce_;
};

}  // namespace toytls_labs
