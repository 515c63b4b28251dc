#include "toytls/cipher_suite.hpp"

namespace toytls {

std::optional<CipherSuite> cipher_suite_from_code(std::uint16_t code) {
    switch (code) {
        case 0x0001: return CipherSuite::aes_256_gcm_sha256;
        case 0x0002: return CipherSuite::chacha20_poly1305_sha256;
        default: return std::nullopt;
    }
}

std::string_view cipher_suite_name(CipherSuite suite) {
    switch (suite) {
        case CipherSuite::aes_256_gcm_sha256: return "TOYTLS_AES_256_GCM_SHA256";
        case CipherSuite::chacha20_poly1305_sha256: return "TOYTLS_CHACHA20_POLY1305_SHA256";
    }
    return "unknown";
}

AeadAlgorithm cipher_suite_aead(CipherSuite suite) {
    return suite == CipherSuite::aes_256_gcm_sha256 ? AeadAlgorithm::aes_256_gcm : AeadAlgorithm::chacha20_poly1305;
}

bool cipher_suite_available(CipherSuite suite) { return aead_available(cipher_suite_aead(suite)); }

std::vector<CipherSuite> default_cipher_suites() {
    std::vector<CipherSuite> suites;
    for (CipherSuite suite : {CipherSuite::aes_256_gcm_sha256, CipherSuite::chacha20_poly1305_sha256})
        if (cipher_suite_available(suite)) suites.push_back(suite);
    return suites;
}

}  // namespace toytls
