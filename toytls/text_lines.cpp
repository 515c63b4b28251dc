#include "toytls/text_lines.hpp"

#include <cstdio>

namespace toytls {

std::optional<std::vector<std::string_view>> split_strict_lines(std::string_view text, std::string& error) {
    std::vector<std::string_view> lines;
    std::size_t start = 0;
    while (start < text.size()) {
        const std::size_t number = lines.size() + 1;
        const std::string at = "line " + std::to_string(number) + ": ";
        const std::size_t end = text.find('\n', start);
        const std::string_view line = text.substr(start, end == std::string_view::npos ? text.npos : end - start);
        for (char c : line) {
            if (c == '\r') {
                error = at + "carriage return (CR) found; lines must end with LF only";
                return std::nullopt;
            }
            if (!is_printable_ascii(c)) {
                char hex[8];
                std::snprintf(hex, sizeof hex, "0x%02x", static_cast<unsigned char>(c));
                error = at + "byte " + hex + " is not printable ASCII";
                return std::nullopt;
            }
        }
        if (end == std::string_view::npos) {
            error = at + "the last line does not end with LF";
            return std::nullopt;
        }
        if (line.empty()) {
            error = at + "empty line; blank lines are not allowed";
            return std::nullopt;
        }
        if (line.back() == ' ') {
            error = at + "ends with a space; trailing spaces are not allowed";
            return std::nullopt;
        }
        lines.push_back(line);
        start = end + 1;
    }
    return lines;
}

}  // namespace toytls
