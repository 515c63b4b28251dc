// Project Wycheproof: hundreds of edge cases per algorithm (weak keys,
// malleable signatures, forged tags, truncated inputs), each labelled
// valid, invalid or acceptable. Every case in each file is run through our
// wrappers. Where a file holds cases our API cannot express (other key or
// nonce sizes), the test says what it does with them and counts them.
//
// The files in tests/data/wycheproof are unchanged copies; SOURCE.md there
// gives the upstream commit, checksums and per-file case counts.

#include <algorithm>
#include <fstream>
#include <functional>
#include <iostream>
#include <optional>
#include <stdexcept>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "toytls/bytes.hpp"
#include "toytls/crypto/aead.hpp"
#include "toytls/crypto/ed25519.hpp"
#include "toytls/crypto/hkdf.hpp"
#include "toytls/crypto/hmac.hpp"
#include "toytls/crypto/x25519.hpp"

using namespace toytls;
using nlohmann::json;

namespace {

json load_wycheproof(const std::string& file_name) {
    const std::string path = std::string(TOYTLS_TEST_DATA) + "/wycheproof/" + file_name;
    std::ifstream file(path);
    if (!file) throw std::runtime_error("cannot open " + path);
    return json::parse(file);
}

Bytes hex_field(const json& test, const char* field) {
    std::optional<Bytes> bytes = from_hex(test.at(field).get<std::string>());
    if (!bytes) throw std::runtime_error(std::string("field '") + field + "' is not hex");
    return *bytes;
}

template <std::size_t N>
Secret<N> secret_from(ByteView bytes) {
    if (bytes.size() != N) throw std::runtime_error("key of unexpected length " + std::to_string(bytes.size()));
    return Secret<N>(std::span<const std::uint8_t, N>(bytes.data(), N));
}

// Goes into every failure message, so a failure points at one case.
std::string describe(const json& test) {
    return "tcId " + std::to_string(test.at("tcId").get<int>()) + " (\"" + test.at("comment").get<std::string>() +
           "\", flags " + test.at("flags").dump() + ")";
}

// How many cases of each result kind a test has run.
struct CaseCounts {
    int valid = 0;
    int invalid = 0;
    int acceptable = 0;

    void count(const std::string& result) {
        if (result == "valid") ++valid;
        else if (result == "invalid") ++invalid;
        else if (result == "acceptable") ++acceptable;
        else ADD_FAILURE() << "unknown result kind '" << result << "'";
    }
    int total() const { return valid + invalid + acceptable; }
};

std::ostream& operator<<(std::ostream& out, const CaseCounts& counts) {
    return out << counts.total() << " cases (" << counts.valid << " valid, " << counts.invalid << " invalid, "
               << counts.acceptable << " acceptable)";
}

using GroupFilter = std::function<bool(const json& group)>;

// Counted independently of the test loops, so that a loop which silently
// skips cases (a wrong field name, an early `continue`) makes the test fail.
int count_cases(const json& file, const GroupFilter& keep_group) {
    int cases = 0;
    for (const json& group : file.at("testGroups"))
        if (keep_group(group)) cases += static_cast<int>(group.at("tests").size());
    return cases;
}

bool any_group(const json&) { return true; }

void expect_all_cases_ran(const json& file, const CaseCounts& ran) {
    EXPECT_EQ(ran.total(), file.at("numberOfTests").get<int>()) << "numberOfTests in the file's header";
    EXPECT_EQ(ran.total(), count_cases(file, any_group));
}

}  // namespace

TEST(WycheproofHkdfSha256, EveryCase) {
    const json file = load_wycheproof("hkdf_sha256_test.json");
    CaseCounts ran;
    for (const json& group : file.at("testGroups")) {
        for (const json& test : group.at("tests")) {
            SCOPED_TRACE(describe(test));
            const std::string result = test.at("result");
            Secret<32> prk = hkdf_extract(hex_field(test, "salt"), hex_field(test, "ikm"));
            Bytes okm(test.at("size").get<std::size_t>());
            const bool expanded = hkdf_expand(prk.view(), hex_field(test, "info"), okm);
            if (result == "valid") {
                ASSERT_TRUE(expanded);
                EXPECT_EQ(to_hex(okm), test.at("okm").get<std::string>());
            } else {
                // The invalid cases ask for more than 255 * 32 octets.
                EXPECT_FALSE(expanded);
            }
            ran.count(result);
        }
    }
    std::cout << "HKDF-SHA256: ran " << ran << "\n";
    expect_all_cases_ran(file, ran);
}

TEST(WycheproofHmacSha256, EveryCase) {
    const json file = load_wycheproof("hmac_sha256_test.json");
    CaseCounts ran;
    for (const json& group : file.at("testGroups")) {
        // Groups with tagSize 128 hold tags truncated to their first 16
        // octets; hmac_sha256_verify compares as many octets as it is given.
        const std::size_t tag_octets = group.at("tagSize").get<std::size_t>() / 8;
        for (const json& test : group.at("tests")) {
            SCOPED_TRACE(describe(test));
            const std::string result = test.at("result");
            const Bytes tag = hex_field(test, "tag");
            EXPECT_EQ(tag.size(), tag_octets);
            const bool verified = hmac_sha256_verify(hex_field(test, "key"), hex_field(test, "msg"), tag);
            if (result == "valid") EXPECT_TRUE(verified);
            else EXPECT_FALSE(verified);
            ran.count(result);
        }
    }
    std::cout << "HMAC-SHA256: ran " << ran << "\n";
    expect_all_cases_ran(file, ran);
}

TEST(WycheproofX25519, EveryCase) {
    const json file = load_wycheproof("x25519_test.json");
    const Bytes all_zeros(32, 0x00);
    CaseCounts ran;
    int acceptable_refused = 0;
    for (const json& group : file.at("testGroups")) {
        for (const json& test : group.at("tests")) {
            SCOPED_TRACE(describe(test));
            const std::string result = test.at("result");
            const Bytes expected_shared = hex_field(test, "shared");
            std::optional<Secret<32>> shared =
                x25519_shared_secret(secret_from<32>(hex_field(test, "private")), hex_field(test, "public"));
            if (result == "valid") {
                ASSERT_TRUE(shared.has_value());
                EXPECT_TRUE(shared->equals(expected_shared));
            } else if (expected_shared == all_zeros) {
                // A low-order public key: the all-zero "secret" is known to
                // everybody, so our wrapper must refuse it (RFC 7748 6.1).
                EXPECT_FALSE(shared.has_value()) << "an all-zero shared secret was accepted";
                if (!shared) ++acceptable_refused;
            } else if (shared) {
                // Other acceptable cases (twist points, non-canonical u):
                // computing the RFC's answer is fine, and so is refusing.
                EXPECT_TRUE(shared->equals(expected_shared));
            } else {
                ++acceptable_refused;
            }
            ran.count(result);
        }
    }
    std::cout << "X25519: ran " << ran << "; refused " << acceptable_refused << " of the " << ran.acceptable
              << " acceptable cases\n";
    expect_all_cases_ran(file, ran);
}

TEST(WycheproofEd25519, EveryCase) {
    const json file = load_wycheproof("ed25519_test.json");
    CaseCounts ran;
    for (const json& group : file.at("testGroups")) {
        const Bytes public_key_bytes = hex_field(group.at("publicKey"), "pk");
        ASSERT_EQ(public_key_bytes.size(), 32u);
        Ed25519PublicKey public_key{};
        std::copy(public_key_bytes.begin(), public_key_bytes.end(), public_key.begin());
        for (const json& test : group.at("tests")) {
            SCOPED_TRACE(describe(test));
            const std::string result = test.at("result");
            // Some invalid signatures are not 64 octets long (truncated or
            // with trailing garbage); ed25519_verify refuses them by length.
            const bool verified = ed25519_verify(public_key, hex_field(test, "msg"), hex_field(test, "sig"));
            if (result == "valid") EXPECT_TRUE(verified);
            else EXPECT_FALSE(verified);
            ran.count(result);
        }
    }
    std::cout << "Ed25519: ran " << ran << "\n";
    expect_all_cases_ran(file, ran);
}

// ---------------------------------------------------------------------------
// AEADs. Our Aead takes a 32-byte key, a 12-byte nonce and gives a 16-byte
// tag, like TLS 1.3's record protection.
// ---------------------------------------------------------------------------

namespace {

bool has_our_aead_parameters(const json& group) {
    return group.at("keySize") == 256 && group.at("ivSize") == 96 && group.at("tagSize") == 128;
}

// valid: seal must give exactly ct | tag, and open must give back msg.
// invalid: open must refuse ct | tag.
void run_aead_case(AeadAlgorithm algorithm, const json& test, CaseCounts& ran) {
    SCOPED_TRACE(describe(test));
    const std::string result = test.at("result");
    const Aead aead(algorithm, secret_from<Aead::key_size>(hex_field(test, "key")));
    const Bytes nonce = hex_field(test, "iv");
    const Bytes aad = hex_field(test, "aad");
    const Bytes message = hex_field(test, "msg");
    Bytes ciphertext_and_tag = hex_field(test, "ct");
    append(ciphertext_and_tag, hex_field(test, "tag"));

    if (result == "valid") {
        Bytes sealed(message.size() + Aead::tag_size);
        aead.seal(sealed, message, nonce, aad);
        EXPECT_EQ(to_hex(sealed), to_hex(ciphertext_and_tag));

        Bytes opened(message.size());
        EXPECT_TRUE(aead.open(opened, ciphertext_and_tag, nonce, aad));
        EXPECT_EQ(to_hex(opened), to_hex(message));
    } else {
        Bytes opened(ciphertext_and_tag.size());
        EXPECT_FALSE(aead.open(opened, ciphertext_and_tag, nonce, aad));
    }
    ran.count(result);
}

}  // namespace

TEST(WycheproofAes256Gcm, EveryCaseWithOurKeyNonceAndTagSizes) {
    if (!aead_available(AeadAlgorithm::aes_256_gcm))
        GTEST_SKIP() << "libsodium's AES-256-GCM needs AES-NI and PCLMUL, which this CPU lacks";

    // The file also covers 128- and 192-bit keys and nonces of 0 to 2056
    // bits, which libsodium (and so our Aead) cannot be asked for.
    const json file = load_wycheproof("aes_gcm_test.json");
    CaseCounts ran;
    int groups_run = 0;
    for (const json& group : file.at("testGroups")) {
        if (!has_our_aead_parameters(group)) continue;
        ++groups_run;
        for (const json& test : group.at("tests")) run_aead_case(AeadAlgorithm::aes_256_gcm, test, ran);
    }
    const int cases_in_file = file.at("numberOfTests").get<int>();
    std::cout << "AES-256-GCM: ran " << ran << " in " << groups_run << " group(s) with 256-bit key, 96-bit nonce, "
              << "128-bit tag; " << cases_in_file - ran.total() << " cases of other sizes not run\n";
    EXPECT_EQ(ran.total(), count_cases(file, has_our_aead_parameters));
    EXPECT_EQ(count_cases(file, any_group), cases_in_file) << "numberOfTests in the file's header";
    EXPECT_GT(groups_run, 0);
}

TEST(WycheproofChaCha20Poly1305, EveryCase) {
    const json file = load_wycheproof("chacha20_poly1305_test.json");
    CaseCounts ran;
    CaseCounts other_nonce_sizes;
    for (const json& group : file.at("testGroups")) {
        if (has_our_aead_parameters(group)) {
            for (const json& test : group.at("tests")) run_aead_case(AeadAlgorithm::chacha20_poly1305, test, ran);
            continue;
        }
        // Nonces of other sizes (all marked invalid): our API takes exactly
        // 12 octets, so open must refuse them rather than misuse them.
        for (const json& test : group.at("tests")) {
            SCOPED_TRACE(describe(test));
            const std::string result = test.at("result");
            EXPECT_EQ(result, "invalid");
            EXPECT_NE(group.at("ivSize").get<int>(), 96);
            const Aead aead(AeadAlgorithm::chacha20_poly1305, secret_from<Aead::key_size>(hex_field(test, "key")));
            Bytes ciphertext_and_tag = hex_field(test, "ct");
            append(ciphertext_and_tag, hex_field(test, "tag"));
            Bytes opened(ciphertext_and_tag.size());
            EXPECT_FALSE(aead.open(opened, ciphertext_and_tag, hex_field(test, "iv"), hex_field(test, "aad")));
            other_nonce_sizes.count(result);
        }
    }
    std::cout << "ChaCha20-Poly1305: ran " << ran << " with 96-bit nonces, and " << other_nonce_sizes
              << " with other nonce sizes (all refused)\n";
    EXPECT_EQ(ran.total(), count_cases(file, has_our_aead_parameters));
    EXPECT_EQ(ran.total() + other_nonce_sizes.total(), file.at("numberOfTests").get<int>())
        << "numberOfTests in the file's header";
}
