#include "mitm_modes.hpp"

#include <array>

#include "toytls/cipher_suite.hpp"
#include "toytls/messages.hpp"

namespace toytls_labs {

using toytls::Bytes;
using toytls::ByteView;
using Direction = RecordNarrator::Direction;

namespace {

constexpr std::array<std::pair<MitmMode, std::string_view>, 8> mode_names = {{
    {MitmMode::log, "log"},
    {MitmMode::tamper, "tamper"},
    {MitmMode::replay, "replay"},
    {MitmMode::drop, "drop"},
    {MitmMode::reorder, "reorder"},
    {MitmMode::truncate, "truncate"},
    {MitmMode::strip_suite, "strip-suite"},
    {MitmMode::impersonate, "impersonate"},
}};

Direction direction_from(Peer from) {
    return from == Peer::client ? Direction::client_to_server : Direction::server_to_client;
}

// "server->client application record 1 (seq 3)"
std::string name_application_record(std::uint64_t number, const WireRecord& record) {
    std::string text = "server->client application record " + std::to_string(number);
    if (auto seq = record.sequence_number()) text += " (seq " + std::to_string(*seq) + ")";
    return text;
}

}  // namespace

std::optional<MitmMode> parse_mitm_mode(std::string_view name) {
    for (const auto& [mode, mode_name] : mode_names)
        if (mode_name == name) return mode;
    return std::nullopt;
}

std::string_view mitm_mode_name(MitmMode mode) {
    for (const auto& [known, name] : mode_names)
        if (known == mode) return name;
    return "?";
}

// ---------------------------------------------------------------------------
// RecordAttacker: sees only what is on the wire.
// ---------------------------------------------------------------------------

RecordAttacker::RecordAttacker(AttackSettings settings, std::ostream& report) : settings_(settings), report_(report) {}

void RecordAttacker::say(const std::string& line) { report_ << line << std::endl; }  // flushed: tests read it live

void RecordAttacker::on_bytes(Session& session, Peer from, ByteView bytes) {
    RecordReassembler& reassembler = reassemblers_[static_cast<int>(from)];
    reassembler.feed(bytes);
    while (!cut_) {
        std::optional<WireRecord> record = reassembler.next();
        if (!record) break;
        on_record(session, from, std::move(*record));
    }
    if (!cut_ && reassembler.not_records()) {
        Bytes raw = reassembler.take_buffered();
        say(std::string(direction_name(direction_from(from))) + " " + std::to_string(raw.size()) +
            " bytes that are not ToyTLS records: passed on as they are");
        session.send(other(from), raw);
    }
}

void RecordAttacker::on_eof(Session& session, Peer from) {
    if (cut_) return;
    Bytes partial = reassemblers_[static_cast<int>(from)].take_buffered();
    if (!partial.empty()) {
        say(std::string(direction_name(direction_from(from))) + " " + std::to_string(partial.size()) +
            " bytes of an incomplete record: passed on as they are");
        session.send(other(from), partial);
    }
    if (from == Peer::server && held_record_) {
        say("reorder: the server closed before another record came; sending the held record now");
        session.send(Peer::client, held_record_->bytes);
        held_record_.reset();
    }
    say(std::string(from == Peer::client ? "client" : "server") + " closed its side of the TCP connection");
    session.close_write(other(from));
}

void RecordAttacker::on_record(Session& session, Peer from, WireRecord record) {
    say(narrator_.describe(direction_from(from), record));
    bool is_handshake = record.type_byte() == static_cast<std::uint8_t>(toytls::ContentType::handshake);
    if (from == Peer::client && !client_hello_seen_ && is_handshake) {
        client_hello_seen_ = true;
        if (settings_.mode == MitmMode::strip_suite) record = strip_suite(record);
    }
    bool is_application_data =
        record.type_byte() == static_cast<std::uint8_t>(toytls::ContentType::application_data);
    if (from == Peer::server && is_application_data) {
        ++application_records_from_server_;
        bool attacks_records = settings_.mode != MitmMode::log && settings_.mode != MitmMode::strip_suite;
        if (attacks_records && application_records_from_server_ == settings_.record_number) {
            attack_application_record(session, std::move(record));
            return;
        }
    }
    session.send(other(from), record.bytes);
    if (from == Peer::server && held_record_) {
        say("reorder: now sending the held " + name_application_record(settings_.record_number, *held_record_) +
            ", after the record that followed it");
        session.send(Peer::client, held_record_->bytes);
        held_record_.reset();
    }
}

void RecordAttacker::attack_application_record(Session& session, WireRecord record) {
    std::string name = name_application_record(application_records_from_server_, record);
    switch (settings_.mode) {
        case MitmMode::tamper: {
            // The first ciphertext byte, right after the 8-byte seq; for an
            // empty record (no ciphertext) the first tag byte, same offset.
            std::size_t offset = toytls::record_header_size + toytls::sequence_number_size;
            record.bytes[offset] ^= 0x01;
            say("tamper: flipped bit 0 of byte " + std::to_string(offset) + " (the first ciphertext byte) of " + name);
            session.send(Peer::client, record.bytes);
            return;
        }
        case MitmMode::replay:
            say("replay: passing on " + name + ", then sending it a second time");
            session.send(Peer::client, record.bytes);
            session.send(Peer::client, record.bytes);
            return;
        case MitmMode::drop:
            say("drop: did not pass on " + name);
            return;
        case MitmMode::reorder:
            say("reorder: holding back " + name + " until the next record has gone by");
            held_record_ = std::move(record);
            return;
        case MitmMode::truncate:
            say("truncate: passed on " + name +
                ", then cut both TCP connections (FIN, no close_notify: the attacker has no keys to make one)");
            session.send(Peer::client, record.bytes);
            cut_ = true;
            session.cut();
            return;
        default: session.send(Peer::client, record.bytes); return;
    }
}

WireRecord RecordAttacker::strip_suite(const WireRecord& client_hello) {
    ByteView body = client_hello.body();
    std::string error;
    std::optional<toytls::ClientHello> hello;
    if (body.size() >= toytls::handshake_header_size &&
        body[0] == static_cast<std::uint8_t>(toytls::HandshakeType::client_hello))
        hello = toytls::decode_client_hello(body.subspan(toytls::handshake_header_size), error);
    if (!hello) {
        say("strip-suite: the first client record is not a ClientHello I can decode (" + error + "); passed on");
        return client_hello;
    }
    std::string code = suite_code_text(settings_.suite_to_strip);
    if (std::erase(hello->cipher_suites, settings_.suite_to_strip) == 0) {
        say("strip-suite: the client did not offer " + code + "; nothing to strip, passed on unchanged");
        return client_hello;
    }
    std::string remaining;
    for (std::uint16_t kept : hello->cipher_suites) remaining += " " + suite_code_text(kept);
    if (auto suite = toytls::cipher_suite_from_code(settings_.suite_to_strip))
        code += " (" + std::string(toytls::cipher_suite_name(*suite)) + ")";
    WireRecord edited;
    toytls::append_plaintext_record(edited.bytes, toytls::ContentType::handshake, toytls::encode(*hello));
    say("strip-suite: removed " + code + " from the ClientHello; it now offers" +
        (remaining.empty() ? std::string(" nothing") : remaining) + "; passed on as handshake len=" +
        std::to_string(edited.body_length()));
    return edited;
}

// ---------------------------------------------------------------------------
// Impersonator: a ToyTLS server to the client, a ToyTLS client to the server.
// ---------------------------------------------------------------------------

Impersonator::Impersonator(const ImpersonationSettings& settings, std::ostream& report)
    : settings_(settings), report_(report), downstream_(settings.attacker_identity) {}

void Impersonator::say(const std::string& line) { report_ << line << std::endl; }

void Impersonator::on_bytes(Session& session, Peer from, ByteView bytes) {
    if (from == Peer::client) {
        downstream_.feed(bytes);
        after_client_input(session);
    } else if (upstream_) {
        upstream_->feed(bytes);
        after_server_input(session);
    }
}

void Impersonator::on_eof(Session& session, Peer from) {
    say(std::string(from == Peer::client ? "client" : "server") + " closed its side of the TCP connection");
    if (from == Peer::client) {
        downstream_.feed_eof();
        if (upstream_ && !upstream_->close_sent()) upstream_->close();
        pump(session);
        session.close_write(Peer::server);
        if (!upstream_) session.close_write(Peer::client);
    } else {
        if (upstream_) upstream_->feed_eof();
        if (!downstream_.close_sent()) downstream_.close();
        pump(session);
        session.close_write(Peer::client);
    }
}

void Impersonator::after_client_input(Session& session) {
    if (downstream_.failed() && !reported_downstream_failure_) {
        reported_downstream_failure_ = true;
        const toytls::ConnectionFailure& failure = *downstream_.failure();
        say("impersonate: the handshake with the client failed: " + failure.describe());
        if (failure.alert_sent_by_peer)
            say("impersonate: the client refused the attacker's certificate; nothing to read");
    }
    if (downstream_.established() && !reported_established_) {
        reported_established_ = true;
        const toytls::Certificate& leaf = settings_.attacker_identity->identities.front().leaf;
        say("impersonate: the client accepted the attacker's certificate '" + leaf.subject + "' (issued by '" +
            leaf.issuer + "'); suite " + std::string(toytls::cipher_suite_name(*downstream_.cipher_suite())));
    }
    std::string plaintext(toytls::as_text(downstream_.read()));
    if (!plaintext.empty()) {
        print_plaintext_lines(request_text_, request_lines_printed_, plaintext, "ATTACKER READ: ", 40);
        if (open_upstream(session)) upstream_->write(toytls::as_bytes(plaintext));
    }
    if (downstream_.peer_closed() && upstream_ && !upstream_->close_sent()) upstream_->close();
    pump(session);
}

void Impersonator::after_server_input(Session& session) {
    if (upstream_->failed() && !reported_upstream_failure_) {
        reported_upstream_failure_ = true;
        say("impersonate: the connection to the real server failed: " + upstream_->failure()->describe());
        if (!downstream_.close_sent()) downstream_.close();
    }
    std::string plaintext(toytls::as_text(upstream_->read()));
    if (!plaintext.empty()) {
        print_plaintext_lines(response_text_, response_lines_printed_, plaintext, "ATTACKER READ (response): ", 1);
        downstream_.write(toytls::as_bytes(plaintext));
    }
    if (upstream_->peer_closed() && !downstream_.close_sent()) downstream_.close();
    pump(session);
}

bool Impersonator::open_upstream(Session& session) {
    if (upstream_) return true;
    std::string error;
    if (!session.connect_server(error)) {
        say("impersonate: cannot reach the real server: " + error);
        downstream_.close();
        return false;
    }
    toytls::ClientConfig config;
    config.trust_store = settings_.real_server_roots;
    config.server_name = settings_.real_server_name;
    upstream_.emplace(std::move(config));
    say("impersonate: passing the request on to the real server over a second ToyTLS connection (name '" +
        settings_.real_server_name + "', its certificate checked against the real root)");
    return true;
}

void Impersonator::pump(Session& session) {
    session.send(Peer::client, downstream_.pop());
    if (upstream_) session.send(Peer::server, upstream_->pop());
}

void Impersonator::print_plaintext_lines(std::string& pending, std::size_t& lines_printed, std::string_view plaintext,
                                         std::string_view prefix, std::size_t max_lines) {
    pending.append(plaintext);
    std::size_t end;
    while (lines_printed < max_lines && (end = pending.find('\n')) != std::string::npos) {
        std::string line = pending.substr(0, end);
        pending.erase(0, end + 1);
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line.empty()) continue;  // the blank line after the head
        ++lines_printed;
        say(std::string(prefix) + line);
    }
    if (lines_printed >= max_lines) pending.clear();
}

}  // namespace toytls_labs
