// An incremental HTTP/1.1 response parser for the client side (RFC 9112):
// feed it bytes as they arrive, in any split, and take the body out as it
// is decoded. It finds the end of the body the way RFC 9112 section 6.3
// says a client must:
//
//   1. a response to HEAD, and 1xx, 204 and 304 responses have no body;
//   2. Transfer-Encoding ending in "chunked": chunks until the 0-size chunk;
//      any other Transfer-Encoding: until the server closes;
//   3. Content-Length: exactly that many bytes;
//   4. otherwise: until the server closes.
//
// Interim 1xx responses (100 Continue, 103 Early Hints) are skipped: the
// head() is the final response's. Lines must end in CRLF; the parser is
// strict because a lenient one is where request smuggling lives.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace toytls_client {

struct HttpResponseHead {
    int version_minor = 1;  // HTTP/1.<minor>
    int status_code = 0;    // 200
    std::string reason;     // "OK" (may be empty)
    std::vector<std::pair<std::string, std::string>> headers;  // names as sent; values without surrounding blanks
    std::string raw;  // the head exactly as received, CRLFs and final blank line included (for -i)

    // The first header with this name (case-insensitive), if any.
    std::optional<std::string_view> header(std::string_view name) const;
};

struct HttpResponseLimits {
    std::size_t max_line_length = 8 * 1024;   // status line, header line, chunk-size line, trailer line
    std::size_t max_head_size = 64 * 1024;    // the whole head, CRLFs included
    std::size_t max_header_count = 100;
};

class HttpResponseReader {
public:
    enum class Status {
        in_progress,  // needs more bytes
        complete,     // the response ended where its framing says
        truncated,    // finish() came before the response was complete
        malformed,    // not a valid HTTP/1.x response: see error()
    };

    // `response_to_head`: the request was HEAD, so no body follows whatever
    // Content-Length says (RFC 9110 9.3.2).
    explicit HttpResponseReader(bool response_to_head = false, HttpResponseLimits limits = {});

    // Consumes `bytes`. Bytes after a complete response are counted in
    // ignored_bytes() and otherwise ignored.
    Status feed(std::string_view bytes);
    // The connection ended: completes a body that runs "until close", and
    // turns any other unfinished response into `truncated`.
    Status finish();

    Status status() const { return status_; }
    // Set once the final response's head has been parsed.
    const std::optional<HttpResponseHead>& head() const { return head_; }
    // The body bytes decoded since the last call (chunk framing removed).
    std::string take_body();
    // The same into `out` (replacing its content): the two buffers are
    // swapped, so a long download reuses them instead of allocating.
    void take_body(std::string& out);
    std::uint64_t body_size() const { return body_size_; }  // all body bytes so far
    std::uint64_t ignored_bytes() const { return ignored_bytes_; }
    // Why the response is malformed or truncated, in words.
    const std::string& error() const { return error_; }

private:
    enum class State {
        status_line,
        header_line,
        body_with_length,
        chunk_size_line,
        chunk_data,
        chunk_data_end,  // the CRLF after a chunk's data
        trailer_line,
        body_until_close,
        done,
    };

    // Appends to line_ up to and including the next LF. Returns true when a
    // whole line (without its CRLF) is in line_.
    bool take_line(std::string_view& input);
    void on_status_line();
    void on_header_line();
    void on_head_complete();
    void on_chunk_size_line();
    void on_trailer_line();
    // Moves up to `at_most` bytes of `input` into the body; returns how many.
    std::uint64_t take_body_bytes(std::string_view& input, std::uint64_t at_most);
    void fail(std::string reason);
    void complete();

    bool response_to_head_;
    HttpResponseLimits limits_;
    State state_ = State::status_line;
    Status status_ = Status::in_progress;
    std::string line_;
    bool line_complete_ = false;
    HttpResponseHead parsing_;  // the head being parsed (an interim 1xx is thrown away)
    std::optional<HttpResponseHead> head_;
    std::uint64_t content_length_ = 0;
    std::uint64_t remaining_ = 0;  // body_with_length, chunk_data: bytes still to come
    bool received_anything_ = false;
    std::string body_;
    std::uint64_t body_size_ = 0;
    std::uint64_t ignored_bytes_ = 0;
    std::string error_;
};

}  // namespace toytls_client
