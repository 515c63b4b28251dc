// Regression tests for what the fuzz targets (fuzz/, results in
// fuzz/RESULTS.md) found: each test feeds the input a target reported,
// reduced to its point, and asserts the outcome the code must have.
#include <gtest/gtest.h>

#include <optional>
#include <stdexcept>
#include <string>

#include "toytls/certificate.hpp"
#include "toytls/chain.hpp"
#include "toytls/key_file.hpp"

namespace toytls {
namespace {

const std::string certs_directory = std::string(TOYTLS_SOURCE_DIR) + "/certs/";
constexpr UnixTime inside_demo_validity = 1893456000;  // 2030-01-01

std::string read_text(const std::string& path) {
    std::string error;
    std::optional<Bytes> bytes = read_file_bytes(path, max_read_file_size, error);
    if (!bytes) throw std::runtime_error(path + ": " + error);
    return std::string(as_text(*bytes));
}

// server.cert with the first '/' of its signature line replaced by `byte`.
std::string server_certificate_with_signature_slash_as(char byte) {
    std::string text = read_text(certs_directory + "server.cert");
    const std::size_t signature = text.find("\nsignature: ");
    const std::size_t slash = text.find('/', signature);
    if (signature == std::string::npos || slash == std::string::npos)
        throw std::runtime_error("server.cert has no '/' in its signature line any more: pick another certificate");
    text[slash] = byte;
    return text;
}

// fuzz_certificate, finding 1: libsodium 1.0.18's sodium_base642bin decodes
// every byte from 0x80 to 0xFF as '/', so base64_decode accepted texts that
// are not the canonical encoding of anything, against its header's promise.
// The fuzzer's input was intermediate.cert with one signature byte changed
// to 0xB2; the certificate and key parsers refused it anyway (they refuse
// non-printable bytes first), so the tests below also pin that layer.
TEST(FuzzRegressionBase64, NonAsciiBytesAreNotBase64) {
    for (int byte = 0x80; byte <= 0xff; ++byte) {
        std::string text = "A/AA";
        text[1] = static_cast<char>(byte);
        EXPECT_EQ(base64_decode(text), std::nullopt) << "byte 0x" << std::hex << byte;
    }
    ASSERT_TRUE(base64_decode("A/AA").has_value());  // the ASCII text still decodes
    EXPECT_EQ(base64_encode(*base64_decode("A/AA")), "A/AA");
}

TEST(FuzzRegressionBase64, CertificateSignatureLineHasOneSpelling) {
    std::string error;
    const std::string original = read_text(certs_directory + "server.cert");
    ASSERT_TRUE(parse_certificate(as_bytes(original), error).has_value()) << error;

    const std::string respelled = server_certificate_with_signature_slash_as('\xb2');
    EXPECT_FALSE(parse_certificate(as_bytes(respelled), error).has_value());
    EXPECT_NE(error.find("not printable ASCII"), std::string::npos) << error;

    // And so the chain validator refuses this second spelling of the
    // server's certificate.
    TrustStore trust_store;
    std::optional<Certificate> root = load_certificate_file(certs_directory + "root.cert", error);
    ASSERT_TRUE(root.has_value()) << error;
    trust_store.add_root(std::move(*root));
    const std::string intermediate_text = read_text(certs_directory + "intermediate.cert");
    const Bytes intermediate(intermediate_text.begin(), intermediate_text.end());
    const Bytes leaf(respelled.begin(), respelled.end());
    ChainVerdict verdict = verify_chain({leaf, intermediate}, trust_store, "localhost", inside_demo_validity);
    EXPECT_FALSE(verdict.ok);
    EXPECT_EQ(verdict.alert, Alert::bad_certificate);
}

TEST(FuzzRegressionBase64, PrivateKeySeedIsAsciiBase64) {
    std::string error;
    const std::string key = "ToyTLS private key v1\ned25519-seed: p+YharlThGT4rilq6wWpP0O8eDkSnCnSyg1giTGK+xI=\n";
    ASSERT_TRUE(parse_private_key(as_bytes(key), error).has_value()) << error;
    std::string respelled = key;
    respelled[respelled.find('+')] = '\xab';  // base64_decode alone took it for '/'
    EXPECT_FALSE(parse_private_key(as_bytes(respelled), error).has_value());
    EXPECT_NE(error.find("not printable ASCII"), std::string::npos) << error;
}

}  // namespace
}  // namespace toytls
