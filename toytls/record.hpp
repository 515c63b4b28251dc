// The record layer (PROTOCOL.md section "Record layer"; RFC 8446 section 5).
//
//   record           = u8 content_type | u16 length | body
//   protected body   = u64 seq | ciphertext | tag[16]
//   nonce            = write_iv XOR seq (seq right-aligned in 12 bytes)
//   additional data  = content_type | length | seq      (11 bytes)
#pragma once

#include <array>
#include <optional>
#include <string>

#include "toytls/bytes.hpp"
#include "toytls/crypto/aead.hpp"
#include "toytls/crypto/secret.hpp"

namespace toytls {

enum class ContentType : std::uint8_t { alert = 21, handshake = 22, application_data = 23 };

std::string_view content_type_name(ContentType type);
std::optional<ContentType> content_type_from_byte(std::uint8_t byte);

inline constexpr std::size_t record_header_size = 3;
inline constexpr std::size_t max_plaintext_size = 1 << 14;  // 16384, as in TLS
inline constexpr std::size_t sequence_number_size = 8;
inline constexpr std::size_t protection_overhead = sequence_number_size + Aead::tag_size;  // 24
inline constexpr std::size_t max_protected_body_size = max_plaintext_size + protection_overhead;
inline constexpr std::size_t max_record_size = record_header_size + max_protected_body_size;

using Nonce = std::array<std::uint8_t, Aead::nonce_size>;

// Appends a plaintext record (only ClientHello, ServerHello and alerts sent
// before keys exist travel like this).
void append_plaintext_record(Bytes& out, ContentType type, ByteView body);

// One direction of record protection: an AEAD key, its IV and the sequence
// number of the next record. The writer and the reader of a direction each
// hold one, built from the same key and IV, and count in step.
class RecordProtection {
public:
    RecordProtection(AeadAlgorithm algorithm, const Secret<Aead::key_size>& key, const Secret<Aead::nonce_size>& iv);

    // Seals `plaintext` (at most max_plaintext_size bytes) as the next
    // record and appends the whole record, header included, to `out`.
    void seal_record(Bytes& out, ContentType type, ByteView plaintext);

    // Opens one protected record (`body` = seq | ciphertext | tag) and
    // appends its plaintext to `plaintext_out`. On failure returns false,
    // appends nothing and sets `error` ("sequence mismatch: got 3,
    // expected 2" or "record authentication failed").
    bool open_record(Bytes& plaintext_out, ContentType type, ByteView body, std::string& error);

    std::uint64_t next_sequence_number() const { return sequence_number_; }

    // The per-record nonce of RFC 8446 5.3: the IV with the sequence number
    // XORed into its last 8 bytes. Every record gets a different nonce
    // without sending it, as long as seq never repeats under one key.
    Nonce nonce_for(std::uint64_t sequence_number) const;

private:
    Aead aead_;
    Secret<Aead::nonce_size> iv_;
    std::uint64_t sequence_number_ = 0;
};

}  // namespace toytls
