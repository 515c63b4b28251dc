#include "webserver/mime_types.hpp"

#include <array>
#include <utility>

namespace webserver {

namespace {

// Extension (lower case) -> Content-Type. A linear scan over a few dozen
// entries costs nothing next to opening the file it describes.
constexpr auto mime_table = std::to_array<std::pair<std::string_view, std::string_view>>({
    // Text: the charset matters, or a browser may guess Latin-1.
    {"html", "text/html; charset=utf-8"},
    {"htm", "text/html; charset=utf-8"},
    {"css", "text/css; charset=utf-8"},
    {"js", "text/javascript; charset=utf-8"},  // RFC 9239: text/javascript, not application/
    {"mjs", "text/javascript; charset=utf-8"},
    {"txt", "text/plain; charset=utf-8"},
    {"xml", "text/xml; charset=utf-8"},
    {"csv", "text/csv; charset=utf-8"},
    {"md", "text/markdown; charset=utf-8"},
    // JSON is always UTF-8 (RFC 8259) and its media type defines no charset.
    {"json", "application/json"},
    {"map", "application/json"},  // JavaScript source maps
    // Images.
    {"svg", "image/svg+xml"},
    {"png", "image/png"},
    {"jpg", "image/jpeg"},
    {"jpeg", "image/jpeg"},
    {"gif", "image/gif"},
    {"webp", "image/webp"},
    {"ico", "image/x-icon"},
    {"avif", "image/avif"},
    // Fonts.
    {"woff", "font/woff"},
    {"woff2", "font/woff2"},
    {"ttf", "font/ttf"},
    {"otf", "font/otf"},
    // Documents, code, media, archives.
    {"pdf", "application/pdf"},
    {"wasm", "application/wasm"},  // browsers only stream-compile with this exact type
    {"mp4", "video/mp4"},
    {"webm", "video/webm"},
    {"mp3", "audio/mpeg"},
    {"ogg", "audio/ogg"},
    {"wav", "audio/wav"},
    {"zip", "application/zip"},
    {"gz", "application/gzip"},
    {"tar", "application/x-tar"},
});

char ascii_lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool equals_ignoring_ascii_case(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
    }
    return true;
}

}  // namespace

std::string_view mime_type_for_extension(std::string_view extension) {
    for (const auto& [known_extension, type] : mime_table) {
        if (equals_ignoring_ascii_case(extension, known_extension)) return type;
    }
    return default_mime_type;
}

std::string_view mime_type_for_path(std::string_view path) {
    const std::size_t last_slash = path.rfind('/');
    const std::string_view name = last_slash == std::string_view::npos ? path : path.substr(last_slash + 1);
    const std::size_t dot = name.rfind('.');
    if (dot == std::string_view::npos) return default_mime_type;
    return mime_type_for_extension(name.substr(dot + 1));
}

}  // namespace webserver
