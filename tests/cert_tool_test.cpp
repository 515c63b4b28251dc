// toytls-cert, run in-process: the commands the certs/README.md shows, their
// exact output, and the exit status for each kind of mistake.
#include <gtest/gtest.h>

#include <sstream>

#include <sys/stat.h>

#include "certificate_test_support.hpp"
#include "tools/cert_tool.hpp"
#include "toytls/key_file.hpp"

using namespace toytls;
using namespace toytls::testing;

namespace {

struct ToolRun {
    int status;
    std::string out;
    std::string err;
};

std::string committed(std::string_view name) { return std::string(TOYTLS_SOURCE_DIR) + "/certs/" + std::string(name); }

class CertToolTest : public ::testing::Test {
protected:
    DeterministicRandomForTestsOnly random{0x77};
    CertToolEnvironment environment{random, fixed_clock(time_2030)};
    TemporaryDirectory directory;

    ToolRun run(const std::vector<std::string>& arguments) {
        std::ostringstream out;
        std::ostringstream err;
        const int status = run_cert_tool(arguments, out, err, environment);
        return {status, out.str(), err.str()};
    }

    // `verify` against the committed demo root, at 2030-01-01.
    ToolRun verify_against_demo_root(std::string_view name, const std::vector<std::string>& chain_files) {
        std::vector<std::string> arguments = {"verify",          "--root", committed("root.cert"), "--name",
                                              std::string(name), "--at",   "2030-01-01T00:00:00Z"};
        arguments.insert(arguments.end(), chain_files.begin(), chain_files.end());
        return run(arguments);
    }
};

mode_t mode_of(const std::string& path) {
    struct stat status {};
    if (::stat(path.c_str(), &status) != 0) return 0;
    return status.st_mode & 07777;
}

}  // namespace

TEST_F(CertToolTest, HelpGoesToStdoutWithStatus0) {
    for (const auto& arguments :
         std::vector<std::vector<std::string>>{{"-h"}, {"--help"}, {"help"}, {"verify", "-h"}}) {
        const ToolRun result = run(arguments);
        EXPECT_EQ(result.status, 0);
        EXPECT_TRUE(result.out.starts_with("usage: toytls-cert COMMAND [OPTIONS]\n")) << result.out;
        EXPECT_NE(result.out.find("toytls-cert verify --root ROOT"), std::string::npos);
        EXPECT_EQ(result.err, "");
    }
}

TEST_F(CertToolTest, UsageErrorsGoToStderrWithStatus2) {
    const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
        {{"frobnicate"}, "toytls-cert: unknown command 'frobnicate' (see toytls-cert -h)\n"},
        {{"verify", "--root", "r.cert", "leaf.cert"}, "toytls-cert: missing --name (see toytls-cert -h)\n"},
        {{"verify", "--name", "localhost", "leaf.cert"},
         "toytls-cert: missing --root (at least one) (see toytls-cert -h)\n"},
        {{"verify", "--root", "r.cert", "--name", "localhost"},
         "toytls-cert: verify needs the leaf certificate file, then any intermediates (see toytls-cert -h)\n"},
        {{"verify", "--nmae", "localhost"}, "toytls-cert: unknown option '--nmae' for 'verify' (see toytls-cert -h)\n"},
        {{"verify", "--root"}, "toytls-cert: option '--root' needs a value (see toytls-cert -h)\n"},
        {{"verify", "--root", "r.cert", "--name", "a", "--name", "b", "leaf.cert"},
         "toytls-cert: option '--name' given twice (see toytls-cert -h)\n"},
        {{"verify", "--root", "r.cert", "--name", "a", "--at", "2030-01-01", "leaf.cert"},
         "toytls-cert: --at must be a UTC time like 2030-01-01T00:00:00Z, got '2030-01-01' (see toytls-cert -h)\n"},
        {{"show"}, "toytls-cert: show takes one file (see toytls-cert -h)\n"},
        {{"init-demo"}, "toytls-cert: init-demo takes one directory (see toytls-cert -h)\n"},
        {{"new-root", "--subject", "R", "--out-cert", "r.cert", "--out-key", "r.key", "--days", "ten"},
         "toytls-cert: --days must be a number 0..100000, got 'ten' (see toytls-cert -h)\n"},
        {{"new-root", "--subject", "R", "--out-cert", "r.cert", "--out-key", "r.key", "--path-len", "9"},
         "toytls-cert: --path-len must be a number 0..8, got '9' (see toytls-cert -h)\n"},
        {{"issue", "--issuer-cert", "i.cert", "--issuer-key", "i.key", "--subject", "S", "--ca", "--out-cert", "s.cert",
          "--out-key", "s.key"},
         "toytls-cert: --ca and --path-len N go together (see toytls-cert -h)\n"},
    };
    for (const auto& [arguments, expected] : cases) {
        const ToolRun result = run(arguments);
        EXPECT_EQ(result.status, 2) << expected;
        EXPECT_EQ(result.err, expected);
        EXPECT_EQ(result.out, "");
    }
    const ToolRun nothing = run({});
    EXPECT_EQ(nothing.status, 2);
    EXPECT_TRUE(nothing.err.starts_with("usage: toytls-cert")) << nothing.err;
}

TEST_F(CertToolTest, VerifyTheCommittedChain) {
    const ToolRun result =
        verify_against_demo_root("localhost", {committed("server.cert"), committed("intermediate.cert")});
    EXPECT_EQ(result.status, 0);
    EXPECT_EQ(result.out,
              "OK: certificate 'localhost' is valid for 'localhost'; chain: 'localhost' <- 'ToyTLS Demo Intermediate "
              "CA' <- 'ToyTLS Demo Root CA' (trusted root)\n");
    EXPECT_EQ(result.err, "");
}

TEST_F(CertToolTest, VerifyTheCommittedChainForAWrongName) {
    const ToolRun result =
        verify_against_demo_root("example.com", {committed("server.cert"), committed("intermediate.cert")});
    EXPECT_EQ(result.status, 1);
    EXPECT_EQ(result.out,
              "REJECTED (bad_certificate): certificate 'localhost' is not valid for the name 'example.com' (its "
              "names: localhost, 127.0.0.1)\n");
    EXPECT_EQ(result.err, "");
}

TEST_F(CertToolTest, VerifyWithoutTheIntermediate) {
    const ToolRun result = verify_against_demo_root("localhost", {committed("server.cert")});
    EXPECT_EQ(result.status, 1);
    EXPECT_EQ(result.out,
              "REJECTED (unknown_ca): certificate 'localhost' is issued by 'ToyTLS Demo Intermediate CA', which is "
              "not a trusted root\n");
}

TEST_F(CertToolTest, VerifyAMissingFile) {
    const ToolRun result = verify_against_demo_root("localhost", {directory.file("nothing.cert")});
    EXPECT_EQ(result.status, 1);
    EXPECT_EQ(result.err,
              "toytls-cert: " + directory.file("nothing.cert") + ": cannot open: No such file or directory\n");
}

TEST_F(CertToolTest, InitDemoMakesAChainThatVerifies) {
    const std::string demo = directory.file("demo");
    const ToolRun result = run({"init-demo", demo});
    ASSERT_EQ(result.status, 0) << result.err;
    EXPECT_EQ(result.out, "wrote " + demo + "/root.cert and " + demo + "/root.key: 'ToyTLS Demo Root CA'\n" + "wrote " +
                              demo + "/intermediate.cert and " + demo +
                              "/intermediate.key: 'ToyTLS Demo Intermediate CA'\n" + "wrote " + demo +
                              "/server.cert and " + demo + "/server.key: 'localhost'\n" +
                              "These are demo keys: anyone with the repository has them. Never use them for anything "
                              "real.\n");
    for (std::string_view stem : {"root", "intermediate", "server"}) {
        EXPECT_EQ(mode_of(demo + "/" + std::string(stem) + ".key"), 0600u) << stem;
        EXPECT_EQ(mode_of(demo + "/" + std::string(stem) + ".cert"), 0644u) << stem;
    }

    std::string error;
    auto root = load_certificate_file(demo + "/root.cert", error);
    auto intermediate = load_certificate_file(demo + "/intermediate.cert", error);
    auto server = load_certificate_file(demo + "/server.cert", error);
    ASSERT_TRUE(root && intermediate && server) << error;
    EXPECT_EQ(root->subject, "ToyTLS Demo Root CA");
    EXPECT_EQ(root->issuer, "ToyTLS Demo Root CA");
    EXPECT_EQ(root->path_len, 1u);
    EXPECT_EQ(intermediate->path_len, 0u);
    EXPECT_FALSE(server->is_ca);
    EXPECT_EQ(server->dns_names, (std::vector<std::string>{"localhost", "127.0.0.1"}));
    EXPECT_EQ(format_utc_time(server->not_before), "2026-01-01T00:00:00Z");
    EXPECT_EQ(format_utc_time(server->not_after), "2046-01-01T00:00:00Z");

    for (std::string_view name : {"localhost", "127.0.0.1"}) {
        const ToolRun verified = run({"verify", "--root", demo + "/root.cert", "--name", std::string(name),
                                      demo + "/server.cert", demo + "/intermediate.cert"});
        EXPECT_EQ(verified.status, 0) << verified.out;
    }
}

TEST_F(CertToolTest, InitDemoNeverOverwrites) {
    const std::string demo = directory.file("demo");
    ASSERT_EQ(run({"init-demo", demo}).status, 0);
    std::string error;
    const Bytes root_before = *read_file_bytes(demo + "/root.key", max_read_file_size, error);
    const ToolRun again = run({"init-demo", demo});
    EXPECT_EQ(again.status, 1);
    EXPECT_EQ(again.err,
              "toytls-cert: " + demo + "/root.cert already exists; remove it first (files are never overwritten)\n");
    EXPECT_EQ(*read_file_bytes(demo + "/root.key", max_read_file_size, error), root_before);
}

TEST_F(CertToolTest, KeysComeFromTheRandomSource) {
    ASSERT_EQ(run({"init-demo", directory.file("a")}).status, 0);
    DeterministicRandomForTestsOnly same_seed{0x77};
    CertToolEnvironment same{same_seed, fixed_clock(time_2030)};
    std::ostringstream out;
    std::ostringstream err;
    ASSERT_EQ(run_cert_tool({"init-demo", directory.file("b")}, out, err, same), 0);
    std::string error;
    EXPECT_EQ(*read_file_bytes(directory.file("a/server.cert"), max_read_file_size, error),
              *read_file_bytes(directory.file("b/server.cert"), max_read_file_size, error));
    EXPECT_NE(*read_file_bytes(directory.file("a/server.key"), max_read_file_size, error),
              *read_file_bytes(directory.file("a/root.key"), max_read_file_size, error));
}

TEST_F(CertToolTest, NewRootIssueAndVerify) {
    const std::string root_cert = directory.file("root.cert");
    const std::string root_key = directory.file("root.key");
    const ToolRun root = run({"new-root", "--subject", "Class Root", "--out-cert", root_cert, "--out-key", root_key,
                              "--serial", "10", "--path-len", "0"});
    ASSERT_EQ(root.status, 0) << root.err;
    EXPECT_TRUE(root.out.starts_with("wrote " + root_cert + " and " + root_key +
                                     " (mode 0600)\n"
                                     "certificate 'Class Root'\n  serial:      10\n"))
        << root.out;
    EXPECT_EQ(mode_of(root_key), 0600u);

    const std::string leaf_cert = directory.file("leaf.cert");
    const ToolRun leaf = run({"issue", "--issuer-cert", root_cert, "--issuer-key", root_key, "--subject", "class.test",
                              "--dns", "class.test", "--dns", "www.class.test", "--out-cert", leaf_cert, "--out-key",
                              directory.file("leaf.key")});
    ASSERT_EQ(leaf.status, 0) << leaf.err;
    EXPECT_EQ(leaf.err, "");

    std::string error;
    auto root_certificate = load_certificate_file(root_cert, error);
    auto leaf_certificate = load_certificate_file(leaf_cert, error);
    ASSERT_TRUE(root_certificate && leaf_certificate) << error;
    // Defaults: now (the injected clock) for 3650 days (root) and 365 days (issue).
    EXPECT_EQ(root_certificate->not_before, time_2030);
    EXPECT_EQ(root_certificate->not_after, time_2030 + 3650 * 86400);
    EXPECT_EQ(leaf_certificate->not_after, time_2030 + 365 * 86400);
    EXPECT_EQ(leaf_certificate->issuer, "Class Root");
    EXPECT_EQ(leaf_certificate->dns_names, (std::vector<std::string>{"class.test", "www.class.test"}));

    const ToolRun verified = run({"verify", "--root", root_cert, "--name", "WWW.class.test", leaf_cert});
    EXPECT_EQ(verified.status, 0);
    EXPECT_EQ(verified.out,
              "OK: certificate 'class.test' is valid for 'WWW.class.test'; chain: 'class.test' <- 'Class Root' "
              "(trusted root)\n");
}

TEST_F(CertToolTest, IssueRefusesBadValuesAndAMismatchedIssuerKey) {
    const ToolRun uppercase = run({"issue", "--issuer-cert", committed("intermediate.cert"), "--issuer-key",
                                   committed("intermediate.key"), "--subject", "x", "--dns", "Example.com",
                                   "--out-cert", directory.file("x.cert"), "--out-key", directory.file("x.key")});
    EXPECT_EQ(uppercase.status, 2);
    EXPECT_EQ(uppercase.err,
              "toytls-cert: cannot issue certificate 'x': line 8: dns name 'Example.com' may only have lower-case "
              "a-z, digits, '.' and '-' (see toytls-cert -h)\n");
    EXPECT_FALSE(std::filesystem::exists(directory.file("x.key")));

    const ToolRun mismatched =
        run({"issue", "--issuer-cert", committed("intermediate.cert"), "--issuer-key", committed("root.key"),
             "--subject", "x", "--out-cert", directory.file("x.cert"), "--out-key", directory.file("x.key")});
    EXPECT_EQ(mismatched.status, 1);
    EXPECT_EQ(mismatched.err, "toytls-cert: " + committed("root.key") + " is not the key of " +
                                  committed("intermediate.cert") + " ('ToyTLS Demo Intermediate CA')\n");
}

// The classroom recipes of certs/README.md, with their exact verdicts.
TEST_F(CertToolTest, ClassroomExpiredLeaf) {
    const ToolRun issued =
        run({"issue", "--issuer-cert", committed("intermediate.cert"), "--issuer-key", committed("intermediate.key"),
             "--subject", "localhost", "--dns", "localhost", "--not-before", "2020-01-01T00:00:00Z", "--days", "30",
             "--out-cert", directory.file("expired.cert"), "--out-key", directory.file("expired.key")});
    ASSERT_EQ(issued.status, 0) << issued.err;
    const ToolRun result =
        verify_against_demo_root("localhost", {directory.file("expired.cert"), committed("intermediate.cert")});
    EXPECT_EQ(result.status, 1);
    EXPECT_EQ(result.out,
              "REJECTED (certificate_expired): certificate 'localhost' expired at 2020-01-31T00:00:00Z (now "
              "2030-01-01T00:00:00Z)\n");
}

TEST_F(CertToolTest, ClassroomLeafIssuedByANonCa) {
    const ToolRun issued = run({"issue", "--issuer-cert", committed("server.cert"), "--issuer-key",
                                committed("server.key"), "--subject", "evil.test", "--dns", "evil.test", "--out-cert",
                                directory.file("evil.cert"), "--out-key", directory.file("evil.key")});
    ASSERT_EQ(issued.status, 0) << issued.err;
    EXPECT_EQ(issued.err, "warning: 'localhost' is not a CA; clients will reject what it issues\n");
    const ToolRun result = verify_against_demo_root(
        "evil.test", {directory.file("evil.cert"), committed("server.cert"), committed("intermediate.cert")});
    EXPECT_EQ(result.status, 1);
    EXPECT_EQ(result.out, "REJECTED (bad_certificate): certificate 'localhost' is not a CA but issued 'evil.test'\n");
}

TEST_F(CertToolTest, ShowACertificateAndAKeyWithoutItsSeed) {
    const ToolRun certificate = run({"show", committed("server.cert")});
    EXPECT_EQ(certificate.status, 0);
    EXPECT_TRUE(certificate.out.starts_with("certificate 'localhost'\n  serial:      3\n")) << certificate.out;

    std::string error;
    auto key_text = read_file_bytes(committed("server.key"), max_read_file_size, error);
    ASSERT_TRUE(key_text) << error;
    const std::string text = text_of(*key_text);
    const std::string seed = text.substr(text.find("ed25519-seed: ") + 14, 44);
    auto key = parse_private_key(*key_text, error);
    ASSERT_TRUE(key) << error;

    const ToolRun shown = run({"show", committed("server.key")});
    EXPECT_EQ(shown.status, 0);
    EXPECT_EQ(shown.out,
              "private key (Ed25519); the seed is not shown\n  public key:  " + base64_encode(key->public_key()) +
                  "\n  warning:     DEMO KEY - PUBLISHED IN THE REPOSITORY, NEVER USE FOR ANYTHING REAL\n");
    EXPECT_EQ(shown.out.find(seed), std::string::npos);
}
