#include "tools/trace_renderer.hpp"

#include <algorithm>
#include <stdexcept>

#include "tools/trace_markdown.hpp"
#include "tools/trace_messages.hpp"
#include "toytls/alert.hpp"
#include "toytls/crypto/ed25519.hpp"
#include "toytls/crypto/hkdf.hpp"
#include "toytls/crypto/random.hpp"
#include "toytls/crypto/x25519.hpp"
#include "toytls/key_schedule.hpp"
#include "toytls/messages.hpp"

namespace toytls::trace {

namespace {

std::size_t index_of(Side side) { return side == Side::client ? 0 : 1; }
Side peer_of(Side side) { return side == Side::client ? Side::server : Side::client; }
std::string side_words(Side side) { return std::string(side_name(side)); }
std::string direction_words(Side from) { return side_words(from) + " → " + side_words(peer_of(from)); }

std::string message_label(std::size_t index, ByteView message) {
    return "M" + std::to_string(index + 1) + " " + std::string(handshake_type_name(message_type(message)));
}

void check(bool ok, const std::string& what) {
    if (!ok) throw std::runtime_error("trace self-check failed: " + what);
}

template <std::size_t N>
Secret<N> secret_from(const Bytes& bytes, const std::string& label) {
    check(bytes.size() == N, label + " in the key log has " + std::to_string(bytes.size()) + " bytes, expected " +
                                 std::to_string(N));
    return Secret<N>(std::span<const std::uint8_t, N>(bytes.data(), N));
}

bool same_bytes(ByteView a, ByteView b) { return std::equal(a.begin(), a.end(), b.begin(), b.end()); }

std::uint64_t read_sequence_number(ByteView record) {
    std::uint64_t seq = 0;
    for (std::size_t i = 0; i < sequence_number_size; ++i) seq = seq << 8 | record[record_header_size + i];
    return seq;
}

// The six derived values of the key schedule (§5.1), as the trace names them.
struct DerivedValue {
    const char* label;      // the HKDF label
    const char* log_label;  // the key-log label
    const char* name;
};
constexpr DerivedValue derived_values[] = {
    {"c key", "CLIENT_WRITE_KEY", "client_write_key"},
    {"c iv", "CLIENT_WRITE_IV", "client_write_iv"},
    {"s key", "SERVER_WRITE_KEY", "server_write_key"},
    {"s iv", "SERVER_WRITE_IV", "server_write_iv"},
    {"c finished", "CLIENT_FINISHED_KEY", "client_finished_key"},
    {"s finished", "SERVER_FINISHED_KEY", "server_finished_key"},
};

// What each side's deterministic random source gives, drawn in the library's
// order (§5.3): random[32], then the X25519 private key.
struct ReproducedHelloSecrets {
    Random random{};
    X25519KeyPair ephemeral_key;
};
ReproducedHelloSecrets reproduce_hello_secrets(std::uint8_t seed_byte) {
    DeterministicRandomForTestsOnly random_source(seed_byte);
    ReproducedHelloSecrets reproduced;
    random_source.fill(reproduced.random);
    reproduced.ephemeral_key = X25519KeyPair::generate(random_source);
    return reproduced;
}

}  // namespace

TraceRenderer::TraceRenderer(std::ostream& out, TraceSettings settings) : out_(out), settings_(settings) {}

// ---------------------------------------------------------------------------
// Prose
// ---------------------------------------------------------------------------

void TraceRenderer::block(const std::string& markdown) {
    if (in_list_) out_ << "\n";
    in_list_ = false;
    out_ << markdown << "\n";
}

void TraceRenderer::heading(int level, const std::string& title) {
    block(std::string(static_cast<std::size_t>(level), '#') + " " + title + "\n");
}

void TraceRenderer::paragraph(const std::string& text) { block(text + "\n"); }

void TraceRenderer::bullet(const std::string& text) {
    out_ << "- " << text << "\n";
    in_list_ = true;
}

// ---------------------------------------------------------------------------
// Dispatch
// ---------------------------------------------------------------------------

void TraceRenderer::render(const std::vector<TraceEntry>& entries) {
    for (const TraceEntry& entry : entries) render_entry(entry);
}

void TraceRenderer::render_entry(const TraceEntry& entry) {
    if (entry.source == TraceEntry::Source::key_log) return render_key_log_line(entry);
    const std::string who = "**" + side_words(entry.side) + "**";
    switch (entry.kind) {
        case EventKind::message_sent: return render_message_sent(entry);
        case EventKind::record_sent: return render_record_sent(entry);
        case EventKind::record_received: return render_record_received(entry);
        case EventKind::message_received: return render_message_received(entry);
        case EventKind::keys_derived: return render_keys_derived(entry);
        case EventKind::transcript_hash: return render_transcript_hash(entry);
        case EventKind::alert_sent:
            alert_awaiting_record_[index_of(entry.side)] = entry.bytes;
            return bullet(who + " " + entry.summary + " (level " + std::to_string(entry.bytes.at(0)) +
                          ", description " + std::to_string(entry.bytes.at(1)) + "): the next record carries it");
        case EventKind::alert_received:
        case EventKind::established:
        case EventKind::failed:
        case EventKind::note: {
            std::string text = who + ": " + entry.summary;
            for (const auto& [name, value] : entry.values) text += "; " + name + " = " + inline_hex(value);
            return bullet(text);
        }
    }
}

// The lines are kept as they came, to be shown verbatim, and as the
// recorder parsed them (label and value), to be checked and used.
void TraceRenderer::render_key_log_line(const TraceEntry& entry) {
    check(entry.values.size() == 1, "key log line is not <LABEL> <client random hex> <value hex>: " + entry.summary);
    key_log_[index_of(entry.side)][entry.values[0].first] = entry.values[0].second;
    key_log_lines_[index_of(entry.side)].push_back(entry.summary);
}

const Bytes& TraceRenderer::logged_secret(Side side, const std::string& label) const {
    const auto& log = key_log_[index_of(side)];
    auto found = log.find(label);
    check(found != log.end(), "the " + side_words(side) + "'s key log has no " + label + " line");
    return found->second;
}

// ---------------------------------------------------------------------------
// Handshake messages
// ---------------------------------------------------------------------------

void TraceRenderer::render_message_sent(const TraceEntry& entry) {
    const ByteView message = entry.bytes;
    messages_.push_back(entry.bytes);
    const std::size_t index = messages_.size() - 1;
    message_awaiting_record_[index_of(entry.side)] = index;

    heading(4, message_label(index, message) + " (" + direction_words(entry.side) + ")");
    paragraph("*" + side_words(entry.side) + ": " + entry.summary + ".* " + std::to_string(message.size()) +
              " bytes: 4 bytes of header, then the body (§3).");

    MarkdownTable table({"offset", "field", "size", "bytes (hex)", "meaning"}, "rlrll");
    std::size_t offset = 0;
    for (const MessageField& field : message_fields(message)) {
        // Certificates are shown as text below; everything else in full.
        const std::string hex = field.value.size() > 64 ? "(" + std::to_string(field.value.size()) + " bytes)"
                                                        : inline_hex(field.value);
        table.add_row({std::to_string(offset), field.name, std::to_string(field.value.size()), hex, field.meaning});
        offset += field.value.size();
    }
    block(table.text());

    switch (message_type(message)) {
        case HandshakeType::certificate: render_certificate_texts(message); break;
        case HandshakeType::certificate_verify: render_certificate_verify_input(entry.side, message); break;
        case HandshakeType::finished: render_finished_input(entry.side, message); break;
        default: break;
    }
}

void TraceRenderer::render_certificate_texts(ByteView message) {
    std::string error;
    std::optional<CertificateMessage> decoded = decode_certificate(message.subspan(handshake_header_size), error);
    check(decoded.has_value(), error);
    for (std::size_t i = 0; i < decoded->certificates.size(); ++i) {
        const Bytes& text = decoded->certificates[i];
        paragraph("certificate[" + std::to_string(i) + "], " + std::to_string(text.size()) +
                  " bytes, exactly as on the wire (a certificate is ASCII text, §9.1):");
        block(code_block(as_text(text)));
        if (i == 0) {
            std::optional<Certificate> leaf = parse_certificate(text, error);
            check(leaf.has_value(), "the leaf does not parse: " + error);
            leaf_ = std::move(leaf);
        }
    }
}

// §3.4: the server signs 64 spaces | context | 0x00 | transcript hash.
void TraceRenderer::render_certificate_verify_input(Side signer, ByteView message) {
    const auto& hash = transcript_hash_[index_of(signer)];
    check(hash.has_value() && leaf_.has_value(), "CertificateVerify before a transcript hash and a leaf");
    const Bytes content = certificate_verify_content(*hash);
    const ByteView signature = message.subspan(handshake_header_size);
    check(ed25519_verify(leaf_->public_key, content, signature),
          "the CertificateVerify signature does not verify with the leaf's key");
    paragraph("The signed content (§3.4), " + std::to_string(content.size()) +
              " bytes: 64 spaces (0x20) | \"ToyTLS v1 server CertificateVerify\" | 0x00 | the transcript hash "
              "through Certificate. The signature verifies with the leaf's public key `" +
              base64_encode(leaf_->public_key) + "` (checked by the trace):");
    block(code_block(hex_dump(content)));
}

// §3.5: verify_data = HMAC-SHA256(finished key, transcript hash).
void TraceRenderer::render_finished_input(Side sender, ByteView message) {
    const auto& hash = transcript_hash_[index_of(sender)];
    check(hash.has_value(), "Finished before a transcript hash");
    const std::string key_label = sender == Side::client ? "CLIENT_FINISHED_KEY" : "SERVER_FINISHED_KEY";
    const Secret<32> finished_key = secret_from<32>(logged_secret(sender, key_label), key_label);
    const auto expected = finished_verify_data(finished_key, *hash);
    check(same_bytes(expected, message.subspan(handshake_header_size)),
          "Finished verify_data differs from HMAC(" + key_label + ", transcript hash)");
    std::string text = "verify_data = HMAC-SHA256(key = " + key_label + ", message = transcript hash)\n";
    text += "  key             = " + to_hex(finished_key.view()) + "\n";
    text += "  transcript hash = " + to_hex(*hash) + "\n";
    text += "  verify_data     = " + to_hex(expected) + "   (recomputed by the trace: equal)\n";
    block(code_block(text));
}

void TraceRenderer::render_message_received(const TraceEntry& entry) {
    auto found = std::find(messages_.begin(), messages_.end(), entry.bytes);
    check(found != messages_.end(), "the " + side_words(entry.side) + " received a message nobody sent");
    const auto index = static_cast<std::size_t>(found - messages_.begin());
    bullet("**" + side_words(entry.side) + "** processes " + message_label(index, entry.bytes));
}

// ---------------------------------------------------------------------------
// Records
// ---------------------------------------------------------------------------

void TraceRenderer::render_record_sent(const TraceEntry& entry) {
    const ByteView record = entry.bytes;
    const Side from = entry.side;
    check(record.size() >= record_header_size, "a record shorter than its header");
    std::optional<ContentType> type = content_type_from_byte(record[0]);
    check(type.has_value(), "a record with an unknown content type");
    const std::size_t body_length = record.size() - record_header_size;
    auto& protection = shadow_protection_[index_of(from)];
    const bool is_protected = protection.has_value();
    const std::string number = "R" + std::to_string(records_.size() + 1);

    heading(4, number + " (" + direction_words(from) + "): " + std::string(content_type_name(*type)) + " record, " +
                   (is_protected ? "protected" : "plaintext"));
    MarkdownTable table({"field", "value", "meaning"}, "lll");
    table.add_row({"content_type", inline_hex(record.first(1)), std::to_string(record[0]) + " = " +
                                                                  std::string(content_type_name(*type))});
    table.add_row({"length", inline_hex(record.subspan(1, 2)), std::to_string(body_length) + " bytes of body follow"});

    std::string carries;
    std::optional<std::uint64_t> seq;
    std::string plaintext_block;
    if (!is_protected) {
        const auto& message_index = message_awaiting_record_[index_of(from)];
        check(*type == ContentType::handshake && message_index.has_value() &&
                  same_bytes(record.subspan(record_header_size), messages_[*message_index]),
              "a plaintext record that is not the message just sent");
        carries = "message " + message_label(*message_index, messages_[*message_index]);
        table.add_row({"body", "(" + std::to_string(body_length) + " bytes)", carries + ", as is: no protection"});
        message_awaiting_record_[index_of(from)].reset();
    } else {
        seq = read_sequence_number(record);
        const std::string iv_label = from == Side::client ? "CLIENT_WRITE_IV" : "SERVER_WRITE_IV";
        const std::size_t ciphertext_length = body_length - protection_overhead;
        const Nonce nonce = protection->nonce_for(*seq);
        table.add_row({"seq", inline_hex(record.subspan(record_header_size, sequence_number_size)),
                       std::to_string(*seq) + ": this direction's record number, counted from 0 (§2.4)"});
        table.add_row({"ciphertext", "(" + std::to_string(ciphertext_length) + " bytes)",
                       "as many bytes as the plaintext"});
        table.add_row({"tag", inline_hex(record.last(Aead::tag_size)), "the AEAD's 16-byte authentication tag"});
        table.add_row({"additional data", inline_hex(record.first(record_header_size + sequence_number_size)),
                       "content_type | length | seq: the record's first 11 bytes (§2.3)"});
        table.add_row({"write IV", inline_hex(logged_secret(from, iv_label)), iv_label + " (key log)"});
        table.add_row({"nonce", inline_hex(nonce), "write IV XOR seq, seq in the last 8 bytes (not sent)"});

        Bytes plaintext;
        std::string error;
        check(protection->open_record(plaintext, *type, record.subspan(record_header_size), error),
              "the trace cannot open " + number + " with the key log's keys: " + error);
        carries = describe_protected_plaintext(from, *type, plaintext);
        table.add_row({"plaintext", "(" + std::to_string(plaintext.size()) + " bytes)",
                       carries + (*type == ContentType::handshake ? ", byte for byte" : "")});
        if (*type == ContentType::application_data)
            plaintext_block = "The plaintext, opened by the trace with the key log's key (CR and LF spelled out):\n\n" +
                              code_block(escaped_text(plaintext));
    }
    block(table.text());
    if (!plaintext_block.empty()) block(plaintext_block);
    paragraph("The whole record, " + std::to_string(record.size()) + " bytes, as it goes on the wire:");
    block(code_block(hex_dump(record)));
    records_.push_back(SentRecord{from, entry.bytes, seq, carries});
}

std::string TraceRenderer::describe_protected_plaintext(Side sender, ContentType type, ByteView plaintext) {
    const std::size_t sender_index = index_of(sender);
    switch (type) {
        case ContentType::handshake: {
            const auto& message_index = message_awaiting_record_[sender_index];
            check(message_index.has_value() && same_bytes(plaintext, messages_[*message_index]),
                  "a handshake record whose plaintext is not the message just sent");
            message_awaiting_record_[sender_index].reset();
            return "message " + message_label(*message_index, messages_[*message_index]);
        }
        case ContentType::alert: {
            check(alert_awaiting_record_[sender_index].has_value() &&
                      same_bytes(plaintext, *alert_awaiting_record_[sender_index]),
                  "an alert record whose plaintext is not the alert just sent");
            alert_awaiting_record_[sender_index].reset();
            const std::string level = plaintext[0] == static_cast<std::uint8_t>(AlertLevel::warning) ? "warning"
                                      : plaintext[0] == static_cast<std::uint8_t>(AlertLevel::fatal)  ? "fatal"
                                                                                                       : "unknown";
            return "alert " + inline_hex(plaintext) + ": level " + std::to_string(plaintext[0]) + " (" + level +
                   "), " + std::string(alert_name(static_cast<Alert>(plaintext[1])));
        }
        case ContentType::application_data: {
            // Its first line is enough to recognise it in the summaries.
            const auto line_end = std::find(plaintext.begin(), plaintext.end(), '\n');
            const std::size_t first_line_size =
                static_cast<std::size_t>(line_end - plaintext.begin()) + (line_end == plaintext.end() ? 0 : 1);
            std::string first_line = escaped_text(plaintext.first(first_line_size));
            if (!first_line.empty() && first_line.back() == '\n') first_line.pop_back();  // the real line break
            return "application data, " + std::to_string(plaintext.size()) + " bytes: `" + first_line + "`" +
                   (first_line_size < plaintext.size() ? "..." : "");
        }
    }
    return "unknown";
}

void TraceRenderer::render_record_received(const TraceEntry& entry) {
    const Side from = peer_of(entry.side);
    std::size_t& delivered = records_delivered_[index_of(from)];
    // The sender's records arrive in the order they were sent: find the next one.
    std::size_t index = 0;
    std::size_t seen_from_sender = 0;
    for (; index < records_.size(); ++index) {
        if (records_[index].from != from) continue;
        if (seen_from_sender++ == delivered) break;
    }
    check(index < records_.size() && records_[index].bytes == entry.bytes,
          "the " + side_words(entry.side) + " received a record that is not the " + side_words(from) +
              "'s next one");
    ++delivered;
    bullet("**" + side_words(entry.side) + "** receives R" + std::to_string(index + 1) + " (" +
           std::to_string(entry.bytes.size()) + " bytes, identical to what was sent): " + records_[index].carries);
}

// ---------------------------------------------------------------------------
// Keys and transcript
// ---------------------------------------------------------------------------

void TraceRenderer::render_keys_derived(const TraceEntry& entry) {
    check(entry.values.size() == 1 && entry.values[0].second.size() == 32, "keys_derived without a hello_hash");
    Sha256Digest hello_hash{};
    std::copy(entry.values[0].second.begin(), entry.values[0].second.end(), hello_hash.begin());
    const bool first_side = !shadow_protection_[0].has_value();
    if (first_side) return render_key_schedule(entry.side, hello_hash);

    const Side other = peer_of(entry.side);
    check(key_log_lines_[index_of(entry.side)] == key_log_lines_[index_of(other)],
          "the two sides' key logs differ: they did not derive the same keys");
    bullet("**" + side_words(entry.side) + "** " + entry.summary + ". Its hello_hash is `" + to_hex(hello_hash) +
           "` and its key log lines are identical to the " + side_words(other) +
           "'s above (checked): both sides now hold the same six values");
}

void TraceRenderer::render_key_schedule(Side side, const Sha256Digest& hello_hash) {
    check(messages_.size() >= 2, "keys derived before ClientHello and ServerHello");
    const Bytes& client_hello = messages_[0];
    const Bytes& server_hello = messages_[1];
    std::string error;
    auto client_fields = decode_client_hello(ByteView(client_hello).subspan(handshake_header_size), error);
    auto server_fields = decode_server_hello(ByteView(server_hello).subspan(handshake_header_size), error);
    check(client_fields && server_fields, "the hellos do not decode: " + error);

    heading(4, "Key schedule (" + side_words(side) + ", §5)");
    paragraph("The " + side_words(side) + " derives the traffic keys now; the " + side_words(peer_of(side)) +
              " derives the same ones when it has its peer's hello. The secrets below come from the key log, "
              "which this trace asked both sides for (`ClientConfig::key_log`, `ServerConfig::key_log`): showing "
              "them is the whole point of this document, and the only kind of situation a key log is for. "
              "The " + side_words(side) + "'s `KeyLogSink` received these lines (format: §11; the middle "
              "field is the client random, which names the connection):");
    std::string log_text;
    for (const std::string& line : key_log_lines_[index_of(side)]) log_text += line + "\n";
    block(code_block(log_text));

    // The ephemeral private keys are not in any log: the trace reproduces
    // them from the public seeds and checks them against the hellos.
    const ReproducedHelloSecrets client = reproduce_hello_secrets(settings_.client_seed_byte);
    const ReproducedHelloSecrets server = reproduce_hello_secrets(settings_.server_seed_byte);
    check(client.random == client_fields->random && client.ephemeral_key.public_key == client_fields->key_share,
          "the client's random or key share is not what its seed gives");
    check(server.random == server_fields->random && server.ephemeral_key.public_key == server_fields->key_share,
          "the server's random or key share is not what its seed gives");
    paragraph("The ephemeral X25519 private keys are in no log (they are wiped as soon as the shared secret "
              "exists). The trace reproduces them from the public seeds, drawing as the library does (random[32] "
              "first, then the private key, §5.3), and checks that they give the key shares of M1 and M2:");
    std::string inputs;
    inputs += "client X25519 private key = " + to_hex(client.ephemeral_key.private_key.view()) + "\n";
    inputs += "client key_share (M1)     = " + to_hex(client.ephemeral_key.public_key) + "\n";
    inputs += "server X25519 private key = " + to_hex(server.ephemeral_key.private_key.view()) + "\n";
    inputs += "server key_share (M2)     = " + to_hex(server.ephemeral_key.public_key) + "\n";
    block(code_block(inputs));

    const Bytes& shared_secret = logged_secret(side, "SHARED_SECRET");
    auto from_client = x25519_shared_secret(client.ephemeral_key.private_key, server.ephemeral_key.public_key);
    auto from_server = x25519_shared_secret(server.ephemeral_key.private_key, client.ephemeral_key.public_key);
    check(from_client && from_server && same_bytes(from_client->view(), shared_secret) &&
              same_bytes(from_server->view(), shared_secret),
          "X25519 of the reproduced keys is not the logged SHARED_SECRET");

    const std::string salt = "ToyTLS v1";
    const Bytes& session_secret = logged_secret(side, "SESSION_SECRET");
    check(same_bytes(hkdf_extract(as_bytes(salt), shared_secret).view(), session_secret),
          "HKDF-Extract of the shared secret is not the logged SESSION_SECRET");
    Bytes both_hellos = client_hello;
    append(both_hellos, server_hello);
    check(sha256(both_hellos) == hello_hash, "hello_hash is not SHA-256(M1 | M2)");

    std::string steps;
    steps += "shared_secret  = X25519(client private key, server key_share)\n";
    steps += "               = X25519(server private key, client key_share)\n";
    steps += "               = " + to_hex(shared_secret) + "\n\n";
    steps += "session_secret = HKDF-Extract(salt = \"ToyTLS v1\", IKM = shared_secret)\n";
    steps += "               = HMAC-SHA256(key = " + to_hex(as_bytes(salt)) + ", message = shared_secret)\n";
    steps += "               = " + to_hex(session_secret) + "\n\n";
    steps += "hello_hash     = SHA-256(M1 ClientHello | M2 ServerHello), headers included\n";
    steps += "               = " + to_hex(hello_hash) + "\n";
    block(code_block(steps));

    paragraph("Each of the six values is HKDF-Expand(session_secret, info, L) with info = \"ToyTLS v1 \" | label | "
              "hello_hash: ASCII, no length prefixes, no NUL (§5.1). The trace recomputes each one from the "
              "session secret and checks it against the key log:");
    std::string expansions;
    for (const DerivedValue& derived : derived_values) {
        const Bytes& value = logged_secret(side, derived.log_label);
        Bytes info;
        append(info, as_bytes("ToyTLS v1 "));
        append(info, as_bytes(derived.label));
        append(info, hello_hash);
        Bytes recomputed(value.size());
        check(hkdf_expand(session_secret, info, recomputed) && recomputed == value,
              std::string("HKDF-Expand for \"") + derived.label + "\" is not the logged " + derived.log_label);
        expansions += std::string(derived.name) + " = HKDF-Expand(session_secret, info, " +
                      std::to_string(value.size()) + ")   [key log: " + derived.log_label + "]\n";
        expansions += "  info  = \"ToyTLS v1 " + std::string(derived.label) + "\" | hello_hash   (" +
                      std::to_string(info.size()) + " bytes)\n";
        expansions += "        = " + to_hex(info) + "\n";
        expansions += "  value = " + to_hex(value) + "\n\n";
    }
    expansions.pop_back();
    block(code_block(expansions));

    // From here on every protected record is opened by the trace too, with
    // these keys: that is what shows the nonce and the plaintext below.
    const AeadAlgorithm aead = cipher_suite_aead(settings_.suite);
    shadow_protection_[index_of(Side::client)].emplace(
        aead, secret_from<Aead::key_size>(logged_secret(side, "CLIENT_WRITE_KEY"), "CLIENT_WRITE_KEY"),
        secret_from<Aead::nonce_size>(logged_secret(side, "CLIENT_WRITE_IV"), "CLIENT_WRITE_IV"));
    shadow_protection_[index_of(Side::server)].emplace(
        aead, secret_from<Aead::key_size>(logged_secret(side, "SERVER_WRITE_KEY"), "SERVER_WRITE_KEY"),
        secret_from<Aead::nonce_size>(logged_secret(side, "SERVER_WRITE_IV"), "SERVER_WRITE_IV"));
    paragraph("From now on the " + side_words(side) + " protects every record it sends, and expects every record "
              "it receives to be protected (§2.5). Records are sealed with " +
              std::string(cipher_suite_name(settings_.suite)) + "; client → server records use client_write_key "
              "and client_write_iv, server → client records the server's.");
}

void TraceRenderer::render_transcript_hash(const TraceEntry& entry) {
    check(entry.values.size() == 1 && entry.values[0].second.size() == 32, "transcript_hash without a hash");
    Sha256Digest hash{};
    std::copy(entry.values[0].second.begin(), entry.values[0].second.end(), hash.begin());
    transcript_hash_[index_of(entry.side)] = hash;
    bullet("**" + side_words(entry.side) + "**: " + entry.summary + ". " + entry.values[0].first + " = `" +
           to_hex(hash) + "` = " + transcript_prefix_words(hash));
}

// "SHA-256(M1 | M2 | M3)": which messages so far the hash covers (checked
// by recomputing it over each prefix of the messages sent).
std::string TraceRenderer::transcript_prefix_words(const Sha256Digest& hash) const {
    Bytes transcript;
    std::string words;
    for (std::size_t i = 0; i < messages_.size(); ++i) {
        append(transcript, messages_[i]);
        words += (i == 0 ? "" : " | ") + std::string("M") + std::to_string(i + 1);
        if (sha256(transcript) == hash) return "SHA-256(" + words + ")";
    }
    check(false, "a transcript hash that is not the hash of the messages so far");
    return {};
}

// ---------------------------------------------------------------------------
// Summary
// ---------------------------------------------------------------------------

void TraceRenderer::record_summary() {
    MarkdownTable table({"record", "direction", "type", "bytes", "seq", "carries"}, "rllrrl");
    for (std::size_t i = 0; i < records_.size(); ++i) {
        const SentRecord& record = records_[i];
        const auto type = static_cast<ContentType>(record.bytes[0]);
        table.add_row({"R" + std::to_string(i + 1), direction_words(record.from), std::string(content_type_name(type)),
                       std::to_string(record.bytes.size()), record.seq ? std::to_string(*record.seq) : "-",
                       record.carries});
    }
    block(table.text());
}

}  // namespace toytls::trace
