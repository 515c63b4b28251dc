#include "tools/trace_markdown.hpp"

#include <algorithm>
#include <stdexcept>

namespace toytls::trace {

namespace {

std::string right_aligned(std::string text, std::size_t width) {
    if (text.size() < width) text.insert(0, width - text.size(), ' ');
    return text;
}

std::string escape_cell(std::string_view cell) {
    std::string escaped;
    for (char c : cell) {
        if (c == '\n') throw std::logic_error("a Markdown table cell cannot hold a line break");
        if (c == '|') escaped += '\\';
        escaped += c;
    }
    return escaped;
}

}  // namespace

std::string hex_dump(ByteView bytes) {
    std::string dump;
    for (std::size_t offset = 0; offset < bytes.size(); offset += hex_dump_bytes_per_line) {
        ByteView line = bytes.subspan(offset, std::min(hex_dump_bytes_per_line, bytes.size() - offset));
        dump += right_aligned(std::to_string(offset), 4) + "  " + to_hex(line) + "\n";
    }
    return dump;
}

std::string code_block(std::string_view text, std::string_view language) {
    std::string block = "```" + std::string(language) + "\n" + std::string(text);
    if (block.back() != '\n') block += '\n';
    return block + "```\n";
}

std::string inline_hex(ByteView bytes) {
    if (bytes.empty()) return "(empty)";
    // Appended piece by piece rather than "`" + ... : GCC 12 at -O2 gives a
    // false -Wrestrict warning for a literal plus a temporary string.
    std::string text = "`";
    text += to_hex(bytes);
    text += '`';
    return text;
}

std::string escaped_text(ByteView bytes) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string text;
    for (std::uint8_t byte : bytes) {
        if (byte == '\r') {
            text += "\\r";
        } else if (byte == '\n') {
            text += "\\n\n";
        } else if (byte >= 0x20 && byte < 0x7f) {
            text += static_cast<char>(byte);
        } else {
            text += "\\x";
            text += digits[byte >> 4];
            text += digits[byte & 0x0f];
        }
    }
    return text;
}

MarkdownTable::MarkdownTable(std::vector<std::string> headers, std::string alignments)
    : headers_(std::move(headers)), alignments_(std::move(alignments)) {
    if (alignments_.size() != headers_.size()) throw std::logic_error("one alignment per table column");
}

void MarkdownTable::add_row(std::vector<std::string> cells) {
    if (cells.size() != headers_.size()) throw std::logic_error("a table row must have one cell per column");
    rows_.push_back(std::move(cells));
}

std::string MarkdownTable::text() const {
    auto line = [](const std::vector<std::string>& cells) {
        std::string out = "|";
        for (const std::string& cell : cells) {
            out += ' ';
            out += escape_cell(cell);
            out += " |";
        }
        return out + "\n";
    };
    std::string out = line(headers_) + "|";
    for (char alignment : alignments_) out += alignment == 'r' ? "---:|" : "---|";
    out += "\n";
    for (const auto& row : rows_) out += line(row);
    return out;
}

}  // namespace toytls::trace
