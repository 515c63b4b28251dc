// An attacker on the wire, and misbehaving peers: every test changes,
// drops, replays or forges something, and asserts which check catches it,
// which alert goes out, and that no plaintext is handed to the application.
#include <gtest/gtest.h>

#include <map>

#include "test_pki.hpp"
#include "toytls/key_schedule.hpp"

using namespace toytls;
using namespace toytls::testing;

namespace {

// Cuts a byte stream into whole records (header included).
std::vector<Bytes> split_records(ByteView wire) {
    std::vector<Bytes> records;
    while (wire.size() >= record_header_size) {
        std::size_t length = record_header_size + (static_cast<std::size_t>(wire[1]) << 8 | wire[2]);
        records.emplace_back(wire.begin(), wire.begin() + static_cast<std::ptrdiff_t>(length));
        wire = wire.subspan(length);
    }
    return records;
}

// The key log as a map: label -> value. Only a test, a trace or a lab that
// plays the attacker (or a debugging human) ever gets these.
struct KeyLog {
    std::map<std::string, Bytes> values;
    KeyLogSink sink() {
        return [this](std::string_view line) {
            std::string text(line);
            std::size_t first = text.find(' '), last = text.rfind(' ');
            values[text.substr(0, first)] = *from_hex(text.substr(last + 1));
        };
    }
    template <std::size_t N>
    Secret<N> secret(const std::string& label) const {
        return Secret<N>(std::span<const std::uint8_t, N>(values.at(label).data(), N));
    }
    // The protection of one direction ("CLIENT" or "SERVER"), as its sender has it.
    RecordProtection direction(const std::string& who, CipherSuite suite) const {
        return RecordProtection(cipher_suite_aead(suite), secret<32>(who + "_WRITE_KEY"), secret<12>(who + "_WRITE_IV"));
    }
};

Bytes open_or_die(RecordProtection& reader, const Bytes& record) {
    Bytes plaintext;
    std::string error;
    EXPECT_TRUE(reader.open_record(plaintext, static_cast<ContentType>(record[0]),
                                   ByteView(record).subspan(record_header_size), error))
        << error;
    return plaintext;
}

void expect_failed_with(const Connection& connection, Alert alert, const std::string& reason) {
    ASSERT_TRUE(connection.failed()) << side_name(connection.side()) << " did not fail";
    EXPECT_EQ(connection.failure()->alert, alert) << connection.failure()->describe();
    EXPECT_FALSE(connection.failure()->alert_sent_by_peer) << connection.failure()->describe();
    EXPECT_EQ(connection.failure()->reason, reason);
}

// The peer learns why: it receives the alert and fails too.
void expect_peer_told(Connection& peer, Connection& failed_side, Alert alert) {
    peer.feed(failed_side.pop());
    ASSERT_TRUE(peer.failed());
    EXPECT_EQ(peer.failure()->alert, alert) << peer.failure()->describe();
    EXPECT_TRUE(peer.failure()->alert_sent_by_peer);
}

// A client and a server that have completed their handshake. The server has
// sent three protected handshake records (Certificate, CertificateVerify,
// Finished: seq 0, 1, 2), so its first application record has seq 3.
struct EstablishedPair {
    TestPki pki;
    KeyLog keys;
    ClientConnection client{[this] {
        ClientConfig config = client_config(pki);
        config.key_log = keys.sink();
        return config;
    }()};
    ServerConnection server{server_config(pki)};
    EstablishedPair() { exchange(client, server); }
};

}  // namespace

// ---------------------------------------------------------------------------
// Record protection: integrity and order.
// ---------------------------------------------------------------------------

TEST(RecordTampering, AFlippedBitAnywhereAfterTheHeaderIsBadRecordMac) {
    Bytes record;
    {
        EstablishedPair pair;
        pair.server.write(as_bytes("secret page"));
        record = pair.server.pop();
    }
    ASSERT_EQ(record.size(), record_header_size + protection_overhead + 11);
    for (std::size_t position = record_header_size; position < record.size(); ++position) {
        for (int bit = 0; bit < 8; ++bit) {
            EstablishedPair pair;  // the same seeds: the same keys, the same record
            Bytes tampered = record;
            tampered[position] ^= static_cast<std::uint8_t>(1 << bit);
            pair.client.feed(tampered);
            ASSERT_TRUE(pair.client.failed()) << "byte " << position << " bit " << bit;
            EXPECT_EQ(pair.client.failure()->alert, Alert::bad_record_mac) << "byte " << position;
            EXPECT_TRUE(pair.client.read().empty());
        }
    }
}

TEST(RecordTampering, AFlippedBitInTheHeaderNeverYieldsPlaintext) {
    Bytes record;
    {
        EstablishedPair pair;
        pair.server.write(as_bytes("secret page"));
        record = pair.server.pop();
    }
    for (std::size_t position = 0; position < record_header_size; ++position) {
        for (int bit = 0; bit < 8; ++bit) {
            EstablishedPair pair;
            Bytes tampered = record;
            tampered[position] ^= static_cast<std::uint8_t>(1 << bit);
            pair.client.feed(tampered);
            pair.client.feed_eof();  // a longer length leaves the client waiting for bytes that never come
            ASSERT_TRUE(pair.client.failed()) << "byte " << position << " bit " << bit;
            EXPECT_TRUE(pair.client.read().empty());
            Alert alert = pair.client.failure()->alert;
            bool expected = pair.client.truncated() || alert == Alert::bad_record_mac ||
                            alert == Alert::unexpected_message || alert == Alert::record_overflow ||
                            alert == Alert::decode_error;
            EXPECT_TRUE(expected) << pair.client.failure()->describe();
        }
    }
}

TEST(RecordOrder, ReplayedRecordIsASequenceMismatch) {
    EstablishedPair pair;
    pair.server.write(as_bytes("one"));
    Bytes first = pair.server.pop();
    pair.client.feed(first);
    EXPECT_EQ(as_string(pair.client.read()), "one");
    pair.client.feed(first);
    expect_failed_with(pair.client, Alert::bad_record_mac, "sequence mismatch: got 3, expected 4");
}

TEST(RecordOrder, ReorderedRecordsAreASequenceMismatch) {
    EstablishedPair pair;
    pair.server.write(as_bytes("one"));
    Bytes first = pair.server.pop();
    pair.server.write(as_bytes("two"));
    Bytes second = pair.server.pop();
    pair.client.feed(second);
    expect_failed_with(pair.client, Alert::bad_record_mac, "sequence mismatch: got 4, expected 3");
    EXPECT_TRUE(pair.client.read().empty());
}

TEST(RecordOrder, DroppedRecordIsASequenceMismatch) {
    EstablishedPair pair;
    std::vector<Bytes> records;
    for (const char* text : {"one", "two", "three"}) {
        pair.server.write(as_bytes(text));
        records.push_back(pair.server.pop());
    }
    pair.client.feed(records[0]);
    pair.client.feed(records[2]);
    expect_failed_with(pair.client, Alert::bad_record_mac, "sequence mismatch: got 5, expected 4");
    EXPECT_EQ(as_string(pair.client.read()), "one");
}

TEST(RecordOrder, RewritingTheSequenceNumberBreaksTheTag) {
    // The attacker replays record 3 but edits its seq to the expected 4: the
    // seq check passes, the AEAD does not, because seq is in the nonce and AAD.
    EstablishedPair pair;
    pair.server.write(as_bytes("one"));
    Bytes first = pair.server.pop();
    pair.client.feed(first);
    first[record_header_size + 7] = 4;
    pair.client.feed(first);
    expect_failed_with(pair.client, Alert::bad_record_mac,
                       "record authentication failed (wrong key, or the record was modified)");
    expect_peer_told(pair.server, pair.client, Alert::bad_record_mac);
}

// ---------------------------------------------------------------------------
// Records that are too large, of an unknown type, or out of place.
// ---------------------------------------------------------------------------

TEST(RecordLimits, OversizeRecordIsRefusedBeforeItsBodyArrives) {
    TestPki pki;
    ServerConnection server(server_config(pki));
    const std::uint8_t header[] = {22, 0x40, 0x01};  // a handshake record of 16385 bytes
    server.feed(header);
    expect_failed_with(server, Alert::record_overflow, "record length 16385 is over the limit of 16384");
    EXPECT_EQ(to_hex(server.pop()), "1500020216");  // plaintext alert: fatal(2) record_overflow(22)
}

TEST(RecordLimits, OversizeProtectedRecordIsRefusedWithAProtectedAlert) {
    EstablishedPair pair;
    const std::uint8_t header[] = {23, 0xff, 0xff};
    pair.server.feed(header);
    expect_failed_with(pair.server, Alert::record_overflow, "record length 65535 is over the limit of 16408");
    expect_peer_told(pair.client, pair.server, Alert::record_overflow);
}

TEST(RecordLimits, UnknownContentTypeIsUnexpectedMessage) {
    TestPki pki;
    ServerConnection server(server_config(pki));
    server.feed(as_bytes("GET / HTTP/1.1\r\n"));  // plain HTTP sent to the ToyTLS port: 'G' is type 71
    expect_failed_with(server, Alert::unexpected_message, "unknown record content type 71");
}

TEST(RecordLimits, ApplicationDataBeforeTheHandshakeIsUnexpected) {
    TestPki pki;
    ServerConnection server(server_config(pki));
    Bytes record;
    append_plaintext_record(record, ContentType::application_data, as_bytes("hello"));
    server.feed(record);
    expect_failed_with(server, Alert::unexpected_message, "application data before the handshake completed");
}

TEST(RecordLimits, HandshakeLengthThatDisagreesWithTheRecordIsDecodeError) {
    TestPki pki;
    ClientConnection client(client_config(pki));
    Bytes hello = client.pop();
    hello[record_header_size + 3] += 1;  // the u24 message length, one more than the record holds
    ServerConnection server(server_config(pki));
    server.feed(hello);
    expect_failed_with(server, Alert::decode_error, "handshake message length does not match its record");
}

TEST(RecordLimits, UnknownHandshakeTypeIsUnexpectedMessage) {
    TestPki pki;
    ClientConnection client(client_config(pki));
    Bytes hello = client.pop();
    hello[record_header_size] = 99;
    ServerConnection server(server_config(pki));
    server.feed(hello);
    expect_failed_with(server, Alert::unexpected_message, "unknown handshake message type 99");
}

TEST(RecordLimits, MessageOutOfOrderIsUnexpectedMessage) {
    TestPki pki;
    ClientConnection client(client_config(pki));
    ServerConnection server(server_config(pki));
    server.feed(client.pop());
    std::vector<Bytes> flight = split_records(server.pop());
    client.feed(flight[0]);  // ServerHello
    client.feed(flight[2]);  // CertificateVerify, skipping Certificate: caught by seq first
    expect_failed_with(client, Alert::bad_record_mac, "sequence mismatch: got 1, expected 0");

}

TEST(RecordLimits, PlaintextRecordAfterKeysIsReadAsProtectedAndFails) {
    // A record carries no "I am protected" flag: once the server has keys,
    // every record is opened, and a plaintext one fails like any forgery.
    TestPki pki;
    ClientConnection client(client_config(pki));
    Bytes hello = client.pop();
    ServerConnection server(server_config(pki));
    Bytes wire = hello;
    append(wire, hello);  // a second ClientHello, in the clear, after the first
    server.feed(wire);
    ASSERT_TRUE(server.failed());
    EXPECT_EQ(server.failure()->alert, Alert::bad_record_mac) << server.failure()->describe();
}

// ---------------------------------------------------------------------------
// Hello messages: version, suites, key shares.
// ---------------------------------------------------------------------------

namespace {

// Re-encodes the ClientHello inside a plaintext record after `edit`.
Bytes edit_client_hello(const Bytes& record, const std::function<void(ClientHello&)>& edit) {
    std::string error;
    ClientHello hello = *decode_client_hello(ByteView(record).subspan(record_header_size + handshake_header_size), error);
    edit(hello);
    Bytes edited;
    append_plaintext_record(edited, ContentType::handshake, encode(hello));
    return edited;
}

Bytes edit_server_hello(const Bytes& record, const std::function<void(ServerHello&)>& edit) {
    std::string error;
    ServerHello hello = *decode_server_hello(ByteView(record).subspan(record_header_size + handshake_header_size), error);
    edit(hello);
    Bytes edited;
    append_plaintext_record(edited, ContentType::handshake, encode(hello));
    return edited;
}

}  // namespace

TEST(Hello, UnknownVersionIsProtocolVersion) {
    TestPki pki;
    ClientConnection client(client_config(pki));
    ServerConnection server(server_config(pki));
    server.feed(edit_client_hello(client.pop(), [](ClientHello& hello) { hello.version = 2; }));
    expect_failed_with(server, Alert::protocol_version, "client offered version 2, not 1");
    expect_peer_told(client, server, Alert::protocol_version);

    ClientConnection second_client(client_config(pki));
    ServerConnection second_server(server_config(pki));
    second_server.feed(second_client.pop());
    std::vector<Bytes> flight = split_records(second_server.pop());
    second_client.feed(edit_server_hello(flight[0], [](ServerHello& hello) { hello.version = 0x0304; }));
    expect_failed_with(second_client, Alert::protocol_version, "server chose version 772, not 1");
    // The client has no keys yet, so its alert goes in the clear; the server,
    // which already expects protected records, still understands it.
    expect_peer_told(second_server, second_client, Alert::protocol_version);
}

TEST(Hello, NoCommonSuiteIsHandshakeFailure) {
    TestPki pki;
    ClientConnection client(client_config(pki));
    ServerConnection server(server_config(pki));
    server.feed(edit_client_hello(client.pop(), [](ClientHello& hello) { hello.cipher_suites = {0x1301, 0x00ff}; }));
    expect_failed_with(server, Alert::handshake_failure, "no cipher suite in common with the client");
    expect_peer_told(client, server, Alert::handshake_failure);
}

TEST(Hello, ServerChoosingASuiteNotOfferedIsHandshakeFailure) {
    TestPki pki;
    ClientConfig config = client_config(pki);
    config.cipher_suites = {CipherSuite::chacha20_poly1305_sha256};
    ClientConnection client(std::move(config));
    ServerConnection server(server_config(pki));
    server.feed(client.pop());
    std::vector<Bytes> flight = split_records(server.pop());
    client.feed(edit_server_hello(flight[0], [](ServerHello& hello) { hello.cipher_suite = 0x0001; }));
    expect_failed_with(client, Alert::handshake_failure, "server chose cipher suite 1, which was not offered");
}

TEST(Hello, LowOrderKeyShareIsHandshakeFailure) {
    TestPki pki;
    ClientConnection client(client_config(pki));
    ServerConnection server(server_config(pki));
    // An all-zero X25519 point: the "shared secret" would be zero, known to all.
    server.feed(edit_client_hello(client.pop(), [](ClientHello& hello) { hello.key_share.fill(0); }));
    expect_failed_with(server, Alert::handshake_failure, "client key share is a low-order point");
}

// A man in the middle who swaps the client's key share for his own: the
// server derives keys the client does not have, and the client cannot open
// the very first protected record.
TEST(ManInTheMiddle, ReplacedClientKeyShareBreaksTheFirstProtectedRecord) {
    TestPki pki;
    ClientConnection client(client_config(pki));
    ServerConnection server(server_config(pki));
    DeterministicRandomForTestsOnly attacker_random(0x66);
    X25519KeyPair attacker_key = X25519KeyPair::generate(attacker_random);
    server.feed(edit_client_hello(client.pop(), [&](ClientHello& hello) { hello.key_share = attacker_key.public_key; }));
    ASSERT_FALSE(server.failed());
    client.feed(server.pop());
    expect_failed_with(client, Alert::bad_record_mac,
                       "record authentication failed (wrong key, or the record was modified)");
}

// The full man in the middle: he replaces BOTH key shares, so he shares one
// set of keys with the client and another with the server, decrypts the
// server's flight and re-encrypts it for the client. Everything checks out
// except CertificateVerify: the server signed ITS transcript (with the
// attacker's key share in it), not the client's, and the attacker cannot
// sign for the server's certificate. This is why CertificateVerify signs
// the transcript and not just "I am localhost".
TEST(ManInTheMiddle, ReplacingBothKeySharesIsCaughtByCertificateVerify) {
    TestPki pki;
    ClientConnection client(client_config(pki));
    ServerConnection server(server_config(pki));
    DeterministicRandomForTestsOnly attacker_random(0x66);
    X25519KeyPair key_towards_server = X25519KeyPair::generate(attacker_random);
    X25519KeyPair key_towards_client = X25519KeyPair::generate(attacker_random);

    Bytes client_hello_record = client.pop();
    std::string error;
    ClientHello original_client_hello =
        *decode_client_hello(ByteView(client_hello_record).subspan(record_header_size + handshake_header_size), error);
    Bytes forged_client_hello_record = edit_client_hello(
        client_hello_record, [&](ClientHello& hello) { hello.key_share = key_towards_server.public_key; });
    server.feed(forged_client_hello_record);
    std::vector<Bytes> flight = split_records(server.pop());
    ServerHello original_server_hello =
        *decode_server_hello(ByteView(flight[0]).subspan(record_header_size + handshake_header_size), error);
    Bytes forged_server_hello_record =
        edit_server_hello(flight[0], [&](ServerHello& hello) { hello.key_share = key_towards_client.public_key; });

    // The attacker runs the key schedule twice, once per victim.
    auto leg_secrets = [](const X25519KeyPair& own, const X25519PublicKey& peer, const Bytes& hello_record,
                          const Bytes& server_hello_record) {
        Transcript transcript;
        transcript.add(ByteView(hello_record).subspan(record_header_size));
        transcript.add(ByteView(server_hello_record).subspan(record_header_size));
        return derive_traffic_secrets(*x25519_shared_secret(own.private_key, peer), transcript.hash(), {});
    };
    TrafficSecrets server_leg = leg_secrets(key_towards_server, original_server_hello.key_share,
                                            forged_client_hello_record, flight[0]);
    TrafficSecrets client_leg = leg_secrets(key_towards_client, original_client_hello.key_share, client_hello_record,
                                            forged_server_hello_record);
    AeadAlgorithm aead = cipher_suite_aead(*server.cipher_suite());
    RecordProtection from_server(aead, server_leg.server_write_key, server_leg.server_write_iv);
    RecordProtection to_client(aead, client_leg.server_write_key, client_leg.server_write_iv);

    Bytes to_victim = forged_server_hello_record;
    for (std::size_t i = 1; i <= 2; ++i) {  // Certificate and CertificateVerify, re-encrypted unchanged
        Bytes plaintext = open_or_die(from_server, flight[i]);
        to_client.seal_record(to_victim, ContentType::handshake, plaintext);
    }
    client.feed(to_victim);
    expect_failed_with(client, Alert::decrypt_error,
                       "CertificateVerify signature does not verify with the key of 'localhost'");
    EXPECT_FALSE(client.established());
}

// A downgrade: the attacker deletes the suite he does not like from the
// ClientHello. The server happily picks the other one, but the keys are
// derived from the transcript, so the two sides' keys differ and the
// client's first protected record fails.
TEST(Downgrade, AlteredSuiteListIsDetected) {
    if (!cipher_suite_available(CipherSuite::aes_256_gcm_sha256)) GTEST_SKIP() << "needs AES-256-GCM";
    TestPki pki;
    ClientConnection client(client_config(pki));  // offers AES-256-GCM, then ChaCha20
    ServerConnection server(server_config(pki));
    server.feed(edit_client_hello(client.pop(), [](ClientHello& hello) { hello.cipher_suites = {0x0002}; }));
    ASSERT_EQ(server.cipher_suite(), CipherSuite::chacha20_poly1305_sha256);
    client.feed(server.pop());
    expect_failed_with(client, Alert::bad_record_mac,
                       "record authentication failed (wrong key, or the record was modified)");
    EXPECT_FALSE(client.established());
}

// ---------------------------------------------------------------------------
// Certificates, seen through the handshake.
// ---------------------------------------------------------------------------

TEST(CertificateChecks, WrongServerNameIsBadCertificate) {
    TestPki pki;
    ClientConnection client(client_config(pki, "www.example.com"));
    ServerConnection server(server_config(pki));
    exchange(client, server);
    ASSERT_TRUE(client.failed());
    EXPECT_EQ(client.failure()->alert, Alert::bad_certificate);
    EXPECT_NE(client.failure()->reason.find("www.example.com"), std::string::npos) << client.failure()->reason;
    ASSERT_TRUE(server.failed());
    EXPECT_EQ(server.failure()->alert, Alert::bad_certificate);
    EXPECT_TRUE(server.failure()->alert_sent_by_peer);
}

TEST(CertificateChecks, UnknownRootIsUnknownCa) {
    TestPki pki;
    Ed25519KeyPair stranger_key = key_from_seed_byte(0x77);
    Certificate stranger_root =
        issue_certificate(certificate_fields("Test Root CA", "Test Root CA", stranger_key, true), stranger_key);
    ClientConfig config = client_config(pki);
    config.trust_store = TrustStore{};
    config.trust_store.add_root(stranger_root);  // same subject, different key: an impostor root
    ClientConnection client(std::move(config));
    ServerConnection server(server_config(pki));
    exchange(client, server);
    ASSERT_TRUE(client.failed());
    EXPECT_EQ(client.failure()->alert, Alert::unknown_ca) << client.failure()->describe();
}

TEST(CertificateChecks, RootSentOnTheWireIsNotTrusted) {
    TestPki pki;
    Ed25519KeyPair attacker_root_key = key_from_seed_byte(0x78);
    Certificate attacker_root = issue_certificate(
        certificate_fields("Test Root CA", "Test Root CA", attacker_root_key, true), attacker_root_key);
    Certificate attacker_leaf = issue_certificate(
        certificate_fields("localhost", "Test Root CA", pki.leaf_key, false, {"localhost"}), attacker_root_key);
    auto config = server_config(pki);
    config->identities[0] =
        ServerIdentity{{attacker_leaf.encoded, attacker_root.encoded}, attacker_leaf,
                       Ed25519KeyPair::from_seed(pki.leaf_key.seed())};
    ClientConnection client(client_config(pki));
    ServerConnection server(config);
    exchange(client, server);
    ASSERT_TRUE(client.failed());
    EXPECT_EQ(client.failure()->alert, Alert::unknown_ca) << client.failure()->describe();
}

TEST(CertificateChecks, ExpiredAndNotYetValidAreCertificateExpired) {
    TestPki pki;
    for (UnixTime now : {UnixTime{2524608000} /* 2050 */, UnixTime{1577836800} /* 2020 */}) {
        ClientConfig config = client_config(pki);
        config.clock = fixed_clock(now);
        ClientConnection client(std::move(config));
        ServerConnection server(server_config(pki));
        exchange(client, server);
        ASSERT_TRUE(client.failed()) << now;
        EXPECT_EQ(client.failure()->alert, Alert::certificate_expired) << client.failure()->describe();
        EXPECT_EQ(server.failure()->alert, Alert::certificate_expired);
    }
}

TEST(CertificateChecks, IntermediateThatIsNotACaIsBadCertificate) {
    TestPki pki;
    Certificate not_a_ca = issue_certificate(
        certificate_fields("Test Intermediate CA", "Test Root CA", pki.intermediate_key, false), pki.root_key);
    auto config = server_config(pki);
    config->identities[0].certificate_chain[1] = not_a_ca.encoded;
    ClientConnection client(client_config(pki));
    ServerConnection server(config);
    exchange(client, server);
    ASSERT_TRUE(client.failed());
    EXPECT_EQ(client.failure()->alert, Alert::bad_certificate) << client.failure()->describe();
}

TEST(CertificateChecks, EditedLeafIsBadCertificate) {
    TestPki pki;
    auto config = server_config(pki);
    Bytes& leaf = config->identities[0].certificate_chain[0];
    std::string text(leaf.begin(), leaf.end());
    std::size_t at = text.find("dns: localhost");
    ASSERT_NE(at, std::string::npos);
    text[at + 5] = '1';  // "dns: 1ocalhost": a one-byte edit after signing
    leaf.assign(text.begin(), text.end());
    ClientConnection client(client_config(pki));
    ServerConnection server(config);
    exchange(client, server);
    ASSERT_TRUE(client.failed());
    EXPECT_EQ(client.failure()->alert, Alert::bad_certificate) << client.failure()->describe();
}

TEST(CertificateChecks, CertificateVerifyByTheWrongKeyIsDecryptError) {
    TestPki pki;
    auto config = server_config(pki);
    config->identities[0].private_key = key_from_seed_byte(0x99);  // not the leaf's key
    ClientConnection client(client_config(pki));
    ServerConnection server(config);
    exchange(client, server);
    expect_failed_with(client, Alert::decrypt_error,
                       "CertificateVerify signature does not verify with the key of 'localhost'");
    ASSERT_TRUE(server.failed());
    EXPECT_EQ(server.failure()->alert, Alert::decrypt_error);
}

// ---------------------------------------------------------------------------
// Finished and application data, forged by someone who holds the keys (a
// buggy or malicious peer; here: the test, through the key log).
// ---------------------------------------------------------------------------

TEST(FinishedChecks, WrongServerFinishedIsDecryptError) {
    TestPki pki;
    KeyLog keys;
    ClientConfig config = client_config(pki);
    config.key_log = keys.sink();
    ClientConnection client(std::move(config));
    ServerConnection server(server_config(pki));
    server.feed(client.pop());
    std::vector<Bytes> flight = split_records(server.pop());
    client.feed(flight[0]);  // ServerHello: now the key log holds the keys
    CipherSuite suite = *client.cipher_suite();
    RecordProtection reader = keys.direction("SERVER", suite);
    RecordProtection forger = keys.direction("SERVER", suite);
    Bytes forged;
    for (std::size_t i = 1; i <= 3; ++i) {
        Bytes plaintext = open_or_die(reader, flight[i]);
        if (i == 3) plaintext.back() ^= 1;  // the last byte of verify_data
        forger.seal_record(forged, ContentType::handshake, plaintext);
    }
    client.feed(forged);
    expect_failed_with(client, Alert::decrypt_error,
                       "server Finished does not match: the two sides disagree on keys or transcript");
    expect_peer_told(server, client, Alert::decrypt_error);
}

TEST(FinishedChecks, WrongClientFinishedIsDecryptError) {
    TestPki pki;
    KeyLog keys;
    ClientConfig config = client_config(pki);
    config.key_log = keys.sink();
    ClientConnection client(std::move(config));
    ServerConnection server(server_config(pki));
    server.feed(client.pop());
    client.feed(server.pop());
    ASSERT_TRUE(client.established());
    CipherSuite suite = *client.cipher_suite();
    RecordProtection reader = keys.direction("CLIENT", suite);
    RecordProtection forger = keys.direction("CLIENT", suite);
    Bytes plaintext = open_or_die(reader, client.pop());
    plaintext.back() ^= 1;
    Bytes forged;
    forger.seal_record(forged, ContentType::handshake, plaintext);
    server.feed(forged);
    expect_failed_with(server, Alert::decrypt_error,
                       "client Finished does not match: the two sides disagree on keys or transcript");
    expect_peer_told(client, server, Alert::decrypt_error);
}

TEST(FinishedChecks, ApplicationDataBeforeTheClientFinishedIsUnexpected) {
    TestPki pki;
    KeyLog keys;
    ClientConfig config = client_config(pki);
    config.key_log = keys.sink();
    ClientConnection client(std::move(config));
    ServerConnection server(server_config(pki));
    server.feed(client.pop());
    client.feed(server.pop());
    CipherSuite suite = *client.cipher_suite();
    RecordProtection reader = keys.direction("CLIENT", suite);
    RecordProtection forger = keys.direction("CLIENT", suite);
    Bytes finished = open_or_die(reader, client.pop());
    Bytes forged;
    forger.seal_record(forged, ContentType::application_data, as_bytes("GET /admin HTTP/1.1\r\n\r\n"));
    forger.seal_record(forged, ContentType::handshake, finished);
    server.feed(forged);
    expect_failed_with(server, Alert::unexpected_message, "application data before the handshake completed");
    EXPECT_TRUE(server.read().empty());
}

TEST(FinishedChecks, ProtectedMessageOfTheWrongTypeIsUnexpected) {
    TestPki pki;
    KeyLog keys;
    ClientConfig config = client_config(pki);
    config.key_log = keys.sink();
    ClientConnection client(std::move(config));
    ServerConnection server(server_config(pki));
    Bytes client_hello_record = client.pop();
    server.feed(client_hello_record);
    client.feed(server.pop());
    RecordProtection forger = keys.direction("CLIENT", *client.cipher_suite());
    Bytes forged;  // the ClientHello again, properly protected, where Finished belongs
    forger.seal_record(forged, ContentType::handshake, ByteView(client_hello_record).subspan(record_header_size));
    server.feed(forged);
    expect_failed_with(server, Alert::unexpected_message, "ClientHello is not expected in state EXPECT_FINISHED");
}
