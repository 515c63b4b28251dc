// TCP on loopback for the lab tools: listening, connecting, and finding free
// ports. Blocking and simple on purpose: the labs run on one machine, and
// the tools that need non-blocking sockets switch them over themselves.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "webserver/unique_fd.hpp"

namespace toytls_labs {

using webserver::UniqueFd;

// "9443" or "0..65535" in decimal; nullopt for anything else.
std::optional<std::uint16_t> parse_port(std::string_view text);

struct HostPort {
    std::string host;
    std::uint16_t port = 0;
};
// "HOST:PORT" or "[IPV6]:PORT".
std::optional<HostPort> parse_host_port(std::string_view text);

// A listening socket on address:port (SO_REUSEADDR, so that a lab can
// restart a tool on the same port at once). Throws std::runtime_error.
UniqueFd listen_tcp(const std::string& address, std::uint16_t port);

// A connected (blocking) socket to host:port, trying every address the name
// resolves to. On failure returns an invalid fd and says why in `error`.
UniqueFd connect_tcp(const std::string& host, std::uint16_t port, std::string& error);

void set_nonblocking(int fd);

// Ports that were free on 127.0.0.1 a moment ago: each is bound to port 0,
// read back, and released (so two calls may, rarely, return the same port).
// Throws on failure.
std::uint16_t pick_free_port();

}  // namespace toytls_labs
