// One intercepted connection: the socket from the client, the socket to the
// real server, and what waits to be sent on each. The attacker's logic
// (an Interceptor) decides what goes where; the Session only moves bytes,
// without ever blocking, so that one thread can serve every connection.
#pragma once

#include <poll.h>

#include <array>
#include <memory>
#include <string>
#include <vector>

#include "lab_sockets.hpp"
#include "toytls/bytes.hpp"

namespace toytls_labs {

enum class Peer { client = 0, server = 1 };
inline Peer other(Peer peer) { return peer == Peer::client ? Peer::server : Peer::client; }

class Session;

// What the attacker does with the bytes that pass: the modes of toytls-mitm.
class Interceptor {
public:
    virtual ~Interceptor() = default;
    virtual void on_bytes(Session& session, Peer from, toytls::ByteView bytes) = 0;
    // `from` closed its side (TCP FIN, or a reset).
    virtual void on_eof(Session& session, Peer from) = 0;
};

class Session {
public:
    // `server_socket` may be invalid: then connect_server() opens it later
    // (the impersonating attacker only calls the real server once it has a
    // request to pass on).
    Session(int number, UniqueFd client_socket, UniqueFd server_socket, HostPort server_address,
            std::unique_ptr<Interceptor> interceptor);

    int number() const { return number_; }

    // Queues bytes for `to`; they go out as soon as its socket takes them.
    void send(Peer to, toytls::ByteView bytes);
    // A clean end of one direction: TCP FIN once the queued bytes are out.
    void close_write(Peer to);
    // The truncation attack: from now on nothing more is read or passed on in
    // either direction; each side gets what was already queued, then a FIN
    // (no alert: an attacker has no keys to make one).
    void cut();
    bool server_connected() const { return endpoints_[1].socket.valid(); }
    bool connect_server(std::string& error);

    // The event loop's side: which fds to watch, and what happened to them.
    void add_poll_requests(std::vector<pollfd>& requests, std::vector<Peer>& peers) const;
    void on_ready(Peer peer, short revents);
    bool finished() const;

private:
    struct Endpoint {
        UniqueFd socket;
        toytls::Bytes outgoing;
        bool read_done = false;         // EOF, an error, or cut()
        bool close_after_flush = false;
        bool write_closed = false;
    };
    Endpoint& endpoint(Peer peer) { return endpoints_[static_cast<int>(peer)]; }
    void on_readable(Peer peer);
    void flush(Peer peer);

    int number_;
    std::array<Endpoint, 2> endpoints_;
    HostPort server_address_;
    std::unique_ptr<Interceptor> interceptor_;
    bool cut_ = false;
};

}  // namespace toytls_labs
