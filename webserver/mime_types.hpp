// The Content-Type to send for a file, chosen by its extension the way
// nginx's "types" block does. The table is fixed and small; a server that
// wanted it configurable would load the same pairs from its config.
#pragma once

#include <string_view>

namespace webserver {

// Sent when the extension is missing or unknown: "some bytes", which makes
// browsers offer a download instead of guessing (and maybe running) them.
inline constexpr std::string_view default_mime_type = "application/octet-stream";

// "html" -> "text/html; charset=utf-8". Case-insensitive ("PNG" == "png").
// Text types carry "; charset=utf-8" so browsers do not guess an encoding.
std::string_view mime_type_for_extension(std::string_view extension);

// The extension is what follows the last '.' of the last path segment:
// "/a/b.tar.gz" -> "gz", "/a.d/README" -> none (the default type).
std::string_view mime_type_for_path(std::string_view path);

}  // namespace webserver
