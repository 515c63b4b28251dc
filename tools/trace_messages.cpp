#include "tools/trace_messages.hpp"

#include <stdexcept>

#include "toytls/cipher_suite.hpp"

namespace toytls::trace {

namespace {

// `value` as `width` big-endian bytes: how the message carries it.
Bytes big_endian(std::uint64_t value, std::size_t width) {
    Bytes bytes(width);
    for (std::size_t i = width; i-- > 0; value >>= 8) bytes[i] = static_cast<std::uint8_t>(value);
    return bytes;
}

template <std::size_t N>
Bytes bytes_of(const std::array<std::uint8_t, N>& array) {
    return Bytes(array.begin(), array.end());
}

std::string suite_words(std::uint16_t code) {
    std::optional<CipherSuite> suite = cipher_suite_from_code(code);
    return suite ? std::string(cipher_suite_name(*suite)) : "unknown suite (a server skips it)";
}

std::string version_words(std::uint16_t version) {
    return std::to_string(version) + (version == protocol_version_v1 ? " = ToyTLS v1" : " (not v1)");
}

template <typename Decoded>
Decoded decoded_or_throw(std::optional<Decoded> decoded, const std::string& error) {
    if (!decoded) throw std::runtime_error("the trace cannot decode a handshake message: " + error);
    return std::move(*decoded);
}

void add_client_hello_fields(std::vector<MessageField>& fields, ByteView body) {
    std::string error;
    ClientHello hello = decoded_or_throw(decode_client_hello(body, error), error);
    fields.push_back({"version", big_endian(hello.version, 2), version_words(hello.version)});
    fields.push_back({"random", bytes_of(hello.random), "the client's 32 random bytes"});
    fields.push_back({"key_share", bytes_of(hello.key_share), "the client's ephemeral X25519 public key"});
    fields.push_back({"name_length", big_endian(hello.server_name.size(), 1),
                      std::to_string(hello.server_name.size()) + " bytes of server name follow"});
    if (!hello.server_name.empty())
        fields.push_back({"server_name", Bytes(hello.server_name.begin(), hello.server_name.end()),
                          "\"" + hello.server_name + "\" (ASCII)"});
    fields.push_back({"suite_count", big_endian(hello.cipher_suites.size(), 1),
                      std::to_string(hello.cipher_suites.size()) + " suites follow, the client's preference first"});
    for (std::size_t i = 0; i < hello.cipher_suites.size(); ++i)
        fields.push_back({"suite[" + std::to_string(i) + "]", big_endian(hello.cipher_suites[i], 2),
                          suite_words(hello.cipher_suites[i])});
}

void add_server_hello_fields(std::vector<MessageField>& fields, ByteView body) {
    std::string error;
    ServerHello hello = decoded_or_throw(decode_server_hello(body, error), error);
    fields.push_back({"version", big_endian(hello.version, 2), version_words(hello.version)});
    fields.push_back({"random", bytes_of(hello.random), "the server's 32 random bytes"});
    fields.push_back({"key_share", bytes_of(hello.key_share), "the server's ephemeral X25519 public key"});
    fields.push_back({"chosen_suite", big_endian(hello.cipher_suite, 2), suite_words(hello.cipher_suite)});
}

void add_certificate_fields(std::vector<MessageField>& fields, ByteView body) {
    std::string error;
    CertificateMessage message = decoded_or_throw(decode_certificate(body, error), error);
    fields.push_back({"count", big_endian(message.certificates.size(), 1),
                      std::to_string(message.certificates.size()) + " certificates, leaf first; never the root"});
    for (std::size_t i = 0; i < message.certificates.size(); ++i) {
        const std::string entry = "certificate[" + std::to_string(i) + "]";
        const Bytes& certificate = message.certificates[i];
        fields.push_back({entry + ".length", big_endian(certificate.size(), 2),
                          std::to_string(certificate.size()) + " bytes of certificate text follow"});
        fields.push_back({entry, certificate, i == 0 ? "the leaf (text below)" : "an intermediate (text below)"});
    }
}

void add_certificate_verify_fields(std::vector<MessageField>& fields, ByteView body) {
    std::string error;
    CertificateVerify verify = decoded_or_throw(decode_certificate_verify(body, error), error);
    fields.push_back({"signature", bytes_of(verify.signature), "Ed25519 signature by the leaf's key"});
}

void add_finished_fields(std::vector<MessageField>& fields, ByteView body) {
    std::string error;
    Finished finished = decoded_or_throw(decode_finished(body, error), error);
    fields.push_back({"verify_data", bytes_of(finished.verify_data), "HMAC-SHA256(finished key, transcript hash)"});
}

}  // namespace

HandshakeType message_type(ByteView message) {
    std::optional<HandshakeType> type = message.empty() ? std::nullopt : handshake_type_from_byte(message[0]);
    if (!type) throw std::runtime_error("the trace saw a message of unknown handshake type");
    return *type;
}

std::vector<MessageField> message_fields(ByteView message) {
    if (message.size() < handshake_header_size) throw std::runtime_error("handshake message shorter than its header");
    const HandshakeType type = message_type(message);
    const ByteView body = message.subspan(handshake_header_size);

    std::vector<MessageField> fields;
    fields.push_back({"msg_type", big_endian(message[0], 1),
                      std::to_string(message[0]) + " = " + std::string(handshake_type_name(type))});
    fields.push_back({"length", Bytes(message.begin() + 1, message.begin() + 4),
                      std::to_string(body.size()) + " bytes of body follow"});
    switch (type) {
        case HandshakeType::client_hello: add_client_hello_fields(fields, body); break;
        case HandshakeType::server_hello: add_server_hello_fields(fields, body); break;
        case HandshakeType::certificate: add_certificate_fields(fields, body); break;
        case HandshakeType::certificate_verify: add_certificate_verify_fields(fields, body); break;
        case HandshakeType::finished: add_finished_fields(fields, body); break;
    }

    // The table must account for every byte: a field the decoder skipped
    // would otherwise shift every offset after it without anyone noticing.
    Bytes reassembled;
    for (const MessageField& field : fields) append(reassembled, field.value);
    if (!std::equal(reassembled.begin(), reassembled.end(), message.begin(), message.end()))
        throw std::logic_error("the field table of " + std::string(handshake_type_name(type)) +
                               " does not reproduce the message byte for byte");
    return fields;
}

}  // namespace toytls::trace
