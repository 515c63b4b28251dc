#include "toytls/certificate.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdio>
#include <stdexcept>
#include <utility>

#include <sodium.h>

#include "toytls/crypto/random.hpp"
#include "toytls/crypto/sha256.hpp"
#include "toytls/text_lines.hpp"

namespace toytls {

namespace {

constexpr std::string_view certificate_header = "ToyTLS certificate v1";
constexpr std::string_view signing_context = "ToyTLS v1 certificate";
constexpr std::string_view signature_line_start = "\nsignature: ";

constexpr std::array<std::string_view, 10> known_fields = {
    "serial", "subject", "issuer", "not-before", "not-after", "ca", "path-len", "dns", "public-key", "signature",
};

bool is_known_field(std::string_view name) {
    return std::find(known_fields.begin(), known_fields.end(), name) != known_fields.end();
}

// Error messages quote what they found; a long line is cut so that the
// message stays readable.
std::string quoted(std::string_view text) {
    constexpr std::size_t shown = 60;
    if (text.size() <= shown) return "'" + std::string(text) + "'";
    return "'" + std::string(text.substr(0, shown)) + "...'";
}

// Howard Hinnant's days_from_civil / civil_from_days
// (https://howardhinnant.github.io/date_algorithms.html): exact for every
// proleptic Gregorian date, with no table and no dependence on the C library.
std::int64_t days_from_civil(std::int64_t year, unsigned month, unsigned day) {
    year -= month <= 2 ? 1 : 0;
    const std::int64_t era = (year >= 0 ? year : year - 399) / 400;
    const auto year_of_era = static_cast<unsigned>(year - era * 400);
    const unsigned day_of_year = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
    const unsigned day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    return era * 146097 + static_cast<std::int64_t>(day_of_era) - 719468;
}

struct CivilDate {
    std::int64_t year;
    unsigned month;
    unsigned day;
};

CivilDate civil_from_days(std::int64_t days) {
    days += 719468;
    const std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
    const auto day_of_era = static_cast<unsigned>(days - era * 146097);
    const unsigned year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
    const unsigned day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    const unsigned shifted_month = (5 * day_of_year + 2) / 153;  // March = 0
    const unsigned day = day_of_year - (153 * shifted_month + 2) / 5 + 1;
    const unsigned month = shifted_month < 10 ? shifted_month + 3 : shifted_month - 9;
    return {static_cast<std::int64_t>(year_of_era) + era * 400 + (month <= 2 ? 1 : 0), month, day};
}

bool is_leap_year(unsigned year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

unsigned days_in_month(unsigned year, unsigned month) {
    constexpr std::array<unsigned, 12> days = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return month == 2 && is_leap_year(year) ? 29 : days[month - 1];
}

// A fixed-width run of ASCII digits (the callers pass 1 to 4 characters).
std::optional<unsigned> parse_digits(std::string_view digits) {
    unsigned value = 0;
    for (char c : digits) {
        if (c < '0' || c > '9') return std::nullopt;
        value = value * 10 + static_cast<unsigned>(c - '0');
    }
    return value;
}

// A canonical decimal u64: no sign, no leading zero (except "0" itself), no overflow.
std::optional<std::uint64_t> parse_decimal_u64(std::string_view text) {
    if (text.empty() || (text.size() > 1 && text[0] == '0')) return std::nullopt;
    if (!std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) return std::nullopt;
    std::uint64_t value = 0;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
    return value;
}

bool is_dns_character(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-'; }

struct Line {
    std::size_t number;
    std::string_view name;   // "serial" in "serial: 7"
    std::string_view value;  // "7"
};

// Walks the "field: value" lines (line 2 on) through the fixed order of the
// design. expect() either consumes the next line or leaves an error that
// names the line and what should have been there.
class FieldWalker {
public:
    FieldWalker(std::vector<Line> lines, std::size_t last_line_number)
        : lines_(std::move(lines)), last_line_number_(last_line_number) {}

    // The next line if its field is `name`; otherwise sets the error.
    std::optional<Line> expect(std::string_view name) {
        if (at_end()) {
            error_ = "missing field '" + std::string(name) + "' (the certificate ends at line " +
                     std::to_string(last_line_number_) + ")";
            return std::nullopt;
        }
        const Line& line = lines_[next_];
        if (line.name != name) {
            diagnose_unexpected(line, name);
            return std::nullopt;
        }
        return consume();
    }

    bool next_is(std::string_view name) const { return !at_end() && lines_[next_].name == name; }
    bool at_end() const { return next_ == lines_.size(); }
    Line consume() {
        seen_.push_back(lines_[next_].name);
        return lines_[next_++];
    }
    const Line& peek() const { return lines_[next_]; }
    bool appears_anywhere(std::string_view name) const {
        return std::any_of(lines_.begin(), lines_.end(), [&](const Line& line) { return line.name == name; });
    }

    void set_ca(bool is_ca) { is_ca_ = is_ca; }

    // Explains why `line` is not the `expected` field (empty: nothing may come).
    void diagnose_unexpected(const Line& line, std::string_view expected) {
        const std::string at = "line " + std::to_string(line.number) + ": ";
        const std::string found(line.name);
        if (!is_known_field(line.name)) {
            error_ = at + "unknown field " + quoted(line.name);
        } else if (line.name == "path-len" && is_ca_.has_value() && !*is_ca_) {
            error_ = at + "path-len is only allowed when ca: true (this certificate has ca: false)";
        } else if (line.name != "dns" && std::find(seen_.begin(), seen_.end(), line.name) != seen_.end()) {
            error_ = at + "duplicate field '" + found + "'";
        } else if (expected.empty()) {
            error_ = at + "field '" + found + "' after the signature line; the signature line must be the last";
        } else if (expected == "path-len" && !appears_anywhere("path-len")) {
            error_ = at + "missing field 'path-len' (required when ca: true), found '" + found + "'";
        } else if (!appears_anywhere(expected)) {
            error_ = at + "missing field '" + std::string(expected) + "', found '" + found + "'";
        } else {
            error_ = at + "field '" + found + "' is out of order; expected '" + std::string(expected) + "' here";
        }
    }

    void fail(const Line& line, const std::string& words) {
        error_ = "line " + std::to_string(line.number) + ": " + words;
    }
    const std::string& error() const { return error_; }

private:
    std::vector<Line> lines_;
    std::size_t last_line_number_;
    std::size_t next_ = 0;
    std::vector<std::string_view> seen_;
    std::optional<bool> is_ca_;
    std::string error_;
};


std::optional<std::string> parse_name_value(const Line& line, FieldWalker& walker) {
    const std::string field(line.name);
    if (line.value.size() > max_subject_length) {
        walker.fail(line, field + " is " + std::to_string(line.value.size()) + " characters; at most " +
                              std::to_string(max_subject_length) + " are allowed");
        return std::nullopt;
    }
    if (line.value.empty()) {
        walker.fail(line, field + " is empty");
        return std::nullopt;
    }
    if (line.value.front() == ' ') {
        walker.fail(line, field + " must not start with a space");
        return std::nullopt;
    }
    return std::string(line.value);
}

std::optional<UnixTime> parse_time_value(const Line& line, FieldWalker& walker) {
    auto time = parse_utc_time(line.value);
    if (!time) {
        walker.fail(line, std::string(line.name) + " must be a real UTC time written YYYY-MM-DDTHH:MM:SSZ, found " +
                              quoted(line.value));
    }
    return time;
}

std::optional<Bytes> parse_base64_value(const Line& line, std::size_t expected_size, FieldWalker& walker) {
    const std::string field(line.name);
    auto decoded = base64_decode(line.value);
    if (!decoded) {
        walker.fail(line, field + " is not valid base64 (standard alphabet, with '=' padding, nothing else)");
        return std::nullopt;
    }
    if (decoded->size() != expected_size) {
        walker.fail(line, field + " is " + std::to_string(decoded->size()) + " bytes; expected " +
                              std::to_string(expected_size));
        return std::nullopt;
    }
    return decoded;
}

}  // namespace

std::string format_utc_time(UnixTime time) {
    constexpr std::int64_t seconds_per_day = 86400;
    std::int64_t days = time / seconds_per_day;
    std::int64_t second_of_day = time % seconds_per_day;
    if (second_of_day < 0) {  // round toward the past for times before 1970
        second_of_day += seconds_per_day;
        days -= 1;
    }
    const CivilDate date = civil_from_days(days);
    char text[64];
    std::snprintf(text, sizeof text, "%04lld-%02u-%02uT%02d:%02d:%02dZ", static_cast<long long>(date.year), date.month,
                  date.day, static_cast<int>(second_of_day / 3600), static_cast<int>(second_of_day / 60 % 60),
                  static_cast<int>(second_of_day % 60));
    return text;
}

std::optional<UnixTime> parse_utc_time(std::string_view text) {
    // Positions of the fixed characters in "YYYY-MM-DDTHH:MM:SSZ".
    if (text.size() != 20 || text[4] != '-' || text[7] != '-' || text[10] != 'T' || text[13] != ':' ||
        text[16] != ':' || text[19] != 'Z') {
        return std::nullopt;
    }
    auto year = parse_digits(text.substr(0, 4));
    auto month = parse_digits(text.substr(5, 2));
    auto day = parse_digits(text.substr(8, 2));
    auto hour = parse_digits(text.substr(11, 2));
    auto minute = parse_digits(text.substr(14, 2));
    auto second = parse_digits(text.substr(17, 2));
    if (!year || !month || !day || !hour || !minute || !second) return std::nullopt;
    if (*month < 1 || *month > 12 || *day < 1 || *day > days_in_month(*year, *month)) return std::nullopt;
    if (*hour > 23 || *minute > 59 || *second > 59) return std::nullopt;
    return days_from_civil(*year, *month, *day) * 86400 + *hour * 3600 + *minute * 60 + *second;
}

std::string base64_encode(ByteView bytes) {
    std::string text(sodium_base64_ENCODED_LEN(bytes.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
    sodium_bin2base64(text.data(), text.size(), bytes.data(), bytes.size(), sodium_base64_VARIANT_ORIGINAL);
    text.pop_back();  // the terminating NUL that sodium_base64_ENCODED_LEN counts
    return text;
}

std::optional<Bytes> base64_decode(std::string_view text) {
    // libsodium 1.0.18 (Debian 12's) compares each character as a signed
    // char, so it decodes every byte from 0x80 to 0xFF as '/': "A\xb2AA"
    // gave the bytes of "A/AA", against certificate.hpp's promise that no
    // two texts decode to the same bytes. The certificate and key file
    // parsers refuse such bytes before they get here; this check keeps the
    // promise for every caller. (Found by fuzz/fuzz_certificate.cpp.)
    if (std::any_of(text.begin(), text.end(), [](char c) { return static_cast<unsigned char>(c) >= 0x80; }))
        return std::nullopt;
    require_sodium();
    Bytes bytes(text.size() / 4 * 3 + 3);
    std::size_t decoded_size = 0;
    // No characters to ignore and no end pointer: the whole text must decode.
    if (sodium_base642bin(bytes.data(), bytes.size(), text.data(), text.size(), nullptr, &decoded_size, nullptr,
                          sodium_base64_VARIANT_ORIGINAL) != 0) {
        sodium_memzero(bytes.data(), bytes.size());
        return std::nullopt;
    }
    // Only the first decoded_size bytes were written: the caller wipes those
    // when they are a secret.
    bytes.resize(decoded_size);
    return bytes;
}

std::optional<Certificate> parse_certificate(ByteView input, std::string& error) {
    const std::string_view text = as_text(input);
    if (text.size() > max_certificate_size) {
        error = "certificate is " + std::to_string(text.size()) + " bytes; at most " +
                std::to_string(max_certificate_size) + " are allowed";
        return std::nullopt;
    }
    if (text.empty()) {
        error = "certificate is empty";
        return std::nullopt;
    }
    auto raw_lines = split_strict_lines(text, error);
    if (!raw_lines) return std::nullopt;
    if ((*raw_lines)[0] != certificate_header) {
        error = "line 1: expected '" + std::string(certificate_header) + "', found " + quoted((*raw_lines)[0]);
        return std::nullopt;
    }

    std::vector<Line> lines;
    for (std::size_t i = 1; i < raw_lines->size(); ++i) {
        const std::string_view line = (*raw_lines)[i];
        const std::size_t separator = line.find(": ");
        if (separator == std::string_view::npos) {
            error = "line " + std::to_string(i + 1) + ": expected 'field: value', found " + quoted(line);
            return std::nullopt;
        }
        lines.push_back({i + 1, line.substr(0, separator), line.substr(separator + 2)});
    }

    FieldWalker walker(std::move(lines), raw_lines->size());
    auto failed = [&]() -> std::optional<Certificate> {
        error = walker.error();
        return std::nullopt;
    };
    Certificate certificate;

    auto serial = walker.expect("serial");
    if (!serial) return failed();
    auto serial_value = parse_decimal_u64(serial->value);
    if (!serial_value) {
        walker.fail(*serial,
                    "serial must be a decimal number 0..18446744073709551615 without sign or leading zeros, "
                    "found " +
                        quoted(serial->value));
        return failed();
    }
    certificate.serial = *serial_value;

    auto subject = walker.expect("subject");
    if (!subject) return failed();
    auto subject_value = parse_name_value(*subject, walker);
    if (!subject_value) return failed();
    certificate.subject = std::move(*subject_value);

    auto issuer = walker.expect("issuer");
    if (!issuer) return failed();
    auto issuer_value = parse_name_value(*issuer, walker);
    if (!issuer_value) return failed();
    certificate.issuer = std::move(*issuer_value);

    auto not_before = walker.expect("not-before");
    if (!not_before) return failed();
    auto not_before_value = parse_time_value(*not_before, walker);
    if (!not_before_value) return failed();
    certificate.not_before = *not_before_value;

    auto not_after = walker.expect("not-after");
    if (!not_after) return failed();
    auto not_after_value = parse_time_value(*not_after, walker);
    if (!not_after_value) return failed();
    certificate.not_after = *not_after_value;
    if (certificate.not_after < certificate.not_before) {
        walker.fail(*not_after, "not-after " + std::string(not_after->value) + " is before not-before " +
                                    std::string(not_before->value));
        return failed();
    }

    auto ca = walker.expect("ca");
    if (!ca) return failed();
    if (ca->value != "true" && ca->value != "false") {
        walker.fail(*ca, "ca must be 'true' or 'false', found " + quoted(ca->value));
        return failed();
    }
    certificate.is_ca = ca->value == "true";
    walker.set_ca(certificate.is_ca);

    // path-len: present iff ca: true (a leaf cannot have CAs below it).
    if (certificate.is_ca) {
        auto path_len = walker.expect("path-len");
        if (!path_len) return failed();
        auto path_len_value = path_len->value.size() == 1 ? parse_digits(path_len->value) : std::nullopt;
        if (!path_len_value || *path_len_value > max_path_len) {
            walker.fail(*path_len, "path-len must be a number 0.." + std::to_string(max_path_len) + ", found " +
                                       quoted(path_len->value));
            return failed();
        }
        certificate.path_len = *path_len_value;
    }

    while (walker.next_is("dns")) {
        const Line dns = walker.consume();
        if (certificate.dns_names.size() == max_dns_names) {
            walker.fail(dns, "more than " + std::to_string(max_dns_names) + " dns lines");
            return failed();
        }
        if (dns.value.find('*') != std::string_view::npos) {
            walker.fail(dns, "dns name " + quoted(dns.value) + " has a wildcard; wildcards are not allowed");
            return failed();
        }
        if (dns.value.size() > max_dns_name_length) {
            walker.fail(dns, "dns name is " + std::to_string(dns.value.size()) + " characters; at most " +
                                 std::to_string(max_dns_name_length) + " are allowed");
            return failed();
        }
        if (!std::all_of(dns.value.begin(), dns.value.end(), is_dns_character)) {
            walker.fail(dns, "dns name " + quoted(dns.value) + " may only have lower-case a-z, digits, '.' and '-'");
            return failed();
        }
        certificate.dns_names.emplace_back(dns.value);
    }

    auto public_key = walker.expect("public-key");
    if (!public_key) return failed();
    auto public_key_bytes = parse_base64_value(*public_key, certificate.public_key.size(), walker);
    if (!public_key_bytes) return failed();
    std::copy(public_key_bytes->begin(), public_key_bytes->end(), certificate.public_key.begin());

    auto signature = walker.expect("signature");
    if (!signature) return failed();
    auto signature_bytes = parse_base64_value(*signature, certificate.signature.size(), walker);
    if (!signature_bytes) return failed();
    std::copy(signature_bytes->begin(), signature_bytes->end(), certificate.signature.begin());

    if (!walker.at_end()) {
        walker.diagnose_unexpected(walker.peek(), "");
        return failed();
    }

    certificate.encoded.assign(input.begin(), input.end());
    return certificate;
}

Bytes certificate_signed_message(ByteView encoded) {
    const std::string_view text = as_text(encoded);
    const std::size_t signature_line = text.rfind(signature_line_start);
    if (signature_line == std::string_view::npos) return {};
    Bytes message;
    append(message, as_bytes(signing_context));
    message.push_back(0x00);
    append(message, encoded.first(signature_line + 1));  // + 1: the LF that ends the public-key line
    return message;
}

Certificate issue_certificate(const CertificateFields& fields, const Ed25519KeyPair& issuer_key) {
    std::string text;
    text += std::string(certificate_header) + "\n";
    text += "serial: " + std::to_string(fields.serial) + "\n";
    text += "subject: " + fields.subject + "\n";
    text += "issuer: " + fields.issuer + "\n";
    text += "not-before: " + format_utc_time(fields.not_before) + "\n";
    text += "not-after: " + format_utc_time(fields.not_after) + "\n";
    text += std::string("ca: ") + (fields.is_ca ? "true" : "false") + "\n";
    if (fields.path_len) text += "path-len: " + std::to_string(*fields.path_len) + "\n";
    for (const std::string& name : fields.dns_names) text += "dns: " + name + "\n";
    text += "public-key: " + base64_encode(fields.public_key) + "\n";

    Bytes message;
    append(message, as_bytes(signing_context));
    message.push_back(0x00);
    append(message, as_bytes(text));
    const Ed25519Signature signature = issuer_key.sign(message);
    text += "signature: " + base64_encode(signature) + "\n";

    // The parser is the one definition of a valid certificate: whatever it
    // refuses must not be issued either.
    std::string error;
    auto certificate = parse_certificate(as_bytes(text), error);
    if (!certificate) throw std::invalid_argument("cannot issue certificate '" + fields.subject + "': " + error);
    return std::move(*certificate);
}

bool signature_valid(const Certificate& certificate, const Ed25519PublicKey& issuer_key) {
    const Bytes message = certificate_signed_message(certificate.encoded);
    if (message.empty()) return false;
    return ed25519_verify(issuer_key, message, certificate.signature);
}

std::string describe_certificate(const Certificate& certificate) {
    std::string words = "certificate '" + certificate.subject + "'\n";
    words += "  serial:      " + std::to_string(certificate.serial) + "\n";
    if (certificate.issuer == certificate.subject) {
        const bool self_signed = signature_valid(certificate, certificate.public_key);
        words += "  issued by:   itself (self-issued, as a root is); its own key " +
                 std::string(self_signed ? "verifies" : "does NOT verify") + " its signature\n";
    } else {
        words += "  issued by:   '" + certificate.issuer + "'\n";
    }
    words += "  valid from:  " + format_utc_time(certificate.not_before) + "\n";
    words += "  valid until: " + format_utc_time(certificate.not_after) + "\n";
    if (certificate.is_ca) {
        const unsigned path_len = certificate.path_len.value_or(0);
        words += "  kind:        CA: may issue certificates, with at most " + std::to_string(path_len) +
                 " intermediate CA" + (path_len == 1 ? "" : "s") + " below it (path-len " + std::to_string(path_len) +
                 ")\n";
    } else {
        words += "  kind:        end entity (ca: false): may not issue certificates\n";
    }
    words += "  dns names:   ";
    if (certificate.dns_names.empty()) words += "(none)";
    for (std::size_t i = 0; i < certificate.dns_names.size(); ++i) {
        words += (i == 0 ? "" : ", ") + certificate.dns_names[i];
    }
    words += "\n";
    words += "  public key:  " + base64_encode(certificate.public_key) + " (Ed25519)\n";
    words += "  signature:   " + base64_encode(certificate.signature) + " (Ed25519)\n";
    words += "  file:        " + std::to_string(certificate.encoded.size()) + " bytes, SHA-256 " +
             to_hex(sha256(certificate.encoded)) + "\n";
    return words;
}

}  // namespace toytls
