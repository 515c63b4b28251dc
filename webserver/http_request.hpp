// An incremental HTTP/1.1 request parser (RFC 9112), in the style of
// picohttpparser: it looks at the bytes received so far and says
// "complete, and it took N bytes", "need more" or "error, answer with this
// status". It never throws and never needs the whole stream.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace webserver {

struct HttpLimits {
    std::size_t max_request_line = 8 * 1024;    // over: 414
    std::size_t max_header_section = 16 * 1024; // request line + headers + CRLFs; over: 431
    std::size_t max_header_count = 100;         // over: 431
    std::uint64_t max_body_size = 1024 * 1024;  // 0 = no limit; over: 413
};

struct HttpRequest {
    std::string method;  // "GET"
    std::string target;  // "/index.html?x=1", as sent (percent-encoded)
    int version_minor = 1;  // HTTP/1.<minor>: 0 or 1
    std::vector<std::pair<std::string, std::string>> headers;  // names as sent; values trimmed

    // First header with this name (case-insensitive), if any.
    std::optional<std::string_view> header(std::string_view name) const;
    // Keep-alive by RFC 9112 9.3: 1.1 unless "Connection: close"; 1.0 only
    // with "Connection: keep-alive".
    bool keep_alive() const;
};

// How the body that follows the header section is framed.
struct BodyFraming {
    enum class Kind { none, content_length, chunked } kind = Kind::none;
    std::uint64_t content_length = 0;
};

struct ParseResult {
    enum class Status { complete, incomplete, error } status = Status::incomplete;
    std::size_t consumed = 0;  // complete: bytes of the header section (request line .. blank line)
    int error_status = 0;      // error: 400, 413, 414, 431, 501, 505
    std::string error_reason;  // error: in words, for the error log
};

// Parses a request head from the start of `input`. On complete, fills
// `request` and `framing`.
ParseResult parse_request_head(std::string_view input, const HttpLimits& limits, HttpRequest& request,
                               BodyFraming& framing);

// Reads and throws away a request body, whatever its framing, across any
// number of calls (the body may arrive in pieces).
class BodyDiscarder {
public:
    explicit BodyDiscarder(BodyFraming framing, std::uint64_t max_body_size);
    // Consumes what it can of `input`; returns the bytes consumed. After
    // each call check done() and error().
    std::size_t consume(std::string_view input);
    bool done() const;
    // 0 if fine; 400 (malformed chunked encoding) or 413 (over max_body_size).
    int error() const { return error_; }

private:
    // Where in the body we are. A chunked body (RFC 9112 7.1) walks
    // chunk_size_line -> chunk_data -> chunk_data_end (-> chunk_data_end_lf)
    // -> chunk_size_line ... until a zero size, then trailer_line until the
    // empty line; a Content-Length body is just fixed_length.
    enum class State {
        fixed_length,       // discarding the rest of a Content-Length body
        chunk_size_line,    // collecting "1a;ext=x" up to its LF in line_
        chunk_data,         // discarding remaining_ bytes of chunk data
        chunk_data_end,     // expecting the CR (or bare LF) after chunk data
        chunk_data_end_lf,  // saw that CR, expecting its LF
        trailer_line,       // collecting a trailer field line (or the final empty line)
        done,
        failed,             // error_ says why; nothing more is consumed
    };

    void fail(int status);
    void finish_chunk_size_line();
    void finish_trailer_line();

    BodyFraming framing_;
    std::uint64_t max_body_size_;
    std::uint64_t body_size_ = 0;   // data bytes announced so far (Content-Length or chunk sizes)
    std::uint64_t remaining_ = 0;   // data bytes still to discard in this body or chunk
    std::size_t trailer_bytes_ = 0; // size of the trailer section so far (bounded)
    State state_ = State::done;
    std::string line_;              // the chunk-size or trailer line being collected
    int error_ = 0;
};

}  // namespace webserver
