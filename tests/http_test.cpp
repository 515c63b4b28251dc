// Tests for the HTTP/1.1 request parser, the body discarder and the
// response-head formatter (webserver/http_request.cpp, http_response.cpp).
//
// Most tests are tables in the style of llhttp's test suite: one row per
// case, each with a name that says what it checks. The parser's contract
// (picohttpparser's) is checked on every row: every proper prefix of a
// valid head is "incomplete", and a prefix of an invalid one is either
// "incomplete" or already the same error.
#include <gtest/gtest.h>

#include <cstdlib>
#include <ctime>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "webserver/http_request.hpp"
#include "webserver/http_response.hpp"

namespace webserver {
namespace {

using namespace std::string_view_literals;
using Headers = std::vector<std::pair<std::string, std::string>>;
using Kind = BodyFraming::Kind;
using Status = ParseResult::Status;

// Parses from a heap copy of exactly `input.size()` bytes, so that under
// AddressSanitizer a read past the input is an error, not a read of the
// std::string's terminating NUL.
ParseResult parse_exact(std::string_view input, const HttpLimits& limits, HttpRequest& request,
                        BodyFraming& framing) {
    const auto copy = std::make_unique<char[]>(input.size() + (input.empty() ? 1 : 0));
    std::copy(input.begin(), input.end(), copy.get());
    return parse_request_head(std::string_view(copy.get(), input.size()), limits, request, framing);
}

ParseResult parse_exact(std::string_view input, const HttpLimits& limits = {}) {
    HttpRequest request;
    BodyFraming framing;
    return parse_exact(input, limits, request, framing);
}

// ---------------------------------------------------------------------------
// Valid request heads

struct ValidHead {
    const char* name;
    std::string_view head;  // exactly one request head, nothing after it
    std::string_view method;
    std::string_view target;
    int version_minor;
    Headers headers;
    Kind framing = Kind::none;
    std::uint64_t content_length = 0;
};

const ValidHead kValidHeads[] = {
    {"simple GET", "GET / HTTP/1.1\r\nHost: example.com\r\n\r\n"sv, "GET", "/", 1, {{"Host", "example.com"}}},
    {"HTTP/1.0 needs no Host", "GET /index.html HTTP/1.0\r\n\r\n"sv, "GET", "/index.html", 0, {}},
    {"target kept as sent, percent escapes and query included",
     "GET /a%20b/c.txt?x=1&y=%2F HTTP/1.1\r\nHost: h\r\n\r\n"sv, "GET", "/a%20b/c.txt?x=1&y=%2F", 1,
     {{"Host", "h"}}},
    {"HEAD", "HEAD /file HTTP/1.1\r\nHost: h\r\n\r\n"sv, "HEAD", "/file", 1, {{"Host", "h"}}},
    {"asterisk-form for OPTIONS", "OPTIONS * HTTP/1.1\r\nHost: h\r\n\r\n"sv, "OPTIONS", "*", 1, {{"Host", "h"}}},
    {"any token is a method (the server answers 405 or 501 later)",
     "M-SEARCH /dav HTTP/1.1\r\nHost: h\r\n\r\n"sv, "M-SEARCH", "/dav", 1, {{"Host", "h"}}},
    {"method is case-sensitive and kept as sent", "get / HTTP/1.1\r\nHost: h\r\n\r\n"sv, "get", "/", 1,
     {{"Host", "h"}}},
    {"OWS around values is trimmed, empty value allowed",
     "GET / HTTP/1.1\r\nHost:   h  \r\nX-Empty:\r\nX-Tabs:\t v \t\r\n\r\n"sv, "GET", "/", 1,
     {{"Host", "h"}, {"X-Empty", ""}, {"X-Tabs", "v"}}},
    {"inner whitespace and obs-text (UTF-8) kept in values",
     "GET / HTTP/1.1\r\nHost: h\r\nX-Text: caf\xc3\xa9 au\tlait\r\n\r\n"sv, "GET", "/", 1,
     {{"Host", "h"}, {"X-Text", "caf\xc3\xa9 au\tlait"}}},
    {"field names kept as sent", "GET / HTTP/1.1\r\nhOsT: h\r\nx-ONE: 1\r\n\r\n"sv, "GET", "/", 1,
     {{"hOsT", "h"}, {"x-ONE", "1"}}},
    {"colon inside a value", "GET / HTTP/1.1\r\nHost: h:8080\r\nX-Time: 12:34:56\r\n\r\n"sv, "GET", "/", 1,
     {{"Host", "h:8080"}, {"X-Time", "12:34:56"}}},
    {"bare LF line ends are accepted (RFC 9112 2.2)", "GET / HTTP/1.1\nHost: h\n\n"sv, "GET", "/", 1,
     {{"Host", "h"}}},
    {"mixed CRLF and LF", "GET / HTTP/1.1\r\nHost: h\nX-A: 1\r\n\n"sv, "GET", "/", 1, {{"Host", "h"}, {"X-A", "1"}}},
    {"leading empty lines are skipped and consumed", "\r\n\n\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\n"sv, "GET", "/", 1,
     {{"Host", "h"}}},
    {"empty Host is valid", "GET / HTTP/1.1\r\nHost:\r\n\r\n"sv, "GET", "/", 1, {{"Host", ""}}},
    {"IPv6 literal Host with port", "GET / HTTP/1.1\r\nHost: [::1]:8443\r\n\r\n"sv, "GET", "/", 1,
     {{"Host", "[::1]:8443"}}},
    {"Content-Length body", "POST /upload HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\n"sv, "POST", "/upload", 1,
     {{"Host", "h"}, {"Content-Length", "5"}}, Kind::content_length, 5},
    {"Content-Length 0", "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n\r\n"sv, "POST", "/", 1,
     {{"Host", "h"}, {"Content-Length", "0"}}, Kind::content_length, 0},
    {"Content-Length with leading zeros", "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 007\r\n\r\n"sv, "POST",
     "/", 1, {{"Host", "h"}, {"Content-Length", "007"}}, Kind::content_length, 7},
    {"identical repeated Content-Length fields",
     "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 7\r\ncontent-length: 7\r\n\r\n"sv, "POST", "/", 1,
     {{"Host", "h"}, {"Content-Length", "7"}, {"content-length", "7"}}, Kind::content_length, 7},
    {"identical Content-Length list", "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 7, 7\r\n\r\n"sv, "POST", "/",
     1, {{"Host", "h"}, {"Content-Length", "7, 7"}}, Kind::content_length, 7},
    {"Content-Length exactly at max_body_size",
     "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 1048576\r\n\r\n"sv, "POST", "/", 1,
     {{"Host", "h"}, {"Content-Length", "1048576"}}, Kind::content_length, 1048576},
    {"HTTP/1.0 with Content-Length", "POST / HTTP/1.0\r\nContent-Length: 3\r\n\r\n"sv, "POST", "/", 0,
     {{"Content-Length", "3"}}, Kind::content_length, 3},
    {"chunked", "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"sv, "POST", "/", 1,
     {{"Host", "h"}, {"Transfer-Encoding", "chunked"}}, Kind::chunked},
    {"coding names are case-insensitive", "POST / HTTP/1.1\r\nHost: h\r\ntransfer-encoding: Chunked\r\n\r\n"sv,
     "POST", "/", 1, {{"Host", "h"}, {"transfer-encoding", "Chunked"}}, Kind::chunked},
    {"empty list elements are ignored (RFC 9110 5.6.1)",
     "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: , chunked ,\r\n\r\n"sv, "POST", "/", 1,
     {{"Host", "h"}, {"Transfer-Encoding", ", chunked ,"}}, Kind::chunked},
};

TEST(ParseRequestHead, ValidHeadsParse) {
    for (const ValidHead& row : kValidHeads) {
        SCOPED_TRACE(row.name);
        HttpRequest request;
        BodyFraming framing;
        const ParseResult result = parse_exact(row.head, {}, request, framing);
        ASSERT_EQ(result.status, Status::complete) << result.error_status << " " << result.error_reason;
        EXPECT_EQ(result.consumed, row.head.size());
        EXPECT_EQ(request.method, row.method);
        EXPECT_EQ(request.target, row.target);
        EXPECT_EQ(request.version_minor, row.version_minor);
        EXPECT_EQ(request.headers, row.headers);
        EXPECT_EQ(framing.kind, row.framing);
        EXPECT_EQ(framing.content_length, row.content_length);
    }
}

TEST(ParseRequestHead, EveryProperPrefixOfAValidHeadIsIncomplete) {
    for (const ValidHead& row : kValidHeads) {
        SCOPED_TRACE(row.name);
        for (std::size_t length = 0; length < row.head.size(); ++length) {
            const ParseResult result = parse_exact(row.head.substr(0, length));
            ASSERT_EQ(result.status, Status::incomplete)
                << "prefix of " << length << " bytes: " << result.error_status << " " << result.error_reason;
        }
    }
}

TEST(ParseRequestHead, ConsumedStopsAtTheHeadSoPipelinedBytesFollow) {
    for (const ValidHead& row : kValidHeads) {
        SCOPED_TRACE(row.name);
        const std::string input = std::string(row.head) + "GET /next HTTP/1.1\r\n";
        const ParseResult result = parse_exact(input);
        ASSERT_EQ(result.status, Status::complete);
        EXPECT_EQ(result.consumed, row.head.size());
    }
}

// ---------------------------------------------------------------------------
// Invalid request heads

struct InvalidHead {
    const char* name;
    std::string_view head;
    int status;
};

const InvalidHead kInvalidHeads[] = {
    // Request line (RFC 9112 3)
    {"request line starts with a space", " / HTTP/1.1\r\nHost: h\r\n\r\n"sv, 400},
    {"invalid character in method", "G(ET / HTTP/1.1\r\nHost: h\r\n\r\n"sv, 400},
    {"tab instead of space after method", "GET\t/ HTTP/1.1\r\nHost: h\r\n\r\n"sv, 400},
    {"two spaces after method", "GET  / HTTP/1.1\r\nHost: h\r\n\r\n"sv, 400},
    {"two spaces before version", "GET /  HTTP/1.1\r\nHost: h\r\n\r\n"sv, 400},
    {"space after version", "GET / HTTP/1.1 \r\nHost: h\r\n\r\n"sv, 400},
    {"no version (HTTP/0.9 style)", "GET /\r\n\r\n"sv, 400},
    {"method only", "GET\r\n\r\n"sv, 400},
    {"lowercase protocol name", "GET / http/1.1\r\nHost: h\r\n\r\n"sv, 400},
    {"two-digit minor version", "GET / HTTP/1.10\r\nHost: h\r\n\r\n"sv, 400},
    {"version without dot", "GET / HTTP/11\r\nHost: h\r\n\r\n"sv, 400},
    {"version with letter", "GET / HTTP/1.x\r\nHost: h\r\n\r\n"sv, 400},
    {"target not starting with /", "GET index.html HTTP/1.1\r\nHost: h\r\n\r\n"sv, 400},
    {"absolute-form is refused", "GET http://example.com/ HTTP/1.1\r\nHost: example.com\r\n\r\n"sv, 400},
    {"authority-form (CONNECT) is refused", "CONNECT example.com:443 HTTP/1.1\r\nHost: example.com\r\n\r\n"sv, 400},
    {"asterisk-form only for OPTIONS", "GET * HTTP/1.1\r\nHost: h\r\n\r\n"sv, 400},
    {"control character in target", "GET /a\x01z HTTP/1.1\r\nHost: h\r\n\r\n"sv, 400},
    {"DEL in target", "GET /a\x7fz HTTP/1.1\r\nHost: h\r\n\r\n"sv, 400},
    {"non-ASCII byte in target", "GET /caf\xc3\xa9 HTTP/1.1\r\nHost: h\r\n\r\n"sv, 400},
    {"NUL in target", "GET /a\0z HTTP/1.1\r\nHost: h\r\n\r\n"sv, 400},
    {"TLS ClientHello on the plain port", "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\n"sv, 400},
    {"HTTP/2.0", "GET / HTTP/2.0\r\nHost: h\r\n\r\n"sv, 505},
    {"HTTP/1.2", "GET / HTTP/1.2\r\nHost: h\r\n\r\n"sv, 505},
    {"HTTP/0.9 with version", "GET / HTTP/0.9\r\n\r\n"sv, 505},
    {"HTTP/3.0", "GET / HTTP/3.0\r\nHost: h\r\n\r\n"sv, 505},
    // Line ends (RFC 9112 2.2)
    {"bare CR ends the request line", "GET / HTTP/1.1\rHost: h\r\n\r\n"sv, 400},
    {"bare CR inside a field value", "GET / HTTP/1.1\r\nHost: h\r\nX-A: b\rc\r\n\r\n"sv, 400},
    {"bare CR before the request line", "\rGET / HTTP/1.1\r\nHost: h\r\n\r\n"sv, 400},
    {"CR CR LF", "GET / HTTP/1.1\r\r\nHost: h\r\n\r\n"sv, 400},
    {"bare CR as the final empty line", "GET / HTTP/1.1\r\nHost: h\r\n\r\r\n"sv, 400},
    // Field lines (RFC 9112 5)
    {"space between name and colon", "GET / HTTP/1.1\r\nHost : h\r\n\r\n"sv, 400},
    {"tab between name and colon", "GET / HTTP/1.1\r\nHost\t: h\r\n\r\n"sv, 400},
    {"obs-fold continuation line", "GET / HTTP/1.1\r\nHost: h\r\nX-A: b\r\n  continued\r\n\r\n"sv, 400},
    {"tab-folded continuation line", "GET / HTTP/1.1\r\nHost: h\r\nX-A: b\r\n\tcontinued\r\n\r\n"sv, 400},
    {"whitespace line before the first field", "GET / HTTP/1.1\r\n Host: h\r\n\r\n"sv, 400},
    {"field line without colon", "GET / HTTP/1.1\r\nHost h\r\n\r\n"sv, 400},
    {"empty field name", "GET / HTTP/1.1\r\nHost: h\r\n: value\r\n\r\n"sv, 400},
    {"invalid character in field name", "GET / HTTP/1.1\r\nHost: h\r\nX(A): b\r\n\r\n"sv, 400},
    {"non-ASCII field name", "GET / HTTP/1.1\r\nHost: h\r\nX-\xc3\xa9: b\r\n\r\n"sv, 400},
    {"control character in value", "GET / HTTP/1.1\r\nHost: h\r\nX-A: a\x01z\r\n\r\n"sv, 400},
    {"NUL in value", "GET / HTTP/1.1\r\nHost: h\r\nX-A: a\0z\r\n\r\n"sv, 400},
    {"DEL in value", "GET / HTTP/1.1\r\nHost: h\r\nX-A: a\x7fz\r\n\r\n"sv, 400},
    // Host (RFC 9112 3.2)
    {"HTTP/1.1 without Host", "GET / HTTP/1.1\r\nAccept: */*\r\n\r\n"sv, 400},
    {"two Host fields", "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"sv, 400},
    {"two Host fields in HTTP/1.0", "GET / HTTP/1.0\r\nHost: a\r\nhost: a\r\n\r\n"sv, 400},
    {"Host with a space", "GET / HTTP/1.1\r\nHost: a b\r\n\r\n"sv, 400},
    {"Host with a path", "GET / HTTP/1.1\r\nHost: a/b\r\n\r\n"sv, 400},
    // Body framing (RFC 9112 6)
    {"Transfer-Encoding and Content-Length",
     "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n"sv, 400},
    {"Content-Length and Transfer-Encoding",
     "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n"sv, 400},
    {"final coding not chunked", "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip\r\n\r\n"sv, 400},
    {"chunked not last", "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked, gzip\r\n\r\n"sv, 400},
    {"chunked twice in a list", "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked, chunked\r\n\r\n"sv, 400},
    {"chunked twice in two fields",
     "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n"sv, 400},
    {"empty Transfer-Encoding", "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: \r\n\r\n"sv, 400},
    {"coding that is not a token", "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: g(zip), chunked\r\n\r\n"sv, 400},
    {"Transfer-Encoding in HTTP/1.0", "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n"sv, 400},
    {"unimplemented coding before chunked", "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"sv,
     501},
    {"unimplemented coding in an earlier field",
     "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: deflate\r\nTransfer-Encoding: chunked\r\n\r\n"sv, 501},
    {"differing Content-Length fields",
     "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n"sv, 400},
    {"differing Content-Length list", "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5, 6\r\n\r\n"sv, 400},
    {"Content-Length list with an empty element", "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5,\r\n\r\n"sv, 400},
    {"empty Content-Length", "POST / HTTP/1.1\r\nHost: h\r\nContent-Length:\r\n\r\n"sv, 400},
    {"non-digit Content-Length", "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: abc\r\n\r\n"sv, 400},
    {"negative Content-Length", "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: -1\r\n\r\n"sv, 400},
    {"Content-Length with plus sign", "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: +5\r\n\r\n"sv, 400},
    {"hex Content-Length", "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 0x10\r\n\r\n"sv, 400},
    {"Content-Length with inner space", "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 1 2\r\n\r\n"sv, 400},
    {"Content-Length overflowing 64 bits",
     "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 18446744073709551616\r\n\r\n"sv, 400},
    {"Content-Length one over max_body_size", "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 1048577\r\n\r\n"sv,
     413},
    {"largest 64-bit Content-Length", "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 18446744073709551615\r\n\r\n"sv,
     413},
};

TEST(ParseRequestHead, InvalidHeadsAreRefusedWithTheRightStatus) {
    for (const InvalidHead& row : kInvalidHeads) {
        SCOPED_TRACE(row.name);
        const ParseResult result = parse_exact(row.head);
        ASSERT_EQ(result.status, Status::error);
        EXPECT_EQ(result.error_status, row.status) << result.error_reason;
        EXPECT_FALSE(result.error_reason.empty());
    }
}

// A prefix may not yet show the error, but may never show another one:
// the answer must not depend on how the bytes were split into reads.
TEST(ParseRequestHead, PrefixesOfAnInvalidHeadAreIncompleteOrTheSameError) {
    for (const InvalidHead& row : kInvalidHeads) {
        SCOPED_TRACE(row.name);
        for (std::size_t length = 0; length < row.head.size(); ++length) {
            const ParseResult result = parse_exact(row.head.substr(0, length));
            if (result.status == Status::incomplete) continue;
            ASSERT_EQ(result.status, Status::error) << "prefix of " << length << " bytes";
            ASSERT_EQ(result.error_status, row.status) << "prefix of " << length << " bytes";
        }
    }
}

TEST(ParseRequestHead, GarbageIsRefusedBeforeALineEndArrives) {
    // Three bytes of a TLS record header are enough to know.
    EXPECT_EQ(parse_exact("\x16\x03\x01"sv).error_status, 400);
    EXPECT_EQ(parse_exact("GET / HTTP/1.1\rX"sv).error_status, 400);
    EXPECT_EQ(parse_exact("GET / HTTP/1.1\r\nHost: h\r\nX-A: b\rc"sv).error_status, 400);
    // A lone CR at the end might still become an empty line.
    EXPECT_EQ(parse_exact("\r"sv).status, Status::incomplete);
    EXPECT_EQ(parse_exact("\r\n\r"sv).status, Status::incomplete);
}

TEST(ParseRequestHead, NothingIsFilledInUnlessComplete) {
    HttpRequest request;
    request.method = "KEEP";
    BodyFraming framing{Kind::content_length, 42};
    EXPECT_EQ(parse_request_head("GET / HTTP/1.1\r\n", {}, request, framing).status, Status::incomplete);
    EXPECT_EQ(request.method, "KEEP");
    EXPECT_EQ(parse_request_head("GET / HTTP/1.1\r\n\r\n", {}, request, framing).status, Status::error);
    EXPECT_EQ(request.method, "KEEP");
    EXPECT_EQ(parse_request_head("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip\r\n\r\n", {}, request,
                                 framing)
                  .status,
              Status::error);
    EXPECT_EQ(request.method, "KEEP");
    EXPECT_EQ(framing.kind, Kind::content_length);
    EXPECT_EQ(framing.content_length, 42U);
}

// ---------------------------------------------------------------------------
// Limits: exactly at the limit is accepted, one byte over is refused, and
// the refusal comes as soon as the buffered bytes pass the limit.

HttpLimits small_limits() {
    HttpLimits limits;
    limits.max_request_line = 32;
    limits.max_header_section = 128;
    limits.max_header_count = 3;
    limits.max_body_size = 100;
    return limits;
}

// "GET /aaaa...a HTTP/1.1" of exactly `length` bytes.
std::string request_line_of_length(std::size_t length) {
    const std::string fixed = "GET / HTTP/1.1";
    return "GET /" + std::string(length - fixed.size(), 'a') + " HTTP/1.1";
}

TEST(Limits, RequestLineAtTheLimitIsAccepted) {
    const HttpLimits limits = small_limits();
    const std::string line = request_line_of_length(limits.max_request_line);
    ASSERT_EQ(line.size(), 32U);
    EXPECT_EQ(parse_exact(line + "\r\nHost: h\r\n\r\n", limits).status, Status::complete);
    EXPECT_EQ(parse_exact(line + "\nHost: h\n\n", limits).status, Status::complete);
    // Up to the full line and its CR, the parser waits for more.
    EXPECT_EQ(parse_exact(line, limits).status, Status::incomplete);
    EXPECT_EQ(parse_exact(line + "\r", limits).status, Status::incomplete);
}

TEST(Limits, RequestLineOneByteOverIsRefusedWith414) {
    const HttpLimits limits = small_limits();
    const std::string line = request_line_of_length(limits.max_request_line + 1);
    EXPECT_EQ(parse_exact(line + "\r\nHost: h\r\n\r\n", limits).error_status, 414);
    // Without waiting for the line end.
    EXPECT_EQ(parse_exact(line, limits).error_status, 414);
    EXPECT_EQ(parse_exact(std::string(limits.max_request_line + 1, 'A'), limits).error_status, 414);
    // Leading empty lines do not count against the request line.
    EXPECT_EQ(parse_exact("\r\n\r\n" + request_line_of_length(32) + "\r\nHost: h\r\n\r\n", limits).status,
              Status::complete);
}

// A head of exactly `size` bytes: request line, Host, one padding field.
std::string head_of_size(std::size_t size) {
    const std::string start = "GET / HTTP/1.1\r\nHost: h\r\nX-Pad: ";
    const std::string end = "\r\n\r\n";
    return start + std::string(size - start.size() - end.size(), 'p') + end;
}

TEST(Limits, HeaderSectionAtTheLimitIsAccepted) {
    const HttpLimits limits = small_limits();
    const std::string head = head_of_size(limits.max_header_section);
    const ParseResult result = parse_exact(head + "GET /next", limits);
    ASSERT_EQ(result.status, Status::complete);
    EXPECT_EQ(result.consumed, limits.max_header_section);
}

TEST(Limits, HeaderSectionOneByteOverIsRefusedWith431) {
    const HttpLimits limits = small_limits();
    const std::string head = head_of_size(limits.max_header_section + 1);
    EXPECT_EQ(parse_exact(head, limits).error_status, 431);
    // As soon as one byte past the limit is buffered without the head's end.
    EXPECT_EQ(parse_exact(head.substr(0, limits.max_header_section), limits).status, Status::incomplete);
    EXPECT_EQ(parse_exact(head.substr(0, limits.max_header_section + 1), limits).error_status, 431);
    // Leading empty lines count: they are part of what the server buffers.
    EXPECT_EQ(parse_exact("\r\n" + head_of_size(limits.max_header_section - 1), limits).error_status, 431);
    EXPECT_EQ(parse_exact("\r\n" + head_of_size(limits.max_header_section - 2), limits).status, Status::complete);
    // An endless stream of empty lines is refused too.
    EXPECT_EQ(parse_exact(std::string(200, '\n'), limits).error_status, 431);
}

TEST(Limits, HeaderCountAtTheLimitIsAcceptedAndOneOverIsRefusedWith431) {
    const HttpLimits limits = small_limits();
    EXPECT_EQ(parse_exact("GET / HTTP/1.1\r\nHost: h\r\nA: 1\r\nB: 2\r\n\r\n", limits).status, Status::complete);
    EXPECT_EQ(parse_exact("GET / HTTP/1.1\r\nHost: h\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n", limits).error_status, 431);
    // Refused once the extra field line is in, before the head ends.
    EXPECT_EQ(parse_exact("GET / HTTP/1.1\r\nHost: h\r\nA: 1\r\nB: 2\r\nC: 3\r\n", limits).error_status, 431);
}

TEST(Limits, ContentLengthAgainstMaxBodySize) {
    HttpLimits limits = small_limits();
    EXPECT_EQ(parse_exact("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 100\r\n\r\n", limits).status,
              Status::complete);
    EXPECT_EQ(parse_exact("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 101\r\n\r\n", limits).error_status, 413);
    limits.max_body_size = 0;  // no limit
    EXPECT_EQ(parse_exact("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 18446744073709551615\r\n\r\n", limits).status,
              Status::complete);
}

// ---------------------------------------------------------------------------
// HttpRequest helpers

HttpRequest parse_ok(std::string_view head) {
    HttpRequest request;
    BodyFraming framing;
    const ParseResult result = parse_exact(head, {}, request, framing);
    EXPECT_EQ(result.status, Status::complete) << head << ": " << result.error_reason;
    return request;
}

TEST(HttpRequest, HeaderLookupIsCaseInsensitiveAndReturnsTheFirst) {
    const HttpRequest request = parse_ok("GET / HTTP/1.1\r\nHost: h\r\nX-Dup: one\r\nx-dup: two\r\n\r\n");
    EXPECT_EQ(request.header("host"), "h");
    EXPECT_EQ(request.header("HOST"), "h");
    EXPECT_EQ(request.header("X-DUP"), "one");
    EXPECT_EQ(request.header("Accept"), std::nullopt);
    EXPECT_EQ(request.header("Hos"), std::nullopt);
}

struct KeepAliveRow {
    const char* name;
    std::string_view head;
    bool keep_alive;
};

const KeepAliveRow kKeepAliveRows[] = {
    {"HTTP/1.1 persists by default", "GET / HTTP/1.1\r\nHost: h\r\n\r\n", true},
    {"HTTP/1.1 with close", "GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n", false},
    {"close is case-insensitive", "GET / HTTP/1.1\r\nHost: h\r\nConnection: ClOsE\r\n\r\n", false},
    {"close anywhere in the list", "GET / HTTP/1.1\r\nHost: h\r\nConnection: keep-alive, close\r\n\r\n", false},
    {"close with odd spacing", "GET / HTTP/1.1\r\nHost: h\r\nConnection: upgrade ,CLOSE \r\n\r\n", false},
    {"close in a second Connection field",
     "GET / HTTP/1.1\r\nHost: h\r\nConnection: te\r\nconnection: close\r\n\r\n", false},
    {"a token that only contains close", "GET / HTTP/1.1\r\nHost: h\r\nConnection: closed\r\n\r\n", true},
    {"HTTP/1.1 with keep-alive", "GET / HTTP/1.1\r\nHost: h\r\nConnection: keep-alive\r\n\r\n", true},
    {"HTTP/1.0 closes by default", "GET / HTTP/1.0\r\n\r\n", false},
    {"HTTP/1.0 with keep-alive", "GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n", true},
    {"HTTP/1.0 with keep-alive in a list", "GET / HTTP/1.0\r\nConnection: foo, keep-alive\r\n\r\n", true},
    {"HTTP/1.0 with keep-alive and close", "GET / HTTP/1.0\r\nConnection: keep-alive, close\r\n\r\n", false},
    {"HTTP/1.0 with a token that only contains keep-alive",
     "GET / HTTP/1.0\r\nConnection: keep-alive-please\r\n\r\n", false},
    {"Keep-Alive field is not Connection", "GET / HTTP/1.0\r\nKeep-Alive: timeout=5\r\n\r\n", false},
};

TEST(HttpRequest, KeepAliveFollowsRfc9112Section9_3) {
    for (const KeepAliveRow& row : kKeepAliveRows) {
        SCOPED_TRACE(row.name);
        EXPECT_EQ(parse_ok(row.head).keep_alive(), row.keep_alive);
    }
}

// ---------------------------------------------------------------------------
// BodyDiscarder

struct DiscardOutcome {
    std::size_t consumed = 0;
    bool done = false;
    int error = 0;
};

// Offers the pieces one after the other, the way a connection would:
// bytes one call leaves unconsumed are offered again with the next piece.
// Stops once the body is done or refused.
DiscardOutcome discard(BodyFraming framing, std::uint64_t max_body_size, const std::vector<std::string_view>& pieces) {
    BodyDiscarder discarder(framing, max_body_size);
    DiscardOutcome outcome;
    std::string buffer;
    for (std::string_view piece : pieces) {
        if (discarder.done() || discarder.error() != 0) break;
        buffer += piece;
        const std::size_t used = discarder.consume(buffer);
        EXPECT_LE(used, buffer.size());
        outcome.consumed += used;
        buffer.erase(0, used);
    }
    outcome.done = discarder.done();
    outcome.error = discarder.error();
    return outcome;
}

BodyFraming chunked() { return {Kind::chunked, 0}; }

struct ChunkedRow {
    const char* name;
    std::string body;
    int error;  // 0: valid
};

const ChunkedRow kChunkedRows[] = {
    {"only the last chunk", "0\r\n\r\n", 0},
    {"one chunk", "5\r\nhello\r\n0\r\n\r\n", 0},
    {"several chunks, upper- and lowercase hex", "A\r\n0123456789\r\na\r\nabcdefghij\r\n1\r\n!\r\n0\r\n\r\n", 0},
    {"leading zeros", "0005\r\nhello\r\n000\r\n\r\n", 0},
    {"chunk extensions", "5;name\r\nhello\r\n3;a=b;c=\"q;x\"\r\nabc\r\n0;last\r\n\r\n", 0},
    {"extensions with BWS", "5 ; a = b\t;c\r\nhello\r\n0\r\n\r\n", 0},
    {"quoted-pair in an extension", "5;a=\"x\\\"y\"\r\nhello\r\n0\r\n\r\n", 0},
    {"trailer fields", "5\r\nhello\r\n0\r\nX-Checksum: abc\r\nX-Other: 1\r\n\r\n", 0},
    {"bare LF line ends", "5\nhello\n0\n\n", 0},
    {"CR LF bytes inside chunk data", "4\r\n\r\n\r\n\r\n0\r\n\r\n", 0},
    {"exactly max_body_size (100)", "64\r\n" + std::string(100, 'x') + "\r\n0\r\n\r\n", 0},
    {"no hex digits", "x\r\n", 400},
    {"empty size line", "\r\n", 400},
    {"negative size", "-5\r\nhello\r\n0\r\n\r\n", 400},
    {"space after size without extension", "5 \r\nhello\r\n0\r\n\r\n", 400},
    {"size over 64 bits", "10000000000000000\r\n", 400},
    {"empty extension name", "5;\r\nhello\r\n0\r\n\r\n", 400},
    {"whitespace after the last extension", "5;a \r\nhello\r\n0\r\n\r\n", 400},
    {"extension without value after =", "5;a=\r\nhello\r\n0\r\n\r\n", 400},
    {"unterminated quoted string", "5;a=\"xy\r\nhello\r\n0\r\n\r\n", 400},
    {"chunk data longer than its size", "5\r\nhello!\r\n0\r\n\r\n", 400},
    {"CR after chunk data not followed by LF", "5\r\nhello\rX", 400},
    {"bare CR in the size line", "5\rX\nhello\r\n0\r\n\r\n", 400},
    {"bare CR in a trailer", "0\r\nX-A: b\rc\r\n\r\n", 400},
    {"invalid trailer field", "0\r\nX Bad: v\r\n\r\n", 400},
    {"obs-fold in the trailer", "0\r\nX-A: b\r\n c\r\n\r\n", 400},
    {"one chunk over max_body_size", "65\r\n", 413},
    {"chunks adding up to more than max_body_size",
     "32\r\n" + std::string(50, 'x') + "\r\n33\r\n" + std::string(51, 'y') + "\r\n0\r\n\r\n", 413},
};

constexpr std::uint64_t kChunkedMaxBody = 100;

TEST(BodyDiscarder, ChunkedBodiesInOnePiece) {
    for (const ChunkedRow& row : kChunkedRows) {
        SCOPED_TRACE(row.name);
        const std::string& body = row.body;
        const std::string stream = body + "GET /next HTTP/1.1\r\n";
        const DiscardOutcome outcome = discard(chunked(), kChunkedMaxBody, {stream});
        EXPECT_EQ(outcome.error, row.error);
        if (row.error == 0) {
            EXPECT_TRUE(outcome.done);
            EXPECT_EQ(outcome.consumed, body.size()) << "must stop exactly at the end of the body";
        } else {
            EXPECT_FALSE(outcome.done);
        }
    }
}

TEST(BodyDiscarder, ChunkedBodiesUnderEverySplit) {
    for (const ChunkedRow& row : kChunkedRows) {
        SCOPED_TRACE(row.name);
        const std::string& body = row.body;
        const std::string stream = body + "GET /next HTTP/1.1\r\n";
        for (std::size_t split = 0; split <= stream.size(); ++split) {
            const std::string_view view = stream;
            const DiscardOutcome outcome = discard(chunked(), kChunkedMaxBody, {view.substr(0, split), view.substr(split)});
            ASSERT_EQ(outcome.error, row.error) << "split at " << split;
            if (row.error == 0) {
                ASSERT_TRUE(outcome.done) << "split at " << split;
                ASSERT_EQ(outcome.consumed, body.size()) << "split at " << split;
            }
        }
        std::vector<std::string_view> bytes;
        for (std::size_t i = 0; i < stream.size(); ++i) bytes.push_back(std::string_view(stream).substr(i, 1));
        const DiscardOutcome outcome = discard(chunked(), kChunkedMaxBody, bytes);
        EXPECT_EQ(outcome.error, row.error) << "one byte at a time";
        if (row.error == 0) {
            EXPECT_EQ(outcome.consumed, body.size()) << "one byte at a time";
        }
    }
}

// The chunk-size line and the trailer section have fixed limits in
// http_request.cpp (4096 and 16384 bytes, line ends not counted).
TEST(BodyDiscarder, ChunkSizeLineLimit) {
    const std::string at_limit = "1;" + std::string(4094, 'x');
    EXPECT_EQ(discard(chunked(), 0, {at_limit + "\r\nz\r\n0\r\n\r\n"}).error, 0);
    EXPECT_EQ(discard(chunked(), 0, {at_limit + "\nz\n0\n\n"}).error, 0);
    EXPECT_EQ(discard(chunked(), 0, {at_limit + "x\r\nz\r\n0\r\n\r\n"}).error, 400);
    EXPECT_EQ(discard(chunked(), 0, {at_limit + "x\nz\n0\n\n"}).error, 400);
    // Refused without waiting for a line end.
    EXPECT_EQ(discard(chunked(), 0, {at_limit + "xx"}).error, 400);
}

TEST(BodyDiscarder, TrailerSectionLimit) {
    // Two trailer lines of 8192 bytes each: 16384 in all.
    const std::string line = "X-Pad: " + std::string(8192 - 7, 'p');
    EXPECT_EQ(discard(chunked(), 0, {"0\r\n" + line + "\r\n" + line + "\r\n\r\n"}).error, 0);
    EXPECT_EQ(discard(chunked(), 0, {"0\n" + line + "\n" + line + "\n\n"}).error, 0);
    EXPECT_EQ(discard(chunked(), 0, {"0\r\n" + line + "\r\n" + line + "p\r\n\r\n"}).error, 400);
    EXPECT_EQ(discard(chunked(), 0, {"0\n" + line + "\n" + line + "p\n\n"}).error, 400);
}

TEST(BodyDiscarder, ContentLengthBodiesUnderEverySplit) {
    const std::string stream = "hello worldGET /next HTTP/1.1\r\n";
    for (std::size_t split = 0; split <= stream.size(); ++split) {
        const std::string_view view = stream;
        const DiscardOutcome outcome =
            discard({Kind::content_length, 11}, 100, {view.substr(0, split), view.substr(split)});
        ASSERT_TRUE(outcome.done) << "split at " << split;
        ASSERT_EQ(outcome.consumed, 11U) << "split at " << split;
        ASSERT_EQ(outcome.error, 0);
    }
}

TEST(BodyDiscarder, NoBodyAndEmptyBodyAreDoneAtOnce) {
    BodyDiscarder none({Kind::none, 0}, 100);
    EXPECT_TRUE(none.done());
    EXPECT_EQ(none.consume("GET / HTTP/1.1\r\n"), 0U);
    BodyDiscarder empty({Kind::content_length, 0}, 100);
    EXPECT_TRUE(empty.done());
    EXPECT_EQ(empty.consume("GET / HTTP/1.1\r\n"), 0U);
}

TEST(BodyDiscarder, ContentLengthOverTheLimitIsRefusedAtOnce) {
    BodyDiscarder over({Kind::content_length, 101}, 100);
    EXPECT_EQ(over.error(), 413);
    EXPECT_FALSE(over.done());
    BodyDiscarder unlimited({Kind::content_length, 101}, 0);
    EXPECT_EQ(unlimited.error(), 0);
    EXPECT_EQ(unlimited.consume(std::string(101, 'x')), 101U);
    EXPECT_TRUE(unlimited.done());
}

// ---------------------------------------------------------------------------
// A pipelined connection: heads and bodies back to back, parsed the way
// the server does it, under every way the stream can arrive in two reads,
// and one byte at a time.

class PipelinedConnection {
public:
    explicit PipelinedConnection(HttpLimits limits) : limits_(limits) {}

    void receive(std::string_view bytes) {
        buffer_ += bytes;
        while (error_ == 0) {
            if (body_) {
                buffer_.erase(0, body_->consume(buffer_));
                if (body_->error() != 0) error_ = body_->error();
                if (!body_->done()) return;
                body_.reset();
                continue;
            }
            HttpRequest request;
            BodyFraming framing;
            const ParseResult result = parse_request_head(buffer_, limits_, request, framing);
            if (result.status == Status::incomplete) return;
            if (result.status == Status::error) {
                error_ = result.error_status;
                return;
            }
            buffer_.erase(0, result.consumed);
            log_.push_back(request.method + " " + request.target + " HTTP/1." + std::to_string(request.version_minor) +
                           describe(framing) + (request.keep_alive() ? " keep-alive" : " close"));
            body_.emplace(framing, limits_.max_body_size);
        }
    }

    const std::vector<std::string>& log() const { return log_; }
    bool idle() const { return buffer_.empty() && !body_ && error_ == 0; }

private:
    static std::string describe(const BodyFraming& framing) {
        switch (framing.kind) {
        case Kind::none: return "";
        case Kind::content_length: return " length=" + std::to_string(framing.content_length);
        case Kind::chunked: return " chunked";
        }
        return "";
    }

    HttpLimits limits_;
    std::string buffer_;
    std::optional<BodyDiscarder> body_;
    std::vector<std::string> log_;
    int error_ = 0;
};

const std::string kPipelinedStream =
    "GET /first HTTP/1.1\r\nHost: h\r\n\r\n"
    "POST /form HTTP/1.1\r\nHost: h\r\nContent-Length: 11\r\n\r\nhello world"
    "PUT /chunked HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
    "5;name=value\r\nhello\r\n1A\r\nabcdefghijklmnopqrstuvwxyz\r\n0\r\nX-Trailer: t\r\n\r\n"
    "\r\nGET /after-an-empty-line HTTP/1.1\r\nHost: h\r\n\r\n"
    "POST /empty HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n\r\n"
    "POST /body-looks-like-a-request HTTP/1.1\r\nHost: h\r\nContent-Length: 18\r\n\r\nGET /x HTTP/1.1\r\n\r\n"
    "GET /last HTTP/1.0\r\nConnection: keep-alive\r\n\r\n";

const std::vector<std::string> kPipelinedLog = {
    "GET /first HTTP/1.1 keep-alive",
    "POST /form HTTP/1.1 length=11 keep-alive",
    "PUT /chunked HTTP/1.1 chunked keep-alive",
    "GET /after-an-empty-line HTTP/1.1 keep-alive",
    "POST /empty HTTP/1.1 length=0 keep-alive",
    "POST /body-looks-like-a-request HTTP/1.1 length=18 keep-alive",
    "GET /last HTTP/1.0 keep-alive",
};

TEST(Pipelining, WholeStreamAtOnce) {
    PipelinedConnection connection{HttpLimits{}};
    connection.receive(kPipelinedStream);
    EXPECT_EQ(connection.log(), kPipelinedLog);
    EXPECT_TRUE(connection.idle());
}

TEST(Pipelining, EveryTwoPieceSplit) {
    const std::string_view stream = kPipelinedStream;
    for (std::size_t split = 0; split <= stream.size(); ++split) {
        PipelinedConnection connection{HttpLimits{}};
        connection.receive(stream.substr(0, split));
        connection.receive(stream.substr(split));
        ASSERT_EQ(connection.log(), kPipelinedLog) << "split at " << split;
        ASSERT_TRUE(connection.idle()) << "split at " << split;
    }
}

TEST(Pipelining, OneByteAtATime) {
    PipelinedConnection connection{HttpLimits{}};
    for (char c : kPipelinedStream) connection.receive(std::string_view(&c, 1));
    EXPECT_EQ(connection.log(), kPipelinedLog);
    EXPECT_TRUE(connection.idle());
}

// ---------------------------------------------------------------------------
// Dates (RFC 9110 5.6.7)

TEST(HttpDate, KnownExamples) {
    EXPECT_EQ(format_http_date(784111777), "Sun, 06 Nov 1994 08:49:37 GMT");  // RFC 9110's own example
    EXPECT_EQ(parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"), std::time_t{784111777});
    EXPECT_EQ(format_http_date(0), "Thu, 01 Jan 1970 00:00:00 GMT");
    EXPECT_EQ(format_http_date(-1), "Wed, 31 Dec 1969 23:59:59 GMT");
    EXPECT_EQ(format_http_date(951782400), "Tue, 29 Feb 2000 00:00:00 GMT");
    EXPECT_EQ(format_http_date(2147483648), "Tue, 19 Jan 2038 03:14:08 GMT");  // past 32-bit time_t
    EXPECT_EQ(format_http_date(4107542400), "Mon, 01 Mar 2100 00:00:00 GMT");  // 2100 is not a leap year
    EXPECT_EQ(parse_http_date("Thu, 01 Jan 1970 00:00:00 GMT"), std::time_t{0});
    EXPECT_EQ(parse_http_date("Wed, 31 Dec 1969 23:59:59 GMT"), std::time_t{-1});
    EXPECT_EQ(parse_http_date("Tue, 29 Feb 2000 00:00:00 GMT"), std::time_t{951782400});
}

// gmtime_r as the reference, over 1900..9999 in uneven steps.
TEST(HttpDate, AgreesWithGmtimeAndRoundTrips) {
    constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                       "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    int checked = 0;
    for (std::int64_t t = -2208988800; t <= 253402300799; t += 86400 * 29 + 3607) {
        const auto time = static_cast<std::time_t>(t);
        std::tm tm{};
        ASSERT_NE(gmtime_r(&time, &tm), nullptr);
        char expected[64];
        std::snprintf(expected, sizeof expected, "%s, %02d %s %04d %02d:%02d:%02d GMT", kDays[tm.tm_wday], tm.tm_mday,
                      kMonths[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
        const std::string formatted = format_http_date(time);
        ASSERT_EQ(formatted, expected) << "t=" << t;
        ASSERT_EQ(parse_http_date(formatted), time) << formatted;
        ++checked;
    }
    EXPECT_GT(checked, 100000);
}

TEST(HttpDate, DoesNotDependOnTheTimeZone) {
    const char* old = std::getenv("TZ");
    const std::string saved = old ? old : "";
    setenv("TZ", "America/New_York", 1);
    tzset();
    const std::string formatted = format_http_date(784111777);
    const std::optional<std::time_t> parsed = parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT");
    if (old) {
        setenv("TZ", saved.c_str(), 1);
    } else {
        unsetenv("TZ");
    }
    tzset();
    EXPECT_EQ(formatted, "Sun, 06 Nov 1994 08:49:37 GMT");
    EXPECT_EQ(parsed, std::time_t{784111777});
}

struct BadDateRow {
    const char* name;
    std::string_view text;
};

const BadDateRow kBadDates[] = {
    {"empty", ""},
    {"trailing space", "Sun, 06 Nov 1994 08:49:37 GMT "},
    {"leading space", " Sun, 06 Nov 1994 08:49:37 GMT"},
    {"one-digit day", "Sun, 6 Nov 1994 08:49:37 GMT"},
    {"double space", "Sun,  06 Nov 1994 08:49:37 GMT"},
    {"rfc850-date (obsolete, not accepted)", "Sunday, 06-Nov-94 08:49:37 GMT"},
    {"asctime-date (obsolete, not accepted)", "Sun Nov  6 08:49:37 1994"},
    {"wrong day name for the date", "Mon, 06 Nov 1994 08:49:37 GMT"},
    {"lowercase day name", "sun, 06 Nov 1994 08:49:37 GMT"},
    {"lowercase month", "Sun, 06 nov 1994 08:49:37 GMT"},
    {"unknown month", "Sun, 06 Nob 1994 08:49:37 GMT"},
    {"UTC instead of GMT", "Sun, 06 Nov 1994 08:49:37 UTC"},
    {"hour 24", "Mon, 07 Nov 1994 24:00:00 GMT"},
    {"minute 60", "Sun, 06 Nov 1994 08:60:00 GMT"},
    {"leap second", "Sun, 06 Nov 1994 08:49:60 GMT"},
    {"day 0", "Sun, 00 Nov 1994 08:49:37 GMT"},
    {"November 31", "Thu, 31 Nov 1994 08:49:37 GMT"},
    {"February 29 in 1900", "Thu, 29 Feb 1900 00:00:00 GMT"},
    {"February 29 in 2100", "Sat, 29 Feb 2100 00:00:00 GMT"},
    {"February 30", "Wed, 30 Feb 2000 00:00:00 GMT"},
    {"letter in the seconds", "Sun, 06 Nov 1994 08:49:3a GMT"},
    {"sign in the day", "Sun, +6 Nov 1994 08:49:37 GMT"},
    {"missing comma", "Sun  06 Nov 1994 08:49:37 GMT"},
    {"NUL inside", "Sun, 06 Nov 1994 08:49:37\0GMT"sv},
};

TEST(HttpDate, InvalidDatesAreRejected) {
    for (const BadDateRow& row : kBadDates) {
        SCOPED_TRACE(row.name);
        EXPECT_EQ(parse_http_date(row.text), std::nullopt);
    }
}

// ---------------------------------------------------------------------------
// Response heads

TEST(ResponseHead, ExactBytesForASample) {
    HttpResponse response;
    response.status = 200;
    response.headers = {{"Content-Type", "text/html; charset=utf-8"}, {"Last-Modified", "Thu, 01 Jan 1970 00:00:00 GMT"}};
    response.body = "hello";
    EXPECT_EQ(format_response_head(response, true, 784111777),
              "HTTP/1.1 200 OK\r\n"
              "Date: Sun, 06 Nov 1994 08:49:37 GMT\r\n"
              "Server: toytls-server\r\n"
              "Content-Type: text/html; charset=utf-8\r\n"
              "Last-Modified: Thu, 01 Jan 1970 00:00:00 GMT\r\n"
              "Content-Length: 5\r\n"
              "Connection: keep-alive\r\n"
              "\r\n");
}

TEST(ResponseHead, NotModifiedHasNoContentLength) {
    HttpResponse response;
    response.status = 304;
    response.headers = {{"ETag", "\"abc\""}};
    EXPECT_EQ(format_response_head(response, false, 0),
              "HTTP/1.1 304 Not Modified\r\n"
              "Date: Thu, 01 Jan 1970 00:00:00 GMT\r\n"
              "Server: toytls-server\r\n"
              "ETag: \"abc\"\r\n"
              "Connection: close\r\n"
              "\r\n");
}

TEST(ResponseHead, NoContentAndInformationalHaveNoContentLength) {
    for (int status : {100, 101, 204}) {
        HttpResponse response;
        response.status = status;
        EXPECT_EQ(format_response_head(response, true, 0).find("Content-Length"), std::string::npos) << status;
    }
}

TEST(ResponseHead, FileBodyLengthIsTheContentLength) {
    HttpResponse response;
    response.status = 206;
    response.file = FileBody{UniqueFd{}, 100, 1234};
    const std::string head = format_response_head(response, true, 0);
    EXPECT_EQ(head.rfind("HTTP/1.1 206 Partial Content\r\n", 0), 0U);
    EXPECT_NE(head.find("\r\nContent-Length: 1234\r\n"), std::string::npos);
}

TEST(ResponseHead, CloseConnectionOverridesKeepAlive) {
    HttpResponse response = error_response(400);
    const std::string head = format_response_head(response, true, 0);
    EXPECT_NE(head.find("\r\nConnection: close\r\n"), std::string::npos);
    EXPECT_EQ(head.find("keep-alive"), std::string::npos);
}

TEST(ResponseHead, ManagedAndUnsafeFieldsAreNotCopied) {
    HttpResponse response;
    response.headers = {{"Content-Length", "99"},
                        {"connection", "upgrade"},
                        {"X-Split", "a\r\nSet-Cookie: evil=1"},
                        {"Bad Name", "v"},
                        {"X-Fine", "ok"}};
    EXPECT_EQ(format_response_head(response, true, 0),
              "HTTP/1.1 200 OK\r\n"
              "Date: Thu, 01 Jan 1970 00:00:00 GMT\r\n"
              "Server: toytls-server\r\n"
              "X-Fine: ok\r\n"
              "Content-Length: 0\r\n"
              "Connection: keep-alive\r\n"
              "\r\n");
}

TEST(ResponseHead, UnknownStatusHasAnEmptyReasonPhrase) {
    HttpResponse response;
    response.status = 299;
    EXPECT_EQ(format_response_head(response, true, 0).rfind("HTTP/1.1 299 \r\n", 0), 0U);
}

TEST(ReasonPhrase, EveryStatusTheServerUses) {
    const std::pair<int, std::string_view> expected[] = {
        {200, "OK"},
        {206, "Partial Content"},
        {301, "Moved Permanently"},
        {304, "Not Modified"},
        {400, "Bad Request"},
        {403, "Forbidden"},
        {404, "Not Found"},
        {405, "Method Not Allowed"},
        {408, "Request Timeout"},
        {413, "Content Too Large"},
        {414, "URI Too Long"},
        {416, "Range Not Satisfiable"},
        {431, "Request Header Fields Too Large"},
        {500, "Internal Server Error"},
        {501, "Not Implemented"},
        {503, "Service Unavailable"},
        {505, "HTTP Version Not Supported"},
    };
    for (const auto& [status, phrase] : expected) EXPECT_EQ(reason_phrase(status), phrase) << status;
    EXPECT_EQ(reason_phrase(299), "");
}

TEST(ErrorResponse, PageAndHeaders) {
    const HttpResponse response = error_response(404);
    EXPECT_EQ(response.status, 404);
    EXPECT_EQ(response.body,
              "<html><head><title>404 Not Found</title></head><body><h1>404 Not Found</h1><hr>toytls-server</body></html>");
    EXPECT_EQ(response.headers, (Headers{{"Content-Type", "text/html; charset=utf-8"}}));
    EXPECT_FALSE(response.close_connection);
    EXPECT_FALSE(response.file.has_value());
    EXPECT_EQ(response.content_length(), response.body.size());
}

TEST(ErrorResponse, MethodNotAllowedListsAllowedMethods) {
    const HttpResponse response = error_response(405);
    EXPECT_EQ(response.headers,
              (Headers{{"Content-Type", "text/html; charset=utf-8"}, {"Allow", "GET, HEAD"}}));
    EXPECT_NE(format_response_head(response, true, 0).find("\r\nAllow: GET, HEAD\r\n"), std::string::npos);
}

TEST(ErrorResponse, ClosesTheConnectionWhenTheStreamCannotBeTrusted) {
    for (int status : {400, 408, 413, 414, 431, 501, 505}) EXPECT_TRUE(error_response(status).close_connection) << status;
    for (int status : {403, 404, 405, 416, 500, 503}) EXPECT_FALSE(error_response(status).close_connection) << status;
}

}  // namespace
}  // namespace webserver
