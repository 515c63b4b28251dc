// toytls-capture: a passive eavesdropper for lab 7. It relays ONE TCP
// connection between a client and a server, unchanged, and records every
// byte of both directions in a capture file (format: capture_format.hpp).
//
//   toytls-capture --listen PORT --forward HOST:PORT --out FILE
//
// It sees exactly what anyone on the network path sees: the bytes. It has
// no key and changes nothing; lab 7 asks what the recording is worth later.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <iostream>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "capture_format.hpp"
#include "lab_sockets.hpp"

namespace {

using toytls_labs::CaptureDirection;
using toytls_labs::UniqueFd;

constexpr std::string_view usage =
    "usage: toytls-capture --listen PORT --forward HOST:PORT --out FILE\n"
    "  Accepts ONE connection on 127.0.0.1:PORT (0: any free port; the chosen\n"
    "  port is printed), connects to HOST:PORT, relays both directions\n"
    "  unchanged and writes every chunk to FILE (see capture_format.hpp):\n"
    "  u8 direction (0 client->server, 1 server->client) | u32 length | bytes.\n"
    "  Exits when both sides have closed.\n";

struct Options {
    std::uint16_t listen_port = 0;
    toytls_labs::HostPort forward;
    std::string out_path;
};

std::optional<Options> parse_options(int argc, char** argv, std::string& error) {
    Options options;
    bool have_listen = false;
    for (int i = 1; i < argc; ++i) {
        std::string_view name = argv[i];
        if (i + 1 >= argc) {
            error = std::string(name) + " needs a value";
            return std::nullopt;
        }
        std::string_view value = argv[++i];
        if (name == "--listen") {
            auto port = toytls_labs::parse_port(value);
            if (!port) {
                error = "--listen: '" + std::string(value) + "' is not a port number (0 .. 65535)";
                return std::nullopt;
            }
            options.listen_port = *port;
            have_listen = true;
        } else if (name == "--forward") {
            auto forward = toytls_labs::parse_host_port(value);
            if (!forward) {
                error = "--forward: expected HOST:PORT, got '" + std::string(value) + "'";
                return std::nullopt;
            }
            options.forward = *forward;
        } else if (name == "--out") {
            options.out_path = std::string(value);
        } else {
            error = "unknown option '" + std::string(name) + "'";
            return std::nullopt;
        }
    }
    if (!have_listen || options.forward.host.empty() || options.out_path.empty()) {
        error = "--listen, --forward and --out are all required";
        return std::nullopt;
    }
    return options;
}

// Every failure ends the run: thrown, so that the sockets and the file are
// closed by their destructors on the way out, and reported by main().
[[noreturn]] void fail(const std::string& message) { throw std::runtime_error(message); }

std::string errno_text() { return std::strerror(errno); }

// The port the kernel chose when we asked for port 0.
std::uint16_t bound_port(const UniqueFd& listener) {
    sockaddr_in address{};
    socklen_t length = sizeof address;
    if (::getsockname(listener.get(), reinterpret_cast<sockaddr*>(&address), &length) != 0)
        fail("getsockname: " + errno_text());
    return ntohs(address.sin_port);
}

bool send_all(int fd, toytls::ByteView bytes) {
    while (!bytes.empty()) {
        ssize_t sent = ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
        if (sent < 0 && errno == EINTR) continue;
        if (sent <= 0) return false;
        bytes = bytes.subspan(static_cast<std::size_t>(sent));
    }
    return true;
}

// The capture file, written chunk by chunk so that it is complete up to the
// last chunk even if the relay is killed.
class CaptureWriter {
public:
    explicit CaptureWriter(const std::string& path)
        : path_(path), fd_(::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)) {
        if (!fd_) fail(path + ": " + errno_text());
    }
    void write(CaptureDirection direction, toytls::ByteView bytes) {
        toytls::Bytes chunk;
        toytls_labs::append_chunk(chunk, direction, bytes);
        toytls::ByteView rest = chunk;
        while (!rest.empty()) {
            ssize_t written = ::write(fd_.get(), rest.data(), rest.size());
            if (written < 0 && errno == EINTR) continue;
            if (written < 0) fail(path_ + ": " + errno_text());
            rest = rest.subspan(static_cast<std::size_t>(written));
        }
        ++chunks_;
        bytes_ += bytes.size();
    }
    std::size_t chunks() const { return chunks_; }
    std::size_t bytes() const { return bytes_; }

private:
    std::string path_;
    UniqueFd fd_;
    std::size_t chunks_ = 0;
    std::size_t bytes_ = 0;
};

// Relays until both directions have ended. A side's EOF is passed on as a
// half close (shutdown SHUT_WR), so close_notify exchanges that happen
// after one side stopped writing are still relayed and recorded.
void relay(int client, int server, CaptureWriter& capture) {
    struct Side {
        int from;
        int to;
        CaptureDirection direction;
        bool open = true;
    };
    std::array<Side, 2> sides{{{client, server, CaptureDirection::client_to_server}, {server, client, CaptureDirection::server_to_client}}};
    std::array<std::uint8_t, 65536> buffer{};
    while (sides[0].open || sides[1].open) {
        std::array<pollfd, 2> polls{};
        for (std::size_t i = 0; i < sides.size(); ++i)
            polls[i] = {sides[i].open ? sides[i].from : -1, POLLIN, 0};
        if (::poll(polls.data(), polls.size(), -1) < 0) {
            if (errno == EINTR) continue;
            fail("poll: " + errno_text());
        }
        for (std::size_t i = 0; i < sides.size(); ++i) {
            Side& side = sides[i];
            if (!side.open || polls[i].revents == 0) continue;
            ssize_t received = ::recv(side.from, buffer.data(), buffer.size(), 0);
            if (received < 0 && errno == EINTR) continue;
            if (received <= 0) {
                side.open = false;
                ::shutdown(side.to, SHUT_WR);
                std::cerr << "toytls-capture: " << toytls_labs::direction_arrow(side.direction) << ": closed\n";
                continue;
            }
            toytls::ByteView bytes(buffer.data(), static_cast<std::size_t>(received));
            capture.write(side.direction, bytes);
            std::cerr << "toytls-capture: " << toytls_labs::direction_arrow(side.direction) << ": " << received
                      << " bytes\n";
            if (!send_all(side.to, bytes)) {
                // The receiving side is gone: nothing more can be relayed that way.
                side.open = false;
                ::shutdown(side.from, SHUT_RD);
            }
        }
    }
}

void capture_one_connection(const Options& options) {
    // Loopback only: an eavesdropper for the labs has no business on other interfaces.
    UniqueFd listener = toytls_labs::listen_tcp("127.0.0.1", options.listen_port);
    CaptureWriter capture(options.out_path);
    std::cerr << "toytls-capture: listening on 127.0.0.1:" << bound_port(listener) << ", forwarding to "
              << options.forward.host << ":" << options.forward.port << ", recording to " << options.out_path
              << std::endl;

    UniqueFd client(::accept4(listener.get(), nullptr, nullptr, SOCK_CLOEXEC));
    if (!client) fail("accept: " + errno_text());
    listener.reset();  // one connection per capture file
    std::string error;
    UniqueFd server = toytls_labs::connect_tcp(options.forward.host, options.forward.port, error);
    if (!server) fail(error);
    relay(client.get(), server.get(), capture);
    std::cerr << "toytls-capture: done: " << capture.chunks() << " chunks, " << capture.bytes() << " bytes in "
              << options.out_path << "\n";
}

}  // namespace

int main(int argc, char** argv) {
    if (argc == 2 && (std::string_view(argv[1]) == "-h" || std::string_view(argv[1]) == "--help")) {
        std::cout << usage;
        return 0;
    }
    std::string error;
    std::optional<Options> options = parse_options(argc, argv, error);
    if (!options) {
        std::cerr << "toytls-capture: " << error << "\n" << usage;
        return 2;
    }
    try {
        capture_one_connection(*options);
    } catch (const std::exception& failure) {
        std::cerr << "toytls-capture: " << failure.what() << "\n";
        return 1;
    }
    return 0;
}
