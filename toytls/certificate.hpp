// ToyTLS certificates: a small signed text file instead of X.509's DER, so
// that a student can read one with `cat`. The format is strict (one way to
// write each certificate) because a parser that accepts variants is where
// certificate bugs live. The rules are in toytls/PROTOCOL.md, "Certificates".
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "toytls/bytes.hpp"
#include "toytls/clock.hpp"
#include "toytls/crypto/ed25519.hpp"

namespace toytls {

inline constexpr std::size_t max_certificate_size = 2048;
inline constexpr std::size_t max_subject_length = 64;
inline constexpr std::size_t max_dns_names = 8;
inline constexpr std::size_t max_dns_name_length = 253;
inline constexpr unsigned max_path_len = 8;

// Everything a certificate says, before it is signed.
struct CertificateFields {
    std::uint64_t serial = 0;
    std::string subject;
    std::string issuer;
    UnixTime not_before = 0;
    UnixTime not_after = 0;
    bool is_ca = false;
    std::optional<unsigned> path_len;  // present iff is_ca
    std::vector<std::string> dns_names;
    Ed25519PublicKey public_key{};
};

struct Certificate {
    std::uint64_t serial = 0;
    std::string subject;
    std::string issuer;
    UnixTime not_before = 0;
    UnixTime not_after = 0;
    bool is_ca = false;
    std::optional<unsigned> path_len;
    std::vector<std::string> dns_names;
    Ed25519PublicKey public_key{};
    Ed25519Signature signature{};
    Bytes encoded;  // the exact bytes, as sent on the wire; the fields above were parsed from them
};

// Accepts exactly the format of the design, nothing else. On failure `error`
// says which line or field is wrong and what was expected. Does not check
// the signature: that needs the issuer's key (see signature_valid).
std::optional<Certificate> parse_certificate(ByteView text, std::string& error);

// Builds the text and signs it with the issuer's key. Throws
// std::invalid_argument, with the parser's words, if the fields cannot make
// a valid certificate (a subject of 65 characters, a CA without path-len...).
Certificate issue_certificate(const CertificateFields& fields, const Ed25519KeyPair& issuer_key);

// True when `issuer_key` signed certificate.encoded (the signed part is
// everything before the "signature: " line, see certificate_signed_message).
bool signature_valid(const Certificate& certificate, const Ed25519PublicKey& issuer_key);

// "ToyTLS v1 certificate" | 0x00 | every byte before the "signature: " line.
// The prefix keeps a certificate signature from ever being mistaken for a
// signature on something else made with the same key (a CertificateVerify).
// Empty if `encoded` has no signature line.
Bytes certificate_signed_message(ByteView encoded);

// The certificate in words, several lines, for `toytls-cert show` and the trace.
std::string describe_certificate(const Certificate& certificate);

// Times as certificates write them: "YYYY-MM-DDTHH:MM:SSZ", always UTC,
// proleptic Gregorian calendar, no leap seconds (as Unix time has none).
// Computed here rather than with gmtime/timegm so that neither TZ nor the
// locale can change a certificate's meaning.
std::string format_utc_time(UnixTime time);
// Only years 0000..9999, real dates (no 2026-02-30) and seconds 00..59.
std::optional<UnixTime> parse_utc_time(std::string_view text);

// Base64 as the certificate and key files write it: the standard alphabet
// with '=' padding (RFC 4648 section 4), no line breaks.
std::string base64_encode(ByteView bytes);
// Nullopt unless `text` is the one canonical encoding of some bytes:
// libsodium refuses missing or extra padding, any other character, and
// non-zero unused bits ("AB==" for "AA=="), so no two texts decode to the
// same bytes.
std::optional<Bytes> base64_decode(std::string_view text);

}  // namespace toytls
