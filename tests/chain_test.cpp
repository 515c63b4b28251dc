// Chain validation: one test per rule of the design, each checking the
// alert and the exact words, plus the order in which the rules apply and
// the committed demo chain in certs/.
#include <gtest/gtest.h>

#include "certificate_test_support.hpp"
#include "toytls/chain.hpp"
#include "toytls/key_file.hpp"

using namespace toytls;
using namespace toytls::testing;

namespace {

class ChainTest : public ::testing::Test {
protected:
    DemoLikePki pki;
    TrustStore store = pki.trust_store();

    ChainVerdict verify(const std::vector<Bytes>& wire, std::string_view name = "localhost",
                        UnixTime now = time_2030) const {
        return verify_chain(wire, store, name, now);
    }

    Certificate leaf_from(const CertificateFields& fields) const {
        return issue_certificate(fields, pki.intermediate_key);
    }
    CertificateFields localhost_fields() const {
        return leaf_fields("localhost", "Test Intermediate CA", pki.leaf_key, {"localhost", "127.0.0.1"});
    }
};

void expect_rejected(const ChainVerdict& verdict, Alert alert, const std::string& reason) {
    EXPECT_FALSE(verdict.ok);
    EXPECT_EQ(alert_name(verdict.alert), alert_name(alert));
    EXPECT_EQ(verdict.reason, reason);
    EXPECT_FALSE(verdict.leaf.has_value());
}

}  // namespace

TEST_F(ChainTest, DemoLikeChainIsAccepted) {
    const ChainVerdict verdict = verify(pki.wire());
    EXPECT_TRUE(verdict.ok);
    EXPECT_EQ(verdict.reason,
              "certificate 'localhost' is valid for 'localhost'; chain: 'localhost' <- 'Test Intermediate CA' <- "
              "'Test Root CA' (trusted root)");
    ASSERT_TRUE(verdict.leaf.has_value());
    EXPECT_EQ(verdict.leaf->encoded, pki.leaf.encoded);
    EXPECT_TRUE(verify(pki.wire(), "127.0.0.1").ok);
}

TEST_F(ChainTest, LeafSignedDirectlyByTheRootIsAccepted) {
    const Certificate leaf =
        issue_certificate(leaf_fields("direct", "Test Root CA", pki.leaf_key, {"direct.test"}), pki.root_key);
    EXPECT_TRUE(verify({leaf.encoded}, "direct.test").ok);
}

TEST_F(ChainTest, NameMatchIsAsciiCaseInsensitiveAndExact) {
    EXPECT_TRUE(verify(pki.wire(), "LocalHost").ok);
    EXPECT_TRUE(verify(pki.wire(), "LOCALHOST").ok);
    EXPECT_TRUE(server_name_matches(pki.leaf, "localHOST"));
    EXPECT_FALSE(server_name_matches(pki.leaf, "localhost."));
    EXPECT_FALSE(server_name_matches(pki.leaf, "www.localhost"));
    EXPECT_FALSE(server_name_matches(pki.leaf, "localhos"));
    EXPECT_FALSE(server_name_matches(pki.leaf, "127.0.0.10"));
}

TEST_F(ChainTest, WrongServerName) {
    expect_rejected(verify(pki.wire(), "example.com"), Alert::bad_certificate,
                    "certificate 'localhost' is not valid for the name 'example.com' (its names: localhost, "
                    "127.0.0.1)");
}

TEST_F(ChainTest, NoServerName) {
    expect_rejected(verify(pki.wire(), ""), Alert::bad_certificate,
                    "no server name was given, and certificate 'localhost' can only be checked against one (its "
                    "names: localhost, 127.0.0.1)");
}

TEST_F(ChainTest, LeafWithoutDnsNamesMatchesNothing) {
    const Certificate leaf = leaf_from(leaf_fields("localhost", "Test Intermediate CA", pki.leaf_key, {}));
    expect_rejected(verify({leaf.encoded, pki.intermediate.encoded}), Alert::bad_certificate,
                    "certificate 'localhost' is not valid for the name 'localhost' (it has no dns names)");
}

TEST_F(ChainTest, EmptyChain) {
    expect_rejected(verify({}), Alert::bad_certificate, "no certificate: the server must send at least its own");
}

TEST_F(ChainTest, UnparsableCertificateOnTheWire) {
    expect_rejected(verify({pki.leaf.encoded, bytes_of("hello\n")}), Alert::bad_certificate,
                    "certificate 2 of 2 on the wire does not parse: line 1: expected 'ToyTLS certificate v1', found "
                    "'hello'");
    expect_rejected(verify({bytes_of("")}), Alert::bad_certificate,
                    "certificate 1 of 1 on the wire (the leaf) does not parse: certificate is empty");
}

TEST_F(ChainTest, ChainTooLong) {
    const Bytes& intermediate = pki.intermediate.encoded;
    expect_rejected(verify({pki.leaf.encoded, intermediate, intermediate, intermediate}), Alert::bad_certificate,
                    "chain too long: 4 certificates on the wire, at most 3 (the leaf and up to 2 intermediates; the "
                    "root is never sent)");
}

TEST_F(ChainTest, UnknownRoot) {
    const Ed25519KeyPair other_key = key_from_seed_byte(0x41);
    TrustStore other_store;
    other_store.add_root(issue_certificate(ca_fields("Other Root CA", "Other Root CA", other_key, 1), other_key));
    expect_rejected(verify_chain(pki.wire(), other_store, "localhost", time_2030), Alert::unknown_ca,
                    "certificate 'Test Intermediate CA' is issued by 'Test Root CA', which is not a trusted root");
    expect_rejected(verify_chain(pki.wire(), TrustStore{}, "localhost", time_2030), Alert::unknown_ca,
                    "certificate 'Test Intermediate CA' is issued by 'Test Root CA', which is not a trusted root");
}

TEST_F(ChainTest, TrustedRootOfTheSameNameButAnotherKey) {
    const Ed25519KeyPair impostor_key = key_from_seed_byte(0x42);
    TrustStore impostor_store;
    impostor_store.add_root(
        issue_certificate(ca_fields("Test Root CA", "Test Root CA", impostor_key, 1), impostor_key));
    expect_rejected(verify_chain(pki.wire(), impostor_store, "localhost", time_2030), Alert::unknown_ca,
                    "signature of certificate 'Test Intermediate CA' does not verify with the key of the trusted "
                    "root 'Test Root CA'");

    // With the real root in the store as well (a root being replaced), the chain is fine.
    impostor_store.add_root(pki.root);
    EXPECT_TRUE(verify_chain(pki.wire(), impostor_store, "localhost", time_2030).ok);
}

TEST_F(ChainTest, MissingIntermediate) {
    expect_rejected(verify({pki.leaf.encoded}), Alert::unknown_ca,
                    "certificate 'localhost' is issued by 'Test Intermediate CA', which is not a trusted root");
}

TEST_F(ChainTest, RootOnTheWireThatIsNotInTheStore) {
    TrustStore other_store;
    const Ed25519KeyPair other_key = key_from_seed_byte(0x41);
    other_store.add_root(issue_certificate(ca_fields("Other Root CA", "Other Root CA", other_key, 1), other_key));
    expect_rejected(verify_chain({pki.leaf.encoded, pki.intermediate.encoded, pki.root.encoded}, other_store,
                                 "localhost", time_2030),
                    Alert::unknown_ca,
                    "certificate 'Test Root CA' on the wire is self-issued (issuer == subject); roots come only from "
                    "the trust store");
}

// Decision: refused even though the store holds this very root. The design
// says the root is never sent; accepting it here would teach that a server
// may send it, and the check would have to compare bytes with the store.
TEST_F(ChainTest, RootOnTheWireThatIsInTheStoreIsStillRefused) {
    expect_rejected(verify({pki.leaf.encoded, pki.intermediate.encoded, pki.root.encoded}), Alert::unknown_ca,
                    "certificate 'Test Root CA' on the wire is self-issued (issuer == subject); roots come only from "
                    "the trust store");
}

TEST_F(ChainTest, SelfSignedLeaf) {
    const Certificate self_signed =
        issue_certificate(leaf_fields("localhost", "localhost", pki.leaf_key, {"localhost"}), pki.leaf_key);
    expect_rejected(verify({self_signed.encoded}), Alert::unknown_ca,
                    "certificate 'localhost' on the wire is self-issued (issuer == subject); roots come only from "
                    "the trust store");
}

TEST_F(ChainTest, WrongOrderIntermediateFirst) {
    expect_rejected(verify({pki.intermediate.encoded, pki.leaf.encoded}), Alert::bad_certificate,
                    "certificate 'Test Intermediate CA' is issued by 'Test Root CA', but the next certificate on the "
                    "wire is 'localhost' (each certificate must be followed by its issuer)");
}

TEST_F(ChainTest, IntermediateWithTheRightNameButAnotherKey) {
    const Ed25519KeyPair impostor_key = key_from_seed_byte(0x43);
    const Certificate impostor =
        issue_certificate(ca_fields("Test Intermediate CA", "Test Root CA", impostor_key, 0), pki.root_key);
    expect_rejected(verify({pki.leaf.encoded, impostor.encoded}), Alert::bad_certificate,
                    "signature of certificate 'localhost' does not verify with the key of 'Test Intermediate CA'");
}

TEST_F(ChainTest, IntermediateThatIsNotACa) {
    const Certificate not_a_ca =
        issue_certificate(leaf_fields("Test Intermediate CA", "Test Root CA", pki.intermediate_key, {}), pki.root_key);
    expect_rejected(verify({pki.leaf.encoded, not_a_ca.encoded}), Alert::bad_certificate,
                    "certificate 'Test Intermediate CA' is not a CA but issued 'localhost'");
}

TEST_F(ChainTest, TrustedRootThatIsNotACa) {
    TrustStore store_with_leaf_root;
    store_with_leaf_root.add_root(
        issue_certificate(leaf_fields("Test Root CA", "Test Root CA", pki.root_key, {}), pki.root_key));
    expect_rejected(verify_chain(pki.wire(), store_with_leaf_root, "localhost", time_2030), Alert::bad_certificate,
                    "certificate 'Test Root CA' is not a CA but issued 'Test Intermediate CA'");
}

TEST_F(ChainTest, LeafThatIsACa) {
    CertificateFields fields = localhost_fields();
    fields.is_ca = true;
    fields.path_len = 0;
    expect_rejected(verify({leaf_from(fields).encoded, pki.intermediate.encoded}), Alert::bad_certificate,
                    "certificate 'localhost' is a CA (ca: true); the server's own certificate must have ca: false");
}

TEST_F(ChainTest, PathLenExceededAtTheRoot) {
    // Root with path-len 0 may sign leaves only, not an intermediate.
    TrustStore strict_store;
    strict_store.add_root(issue_certificate(ca_fields("Test Root CA", "Test Root CA", pki.root_key, 0), pki.root_key));
    expect_rejected(verify_chain(pki.wire(), strict_store, "localhost", time_2030), Alert::bad_certificate,
                    "certificate 'Test Root CA' has path-len 0, but the path puts 1 intermediate CA below it");
}

TEST_F(ChainTest, PathLenCountsEveryIntermediateBelow) {
    // root (path-len 1) -> upper (path-len 1) -> lower (path-len 0) -> leaf:
    // two intermediates under the root, one more than it allows.
    const Ed25519KeyPair upper_key = key_from_seed_byte(0x51);
    const Ed25519KeyPair lower_key = key_from_seed_byte(0x52);
    const Certificate upper = issue_certificate(ca_fields("Upper CA", "Test Root CA", upper_key, 1), pki.root_key);
    const Certificate lower = issue_certificate(ca_fields("Lower CA", "Upper CA", lower_key, 0), upper_key);
    const Certificate leaf =
        issue_certificate(leaf_fields("localhost", "Lower CA", pki.leaf_key, {"localhost"}), lower_key);
    expect_rejected(verify({leaf.encoded, lower.encoded, upper.encoded}), Alert::bad_certificate,
                    "certificate 'Test Root CA' has path-len 1, but the path puts 2 intermediate CAs below it");

    // The same shape under a root with path-len 2 is fine...
    TrustStore roomy_store;
    roomy_store.add_root(issue_certificate(ca_fields("Test Root CA", "Test Root CA", pki.root_key, 2), pki.root_key));
    EXPECT_TRUE(verify_chain({leaf.encoded, lower.encoded, upper.encoded}, roomy_store, "localhost", time_2030).ok);

    // ...unless the upper intermediate itself allows none below it.
    const Certificate upper_zero = issue_certificate(ca_fields("Upper CA", "Test Root CA", upper_key, 0), pki.root_key);
    expect_rejected(
        verify_chain({leaf.encoded, lower.encoded, upper_zero.encoded}, roomy_store, "localhost", time_2030),
        Alert::bad_certificate, "certificate 'Upper CA' has path-len 0, but the path puts 1 intermediate CA below it");
}

TEST_F(ChainTest, ValidityBoundsAreInclusive) {
    EXPECT_TRUE(verify(pki.wire(), "localhost", time_2026).ok);
    EXPECT_TRUE(verify(pki.wire(), "localhost", time_2046).ok);
    expect_rejected(verify(pki.wire(), "localhost", time_2026 - 1), Alert::certificate_expired,
                    "certificate 'localhost' is not valid before 2026-01-01T00:00:00Z (now 2025-12-31T23:59:59Z)");
    expect_rejected(verify(pki.wire(), "localhost", time_2046 + 1), Alert::certificate_expired,
                    "certificate 'localhost' expired at 2046-01-01T00:00:00Z (now 2046-01-01T00:00:01Z)");
}

TEST_F(ChainTest, ExpiredAndNotYetValidLeaf) {
    CertificateFields expired = localhost_fields();
    expired.not_after = time_2030 - 86400;
    expect_rejected(verify({leaf_from(expired).encoded, pki.intermediate.encoded}), Alert::certificate_expired,
                    "certificate 'localhost' expired at 2029-12-31T00:00:00Z (now 2030-01-01T00:00:00Z)");

    CertificateFields not_yet = localhost_fields();
    not_yet.not_before = time_2030 + 1;
    expect_rejected(verify({leaf_from(not_yet).encoded, pki.intermediate.encoded}), Alert::certificate_expired,
                    "certificate 'localhost' is not valid before 2030-01-01T00:00:01Z (now 2030-01-01T00:00:00Z)");
}

TEST_F(ChainTest, ExpiredAndNotYetValidIntermediate) {
    CertificateFields expired = ca_fields("Test Intermediate CA", "Test Root CA", pki.intermediate_key, 0);
    expired.not_after = time_2030 - 1;
    expect_rejected(verify({pki.leaf.encoded, issue_certificate(expired, pki.root_key).encoded}),
                    Alert::certificate_expired,
                    "certificate 'Test Intermediate CA' expired at 2029-12-31T23:59:59Z (now 2030-01-01T00:00:00Z)");

    CertificateFields not_yet = ca_fields("Test Intermediate CA", "Test Root CA", pki.intermediate_key, 0);
    not_yet.not_before = time_2030 + 3600;
    expect_rejected(verify({pki.leaf.encoded, issue_certificate(not_yet, pki.root_key).encoded}),
                    Alert::certificate_expired,
                    "certificate 'Test Intermediate CA' is not valid before 2030-01-01T01:00:00Z (now "
                    "2030-01-01T00:00:00Z)");
}

TEST_F(ChainTest, ExpiredAndNotYetValidRoot) {
    CertificateFields expired = ca_fields("Test Root CA", "Test Root CA", pki.root_key, 1);
    expired.not_after = time_2030 - 1;
    TrustStore expired_store;
    expired_store.add_root(issue_certificate(expired, pki.root_key));
    expect_rejected(verify_chain(pki.wire(), expired_store, "localhost", time_2030), Alert::certificate_expired,
                    "certificate 'Test Root CA' expired at 2029-12-31T23:59:59Z (now 2030-01-01T00:00:00Z)");

    CertificateFields not_yet = ca_fields("Test Root CA", "Test Root CA", pki.root_key, 1);
    not_yet.not_before = time_2030 + 1;
    TrustStore not_yet_store;
    not_yet_store.add_root(issue_certificate(not_yet, pki.root_key));
    expect_rejected(verify_chain(pki.wire(), not_yet_store, "localhost", time_2030), Alert::certificate_expired,
                    "certificate 'Test Root CA' is not valid before 2030-01-01T00:00:01Z (now 2030-01-01T00:00:00Z)");
}

// The design's order: parse, length, links/signatures, CA flags, path-len,
// validity, name. Each pair below breaks two rules; the earlier one is told.
TEST_F(ChainTest, RulesApplyInTheDesignsOrder) {
    const Bytes& leaf = pki.leaf.encoded;
    const Bytes& intermediate = pki.intermediate.encoded;

    // parse before length
    expect_rejected(verify({leaf, intermediate, intermediate, bytes_of("junk\n")}), Alert::bad_certificate,
                    "certificate 4 of 4 on the wire does not parse: line 1: expected 'ToyTLS certificate v1', found "
                    "'junk'");
    // length before links (these four do not even link up)
    expect_rejected(verify({intermediate, leaf, leaf, leaf}), Alert::bad_certificate,
                    "chain too long: 4 certificates on the wire, at most 3 (the leaf and up to 2 intermediates; the "
                    "root is never sent)");
    // links before CA flags: a CA leaf, sent in the wrong order
    CertificateFields ca_leaf = localhost_fields();
    ca_leaf.is_ca = true;
    ca_leaf.path_len = 0;
    expect_rejected(verify({intermediate, leaf_from(ca_leaf).encoded}), Alert::bad_certificate,
                    "certificate 'Test Intermediate CA' is issued by 'Test Root CA', but the next certificate on the "
                    "wire is 'localhost' (each certificate must be followed by its issuer)");
    // CA flags before path-len, validity and name: an expired CA leaf for another name
    CertificateFields expired_ca_leaf = ca_leaf;
    expired_ca_leaf.not_after = time_2026 + 1;
    expect_rejected(verify({leaf_from(expired_ca_leaf).encoded, intermediate}, "example.com"), Alert::bad_certificate,
                    "certificate 'localhost' is a CA (ca: true); the server's own certificate must have ca: false");
    // validity before name
    CertificateFields expired = localhost_fields();
    expired.not_after = time_2026 + 1;
    expect_rejected(verify({leaf_from(expired).encoded, intermediate}, "example.com"), Alert::certificate_expired,
                    "certificate 'localhost' expired at 2026-01-01T00:00:01Z (now 2030-01-01T00:00:00Z)");
    // leaf validity is told before the root's
    TrustStore expired_store;
    CertificateFields expired_root = ca_fields("Test Root CA", "Test Root CA", pki.root_key, 1);
    expired_root.not_after = time_2026 + 1;
    expired_store.add_root(issue_certificate(expired_root, pki.root_key));
    expect_rejected(verify_chain({leaf_from(expired).encoded, intermediate}, expired_store, "localhost", time_2030),
                    Alert::certificate_expired,
                    "certificate 'localhost' expired at 2026-01-01T00:00:01Z (now 2030-01-01T00:00:00Z)");
}

// The committed demo chain (made by `toytls-cert init-demo certs`).
class CommittedDemoChain : public ::testing::Test {
protected:
    static std::string path(std::string_view name) {
        return std::string(TOYTLS_SOURCE_DIR) + "/certs/" + std::string(name);
    }

    static Bytes file(std::string_view name) {
        std::string error;
        auto bytes = read_file_bytes(path(name), max_read_file_size, error);
        if (!bytes) ADD_FAILURE() << path(name) << ": " << error;
        return bytes.value_or(Bytes{});
    }
};

TEST_F(CommittedDemoChain, VerifiesForLocalhostAnd127001In2030) {
    std::string error;
    auto root = load_certificate_file(path("root.cert"), error);
    ASSERT_TRUE(root) << error;
    TrustStore store;
    store.add_root(*root);
    const std::vector<Bytes> wire = {file("server.cert"), file("intermediate.cert")};
    for (std::string_view name : {"localhost", "127.0.0.1"}) {
        const ChainVerdict verdict = verify_chain(wire, store, name, time_2030);
        EXPECT_TRUE(verdict.ok) << name << ": " << verdict.reason;
        EXPECT_EQ(verdict.reason, "certificate 'localhost' is valid for '" + std::string(name) +
                                      "'; chain: 'localhost' <- 'ToyTLS Demo Intermediate CA' <- 'ToyTLS Demo Root "
                                      "CA' (trusted root)");
    }
    expect_rejected(verify_chain(wire, store, "localhost", *parse_utc_time("2046-01-01T00:00:01Z")),
                    Alert::certificate_expired,
                    "certificate 'localhost' expired at 2046-01-01T00:00:00Z (now 2046-01-01T00:00:01Z)");
}

TEST_F(CommittedDemoChain, KeysBelongToTheirCertificatesAndSayTheyAreDemoKeys) {
    for (std::string_view stem : {"root", "intermediate", "server"}) {
        std::string error;
        auto certificate = load_certificate_file(path(std::string(stem) + ".cert"), error);
        ASSERT_TRUE(certificate) << stem << ": " << error;
        std::string warning;
        Bytes key_text = file(std::string(stem) + ".key");
        auto key = parse_private_key(key_text, error, &warning);
        ASSERT_TRUE(key) << stem << ": " << error;
        EXPECT_EQ(key->public_key(), certificate->public_key) << stem;
        EXPECT_EQ(warning, "DEMO KEY - PUBLISHED IN THE REPOSITORY, NEVER USE FOR ANYTHING REAL") << stem;
    }
}
