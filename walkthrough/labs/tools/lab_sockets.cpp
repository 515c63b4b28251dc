#include "lab_sockets.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <memory>
#include <stdexcept>

namespace toytls_labs {

std::optional<std::uint16_t> parse_port(std::string_view text) {
    unsigned value = 0;
    auto [end, status] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || status != std::errc() || end != text.data() + text.size() || value > 65535) return std::nullopt;
    return static_cast<std::uint16_t>(value);
}

std::optional<HostPort> parse_host_port(std::string_view text) {
    std::size_t colon = text.rfind(':');
    if (colon == std::string_view::npos || colon == 0) return std::nullopt;
    std::string_view host = text.substr(0, colon);
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
    std::optional<std::uint16_t> port = parse_port(text.substr(colon + 1));
    if (!port || *port == 0) return std::nullopt;
    return HostPort{std::string(host), *port};
}

UniqueFd listen_tcp(const std::string& address, std::uint16_t port) {
    sockaddr_in socket_address{};
    socket_address.sin_family = AF_INET;
    socket_address.sin_port = htons(port);
    if (::inet_pton(AF_INET, address.c_str(), &socket_address.sin_addr) != 1)
        throw std::runtime_error("'" + address + "' is not an IPv4 address");
    UniqueFd socket(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (!socket) throw std::runtime_error(std::string("socket: ") + std::strerror(errno));
    int on = 1;
    ::setsockopt(socket.get(), SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    if (::bind(socket.get(), reinterpret_cast<const sockaddr*>(&socket_address), sizeof socket_address) != 0)
        throw std::runtime_error("cannot listen on " + address + ":" + std::to_string(port) + ": " +
                                 std::strerror(errno));
    if (::listen(socket.get(), 16) != 0) throw std::runtime_error(std::string("listen: ") + std::strerror(errno));
    return socket;
}

UniqueFd connect_tcp(const std::string& host, std::uint16_t port, std::string& error) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* raw_list = nullptr;
    int status = ::getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &raw_list);
    if (status != 0) {
        error = "cannot resolve '" + host + "': " + ::gai_strerror(status);
        return UniqueFd();
    }
    std::unique_ptr<addrinfo, decltype(&::freeaddrinfo)> list(raw_list, &::freeaddrinfo);
    error = "no address";
    for (const addrinfo* entry = list.get(); entry != nullptr; entry = entry->ai_next) {
        UniqueFd socket(::socket(entry->ai_family, entry->ai_socktype | SOCK_CLOEXEC, entry->ai_protocol));
        if (!socket) continue;
        if (::connect(socket.get(), entry->ai_addr, entry->ai_addrlen) == 0) return socket;
        error = "cannot connect to " + host + ":" + std::to_string(port) + ": " + std::strerror(errno);
    }
    return UniqueFd();
}

void set_nonblocking(int fd) {
    int flags = ::fcntl(fd, F_GETFL, 0);
    if (flags < 0 || ::fcntl(fd, F_SETFL, flags | O_NONBLOCK) != 0)
        throw std::runtime_error(std::string("fcntl O_NONBLOCK: ") + std::strerror(errno));
}

std::uint16_t pick_free_port() {
    UniqueFd socket = listen_tcp("127.0.0.1", 0);
    sockaddr_in bound{};
    socklen_t length = sizeof bound;
    if (::getsockname(socket.get(), reinterpret_cast<sockaddr*>(&bound), &length) != 0)
        throw std::runtime_error(std::string("getsockname: ") + std::strerror(errno));
    return ntohs(bound.sin_port);
}

}  // namespace toytls_labs
