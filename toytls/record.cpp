#include "toytls/record.hpp"

namespace toytls {

std::string_view content_type_name(ContentType type) {
    switch (type) {
        case ContentType::alert: return "alert";
        case ContentType::handshake: return "handshake";
        case ContentType::application_data: return "application_data";
    }
    return "unknown";
}

std::optional<ContentType> content_type_from_byte(std::uint8_t byte) {
    switch (byte) {
        case 21: return ContentType::alert;
        case 22: return ContentType::handshake;
        case 23: return ContentType::application_data;
        default: return std::nullopt;
    }
}

namespace {

void append_header(Bytes& out, ContentType type, std::size_t body_length) {
    out.push_back(static_cast<std::uint8_t>(type));
    out.push_back(static_cast<std::uint8_t>(body_length >> 8));
    out.push_back(static_cast<std::uint8_t>(body_length));
}

void write_u64(std::uint8_t* out, std::uint64_t value) {
    for (int i = 7; i >= 0; --i, value >>= 8) out[i] = static_cast<std::uint8_t>(value);
}

// content_type | length | seq: the header is authenticated, so an attacker
// cannot relabel a record's type or move a record to another position.
std::array<std::uint8_t, 11> additional_data(ContentType type, std::size_t body_length, std::uint64_t seq) {
    std::array<std::uint8_t, 11> aad{};
    aad[0] = static_cast<std::uint8_t>(type);
    aad[1] = static_cast<std::uint8_t>(body_length >> 8);
    aad[2] = static_cast<std::uint8_t>(body_length);
    write_u64(aad.data() + 3, seq);
    return aad;
}

}  // namespace

void append_plaintext_record(Bytes& out, ContentType type, ByteView body) {
    append_header(out, type, body.size());
    append(out, body);
}

RecordProtection::RecordProtection(AeadAlgorithm algorithm, const Secret<Aead::key_size>& key,
                                   const Secret<Aead::nonce_size>& iv)
    : aead_(algorithm, key), iv_(iv.clone()) {}

Nonce RecordProtection::nonce_for(std::uint64_t sequence_number) const {
    Nonce nonce{};
    std::copy(iv_.data(), iv_.data() + iv_.size(), nonce.begin());
    std::array<std::uint8_t, 8> seq_bytes{};
    write_u64(seq_bytes.data(), sequence_number);
    for (std::size_t i = 0; i < 8; ++i) nonce[4 + i] ^= seq_bytes[i];
    return nonce;
}

void RecordProtection::seal_record(Bytes& out, ContentType type, ByteView plaintext) {
    const std::size_t body_length = protection_overhead + plaintext.size();
    const std::uint64_t seq = sequence_number_++;
    const std::size_t start = out.size();
    out.resize(start + record_header_size + body_length);
    std::uint8_t* record = out.data() + start;
    auto aad = additional_data(type, body_length, seq);
    std::copy(aad.begin(), aad.end(), record);  // the header and seq are the AAD's bytes
    Nonce nonce = nonce_for(seq);
    aead_.seal({record + aad.size(), plaintext.size() + Aead::tag_size}, plaintext, nonce, aad);
}

bool RecordProtection::open_record(Bytes& plaintext_out, ContentType type, ByteView body, std::string& error) {
    if (body.size() < protection_overhead) {
        error = "protected record shorter than its sequence number and tag";
        return false;
    }
    std::uint64_t seq = 0;
    for (std::size_t i = 0; i < sequence_number_size; ++i) seq = seq << 8 | body[i];
    // Checking seq first gives a clear reason for replayed, reordered and
    // dropped records; the AEAD would reject them anyway, because seq is in
    // the nonce and in the additional data.
    if (seq != sequence_number_) {
        error = "sequence mismatch: got " + std::to_string(seq) + ", expected " + std::to_string(sequence_number_);
        return false;
    }
    auto aad = additional_data(type, body.size(), seq);
    Nonce nonce = nonce_for(seq);
    ByteView sealed = body.subspan(sequence_number_size);
    const std::size_t start = plaintext_out.size();
    plaintext_out.resize(start + sealed.size() - Aead::tag_size);
    if (!aead_.open({plaintext_out.data() + start, sealed.size() - Aead::tag_size}, sealed, nonce, aad)) {
        plaintext_out.resize(start);
        error = "record authentication failed (wrong key, or the record was modified)";
        return false;
    }
    ++sequence_number_;
    return true;
}

}  // namespace toytls
