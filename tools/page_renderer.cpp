#include "tools/page_renderer.hpp"

#include <algorithm>
#include <array>
#include <map>
#include <optional>
#include <stdexcept>
#include <string_view>
#include <tuple>

#include "tools/trace_messages.hpp"
#include "toytls/alert.hpp"
#include "toytls/crypto/hkdf.hpp"
#include "toytls/crypto/sha256.hpp"
#include "toytls/messages.hpp"
#include "toytls/record.hpp"

namespace toytls::trace {

namespace {

// ===========================================================================
// Small helpers
// ===========================================================================

void check(bool ok, const std::string& what) {
    if (!ok) throw std::runtime_error("walkthrough page self-check failed: " + what);
}

std::size_t index_of(Side side) { return side == Side::client ? 0 : 1; }
Side peer_of(Side side) { return side == Side::client ? Side::server : Side::client; }
std::string side_words(Side side) { return std::string(side_name(side)); }
std::string direction_words(Side from) { return side_words(from) + " → " + side_words(peer_of(from)); }
bool same_bytes(ByteView a, ByteView b) { return std::equal(a.begin(), a.end(), b.begin(), b.end()); }

// Text for HTML element content and attribute values.
std::string escape(std::string_view text) {
    std::string escaped;
    escaped.reserve(text.size());
    for (char c : text) {
        switch (c) {
            case '&': escaped += "&amp;"; break;
            case '<': escaped += "&lt;"; break;
            case '>': escaped += "&gt;"; break;
            case '"': escaped += "&quot;"; break;
            default: escaped += c;
        }
    }
    return escaped;
}

std::string hex_byte(std::uint8_t byte) {
    const std::uint8_t one[1] = {byte};
    return to_hex(one);
}

// Long values in the static tables: the first bytes and the size.
std::string short_hex(ByteView bytes) {
    constexpr std::size_t shown = 16;
    if (bytes.size() <= 2 * shown) return to_hex(bytes);
    return to_hex(bytes.first(shown)) + "… (" + std::to_string(bytes.size()) + " bytes)";
}

std::string code(std::string_view text) { return "<code>" + escape(text) + "</code>"; }

// A byte as the text column of a hex grid shows it: printable ASCII as
// itself, LF as a return arrow (certificates and HTTP are lines of text),
// everything else as a dot. (The control pictures U+240D and U+240A are
// missing from common monospace fonts.)
std::string byte_glyph(std::uint8_t byte) {
    if (byte == '\n') return "↵";
    if (byte == ' ') return "&#160;";
    if (byte > 0x20 && byte < 0x7f) return escape(std::string(1, static_cast<char>(byte)));
    return "·";
}

// A plaintext byte in the seam, where CR and LF matter to the HTTP parser:
// spelled \r and \n, as in trace.md.
std::string http_glyph(std::uint8_t byte) {
    if (byte == '\r') return "<em>\\r</em>";
    if (byte == '\n') return "<em>\\n</em>";
    return byte_glyph(byte);
}

std::string record_label(std::size_t index) { return "R" + std::to_string(index + 1); }
std::string message_label(std::size_t index) { return "M" + std::to_string(index + 1); }

// ===========================================================================
// The connection, from the recorded entries
// ===========================================================================

struct SentMessage {
    Side from = Side::client;
    Bytes bytes;
    HandshakeType type = HandshakeType::client_hello;
    std::string name() const { return std::string(handshake_type_name(type)); }
};

struct SentRecord {
    Side from = Side::client;
    Bytes bytes;  // the whole record, as on the wire
    ContentType type = ContentType::handshake;
    std::optional<std::uint64_t> seq;  // protected records only
    std::optional<Nonce> nonce;        // protected records only
    Bytes plaintext;                   // the body of a plaintext record, or what the trace opened
    std::optional<std::size_t> message;

    bool is_protected() const { return seq.has_value(); }
    std::size_t ciphertext_size() const { return plaintext.size(); }
};

// One row of the sequence diagram: a record, or something one side did.
struct DiagramRow {
    std::optional<std::size_t> record;
    Side side = Side::client;
    std::string note;
};

struct TranscriptHash {
    std::string covers;   // "M1 | M2 | M3"
    std::string purpose;  // the event's words
    Sha256Digest hash{};
};

// The six derived values of the key schedule (PROTOCOL.md §5.1).
struct DerivedValue {
    const char* label;      // the HKDF label
    const char* log_label;  // the key-log label
    const char* name;
    Side writer;            // whose records or Finished it serves
    const char* use;
};
constexpr DerivedValue derived_values[] = {
    {"c key", "CLIENT_WRITE_KEY", "client_write_key", Side::client, "AEAD key of the client's records"},
    {"c iv", "CLIENT_WRITE_IV", "client_write_iv", Side::client, "nonce base of the client's records"},
    {"s key", "SERVER_WRITE_KEY", "server_write_key", Side::server, "AEAD key of the server's records"},
    {"s iv", "SERVER_WRITE_IV", "server_write_iv", Side::server, "nonce base of the server's records"},
    {"c finished", "CLIENT_FINISHED_KEY", "client_finished_key", Side::client, "HMAC key of the client's Finished"},
    {"s finished", "SERVER_FINISHED_KEY", "server_finished_key", Side::server, "HMAC key of the server's Finished"},
};

template <std::size_t N>
Secret<N> secret_from(const Bytes& bytes, const std::string& label) {
    check(bytes.size() == N, label + " in the key log has " + std::to_string(bytes.size()) + " bytes");
    return Secret<N>(std::span<const std::uint8_t, N>(bytes.data(), N));
}

// Walks the entries once, in order, and keeps what the page shows. Protected
// records are opened as they are sent, with keys built from the key log,
// exactly as toytls-trace does.
class Connection {
public:
    Connection(const std::vector<TraceEntry>& entries, CipherSuite suite);

    std::vector<SentMessage> messages;
    std::vector<SentRecord> records;
    std::vector<DiagramRow> rows;
    std::vector<TranscriptHash> transcript_hashes;
    std::map<std::string, Bytes> key_log;  // the first side's; the other side's is checked equal
    Sha256Digest hello_hash{};

    const Bytes& logged(const std::string& label) const {
        auto found = key_log.find(label);
        check(found != key_log.end(), "the key log has no " + label + " line");
        return found->second;
    }
    // The records `side` protected, as "R6, R7, R9".
    std::string protected_records_of(Side side) const;
    // The first record carrying application data from `side`.
    const SentRecord& first_application_record(Side side) const;

private:
    void record_sent(const TraceEntry& entry);
    void keys_derived(const TraceEntry& entry);
    void transcript_hash(const TraceEntry& entry);
    void key_log_line(const TraceEntry& entry);

    CipherSuite suite_;
    std::array<std::map<std::string, Bytes>, 2> key_logs_;
    std::array<std::optional<std::size_t>, 2> message_awaiting_record_;
    std::array<std::optional<Bytes>, 2> alert_awaiting_record_;
    std::array<std::optional<RecordProtection>, 2> shadow_protection_;  // per sender
};

Connection::Connection(const std::vector<TraceEntry>& entries, CipherSuite suite) : suite_(suite) {
    for (const TraceEntry& entry : entries) {
        if (entry.source == TraceEntry::Source::key_log) {
            key_log_line(entry);
            continue;
        }
        switch (entry.kind) {
            case EventKind::message_sent:
                messages.push_back(SentMessage{entry.side, entry.bytes, message_type(entry.bytes)});
                message_awaiting_record_[index_of(entry.side)] = messages.size() - 1;
                break;
            case EventKind::alert_sent: alert_awaiting_record_[index_of(entry.side)] = entry.bytes; break;
            case EventKind::record_sent: record_sent(entry); break;
            case EventKind::keys_derived: keys_derived(entry); break;
            case EventKind::transcript_hash: transcript_hash(entry); break;
            case EventKind::established: rows.push_back({std::nullopt, entry.side, "handshake complete"}); break;
            case EventKind::alert_received: rows.push_back({std::nullopt, entry.side, entry.summary}); break;
            default: break;
        }
    }
    check(messages.size() == 6, "expected 6 handshake messages, saw " + std::to_string(messages.size()));
    check(key_logs_[0] == key_logs_[1], "the two sides' key logs differ");
}


void Connection::key_log_line(const TraceEntry& entry) {
    check(entry.values.size() == 1, "key log line is not <LABEL> <client random hex> <value hex>: " + entry.summary);
    key_logs_[index_of(entry.side)][entry.values[0].first] = entry.values[0].second;
}

void Connection::keys_derived(const TraceEntry& entry) {
    check(entry.values.size() == 1 && entry.values[0].second.size() == hello_hash.size(),
          "keys_derived without a hello_hash");
    std::copy(entry.values[0].second.begin(), entry.values[0].second.end(), hello_hash.begin());
    rows.push_back({std::nullopt, entry.side, "derives the keys (§5)"});
    if (shadow_protection_[0].has_value()) return;  // the second side: same keys, checked at the end

    // From here on the page opens every protected record too, with the
    // first side's logged keys: that is what shows the nonces and plaintexts.
    key_log = key_logs_[index_of(entry.side)];
    const AeadAlgorithm aead = cipher_suite_aead(suite_);
    shadow_protection_[index_of(Side::client)].emplace(
        aead, secret_from<Aead::key_size>(logged("CLIENT_WRITE_KEY"), "CLIENT_WRITE_KEY"),
        secret_from<Aead::nonce_size>(logged("CLIENT_WRITE_IV"), "CLIENT_WRITE_IV"));
    shadow_protection_[index_of(Side::server)].emplace(
        aead, secret_from<Aead::key_size>(logged("SERVER_WRITE_KEY"), "SERVER_WRITE_KEY"),
        secret_from<Aead::nonce_size>(logged("SERVER_WRITE_IV"), "SERVER_WRITE_IV"));
}

void Connection::record_sent(const TraceEntry& entry) {
    const std::size_t sender = index_of(entry.side);
    SentRecord record;
    record.from = entry.side;
    record.bytes = entry.bytes;
    const ByteView wire = record.bytes;
    check(wire.size() >= record_header_size, "a record shorter than its header");
    std::optional<ContentType> type = content_type_from_byte(wire[0]);
    check(type.has_value(), "a record with an unknown content type");
    record.type = *type;
    const ByteView body = wire.subspan(record_header_size);

    if (auto& protection = shadow_protection_[sender]; protection.has_value()) {
        check(body.size() >= protection_overhead, "a protected record shorter than seq and tag");
        std::uint64_t seq = 0;
        for (std::size_t i = 0; i < sequence_number_size; ++i) seq = seq << 8 | body[i];
        record.seq = seq;
        record.nonce = protection->nonce_for(seq);
        std::string error;
        check(protection->open_record(record.plaintext, record.type, body, error),
              "the page cannot open " + record_label(records.size()) + " with the key log's keys: " + error);
    } else {
        record.plaintext.assign(body.begin(), body.end());
    }

    switch (record.type) {
        case ContentType::handshake: {
            const auto& awaiting = message_awaiting_record_[sender];
            check(awaiting.has_value() && same_bytes(record.plaintext, messages[*awaiting].bytes),
                  "a handshake record that does not carry the message just sent");
            record.message = awaiting;
            message_awaiting_record_[sender].reset();
            break;
        }
        case ContentType::alert:
            check(alert_awaiting_record_[sender].has_value() &&
                      same_bytes(record.plaintext, *alert_awaiting_record_[sender]),
                  "an alert record that does not carry the alert just sent");
            alert_awaiting_record_[sender].reset();
            break;
        case ContentType::application_data:
            check(record.is_protected(), "application data in a plaintext record");
            break;
    }
    records.push_back(std::move(record));
    rows.push_back({records.size() - 1, entry.side, {}});
}

// Which messages so far the hash covers, checked by hashing each prefix.
void Connection::transcript_hash(const TraceEntry& entry) {
    check(entry.values.size() == 1 && entry.values[0].second.size() == 32, "transcript_hash without a hash");
    TranscriptHash transcript;
    std::copy(entry.values[0].second.begin(), entry.values[0].second.end(), transcript.hash.begin());
    for (const TranscriptHash& known : transcript_hashes)
        if (known.hash == transcript.hash) return;  // the other side announcing the same hash
    transcript.purpose = entry.summary;
    Bytes prefix;
    for (std::size_t i = 0; i < messages.size(); ++i) {
        append(prefix, messages[i].bytes);
        transcript.covers += (i == 0 ? "" : " | ") + message_label(i);
        if (sha256(prefix) == transcript.hash) {
            transcript_hashes.push_back(std::move(transcript));
            return;
        }
    }
    check(false, "a transcript hash that is not the hash of the messages so far");
}

std::string Connection::protected_records_of(Side side) const {
    std::string words;
    for (std::size_t i = 0; i < records.size(); ++i)
        if (records[i].from == side && records[i].is_protected())
            words += (words.empty() ? "" : ", ") + record_label(i);
    return words;
}

const SentRecord& Connection::first_application_record(Side side) const {
    for (const SentRecord& record : records)
        if (record.from == side && record.type == ContentType::application_data) return record;
    throw std::runtime_error("walkthrough page: the " + side_words(side) + " sent no application data");
}

// ===========================================================================
// What each field is: the words of the explanation panel
// ===========================================================================

struct FieldNote {
    std::string why;
    std::string reference;  // "PROTOCOL.md §3.1 · RFC 8446 §4.1.2"
};

// "suite[1]" -> "suite", "certificate[0].length" -> "certificate.length".
std::string base_name(const std::string& name) {
    std::string base;
    bool in_index = false;
    for (char c : name) {
        if (c == '[') in_index = true;
        if (!in_index) base += c;
        if (c == ']') in_index = false;
    }
    return base;
}

FieldNote handshake_field_note(HandshakeType type, const std::string& name) {
    const std::string field = base_name(name);
    if (field == "msg_type")
        return {"Which handshake message this is. The receiver checks that it is the one its state machine expects "
                "next (§7); anything else is an unexpected_message alert. TLS 1.3 has the same 4-byte header.",
                "PROTOCOL.md §3.0 · RFC 8446 §4"};
    if (field == "length")
        return {"u24, big-endian: the size of the body. A record carries exactly one message, so this must equal "
                "the record's body minus these 4 header bytes, or the receiver sends decode_error.",
                "PROTOCOL.md §3.0 · RFC 8446 §4"};
    switch (type) {
        case HandshakeType::client_hello:
        case HandshakeType::server_hello: {
            const bool client = type == HandshakeType::client_hello;
            const std::string section = client ? "PROTOCOL.md §3.1 · RFC 8446 §4.1.2" : "PROTOCOL.md §3.2 · RFC 8446 §4.1.3";
            if (field == "version")
                return {"u16, must be 1. TLS 1.3 freezes this field at 0x0303 and negotiates the real version in the "
                        "supported_versions extension; ToyTLS has one version and needs only this field.",
                        section + ", §4.2.1"};
            if (field == "random")
                return {std::string(client ? "The client's" : "The server's") +
                            " 32 fresh random bytes. They make every transcript unique, so the signature and the "
                            "Finished of an old handshake are worthless in a new one. Here they come from a seeded, "
                            "deterministic source so that this page is the same on every run: never do that for real." +
                            (client ? " The key log names the connection by this value (§11)." : ""),
                        section};
            if (field == "key_share")
                return {std::string(client ? "The client's" : "The server's") +
                            " ephemeral X25519 public key. X25519 of one side's private key and the other side's "
                            "key_share gives both sides the same shared secret (the key schedule below); a new key "
                            "pair for every connection is what gives forward secrecy. TLS 1.3 sends it in the "
                            "key_share extension.",
                        std::string(client ? "PROTOCOL.md §3.1, §5.1" : "PROTOCOL.md §3.2, §5.1") +
                            " · RFC 8446 §4.2.8, §7.4.2"};
            if (field == "name_length")
                return {"u8: how many bytes of server name follow; 0 would mean no name.", "PROTOCOL.md §3.1 · RFC 6066 §3"};
            if (field == "server_name")
                return {"The name the client wants to reach, in plain ASCII: anyone on the path can read it, as in TLS "
                        "1.3 without Encrypted Client Hello. The server picks its certificate by it (§10), and the client "
                        "later checks that the leaf is valid for it (§9.6).",
                        "PROTOCOL.md §3.1, §10 · RFC 6066 §3 (SNI)"};
            if (field == "suite_count")
                return {"u8: how many u16 cipher suite codes follow; at least 1.", section};
            if (field == "suite")
                return {"A cipher suite the client offers, in its order of preference. The server picks the first "
                        "suite in its own list that the client offered (§4); unknown codes are skipped, which is how "
                        "new suites can be added. The suites travel in the clear, but the transcript covers them, so "
                        "a downgrade would be caught by CertificateVerify and Finished.",
                        "PROTOCOL.md §3.1, §4 · RFC 8446 §4.1.2, §9.1"};
            if (field == "chosen_suite")
                return {"The suite the server picked among the client's. Its AEAD protects every record from the next "
                        "one on.",
                        "PROTOCOL.md §3.2, §4 · RFC 8446 §4.1.3"};
            break;
        }
        case HandshakeType::certificate:
            if (field == "count")
                return {"u8: how many certificates follow: the leaf first, then each intermediate. Never the root: "
                        "the client has it already, and trusting a root because the server sent it would make it "
                        "worthless.",
                        "PROTOCOL.md §3.3 · RFC 8446 §4.4.2"};
            if (field == "certificate.length")
                return {"u16: the size of the certificate that follows.", "PROTOCOL.md §3.3 · RFC 8446 §4.4.2"};
            if (field == "certificate")
                return {"A ToyTLS certificate: ASCII lines (subject, issuer, validity, DNS names, an Ed25519 public "
                        "key, the issuer's signature). The client checks the chain up to its trusted root at its "
                        "fixed clock, and the leaf's names against \"localhost\". TLS uses X.509 in DER instead.",
                        "PROTOCOL.md §3.3, §9 · RFC 8446 §4.4.2"};
            break;
        case HandshakeType::certificate_verify:
            if (field == "signature")
                return {"Ed25519 signature by the leaf certificate's private key over 64 spaces | \"ToyTLS v1 server "
                        "CertificateVerify\" | 0x00 | SHA-256(M1 | M2 | M3). The chain is public, so anyone can "
                        "replay it; only the key's owner can sign this handshake's transcript.",
                        "PROTOCOL.md §3.4 · RFC 8446 §4.4.3"};
            break;
        case HandshakeType::finished:
            if (field == "verify_data")
                return {"HMAC-SHA256(finished key, transcript hash). Key confirmation: it matches only if both sides "
                        "derived the same keys from the same transcript, so any change to an earlier message is "
                        "caught here.",
                        "PROTOCOL.md §3.5 · RFC 8446 §4.4.4"};
            break;
    }
    throw std::runtime_error("walkthrough page: no explanation for field " + name);
}

// ===========================================================================
// Byte grids: the bytes, each field's place in them, and its explanation
// ===========================================================================

struct GridField {
    std::string layer;  // "record", "handshake", "ClientHello", "HTTP", "alert"
    std::string name;   // "random"
    std::size_t offset = 0;
    std::size_t length = 0;
    std::optional<std::size_t> message_offset;  // when a message sits inside a record
    std::string meaning;
    FieldNote note;
    std::string colour;  // a CSS class
};

struct ByteGrid {
    std::string id;
    std::string caption;
    Bytes bytes;
    std::vector<GridField> fields;
};

// Body fields cycle through four colours, so neighbours always differ.
std::string body_colour(std::size_t index) { return "b" + std::to_string(index % 4); }

void add_message_fields(ByteGrid& grid, const SentMessage& message, std::size_t at) {
    std::size_t offset = 0;
    std::size_t body_index = 0;
    for (const MessageField& field : message_fields(message.bytes)) {
        const bool header = offset < handshake_header_size;
        GridField grid_field{header ? "handshake" : message.name(), field.name, at + offset, field.value.size(),
                             std::nullopt, field.meaning, handshake_field_note(message.type, field.name),
                             header ? "h" : body_colour(body_index++)};
        if (at != 0) grid_field.message_offset = offset;
        grid.fields.push_back(std::move(grid_field));
        offset += field.value.size();
    }
}

void add_record_header_fields(ByteGrid& grid, const SentRecord& record) {
    const std::size_t body_size = record.bytes.size() - record_header_size;
    grid.fields.push_back({"record", "content_type", 0, 1, std::nullopt,
                           std::to_string(record.bytes[0]) + " = " + std::string(content_type_name(record.type)),
                           {"u8: what the body carries: 21 alert, 22 handshake, 23 application_data. ToyTLS sends the "
                            "real type in the clear, even in protected records; TLS 1.3 hides it inside the "
                            "ciphertext and always shows 23 outside.",
                            "PROTOCOL.md §2.1 · RFC 8446 §5.1, §5.2"},
                           "r"});
    grid.fields.push_back({"record", "length", 1, 2, std::nullopt, std::to_string(body_size) + " bytes of body follow",
                           {record.is_protected()
                                ? "u16: the body's size: 8 bytes of seq, the ciphertext (as long as the plaintext), "
                                  "16 bytes of tag. The receiver reads exactly this many bytes before it looks at them."
                                : "u16: the body's size. In a plaintext record the body is the message itself, with no "
                                  "protection: only ClientHello, ServerHello and early alerts travel like this.",
                            "PROTOCOL.md §2.1, §2.2, §2.3 · RFC 8446 §5.1"},
                           "r"});
}

// The record as it goes on the wire. A plaintext record shows the message
// inside it; a protected one its seq, ciphertext and tag.
ByteGrid record_grid(const Connection& connection, std::size_t index) {
    const SentRecord& record = connection.records[index];
    ByteGrid grid{"grid-" + record_label(index), {}, record.bytes, {}};
    add_record_header_fields(grid, record);
    if (!record.is_protected()) {
        check(record.message.has_value(), "a plaintext record without a message");
        const SentMessage& message = connection.messages[*record.message];
        grid.caption = record_label(index) + " on the wire: the record header, then " + message_label(*record.message) +
                       " " + message.name() + " as is (offsets from the record's first byte; the message starts at 3)";
        add_message_fields(grid, message, record_header_size);
        return grid;
    }
    const std::size_t n = record.ciphertext_size();
    const std::string key = record.from == Side::client ? "client_write_key" : "server_write_key";
    const std::string iv = record.from == Side::client ? "client_write_iv" : "server_write_iv";
    grid.caption = record_label(index) + " on the wire: header, seq, ciphertext, tag";
    grid.fields.push_back({"record", "seq", record_header_size, sequence_number_size, std::nullopt,
                           std::to_string(*record.seq) + ": the " + side_words(record.from) +
                               "'s record number, counted from 0",
                           {"u64: this direction's record counter, from 0 for the first protected record. It is "
                            "XORed into the write IV to make this record's nonce (" + to_hex(*record.nonce) + "), and "
                            "the receiver rejects any other value than the one it expects, so records cannot be "
                            "dropped, replayed or reordered. TLS 1.3 does not send it: both sides count.",
                            "PROTOCOL.md §2.3, §2.4 · RFC 8446 §5.3"},
                           "s"});
    grid.fields.push_back({"record", "ciphertext", record_header_size + sequence_number_size, n, std::nullopt,
                           std::to_string(n) + " bytes, as many as the plaintext",
                           {"The plaintext encrypted with " + key + " and the nonce " + iv +
                                " XOR seq. Both AEADs are stream modes, so ciphertext byte i is plaintext byte i XOR "
                                "a keystream byte: the length of the plaintext is not hidden.",
                            "PROTOCOL.md §2.3 · RFC 8446 §5.2"},
                           "x"});
    grid.fields.push_back({"record", "tag", record_header_size + sequence_number_size + n, Aead::tag_size,
                           std::nullopt, "the AEAD's 16-byte authentication tag",
                           {"Authenticates the ciphertext and the additional data: the record's first 11 bytes, "
                            "content_type | length | seq. Change any bit of the record and the receiver's AEAD-Open "
                            "fails: bad_record_mac, and the connection is over.",
                            "PROTOCOL.md §2.3, §2.6 · RFC 8446 §5.2"},
                           "t"});
    return grid;
}

// An HTTP message split the way the parser sees it: lines up to the empty
// one, then the body.
struct HttpPart {
    std::string name;
    std::size_t offset = 0;
    std::size_t length = 0;
    std::string meaning;
    FieldNote note;
};

std::vector<HttpPart> http_parts(ByteView http, bool is_request) {
    std::vector<HttpPart> parts;
    std::size_t offset = 0;
    while (offset < http.size()) {
        const std::string_view rest = as_text(http.subspan(offset));
        const std::size_t end = rest.find("\r\n");
        const bool first = parts.empty();
        if (end == std::string_view::npos) break;  // only a body is left
        const std::string line(rest.substr(0, end));
        HttpPart part{{}, offset, end + 2, "\"" + line + "\\r\\n\"", {}};
        if (first && is_request) {
            part.name = "request line";
            part.note = {"Method, target and version, ended by CR LF. From here up, nothing knows about ToyTLS: the "
                         "parser reads exactly what it would read from a plain socket.",
                         "RFC 9112 §3"};
        } else if (first) {
            part.name = "status line";
            part.note = {"Version, status code and reason, ended by CR LF.", "RFC 9112 §4"};
        } else if (line.empty()) {
            part.name = "end of header";
            part.meaning = "\"\\r\\n\": the empty line";
            part.note = {"The empty line ends the header section; what follows, if anything, is the body.",
                         "RFC 9112 §2.1"};
        } else {
            part.name = "header " + line.substr(0, line.find(':'));
            part.note = {"One header field: name, colon, value, CR LF.", "RFC 9112 §5 · RFC 9110 §5"};
        }
        parts.push_back(std::move(part));
        offset += end + 2;
        if (line.empty()) break;
    }
    if (offset < http.size())
        parts.push_back({"body", offset, http.size() - offset, std::to_string(http.size() - offset) + " bytes",
                         {"The body, as many bytes as Content-Length says: the HTML page the server sends.",
                          "RFC 9112 §6"}});
    return parts;
}

// The plaintext of a protected record, field by field.
ByteGrid plaintext_grid(const Connection& connection, std::size_t index) {
    const SentRecord& record = connection.records[index];
    ByteGrid grid{"grid-" + record_label(index) + "-plaintext", {}, record.plaintext, {}};
    switch (record.type) {
        case ContentType::handshake: {
            const SentMessage& message = connection.messages[*record.message];
            grid.caption = message_label(*record.message) + " " + message.name() + ": the plaintext of " +
                           record_label(index) + ", opened with the key log's keys";
            add_message_fields(grid, message, 0);
            break;
        }
        case ContentType::application_data: {
            grid.caption = "The plaintext of " + record_label(index) + ", opened with the key log's keys: HTTP";
            std::size_t i = 0;
            for (const HttpPart& part : http_parts(record.plaintext, record.from == Side::client))
                grid.fields.push_back({"HTTP", part.name, part.offset, part.length, std::nullopt, part.meaning,
                                       part.note, body_colour(i++)});
            break;
        }
        case ContentType::alert: {
            grid.caption = "The plaintext of " + record_label(index) + ", opened with the key log's keys: an alert";
            const auto level = record.plaintext.at(0);
            const auto description = record.plaintext.at(1);
            grid.fields.push_back({"alert", "level", 0, 1, std::nullopt,
                                   std::to_string(level) + (level == 1 ? " = warning" : " = fatal"),
                                   {"u8: 1 warning, 2 fatal. close_notify is the only warning ToyTLS sends.",
                                    "PROTOCOL.md §8.1 · RFC 8446 §6"},
                                   "b0"});
            grid.fields.push_back({"alert", "description", 1, 1, std::nullopt,
                                   std::to_string(description) + " = " +
                                       std::string(alert_name(static_cast<Alert>(description))),
                                   {"u8: which alert. close_notify says \"I will send nothing more\": without it, the "
                                    "end of the TCP stream is reported as a truncation, because an attacker can cut a "
                                    "connection but cannot forge this protected record.",
                                    "PROTOCOL.md §8.1, §8.4 · RFC 8446 §6.1"},
                                   "b1"});
            break;
        }
    }
    return grid;
}

// The grid must account for every byte, in order, like the trace's tables.
void check_grid(const ByteGrid& grid) {
    std::size_t next = 0;
    for (const GridField& field : grid.fields) {
        check(field.offset == next && field.length > 0, grid.id + ": field " + field.name + " is out of place");
        next += field.length;
    }
    check(next == grid.bytes.size(), grid.id + ": the fields do not cover every byte");
}

constexpr std::size_t grid_bytes_per_row = 16;

std::string grid_html(const ByteGrid& grid) {
    check_grid(grid);
    std::vector<std::size_t> field_of(grid.bytes.size());
    for (std::size_t f = 0; f < grid.fields.size(); ++f)
        for (std::size_t i = 0; i < grid.fields[f].length; ++i) field_of[grid.fields[f].offset + i] = f;

    std::string html = "<figure class=\"bytes\" id=\"" + grid.id + "\">\n<figcaption>" + escape(grid.caption) +
                       "</figcaption>\n<div class=\"pair\">\n<div class=\"hex\" tabindex=\"0\" aria-label=\"" +
                       escape(grid.caption) +
                       ". Arrow keys move through the bytes, Shift extends the selection.\">\n";
    for (std::size_t row = 0; row < grid.bytes.size(); row += grid_bytes_per_row) {
        const std::size_t end = std::min(row + grid_bytes_per_row, grid.bytes.size());
        html += "<span class=\"o\">" + std::to_string(row) + "</span>";
        for (std::size_t i = row; i < end; ++i)
            html += "<span class=\"" + grid.fields[field_of[i]].colour + "\" data-f=\"" +
                    std::to_string(field_of[i]) + "\">" + hex_byte(grid.bytes[i]) + "</span>";
        html += "<span class=\"a\">";
        for (std::size_t i = row; i < end; ++i) html += "<i>" + byte_glyph(grid.bytes[i]) + "</i>";
        html += "</span>\n";
    }
    html += "</div>\n<div class=\"explain\" aria-live=\"polite\" hidden><p class=\"hint\">Click a byte, drag across "
            "bytes, or focus the grid and use the arrow keys: the field is highlighted and explained here.</p>"
            "</div>\n</div>\n";
    html += "<details open><summary>The " + std::to_string(grid.fields.size()) +
            " fields as a table</summary>\n<table class=\"fields\">\n<thead><tr><th>offset</th><th>size</th>"
            "<th>field</th><th>value (hex)</th><th>meaning</th><th>why</th><th>spec</th></tr></thead>\n<tbody>\n";
    for (std::size_t f = 0; f < grid.fields.size(); ++f) {
        const GridField& field = grid.fields[f];
        const ByteView value = ByteView(grid.bytes).subspan(field.offset, field.length);
        html += "<tr data-f=\"" + std::to_string(f) + "\" data-name=\"" + escape(field.name) + "\"";
        if (field.message_offset) html += " data-message-offset=\"" + std::to_string(*field.message_offset) + "\"";
        html += "><td class=\"n\">" + std::to_string(field.offset) + "</td><td class=\"n\">" +
                std::to_string(field.length) + "</td><td class=\"fn\"><span class=\"sw " + field.colour +
                "\"></span>" + code(field.layer + "." + field.name) + "</td><td class=\"v\">" + code(short_hex(value)) +
                "</td><td class=\"m\">" + escape(field.meaning) + "</td><td class=\"w\">" + escape(field.note.why) +
                "</td><td class=\"ref\">" + escape(field.note.reference) + "</td></tr>\n";
    }
    html += "</tbody>\n</table>\n</details>\n</figure>\n";
    return html;
}

// ===========================================================================
// Section: the sequence diagram
// ===========================================================================

std::string record_arrow_label(const Connection& connection, std::size_t index) {
    const SentRecord& record = connection.records[index];
    std::string what;
    switch (record.type) {
        case ContentType::handshake: what = connection.messages[*record.message].name(); break;
        case ContentType::alert: what = std::string(alert_name(static_cast<Alert>(record.plaintext.at(1)))); break;
        case ContentType::application_data: {
            const std::string_view text = as_text(record.plaintext);
            what = std::string(text.substr(0, text.find("\r\n")));
            break;
        }
    }
    return record_label(index) + " " + std::string(content_type_name(record.type)) + ": " + what + " (" +
           (record.is_protected() ? "protected, seq " + std::to_string(*record.seq) : "plaintext") + ")";
}

std::string record_kind_class(const SentRecord& record) {
    if (!record.is_protected()) return "plain";
    switch (record.type) {
        case ContentType::handshake: return "hs";
        case ContentType::application_data: return "app";
        case ContentType::alert: return "alert";
    }
    return "plain";
}

std::string sequence_section(const Connection& connection) {
    constexpr int width = 960;
    constexpr int client_x = 150;
    constexpr int server_x = 810;
    constexpr int top = 96;
    constexpr int arrow_row = 50;
    constexpr int note_row = 36;
    int height = top;
    for (const DiagramRow& row : connection.rows) height += row.record ? arrow_row : note_row;
    height += 30;

    std::string svg = "<svg class=\"sequence\" viewBox=\"0 0 " + std::to_string(width) + " " +
                      std::to_string(height) + "\" role=\"img\" aria-labelledby=\"sequence-title\">\n"
                      "<title id=\"sequence-title\">Sequence diagram: the " +
                      std::to_string(connection.records.size()) + " records of the connection</title>\n";
    for (const auto& [x, side, type] : {std::tuple{client_x, "client", "ClientConnection"},
                                        std::tuple{server_x, "server", "ServerConnection"}}) {
        svg += "<line class=\"life\" x1=\"" + std::to_string(x) + "\" y1=\"64\" x2=\"" + std::to_string(x) +
               "\" y2=\"" + std::to_string(height - 10) + "\"/>\n";
        svg += "<rect class=\"head\" x=\"" + std::to_string(x - 90) + "\" y=\"8\" width=\"180\" height=\"56\" rx=\"8\"/>"
               "<text class=\"who\" x=\"" + std::to_string(x) + "\" y=\"33\">" + side + "</text>"
               "<text class=\"type\" x=\"" + std::to_string(x) + "\" y=\"52\">" + type + "</text>\n";
    }
    int y = top;
    for (const DiagramRow& row : connection.rows) {
        if (!row.record) {
            const int x = row.side == Side::client ? client_x : server_x;
            const int box_width = static_cast<int>(row.note.size()) * 7 + 24;
            svg += "<g class=\"note\"><rect x=\"" + std::to_string(x - box_width / 2) + "\" y=\"" +
                   std::to_string(y + 4) + "\" width=\"" + std::to_string(box_width) +
                   "\" height=\"24\" rx=\"5\"/><text x=\"" + std::to_string(x) + "\" y=\"" + std::to_string(y + 20) +
                   "\">" + escape(row.note) + "</text></g>\n";
            y += note_row;
            continue;
        }
        const std::size_t index = *row.record;
        const SentRecord& record = connection.records[index];
        const int from = record.from == Side::client ? client_x : server_x;
        const int to = record.from == Side::client ? server_x : client_x;
        const int tip = to + (from < to ? -2 : 2);
        const int back = tip + (from < to ? -12 : 12);
        const int line_y = y + 30;
        svg += "<a href=\"#" + record_label(index) + "\" class=\"arrow " + record_kind_class(record) + "\">" +
               "<title>" + escape(record_arrow_label(connection, index)) + ": show its bytes</title>" +
               "<rect class=\"hit\" x=\"" + std::to_string(std::min(from, to)) + "\" y=\"" + std::to_string(y + 4) +
               "\" width=\"" + std::to_string(server_x - client_x) + "\" height=\"" + std::to_string(arrow_row - 6) +
               "\"/>" + "<text class=\"label\" x=\"" + std::to_string((client_x + server_x) / 2) + "\" y=\"" +
               std::to_string(line_y - 8) + "\">" + escape(record_arrow_label(connection, index)) + "</text>" +
               "<line x1=\"" + std::to_string(from) + "\" y1=\"" + std::to_string(line_y) + "\" x2=\"" +
               std::to_string(back) + "\" y2=\"" + std::to_string(line_y) + "\"/>" + "<polygon points=\"" +
               std::to_string(tip) + "," + std::to_string(line_y) + " " + std::to_string(back) + "," +
               std::to_string(line_y - 6) + " " + std::to_string(back) + "," + std::to_string(line_y + 6) + "\"/>" +
               "<text class=\"size\" x=\"" + std::to_string((client_x + server_x) / 2) + "\" y=\"" +
               std::to_string(line_y + 15) + "\">" + std::to_string(record.bytes.size()) + " bytes</text></a>\n";
        y += arrow_row;
    }
    svg += "</svg>\n";

    return "<section id=\"sequence\">\n<h2>1. The connection at a glance</h2>\n"
           "<p>Each arrow is one record, in the order the two sides sent them; each grey box is something a side did "
           "between records. The client writes its request before the handshake is over: the connection holds it "
           "and sends it right after its Finished (§7.4). Click an arrow to see its bytes.</p>\n"
           "<p class=\"legend\"><span class=\"key plain\">plaintext record</span> <span class=\"key hs\">protected "
           "handshake</span> <span class=\"key app\">protected application data</span> <span class=\"key alert\">"
           "protected alert</span></p>\n" +
           svg + "</section>\n";
}

// ===========================================================================
// Section: every record and message, byte by byte
// ===========================================================================

std::string messages_section(const Connection& connection) {
    std::string html =
        "<section id=\"messages\">\n<h2>2. Every record and message, byte by byte</h2>\n"
        "<p>Each grid is one record as it went on the wire, and, for protected records, the plaintext the receiver "
        "got out of it. Every byte belongs to a field: select one (click, drag across several, or use the arrow keys "
        "in a focused grid) and the whole field lights up, with what it is and where the specification says so. "
        "Offsets are decimal. § numbers refer to <code>toytls/PROTOCOL.md</code>; RFC 8446 is TLS 1.3.</p>\n";
    for (std::size_t i = 0; i < connection.records.size(); ++i) {
        const SentRecord& record = connection.records[i];
        html += "<article class=\"record\" id=\"" + record_label(i) + "\">\n<h3><span class=\"tag " +
                record_kind_class(record) + "\">" + record_label(i) + "</span> " +
                escape(record_arrow_label(connection, i).substr(record_label(i).size() + 1)) +
                " <span class=\"dir\">" + direction_words(record.from) + ", " +
                std::to_string(record.bytes.size()) + " bytes</span></h3>\n";
        html += grid_html(record_grid(connection, i));
        if (record.is_protected()) html += grid_html(plaintext_grid(connection, i));
        html += "</article>\n";
    }
    return html + "</section>\n";
}

// ===========================================================================
// Section: the key schedule
// ===========================================================================

std::string value_node(const std::string& title, ByteView value, const std::string& source,
                       const std::string& extra_class = "") {
    return "<div class=\"node " + extra_class + "\"><div class=\"nt\">" + escape(title) + "</div><code class=\"val\">" +
           to_hex(value) + "</code><div class=\"src\">" + source + "</div></div>";
}

std::string keys_section(const Connection& connection, CipherSuite suite) {
    const SentMessage& client_hello = connection.messages.at(0);
    const SentMessage& server_hello = connection.messages.at(1);
    std::string error;
    auto client_fields = decode_client_hello(ByteView(client_hello.bytes).subspan(handshake_header_size), error);
    auto server_fields = decode_server_hello(ByteView(server_hello.bytes).subspan(handshake_header_size), error);
    check(client_fields && server_fields, "the hellos do not decode: " + error);

    // Every step is recomputed with the library and checked against the key log.
    const std::string salt = "ToyTLS v1";
    const Bytes& shared_secret = connection.logged("SHARED_SECRET");
    const Bytes& session_secret = connection.logged("SESSION_SECRET");
    check(same_bytes(hkdf_extract(as_bytes(salt), shared_secret).view(), session_secret),
          "HKDF-Extract of the shared secret is not the logged SESSION_SECRET");
    Bytes both_hellos = client_hello.bytes;
    append(both_hellos, server_hello.bytes);
    check(sha256(both_hellos) == connection.hello_hash, "hello_hash is not SHA-256(M1 | M2)");

    std::string html =
        "<section id=\"keys\">\n<h2>3. The key schedule, with the real values</h2>\n"
        "<p>Both sides compute the same values independently: the server right after it sends ServerHello, the client "
        "when it has processed it (§5.3). The values come from the key log both sides were asked for; the page "
        "recomputes each step with the library's own HKDF and SHA-256 and checks it. These are this connection's "
        "real keys: with them, anyone who recorded the records can read them, which is exactly what the grids above "
        "do.</p>\n<div class=\"ks\">\n<div class=\"ks-row two\">" +
        value_node("client key_share", client_fields->key_share, "M1 ClientHello, offset 38", "pub") +
        value_node("server key_share", server_fields->key_share, "M2 ServerHello, offset 38", "pub") +
        "</div>\n<div class=\"op\"><b>X25519</b>: each side with its own ephemeral private key and the other's "
        "key_share <span class=\"ref\">§5.1 step 1 · RFC 8446 §7.4.2</span></div>\n<div class=\"ks-row\">" +
        value_node("shared_secret", shared_secret, "key log: SHARED_SECRET", "secret") +
        "</div>\n<div class=\"op\"><b>HKDF-Extract</b>(salt = \"ToyTLS v1\" = <code>" + to_hex(as_bytes(salt)) +
        "</code>, IKM = shared_secret) = HMAC-SHA256(salt, shared_secret) <span class=\"ref\">§5.1 step 2 · RFC 8446 "
        "§7.1</span></div>\n<div class=\"ks-row two\">" +
        value_node("session_secret", session_secret, "key log: SESSION_SECRET", "secret") +
        value_node("hello_hash = SHA-256(M1 | M2)", connection.hello_hash,
                   "both hellos, headers included, no record headers (§5.1 step 3)", "hash") +
        "</div>\n<div class=\"op\"><b>HKDF-Expand</b>(session_secret, info = \"ToyTLS v1 \" | label | hello_hash, L), "
        "once per label: one HMAC call each, since L ≤ 32 <span class=\"ref\">§5.1 step 4, §5.2 · RFC 8446 "
        "§7.1, §7.3</span></div>\n<div class=\"ks-outs\">\n";
    for (const DerivedValue& derived : derived_values) {
        const Bytes& value = connection.logged(derived.log_label);
        Bytes info;
        append(info, as_bytes("ToyTLS v1 "));
        append(info, as_bytes(derived.label));
        append(info, connection.hello_hash);
        Bytes recomputed(value.size());
        check(hkdf_expand(session_secret, info, recomputed) && recomputed == value,
              std::string("HKDF-Expand for \"") + derived.label + "\" is not the logged " + derived.log_label);
        const bool finished_key = std::string_view(derived.label).ends_with("finished");
        std::string used_by;
        if (finished_key) {
            for (std::size_t m = 0; m < connection.messages.size(); ++m)
                if (connection.messages[m].type == HandshakeType::finished &&
                    connection.messages[m].from == derived.writer)
                    used_by = message_label(m) + " Finished";
        } else {
            used_by = connection.protected_records_of(derived.writer);
        }
        html += "<div class=\"node out\"><div class=\"nt\">" + std::string(derived.name) +
                "</div><div class=\"lbl\">label " + code(std::string("\"") + derived.label + "\"") + ", L = " +
                std::to_string(value.size()) + "</div><code class=\"val\">" + to_hex(value) +
                "</code><div class=\"src\">" + derived.use + ": " + used_by + "<br>key log: " + derived.log_label +
                "</div><details><summary>info, " + std::to_string(info.size()) + " bytes</summary><code class=\"val\">" +
                to_hex(info) + "</code></details></div>\n";
    }
    html += "</div>\n</div>\n";

    html += "<h3>Where the keys are used: each protected record's nonce</h3>\n"
            "<p>nonce = write_iv XOR seq, with seq in the last 8 bytes (§2.3, RFC 8446 §5.3). The nonce is never sent; "
            "both sides compute it, and a nonce never repeats under one key as long as seq does not. Records are "
            "sealed with " + std::string(cipher_suite_name(suite)) + ".</p>\n"
            "<table class=\"plain\"><thead><tr><th>record</th><th>direction</th><th>seq</th><th>write_iv</th>"
            "<th>nonce</th></tr></thead><tbody>\n";
    for (std::size_t i = 0; i < connection.records.size(); ++i) {
        const SentRecord& record = connection.records[i];
        if (!record.is_protected()) continue;
        const Bytes& iv = connection.logged(record.from == Side::client ? "CLIENT_WRITE_IV" : "SERVER_WRITE_IV");
        html += "<tr><td><a href=\"#" + record_label(i) + "\">" + record_label(i) + "</a></td><td>" +
                direction_words(record.from) + "</td><td class=\"n\">" + std::to_string(*record.seq) + "</td><td>" +
                code(to_hex(iv)) + "</td><td>" + code(to_hex(*record.nonce)) + "</td></tr>\n";
    }
    html += "</tbody></table>\n<h3>Transcript hashes</h3>\n<p>SHA-256 of the handshake messages so far (§6, RFC "
            "8446 §4.4.1): what CertificateVerify signs and what each Finished authenticates.</p>\n"
            "<table class=\"plain\"><thead><tr><th>covers</th><th>used for</th><th>SHA-256</th></tr></thead><tbody>\n";
    for (const TranscriptHash& transcript : connection.transcript_hashes)
        html += "<tr><td>" + escape(transcript.covers) + "</td><td>" + escape(transcript.purpose) + "</td><td>" +
                code(to_hex(transcript.hash)) + "</td></tr>\n";
    return html + "</tbody></table>\n</section>\n";
}

// ===========================================================================
// Section: the seam
// ===========================================================================

std::string socket_bytes_html(const SentRecord& record) {
    const std::size_t n = record.ciphertext_size();
    std::string html = "<div class=\"wire\">";
    for (std::size_t i = 0; i < record.bytes.size(); ++i) {
        const char* part = i < record_header_size                          ? "r"
                           : i < record_header_size + sequence_number_size ? "s"
                           : i < record_header_size + sequence_number_size + n ? "x"
                                                                               : "t";
        html += "<span class=\"" + std::string(part) + "\">" + hex_byte(record.bytes[i]) + "</span>";
    }
    return html + "</div>";
}

std::string record_parts_html(const SentRecord& record) {
    const ByteView wire = record.bytes;
    const std::size_t n = record.ciphertext_size();
    auto part = [](const char* colour, const std::string& name, ByteView bytes, const std::string& words) {
        return "<div class=\"part " + std::string(colour) + "\"><div class=\"pn\">" + name + "</div><code>" +
               short_hex(bytes) + "</code><div class=\"pw\">" + escape(words) + "</div></div>";
    };
    return "<div class=\"parts\">" +
           part("r", "content_type", wire.first(1), std::to_string(wire[0]) + " = " +
                                                        std::string(content_type_name(record.type))) +
           part("r", "length", wire.subspan(1, 2), std::to_string(wire.size() - record_header_size) + " bytes") +
           part("s", "seq", wire.subspan(record_header_size, sequence_number_size), std::to_string(*record.seq)) +
           part("x", "ciphertext", wire.subspan(record_header_size + sequence_number_size, n),
                std::to_string(n) + " bytes") +
           part("t", "tag", wire.last(Aead::tag_size), "16 bytes") +
           part("n", "nonce (not sent)", *record.nonce, "write_iv XOR seq") + "</div>";
}

// Ciphertext, plaintext and text, byte above byte, one row per HTTP line.
std::string aligned_http_html(const SentRecord& record, bool is_request) {
    const ByteView ciphertext = ByteView(record.bytes).subspan(record_header_size + sequence_number_size,
                                                               record.ciphertext_size());
    std::string html = "<div class=\"aligned\">";
    for (const HttpPart& part : http_parts(record.plaintext, is_request)) {
        html += "<div class=\"line\"><div class=\"ll\"><b>" + escape(part.name) + "</b><span>" +
                escape(part.note.reference) + "</span></div><div class=\"cols\">";
        for (std::size_t i = part.offset; i < part.offset + part.length; ++i)
            html += "<span class=\"c\"><span>" + hex_byte(ciphertext[i]) + "</span><span>" +
                    hex_byte(record.plaintext[i]) + "</span><span>" + http_glyph(record.plaintext[i]) + "</span></span>";
        html += "</div></div>";
    }
    return html + "</div>";
}

std::string seam_block(const Connection& connection, const SentRecord& record, bool is_request) {
    const std::size_t index = static_cast<std::size_t>(&record - connection.records.data());
    const std::string key = record.from == Side::client ? "client_write_key" : "server_write_key";
    std::string html = "<article class=\"seam\" id=\"seam-" + std::string(is_request ? "request" : "response") +
                       "\">\n<h3>" + (is_request ? "The request" : "The response") + ": <a href=\"#" +
                       record_label(index) + "\">" + record_label(index) + "</a>, " + direction_words(record.from) +
                       "</h3>\n";
    html += is_request
                ? "<p class=\"calls\">In the web server these bytes arrive in <code>ToyTlsTransport::on_socket_bytes("
                  "socket_bytes, http_input, socket_output)</code> (<code>webserver/transport.cpp</code>): "
                  "<code>tls_.feed(socket_bytes)</code> checks and opens the record, <code>tls_.read()</code> returns "
                  "the plaintext, and it is appended to <code>http_input</code>, where the HTTP parser "
                  "(<code>parse_request_head</code>) finds its lines. Read it from top to bottom.</p>\n"
                : "<p class=\"calls\">In the web server the HTTP layer hands the response to "
                  "<code>ToyTlsTransport::send_http_bytes(http_bytes, socket_output)</code> "
                  "(<code>webserver/transport.cpp</code>): <code>tls_.write(http_bytes)</code> seals it, "
                  "<code>tls_.pop()</code> returns the record, and it is appended to <code>socket_output</code>. "
                  "It is written from the bottom up: read it from the bottom.</p>\n";
    html += "<div class=\"layer\"><div class=\"ln\">socket bytes<span>" + std::to_string(record.bytes.size()) +
            " bytes, as " + (is_request ? "read from" : "written to") + " the TCP socket</span></div>" +
            socket_bytes_html(record) + "</div>\n";
    html += "<div class=\"layer\"><div class=\"ln\">record fields<span>§2.3: content_type, length and seq are "
            "the additional data</span></div>" + record_parts_html(record) + "</div>\n";
    html += "<div class=\"layer\"><div class=\"ln\">ciphertext<br>plaintext<br>HTTP<span>AEAD-Open with " + key +
            ": ciphertext byte i becomes plaintext byte i. One row per HTTP line.</span></div>" +
            aligned_http_html(record, is_request) + "</div>\n";
    return html + "</article>\n";
}

std::string seam_section(const Connection& connection) {
    return "<section id=\"seam\">\n<h2>4. The seam: socket bytes, records, plaintext, HTTP</h2>\n"
           "<p>Below the seam, ToyTLS sees records; above it, the web server sees HTTP and nothing else. "
           "<code>webserver/transport.hpp</code> is the only place where the two meet: the same HTTP parser "
           "serves plain and ToyTLS connections. Each column below is one byte: its ciphertext on the wire, the "
           "plaintext it becomes, and the character the HTTP parser reads.</p>\n" +
           seam_block(connection, connection.first_application_record(Side::client), true) +
           seam_block(connection, connection.first_application_record(Side::server), false) + "</section>\n";
}

// ===========================================================================
// The page
// ===========================================================================

// At the end of this file: the page's stylesheet and script.
std::string_view page_style();
std::string_view page_script();

}  // namespace

std::string render_walkthrough_page(const std::vector<TraceEntry>& entries, const PageSettings& settings) {
    const Connection connection(entries, settings.suite);
    const std::string suite_name(cipher_suite_name(settings.suite));

    std::string html =
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        "<title>ToyTLS v1: one connection, every byte explained</title>\n"
        "<link rel=\"icon\" href=\"data:,\">\n<style>\n" +
        std::string(page_style()) +
        "</style>\n</head>\n<body>\n"
        "<!-- Generated by tools/toytls-walkthrough-page.cpp from the same run as walkthrough/trace.md; do not edit "
        "by hand. tests/walkthrough_page_test.cpp checks that this file is what the tool prints. -->\n"
        "<header>\n<h1>ToyTLS v1: one connection, every byte explained</h1>\n"
        "<p class=\"lead\">A complete ToyTLS v1 connection between a client and a server: the handshake, one HTTP "
        "request and its response, and close_notify both ways. It is the connection of "
        "<code>walkthrough/trace.md</code>, the same bytes, as a page you can click through. The protocol is "
        "specified in <code>toytls/PROTOCOL.md</code>; § numbers refer to it. Cipher suite: <b>" +
        suite_name + "</b>.</p>\n"
        "<p class=\"warning\" role=\"note\"><b>Every key on this page is public.</b> The certificates and keys are "
        "the demo ones committed in <code>certs/</code>, the random numbers come from "
        "<code>DeterministicRandomForTestsOnly</code> with fixed seeds, and the clock is fixed, so that the page is "
        "the same on every run. That is right for teaching and wrong for anything else: never use these keys or a "
        "deterministic random source for a real connection.</p>\n"
        "<nav><a href=\"#sequence\">1. Sequence</a><a href=\"#messages\">2. Bytes</a><a href=\"#keys\">3. Key "
        "schedule</a><a href=\"#seam\">4. The seam</a></nav>\n"
        "<p class=\"regen\">Generated from the repository root by <code>" +
        escape(settings.regenerate_command) + "</code>.</p>\n</header>\n<main>\n" + sequence_section(connection) +
        messages_section(connection) + keys_section(connection, settings.suite) + seam_section(connection) +
        "</main>\n<script>\n" + std::string(page_script()) + "</script>\n</body>\n</html>\n";
    return html;
}

namespace {

// ===========================================================================
// The stylesheet and the script, inline: the page loads nothing.
// ===========================================================================

std::string_view page_style() {
    return R"CSS(
:root { --ink: #1f2933; --muted: #5f6b7a; --line: #d9dee5; --paper: #fbfbfa; --sel: #ffd54a; --cur: #d97706;
  --r: #dbe4f0; --h: #e7dcf5; --s: #f6e3c8; --x: #e6e6e6; --t: #f5d0d0;
  --b0: #d7efdf; --b1: #d5ebf7; --b2: #fbe7c6; --b3: #f3d9ea;
  --plain: #b45309; --hs: #047857; --app: #1d4ed8; --alert: #7c3aed;
  --mono: ui-monospace, "DejaVu Sans Mono", "Liberation Mono", Menlo, Consolas, monospace; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--paper); color: var(--ink);
  font: 16px/1.55 system-ui, -apple-system, "Segoe UI", "DejaVu Sans", sans-serif; }
header, main { max-width: 1200px; margin: 0 auto; padding: 0 24px; }
header { padding-top: 28px; }
h1 { font-size: 2rem; margin: 0 0 8px; letter-spacing: -0.01em; }
h2 { font-size: 1.5rem; margin: 48px 0 8px; padding-top: 12px; border-top: 2px solid var(--ink); }
h3 { font-size: 1.15rem; margin: 28px 0 8px; }
code { font-family: var(--mono); font-size: 0.88em; }
a { color: #1d4ed8; }
.lead { font-size: 1.08rem; max-width: 62em; }
.warning { background: #fff4e5; border-left: 5px solid #d97706; padding: 10px 14px; max-width: 62em; }
.regen { color: var(--muted); font-size: 0.9rem; }
nav { display: flex; gap: 8px; flex-wrap: wrap; margin: 12px 0; }
nav a { text-decoration: none; border: 1px solid var(--line); background: #fff; border-radius: 999px; padding: 4px 14px; }
nav a:hover, nav a:focus { border-color: var(--ink); }
section > p { max-width: 62em; }
.legend .key { display: inline-block; margin-right: 14px; font-size: 0.9rem; }
.legend .key::before { content: ""; display: inline-block; width: 28px; height: 0; margin-right: 6px;
  vertical-align: middle; border-top: 3px solid currentColor; }
.legend .key.plain::before { border-top-style: dashed; }
.key.plain, .tag.plain { color: var(--plain); } .key.hs, .tag.hs { color: var(--hs); }
.key.app, .tag.app { color: var(--app); } .key.alert, .tag.alert { color: var(--alert); }
svg.sequence { width: 100%; max-width: 960px; height: auto; display: block; background: #fff;
  border: 1px solid var(--line); border-radius: 10px; }
svg .life { stroke: #9aa5b1; stroke-width: 2; stroke-dasharray: 2 5; }
svg .head { fill: #1f2933; }
svg .who { fill: #fff; font: 600 17px system-ui, sans-serif; text-anchor: middle; }
svg .type { fill: #cbd2d9; font: 12px var(--mono); text-anchor: middle; }
svg .note rect { fill: #eef1f4; stroke: #9aa5b1; }
svg .note text { font: 13px system-ui, sans-serif; text-anchor: middle; fill: var(--ink); }
svg .arrow line { stroke-width: 2.5; }
svg .arrow .label { font: 600 14px var(--mono); text-anchor: middle; }
svg .arrow .size { font: 12px system-ui, sans-serif; text-anchor: middle; fill: var(--muted); }
svg .arrow .hit { fill: transparent; }
svg .arrow:hover .hit, svg .arrow:focus .hit { fill: #f3f6fa; }
svg .plain line { stroke: var(--plain); stroke-dasharray: 8 5; } svg .plain polygon, svg .plain .label { fill: var(--plain); }
svg .hs line { stroke: var(--hs); } svg .hs polygon, svg .hs .label { fill: var(--hs); }
svg .app line { stroke: var(--app); } svg .app polygon, svg .app .label { fill: var(--app); }
svg .alert line { stroke: var(--alert); } svg .alert polygon, svg .alert .label { fill: var(--alert); }
article.record { border-top: 1px solid var(--line); padding-top: 4px; }
article.record h3 .tag { font-family: var(--mono); font-weight: 700; }
article.record h3 .dir { color: var(--muted); font-weight: 400; font-size: 0.95rem; margin-left: 8px; }
figure.bytes { margin: 12px 0 20px; }
figure.bytes figcaption { font-size: 0.92rem; color: var(--muted); margin-bottom: 6px; }
.pair { display: flex; gap: 20px; align-items: flex-start; flex-wrap: wrap; }
.hex { display: grid; grid-template-columns: 3.6em repeat(16, 2.1em) auto; row-gap: 2px; font: 14px/1.5 var(--mono);
  background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 8px 10px; user-select: none;
  cursor: pointer; flex: 0 0 auto; }
.hex:focus { outline: 3px solid #93c5fd; outline-offset: 2px; }
.hex .o { grid-column: 1; color: #9aa5b1; text-align: right; padding-right: 0.8em; cursor: default; }
.hex span[data-f] { text-align: center; border-radius: 3px; }
.hex .a { grid-column: 18; padding-left: 1em; color: var(--muted); white-space: pre; letter-spacing: 0.02em; }
.hex .a i { font-style: normal; border-radius: 2px; }
.r { background: var(--r); } .h { background: var(--h); } .s { background: var(--s); } .x { background: var(--x); }
.t { background: var(--t); } .b0 { background: var(--b0); } .b1 { background: var(--b1); }
.b2 { background: var(--b2); } .b3 { background: var(--b3); }
.hex span.sel, .hex .a i.sel { background: var(--sel); color: #000; }
.hex span.cur { outline: 2px solid var(--cur); outline-offset: -1px; font-weight: 700; }
.explain { flex: 1 1 320px; min-width: 300px; max-width: 520px; background: #fff; border: 1px solid var(--line);
  border-left: 5px solid var(--sel); border-radius: 8px; padding: 10px 14px; font-size: 0.93rem; position: sticky;
  top: 12px; }
.explain .hint { color: var(--muted); margin: 0; }
.explain h4 { margin: 0 0 6px; font: 700 1rem var(--mono); }
.explain dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; margin: 0 0 8px; }
.explain dt { color: var(--muted); }
.explain dd { margin: 0; overflow-wrap: anywhere; }
.explain dd code { font-size: 0.85em; }
.explain pre { font: 12px/1.4 var(--mono); background: #f6f7f9; padding: 6px 8px; margin: 4px 0; white-space: pre-wrap;
  max-height: 14em; overflow: auto; }
.explain .ref { color: var(--muted); font-size: 0.88rem; margin: 6px 0 0; }
.explain ul { margin: 4px 0; padding-left: 1.2em; }
details > summary { cursor: pointer; color: var(--muted); font-size: 0.9rem; margin: 8px 0 4px; }
table { border-collapse: collapse; font-size: 0.86rem; background: #fff; }
th, td { border: 1px solid var(--line); padding: 3px 7px; vertical-align: top; text-align: left; }
th { background: #f1f3f6; }
td.n { text-align: right; font-family: var(--mono); }
table.fields { width: 100%; }
table.fields td.v { width: 17em; }
table.fields td.v code { word-break: break-all; }
table.fields td.fn { white-space: nowrap; }
table.fields td.m { width: 13em; }
table.fields td.w { min-width: 18em; }
table.fields td.ref { min-width: 9em; color: var(--muted); }
table.fields tr.sel td { background: #fff8dc; }
table.fields tr[tabindex] { cursor: pointer; }
.sw { display: inline-block; width: 0.8em; height: 0.8em; margin-right: 6px; border-radius: 2px;
  border: 1px solid #0002; vertical-align: baseline; }
.ks { display: flex; flex-direction: column; align-items: center; gap: 0; margin: 16px 0; }
.ks-row { display: flex; gap: 18px; justify-content: center; flex-wrap: wrap; width: 100%; }
.node { background: #fff; border: 1px solid var(--line); border-radius: 10px; padding: 8px 12px; max-width: 560px;
  box-shadow: 0 1px 2px #0001; }
.node .nt { font-weight: 700; font-family: var(--mono); }
.node .val { display: block; word-break: break-all; font-size: 0.85rem; color: #0b4f71; }
.node .src, .node .lbl { color: var(--muted); font-size: 0.82rem; }
.node.pub { border-top: 4px solid var(--b1); } .node.secret { border-top: 4px solid var(--t); }
.node.hash { border-top: 4px solid var(--h); } .node.out { border-top: 4px solid var(--b0); }
.node details summary { font-size: 0.8rem; margin: 2px 0 0; }
.op { position: relative; margin: 6px 0; padding: 30px 12px 8px; text-align: center; max-width: 760px;
  font-size: 0.92rem; }
.op::before { content: ""; position: absolute; left: 50%; top: 0; height: 22px; border-left: 2px solid #9aa5b1; }
.op::after { content: ""; position: absolute; left: calc(50% - 6px); top: 18px; border: 6px solid transparent;
  border-top-color: #9aa5b1; border-bottom: 0; }
.op .ref, .ll span, .ln span { display: block; color: var(--muted); font-size: 0.8rem; }
.ks-outs { display: grid; grid-template-columns: repeat(3, minmax(0, 1fr)); gap: 14px; width: 100%; }
.ks-outs .node { max-width: none; }
table.plain td code { font-size: 0.85em; }
article.seam { border: 1px solid var(--line); background: #fff; border-radius: 10px; padding: 4px 18px 14px;
  margin: 18px 0; }
.calls { font-size: 0.93rem; }
.layer { display: grid; grid-template-columns: 150px 1fr; gap: 14px; padding: 10px 0; border-top: 1px dashed var(--line); }
.ln { font-weight: 700; font-size: 0.92rem; }
.wire { font: 13px/1.7 var(--mono); word-break: break-all; }
.wire span { padding: 1px 1px; margin-right: 1px; border-radius: 2px; }
.parts { display: flex; flex-wrap: wrap; gap: 6px; }
.part { border-radius: 6px; padding: 4px 8px; max-width: 100%; }
.part .pn { font-weight: 700; font-size: 0.85rem; }
.part code { word-break: break-all; }
.part .pw { font-size: 0.8rem; color: var(--muted); }
.aligned .line { display: grid; grid-template-columns: 180px 1fr; gap: 10px; padding: 4px 0; }
.ll b { font-family: var(--mono); font-size: 0.88rem; }
.cols { display: flex; flex-wrap: wrap; row-gap: 6px; }
.c { display: inline-flex; flex-direction: column; align-items: center; width: 1.9em; font: 12px/1.45 var(--mono); }
.c span:nth-child(1) { background: var(--x); width: 100%; text-align: center; }
.c span:nth-child(2) { background: var(--b0); width: 100%; text-align: center; }
.c span:nth-child(3) { font-weight: 700; font-size: 13px; }
.c em { font-style: normal; font-weight: 400; color: var(--cur); }
.part.n { background: #fff; border: 1px dashed #9aa5b1; }
.c:hover span { background: var(--sel); }
#selftest-result { position: fixed; top: 8px; right: 8px; background: #fff; border: 2px solid var(--ink); padding: 6px 10px; }
@media (max-width: 1000px) { .ks-outs { grid-template-columns: 1fr; } .layer, .aligned .line { grid-template-columns: 1fr; } }
)CSS";
}

std::string_view page_script() {
    return R"JS(
'use strict';
// Byte grids: every byte span carries data-f, the index of its field in the
// grid's table; the table rows carry the words. Selecting bytes highlights
// every byte of the fields it touches and explains them in the panel.
(function () {
  const grids = new Map();

  function hexOf(spans) { return spans.map(function (s) { return s.textContent; }).join(''); }

  function textOf(spans) {
    let text = '';
    for (const s of spans) {
      const b = parseInt(s.textContent, 16);
      if (b === 13) continue;
      if (b === 10 || (b >= 32 && b < 127)) text += String.fromCharCode(b); else return null;
    }
    return text;
  }

  function setupGrid(figure) {
    const hex = figure.querySelector('.hex');
    const bytes = Array.from(hex.querySelectorAll('span[data-f]'));
    const chars = Array.from(hex.querySelectorAll('.a i'));
    const rows = Array.from(figure.querySelectorAll('tr[data-f]'));
    const panel = figure.querySelector('.explain');
    const fieldBytes = rows.map(function () { return []; });
    bytes.forEach(function (span, i) { span.dataset.i = i; fieldBytes[Number(span.dataset.f)].push(i); });
    const grid = { figure: figure, hex: hex, bytes: bytes, rows: rows, panel: panel, anchor: 0, focus: 0 };
    grids.set(figure.id, grid);

    function field(f) {
      const row = rows[f];
      const cells = row.cells;
      return { name: cells[2].textContent, offset: Number(cells[0].textContent), length: Number(cells[1].textContent),
        meaning: cells[4].textContent, why: cells[5].textContent, ref: cells[6].textContent,
        messageOffset: row.dataset.messageOffset, span: fieldBytes[f].map(function (i) { return bytes[i]; }) };
    }

    function add(parent, tag, text, cls) {
      const el = document.createElement(tag);
      if (text !== undefined) el.textContent = text;
      if (cls) el.className = cls;
      parent.appendChild(el);
      return el;
    }

    function explain(lo, hi, fields) {
      panel.textContent = '';
      const b = bytes[grid.focus];
      const where = lo === hi ? 'byte ' + lo + ' = 0x' + b.textContent + ' (' + parseInt(b.textContent, 16) + ')'
                              : 'bytes ' + lo + '–' + hi + ' (' + (hi - lo + 1) + ' bytes)';
      add(panel, 'p', 'Selected: ' + where, 'hint');
      if (fields.length > 1) {
        add(panel, 'h4', fields.length + ' fields');
        const list = add(panel, 'ul');
        for (const f of fields) {
          const d = field(f);
          add(list, 'li', d.name + ' — offset ' + d.offset + ', ' + d.length + ' bytes: ' + d.meaning);
        }
        return;
      }
      const d = field(fields[0]);
      add(panel, 'h4', d.name);
      const dl = add(panel, 'dl');
      add(dl, 'dt', 'offset');
      add(dl, 'dd', String(d.offset) + (d.messageOffset !== undefined ? ' in the record, ' + d.messageOffset +
                                        ' in the message' : ''));
      add(dl, 'dt', 'length'); add(dl, 'dd', d.length + (d.length === 1 ? ' byte' : ' bytes'));
      add(dl, 'dt', 'value');
      const value = hexOf(d.span);
      add(add(dl, 'dd'), 'code', value.length > 128 ? value.slice(0, 128) + '…' : value);
      add(dl, 'dt', 'meaning'); add(dl, 'dd', d.meaning);
      const text = d.length > 2 ? textOf(d.span) : null;
      if (text !== null) { add(dl, 'dt', 'as text'); add(add(dl, 'dd'), 'pre', text); }
      add(panel, 'p', d.why);
      add(panel, 'p', d.ref, 'ref');
    }

    grid.select = function (a, b) {
      const lo = Math.max(0, Math.min(a, b)), hi = Math.min(bytes.length - 1, Math.max(a, b));
      for (const s of hex.querySelectorAll('.sel, .cur')) s.classList.remove('sel', 'cur');
      for (const r of rows) r.classList.remove('sel');
      const fields = [];
      for (let i = lo; i <= hi; i++) {
        const f = Number(bytes[i].dataset.f);
        if (fields.indexOf(f) < 0) fields.push(f);
      }
      for (const f of fields) {
        rows[f].classList.add('sel');
        for (const i of fieldBytes[f]) { bytes[i].classList.add('sel'); chars[i].classList.add('sel'); }
      }
      for (let i = lo; i <= hi; i++) bytes[i].classList.add('cur');
      explain(lo, hi, fields);
    };

    let dragging = false;
    hex.addEventListener('mousedown', function (e) {
      const t = e.target.closest('span[data-f]');
      if (!t) return;
      e.preventDefault();
      hex.focus({ preventScroll: true });
      dragging = true;
      grid.anchor = grid.focus = Number(t.dataset.i);
      grid.select(grid.anchor, grid.focus);
    });
    hex.addEventListener('mouseover', function (e) {
      const t = e.target.closest('span[data-f]');
      if (!dragging || !t) return;
      grid.focus = Number(t.dataset.i);
      grid.select(grid.anchor, grid.focus);
    });
    document.addEventListener('mouseup', function () { dragging = false; });
    hex.addEventListener('keydown', function (e) {
      const moves = { ArrowLeft: -1, ArrowRight: 1, ArrowUp: -16, ArrowDown: 16, PageUp: -128, PageDown: 128 };
      let to;
      if (e.key in moves) to = grid.focus + moves[e.key];
      else if (e.key === 'Home') to = 0;
      else if (e.key === 'End') to = bytes.length - 1;
      else return;
      e.preventDefault();
      grid.focus = Math.max(0, Math.min(bytes.length - 1, to));
      if (!e.shiftKey) grid.anchor = grid.focus;
      grid.select(grid.anchor, grid.focus);
      bytes[grid.focus].scrollIntoView({ block: 'nearest' });
    });
    hex.addEventListener('focus', function () {
      if (!hex.querySelector('.cur')) grid.select(grid.anchor, grid.focus);
    });
    rows.forEach(function (row, f) {
      row.tabIndex = 0;
      function pick() {
        const first = fieldBytes[f][0], last = fieldBytes[f][fieldBytes[f].length - 1];
        grid.anchor = first; grid.focus = first;
        grid.select(first, last);
        hex.scrollIntoView({ block: 'nearest' });
      }
      row.addEventListener('click', pick);
      row.addEventListener('keydown', function (e) { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); pick(); } });
    });
    // With the panel working (it is hidden for readers without JavaScript),
    // the tables are a reference: fold them away.
    panel.hidden = false;
    figure.querySelector('details').open = false;
  }

  document.querySelectorAll('figure.bytes').forEach(setupGrid);

  // #selftest: the browser check (walkthrough/check_page.sh) opens the page
  // with this and reads the verdict from the DOM.
  function selftest() {
    const problems = [];
    function expect(ok, what) { if (!ok) problems.push(what); }
    try {
      for (const id of ['sequence', 'messages', 'keys', 'seam']) {
        const section = document.getElementById(id);
        expect(section && section.tagName === 'SECTION', 'no <section id="' + id + '">');
        expect(section && section.querySelector('h2'), 'section #' + id + ' has no heading');
      }
      expect(document.querySelectorAll('#sequence svg a.arrow').length >= 10, 'the sequence diagram has fewer than 10 arrows');
      expect(/R1 handshake: ClientHello \(plaintext\)/.test(document.getElementById('sequence').textContent),
             'the sequence diagram does not label R1 as the ClientHello');
      expect(document.querySelectorAll('#keys .node.out').length === 6, 'the key schedule does not show six values');
      expect(document.querySelectorAll('#seam .aligned .c').length > 100, 'the seam shows no aligned bytes');

      const grid = grids.get('grid-R1');
      expect(grid, 'no byte grid for R1');
      const random = grid.rows.find(function (r) { return r.dataset.name === 'random'; });
      expect(random, 'R1 has no random field');
      const f = random.dataset.f;
      const randomBytes = grid.bytes.filter(function (s) { return s.dataset.f === f; });
      // A click in the middle of the random field, as a user would.
      const target = randomBytes[10];
      target.dispatchEvent(new MouseEvent('mousedown', { bubbles: true, cancelable: true }));
      document.dispatchEvent(new MouseEvent('mouseup', { bubbles: true }));
      const panel = grid.panel.textContent;
      expect(/ClientHello\.random/.test(panel), 'selecting a byte of the random does not explain "ClientHello.random": ' + panel.slice(0, 120));
      expect(panel.indexOf(hexOf(randomBytes)) >= 0, 'the panel does not show the random value');
      expect(/32 bytes/.test(panel), 'the panel does not give the length 32');
      expect(grid.hex.querySelectorAll('span.sel').length === 32, 'the highlight does not cover exactly the 32 bytes of the random');

      // Dragging from the last byte of the random into key_share selects both fields.
      const last = randomBytes[randomBytes.length - 1];
      const next = grid.bytes[Number(last.dataset.i) + 1];
      last.dispatchEvent(new MouseEvent('mousedown', { bubbles: true, cancelable: true }));
      next.dispatchEvent(new MouseEvent('mouseover', { bubbles: true }));
      document.dispatchEvent(new MouseEvent('mouseup', { bubbles: true }));
      expect(/2 fields/.test(grid.panel.textContent) && /key_share/.test(grid.panel.textContent),
             'dragging across random and key_share does not explain both');
      expect(grid.hex.querySelectorAll('span.sel').length === 64, 'the drag does not highlight both fields');

      // The keyboard: from the last byte of the random, ArrowRight moves into key_share.
      last.dispatchEvent(new MouseEvent('mousedown', { bubbles: true, cancelable: true }));
      document.dispatchEvent(new MouseEvent('mouseup', { bubbles: true }));
      grid.hex.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowRight', bubbles: true, cancelable: true }));
      expect(/ClientHello\.key_share/.test(grid.panel.textContent), 'ArrowRight does not move the selection to key_share');
    } catch (e) {
      problems.push('exception: ' + (e && e.stack ? e.stack : e));
    }
    const result = document.createElement('pre');
    result.id = 'selftest-result';
    result.textContent = problems.length === 0 ? 'SELFTEST PASS' : 'SELFTEST FAIL\n- ' + problems.join('\n- ');
    document.body.appendChild(result);
  }
  if (location.hash === '#selftest') selftest();
})();
)JS";
}

}  // namespace

}  // namespace toytls::trace
