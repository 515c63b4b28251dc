// The HTTP/1.1 request-head parser and body discarder (RFC 9112).
//
// parse_request_head is stateless, like picohttpparser: the connection
// keeps the bytes received so far and calls it again with the longer
// buffer after each read. Every call looks at the bytes in order and
// stops at the first problem, so a prefix of the stream can only ever
// answer "incomplete" or the very error the whole stream would get.
//
// Where the RFCs leave a choice, this parser decides as follows (each
// decision has a row in tests/http_test.cpp):
//
//  * Line ends: CRLF, and also a bare LF, which RFC 9112 2.2 lets a
//    recipient accept (hand-typed requests from netcat send it). A CR not
//    followed by LF is never a line end: it is a 400. Parsers that disagree
//    on what ends a line are the raw material of request smuggling.
//  * Empty lines before the request line are skipped (RFC 9112 2.2) and
//    counted in `consumed` and in max_header_section, so they cannot be
//    used to make the server buffer without bound.
//  * Request target: origin-form ("/path?query") for every method and
//    asterisk-form ("*") for OPTIONS only. absolute-form ("http://h/p") is
//    refused with 400, although RFC 9112 3.2.2 says a server MUST accept
//    it: this server is never a proxy, and with one form there is no way
//    for the target and Host to disagree. authority-form (CONNECT) is 400
//    too. The target may hold any visible ASCII character; percent-decoding
//    and path checks happen later, in static_files.cpp.
//  * Versions: HTTP/1.0 and HTTP/1.1. Any other well-formed "HTTP/d.d" is
//    505; anything else in that place is 400.
//  * Transfer-Encoding: only "chunked" is implemented. A final coding other
//    than chunked is 400 (RFC 9112 6.3: "MUST respond with 400"); a coding
//    we do not implement before chunked ("gzip, chunked") is 501 (RFC 9112
//    6.1: "SHOULD respond with 501"); chunked twice is 400 (6.1 forbids
//    it); Transfer-Encoding in an HTTP/1.0 request is 400 (6.1: its framing
//    "MUST" be treated as faulty); Transfer-Encoding together with
//    Content-Length is 400 (6.3 allows rejecting it, and it is the classic
//    smuggling request).
//  * Content-Length: repeated fields and comma lists are fine if every
//    value is the same number (RFC 9112 6.3 point 5); otherwise 400.
#include "webserver/http_request.hpp"

#include <algorithm>
#include <limits>

namespace webserver {
namespace {

constexpr char kCR = '\r';
constexpr char kLF = '\n';

// Chunked-body lines have no configured limit, so they get fixed ones: a
// chunk-size line is a few hex digits plus rarely used extensions, and
// trailers are as rare as they are small.
constexpr std::size_t kMaxChunkLineLength = 4096;
constexpr std::size_t kMaxTrailerSection = 16 * 1024;

// tchar (RFC 9110 5.6.2): the characters of a token such as a method or a
// field name.
bool is_tchar(unsigned char c) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
    return std::string_view("!#$%&'*+-.^_`|~").find(static_cast<char>(c)) != std::string_view::npos;
}

bool is_token(std::string_view text) {
    return !text.empty() && std::all_of(text.begin(), text.end(),
                                        [](char c) { return is_tchar(static_cast<unsigned char>(c)); });
}

// OWS and BWS (RFC 9110 5.6.3) are runs of SP and HTAB.
bool is_ows(char c) { return c == ' ' || c == '\t'; }

std::string_view trim_ows(std::string_view text) {
    while (!text.empty() && is_ows(text.front())) text.remove_prefix(1);
    while (!text.empty() && is_ows(text.back())) text.remove_suffix(1);
    return text;
}

char ascii_lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

// Field names, transfer codings and connection options are
// case-insensitive ASCII (RFC 9110 5.1, 7.6.1, 10.1.4).
bool equals_ignoring_case(std::string_view a, std::string_view b) {
    return a.size() == b.size() &&
           std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) { return ascii_lower(x) == ascii_lower(y); });
}

// The elements of a comma-separated list (RFC 9110 5.6.1), trimmed. Empty
// elements ("a, ,b") are kept so that callers can decide about them.
std::vector<std::string_view> split_list(std::string_view list) {
    std::vector<std::string_view> elements;
    while (true) {
        const std::size_t comma = list.find(',');
        elements.push_back(trim_ows(list.substr(0, comma)));
        if (comma == std::string_view::npos) break;
        list.remove_prefix(comma + 1);
    }
    return elements;
}

// 1*DIGIT as an unsigned 64-bit number; nullopt for anything else,
// including a number too large to hold.
std::optional<std::uint64_t> parse_decimal(std::string_view digits) {
    if (digits.empty()) return std::nullopt;
    std::uint64_t value = 0;
    for (char c : digits) {
        if (c < '0' || c > '9') return std::nullopt;
        const auto digit = static_cast<std::uint64_t>(c - '0');
        if (value > (std::numeric_limits<std::uint64_t>::max() - digit) / 10) return std::nullopt;
        value = value * 10 + digit;
    }
    return value;
}

ParseResult incomplete() { return ParseResult{}; }

ParseResult error(int status, std::string reason) {
    ParseResult result;
    result.status = ParseResult::Status::error;
    result.error_status = status;
    result.error_reason = std::move(reason);
    return result;
}

// Where the line starting at `start` ends (RFC 9112 2.2).
struct LineEnd {
    enum class Kind { found, need_more, bare_cr } kind = Kind::need_more;
    std::size_t content_end = 0;  // found: end of the line's text, before CR LF or LF
    std::size_t next = 0;         // found: where the following line starts
};

LineEnd find_line_end(std::string_view input, std::size_t start) {
    for (std::size_t i = start; i < input.size(); ++i) {
        if (input[i] == kLF) {
            const bool has_cr = i > start && input[i - 1] == kCR;
            return {LineEnd::Kind::found, has_cr ? i - 1 : i, i + 1};
        }
        // A CR must be followed by LF; if the LF has not arrived yet, wait.
        if (input[i] == kCR && i + 1 < input.size() && input[i + 1] != kLF) return {LineEnd::Kind::bare_cr, 0, 0};
    }
    return {};
}

// The request line, scanned byte by byte so that garbage (say, a TLS
// ClientHello sent to the plain-HTTP port) and over-long lines are refused
// as soon as they show, without waiting for a LF that may never come.
struct RequestLineScan {
    std::optional<ParseResult> failure;  // set: refuse with this
    bool found = false;                  // else: line complete, or need more
    std::size_t content_end = 0;
    std::size_t next = 0;
};

RequestLineScan scan_request_line(std::string_view input, std::size_t start, std::size_t max_length) {
    RequestLineScan scan;
    bool in_method = true;
    for (std::size_t i = start; i < input.size(); ++i) {
        const char c = input[i];
        if (c == kLF) {
            scan.found = true;
            scan.content_end = (i > start && input[i - 1] == kCR) ? i - 1 : i;
            scan.next = i + 1;
            return scan;
        }
        if (in_method) {
            if (c == ' ') {
                if (i == start) {
                    scan.failure = error(400, "request line starts with a space");
                    return scan;
                }
                in_method = false;
            } else if (!is_tchar(static_cast<unsigned char>(c))) {
                scan.failure = error(400, "invalid character in method");
                return scan;
            }
        }
        if (c == kCR && i + 1 < input.size() && input[i + 1] != kLF) {
            scan.failure = error(400, "CR not followed by LF in request line");
            return scan;
        }
        // Byte number max_length + 1 of the line, and not the CR of its
        // CRLF: the line is too long, whatever follows.
        if (i - start >= max_length && c != kCR) {
            scan.failure = error(414, "request line longer than " + std::to_string(max_length) + " bytes");
            return scan;
        }
    }
    return scan;
}

// request-line = method SP request-target SP HTTP-version (RFC 9112 3).
// Exactly one SP between the parts: RFC 9112 3 lets a server accept other
// whitespace too, but a strict split leaves nothing to interpret.
std::optional<ParseResult> parse_request_line(std::string_view line, HttpRequest& request) {
    const std::size_t first_space = line.find(' ');
    const std::size_t second_space =
        first_space == std::string_view::npos ? std::string_view::npos : line.find(' ', first_space + 1);
    if (second_space == std::string_view::npos) return error(400, "request line is not: method target version");
    const std::string_view method = line.substr(0, first_space);
    const std::string_view target = line.substr(first_space + 1, second_space - first_space - 1);
    const std::string_view version = line.substr(second_space + 1);
    if (!is_token(method)) return error(400, "invalid method");

    // request-target (RFC 9112 3.2); see the decisions at the top of the file.
    if (target.empty()) return error(400, "empty request target");
    for (char c : target) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte <= 0x20 || byte >= 0x7f) return error(400, "invalid character in request target");
    }
    if (target == "*") {
        if (method != "OPTIONS") return error(400, "asterisk-form target is only for OPTIONS (RFC 9112 3.2.4)");
    } else if (target.front() != '/') {
        return error(400, "request target is not origin-form (absolute-form and authority-form are not supported)");
    }

    // HTTP-version = "HTTP/" DIGIT "." DIGIT (RFC 9112 2.3), case-sensitive.
    const bool well_formed = version.size() == 8 && version.substr(0, 5) == "HTTP/" && version[5] >= '0' &&
                             version[5] <= '9' && version[6] == '.' && version[7] >= '0' && version[7] <= '9';
    if (!well_formed) return error(400, "invalid HTTP version");
    if (version[5] != '1' || version[7] > '1') return error(505, "unsupported HTTP version " + std::string(version));

    request.method = std::string(method);
    request.target = std::string(target);
    request.version_minor = version[7] - '0';
    return std::nullopt;
}

// field-line = field-name ":" OWS field-value OWS (RFC 9112 5). Shared by
// the header section and the chunked trailer section.
std::optional<std::string> parse_field_line(std::string_view line,
                                            std::pair<std::string, std::string>& field) {
    if (is_ows(line.front())) return "line starts with whitespace (obs-fold, RFC 9112 5.2)";
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) return "field line without a colon";
    const std::string_view name = line.substr(0, colon);
    if (name.empty()) return "empty field name";
    if (is_ows(name.back())) return "whitespace between field name and colon (RFC 9112 5.1)";
    if (!is_token(name)) return "invalid character in field name";
    const std::string_view value = trim_ows(line.substr(colon + 1));
    // field-value: VCHAR, obs-text, and SP/HTAB inside; no other control
    // characters (RFC 9110 5.5). CR and LF cannot be here: they end lines.
    for (char c : value) {
        const auto byte = static_cast<unsigned char>(c);
        if ((byte < 0x20 && c != '\t') || byte == 0x7f) return "control character in field value";
    }
    field = {std::string(name), std::string(value)};
    return std::nullopt;
}

// Host = uri-host [ ":" port ] (RFC 9110 7.2): the characters of a
// reg-name, an IP literal in brackets, and the port. An empty Host is
// valid (RFC 9112 3.2).
bool is_valid_host(std::string_view host) {
    return std::all_of(host.begin(), host.end(), [](char c) {
        const auto byte = static_cast<unsigned char>(c);
        return (byte >= 'a' && byte <= 'z') || (byte >= 'A' && byte <= 'Z') || (byte >= '0' && byte <= '9') ||
               std::string_view("-._~%!$&'()*+,;=:[]").find(c) != std::string_view::npos;
    });
}

// Host checks (RFC 9112 3.2) and message body framing (RFC 9112 6), once
// the whole header section is in.
std::optional<ParseResult> check_head(const HttpRequest& request, const HttpLimits& limits,
                                      BodyFraming& framing) {
    std::size_t host_count = 0;
    std::vector<std::string_view> content_lengths;
    std::vector<std::string_view> transfer_codings;
    bool has_transfer_encoding = false;
    for (const auto& [name, value] : request.headers) {
        if (equals_ignoring_case(name, "Host")) {
            ++host_count;
            if (!is_valid_host(value)) return error(400, "invalid Host");
        } else if (equals_ignoring_case(name, "Content-Length")) {
            for (std::string_view element : split_list(value)) content_lengths.push_back(element);
        } else if (equals_ignoring_case(name, "Transfer-Encoding")) {
            has_transfer_encoding = true;
            for (std::string_view element : split_list(value)) {
                if (!element.empty()) transfer_codings.push_back(element);
            }
        }
    }
    if (host_count > 1) return error(400, "more than one Host");
    if (host_count == 0 && request.version_minor == 1) return error(400, "HTTP/1.1 request without Host");

    framing = BodyFraming{};
    if (has_transfer_encoding) {
        if (request.version_minor == 0) return error(400, "Transfer-Encoding in an HTTP/1.0 request (RFC 9112 6.1)");
        if (!content_lengths.empty()) return error(400, "both Transfer-Encoding and Content-Length (RFC 9112 6.3)");
        if (transfer_codings.empty()) return error(400, "empty Transfer-Encoding");
        // transfer-coding = token *( OWS ";" OWS transfer-parameter ): only
        // the name matters here.
        std::vector<std::string_view> names;
        for (std::string_view coding : transfer_codings) {
            const std::string_view name = trim_ows(coding.substr(0, coding.find(';')));
            if (!is_token(name)) return error(400, "invalid transfer coding");
            names.push_back(name);
        }
        if (!equals_ignoring_case(names.back(), "chunked")) {
            return error(400, "final transfer coding is not chunked (RFC 9112 6.3)");
        }
        names.pop_back();
        for (std::string_view name : names) {
            if (equals_ignoring_case(name, "chunked")) return error(400, "chunked applied more than once (RFC 9112 6.1)");
        }
        if (!names.empty()) return error(501, "transfer coding not implemented: " + std::string(names.front()));
        framing.kind = BodyFraming::Kind::chunked;
        return std::nullopt;
    }
    if (!content_lengths.empty()) {
        std::optional<std::uint64_t> length;
        for (std::string_view text : content_lengths) {
            const std::optional<std::uint64_t> value = parse_decimal(text);
            if (!value) return error(400, "invalid Content-Length");
            if (length && *length != *value) return error(400, "conflicting Content-Length values");
            length = value;
        }
        if (limits.max_body_size != 0 && *length > limits.max_body_size) {
            return error(413, "Content-Length " + std::to_string(*length) + " over the limit of " +
                                  std::to_string(limits.max_body_size));
        }
        framing.kind = BodyFraming::Kind::content_length;
        framing.content_length = *length;
    }
    return std::nullopt;
}

// The parser proper, on input already cut to max_header_section bytes.
ParseResult parse_head_within(std::string_view input, const HttpLimits& limits, HttpRequest& request,
                              BodyFraming& framing) {
    // Empty lines before the request line (RFC 9112 2.2).
    std::size_t pos = 0;
    while (pos < input.size()) {
        if (input[pos] == kLF) {
            pos += 1;
        } else if (input[pos] == kCR && pos + 1 == input.size()) {
            return incomplete();  // CR of an empty line, or the start of garbage: wait for the next byte
        } else if (input[pos] == kCR && input[pos + 1] == kLF) {
            pos += 2;
        } else {
            break;  // a lone CR is left to the request-line scan, which refuses it
        }
    }

    const RequestLineScan scan = scan_request_line(input, pos, limits.max_request_line);
    if (scan.failure) return *scan.failure;
    if (!scan.found) return incomplete();
    HttpRequest parsed;
    if (auto failure = parse_request_line(input.substr(pos, scan.content_end - pos), parsed)) return *failure;
    pos = scan.next;

    // Field lines up to the empty line (RFC 9112 5).
    while (true) {
        const LineEnd end = find_line_end(input, pos);
        if (end.kind == LineEnd::Kind::bare_cr) return error(400, "CR not followed by LF in header section");
        if (end.kind == LineEnd::Kind::need_more) return incomplete();
        const std::string_view line = input.substr(pos, end.content_end - pos);
        pos = end.next;
        if (line.empty()) break;
        if (parsed.headers.size() == limits.max_header_count) {
            return error(431, "more than " + std::to_string(limits.max_header_count) + " header fields");
        }
        std::pair<std::string, std::string> field;
        if (auto problem = parse_field_line(line, field)) return error(400, std::move(*problem));
        parsed.headers.push_back(std::move(field));
    }

    BodyFraming parsed_framing;
    if (auto failure = check_head(parsed, limits, parsed_framing)) return *failure;
    request = std::move(parsed);
    framing = parsed_framing;
    ParseResult result;
    result.status = ParseResult::Status::complete;
    result.consumed = pos;
    return result;
}

// chunk-ext = *( BWS ";" BWS chunk-ext-name [ BWS "=" BWS chunk-ext-val ] )
// chunk-ext-val = token / quoted-string (RFC 9112 7.1.1). Extensions are
// checked, then ignored.
bool is_valid_chunk_extension_list(std::string_view text) {
    std::size_t pos = 0;
    const auto skip_bws = [&] {
        while (pos < text.size() && is_ows(text[pos])) ++pos;
    };
    const auto take_token = [&] {
        const std::size_t start = pos;
        while (pos < text.size() && is_tchar(static_cast<unsigned char>(text[pos]))) ++pos;
        return pos > start;
    };
    // quoted-string = DQUOTE *( qdtext / quoted-pair ) DQUOTE (RFC 9110 5.6.4)
    const auto take_quoted_string = [&] {
        ++pos;  // the opening DQUOTE
        while (pos < text.size()) {
            const auto c = static_cast<unsigned char>(text[pos]);
            if (c == '"') {
                ++pos;
                return true;
            }
            if (c == '\\') {
                ++pos;
                if (pos == text.size()) return false;
                const auto escaped = static_cast<unsigned char>(text[pos]);
                if ((escaped < 0x20 && escaped != '\t') || escaped == 0x7f) return false;
            } else if ((c < 0x20 && c != '\t') || c == 0x7f) {
                return false;
            }
            ++pos;
        }
        return false;
    };
    while (pos < text.size()) {
        skip_bws();
        if (pos == text.size() || text[pos] != ';') return false;
        ++pos;
        skip_bws();
        if (!take_token()) return false;
        const std::size_t after_name = pos;
        skip_bws();
        if (pos < text.size() && text[pos] == '=') {
            ++pos;
            skip_bws();
            const bool ok = (pos < text.size() && text[pos] == '"') ? take_quoted_string() : take_token();
            if (!ok) return false;
        } else {
            pos = after_name;  // that whitespace belongs before the next ';'
        }
    }
    return true;
}

// chunk-size [ chunk-ext ] (RFC 9112 7.1), without the line end.
std::optional<std::uint64_t> parse_chunk_size_line(std::string_view line) {
    std::uint64_t size = 0;
    std::size_t digits = 0;
    for (; digits < line.size(); ++digits) {
        const char c = line[digits];
        int value = 0;
        if (c >= '0' && c <= '9') {
            value = c - '0';
        } else if (c >= 'a' && c <= 'f') {
            value = c - 'a' + 10;
        } else if (c >= 'A' && c <= 'F') {
            value = c - 'A' + 10;
        } else {
            break;
        }
        if (size > (std::numeric_limits<std::uint64_t>::max() >> 4)) return std::nullopt;  // would overflow
        size = (size << 4) | static_cast<std::uint64_t>(value);
    }
    if (digits == 0) return std::nullopt;
    if (!is_valid_chunk_extension_list(line.substr(digits))) return std::nullopt;
    return size;
}

}  // namespace

std::optional<std::string_view> HttpRequest::header(std::string_view name) const {
    for (const auto& [field_name, value] : headers) {
        if (equals_ignoring_case(field_name, name)) return std::string_view(value);
    }
    return std::nullopt;
}

// RFC 9112 9.3: "close" ends the connection in any version; otherwise
// HTTP/1.1 persists, and HTTP/1.0 persists only with "keep-alive".
// Connection is a list of case-insensitive options and may be repeated.
bool HttpRequest::keep_alive() const {
    bool close = false;
    bool keep_alive_option = false;
    for (const auto& [name, value] : headers) {
        if (!equals_ignoring_case(name, "Connection")) continue;
        for (std::string_view option : split_list(value)) {
            if (equals_ignoring_case(option, "close")) close = true;
            if (equals_ignoring_case(option, "keep-alive")) keep_alive_option = true;
        }
    }
    if (close) return false;
    if (version_minor >= 1) return true;
    return keep_alive_option;
}

ParseResult parse_request_head(std::string_view input, const HttpLimits& limits, HttpRequest& request,
                               BodyFraming& framing) {
    // Only the first max_header_section bytes can belong to an acceptable
    // head. Parsing just those makes the limit exact and keeps the work per
    // call bounded, however much the client has sent.
    const std::string_view window = input.substr(0, std::min(input.size(), limits.max_header_section));
    ParseResult result = parse_head_within(window, limits, request, framing);
    if (result.status == ParseResult::Status::incomplete && input.size() > window.size()) {
        return error(431, "header section longer than " + std::to_string(limits.max_header_section) + " bytes");
    }
    return result;
}

BodyDiscarder::BodyDiscarder(BodyFraming framing, std::uint64_t max_body_size)
    : framing_(framing), max_body_size_(max_body_size) {
    switch (framing_.kind) {
    case BodyFraming::Kind::none:
        state_ = State::done;
        break;
    case BodyFraming::Kind::content_length:
        body_size_ = framing_.content_length;
        remaining_ = framing_.content_length;
        state_ = remaining_ == 0 ? State::done : State::fixed_length;
        if (max_body_size_ != 0 && body_size_ > max_body_size_) fail(413);
        break;
    case BodyFraming::Kind::chunked:
        state_ = State::chunk_size_line;
        break;
    }
}

bool BodyDiscarder::done() const { return state_ == State::done; }

void BodyDiscarder::fail(int status) {
    error_ = status;
    state_ = State::failed;
}

void BodyDiscarder::finish_chunk_size_line() {
    const std::optional<std::uint64_t> size = parse_chunk_size_line(line_);
    line_.clear();
    if (!size) {
        fail(400);
        return;
    }
    if (*size == 0) {
        state_ = State::trailer_line;  // last-chunk (RFC 9112 7.1)
        return;
    }
    // Refuse as soon as the announced total passes the limit, before
    // reading the chunk.
    if (max_body_size_ != 0 && *size > max_body_size_ - body_size_) {
        fail(413);
        return;
    }
    body_size_ += *size;
    remaining_ = *size;
    state_ = State::chunk_data;
}

void BodyDiscarder::finish_trailer_line() {
    if (line_.empty()) {
        state_ = State::done;  // the empty line that ends the chunked body
        return;
    }
    // trailer-section = *( field-line CRLF ) (RFC 9112 7.1.2): checked like
    // header fields, then thrown away like the rest of the body.
    std::pair<std::string, std::string> field;
    const bool valid = !parse_field_line(line_, field).has_value();
    line_.clear();
    if (!valid) fail(400);
}

std::size_t BodyDiscarder::consume(std::string_view input) {
    std::size_t used = 0;
    while (used < input.size() && state_ != State::done && state_ != State::failed) {
        switch (state_) {
        case State::fixed_length:
        case State::chunk_data: {
            const auto take = static_cast<std::size_t>(std::min<std::uint64_t>(remaining_, input.size() - used));
            used += take;
            remaining_ -= take;
            if (remaining_ == 0) state_ = state_ == State::fixed_length ? State::done : State::chunk_data_end;
            break;
        }
        case State::chunk_data_end: {
            // chunk-data is followed by CRLF (or, as in the head, a bare LF).
            const char c = input[used++];
            if (c == kCR) {
                state_ = State::chunk_data_end_lf;
            } else if (c == kLF) {
                state_ = State::chunk_size_line;
            } else {
                fail(400);
            }
            break;
        }
        case State::chunk_data_end_lf:
            if (input[used++] == kLF) {
                state_ = State::chunk_size_line;
            } else {
                fail(400);
            }
            break;
        case State::chunk_size_line:
        case State::trailer_line: {
            // Collect the line up to its LF, which may be in a later call.
            const std::size_t lf = input.find(kLF, used);
            const bool line_complete = lf != std::string_view::npos;
            const std::size_t end = line_complete ? lf : input.size();
            const bool size_line = state_ == State::chunk_size_line;
            // The line may not grow past its limit (the +1 is for its CR);
            // trailer_bytes_ never exceeds kMaxTrailerSection, see below.
            const std::size_t limit = size_line ? kMaxChunkLineLength : kMaxTrailerSection - trailer_bytes_;
            if (line_.size() + (end - used) > limit + 1) {
                fail(400);
                break;
            }
            line_.append(input.substr(used, end - used));
            used = line_complete ? end + 1 : end;
            // A CR is only allowed right before the LF (so, for now, last).
            const std::size_t cr = line_.find(kCR);
            if (cr != std::string::npos && cr + 1 != line_.size()) {
                fail(400);
                break;
            }
            if (!line_complete) break;
            if (!line_.empty() && line_.back() == kCR) line_.pop_back();
            if (line_.size() > limit) {  // a bare-LF line may have used the CR's byte
                fail(400);
                break;
            }
            if (size_line) {
                finish_chunk_size_line();
            } else {
                trailer_bytes_ += line_.size();
                finish_trailer_line();
            }
            break;
        }
        case State::done:
        case State::failed:
            break;
        }
    }
    return used;
}

}  // namespace webserver
