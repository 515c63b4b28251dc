// The cipher suites a ClientHello can offer (design: PROTOCOL.md section
// "Cipher suites"). Both use SHA-256 for the transcript and HKDF.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "toytls/crypto/aead.hpp"

namespace toytls {

enum class CipherSuite : std::uint16_t {
    aes_256_gcm_sha256 = 0x0001,
    chacha20_poly1305_sha256 = 0x0002,
};

// nullopt for a code ToyTLS v1 does not define (a server ignores those).
std::optional<CipherSuite> cipher_suite_from_code(std::uint16_t code);
std::string_view cipher_suite_name(CipherSuite suite);  // "TOYTLS_AES_256_GCM_SHA256"
AeadAlgorithm cipher_suite_aead(CipherSuite suite);
// False for AES-256-GCM on a CPU without AES-NI (libsodium's requirement).
bool cipher_suite_available(CipherSuite suite);
// Every available suite, AES-256-GCM first (the faster one where it exists).
std::vector<CipherSuite> default_cipher_suites();

}  // namespace toytls
