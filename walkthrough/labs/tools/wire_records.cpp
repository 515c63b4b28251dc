#include "wire_records.hpp"

#include <cstdio>
#include <utility>

#include "toytls/alert.hpp"
#include "toytls/cipher_suite.hpp"
#include "toytls/messages.hpp"

namespace toytls_labs {

using toytls::record_header_size;

std::optional<std::uint64_t> WireRecord::sequence_number() const {
    if (body_length() < toytls::protection_overhead) return std::nullopt;
    std::uint64_t seq = 0;
    for (std::size_t i = 0; i < toytls::sequence_number_size; ++i) seq = seq << 8 | body()[i];
    return seq;
}

void RecordReassembler::feed(ByteView bytes) { toytls::append(buffer_, bytes); }

std::optional<WireRecord> RecordReassembler::next() {
    if (not_records_ || buffer_.empty()) return std::nullopt;
    if (!toytls::content_type_from_byte(buffer_[0])) {
        not_records_ = true;
        return std::nullopt;
    }
    if (buffer_.size() < record_header_size) return std::nullopt;
    std::size_t length = record_header_size + (static_cast<std::size_t>(buffer_[1]) << 8 | buffer_[2]);
    if (buffer_.size() < length) return std::nullopt;
    WireRecord record{Bytes(buffer_.begin(), buffer_.begin() + static_cast<std::ptrdiff_t>(length))};
    buffer_.erase(buffer_.begin(), buffer_.begin() + static_cast<std::ptrdiff_t>(length));
    return record;
}

Bytes RecordReassembler::take_buffered() { return std::exchange(buffer_, Bytes()); }

std::string_view direction_name(RecordNarrator::Direction direction) {
    return direction == RecordNarrator::Direction::client_to_server ? "client->server" : "server->client";
}

std::string suite_code_text(std::uint16_t code) {
    char text[8];
    std::snprintf(text, sizeof text, "0x%04x", code);
    return text;
}

namespace {

// What the plaintext handshake message in `body` says, in a few words.
std::string describe_plaintext_handshake(ByteView body) {
    if (body.size() < toytls::handshake_header_size) return "plaintext, too short for a handshake message";
    auto type = toytls::handshake_type_from_byte(body[0]);
    ByteView message_body = body.subspan(toytls::handshake_header_size);
    std::string error;
    if (type == toytls::HandshakeType::client_hello) {
        auto hello = toytls::decode_client_hello(message_body, error);
        if (!hello) return "plaintext ClientHello that does not decode: " + error;
        std::string text = "plaintext ClientHello: name " +
                           (hello->server_name.empty() ? std::string("(none)") : hello->server_name) + ", suites";
        for (std::uint16_t code : hello->cipher_suites) text += " " + suite_code_text(code);
        return text;
    }
    if (type == toytls::HandshakeType::server_hello) {
        auto hello = toytls::decode_server_hello(message_body, error);
        if (!hello) return "plaintext ServerHello that does not decode: " + error;
        std::string text = "plaintext ServerHello: suite " + suite_code_text(hello->cipher_suite);
        if (auto suite = toytls::cipher_suite_from_code(hello->cipher_suite))
            text += " " + std::string(toytls::cipher_suite_name(*suite));
        return text;
    }
    if (type) return "plaintext " + std::string(toytls::handshake_type_name(*type));
    return "plaintext, unknown handshake type " + std::to_string(body[0]);
}

}  // namespace

std::string RecordNarrator::describe(Direction direction, const WireRecord& record) {
    auto type = toytls::content_type_from_byte(record.type_byte());
    std::string line = std::string(direction_name(direction)) + " " +
                       (type ? std::string(toytls::content_type_name(*type)) : "type " + std::to_string(record.type_byte())) +
                       " len=" + std::to_string(record.body_length());
    bool plaintext_alert = type == toytls::ContentType::alert && record.body_length() == 2;
    if (!server_hello_seen_ || plaintext_alert) {
        if (plaintext_alert) {
            auto alert = static_cast<toytls::Alert>(record.body()[1]);
            return line + " (plaintext alert: " + (record.body()[0] == 1 ? "warning " : "fatal ") +
                   std::string(toytls::alert_name(alert)) + ")";
        }
        if (type == toytls::ContentType::handshake) {
            bool is_server_hello = record.body_length() > 0 &&
                                   record.body()[0] == static_cast<std::uint8_t>(toytls::HandshakeType::server_hello);
            if (direction == Direction::server_to_client && is_server_hello) server_hello_seen_ = true;
            return line + " (" + describe_plaintext_handshake(record.body()) + ")";
        }
        return line + " (plaintext)";
    }
    std::optional<std::uint64_t> seq = record.sequence_number();
    if (!seq) return line + " (too short to be a protected record)";
    return line + " seq=" + std::to_string(*seq);
}

}  // namespace toytls_labs
