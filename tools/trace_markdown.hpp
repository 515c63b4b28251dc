// Small Markdown builders for the trace: hex dumps, tables and code blocks.
// Everything returns text; nothing here knows about ToyTLS messages.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "toytls/bytes.hpp"

namespace toytls::trace {

inline constexpr std::size_t hex_dump_bytes_per_line = 32;

// Lower-case hex, 32 bytes per line, each line starting with the decimal
// offset of its first byte:   "   0  0100004f0001..."
std::string hex_dump(ByteView bytes);

// A fenced code block; `text` should end with a newline.
std::string code_block(std::string_view text, std::string_view language = "text");

// `hex` in backticks, or "(empty)".
std::string inline_hex(ByteView bytes);

// Bytes as readable text with the invisible ones spelled out: CR as \r, LF
// as \n followed by a real line break, other non-printable bytes as \xNN.
std::string escaped_text(ByteView bytes);

// A GitHub table. Cells must not contain newlines; '|' is escaped.
class MarkdownTable {
public:
    // An alignment per column: "l" left, "r" right.
    MarkdownTable(std::vector<std::string> headers, std::string alignments);
    void add_row(std::vector<std::string> cells);
    std::string text() const;

private:
    std::vector<std::string> headers_;
    std::string alignments_;
    std::vector<std::vector<std::string>> rows_;
};

}  // namespace toytls::trace
