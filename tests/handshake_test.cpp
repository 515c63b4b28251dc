// Full handshakes between a real ClientConnection and ServerConnection in
// memory: every split of the byte stream, both suites, application data,
// closing, truncation, and server identities chosen by name.
#include <gtest/gtest.h>

#include <random>

#include "test_pki.hpp"

using namespace toytls;
using namespace toytls::testing;

namespace {

// Delivers `wire` to `receiver` in pieces of the given sizes (cycled).
void feed_in_pieces(Connection& receiver, const Bytes& wire, const std::vector<std::size_t>& sizes) {
    std::size_t offset = 0;
    for (std::size_t i = 0; offset < wire.size(); ++i) {
        std::size_t size = std::min(sizes[i % sizes.size()], wire.size() - offset);
        receiver.feed(ByteView(wire).subspan(offset, size));
        offset += size;
    }
}

void expect_established_and_talking(ClientConnection& client, ServerConnection& server) {
    ASSERT_TRUE(client.established()) << (client.failure() ? client.failure()->describe() : "");
    ASSERT_TRUE(server.established()) << (server.failure() ? server.failure()->describe() : "");
    EXPECT_EQ(client.cipher_suite(), server.cipher_suite());
    ASSERT_TRUE(client.peer_certificate().has_value());
    EXPECT_EQ(client.peer_certificate()->subject, "localhost");
    EXPECT_EQ(server.requested_server_name(), "localhost");
}

}  // namespace

TEST(Handshake, CompletesAndCarriesDataBothWays) {
    TestPki pki;
    ClientConnection client(client_config(pki));
    ServerConnection server(server_config(pki));
    ASSERT_TRUE(client.write(as_bytes("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n")));  // held until established
    exchange(client, server);
    expect_established_and_talking(client, server);
    EXPECT_EQ(as_string(server.read()), "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n");
    server.write(as_bytes("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi"));
    exchange(client, server);
    EXPECT_EQ(as_string(client.read()), "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi");
}

// A server frees an idle connection's buffers; whatever is still pending
// (records not yet popped, plaintext not yet read, a half-received record)
// must survive that, and the connection must work as before afterwards.
TEST(Handshake, ReleasingIdleBuffersKeepsEverythingPending) {
    TestPki pki;
    ClientConnection client(client_config(pki));
    ServerConnection server(server_config(pki));
    exchange(client, server);
    ASSERT_TRUE(server.established());
    server.release_idle_buffers();

    server.write(as_bytes("not yet popped"));
    server.release_idle_buffers();
    client.feed(server.pop());
    client.release_idle_buffers();  // plaintext not yet read
    EXPECT_EQ(as_string(client.read()), "not yet popped");

    client.write(as_bytes("split record"));
    const Bytes record = client.pop();
    server.feed(ByteView(record).first(10));
    server.release_idle_buffers();  // a partial record is kept
    server.feed(ByteView(record).subspan(10));
    EXPECT_EQ(as_string(server.read()), "split record");
    EXPECT_FALSE(server.failed());
}

class HandshakeForEachSuite : public ::testing::TestWithParam<CipherSuite> {};

TEST_P(HandshakeForEachSuite, NegotiatesTheOnlySuiteOffered) {
    if (!cipher_suite_available(GetParam())) GTEST_SKIP() << "AES-256-GCM needs AES-NI on this CPU";
    TestPki pki;
    ClientConfig config = client_config(pki);
    config.cipher_suites = {GetParam()};
    ClientConnection client(std::move(config));
    ServerConnection server(server_config(pki));
    exchange(client, server);
    expect_established_and_talking(client, server);
    EXPECT_EQ(client.cipher_suite(), GetParam());
}

TEST_P(HandshakeForEachSuite, SurvivesOneByteAtATime) {
    if (!cipher_suite_available(GetParam())) GTEST_SKIP() << "AES-256-GCM needs AES-NI on this CPU";
    TestPki pki;
    ClientConfig config = client_config(pki);
    config.cipher_suites = {GetParam()};
    ClientConnection client(std::move(config));
    ServerConnection server(server_config(pki));
    feed_in_pieces(server, client.pop(), {1});
    feed_in_pieces(client, server.pop(), {1});
    feed_in_pieces(server, client.pop(), {1});
    expect_established_and_talking(client, server);

    Bytes big(100'000);
    for (std::size_t i = 0; i < big.size(); ++i) big[i] = static_cast<std::uint8_t>(i * 7);
    server.write(big);
    feed_in_pieces(client, server.pop(), {1});
    EXPECT_EQ(client.read(), big);
}

INSTANTIATE_TEST_SUITE_P(BothSuites, HandshakeForEachSuite,
                         ::testing::Values(CipherSuite::aes_256_gcm_sha256, CipherSuite::chacha20_poly1305_sha256),
                         [](const auto& info) {
                             return info.param == CipherSuite::aes_256_gcm_sha256 ? "AES_256_GCM" : "CHACHA20_POLY1305";
                         });

TEST(Handshake, SurvivesRandomChunks) {
    TestPki pki;
    std::mt19937 rng(12345);
    for (int trial = 0; trial < 50; ++trial) {
        ClientConnection client(client_config(pki));
        ServerConnection server(server_config(pki));
        client.write(as_bytes("ping"));
        std::vector<std::size_t> sizes;
        for (int i = 0; i < 20; ++i) sizes.push_back(1 + rng() % 300);
        feed_in_pieces(server, client.pop(), sizes);
        feed_in_pieces(client, server.pop(), sizes);
        feed_in_pieces(server, client.pop(), sizes);
        ASSERT_TRUE(server.established()) << "trial " << trial;
        EXPECT_EQ(as_string(server.read()), "ping");
    }
}

TEST(Handshake, WholeFlightsCoalescedWithApplicationData) {
    TestPki pki;
    ClientConnection client(client_config(pki));
    ServerConnection server(server_config(pki));
    server.feed(client.pop());
    Bytes server_flight = server.pop();  // ServerHello, Certificate, CertificateVerify, Finished in one buffer
    client.feed(server_flight);
    ASSERT_TRUE(client.established());
    client.write(as_bytes("first"));
    client.write(as_bytes("second"));
    server.feed(client.pop());  // client Finished and two application records in one buffer
    ASSERT_TRUE(server.established());
    EXPECT_EQ(as_string(server.read()), "firstsecond");
}

TEST(Handshake, SameSeedsGiveTheSameBytes) {
    TestPki pki;
    auto run = [&pki] {
        ClientConnection client(client_config(pki));
        ServerConnection server(server_config(pki));
        Bytes wire = client.pop();
        server.feed(wire);
        append(wire, server.pop());
        return wire;
    };
    EXPECT_EQ(run(), run());
}

TEST(Handshake, LargeWritesAreSplitIntoRecordsOfAtMost16KiB) {
    TestPki pki;
    ClientConnection client(client_config(pki));
    ServerConnection server(server_config(pki));
    exchange(client, server);
    server.write(Bytes(40'000, 'x'));
    Bytes wire = server.pop();
    // 16384 + 16384 + 7232 bytes of plaintext, each with 3 + 24 bytes of framing.
    EXPECT_EQ(wire.size(), 40'000u + 3 * (record_header_size + protection_overhead));
    client.feed(wire);
    EXPECT_EQ(client.read().size(), 40'000u);
}

TEST(Close, CloseNotifyBothWays) {
    TestPki pki;
    ClientConnection client(client_config(pki));
    ServerConnection server(server_config(pki));
    exchange(client, server);
    server.write(as_bytes("bye"));
    server.close();
    EXPECT_FALSE(server.write(as_bytes("too late")));
    client.feed(server.pop());
    EXPECT_EQ(as_string(client.read()), "bye");
    EXPECT_TRUE(client.peer_closed());
    EXPECT_FALSE(client.failed());
    // Half close: the client may still answer before closing its side.
    EXPECT_TRUE(client.write(as_bytes("ok")));
    client.close();
    server.feed(client.pop());
    EXPECT_EQ(as_string(server.read()), "ok");
    EXPECT_TRUE(server.peer_closed());
    EXPECT_FALSE(server.failed());
    // EOF after close_notify is the normal end, not truncation.
    client.feed_eof();
    EXPECT_FALSE(client.truncated());
}

TEST(Close, EofWithoutCloseNotifyIsReportedAsTruncation) {
    TestPki pki;
    ClientConnection client(client_config(pki));
    ServerConnection server(server_config(pki));
    exchange(client, server);
    server.write(as_bytes("HTTP/1.1 200 OK\r\n\r\npart of a bo"));
    client.feed(server.pop());
    client.feed_eof();
    EXPECT_EQ(as_string(client.read()), "HTTP/1.1 200 OK\r\n\r\npart of a bo");
    EXPECT_TRUE(client.truncated());
    ASSERT_TRUE(client.failure().has_value());
    EXPECT_EQ(client.failure()->describe(), "truncated: TCP closed without close_notify");
}

TEST(Close, EofDuringTheHandshakeFails) {
    TestPki pki;
    ServerConnection server(server_config(pki));
    ClientConnection client(client_config(pki));
    Bytes hello = client.pop();
    server.feed(ByteView(hello).first(10));
    server.feed_eof();
    ASSERT_TRUE(server.failed());
    EXPECT_EQ(server.failure()->reason, "TCP closed during the handshake");
}

TEST(Close, DataAfterCloseNotifyIsIgnored) {
    TestPki pki;
    ClientConnection client(client_config(pki));
    ServerConnection server(server_config(pki));
    exchange(client, server);
    server.close();
    Bytes wire = server.pop();
    append(wire, as_bytes("any junk after close_notify"));
    client.feed(wire);
    EXPECT_TRUE(client.peer_closed());
    EXPECT_FALSE(client.failed());
    EXPECT_TRUE(client.read().empty());
}

// Two names on one server, as with two nginx server blocks on one port.
struct TwoIdentities {
    TestPki pki;
    Ed25519KeyPair other_leaf_key = key_from_seed_byte(9);
    Certificate other_leaf = issue_certificate(
        certificate_fields("example.test", "Test Intermediate CA", other_leaf_key, false, {"example.test"}),
        pki.intermediate_key);

    std::shared_ptr<ServerConfig> config(UnknownServerName policy) const {
        auto config = server_config(pki);
        config->identities.push_back(ServerIdentity{{other_leaf.encoded, pki.intermediate.encoded}, other_leaf,
                                                    Ed25519KeyPair::from_seed(other_leaf_key.seed())});
        config->unknown_server_name = policy;
        return config;
    }
};

TEST(ServerName, ChoosesTheIdentityByName) {
    TwoIdentities setup;
    for (const char* name : {"localhost", "example.test", "EXAMPLE.test"}) {
        ClientConnection client(client_config(setup.pki, name));
        ServerConnection server(setup.config(UnknownServerName::use_default_identity));
        exchange(client, server);
        ASSERT_TRUE(client.established()) << name << ": " << client.failure()->describe();
        EXPECT_EQ(client.peer_certificate()->subject,
                  std::string(name) == "localhost" ? "localhost" : "example.test");
    }
}

TEST(ServerName, UnknownNameGetsTheDefaultIdentityWhichTheClientRejects) {
    TwoIdentities setup;
    ClientConnection client(client_config(setup.pki, "unknown.test"));
    ServerConnection server(setup.config(UnknownServerName::use_default_identity));
    exchange(client, server);
    ASSERT_TRUE(client.failed());
    EXPECT_EQ(client.failure()->alert, Alert::bad_certificate);
    EXPECT_FALSE(client.failure()->alert_sent_by_peer);
    ASSERT_TRUE(server.failed());
    EXPECT_EQ(server.failure()->alert, Alert::bad_certificate);
    EXPECT_TRUE(server.failure()->alert_sent_by_peer);
}

TEST(ServerName, UnknownNameIsRefusedWithUnrecognizedNameWhenConfigured) {
    TwoIdentities setup;
    ClientConnection client(client_config(setup.pki, "unknown.test"));
    ServerConnection server(setup.config(UnknownServerName::refuse));
    exchange(client, server);
    ASSERT_TRUE(server.failed());
    EXPECT_EQ(server.failure()->alert, Alert::unrecognized_name);
    EXPECT_EQ(server.failure()->reason, "no certificate for server name \"unknown.test\"");
    ASSERT_TRUE(client.failed());
    EXPECT_EQ(client.failure()->describe(), "received unrecognized_name: peer sent unrecognized_name");
}

TEST(KeyLog, GivesEverySecretOnceAndOnlyWhenAskedFor) {
    TestPki pki;
    std::vector<std::string> lines;
    ClientConfig config = client_config(pki);
    config.key_log = [&lines](std::string_view line) { lines.emplace_back(line); };
    ClientConnection client(std::move(config));
    ServerConnection server(server_config(pki));
    exchange(client, server);
    ASSERT_TRUE(client.established());
    ASSERT_EQ(lines.size(), 8u);
    for (const char* label : {"SHARED_SECRET ", "SESSION_SECRET ", "CLIENT_WRITE_KEY ", "CLIENT_WRITE_IV ",
                              "SERVER_WRITE_KEY ", "SERVER_WRITE_IV ", "CLIENT_FINISHED_KEY ", "SERVER_FINISHED_KEY "}) {
        EXPECT_EQ(std::count_if(lines.begin(), lines.end(), [&](const std::string& l) { return l.rfind(label, 0) == 0; }), 1)
            << label;
    }
    // The session id is the client random, the first 32 bytes after the
    // version in the ClientHello.
    EXPECT_EQ(lines[0].size(), std::string("SHARED_SECRET ").size() + 64 + 1 + 64);
}

TEST(Insecure, SkipsTheChainButStillChecksTheServerHoldsTheLeafKey) {
    TestPki pki;
    ClientConfig config = client_config(pki, "not-the-right-name");
    config.trust_store = TrustStore{};  // trusts nothing
    config.insecure_skip_chain_verification = true;
    ClientConnection client(std::move(config));
    ServerConnection server(server_config(pki));
    exchange(client, server);
    EXPECT_TRUE(client.established()) << client.failure()->describe();

    ClientConfig wrong_key_config = client_config(pki);
    wrong_key_config.insecure_skip_chain_verification = true;
    auto impostor = server_config(pki);
    impostor->identities[0].private_key = key_from_seed_byte(0x99);
    ClientConnection second_client(std::move(wrong_key_config));
    ServerConnection impostor_server(impostor);
    exchange(second_client, impostor_server);
    ASSERT_TRUE(second_client.failed());
    EXPECT_EQ(second_client.failure()->alert, Alert::decrypt_error);
}

TEST(Close, CloseDuringTheHandshakeCancelsItAndDropsHeldData) {
    TestPki pki;
    ClientConnection client(client_config(pki));
    ServerConnection server(server_config(pki));
    client.write(as_bytes("never sent"));
    server.feed(client.pop());
    client.close();
    ASSERT_TRUE(client.failed());
    EXPECT_EQ(client.failure()->reason, "closed by the application during the handshake");
    Bytes after_close = client.pop();
    EXPECT_EQ(to_hex(after_close), "15000201" "00");  // only a plaintext close_notify: warning(1), close_notify(0)
    client.feed(server.pop());  // the server's flight arrives anyway: ignored
    EXPECT_FALSE(client.established());
    EXPECT_TRUE(client.pop().empty());
}

TEST(Configuration, MistakesAreRefusedBeforeAnythingIsSent) {
    TestPki pki;
    for (const char* bad_name : {"", "local host", "caf\xc3\xa9.example"})
        EXPECT_THROW(ClientConnection(client_config(pki, bad_name)), std::invalid_argument) << bad_name;
    EXPECT_THROW(ClientConnection(client_config(pki, std::string(256, 'a'))), std::invalid_argument);
    ClientConfig no_suites = client_config(pki);
    no_suites.cipher_suites.clear();
    EXPECT_THROW(ClientConnection(std::move(no_suites)), std::invalid_argument);
    EXPECT_THROW(ServerConnection(std::make_shared<ServerConfig>()), std::invalid_argument);
}

TEST(Output, PopIntoAppendsWhatPopWouldReturn) {
    TestPki pki;
    ClientConnection client(client_config(pki));
    ServerConnection server(server_config(pki));
    exchange(client, server);
    Bytes wire = {0xaa};  // already holds bytes: the records are appended after them
    server.write(as_bytes("one"));
    server.pop_into(wire);
    server.write(as_bytes("two"));
    server.pop_into(wire);
    EXPECT_FALSE(server.has_output());
    EXPECT_EQ(wire.size(), 1 + 2 * (record_header_size + protection_overhead + 3));
    client.feed(ByteView(wire).subspan(1));
    EXPECT_EQ(as_string(client.read()), "onetwo");
}
