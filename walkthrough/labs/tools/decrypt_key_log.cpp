#include "decrypt_key_log.hpp"

#include <set>

namespace toytls_labs {

namespace {

struct KeyLogLine {
    std::string_view label;
    std::string_view client_random_hex;
    std::string_view value_hex;
};

// Splits "A B C" into its three fields; nullopt for any other shape.
std::optional<KeyLogLine> split_line(std::string_view line) {
    std::size_t first = line.find(' ');
    if (first == std::string_view::npos) return std::nullopt;
    std::size_t second = line.find(' ', first + 1);
    if (second == std::string_view::npos || line.find(' ', second + 1) != std::string_view::npos) return std::nullopt;
    return KeyLogLine{line.substr(0, first), line.substr(first + 1, second - first - 1), line.substr(second + 1)};
}

// Calls `visit(line_number, line)` for every line that carries a secret.
template <typename Visit>
void for_each_secret_line(std::string_view text, Visit visit) {
    std::size_t line_number = 0;
    while (!text.empty()) {
        std::size_t end = text.find('\n');
        std::string_view line = text.substr(0, end);
        text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
        ++line_number;
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (line.empty() || line.front() == '#') continue;
        if (!visit(line_number, line)) return;
    }
}

}  // namespace

std::optional<SessionSecrets> find_session_secrets(std::string_view key_log_text, toytls::ByteView client_random,
                                                   std::string& error) {
    const std::string wanted = toytls::to_hex(client_random);
    SessionSecrets secrets;
    bool malformed = false;
    for_each_secret_line(key_log_text, [&](std::size_t line_number, std::string_view line) {
        std::optional<KeyLogLine> fields = split_line(line);
        std::optional<toytls::Bytes> value = fields ? toytls::from_hex(fields->value_hex) : std::nullopt;
        if (!fields || fields->client_random_hex.size() != 64 || !toytls::from_hex(fields->client_random_hex) ||
            !value) {
            error = "key log line " + std::to_string(line_number) +
                    " is not '<LABEL> <client_random hex> <value hex>' (PROTOCOL.md section 11)";
            malformed = true;
            return false;
        }
        if (fields->client_random_hex == wanted) secrets[std::string(fields->label)] = std::move(*value);
        return true;
    });
    if (malformed) return std::nullopt;
    return secrets;
}

std::size_t count_key_log_sessions(std::string_view key_log_text) {
    std::set<std::string> randoms;
    for_each_secret_line(key_log_text, [&](std::size_t, std::string_view line) {
        if (auto fields = split_line(line)) randoms.insert(std::string(fields->client_random_hex));
        return true;
    });
    return randoms.size();
}

}  // namespace toytls_labs
