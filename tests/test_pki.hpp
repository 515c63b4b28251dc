// A small, reproducible PKI for the connection tests: a root, an
// intermediate and a leaf for "localhost", all with keys from fixed seeds,
// valid 2026-2046, checked at a fixed "now" of 2030-01-01.
#pragma once

#include <memory>

#include "toytls/certificate.hpp"
#include "toytls/chain.hpp"
#include "toytls/client.hpp"
#include "toytls/server.hpp"

namespace toytls::testing {

inline constexpr UnixTime year_2026 = 1767225600;
inline constexpr UnixTime year_2030 = 1893456000;
inline constexpr UnixTime year_2046 = 2398377600;

inline Ed25519KeyPair key_from_seed_byte(std::uint8_t seed_byte) {
    Secret<32> seed;
    std::fill(seed.data(), seed.data() + seed.size(), seed_byte);
    return Ed25519KeyPair::from_seed(seed);
}

inline CertificateFields certificate_fields(std::string subject, std::string issuer, const Ed25519KeyPair& key,
                                            bool is_ca, std::vector<std::string> dns_names = {}) {
    CertificateFields fields;
    fields.serial = 1;
    fields.subject = std::move(subject);
    fields.issuer = std::move(issuer);
    fields.not_before = year_2026;
    fields.not_after = year_2046;
    fields.is_ca = is_ca;
    if (is_ca) fields.path_len = 1;
    fields.dns_names = std::move(dns_names);
    fields.public_key = key.public_key();
    return fields;
}

struct TestPki {
    Ed25519KeyPair root_key = key_from_seed_byte(1);
    Ed25519KeyPair intermediate_key = key_from_seed_byte(2);
    Ed25519KeyPair leaf_key = key_from_seed_byte(3);
    Certificate root = issue_certificate(certificate_fields("Test Root CA", "Test Root CA", root_key, true), root_key);
    Certificate intermediate = issue_certificate(
        certificate_fields("Test Intermediate CA", "Test Root CA", intermediate_key, true), root_key);
    Certificate leaf = issue_certificate(
        certificate_fields("localhost", "Test Intermediate CA", leaf_key, false, {"localhost", "127.0.0.1"}),
        intermediate_key);

    TrustStore trust_store() const {
        TrustStore store;
        store.add_root(root);
        return store;
    }

    ServerIdentity identity() const {
        return ServerIdentity{{leaf.encoded, intermediate.encoded}, leaf, Ed25519KeyPair::from_seed(leaf_key.seed())};
    }
};

inline ClientConfig client_config(const TestPki& pki, std::string server_name = "localhost",
                                  std::uint8_t random_seed = 0x11) {
    ClientConfig config;
    config.trust_store = pki.trust_store();
    config.server_name = std::move(server_name);
    config.clock = fixed_clock(year_2030);
    config.random = std::make_shared<DeterministicRandomForTestsOnly>(random_seed);
    return config;
}

inline std::shared_ptr<ServerConfig> server_config(const TestPki& pki, std::uint8_t random_seed = 0x22) {
    auto config = std::make_shared<ServerConfig>();
    config->identities.push_back(pki.identity());
    config->random = std::make_shared<DeterministicRandomForTestsOnly>(random_seed);
    return config;
}

// Moves bytes both ways until neither side has anything to send.
inline void exchange(Connection& client, Connection& server) {
    for (int round = 0; round < 16 && (client.has_output() || server.has_output()); ++round) {
        server.feed(client.pop());
        client.feed(server.pop());
    }
}

inline std::string as_string(const Bytes& bytes) { return std::string(bytes.begin(), bytes.end()); }

}  // namespace toytls::testing
