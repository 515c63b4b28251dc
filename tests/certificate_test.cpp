// The certificate text format: times, the exact bytes issue_certificate
// writes, every way a certificate can be malformed (each with its own
// words), and that no edit of a signed certificate keeps its signature.
#include <gtest/gtest.h>

#include <stdexcept>

#include "certificate_test_support.hpp"
#include "toytls/certificate.hpp"

using namespace toytls;
using namespace toytls::testing;

namespace {

// DemoLikePki's leaf and intermediate, byte for byte. The signatures were
// checked independently of libsodium (Python's cryptography package) over
// "ToyTLS v1 certificate" | 0x00 | the lines before "signature: ".
constexpr std::string_view golden_leaf = R"(ToyTLS certificate v1
serial: 3
subject: localhost
issuer: Test Intermediate CA
not-before: 2026-01-01T00:00:00Z
not-after: 2046-01-01T00:00:00Z
ca: false
dns: localhost
dns: 127.0.0.1
public-key: 7UkoxijRwsbq6QM4kFmVYSlZJzpcY/k2NsFGFKyHN9E=
signature: 2l7/vn8k2Ko0E1eHtz+n4oCpW1UKDZJGqCPX18/Lf/U4se52X5X90yTChx2XzV17rDOKIFj/SAfBtwcJZARDCg==
)";

constexpr std::string_view golden_intermediate = R"(ToyTLS certificate v1
serial: 1
subject: Test Intermediate CA
issuer: Test Root CA
not-before: 2026-01-01T00:00:00Z
not-after: 2046-01-01T00:00:00Z
ca: true
path-len: 0
public-key: gTl3Dqh9F19Wo1Rmw0x+zMuNipG07jeiXfYPW4/Js5Q=
signature: A2AIox+utE7xBrNcOjyN5tMwXoz2G35G88ImcWKUi+pEjLaYFDRl7mgxr0WxTDnqdW//56oyzCYPFGYkzTg8AA==
)";

std::vector<std::string> split_lines(std::string_view text) {
    std::vector<std::string> lines;
    std::size_t start = 0;
    while (start < text.size()) {
        const std::size_t end = text.find('\n', start);
        lines.emplace_back(text.substr(start, end - start));
        start = end + 1;
    }
    return lines;
}

std::string join_lines(const std::vector<std::string>& lines) {
    std::string text;
    for (const std::string& line : lines) text += line + "\n";
    return text;
}

// Line numbers are 1-based, as in the parser's messages.
std::string replace_line(std::string_view text, std::size_t number, std::string replacement) {
    auto lines = split_lines(text);
    lines.at(number - 1) = std::move(replacement);
    return join_lines(lines);
}
std::string delete_line(std::string_view text, std::size_t number) {
    auto lines = split_lines(text);
    lines.erase(lines.begin() + static_cast<std::ptrdiff_t>(number - 1));
    return join_lines(lines);
}
std::string insert_line(std::string_view text, std::size_t before_number, std::string line) {
    auto lines = split_lines(text);
    lines.insert(lines.begin() + static_cast<std::ptrdiff_t>(before_number - 1), std::move(line));
    return join_lines(lines);
}
std::string swap_lines(std::string_view text, std::size_t a, std::size_t b) {
    auto lines = split_lines(text);
    std::swap(lines.at(a - 1), lines.at(b - 1));
    return join_lines(lines);
}

// The parser's error for `text`, or "parsed" if it was accepted.
std::string parse_error_of(std::string_view text) {
    std::string error;
    auto certificate = parse_certificate(as_bytes(text), error);
    return certificate ? "parsed" : error;
}

}  // namespace

TEST(UtcTime, FormatsAndParsesKnownInstants) {
    const std::vector<std::pair<UnixTime, std::string>> known = {
        {0, "1970-01-01T00:00:00Z"},
        {-1, "1969-12-31T23:59:59Z"},
        {951782400, "2000-02-29T00:00:00Z"},   // 2000 is a leap year (divisible by 400)
        {4107542400, "2100-03-01T00:00:00Z"},  // 2100 is not
        {time_2026, "2026-01-01T00:00:00Z"},
        {time_2030, "2030-01-01T00:00:00Z"},
        {time_2046, "2046-01-01T00:00:00Z"},
        {1767225599, "2025-12-31T23:59:59Z"},
        {-62167219200, "0000-01-01T00:00:00Z"},
        {253402300799, "9999-12-31T23:59:59Z"},
    };
    for (const auto& [time, text] : known) {
        EXPECT_EQ(format_utc_time(time), text);
        EXPECT_EQ(parse_utc_time(text), time) << text;
    }
}

TEST(UtcTime, RoundTripsAcrossTheWholeRange) {
    // A step that is not a whole number of days visits every time of day.
    for (UnixTime time = -62167219200; time <= 253402300799; time += 86400 * 97 + 3607) {
        ASSERT_EQ(parse_utc_time(format_utc_time(time)), time) << format_utc_time(time);
    }
}

TEST(UtcTime, RejectsEverythingButTheOneForm) {
    for (std::string_view bad :
         {"2026-02-29T00:00:00Z", "2100-02-29T00:00:00Z", "2026-04-31T00:00:00Z", "2026-13-01T00:00:00Z",
          "2026-00-01T00:00:00Z", "2026-01-00T00:00:00Z", "2026-01-01T24:00:00Z", "2026-01-01T00:60:00Z",
          "2026-01-01T23:59:60Z", "2026-01-01t00:00:00Z", "2026-01-01T00:00:00z", "2026-01-01 00:00:00Z",
          "2026-01-01T00:00:00", "2026-01-01T00:00:00+00:00", "2026-1-01T00:00:00Z", "+026-01-01T00:00:00Z",
          "2026-01-01T00:00:0 Z", "", "12026-01-01T00:00:00Z"}) {
        EXPECT_FALSE(parse_utc_time(bad).has_value()) << bad;
    }
}

TEST(Base64, EncodesAndAcceptsOnlyCanonicalText) {
    EXPECT_EQ(base64_encode(bytes_of("")), "");
    EXPECT_EQ(base64_encode(bytes_of("f")), "Zg==");
    EXPECT_EQ(base64_encode(bytes_of("foobar")), "Zm9vYmFy");
    EXPECT_EQ(base64_decode("Zm9vYg=="), bytes_of("foob"));
    EXPECT_EQ(base64_decode(""), Bytes{});
    // Missing or extra padding, unused bits set ("Zh==" would also be "f"),
    // the URL-safe alphabet, spaces and line breaks: all refused.
    for (std::string_view bad : {"Zg", "Zg=", "Zg===", "Zh==", "-_==", "Zm9v YmFy", "Zm9v\nYmFy", "Zm9vYmFy\n"}) {
        EXPECT_FALSE(base64_decode(bad).has_value()) << bad;
    }
}

TEST(Certificate, IssueWritesExactlyTheGoldenBytes) {
    DemoLikePki pki;
    EXPECT_EQ(text_of(pki.leaf.encoded), golden_leaf);
    EXPECT_EQ(text_of(pki.intermediate.encoded), golden_intermediate);
}

TEST(Certificate, IssueThenParseRoundTrips) {
    DemoLikePki pki;
    std::string error;
    auto parsed = parse_certificate(pki.leaf.encoded, error);
    ASSERT_TRUE(parsed) << error;
    EXPECT_EQ(parsed->serial, 3u);
    EXPECT_EQ(parsed->subject, "localhost");
    EXPECT_EQ(parsed->issuer, "Test Intermediate CA");
    EXPECT_EQ(parsed->not_before, time_2026);
    EXPECT_EQ(parsed->not_after, time_2046);
    EXPECT_FALSE(parsed->is_ca);
    EXPECT_FALSE(parsed->path_len.has_value());
    EXPECT_EQ(parsed->dns_names, (std::vector<std::string>{"localhost", "127.0.0.1"}));
    EXPECT_EQ(parsed->public_key, pki.leaf_key.public_key());
    EXPECT_EQ(parsed->signature, pki.leaf.signature);
    EXPECT_EQ(parsed->encoded, pki.leaf.encoded);

    auto intermediate = parse_certificate(pki.intermediate.encoded, error);
    ASSERT_TRUE(intermediate) << error;
    EXPECT_TRUE(intermediate->is_ca);
    EXPECT_EQ(intermediate->path_len, 0u);
    EXPECT_TRUE(intermediate->dns_names.empty());

    // Issuing the parsed fields again gives the same bytes (Ed25519 is deterministic).
    CertificateFields fields{parsed->serial, parsed->subject,  parsed->issuer,    parsed->not_before, parsed->not_after,
                             parsed->is_ca,  parsed->path_len, parsed->dns_names, parsed->public_key};
    EXPECT_EQ(issue_certificate(fields, pki.intermediate_key).encoded, pki.leaf.encoded);
}

TEST(Certificate, SignatureVerifiesOnlyWithTheIssuersKey) {
    DemoLikePki pki;
    EXPECT_TRUE(signature_valid(pki.leaf, pki.intermediate_key.public_key()));
    EXPECT_FALSE(signature_valid(pki.leaf, pki.root_key.public_key()));
    EXPECT_FALSE(signature_valid(pki.leaf, pki.leaf_key.public_key()));
    EXPECT_TRUE(signature_valid(pki.root, pki.root_key.public_key()));
}

TEST(Certificate, SignedMessageIsContextThenEverythingBeforeTheSignatureLine) {
    const std::string text(golden_leaf);
    const std::string before_signature = text.substr(0, text.find("signature: "));
    EXPECT_TRUE(before_signature.ends_with("N9E=\n"));
    EXPECT_EQ(text_of(certificate_signed_message(as_bytes(text))),
              std::string("ToyTLS v1 certificate") + '\0' + before_signature);
    EXPECT_TRUE(certificate_signed_message(as_bytes("no signature line\n")).empty());
}

TEST(Certificate, LargestAllowedSizeIsAcceptedAndOneMoreByteIsNot) {
    const Ed25519KeyPair key = key_from_seed_byte(0x09);
    CertificateFields fields = leaf_fields(std::string(64, 's'), std::string(64, 'i'), key, {});
    fields.dns_names.assign(max_dns_names, "a");
    const std::size_t base_size = issue_certificate(fields, key).encoded.size();
    // Grow the dns names until the certificate is exactly 2048 bytes.
    std::size_t missing = max_certificate_size - base_size;
    for (std::string& name : fields.dns_names) {
        const std::size_t grow = std::min(missing, max_dns_name_length - name.size());
        name += std::string(grow, 'b');
        missing -= grow;
    }
    ASSERT_EQ(missing, 0u);
    EXPECT_EQ(issue_certificate(fields, key).encoded.size(), max_certificate_size);

    fields.dns_names[0] += "c";
    try {
        issue_certificate(fields, key);
        FAIL() << "a 2049-byte certificate was issued";
    } catch (const std::invalid_argument& error) {
        EXPECT_EQ(std::string(error.what()), "cannot issue certificate '" + fields.subject +
                                                 "': certificate is 2049 bytes; at most 2048 are allowed");
    }
}

TEST(Certificate, IssueRefusesFieldsTheParserWouldRefuse) {
    const Ed25519KeyPair key = key_from_seed_byte(0x09);
    auto issue_error = [&](const CertificateFields& fields) -> std::string {
        try {
            issue_certificate(fields, key);
            return "issued";
        } catch (const std::invalid_argument& error) {
            return error.what();
        }
    };
    CertificateFields ca_without_path_len = ca_fields("CA", "CA", key, 0);
    ca_without_path_len.path_len.reset();
    EXPECT_EQ(issue_error(ca_without_path_len),
              "cannot issue certificate 'CA': line 8: missing field 'path-len' (required when ca: true), found "
              "'public-key'");

    CertificateFields leaf_with_path_len = leaf_fields("leaf", "CA", key, {});
    leaf_with_path_len.path_len = 0;
    EXPECT_EQ(issue_error(leaf_with_path_len),
              "cannot issue certificate 'leaf': line 8: path-len is only allowed when ca: true (this certificate "
              "has ca: false)");

    EXPECT_EQ(issue_error(leaf_fields("leaf", "CA", key, {"Example.com"})),
              "cannot issue certificate 'leaf': line 8: dns name 'Example.com' may only have lower-case a-z, "
              "digits, '.' and '-'");
    EXPECT_EQ(issue_error(leaf_fields("leaf\nca: true", "CA", key, {})),
              "cannot issue certificate 'leaf\nca: true': line 4: field 'ca' is out of order; expected 'issuer' "
              "here");
}

TEST(Certificate, GoldenTextsParse) {
    EXPECT_EQ(parse_error_of(golden_leaf), "parsed");
    EXPECT_EQ(parse_error_of(golden_intermediate), "parsed");
}

struct MalformedCase {
    std::string what;
    std::string text;
    std::string error;
};

TEST(Certificate, EveryMalformedVariantIsRejectedWithItsOwnWords) {
    const std::string_view leaf = golden_leaf;
    const std::string_view ca = golden_intermediate;
    const std::string key_line_31_bytes = "public-key: " + base64_encode(Bytes(31, 0x42));
    const std::string key_line_33_bytes = "public-key: " + base64_encode(Bytes(33, 0x42));
    const std::string signature_line_63_bytes = "signature: " + base64_encode(Bytes(63, 0x42));
    std::string crlf;
    for (char c : leaf) crlf += c == '\n' ? std::string("\r\n") : std::string(1, c);
    std::string nine_dns(leaf);
    for (int i = 0; i < 7; ++i) nine_dns = insert_line(nine_dns, 10, "dns: extra" + std::to_string(i) + ".test");
    std::string signature_not_canonical = replace_line(
        leaf, 11,
        "signature: 2l7/vn8k2Ko0E1eHtz+n4oCpW1UKDZJGqCPX18/Lf/U4se52X5X90yTChx2XzV17rDOKIFj/SAfBtwcJZARDCh==");

    const std::vector<MalformedCase> cases = {
        // Size and the rules for every line.
        {"empty", "", "certificate is empty"},
        {"oversize", std::string(leaf) + std::string(2049 - leaf.size(), 'x'),
         "certificate is 2049 bytes; at most 2048 are allowed"},
        {"CRLF", crlf, "line 1: carriage return (CR) found; lines must end with LF only"},
        {"trailing space", replace_line(leaf, 3, "subject: localhost "),
         "line 3: ends with a space; trailing spaces are not allowed"},
        {"empty value", replace_line(leaf, 3, "subject: "),
         "line 3: ends with a space; trailing spaces are not allowed"},
        {"blank line", insert_line(leaf, 3, ""), "line 3: empty line; blank lines are not allowed"},
        {"blank line at the end", std::string(leaf) + "\n", "line 12: empty line; blank lines are not allowed"},
        {"no LF at the end", std::string(leaf.substr(0, leaf.size() - 1)),
         "line 11: the last line does not end with LF"},
        {"tab", replace_line(leaf, 3, "subject:\tlocalhost"), "line 3: byte 0x09 is not printable ASCII"},
        {"UTF-8", replace_line(leaf, 3, "subject: caf\xc3\xa9"), "line 3: byte 0xc3 is not printable ASCII"},
        {"NUL", replace_line(leaf, 3, std::string("subject: local\0host", 19)),
         "line 3: byte 0x00 is not printable ASCII"},
        // Header and line shape.
        {"wrong header", replace_line(leaf, 1, "ToyTLS certificate v2"),
         "line 1: expected 'ToyTLS certificate v1', found 'ToyTLS certificate v2'"},
        {"no header", delete_line(leaf, 1), "line 1: expected 'ToyTLS certificate v1', found 'serial: 3'"},
        {"no ': '", replace_line(leaf, 3, "subject:localhost"),
         "line 3: expected 'field: value', found 'subject:localhost'"},
        {"field name with a capital", replace_line(leaf, 3, "Subject: localhost"), "line 3: unknown field 'Subject'"},
        // Missing, order, duplicates, unknown.
        {"missing subject", delete_line(leaf, 3), "line 3: missing field 'subject', found 'issuer'"},
        {"missing serial", delete_line(leaf, 2), "line 2: missing field 'serial', found 'subject'"},
        {"missing public-key", delete_line(leaf, 10), "line 10: missing field 'public-key', found 'signature'"},
        {"missing signature", delete_line(leaf, 11), "missing field 'signature' (the certificate ends at line 10)"},
        {"subject and issuer swapped", swap_lines(leaf, 3, 4),
         "line 3: field 'issuer' is out of order; expected 'subject' here"},
        {"times swapped", swap_lines(leaf, 5, 6),
         "line 5: field 'not-after' is out of order; expected 'not-before' here"},
        {"dns after public-key", swap_lines(leaf, 9, 10),
         "line 10: field 'dns' is out of order; expected 'signature' here"},
        {"signature before public-key", swap_lines(leaf, 10, 11),
         "line 10: field 'signature' is out of order; expected 'public-key' here"},
        {"duplicate subject", insert_line(leaf, 4, "subject: localhost"), "line 4: duplicate field 'subject'"},
        {"duplicate ca", insert_line(leaf, 8, "ca: false"), "line 8: duplicate field 'ca'"},
        {"duplicate signature", std::string(leaf) + std::string(split_lines(leaf)[10]) + "\n",
         "line 12: duplicate field 'signature'"},
        {"unknown field", insert_line(leaf, 8, "email: admin@example.com"), "line 8: unknown field 'email'"},
        {"field after the signature", std::string(leaf) + "dns: evil.example\n",
         "line 12: field 'dns' after the signature line; the signature line must be the last"},
        // Values.
        {"serial with a leading zero", replace_line(leaf, 2, "serial: 03"),
         "line 2: serial must be a decimal number 0..18446744073709551615 without sign or leading zeros, found "
         "'03'"},
        {"serial over 64 bits", replace_line(leaf, 2, "serial: 18446744073709551616"),
         "line 2: serial must be a decimal number 0..18446744073709551615 without sign or leading zeros, found "
         "'18446744073709551616'"},
        {"serial with a sign", replace_line(leaf, 2, "serial: +3"),
         "line 2: serial must be a decimal number 0..18446744073709551615 without sign or leading zeros, found "
         "'+3'"},
        {"serial in hex", replace_line(leaf, 2, "serial: 0x3"),
         "line 2: serial must be a decimal number 0..18446744073709551615 without sign or leading zeros, found "
         "'0x3'"},
        {"subject of 65 characters", replace_line(leaf, 3, "subject: " + std::string(65, 'a')),
         "line 3: subject is 65 characters; at most 64 are allowed"},
        {"subject with a leading space", replace_line(leaf, 3, "subject:  localhost"),
         "line 3: subject must not start with a space"},
        {"issuer with a leading space", replace_line(leaf, 4, "issuer:  Test Intermediate CA"),
         "line 4: issuer must not start with a space"},
        {"February 29 of a common year", replace_line(leaf, 5, "not-before: 2026-02-29T00:00:00Z"),
         "line 5: not-before must be a real UTC time written YYYY-MM-DDTHH:MM:SSZ, found '2026-02-29T00:00:00Z'"},
        {"time with an offset", replace_line(leaf, 6, "not-after: 2046-01-01T00:00:00+00:00"),
         "line 6: not-after must be a real UTC time written YYYY-MM-DDTHH:MM:SSZ, found '2046-01-01T00:00:00+00:00'"},
        {"not-after before not-before", replace_line(leaf, 6, "not-after: 2025-01-01T00:00:00Z"),
         "line 6: not-after 2025-01-01T00:00:00Z is before not-before 2026-01-01T00:00:00Z"},
        {"ca: yes", replace_line(leaf, 7, "ca: yes"), "line 7: ca must be 'true' or 'false', found 'yes'"},
        {"ca: True", replace_line(leaf, 7, "ca: True"), "line 7: ca must be 'true' or 'false', found 'True'"},
        // path-len present iff ca: true.
        {"path-len on a leaf", insert_line(leaf, 8, "path-len: 0"),
         "line 8: path-len is only allowed when ca: true (this certificate has ca: false)"},
        {"path-len on a leaf, after its dns lines", insert_line(leaf, 10, "path-len: 0"),
         "line 10: path-len is only allowed when ca: true (this certificate has ca: false)"},
        {"no path-len on a CA", delete_line(ca, 8),
         "line 8: missing field 'path-len' (required when ca: true), found 'public-key'"},
        {"path-len 9", replace_line(ca, 8, "path-len: 9"), "line 8: path-len must be a number 0..8, found '9'"},
        {"path-len 00", replace_line(ca, 8, "path-len: 00"), "line 8: path-len must be a number 0..8, found '00'"},
        {"path-len -1", replace_line(ca, 8, "path-len: -1"), "line 8: path-len must be a number 0..8, found '-1'"},
        {"path-len twice", insert_line(ca, 9, "path-len: 0"), "line 9: duplicate field 'path-len'"},
        {"path-len before ca", swap_lines(ca, 7, 8), "line 7: field 'path-len' is out of order; expected 'ca' here"},
        // dns.
        {"wildcard dns", replace_line(leaf, 8, "dns: *.example.com"),
         "line 8: dns name '*.example.com' has a wildcard; wildcards are not allowed"},
        {"upper-case dns", replace_line(leaf, 8, "dns: LocalHost"),
         "line 8: dns name 'LocalHost' may only have lower-case a-z, digits, '.' and '-'"},
        {"underscore in dns", replace_line(leaf, 8, "dns: my_host"),
         "line 8: dns name 'my_host' may only have lower-case a-z, digits, '.' and '-'"},
        {"dns of 254 characters", replace_line(leaf, 8, "dns: " + std::string(254, 'a')),
         "line 8: dns name is 254 characters; at most 253 are allowed"},
        {"nine dns lines", nine_dns, "line 16: more than 8 dns lines"},
        // Base64 and lengths.
        {"bad base64 character", replace_line(leaf, 10, "public-key: 7Uko!ijRwsbq6QM4kFmVYSlZJzpcY/k2NsFGFKyHN9E="),
         "line 10: public-key is not valid base64 (standard alphabet, with '=' padding, nothing else)"},
        {"URL-safe base64", replace_line(leaf, 10, "public-key: 7UkoxijRwsbq6QM4kFmVYSlZJzpcY_k2NsFGFKyHN9E="),
         "line 10: public-key is not valid base64 (standard alphabet, with '=' padding, nothing else)"},
        {"base64 without padding", replace_line(leaf, 10, "public-key: 7UkoxijRwsbq6QM4kFmVYSlZJzpcY/k2NsFGFKyHN9E"),
         "line 10: public-key is not valid base64 (standard alphabet, with '=' padding, nothing else)"},
        {"non-canonical base64 of the same signature", signature_not_canonical,
         "line 11: signature is not valid base64 (standard alphabet, with '=' padding, nothing else)"},
        {"31-byte public key", replace_line(leaf, 10, key_line_31_bytes),
         "line 10: public-key is 31 bytes; expected 32"},
        {"33-byte public key", replace_line(leaf, 10, key_line_33_bytes),
         "line 10: public-key is 33 bytes; expected 32"},
        {"63-byte signature", replace_line(leaf, 11, signature_line_63_bytes),
         "line 11: signature is 63 bytes; expected 64"},
    };
    for (const MalformedCase& test : cases) {
        EXPECT_EQ(parse_error_of(test.text), test.error) << test.what;
    }
}

// An edit that keeps the certificate parseable, for each field: the parser
// accepts the result, so only the signature can catch it.
std::string edited_line(const std::string& line) {
    const std::string other_key = base64_encode(key_from_seed_byte(0x66).public_key());
    const std::string other_signature = base64_encode(key_from_seed_byte(0x66).sign(as_bytes("x")));
    const std::string name = line.substr(0, line.find(": "));
    if (name == "serial") return "serial: 4";
    if (name == "subject") return line + "x";
    if (name == "issuer") return line + "x";
    if (name == "not-before") return "not-before: 2025-01-01T00:00:00Z";
    if (name == "not-after") return "not-after: 2047-01-01T00:00:00Z";
    if (name == "ca" && line == "ca: false") return "ca: true\npath-len: 0";
    if (name == "ca") return "ca: false";  // with the path-len line removed below
    if (name == "path-len") return "path-len: 1";
    if (name == "dns") return line + "x";
    if (name == "public-key") return "public-key: " + other_key;
    if (name == "signature") return "signature: " + other_signature;
    return line + "x";
}

TEST(Certificate, EditingAnySingleLineAfterSigningBreaksTheSignature) {
    DemoLikePki pki;
    const std::vector<std::pair<std::string_view, Ed25519PublicKey>> signed_by = {
        {golden_leaf, pki.intermediate_key.public_key()},
        {golden_intermediate, pki.root_key.public_key()},
    };
    for (const auto& [golden, issuer_key] : signed_by) {
        std::string error;
        auto original = parse_certificate(as_bytes(golden), error);
        ASSERT_TRUE(original) << error;
        ASSERT_TRUE(signature_valid(*original, issuer_key));

        const auto lines = split_lines(golden);
        for (std::size_t i = 0; i < lines.size(); ++i) {
            auto edited_lines = lines;
            edited_lines[i] = edited_line(lines[i]);
            if (lines[i] == "ca: true") edited_lines.erase(edited_lines.begin() + static_cast<std::ptrdiff_t>(i + 1));
            const std::string edited = join_lines(edited_lines);
            auto certificate = parse_certificate(as_bytes(edited), error);
            if (i == 0) {  // the header cannot change and still parse
                EXPECT_FALSE(certificate) << lines[i];
                continue;
            }
            ASSERT_TRUE(certificate) << "edit of '" << lines[i] << "' should parse: " << error;
            EXPECT_FALSE(signature_valid(*certificate, issuer_key))
                << "edit of '" << lines[i] << "' kept the signature";
        }
    }
}

TEST(Certificate, AddingOrRemovingADnsLineBreaksTheSignature) {
    DemoLikePki pki;
    std::string error;
    for (const std::string& edited : {insert_line(golden_leaf, 10, "dns: evil.example"), delete_line(golden_leaf, 9)}) {
        auto certificate = parse_certificate(as_bytes(edited), error);
        ASSERT_TRUE(certificate) << error;
        EXPECT_FALSE(signature_valid(*certificate, pki.intermediate_key.public_key()));
    }
}

TEST(Certificate, NoSingleByteChangeBeforeTheSignatureLineSurvives) {
    DemoLikePki pki;
    const std::string golden(golden_leaf);
    const std::size_t signed_end = golden.find("signature: ");
    std::string error;
    for (std::size_t i = 0; i < signed_end; ++i) {
        for (char replacement : {'a', '0', '-', 'Z'}) {
            if (golden[i] == replacement) continue;
            std::string edited = golden;
            edited[i] = replacement;
            auto certificate = parse_certificate(as_bytes(edited), error);
            EXPECT_FALSE(certificate && signature_valid(*certificate, pki.intermediate_key.public_key()))
                << "byte " << i << " changed to '" << replacement << "' still verifies";
        }
    }
}

TEST(Certificate, DescribeSaysEveryFieldInWords) {
    DemoLikePki pki;
    EXPECT_EQ(describe_certificate(pki.leaf),
              "certificate 'localhost'\n"
              "  serial:      3\n"
              "  issued by:   'Test Intermediate CA'\n"
              "  valid from:  2026-01-01T00:00:00Z\n"
              "  valid until: 2046-01-01T00:00:00Z\n"
              "  kind:        end entity (ca: false): may not issue certificates\n"
              "  dns names:   localhost, 127.0.0.1\n"
              "  public key:  7UkoxijRwsbq6QM4kFmVYSlZJzpcY/k2NsFGFKyHN9E= (Ed25519)\n"
              "  signature:   2l7/vn8k2Ko0E1eHtz+n4oCpW1UKDZJGqCPX18/Lf/U4se52X5X90yTChx2XzV17rDOKIFj/SAfBtwcJZARDCg== "
              "(Ed25519)\n"
              "  file:        342 bytes, SHA-256 d300e3d642868e963f8f5905969ebfea7c4021cb81a7d8424afe240d23b463b6\n");
    EXPECT_EQ(describe_certificate(pki.root),
              "certificate 'Test Root CA'\n"
              "  serial:      1\n"
              "  issued by:   itself (self-issued, as a root is); its own key verifies its signature\n"
              "  valid from:  2026-01-01T00:00:00Z\n"
              "  valid until: 2046-01-01T00:00:00Z\n"
              "  kind:        CA: may issue certificates, with at most 1 intermediate CA below it (path-len 1)\n"
              "  dns names:   (none)\n"
              "  public key:  iojj3XQJ8ZX9UtstPLpdcspnCb8dlBIb83SIAbQPb1w= (Ed25519)\n"
              "  signature:   QreSQQT+NNWffyBTjHCH8FYqqlIZnLzdovnlfeLQ/28iT13uNg0u+cwtMLoyfpqPBxxwIVp2f+5Wg3URXLOKCQ== "
              "(Ed25519)\n"
              "  file:        318 bytes, SHA-256 5866e149838b69cb8bcc86a9dfbf6b286442e84f68e12cbd5fd8075a7447c9fb\n");
}
