// TraceRenderer: turns what the TraceRecorder wrote down into the Markdown of
// walkthrough/trace.md. It numbers the handshake messages M1..M6 and the
// records R1..Rn in the order they were sent, prints each once in full (on
// the side that sent it), and prints each arrival as one line that names the
// message or record it carries.
//
// Every value it prints is either given by the connections (events, key log)
// or recomputed with the library's own functions and checked against what
// the connections did; a check that fails throws std::runtime_error, so the
// trace never shows a value the protocol did not produce.
#pragma once

#include <array>
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "tools/trace_recorder.hpp"
#include "toytls/certificate.hpp"
#include "toytls/cipher_suite.hpp"
#include "toytls/crypto/sha256.hpp"
#include "toytls/record.hpp"

namespace toytls::trace {

struct TraceSettings {
    CipherSuite suite = CipherSuite::aes_256_gcm_sha256;
    // The byte each side's DeterministicRandomForTestsOnly repeats 32 times:
    // with it the trace reproduces the ephemeral private keys.
    std::uint8_t client_seed_byte = 0x11;
    std::uint8_t server_seed_byte = 0x22;
};

class TraceRenderer {
public:
    TraceRenderer(std::ostream& out, TraceSettings settings);

    // Prose from the program (headings, paragraphs, ready-made blocks).
    void heading(int level, const std::string& title);
    void paragraph(const std::string& text);
    void block(const std::string& markdown);

    // The recorded events and key-log lines, in the order they happened.
    void render(const std::vector<TraceEntry>& entries);

    // One table of every record, at the end.
    void record_summary();

private:
    struct SentRecord {
        Side from = Side::client;
        Bytes bytes;
        std::optional<std::uint64_t> seq;  // protected records only
        std::string carries;               // "message M3 Certificate, byte for byte"
    };

    void render_entry(const TraceEntry& entry);
    void render_key_log_line(const TraceEntry& entry);
    void render_message_sent(const TraceEntry& entry);
    void render_certificate_texts(ByteView message);
    void render_certificate_verify_input(Side signer, ByteView message);
    void render_finished_input(Side sender, ByteView message);
    void render_record_sent(const TraceEntry& entry);
    std::string describe_protected_plaintext(Side sender, ContentType type, ByteView plaintext);
    void render_record_received(const TraceEntry& entry);
    void render_message_received(const TraceEntry& entry);
    void render_keys_derived(const TraceEntry& entry);
    void render_key_schedule(Side side, const Sha256Digest& hello_hash);
    void render_transcript_hash(const TraceEntry& entry);
    void bullet(const std::string& text);

    const Bytes& logged_secret(Side side, const std::string& label) const;
    std::string transcript_prefix_words(const Sha256Digest& hash) const;

    std::ostream& out_;
    TraceSettings settings_;
    bool in_list_ = false;

    std::vector<Bytes> messages_;  // M1, M2, ... in the order they were sent
    std::vector<SentRecord> records_;
    std::array<std::size_t, 2> records_delivered_{};  // per sender: how many of its records have arrived
    std::array<std::optional<std::size_t>, 2> message_awaiting_record_{};  // per sender: M index
    std::array<std::optional<Bytes>, 2> alert_awaiting_record_{};

    std::array<std::vector<std::string>, 2> key_log_lines_;
    std::array<std::map<std::string, Bytes>, 2> key_log_;
    std::array<std::optional<Sha256Digest>, 2> transcript_hash_;  // the latest one each side announced
    // Per sender: a RecordProtection built from the key log, through which
    // the trace opens each protected record the moment it is sent.
    std::array<std::optional<RecordProtection>, 2> shadow_protection_;
    std::optional<Certificate> leaf_;
};

}  // namespace toytls::trace
