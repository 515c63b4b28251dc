// The static file server: maps a request path to a file under the right
// root and answers GET and HEAD the way nginx's static module does.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "webserver/config.hpp"
#include "webserver/http_request.hpp"
#include "webserver/http_response.hpp"

namespace webserver {

// The steps serve_static takes, public so tests can check each on its own.

// Decodes %XX escapes (hex digits in either case). nullopt for a '%' not
// followed by two hex digits and for a NUL byte, escaped or not: no file
// name can contain NUL, and C APIs would silently cut the path there.
// "%2F" decodes to '/' and is then an ordinary separator (as in nginx), so
// dot-segment removal also sees "%2e%2e%2f" as "../".
std::optional<std::string> percent_decode(std::string_view encoded);

// Removes "." and ".." segments (RFC 3986 5.2.4) and merges repeated
// slashes (nginx's merge_slashes), on a decoded path starting with '/'.
// "/a/./b/../c" -> "/a/c", "/a//b" -> "/a/b", "/a/.." -> "/". nullopt when
// a ".." would climb above "/" (nginx answers 400 there too).
std::optional<std::string> normalize_path(std::string_view decoded_path);

// Longest-prefix location match (nullptr: the server block's own root and
// index apply).
const Location* match_location(const ServerBlock& server, std::string_view decoded_path);

// Answers one GET or HEAD request (the caller answers other methods with
// 405). Never throws for bad input: bad paths are 400, missing files 404,
// refused ones 403. The returned response holds the open file, if any.
HttpResponse serve_static(const HttpRequest& request, const ServerBlock& server, std::time_t now);

}  // namespace webserver
