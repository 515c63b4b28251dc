// The five handshake messages of ToyTLS v1 and their byte encodings
// (PROTOCOL.md section "Handshake messages"). Every message travels as
//     u8 msg_type | u24 length | body
// and the numbers are TLS 1.3's (RFC 8446 section 4).
#pragma once

#include <array>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "toytls/bytes.hpp"
#include "toytls/crypto/ed25519.hpp"
#include "toytls/crypto/x25519.hpp"

namespace toytls {

inline constexpr std::uint16_t protocol_version_v1 = 1;
inline constexpr std::size_t handshake_header_size = 4;

enum class HandshakeType : std::uint8_t {
    client_hello = 1,
    server_hello = 2,
    certificate = 11,
    certificate_verify = 15,
    finished = 20,
};

std::string_view handshake_type_name(HandshakeType type);  // "ClientHello"
// nullopt for a number ToyTLS v1 does not define.
std::optional<HandshakeType> handshake_type_from_byte(std::uint8_t byte);

using Random = std::array<std::uint8_t, 32>;

// RFC 8446 4.1.2, simplified: fixed fields instead of extensions.
struct ClientHello {
    std::uint16_t version = protocol_version_v1;
    Random random{};
    X25519PublicKey key_share{};
    std::string server_name;                 // 0..255 bytes of [A-Za-z0-9.-]
    std::vector<std::uint16_t> cipher_suites;  // raw codes: unknown ones are kept, the server skips them
};

// RFC 8446 4.1.3, simplified.
struct ServerHello {
    std::uint16_t version = protocol_version_v1;
    Random random{};
    X25519PublicKey key_share{};
    std::uint16_t cipher_suite = 0;
};

// RFC 8446 4.4.2: leaf first, then intermediates; the root is never sent.
struct CertificateMessage {
    std::vector<Bytes> certificates;
};

// RFC 8446 4.4.3: the server's signature over the transcript.
struct CertificateVerify {
    Ed25519Signature signature{};
};

// RFC 8446 4.4.4: HMAC over the transcript with the sender's finished key.
struct Finished {
    std::array<std::uint8_t, 32> verify_data{};
};

// Each encode_* returns the whole message, 4-byte header included: exactly
// the bytes that go into the transcript.
Bytes encode(const ClientHello& hello);
Bytes encode(const ServerHello& hello);
Bytes encode(const CertificateMessage& certificate);
// The same from a chain the caller already holds (the server's configured
// chain), without copying it into a CertificateMessage first.
Bytes encode_certificate(std::span<const Bytes> certificates);
Bytes encode(const CertificateVerify& verify);
Bytes encode(const Finished& finished);

// Each decode_* takes the BODY (after the 4-byte header). On malformed input
// it returns nullopt and says what was wrong in `error`; the caller answers
// with a decode_error alert.
std::optional<ClientHello> decode_client_hello(ByteView body, std::string& error);
std::optional<ServerHello> decode_server_hello(ByteView body, std::string& error);
std::optional<CertificateMessage> decode_certificate(ByteView body, std::string& error);
std::optional<CertificateVerify> decode_certificate_verify(ByteView body, std::string& error);
std::optional<Finished> decode_finished(ByteView body, std::string& error);

}  // namespace toytls
