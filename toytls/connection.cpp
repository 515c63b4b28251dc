#include "toytls/connection.hpp"

#include <algorithm>

namespace toytls {

namespace {

// Buffers up to this size are kept between records; larger ones are freed.
constexpr std::size_t small_record_capacity = 2048;

// Appends `from` to `out` and empties `from`. When `out` is empty the two
// buffers are swapped instead: nothing is copied, and each side keeps an
// allocation for next time (pop_into, read_into).
void hand_over(Bytes& from, Bytes& out) {
    if (out.empty())
        std::swap(out, from);
    else
        append(out, from);
    from.clear();
}

}  // namespace

std::string_view side_name(Side side) { return side == Side::client ? "client" : "server"; }

std::string_view connection_state_name(ConnectionState state) {
    switch (state) {
        case ConnectionState::expect_client_hello: return "EXPECT_CLIENT_HELLO";
        case ConnectionState::expect_server_hello: return "EXPECT_SERVER_HELLO";
        case ConnectionState::expect_certificate: return "EXPECT_CERTIFICATE";
        case ConnectionState::expect_certificate_verify: return "EXPECT_CERTIFICATE_VERIFY";
        case ConnectionState::expect_finished: return "EXPECT_FINISHED";
        case ConnectionState::established: return "ESTABLISHED";
        case ConnectionState::failed: return "FAILED";
    }
    return "unknown";
}

namespace {

std::string alert_label(Alert alert) {
    std::string_view name = alert_name(alert);
    return name == "unknown" ? "alert " + std::to_string(static_cast<int>(alert)) : std::string(name);
}

}  // namespace

std::string ConnectionFailure::describe() const {
    if (truncated) return "truncated: " + reason;
    std::string who = alert_sent_by_peer ? "received " : "sent ";
    return who + alert_label(alert) + ": " + reason;
}

Connection::Connection(Side side, ConnectionState first_state, EventObserver observer, KeyLogSink key_log)
    : side_(side), state_(first_state), observer_(std::move(observer)), key_log_(std::move(key_log)) {}

Connection::~Connection() {
    sodium_memzero(received_plaintext_.data(), received_plaintext_.size());
    sodium_memzero(pending_plaintext_.data(), pending_plaintext_.size());
    sodium_memzero(record_plaintext_.data(), record_plaintext_.size());
}

// Callers check observed() first when building the event costs something
// (texts, copies of values): a server without an observer skips all of it.
void Connection::emit(EventKind kind, std::string summary, ByteView bytes,
                      std::vector<std::pair<std::string, Bytes>> values) const {
    if (observer_) observer_(ConnectionEvent{side_, kind, std::move(summary), bytes, std::move(values)});
}

// ---------------------------------------------------------------------------
// Reading: TCP bytes -> records -> handshake messages, alerts, plaintext.
// ---------------------------------------------------------------------------

void Connection::feed(ByteView wire_bytes) {
    // TCP is a stream: one recv() may hold half a record or several. A record
    // that arrived whole is processed where it lies; the rest of one is
    // copied into incoming_record_ (at most one record) until it is complete,
    // so memory stays bounded whatever the caller feeds.
    while (!wire_bytes.empty() && !failed() && !peer_closed_) {
        if (incoming_record_.empty() && wire_bytes.size() >= record_header_size) {
            if (!check_record_header(wire_bytes.first(record_header_size))) return;
            const std::size_t record_size =
                record_header_size + (static_cast<std::size_t>(wire_bytes[1]) << 8 | wire_bytes[2]);
            if (wire_bytes.size() >= record_size) {
                process_complete_record(wire_bytes.first(record_size));
                wire_bytes = wire_bytes.subspan(record_size);
                continue;
            }
            // Only part of the record is here: buffered below (the header is
            // checked again there, with the same result).
        }
        std::size_t wanted = record_header_size;
        if (incoming_record_.size() >= record_header_size)
            wanted += static_cast<std::size_t>(incoming_record_[1]) << 8 | incoming_record_[2];
        std::size_t take = std::min(wanted - incoming_record_.size(), wire_bytes.size());
        append(incoming_record_, wire_bytes.first(take));
        wire_bytes = wire_bytes.subspan(take);

        if (incoming_record_.size() == record_header_size && wanted == record_header_size) {
            if (!check_record_header(incoming_record_)) return;
            continue;
        }
        if (incoming_record_.size() == wanted) {
            Bytes record = std::move(incoming_record_);
            incoming_record_.clear();
            process_complete_record(record);
            // Reuse the allocation, unless a large record made it big: an
            // idle connection should not keep 16 KiB it no longer needs.
            if (record.capacity() <= small_record_capacity) {
                incoming_record_ = std::move(record);
                incoming_record_.clear();
            }
        }
    }
}

// RFC 8446 5.1/5.2: a bad header is refused at once, before waiting for (and
// buffering) a body that may never be valid. Returns false after fail().
bool Connection::check_record_header(ByteView header) {
    std::optional<ContentType> type = content_type_from_byte(header[0]);
    std::size_t length = static_cast<std::size_t>(header[1]) << 8 | header[2];
    if (!type) {
        fail(Alert::unexpected_message, "unknown record content type " + std::to_string(header[0]));
        return false;
    }
    std::size_t max_length = read_protection_ ? max_protected_body_size : max_plaintext_size;
    if (length > max_length) {
        fail(Alert::record_overflow,
             "record length " + std::to_string(length) + " is over the limit of " + std::to_string(max_length));
        return false;
    }
    std::size_t min_length = read_protection_ ? protection_overhead : 1;
    if (length < min_length && !is_plaintext_handshake_alert(*type, length)) {
        fail(Alert::decode_error,
             "record length " + std::to_string(length) + " is under the minimum of " + std::to_string(min_length));
        return false;
    }
    return true;
}

void Connection::process_complete_record(ByteView record) {
    ContentType type = static_cast<ContentType>(record[0]);
    if (observed()) emit(EventKind::record_received, std::string(content_type_name(type)) + " record", record);
    process_record(type, record.subspan(record_header_size));
}

// A peer that fails before it has keys (a client rejecting the ServerHello)
// can only send its alert in the clear, while we already expect protected
// records. No protected record is 2 bytes long, so a 2-byte alert record
// during the handshake can only be such a plaintext alert.
bool Connection::is_plaintext_handshake_alert(ContentType type, std::size_t body_length) const {
    return read_protection_ && !established() && type == ContentType::alert && body_length == 2;
}

void Connection::process_record(ContentType type, ByteView body) {
    if (!read_protection_ || is_plaintext_handshake_alert(type, body.size())) {
        if (type == ContentType::application_data)
            return fail(Alert::unexpected_message, "application data before the handshake completed");
        if (type == ContentType::handshake) return process_handshake_record(body);
        return process_alert_record(body);
    }

    if (type == ContentType::application_data) {
        if (state_ != ConnectionState::established)
            return fail(Alert::unexpected_message, "application data before the handshake completed");
        std::string error;
        if (!read_protection_->open_record(received_plaintext_, type, body, error))
            return fail(Alert::bad_record_mac, error);
        return;
    }
    record_plaintext_.clear();
    std::string error;
    if (!read_protection_->open_record(record_plaintext_, type, body, error)) return fail(Alert::bad_record_mac, error);
    if (type == ContentType::handshake) return process_handshake_record(record_plaintext_);
    process_alert_record(record_plaintext_);
}

void Connection::process_handshake_record(ByteView plaintext) {
    // One message per record, and the record must hold exactly that message.
    ByteReader reader(plaintext);
    std::uint8_t type_byte = reader.u8();
    std::uint32_t length = reader.u24();
    if (reader.failed() || reader.remaining() != length)
        return fail(Alert::decode_error, "handshake message length does not match its record");
    if (state_ == ConnectionState::established)
        return fail(Alert::unexpected_message, "handshake message after the handshake completed");
    std::optional<HandshakeType> type = handshake_type_from_byte(type_byte);
    if (!type) return fail(Alert::unexpected_message, "unknown handshake message type " + std::to_string(type_byte));
    if (observed())
        emit(EventKind::message_received, "received " + std::string(handshake_type_name(*type)), plaintext);
    on_handshake_message(*type, plaintext);
}

void Connection::process_alert_record(ByteView plaintext) {
    if (plaintext.size() != 2) return fail(Alert::decode_error, "alert record is not exactly 2 bytes");
    auto alert = static_cast<Alert>(plaintext[1]);
    std::string name = alert_label(alert);
    if (observed()) emit(EventKind::alert_received, "received " + name, plaintext);
    if (alert == Alert::close_notify && established()) {
        // RFC 8446 6.1: the peer will send no more. Anything after it is
        // ignored; we may still write until we close() ourselves.
        peer_closed_ = true;
        return;
    }
    failure_ = ConnectionFailure{alert, true, false,
                                 alert == Alert::close_notify ? "peer closed the connection during the handshake"
                                                              : "peer sent " + name};
    state_ = ConnectionState::failed;
    emit(EventKind::failed, failure_->describe());
}

void Connection::feed_eof() {
    if (failed() || peer_closed_) return;
    // Without close_notify we cannot tell "the response ended here" from "an
    // attacker cut the TCP stream here" (RFC 8446 6.1): report truncation.
    bool during_handshake = !established();
    failure_ = ConnectionFailure{Alert::close_notify, false, true,
                                 during_handshake ? "TCP closed during the handshake"
                                                  : "TCP closed without close_notify"};
    state_ = ConnectionState::failed;
    emit(EventKind::failed, failure_->describe());
}

Bytes Connection::read() {
    Bytes plaintext = std::move(received_plaintext_);
    received_plaintext_.clear();
    return plaintext;
}

void Connection::read_into(Bytes& out) { hand_over(received_plaintext_, out); }

// ---------------------------------------------------------------------------
// Writing: handshake messages, alerts and plaintext -> records -> pop().
// ---------------------------------------------------------------------------

void Connection::release_idle_buffers() {
    // Only empty buffers are freed, so nothing pending is lost. They hold
    // records and plaintext the application already has, never keys.
    auto release_if_empty = [](Bytes& buffer) {
        if (buffer.empty()) buffer = Bytes();
    };
    release_if_empty(incoming_record_);
    release_if_empty(outgoing_);
    release_if_empty(received_plaintext_);
    release_if_empty(pending_plaintext_);
    release_if_empty(record_plaintext_);
}

Bytes Connection::pop() {
    Bytes wire = std::move(outgoing_);
    outgoing_.clear();
    return wire;
}

void Connection::pop_into(Bytes& out) { hand_over(outgoing_, out); }

void Connection::send_record(ContentType type, ByteView payload) {
    // Larger payloads are split: no record carries more than 2^14 bytes of
    // plaintext (RFC 8446 5.1).
    do {
        ByteView chunk = payload.first(std::min(payload.size(), max_plaintext_size));
        payload = payload.subspan(chunk.size());
        std::size_t start = outgoing_.size();
        if (write_protection_)
            write_protection_->seal_record(outgoing_, type, chunk);
        else
            append_plaintext_record(outgoing_, type, chunk);
        if (observed())
            emit(EventKind::record_sent, std::string(content_type_name(type)) + " record",
                 ByteView(outgoing_).subspan(start));
    } while (!payload.empty());
}

void Connection::send_handshake_message(const Bytes& message, std::string_view summary) {
    if (observed()) emit(EventKind::message_sent, std::string(summary), message);
    send_record(ContentType::handshake, message);
}

void Connection::send_alert(AlertLevel level, Alert alert) {
    const std::uint8_t body[2] = {static_cast<std::uint8_t>(level), static_cast<std::uint8_t>(alert)};
    if (observed()) emit(EventKind::alert_sent, "sent alert " + std::string(alert_name(alert)), body);
    send_record(ContentType::alert, body);
}

bool Connection::write(ByteView plaintext) {
    if (failed() || close_sent_) return false;
    if (plaintext.empty()) return true;
    if (!established()) {
        append(pending_plaintext_, plaintext);
        return true;
    }
    send_record(ContentType::application_data, plaintext);
    return true;
}

void Connection::flush_pending_application_data() {
    if (pending_plaintext_.empty()) return;
    send_record(ContentType::application_data, pending_plaintext_);
    sodium_memzero(pending_plaintext_.data(), pending_plaintext_.size());
    pending_plaintext_.clear();
}

void Connection::close() {
    if (failed() || close_sent_) return;
    close_sent_ = true;
    // close_notify is a warning-level alert (RFC 8446 6.1), protected like
    // every record once keys exist.
    send_alert(AlertLevel::warning, Alert::close_notify);
    if (!established()) {
        // Closing during the handshake cancels it: nothing may follow our
        // close_notify, so the handshake stops here and held data is dropped.
        sodium_memzero(pending_plaintext_.data(), pending_plaintext_.size());
        pending_plaintext_.clear();
        failure_ = ConnectionFailure{Alert::close_notify, false, false, "closed by the application during the handshake"};
        state_ = ConnectionState::failed;
        emit(EventKind::failed, failure_->describe());
    }
}

void Connection::fail(Alert alert, std::string reason) {
    if (failed()) return;
    failure_ = ConnectionFailure{alert, false, false, std::move(reason)};
    send_alert(AlertLevel::fatal, alert);
    state_ = ConnectionState::failed;
    incoming_record_.clear();
    emit(EventKind::failed, failure_->describe());
}

// ---------------------------------------------------------------------------
// Keys.
// ---------------------------------------------------------------------------

TrafficSecrets Connection::derive_keys_and_protect(const Secret<32>& shared_secret, CipherSuite suite,
                                                   const Random& client_random) {
    Sha256Digest hello_hash = transcript_.hash();
    SecretObserver log_secret;
    if (key_log_) {
        log_secret = [this, session_id = to_hex(client_random)](std::string_view label, ByteView value) {
            key_log_(std::string(label) + " " + session_id + " " + to_hex(value));
        };
    }
    TrafficSecrets secrets = derive_traffic_secrets(shared_secret, hello_hash, log_secret);
    AeadAlgorithm aead = cipher_suite_aead(suite);
    auto client_direction = std::make_unique<RecordProtection>(aead, secrets.client_write_key, secrets.client_write_iv);
    auto server_direction = std::make_unique<RecordProtection>(aead, secrets.server_write_key, secrets.server_write_iv);
    if (side_ == Side::client) {
        write_protection_ = std::move(client_direction);
        read_protection_ = std::move(server_direction);
    } else {
        write_protection_ = std::move(server_direction);
        read_protection_ = std::move(client_direction);
    }
    cipher_suite_ = suite;
    if (observed())
        emit(EventKind::keys_derived, "derived traffic keys; records are protected from now on", {},
             {{"hello_hash = SHA-256(ClientHello | ServerHello)", Bytes(hello_hash.begin(), hello_hash.end())}});
    return secrets;
}

void Connection::become_established() {
    state_ = ConnectionState::established;
    record_plaintext_ = Bytes();  // handshake scratch space: not needed any more
    if (observed()) emit(EventKind::established, "handshake complete: " + std::string(cipher_suite_name(*cipher_suite_)));
    flush_pending_application_data();
}

}  // namespace toytls
