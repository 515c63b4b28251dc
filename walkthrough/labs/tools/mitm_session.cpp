#include "mitm_session.hpp"

#include <sys/socket.h>

#include <cerrno>

namespace toytls_labs {

Session::Session(int number, UniqueFd client_socket, UniqueFd server_socket, HostPort server_address,
                 std::unique_ptr<Interceptor> interceptor)
    : number_(number), server_address_(std::move(server_address)), interceptor_(std::move(interceptor)) {
    endpoints_[0].socket = std::move(client_socket);
    endpoints_[1].socket = std::move(server_socket);
    for (Endpoint& end : endpoints_)
        if (end.socket) set_nonblocking(end.socket.get());
}

bool Session::connect_server(std::string& error) {
    if (server_connected()) return true;
    UniqueFd socket = connect_tcp(server_address_.host, server_address_.port, error);
    if (!socket) return false;
    set_nonblocking(socket.get());
    endpoint(Peer::server).socket = std::move(socket);
    return true;
}

void Session::send(Peer to, toytls::ByteView bytes) {
    Endpoint& end = endpoint(to);
    if (bytes.empty() || !end.socket || end.write_closed || end.close_after_flush) return;
    toytls::append(end.outgoing, bytes);
    flush(to);
}

void Session::close_write(Peer to) {
    endpoint(to).close_after_flush = true;
    flush(to);
}

void Session::cut() {
    cut_ = true;
    for (Peer peer : {Peer::client, Peer::server}) {
        endpoint(peer).read_done = true;
        close_write(peer);
    }
}

void Session::flush(Peer peer) {
    Endpoint& end = endpoint(peer);
    if (!end.socket || end.write_closed) return;
    while (!end.outgoing.empty()) {
        ssize_t sent = ::send(end.socket.get(), end.outgoing.data(), end.outgoing.size(), MSG_NOSIGNAL);
        if (sent < 0 && errno == EINTR) continue;
        if (sent < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;  // POLLOUT will call again
        if (sent < 0) {  // the peer is gone (reset): nothing more can reach it
            end.outgoing.clear();
            end.write_closed = true;
            return;
        }
        end.outgoing.erase(end.outgoing.begin(), end.outgoing.begin() + sent);
    }
    if (end.close_after_flush) {
        ::shutdown(end.socket.get(), SHUT_WR);
        end.write_closed = true;
    }
}

void Session::add_poll_requests(std::vector<pollfd>& requests, std::vector<Peer>& peers) const {
    for (Peer peer : {Peer::client, Peer::server}) {
        const Endpoint& end = endpoints_[static_cast<int>(peer)];
        if (!end.socket) continue;
        short events = 0;
        // After cut() the sockets are still read, and what arrives is thrown
        // away, so that each side sees a FIN and not a reset.
        if (!end.read_done || cut_) events |= POLLIN;
        if (!end.outgoing.empty() && !end.write_closed) events |= POLLOUT;
        if (events == 0) continue;
        requests.push_back({end.socket.get(), events, 0});
        peers.push_back(peer);
    }
}

void Session::on_ready(Peer peer, short revents) {
    if (revents & POLLOUT) flush(peer);
    if (revents & (POLLIN | POLLHUP | POLLERR)) on_readable(peer);
}

void Session::on_readable(Peer peer) {
    Endpoint& end = endpoint(peer);
    std::uint8_t buffer[16 * 1024];
    ssize_t received = ::recv(end.socket.get(), buffer, sizeof buffer, 0);
    if (received < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) return;
    if (cut_) {
        if (received <= 0) end.socket.reset();  // both ways over: the attacker hangs up
        return;
    }
    if (received <= 0) {  // FIN, or a reset (which, for the relay, means the same: no more bytes)
        end.read_done = true;
        interceptor_->on_eof(*this, peer);
        return;
    }
    interceptor_->on_bytes(*this, peer, toytls::ByteView(buffer, static_cast<std::size_t>(received)));
}

bool Session::finished() const {
    for (const Endpoint& end : endpoints_) {
        if (!end.socket) continue;       // never connected, or hung up on after cut()
        if (cut_) return false;          // still waiting for this side to hang up
        if (!end.read_done || !end.write_closed) return false;
    }
    return true;
}

}  // namespace toytls_labs
