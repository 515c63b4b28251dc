// Shared by the certificate, chain and toytls-cert tests: keys from fixed
// seeds (so every certificate, signature included, is the same on every
// run), a small PKI like the demo one, and a temporary directory.
#pragma once

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <system_error>
#include <vector>

#include "toytls/certificate.hpp"
#include "toytls/chain.hpp"

namespace toytls::testing {

inline constexpr UnixTime time_2026 = 1767225600;  // 2026-01-01T00:00:00Z
inline constexpr UnixTime time_2030 = 1893456000;  // 2030-01-01T00:00:00Z
inline constexpr UnixTime time_2046 = 2398377600;  // 2046-01-01T00:00:00Z

inline Ed25519KeyPair key_from_seed_byte(std::uint8_t seed_byte) {
    Secret<32> seed;
    std::fill(seed.data(), seed.data() + seed.size(), seed_byte);
    return Ed25519KeyPair::from_seed(seed);
}

inline std::string text_of(const Bytes& bytes) { return std::string(bytes.begin(), bytes.end()); }
inline Bytes bytes_of(std::string_view text) { return Bytes(text.begin(), text.end()); }

inline CertificateFields ca_fields(std::string subject, std::string issuer, const Ed25519KeyPair& key,
                                   unsigned path_len) {
    CertificateFields fields;
    fields.serial = 1;
    fields.subject = std::move(subject);
    fields.issuer = std::move(issuer);
    fields.not_before = time_2026;
    fields.not_after = time_2046;
    fields.is_ca = true;
    fields.path_len = path_len;
    fields.public_key = key.public_key();
    return fields;
}

inline CertificateFields leaf_fields(std::string subject, std::string issuer, const Ed25519KeyPair& key,
                                     std::vector<std::string> dns_names) {
    CertificateFields fields;
    fields.serial = 3;
    fields.subject = std::move(subject);
    fields.issuer = std::move(issuer);
    fields.not_before = time_2026;
    fields.not_after = time_2046;
    fields.dns_names = std::move(dns_names);
    fields.public_key = key.public_key();
    return fields;
}

// Root (path-len 1) -> intermediate (path-len 0) -> leaf for localhost and
// 127.0.0.1, valid 2026..2046: the shape of the committed demo chain.
struct DemoLikePki {
    Ed25519KeyPair root_key = key_from_seed_byte(0x01);
    Ed25519KeyPair intermediate_key = key_from_seed_byte(0x02);
    Ed25519KeyPair leaf_key = key_from_seed_byte(0x03);
    Certificate root = issue_certificate(ca_fields("Test Root CA", "Test Root CA", root_key, 1), root_key);
    Certificate intermediate =
        issue_certificate(ca_fields("Test Intermediate CA", "Test Root CA", intermediate_key, 0), root_key);
    Certificate leaf = issue_certificate(
        leaf_fields("localhost", "Test Intermediate CA", leaf_key, {"localhost", "127.0.0.1"}), intermediate_key);

    TrustStore trust_store() const {
        TrustStore store;
        store.add_root(root);
        return store;
    }
    std::vector<Bytes> wire() const { return {leaf.encoded, intermediate.encoded}; }
};

// A fresh directory under the system's temporary directory, removed with
// everything in it when the test ends.
class TemporaryDirectory {
public:
    TemporaryDirectory() {
        std::string pattern = (std::filesystem::temp_directory_path() / "toytls-test-XXXXXX").string();
        if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
        path_ = pattern;
    }
    ~TemporaryDirectory() {
        std::error_code ignored;
        std::filesystem::remove_all(path_, ignored);
    }
    TemporaryDirectory(const TemporaryDirectory&) = delete;
    TemporaryDirectory& operator=(const TemporaryDirectory&) = delete;

    const std::filesystem::path& path() const { return path_; }
    std::string file(std::string_view name) const { return (path_ / name).string(); }

private:
    std::filesystem::path path_;
};

}  // namespace toytls::testing
