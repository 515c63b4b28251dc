#include "decrypt_records.hpp"

#include <cstdio>

#include "toytls/alert.hpp"
#include "toytls/certificate.hpp"
#include "toytls/record.hpp"

namespace toytls_labs {

SplitCapture split_records(const std::vector<CaptureChunk>& chunks) {
    SplitCapture split;
    RecordReassembler streams[2];  // indexed by CaptureDirection
    for (const CaptureChunk& chunk : chunks) {
        RecordReassembler& stream = streams[static_cast<int>(chunk.direction)];
        stream.feed(chunk.bytes);
        while (std::optional<WireRecord> record = stream.next())
            split.records.push_back({chunk.direction, std::move(*record)});
    }
    split.leftover_client_to_server = streams[0].take_buffered().size();
    split.leftover_server_to_client = streams[1].take_buffered().size();
    return split;
}

namespace {

const CapturedRecord* first_record(const SplitCapture& capture, CaptureDirection direction) {
    for (const CapturedRecord& captured : capture.records)
        if (captured.direction == direction) return &captured;
    return nullptr;
}

// The message body of a plaintext handshake record that must hold `expected`.
std::optional<toytls::ByteView> hello_body(const CapturedRecord* captured, toytls::HandshakeType expected,
                                           std::string& error) {
    const std::string name(toytls::handshake_type_name(expected));
    if (!captured) {
        error = "the capture has no " + name + " (no record in that direction)";
        return std::nullopt;
    }
    const WireRecord& record = captured->record;
    if (record.type_byte() == static_cast<std::uint8_t>(toytls::ContentType::alert)) {
        error = "instead of a " + name + " the capture holds a plaintext alert, " + describe_alert(record.body()) +
                ": the handshake failed before any key existed, so nothing in it is encrypted";
        return std::nullopt;
    }
    if (record.type_byte() != static_cast<std::uint8_t>(toytls::ContentType::handshake) ||
        record.body_length() < toytls::handshake_header_size || record.body()[0] != static_cast<std::uint8_t>(expected)) {
        error = "the first record in that direction is not a " + name + "; is this a ToyTLS session?";
        return std::nullopt;
    }
    return record.body().subspan(toytls::handshake_header_size);
}

}  // namespace

std::optional<Hellos> read_hellos(const SplitCapture& capture, std::string& error) {
    const CapturedRecord* client_record = first_record(capture, CaptureDirection::client_to_server);
    const CapturedRecord* server_record = first_record(capture, CaptureDirection::server_to_client);
    auto client_body = hello_body(client_record, toytls::HandshakeType::client_hello, error);
    if (!client_body) return std::nullopt;
    auto client_hello = toytls::decode_client_hello(*client_body, error);
    if (!client_hello) return std::nullopt;
    auto server_body = hello_body(server_record, toytls::HandshakeType::server_hello, error);
    if (!server_body) return std::nullopt;
    auto server_hello = toytls::decode_server_hello(*server_body, error);
    if (!server_hello) return std::nullopt;
    auto message = [](const CapturedRecord* captured) {
        ByteView body = captured->record.body();
        return toytls::Bytes(body.begin(), body.end());
    };
    return Hellos{std::move(*client_hello), message(client_record), std::move(*server_hello), message(server_record)};
}

std::string describe_handshake_message(toytls::ByteView message) {
    if (message.size() < toytls::handshake_header_size) return "a handshake message too short for its header";
    auto type = toytls::handshake_type_from_byte(message[0]);
    if (!type) return "unknown handshake message type " + std::to_string(message[0]);
    std::string text(toytls::handshake_type_name(*type));
    toytls::ByteView body = message.subspan(toytls::handshake_header_size);
    std::string error;
    switch (*type) {
        case toytls::HandshakeType::certificate:
            if (auto certificate = toytls::decode_certificate(body, error)) {
                text += ": " + std::to_string(certificate->certificates.size()) + " certificate(s):";
                for (const toytls::Bytes& entry : certificate->certificates) {
                    auto parsed = toytls::parse_certificate(entry, error);
                    text += parsed ? " '" + parsed->subject + "'" : " (unparsable)";
                }
            }
            break;
        case toytls::HandshakeType::certificate_verify:
            text += ": Ed25519 signature " + toytls::to_hex(body.first(std::min<std::size_t>(body.size(), 8))) +
                    "... by the server's long-term key";
            break;
        case toytls::HandshakeType::finished:
            text += ": verify_data " + toytls::to_hex(body.first(std::min<std::size_t>(body.size(), 8))) + "...";
            break;
        default:
            break;
    }
    return text;
}

std::string describe_alert(toytls::ByteView body) {
    if (body.size() != 2) return "a malformed alert (" + std::to_string(body.size()) + " bytes)";
    const std::string level = body[0] == 1 ? "warning" : body[0] == 2 ? "fatal" : "level " + std::to_string(body[0]);
    std::string name(toytls::alert_name(static_cast<toytls::Alert>(body[1])));
    if (name == "unknown") name = "alert " + std::to_string(body[1]);
    return name + " (" + level + ")";
}

std::string render_text(toytls::ByteView bytes, std::size_t max_bytes) {
    const std::size_t shown = std::min(bytes.size(), max_bytes);
    std::string text = "    | ";
    for (std::size_t i = 0; i < shown; ++i) {
        const std::uint8_t byte = bytes[i];
        if (byte == '\r' && i + 1 < bytes.size() && bytes[i + 1] == '\n') continue;
        if (byte == '\n') {
            if (i + 1 < shown) text += "\n    | ";
        } else if (byte >= 0x20 && byte < 0x7f) {
            text += static_cast<char>(byte);
        } else {
            char escaped[5];
            std::snprintf(escaped, sizeof escaped, "\\x%02x", byte);
            text += escaped;
        }
    }
    text += "\n";
    if (shown < bytes.size()) text += "    (" + std::to_string(bytes.size() - shown) + " more bytes not shown)\n";
    return text;
}

}  // namespace toytls_labs
