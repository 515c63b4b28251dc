#include "client/http_response_reader.hpp"

#include <algorithm>
#include <cctype>
#include <limits>

namespace toytls_client {

namespace {

bool equal_ignoring_case(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
           });
}

std::string_view trim_blanks(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
    return text;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// RFC 9110 5.6.2: the characters of a token, such as a header name.
bool is_token_char(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

// Control characters other than HTAB may not appear in a field value or a
// reason phrase (RFC 9110 5.5); bytes >= 0x80 (obs-text) may.
bool has_control_char(std::string_view text) {
    return std::any_of(text.begin(), text.end(), [](char c) {
        auto byte = static_cast<unsigned char>(c);
        return (byte < 0x20 && c != '\t') || byte == 0x7f;
    });
}

// Every value of every header called `name`, split at commas (RFC 9110 5.3:
// repeating a header is the same as listing its values with commas).
std::vector<std::string_view> header_list_values(const HttpResponseHead& head, std::string_view name) {
    std::vector<std::string_view> values;
    for (const auto& [header_name, value] : head.headers) {
        if (!equal_ignoring_case(header_name, name)) continue;
        std::string_view rest = value;
        while (true) {
            std::size_t comma = rest.find(',');
            values.push_back(trim_blanks(rest.substr(0, comma)));
            if (comma == std::string_view::npos) break;
            rest.remove_prefix(comma + 1);
        }
    }
    return values;
}

std::optional<std::uint64_t> parse_decimal(std::string_view text) {
    if (text.empty() || !std::all_of(text.begin(), text.end(), is_digit)) return std::nullopt;
    std::uint64_t value = 0;
    for (char c : text) {
        auto digit = static_cast<std::uint64_t>(c - '0');
        if (value > (std::numeric_limits<std::uint64_t>::max() - digit) / 10) return std::nullopt;
        value = value * 10 + digit;
    }
    return value;
}

int hex_digit_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

}  // namespace

std::optional<std::string_view> HttpResponseHead::header(std::string_view name) const {
    for (const auto& [header_name, value] : headers)
        if (equal_ignoring_case(header_name, name)) return std::string_view(value);
    return std::nullopt;
}

HttpResponseReader::HttpResponseReader(bool response_to_head, HttpResponseLimits limits)
    : response_to_head_(response_to_head), limits_(limits) {}

HttpResponseReader::Status HttpResponseReader::feed(std::string_view input) {
    if (!input.empty()) received_anything_ = true;
    while (!input.empty() && status_ == Status::in_progress) {
        switch (state_) {
            case State::status_line:
                if (take_line(input)) on_status_line();
                break;
            case State::header_line:
                if (take_line(input)) on_header_line();
                break;
            case State::body_with_length:
                remaining_ -= take_body_bytes(input, remaining_);
                if (remaining_ == 0) complete();
                break;
            case State::chunk_size_line:
                if (take_line(input)) on_chunk_size_line();
                break;
            case State::chunk_data:
                remaining_ -= take_body_bytes(input, remaining_);
                if (remaining_ == 0) state_ = State::chunk_data_end;
                break;
            case State::chunk_data_end:
                if (!take_line(input)) break;
                if (!line_.empty()) {
                    fail("chunk data is longer than its chunk size says");
                    break;
                }
                state_ = State::chunk_size_line;
                break;
            case State::trailer_line:
                if (take_line(input)) on_trailer_line();
                break;
            case State::body_until_close: take_body_bytes(input, std::numeric_limits<std::uint64_t>::max()); break;
            case State::done: break;
        }
    }
    // With "Connection: close" nothing should follow the response; if
    // something does, it is not part of this response.
    if (status_ == Status::complete) ignored_bytes_ += input.size();
    return status_;
}

HttpResponseReader::Status HttpResponseReader::finish() {
    if (status_ != Status::in_progress) return status_;
    switch (state_) {
        case State::body_until_close: complete(); return status_;
        case State::status_line:
        case State::header_line:
            error_ = received_anything_ ? "the connection closed in the middle of the response head"
                                        : "the server closed the connection without sending a response";
            break;
        case State::body_with_length:
            error_ = "the connection closed after " + std::to_string(body_size_) + " of " +
                     std::to_string(content_length_) + " body bytes (Content-Length)";
            break;
        default:
            error_ = "the connection closed in the middle of the chunked body, after " + std::to_string(body_size_) +
                     " body bytes";
            break;
    }
    status_ = Status::truncated;
    return status_;
}

std::string HttpResponseReader::take_body() { return std::exchange(body_, {}); }

void HttpResponseReader::take_body(std::string& out) {
    out.clear();
    std::swap(out, body_);
}

bool HttpResponseReader::take_line(std::string_view& input) {
    if (line_complete_) {
        line_.clear();
        line_complete_ = false;
    }
    std::size_t newline = input.find('\n');
    std::size_t take = newline == std::string_view::npos ? input.size() : newline + 1;
    if (line_.size() + take > limits_.max_line_length + 2) {
        fail("a line is longer than " + std::to_string(limits_.max_line_length) + " bytes");
        return false;
    }
    line_.append(input.substr(0, take));
    input.remove_prefix(take);
    if (newline == std::string_view::npos) return false;

    if (line_.size() < 2 || line_[line_.size() - 2] != '\r') {
        fail("a line ends with a bare LF instead of CRLF");
        return false;
    }
    line_.resize(line_.size() - 2);
    if (line_.find('\r') != std::string::npos) {
        fail("a line contains a CR that is not followed by LF");
        return false;
    }
    line_complete_ = true;
    return true;
}

// RFC 9112 4: HTTP-version SP 3DIGIT SP [reason-phrase]. The SP before an
// empty reason is often left out, and harmless, so it is accepted.
void HttpResponseReader::on_status_line() {
    std::string_view line = line_;
    parsing_ = HttpResponseHead{};
    if (line.size() < 12 || line.substr(0, 7) != "HTTP/1." || !is_digit(line[7]) || line[8] != ' ' ||
        !is_digit(line[9]) || !is_digit(line[10]) || !is_digit(line[11]) || (line.size() > 12 && line[12] != ' '))
        return fail("the status line '" + std::string(line.substr(0, 80)) +
                    "' is not 'HTTP/1.x NNN reason'");
    parsing_.version_minor = line[7] - '0';
    parsing_.status_code = (line[9] - '0') * 100 + (line[10] - '0') * 10 + (line[11] - '0');
    if (parsing_.status_code < 100 || parsing_.status_code > 599)
        return fail("status code " + std::to_string(parsing_.status_code) + " is not from 100 to 599");
    parsing_.reason = line.size() > 12 ? std::string(line.substr(13)) : "";
    if (has_control_char(parsing_.reason)) return fail("the reason phrase contains a control character");
    parsing_.raw = std::string(line) + "\r\n";
    state_ = State::header_line;
}

void HttpResponseReader::on_header_line() {
    parsing_.raw += line_ + "\r\n";
    if (parsing_.raw.size() > limits_.max_head_size)
        return fail("the response head is longer than " + std::to_string(limits_.max_head_size) + " bytes");
    if (line_.empty()) return on_head_complete();

    std::string_view line = line_;
    // RFC 9112 5.2: obsolete line folding may be rejected, and we do.
    if (line.front() == ' ' || line.front() == '\t') return fail("a header line starts with a blank (obsolete line folding)");
    std::size_t colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) return fail("a header line has no 'Name:'");
    std::string_view name = line.substr(0, colon);
    // RFC 9112 5.1: no blank between the name and the colon.
    if (!std::all_of(name.begin(), name.end(), is_token_char))
        return fail("header name '" + std::string(name.substr(0, 80)) + "' is not a token");
    std::string_view value = trim_blanks(line.substr(colon + 1));
    if (has_control_char(value)) return fail("the value of header '" + std::string(name) + "' contains a control character");
    if (parsing_.headers.size() == limits_.max_header_count)
        return fail("the response has more than " + std::to_string(limits_.max_header_count) + " headers");
    parsing_.headers.emplace_back(std::string(name), std::string(value));
}

// RFC 9112 6.3, in order: which framing tells us where the body ends?
void HttpResponseReader::on_head_complete() {
    int code = parsing_.status_code;
    if (code >= 100 && code <= 199) {
        if (code == 101) return fail("unexpected 101 Switching Protocols: no upgrade was asked for");
        state_ = State::status_line;  // an interim response: the real one follows
        return;
    }
    head_ = std::move(parsing_);
    parsing_ = HttpResponseHead{};
    if (response_to_head_ || code == 204 || code == 304) return complete();

    std::vector<std::string_view> codings = header_list_values(*head_, "Transfer-Encoding");
    if (!codings.empty()) {
        // Transfer-Encoding overrides Content-Length (RFC 9112 6.3, rule 3).
        state_ = equal_ignoring_case(codings.back(), "chunked") ? State::chunk_size_line : State::body_until_close;
        return;
    }
    std::vector<std::string_view> lengths = header_list_values(*head_, "Content-Length");
    if (lengths.empty()) {
        state_ = State::body_until_close;
        return;
    }
    // "Content-Length: 5, 5" is allowed; two different lengths are not (RFC 9112 6.3, rule 5).
    if (std::any_of(lengths.begin(), lengths.end(), [&](std::string_view l) { return l != lengths.front(); }))
        return fail("the response has conflicting Content-Length values");
    std::optional<std::uint64_t> length = parse_decimal(lengths.front());
    if (!length) return fail("Content-Length '" + std::string(lengths.front().substr(0, 40)) + "' is not a number");
    content_length_ = remaining_ = *length;
    if (remaining_ == 0) return complete();
    state_ = State::body_with_length;
}

// RFC 9112 7.1: chunk-size [ chunk-ext ] CRLF, the size in hex.
void HttpResponseReader::on_chunk_size_line() {
    std::string_view line = line_;
    std::uint64_t size = 0;
    std::size_t digits = 0;
    for (; digits < line.size() && hex_digit_value(line[digits]) >= 0; ++digits) {
        if (size > (std::numeric_limits<std::uint64_t>::max() >> 4)) return fail("a chunk size does not fit in 64 bits");
        size = size << 4 | static_cast<std::uint64_t>(hex_digit_value(line[digits]));
    }
    std::string_view extensions = trim_blanks(line.substr(digits));
    if (digits == 0 || (!extensions.empty() && extensions.front() != ';'))
        return fail("the chunk-size line '" + std::string(line.substr(0, 40)) + "' is not a hex number");
    if (size == 0) {
        state_ = State::trailer_line;  // the last chunk: trailer fields until an empty line
        return;
    }
    remaining_ = size;
    state_ = State::chunk_data;
}

// Trailer fields are read and dropped: this client has no use for them.
void HttpResponseReader::on_trailer_line() {
    if (line_.empty()) return complete();
    std::size_t colon = line_.find(':');
    if (colon == std::string::npos || colon == 0) fail("a trailer line has no 'Name:'");
}

std::uint64_t HttpResponseReader::take_body_bytes(std::string_view& input, std::uint64_t at_most) {
    std::size_t count = static_cast<std::size_t>(std::min<std::uint64_t>(input.size(), at_most));
    body_.append(input.substr(0, count));
    body_size_ += count;
    input.remove_prefix(count);
    return count;
}

void HttpResponseReader::fail(std::string reason) {
    if (status_ != Status::in_progress) return;
    error_ = std::move(reason);
    status_ = Status::malformed;
    state_ = State::done;
}

void HttpResponseReader::complete() {
    status_ = Status::complete;
    state_ = State::done;
}

}  // namespace toytls_client
