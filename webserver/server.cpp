#include "webserver/server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>
#include <system_error>

#include "toytls/server.hpp"

namespace webserver {

struct Server::Listener {
    UniqueFd socket;
    BoundListener bound;
    ListenerContext context;
    std::shared_ptr<const toytls::ServerConfig> tls;  // for ssl listeners
};

namespace {

[[noreturn]] void throw_errno(const std::string& what) {
    throw std::system_error(errno, std::generic_category(), what);
}

std::string peer_address_of(const sockaddr_in& address) {
    char text[INET_ADDRSTRLEN] = "?";
    ::inet_ntop(AF_INET, &address.sin_addr, text, sizeof text);
    return std::string(text) + ":" + std::to_string(ntohs(address.sin_port));
}

// The identities of every ssl server block on one address:port, the
// default one first: the ToyTLS layer picks among them by server name.
std::shared_ptr<const toytls::ServerConfig> toytls_config_for(const std::vector<const ServerBlock*>& servers) {
    auto config = std::make_shared<toytls::ServerConfig>();
    for (const ServerBlock* server : servers) {
        if (!server->ssl_certificate || !server->ssl_certificate_key) continue;
        config->identities.push_back(toytls::load_server_identity(*server->ssl_certificate, *server->ssl_certificate_key,
                                                                  server->ssl_certificate_chain));
    }
    if (config->identities.empty()) throw std::runtime_error("ssl listener without ssl_certificate/ssl_certificate_key");
    return config;
}

}  // namespace

Server::Server(Config config, SelectorKind selector_kind)
    : config_(std::move(config)),
      error_log_(config_.error_log, config_.error_log_level),
      access_log_(config_.http.access_log),
      selector_(make_selector(selector_kind)),
      stop_event_(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) {
    if (!stop_event_) throw_errno("eventfd");
    // A client that resets its connection while sendfile() is writing to it
    // would otherwise kill the whole server with SIGPIPE (send() has
    // MSG_NOSIGNAL; sendfile() has no such flag).
    ::signal(SIGPIPE, SIG_IGN);
    selector_->add(stop_event_.get(), {true, false});

    // One listening socket per address:port; all server blocks that listen
    // there share it, the default_server (or the first) in front.
    std::map<std::pair<std::string, std::uint16_t>, Listener*> by_address;
    std::optional<std::uint16_t> first_plain_port;
    for (const ServerBlock& server : config_.http.servers) {
        for (const Listen& listen : server.listens) {
            if (!listen.ssl && listen.port != 0 && !first_plain_port) first_plain_port = listen.port;
            Listener*& listener = by_address[{listen.address, listen.port}];
            if (!listener || listen.port == 0) {  // port 0: every such listen gets a port of its own
                listeners_.push_back(std::make_unique<Listener>());
                listener = listeners_.back().get();
                listener->bound = {listen.address, listen.port, listen.ssl};
                listener->context = {&config_.http, {}, &error_log_, &access_log_, std::nullopt, {}};
            }
            listener->bound.ssl = listener->bound.ssl || listen.ssl;
            auto& servers = listener->context.servers;
            if (listen.default_server)
                servers.insert(servers.begin(), &server);
            else
                servers.push_back(&server);
        }
    }
    for (auto& listener : listeners_) {
        if (!listener->bound.ssl) continue;
        listener->tls = toytls_config_for(listener->context.servers);
        listener->context.plain_port = first_plain_port;
    }
}

Server::~Server() = default;

void Server::open_listeners() {
    for (auto& listener : listeners_) {
        UniqueFd socket(::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
        if (!socket) throw_errno("socket");
        int on = 1;
        ::setsockopt(socket.get(), SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
        // Several worker processes each open their own listening socket on
        // the same port; the kernel spreads new connections between them.
        if (config_.worker_processes > 1) ::setsockopt(socket.get(), SOL_SOCKET, SO_REUSEPORT, &on, sizeof on);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_port = htons(listener->bound.port);
        if (::inet_pton(AF_INET, listener->bound.address.c_str(), &address.sin_addr) != 1)
            throw std::runtime_error("bad listen address \"" + listener->bound.address + "\"");
        std::string name = listener->bound.address + ":" + std::to_string(listener->bound.port);
        if (::bind(socket.get(), reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) throw_errno("bind " + name);
        if (::listen(socket.get(), 511) != 0) throw_errno("listen " + name);
        socklen_t length = sizeof address;
        ::getsockname(socket.get(), reinterpret_cast<sockaddr*>(&address), &length);
        listener->bound.port = ntohs(address.sin_port);
        selector_->add(socket.get(), {true, false});
        listener->socket = std::move(socket);
    }
    // A ToyTLS port tells lost plain-HTTP clients where plain HTTP is.
    for (auto& listener : listeners_)
        if (!listener->bound.ssl && !listener->context.plain_port)
            for (auto& other : listeners_)
                if (other->bound.ssl && (!other->context.plain_port || *other->context.plain_port == 0))
                    other->context.plain_port = listener->bound.port;
}

void Server::set_seam_tracer(std::function<void(const std::string&)> tracer) {
    for (auto& listener : listeners_) listener->context.seam_tracer = tracer;
}

std::vector<BoundListener> Server::listeners() const {
    std::vector<BoundListener> bound;
    for (const auto& listener : listeners_) bound.push_back(listener->bound);
    return bound;
}

void Server::stop_on_signals() {
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGTERM);
    ::pthread_sigmask(SIG_BLOCK, &signals, nullptr);
    signal_fd_.reset(::signalfd(-1, &signals, SFD_NONBLOCK | SFD_CLOEXEC));
    if (!signal_fd_) throw_errno("signalfd");
    selector_->add(signal_fd_.get(), {true, false});
}

void Server::request_stop() {
    std::uint64_t one = 1;
    [[maybe_unused]] ssize_t written = ::write(stop_event_.get(), &one, sizeof one);
}

void Server::run() {
    error_log_.log(LogLevel::notice, "toytls-server started (" + std::string(selector_->name()) + ")");
    while (!(stopping_ && connections_.empty())) {
        for (const ReadyEvent& event : selector_->wait(time_to_next_deadline())) {
            if (event.fd == stop_event_.get() || (signal_fd_ && event.fd == signal_fd_.get())) {
                begin_stop();
                continue;
            }
            if (auto found = connections_.find(event.fd); found != connections_.end()) {
                Slot& slot = found->second;
                if (event.writable) slot.connection->on_writable();
                if (event.readable && !slot.connection->finished()) slot.connection->on_readable();
                update(slot);
                continue;
            }
            for (auto& listener : listeners_)
                if (listener->socket && listener->socket.get() == event.fd) accept_connections(*listener);
        }
        expire_deadlines();
        if (accept_paused_until_ && Clock::now() >= *accept_paused_until_) resume_accepting();
    }
    error_log_.log(LogLevel::notice, "toytls-server stopped");
}

void Server::accept_connections(Listener& listener) {
    for (int accepted = 0; accepted < 64; ++accepted) {
        if (connections_.size() >= static_cast<std::size_t>(config_.worker_connections)) {
            // nginx's words for the same situation. New connections wait in
            // the kernel's backlog until one of ours closes.
            error_log_.log(LogLevel::warn, std::to_string(config_.worker_connections) +
                                               " worker_connections are not enough; not accepting until one closes");
            at_connection_limit_ = true;
            set_listening(false);
            return;
        }
        sockaddr_in peer{};
        socklen_t length = sizeof peer;
        UniqueFd socket(::accept4(listener.socket.get(), reinterpret_cast<sockaddr*>(&peer), &length,
                                  SOCK_NONBLOCK | SOCK_CLOEXEC));
        if (!socket) {
            if (errno == EAGAIN || errno == EWOULDBLOCK) return;
            if (errno == EINTR || errno == ECONNABORTED) continue;
            if (errno == EMFILE || errno == ENFILE) {
                // Out of descriptors: stop accepting for a moment instead of
                // spinning on a listener that stays readable; connections
                // closing in the meantime free descriptors.
                error_log_.log(LogLevel::error, std::string("accept: ") + std::strerror(errno) +
                                                    "; not accepting new connections for 100 ms");
                pause_accepting(std::chrono::milliseconds(100));
                return;
            }
            error_log_.log(LogLevel::error, std::string("accept: ") + std::strerror(errno));
            return;
        }
        int on = 1;
        ::setsockopt(socket.get(), IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
        std::unique_ptr<Transport> transport;
        if (listener.bound.ssl)
            transport = std::make_unique<ToyTlsTransport>(listener.tls);
        else
            transport = std::make_unique<PlainTransport>();
        int fd = socket.get();
        Slot& slot = connections_[fd];
        slot.connection = std::make_unique<HttpConnection>(std::move(socket), peer_address_of(peer), listener.context,
                                                           std::move(transport));
        slot.registered = slot.connection->interest();
        selector_->add(fd, slot.registered);
        update(slot);
    }
}

void Server::set_listening(bool listening) {
    for (auto& listener : listeners_)
        if (listener->socket) selector_->modify(listener->socket.get(), {listening, false});
}

void Server::pause_accepting(std::chrono::milliseconds how_long) {
    set_listening(false);
    accept_paused_until_ = Clock::now() + how_long;
}

void Server::resume_accepting() {
    accept_paused_until_.reset();
    if (stopping_ || at_connection_limit_) return;
    set_listening(true);
}

// After every event: close a finished connection, or tell the selector and
// the timer set what it waits for now (only when that changed: each change
// is a system call).
void Server::update(Slot& slot) {
    HttpConnection& connection = *slot.connection;
    int fd = connection.fd();
    if (connection.finished()) return close_connection(fd);
    Interest wanted = connection.interest();
    if (wanted.read != slot.registered.read || wanted.write != slot.registered.write) {
        selector_->modify(fd, wanted);
        slot.registered = wanted;
    }
    std::optional<Clock::time_point> deadline = connection.deadline();
    if (deadline != slot.deadline) {
        if (slot.deadline) deadlines_.erase({*slot.deadline, fd});
        if (deadline) deadlines_.insert({*deadline, fd});
        slot.deadline = deadline;
    }
}

void Server::close_connection(int fd) {
    auto found = connections_.find(fd);
    if (found == connections_.end()) return;
    if (found->second.deadline) deadlines_.erase({*found->second.deadline, fd});
    selector_->remove_before_close(fd);
    connections_.erase(found);  // the UniqueFd closes the socket
    if (at_connection_limit_) {
        at_connection_limit_ = false;
        if (!accept_paused_until_ && !stopping_) set_listening(true);
    }
}

void Server::expire_deadlines() {
    Clock::time_point now = Clock::now();
    while (!deadlines_.empty() && deadlines_.begin()->first <= now) {
        int fd = deadlines_.begin()->second;
        deadlines_.erase(deadlines_.begin());
        Slot& slot = connections_.at(fd);
        slot.deadline.reset();
        slot.connection->on_timeout();
        update(slot);
    }
}

std::chrono::milliseconds Server::time_to_next_deadline() const {
    std::optional<Clock::time_point> next;
    if (!deadlines_.empty()) next = deadlines_.begin()->first;
    if (accept_paused_until_ && (!next || *accept_paused_until_ < *next)) next = accept_paused_until_;
    if (!next) return std::chrono::milliseconds(-1);
    auto wait = std::chrono::ceil<std::chrono::milliseconds>(*next - Clock::now());
    return std::max(wait, std::chrono::milliseconds(0));
}

void Server::begin_stop() {
    if (stopping_) return;
    stopping_ = true;
    error_log_.log(LogLevel::notice, "stopping: no new connections; finishing responses in flight");
    for (auto& listener : listeners_) {
        if (!listener->socket) continue;
        selector_->remove(listener->socket.get());
        listener->socket.reset();
    }
    std::vector<int> fds;
    for (auto& [fd, slot] : connections_) fds.push_back(fd);
    for (int fd : fds) {
        Slot& slot = connections_.at(fd);
        slot.connection->stop_after_current_response();
        update(slot);
    }
}

}  // namespace webserver
