#include "webserver/config_lexer.hpp"

#include <cstdio>

namespace webserver {

namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

bool ends_word(char c) { return is_space(c) || c == ';' || c == '{' || c == '}'; }

bool is_quote(char c) { return c == '"' || c == '\''; }

// Tab, CR and LF are whitespace; every other control character is a typo
// or a binary file, never something a directive means.
bool is_control(char c) {
    const auto byte = static_cast<unsigned char>(c);
    return (byte < 0x20 && !is_space(c)) || byte == 0x7f;
}

bool is_utf8_continuation(char c) { return (static_cast<unsigned char>(c) & 0xc0) == 0x80; }

std::string describe_character(char c) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte >= 0x20 && byte < 0x7f) return std::string("\"") + c + "\"";
    char hex[8];
    std::snprintf(hex, sizeof hex, "0x%02X", byte);
    return std::string("the byte ") + hex;
}

// Walks the text one byte at a time, keeping the line and column of the
// next character.
class Cursor {
public:
    explicit Cursor(std::string_view text) : text_(text) {}

    bool at_end() const { return offset_ >= text_.size(); }
    char peek() const { return text_[offset_]; }
    int line() const { return line_; }
    int column() const { return column_; }

    void advance() {
        const char current = text_[offset_++];
        if (current == '\n') {
            ++line_;
            column_ = 1;
        } else if (at_end() || !is_utf8_continuation(peek())) {
            // The bytes of one multi-byte character make one column together.
            ++column_;
        }
    }

private:
    std::string_view text_;
    std::size_t offset_ = 0;
    int line_ = 1;
    int column_ = 1;
};

class Lexer {
public:
    Lexer(std::string_view text, const std::string& file_name) : cursor_(text), file_name_(file_name) {}

    std::vector<Token> run() {
        std::vector<Token> tokens;
        while (true) {
            skip_spaces_and_comments();
            Token token = start_token();
            if (cursor_.at_end()) {
                tokens.push_back(std::move(token));
                return tokens;
            }
            const char c = cursor_.peek();
            if (c == ';' || c == '{' || c == '}') {
                token.kind = c == ';' ? Token::Kind::semicolon
                             : c == '{' ? Token::Kind::open_brace
                                        : Token::Kind::close_brace;
                token.text = std::string(1, c);
                cursor_.advance();
            } else if (is_quote(c)) {
                read_string(token);
            } else {
                read_word(token);
            }
            token.end_line = cursor_.line();
            token.end_column = cursor_.column();
            tokens.push_back(std::move(token));
        }
    }

private:
    Token start_token() const {
        Token token;
        token.line = token.end_line = cursor_.line();
        token.column = token.end_column = cursor_.column();
        return token;
    }

    [[noreturn]] void fail(int line, int column, const std::string& message) const {
        throw ConfigError({file_name_, line, column}, message);
    }

    void skip_spaces_and_comments() {
        while (!cursor_.at_end()) {
            if (is_space(cursor_.peek())) {
                cursor_.advance();
            } else if (cursor_.peek() == '#') {
                while (!cursor_.at_end() && cursor_.peek() != '\n') cursor_.advance();
            } else {
                return;
            }
        }
    }

    void reject_control(char c) const {
        if (is_control(c)) {
            fail(cursor_.line(), cursor_.column(), "unexpected control character (" + describe_character(c) + ")");
        }
    }

    void read_word(Token& token) {
        token.kind = Token::Kind::word;
        while (!cursor_.at_end() && !ends_word(cursor_.peek())) {
            const char c = cursor_.peek();
            reject_control(c);
            // nginx would keep the quote as part of the word; here it is
            // almost always a typo (a missing space), so say so.
            if (is_quote(c)) {
                fail(cursor_.line(), cursor_.column(),
                     "unexpected " + describe_character(c) +
                         " inside a word: a quoted string must start at the beginning of a value");
            }
            token.text += c;
            cursor_.advance();
        }
    }

    void read_string(Token& token) {
        token.kind = Token::Kind::string;
        const char quote = cursor_.peek();
        cursor_.advance();
        while (true) {
            if (cursor_.at_end()) {
                fail(token.line, token.column,
                     std::string("unterminated string: no closing ") + quote + " before the end of the file");
            }
            const char c = cursor_.peek();
            reject_control(c);
            cursor_.advance();
            if (c == quote) break;
            if (c == '\\' && !cursor_.at_end()) {
                const char escaped = cursor_.peek();
                switch (escaped) {
                    case '"': case '\'': case '\\': token.text += escaped; cursor_.advance(); continue;
                    case 't': token.text += '\t'; cursor_.advance(); continue;
                    case 'r': token.text += '\r'; cursor_.advance(); continue;
                    case 'n': token.text += '\n'; cursor_.advance(); continue;
                    default: break;  // not an escape: the backslash stays, as in nginx
                }
            }
            token.text += c;
        }
        // "a"b would read as two values glued together; nginx refuses it too.
        if (!cursor_.at_end() && !ends_word(cursor_.peek())) {
            fail(cursor_.line(), cursor_.column(),
                 "unexpected " + describe_character(cursor_.peek()) +
                     " after a closing quote: expected a space, \";\", \"{\" or \"}\"");
        }
    }

    Cursor cursor_;
    const std::string& file_name_;
};

}  // namespace

std::string describe(const Token& token) {
    switch (token.kind) {
        case Token::Kind::end_of_file: return "end of file";
        case Token::Kind::string: return "the string \"" + token.text + "\"";
        default: return "\"" + token.text + "\"";
    }
}

std::vector<Token> tokenize_config(std::string_view text, const std::string& file_name) {
    return Lexer(text, file_name).run();
}

}  // namespace webserver
