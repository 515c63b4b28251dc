// Encoding and decoding of each handshake message: round trips, and every
// way a message can be malformed (truncated, trailing bytes, lengths that
// disagree with the data).
#include <gtest/gtest.h>

#include "toytls/messages.hpp"

using namespace toytls;

namespace {

ClientHello sample_client_hello() {
    ClientHello hello;
    hello.random.fill(0xaa);
    hello.key_share.fill(0xbb);
    hello.server_name = "localhost";
    hello.cipher_suites = {0x0001, 0x0002};
    return hello;
}

ByteView body_of(const Bytes& message) { return ByteView(message).subspan(handshake_header_size); }

// Every proper prefix of a valid body must be refused as truncated.
template <typename Decode>
void expect_every_truncation_refused(const Bytes& message, Decode decode, const std::string& name) {
    ByteView body = body_of(message);
    for (std::size_t length = 0; length < body.size(); ++length) {
        std::string error;
        EXPECT_FALSE(decode(body.first(length), error)) << name << " cut to " << length << " bytes was accepted";
        EXPECT_EQ(error, name + " is truncated") << "at length " << length;
    }
    Bytes with_trailing(body.begin(), body.end());
    with_trailing.push_back(0);
    std::string error;
    EXPECT_FALSE(decode(with_trailing, error));
    EXPECT_EQ(error, name + " has 1 trailing bytes");
}

}  // namespace

TEST(ClientHelloMessage, RoundTripsWithExactBytes) {
    Bytes message = encode(sample_client_hello());
    // type 1, length 2+32+32+1+9+1+4 = 81
    EXPECT_EQ(to_hex(ByteView(message).first(4)), "01000051");
    EXPECT_EQ(message.size(), 4u + 81u);
    std::string error;
    auto decoded = decode_client_hello(body_of(message), error);
    ASSERT_TRUE(decoded) << error;
    EXPECT_EQ(decoded->version, 1);
    EXPECT_EQ(decoded->random, sample_client_hello().random);
    EXPECT_EQ(decoded->key_share, sample_client_hello().key_share);
    EXPECT_EQ(decoded->server_name, "localhost");
    EXPECT_EQ(decoded->cipher_suites, (std::vector<std::uint16_t>{1, 2}));
    EXPECT_EQ(encode(*decoded), message);
}

TEST(ClientHelloMessage, RefusesEveryTruncationAndTrailingBytes) {
    expect_every_truncation_refused(encode(sample_client_hello()), decode_client_hello, "ClientHello");
}

TEST(ClientHelloMessage, RefusesBadServerNameBytesAndNoSuites) {
    ClientHello hello = sample_client_hello();
    hello.server_name = "local host";
    std::string error;
    EXPECT_FALSE(decode_client_hello(body_of(encode(hello)), error));
    EXPECT_EQ(error, "ClientHello server name contains a byte outside [A-Za-z0-9.-]");

    hello = sample_client_hello();
    hello.cipher_suites.clear();
    EXPECT_FALSE(decode_client_hello(body_of(encode(hello)), error));
    EXPECT_EQ(error, "ClientHello offers no cipher suite");
}

TEST(ClientHelloMessage, KeepsUnknownSuiteCodesForTheServerToSkip) {
    ClientHello hello = sample_client_hello();
    hello.cipher_suites = {0x1301, 0x0002};
    std::string error;
    auto decoded = decode_client_hello(body_of(encode(hello)), error);
    ASSERT_TRUE(decoded);
    EXPECT_EQ(decoded->cipher_suites, (std::vector<std::uint16_t>{0x1301, 0x0002}));
}

TEST(ClientHelloMessage, RefusesLengthFieldsThatDisagreeWithTheData) {
    const Bytes message = encode(sample_client_hello());
    const Bytes body(message.begin() + handshake_header_size, message.end());
    const std::size_t name_length_offset = 2 + 32 + 32;
    std::string error;
    Bytes longer_name = body;
    longer_name[name_length_offset] = 200;  // claims more name than there is
    EXPECT_FALSE(decode_client_hello(longer_name, error));
    EXPECT_EQ(error, "ClientHello is truncated");
    Bytes more_suites = body;
    more_suites[name_length_offset + 1 + 9] = 3;  // claims 3 suites, carries 2
    EXPECT_FALSE(decode_client_hello(more_suites, error));
    EXPECT_EQ(error, "ClientHello is truncated");
    Bytes fewer_suites = body;
    fewer_suites[name_length_offset + 1 + 9] = 1;  // claims 1 suite, carries 2
    EXPECT_FALSE(decode_client_hello(fewer_suites, error));
    EXPECT_EQ(error, "ClientHello has 2 trailing bytes");
}

TEST(ServerHelloMessage, RoundTripsAndRefusesMalformed) {
    ServerHello hello;
    hello.random.fill(0x01);
    hello.key_share.fill(0x02);
    hello.cipher_suite = 0x0002;
    Bytes message = encode(hello);
    EXPECT_EQ(to_hex(ByteView(message).first(4)), "02000044");  // 2+32+32+2 = 68
    std::string error;
    auto decoded = decode_server_hello(body_of(message), error);
    ASSERT_TRUE(decoded) << error;
    EXPECT_EQ(decoded->cipher_suite, 0x0002);
    EXPECT_EQ(decoded->key_share, hello.key_share);
    EXPECT_EQ(encode(*decoded), message);
    expect_every_truncation_refused(message, decode_server_hello, "ServerHello");
}

TEST(CertificateMessageEncoding, RoundTripsAndRefusesMalformed) {
    CertificateMessage certificates{{Bytes{'l', 'e', 'a', 'f'}, Bytes{'c', 'a'}}};
    Bytes message = encode(certificates);
    EXPECT_EQ(to_hex(message), "0b00000b" "02" "0004" "6c656166" "0002" "6361");
    std::string error;
    auto decoded = decode_certificate(body_of(message), error);
    ASSERT_TRUE(decoded) << error;
    EXPECT_EQ(decoded->certificates, certificates.certificates);
    expect_every_truncation_refused(message, decode_certificate, "Certificate");

    EXPECT_FALSE(decode_certificate(Bytes{0}, error));
    EXPECT_EQ(error, "Certificate message carries no certificate");
    EXPECT_FALSE(decode_certificate(Bytes{1, 0, 0}, error));
    EXPECT_EQ(error, "Certificate entry 0 is empty");
}

TEST(CertificateVerifyMessage, RoundTripsAndRefusesMalformed) {
    CertificateVerify verify;
    verify.signature.fill(0x5a);
    Bytes message = encode(verify);
    EXPECT_EQ(to_hex(ByteView(message).first(4)), "0f000040");
    std::string error;
    auto decoded = decode_certificate_verify(body_of(message), error);
    ASSERT_TRUE(decoded);
    EXPECT_EQ(decoded->signature, verify.signature);
    expect_every_truncation_refused(message, decode_certificate_verify, "CertificateVerify");
}

TEST(FinishedMessage, RoundTripsAndRefusesMalformed) {
    Finished finished;
    finished.verify_data.fill(0x77);
    Bytes message = encode(finished);
    EXPECT_EQ(to_hex(ByteView(message).first(4)), "14000020");
    std::string error;
    auto decoded = decode_finished(body_of(message), error);
    ASSERT_TRUE(decoded);
    EXPECT_EQ(decoded->verify_data, finished.verify_data);
    expect_every_truncation_refused(message, decode_finished, "Finished");
}

TEST(HandshakeTypes, KnownNumbersAreTlsNumbersAndOthersAreUnknown) {
    EXPECT_EQ(handshake_type_from_byte(1), HandshakeType::client_hello);
    EXPECT_EQ(handshake_type_from_byte(2), HandshakeType::server_hello);
    EXPECT_EQ(handshake_type_from_byte(11), HandshakeType::certificate);
    EXPECT_EQ(handshake_type_from_byte(15), HandshakeType::certificate_verify);
    EXPECT_EQ(handshake_type_from_byte(20), HandshakeType::finished);
    for (int byte : {0, 3, 4, 8, 13, 24, 255}) EXPECT_FALSE(handshake_type_from_byte(static_cast<std::uint8_t>(byte)));
}
