// The lexer of the config file: splits its text into tokens the way nginx
// does (ngx_conf_read_token), so that the parser only sees words, strings,
// "{", "}" and ";".
//
//   listen 127.0.0.1:8443 ssl;   # a comment runs to the end of the line
//   ^word  ^word          ^word^semicolon
//
// A word is a run of characters up to whitespace, ';', '{' or '}'.
// A string is "..." or '...'; inside it \" \' \\ \t \r \n are escapes and any
// other backslash is kept as written (as in nginx). '#' starts a comment only
// where a token could start: in "a#b" it is part of the word. Stricter than
// nginx: a quote inside a word is an error (nginx keeps it; it is almost
// always a missing space), and so is a control character other than tab,
// CR and LF.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "webserver/config.hpp"

namespace webserver {

struct Token {
    enum class Kind { word, string, open_brace, close_brace, semicolon, end_of_file };

    Kind kind = Kind::end_of_file;
    std::string text;  // a word as written; a string without its quotes, escapes resolved; "{", "}", ";" or ""
    // Lines and columns are 1-based; a column counts characters (UTF-8 code
    // points, a tab is one), which is what an editor shows.
    int line = 1;
    int column = 1;
    // Just past the last character: where a missing ';' belongs.
    int end_line = 1;
    int end_column = 1;

    // A word or a string: something a directive can take as its name or argument.
    bool is_value() const { return kind == Kind::word || kind == Kind::string; }
};

// How a token is named in an error message: "\"{\"", "end of file", "\"listen\"".
std::string describe(const Token& token);

// The whole text as tokens, always ending with one end_of_file token.
// Throws ConfigError on an unterminated string, a quote inside a word, a
// string not followed by a separator, or a control character.
std::vector<Token> tokenize_config(std::string_view text, const std::string& file_name);

}  // namespace webserver
