#include "client/url.hpp"

#include <algorithm>
#include <cctype>

namespace toytls_client {

namespace {

// Case-insensitive "starts with", for the scheme (RFC 3986 3.1: schemes are case-insensitive).
bool starts_with_ignoring_case(std::string_view text, std::string_view prefix) {
    if (text.size() < prefix.size()) return false;
    return std::equal(prefix.begin(), prefix.end(), text.begin(), [](char a, char b) {
        return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
    });
}

// Letters, digits, '-', '.', '_': enough for DNS names and IPv4 addresses.
bool is_host_name_char(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_';
}

bool is_ipv6_literal_char(char c) { return std::isxdigit(static_cast<unsigned char>(c)) || c == ':' || c == '.'; }

// A space or control character in the target would let a URL smuggle extra
// lines into the request ("GET /x HTTP/1.1\r\nEvil: 1"); bytes >= 0x80 are
// not valid in a URL either (they must be percent-encoded).
bool is_target_char(char c) {
    auto byte = static_cast<unsigned char>(c);
    return byte > 0x20 && byte < 0x7f;
}

std::optional<std::uint16_t> parse_port(std::string_view text, std::string& error) {
    if (text.empty()) {
        error = "empty port after ':'";
        return std::nullopt;
    }
    if (text.size() > 5 || !std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        error = "port '" + std::string(text) + "' is not a number from 1 to 65535";
        return std::nullopt;
    }
    unsigned long value = std::stoul(std::string(text));
    if (value < 1 || value > 65535) {
        error = "port " + std::string(text) + " is not from 1 to 65535";
        return std::nullopt;
    }
    return static_cast<std::uint16_t>(value);
}

}  // namespace

std::string_view scheme_name(Scheme scheme) { return scheme == Scheme::http ? "http" : "toytls"; }

std::uint16_t default_port(Scheme scheme) {
    return scheme == Scheme::http ? default_http_port : default_toytls_port;
}

std::optional<Url> parse_url(std::string_view text, std::string& error) {
    Url url;
    if (starts_with_ignoring_case(text, "http://")) {
        url.scheme = Scheme::http;
    } else if (starts_with_ignoring_case(text, "toytls://")) {
        url.scheme = Scheme::toytls;
    } else {
        std::size_t separator = text.find("://");
        error = separator == std::string_view::npos
                    ? "'" + std::string(text) + "' has no scheme: write http://HOST/PATH or toytls://HOST/PATH"
                    : "unsupported scheme '" + std::string(text.substr(0, separator)) +
                          "': this client speaks http:// and toytls:// only";
        return std::nullopt;
    }
    std::string_view rest = text.substr(scheme_name(url.scheme).size() + 3);

    // The authority ends where the path, the query or the fragment begins.
    std::size_t authority_end = rest.find_first_of("/?#");
    std::string_view authority = rest.substr(0, authority_end);
    std::string_view after_authority = authority_end == std::string_view::npos ? "" : rest.substr(authority_end);

    if (authority.find('@') != std::string_view::npos) {
        error = "user names and passwords in URLs (user@host) are not supported";
        return std::nullopt;
    }
    std::string_view port_text;
    bool has_port = false;
    if (!authority.empty() && authority.front() == '[') {
        std::size_t close = authority.find(']');
        if (close == std::string_view::npos) {
            error = "IPv6 address without its closing ']'";
            return std::nullopt;
        }
        url.host = std::string(authority.substr(1, close - 1));
        std::string_view after_bracket = authority.substr(close + 1);
        if (!after_bracket.empty()) {
            if (after_bracket.front() != ':') {
                error = "unexpected '" + std::string(after_bracket) + "' after the IPv6 address";
                return std::nullopt;
            }
            has_port = true;
            port_text = after_bracket.substr(1);
        }
        if (url.host.empty() || !std::all_of(url.host.begin(), url.host.end(), is_ipv6_literal_char) ||
            url.host.find(':') == std::string::npos) {
            error = "'[" + url.host + "]' is not an IPv6 address";
            return std::nullopt;
        }
    } else {
        std::size_t colon = authority.find(':');
        url.host = std::string(authority.substr(0, colon));
        if (colon != std::string_view::npos) {
            has_port = true;
            port_text = authority.substr(colon + 1);
        }
        if (url.host.empty()) {
            error = "the URL has no host";
            return std::nullopt;
        }
        if (!std::all_of(url.host.begin(), url.host.end(), is_host_name_char)) {
            error = "host '" + url.host + "' may only hold letters, digits, '-', '.' and '_' (IPv6: [::1])";
            return std::nullopt;
        }
    }
    url.port = default_port(url.scheme);
    if (has_port) {
        std::optional<std::uint16_t> port = parse_port(port_text, error);
        if (!port) return std::nullopt;
        url.port = *port;
    }

    std::string_view target = after_authority.substr(0, after_authority.find('#'));
    if (!std::all_of(target.begin(), target.end(), is_target_char)) {
        error = "the path contains a space, a control character or a non-ASCII byte (percent-encode it)";
        return std::nullopt;
    }
    // "http://host" and "http://host?q" both ask for the root (RFC 9112 3.2.1).
    url.target = target.empty() || target.front() != '/' ? "/" + std::string(target) : std::string(target);
    return url;
}

std::string host_header_value(const Url& url) {
    std::string value = url.host.find(':') != std::string::npos ? "[" + url.host + "]" : url.host;
    if (url.port != default_port(url.scheme)) value += ":" + std::to_string(url.port);
    return value;
}

}  // namespace toytls_client
