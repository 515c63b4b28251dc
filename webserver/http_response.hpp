// An HTTP response as the server builds it: status, headers, and a body
// that is either a small string (error pages, redirects) or a range of an
// open file (streamed later with bounded memory).
#pragma once

#include <cstdint>
#include <ctime>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "webserver/unique_fd.hpp"

namespace webserver {

struct FileBody {
    UniqueFd file;
    std::uint64_t offset = 0;
    std::uint64_t length = 0;
};

struct HttpResponse {
    int status = 200;
    // Headers other than Date, Server, Content-Length and Connection, which
    // format_response_head adds. Content-Type is expected here.
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;              // used when !file
    std::optional<FileBody> file;  // the body is file->length bytes of the file
    bool close_connection = false; // e.g. after an error response

    std::uint64_t content_length() const { return file ? file->length : body.size(); }
};

std::string_view reason_phrase(int status);  // 200 -> "OK"

// "Sun, 06 Nov 1994 08:49:37 GMT" (RFC 9110 5.6.7, IMF-fixdate).
std::string format_http_date(std::time_t time);
void append_http_date(std::string& out, std::time_t time);  // the same, appended to `out`
// Accepts IMF-fixdate (what every modern client sends); nullopt otherwise.
std::optional<std::time_t> parse_http_date(std::string_view text);

// The status line and header section, ending with the blank line. Adds
// Date, Server, Content-Length and "Connection: close" or "keep-alive" as
// `keep_alive` says. The body is NOT included (for HEAD, and because a
// file body is sent separately).
std::string format_response_head(const HttpResponse& response, bool keep_alive, std::time_t now);

// A small HTML error page with the right status, Content-Type and (for
// 405) Allow header; `close_connection` is set for statuses after which the
// request stream cannot be trusted (400, 413, 414, 431, 501, 505).
HttpResponse error_response(int status);

}  // namespace webserver
