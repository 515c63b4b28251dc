// Private key files: the exact format, strict parsing whose errors never
// quote the key, and files created with mode 0600 that never overwrite.
#include <gtest/gtest.h>

#include <sys/stat.h>

#include "certificate_test_support.hpp"
#include "toytls/key_file.hpp"

using namespace toytls;
using namespace toytls::testing;

namespace {

// The seed of key_from_seed_byte(0x03) is 32 bytes of 0x03.
constexpr std::string_view seed_base64 = "AwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwM=";
const std::string key_text = "ToyTLS private key v1\nwarning: DEMO\ned25519-seed: " + std::string(seed_base64) + "\n";

std::string parse_error_of(std::string_view text) {
    std::string error;
    auto key = parse_private_key(as_bytes(text), error);
    return key ? "parsed" : error;
}

mode_t mode_of(const std::string& path) {
    struct stat status {};
    if (::stat(path.c_str(), &status) != 0) return 0;
    return status.st_mode & 07777;
}

// Sets the process umask for one test and puts the old one back.
class ScopedUmask {
public:
    explicit ScopedUmask(mode_t mask) : previous_(::umask(mask)) {}
    ~ScopedUmask() { ::umask(previous_); }
    ScopedUmask(const ScopedUmask&) = delete;
    ScopedUmask& operator=(const ScopedUmask&) = delete;

private:
    mode_t previous_;
};

}  // namespace

TEST(PrivateKeyFile, FormatIsExact) {
    const Ed25519KeyPair key = key_from_seed_byte(0x03);
    EXPECT_EQ(format_private_key(key, "DEMO"), key_text);
    EXPECT_EQ(format_private_key(key, ""), "ToyTLS private key v1\ned25519-seed: " + std::string(seed_base64) + "\n");
}

TEST(PrivateKeyFile, ParseGivesBackTheKeyAndTheWarning) {
    std::string error;
    std::string warning;
    auto key = parse_private_key(as_bytes(key_text), error, &warning);
    ASSERT_TRUE(key) << error;
    EXPECT_EQ(key->public_key(), key_from_seed_byte(0x03).public_key());
    EXPECT_TRUE(key->seed().equals(key_from_seed_byte(0x03).seed().view()));
    EXPECT_EQ(warning, "DEMO");

    auto without_warning = parse_private_key(as_bytes(format_private_key(*key, "")), error, &warning);
    ASSERT_TRUE(without_warning) << error;
    EXPECT_EQ(warning, "");
}

TEST(PrivateKeyFile, MalformedFilesAreRejectedWithoutQuotingTheKey) {
    const std::string seed_line = "ed25519-seed: " + std::string(seed_base64);
    std::string crlf;
    for (char c : key_text) crlf += c == '\n' ? std::string("\r\n") : std::string(1, c);
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"", "line 1: expected 'ToyTLS private key v1'"},
        {seed_line + "\n", "line 1: expected 'ToyTLS private key v1'"},
        {crlf, "line 1: carriage return (CR) found; lines must end with LF only"},
        {key_text.substr(0, key_text.size() - 1), "line 3: the last line does not end with LF"},
        {"ToyTLS private key v1\nwarning: DEMO\n" + seed_line + " \n",
         "line 3: ends with a space; trailing spaces are not allowed"},
        {"ToyTLS private key v1\n\n" + seed_line + "\n", "line 2: empty line; blank lines are not allowed"},
        {"ToyTLS private key v1\nwarning: DEMO\n" + seed_line + "\t\n", "line 3: byte 0x09 is not printable ASCII"},
        {"ToyTLS private key v1\nwarning: DEMO\n", "missing the 'ed25519-seed: ' line (line 3)"},
        {"ToyTLS private key v1\n", "missing the 'ed25519-seed: ' line (line 2)"},
        {"ToyTLS private key v1\nseed: " + std::string(seed_base64) + "\n",
         "line 2: expected 'warning: ' or 'ed25519-seed: '"},
        {"ToyTLS private key v1\nwarning: A\nwarning: B\n" + seed_line + "\n", "line 3: expected 'ed25519-seed: '"},
        {key_text + "warning: late\n", "line 4: nothing may follow the ed25519-seed line"},
        {"ToyTLS private key v1\ned25519-seed: AwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwN=\n",
         "line 2: ed25519-seed is not valid base64 (standard alphabet, with '=' padding, nothing else)"},
        {"ToyTLS private key v1\ned25519-seed: " + base64_encode(Bytes(31, 3)) + "\n",
         "line 2: ed25519-seed is 31 bytes; expected 32"},
        {"ToyTLS private key v1\nwarning: " + std::string(1000, 'w') + "\n" + seed_line + "\n",
         "private key file is 1091 bytes; at most 1024 are allowed"},
    };
    for (const auto& [text, expected] : cases) {
        const std::string error = parse_error_of(text);
        EXPECT_EQ(error, expected) << text;
        EXPECT_EQ(error.find("AwMD"), std::string::npos) << "the error quotes the key: " << error;
    }
}

TEST(PrivateKeyFile, WarningMustBeOneCleanLine) {
    const Ed25519KeyPair key = key_from_seed_byte(0x03);
    EXPECT_THROW(format_private_key(key, "two\nlines"), std::invalid_argument);
    EXPECT_THROW(format_private_key(key, "trailing "), std::invalid_argument);
    EXPECT_THROW(format_private_key(key, std::string(1000, 'w')), std::invalid_argument);
}

TEST(PrivateKeyFile, WrittenWithModeExactly0600WhateverTheUmask) {
    TemporaryDirectory directory;
    const Ed25519KeyPair key = key_from_seed_byte(0x03);
    for (mode_t mask : {mode_t{0}, mode_t{022}, mode_t{0277}}) {
        ScopedUmask umask(mask);
        const std::string path = directory.file("key-" + std::to_string(mask));
        std::string error;
        ASSERT_TRUE(write_private_key_file(path, key, "DEMO", error)) << error;
        EXPECT_EQ(mode_of(path), 0600u) << "umask " << mask;
    }
}

TEST(PrivateKeyFile, WriteThenLoadRoundTrips) {
    TemporaryDirectory directory;
    const std::string path = directory.file("server.key");
    std::string error;
    ASSERT_TRUE(write_private_key_file(path, key_from_seed_byte(0x03), "DEMO", error)) << error;
    auto content = read_file_bytes(path, max_read_file_size, error);
    ASSERT_TRUE(content) << error;
    EXPECT_EQ(text_of(*content), key_text);
    auto loaded = load_private_key_file(path, error);
    ASSERT_TRUE(loaded) << error;
    EXPECT_EQ(loaded->public_key(), key_from_seed_byte(0x03).public_key());
}

TEST(PrivateKeyFile, NeverOverwritesAFileOrFollowsASymbolicLink) {
    TemporaryDirectory directory;
    const std::string path = directory.file("server.key");
    std::string error;
    ASSERT_TRUE(write_private_key_file(path, key_from_seed_byte(0x03), "DEMO", error)) << error;
    EXPECT_FALSE(write_private_key_file(path, key_from_seed_byte(0x04), "", error));
    EXPECT_EQ(error, "cannot create: File exists (remove it first; files are never overwritten)");
    EXPECT_EQ(load_private_key_file(path, error)->public_key(), key_from_seed_byte(0x03).public_key());

    const std::string link = directory.file("link.key");
    const std::string target = directory.file("target.key");
    std::filesystem::create_symlink(target, link);
    EXPECT_FALSE(write_private_key_file(link, key_from_seed_byte(0x03), "", error));
    EXPECT_FALSE(std::filesystem::exists(target));
}

TEST(PrivateKeyFile, LoadErrorsSayWhatWentWrong) {
    TemporaryDirectory directory;
    std::string error;
    EXPECT_FALSE(load_private_key_file(directory.file("missing.key"), error));
    EXPECT_EQ(error, "cannot open: No such file or directory");

    const std::string big = directory.file("big.key");
    std::string write_error;
    Certificate filler;
    filler.encoded = Bytes(max_private_key_file_size + 1, 'x');
    ASSERT_TRUE(write_certificate_file(big, filler, write_error)) << write_error;
    EXPECT_FALSE(load_private_key_file(big, error));
    EXPECT_EQ(error, "larger than 1024 bytes");
}

TEST(CertificateFile, WrittenWithMode0644AndLoadedBack) {
    TemporaryDirectory directory;
    DemoLikePki pki;
    const std::string path = directory.file("server.cert");
    std::string error;
    ASSERT_TRUE(write_certificate_file(path, pki.leaf, error)) << error;
    EXPECT_EQ(mode_of(path), 0644u);
    auto loaded = load_certificate_file(path, error);
    ASSERT_TRUE(loaded) << error;
    EXPECT_EQ(loaded->encoded, pki.leaf.encoded);

    const std::string bad = directory.file("bad.cert");
    Certificate not_a_certificate;
    not_a_certificate.encoded = bytes_of("ToyTLS certificate v1\nserial: 1\n");
    ASSERT_TRUE(write_certificate_file(bad, not_a_certificate, error)) << error;
    EXPECT_FALSE(load_certificate_file(bad, error));
    EXPECT_EQ(error, "missing field 'subject' (the certificate ends at line 2)");
}
