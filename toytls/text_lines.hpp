// The line rules that ToyTLS's two text formats share (certificates and
// private key files): printable ASCII only, every line ends with LF (no CR,
// the last line too), no blank lines, no trailing spaces. A file that breaks
// one is refused with the line number and the rule, so that a hand-edited
// file fails loudly instead of being read differently by another program.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace toytls {

inline bool is_printable_ascii(char c) { return c >= 0x20 && c <= 0x7e; }

// The lines of `text` without their LF, or nullopt with `error` set to
// "line N: <the rule broken>". An empty text has no lines.
std::optional<std::vector<std::string_view>> split_strict_lines(std::string_view text, std::string& error);

}  // namespace toytls
