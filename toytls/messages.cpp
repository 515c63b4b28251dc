#include "toytls/messages.hpp"

#include <algorithm>

namespace toytls {

std::string_view handshake_type_name(HandshakeType type) {
    switch (type) {
        case HandshakeType::client_hello: return "ClientHello";
        case HandshakeType::server_hello: return "ServerHello";
        case HandshakeType::certificate: return "Certificate";
        case HandshakeType::certificate_verify: return "CertificateVerify";
        case HandshakeType::finished: return "Finished";
    }
    return "unknown";
}

std::optional<HandshakeType> handshake_type_from_byte(std::uint8_t byte) {
    switch (byte) {
        case 1: return HandshakeType::client_hello;
        case 2: return HandshakeType::server_hello;
        case 11: return HandshakeType::certificate;
        case 15: return HandshakeType::certificate_verify;
        case 20: return HandshakeType::finished;
        default: return std::nullopt;
    }
}

namespace {

// u8 msg_type | u24 length | body, built in one buffer of the final size.
Bytes with_header(HandshakeType type, ByteView body) {
    const auto length = static_cast<std::uint32_t>(body.size());
    Bytes message;
    message.reserve(handshake_header_size + body.size());
    message.push_back(static_cast<std::uint8_t>(type));
    message.push_back(static_cast<std::uint8_t>(length >> 16));  // u24, big-endian
    message.push_back(static_cast<std::uint8_t>(length >> 8));
    message.push_back(static_cast<std::uint8_t>(length));
    append(message, body);
    return message;
}

template <std::size_t N>
void read_array(ByteReader& reader, std::array<std::uint8_t, N>& out) {
    ByteView bytes = reader.raw(N);
    if (!reader.failed()) std::copy(bytes.begin(), bytes.end(), out.begin());
}

bool is_server_name_byte(std::uint8_t byte) {
    return (byte >= 'a' && byte <= 'z') || (byte >= 'A' && byte <= 'Z') || (byte >= '0' && byte <= '9') ||
           byte == '.' || byte == '-';
}

// The common tail of every decoder: all fields present, nothing left over.
bool finished_cleanly(const ByteReader& reader, std::string_view message, std::string& error) {
    if (reader.failed()) {
        error = std::string(message) + " is truncated";
        return false;
    }
    if (reader.remaining() != 0) {
        error = std::string(message) + " has " + std::to_string(reader.remaining()) + " trailing bytes";
        return false;
    }
    return true;
}

}  // namespace

Bytes encode(const ClientHello& hello) {
    ByteWriter body;
    body.u16(hello.version);
    body.raw(hello.random);
    body.raw(hello.key_share);
    body.u8(static_cast<std::uint8_t>(hello.server_name.size()));
    body.raw(as_bytes(hello.server_name));
    body.u8(static_cast<std::uint8_t>(hello.cipher_suites.size()));
    for (std::uint16_t suite : hello.cipher_suites) body.u16(suite);
    return with_header(HandshakeType::client_hello, body.bytes());
}

Bytes encode(const ServerHello& hello) {
    ByteWriter body;
    body.u16(hello.version);
    body.raw(hello.random);
    body.raw(hello.key_share);
    body.u16(hello.cipher_suite);
    return with_header(HandshakeType::server_hello, body.bytes());
}

Bytes encode(const CertificateMessage& certificate) { return encode_certificate(certificate.certificates); }

Bytes encode_certificate(std::span<const Bytes> certificates) {
    ByteWriter body;
    body.u8(static_cast<std::uint8_t>(certificates.size()));
    for (const Bytes& entry : certificates) {
        body.u16(static_cast<std::uint16_t>(entry.size()));
        body.raw(entry);
    }
    return with_header(HandshakeType::certificate, body.bytes());
}

Bytes encode(const CertificateVerify& verify) { return with_header(HandshakeType::certificate_verify, verify.signature); }

Bytes encode(const Finished& finished) { return with_header(HandshakeType::finished, finished.verify_data); }

std::optional<ClientHello> decode_client_hello(ByteView body, std::string& error) {
    ByteReader reader(body);
    ClientHello hello;
    hello.version = reader.u16();
    read_array(reader, hello.random);
    read_array(reader, hello.key_share);
    ByteView name = reader.raw(reader.u8());
    std::uint8_t suite_count = reader.u8();
    hello.cipher_suites.reserve(suite_count);
    for (std::uint8_t i = 0; i < suite_count && !reader.failed(); ++i) hello.cipher_suites.push_back(reader.u16());
    if (!finished_cleanly(reader, "ClientHello", error)) return std::nullopt;
    if (!std::all_of(name.begin(), name.end(), is_server_name_byte)) {
        error = "ClientHello server name contains a byte outside [A-Za-z0-9.-]";
        return std::nullopt;
    }
    hello.server_name.assign(as_text(name));
    if (suite_count == 0) {
        error = "ClientHello offers no cipher suite";
        return std::nullopt;
    }
    return hello;
}

std::optional<ServerHello> decode_server_hello(ByteView body, std::string& error) {
    ByteReader reader(body);
    ServerHello hello;
    hello.version = reader.u16();
    read_array(reader, hello.random);
    read_array(reader, hello.key_share);
    hello.cipher_suite = reader.u16();
    if (!finished_cleanly(reader, "ServerHello", error)) return std::nullopt;
    return hello;
}

std::optional<CertificateMessage> decode_certificate(ByteView body, std::string& error) {
    ByteReader reader(body);
    CertificateMessage message;
    std::uint8_t count = reader.u8();
    for (std::uint8_t i = 0; i < count && !reader.failed(); ++i) {
        ByteView entry = reader.raw(reader.u16());
        if (!reader.failed() && entry.empty()) {
            error = "Certificate entry " + std::to_string(i) + " is empty";
            return std::nullopt;
        }
        message.certificates.emplace_back(entry.begin(), entry.end());
    }
    if (!finished_cleanly(reader, "Certificate", error)) return std::nullopt;
    if (count == 0) {
        error = "Certificate message carries no certificate";
        return std::nullopt;
    }
    return message;
}

std::optional<CertificateVerify> decode_certificate_verify(ByteView body, std::string& error) {
    ByteReader reader(body);
    CertificateVerify verify;
    read_array(reader, verify.signature);
    if (!finished_cleanly(reader, "CertificateVerify", error)) return std::nullopt;
    return verify;
}

std::optional<Finished> decode_finished(ByteView body, std::string& error) {
    ByteReader reader(body);
    Finished finished;
    read_array(reader, finished.verify_data);
    if (!finished_cleanly(reader, "Finished", error)) return std::nullopt;
    return finished;
}

}  // namespace toytls
