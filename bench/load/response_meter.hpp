// Just enough of an HTTP/1.1 response parser for a load generator: it finds
// the end of the head, reads the status code, Content-Length and
// "Connection: close", then counts body bytes without keeping them (a bulk
// download must not grow memory). The server under test always sends
// Content-Length; anything else (chunked, no length) is reported as an
// error rather than guessed at, because the load figures would be wrong.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace toytls_load {

class ResponseMeter {
public:
    enum class Status { in_progress, complete, malformed };

    // Consumes bytes of the response; bytes after its end are counted in
    // extra_bytes() (a server must not send any: there is no pipelining).
    Status feed(std::string_view bytes);
    void reset();

    Status status() const { return status_; }
    int status_code() const { return status_code_; }
    bool connection_close() const { return connection_close_; }
    std::uint64_t body_bytes() const { return body_received_; }
    std::uint64_t extra_bytes() const { return extra_bytes_; }
    const std::string& error() const { return error_; }

private:
    void parse_head();
    Status fail(std::string reason);

    static constexpr std::size_t max_head_size = 16 * 1024;

    Status status_ = Status::in_progress;
    std::string head_;  // the head, until its blank line has been seen
    bool head_done_ = false;
    int status_code_ = 0;
    bool connection_close_ = false;
    std::uint64_t content_length_ = 0;
    std::uint64_t body_received_ = 0;
    std::uint64_t extra_bytes_ = 0;
    std::string error_;
};

}  // namespace toytls_load
