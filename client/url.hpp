// The URLs toytls-client understands:
//
//   http://HOST[:PORT][/PATH][?QUERY]     plain HTTP over TCP   (port 80 if omitted)
//   toytls://HOST[:PORT][/PATH][?QUERY]   HTTP inside ToyTLS v1 (port 8443 if omitted)
//
// HOST is a name, an IPv4 address or an IPv6 address in brackets
// ("[::1]"). Deliberately small, after RFC 3986: no user:password@, no
// percent-decoding (the path is sent exactly as given), and a #fragment is
// dropped because it is never sent to a server.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace toytls_client {

enum class Scheme { http, toytls };

inline constexpr std::uint16_t default_http_port = 80;
// 8443: the conventional "HTTPS, but not on 443" port, and no root needed to listen on it.
inline constexpr std::uint16_t default_toytls_port = 8443;

std::string_view scheme_name(Scheme scheme);  // "http" / "toytls"
std::uint16_t default_port(Scheme scheme);

struct Url {
    Scheme scheme = Scheme::http;
    std::string host;  // without brackets: "localhost", "127.0.0.1", "::1"
    std::uint16_t port = default_http_port;
    std::string target;  // what goes into the request line: path and query, always starting with '/'
};

// Nullopt, with `error` saying what is wrong, for anything outside the form above.
std::optional<Url> parse_url(std::string_view text, std::string& error);

// The Host header (RFC 9110 7.2): the host, in brackets if it is an IPv6
// address, and ":port" only when it is not the scheme's default.
std::string host_header_value(const Url& url);

}  // namespace toytls_client
