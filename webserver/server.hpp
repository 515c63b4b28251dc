// The event loop: nearest deadline, wait for ready sockets, run them, expire
// timers (the shape of nginx's ngx_process_events_and_timers). One thread,
// non-blocking sockets, any number of connections.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "webserver/config.hpp"
#include "webserver/http_connection.hpp"
#include "webserver/log.hpp"
#include "webserver/selector.hpp"
#include "webserver/unique_fd.hpp"

namespace webserver {

struct BoundListener {
    std::string address;
    std::uint16_t port = 0;  // the real port, also when the config said 0
    bool ssl = false;
};

class Server {
public:
    // Loads the ToyTLS identities of the ssl servers (throws
    // std::runtime_error naming the file on a bad certificate or key).
    Server(Config config, SelectorKind selector_kind = default_selector_kind());
    ~Server();
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    // Binds every listen address (throws std::system_error naming the
    // address when, e.g., the port is taken). Port 0 picks a free port.
    void open_listeners();
    std::vector<BoundListener> listeners() const;

    // Makes SIGINT and SIGTERM a graceful stop (through a signalfd watched
    // by the loop, so no signal handler and no global state).
    void stop_on_signals();
    // Thread-safe: asks run() to stop gracefully.
    void request_stop();
    // Serves until stopped: then stops accepting, finishes responses in
    // flight (ToyTLS connections end with close_notify) and returns.
    void run();

    std::string_view selector_name() const { return selector_->name(); }
    // For the demo: narrate every crossing of the seam (before run()).
    void set_seam_tracer(std::function<void(const std::string&)> tracer);
    std::size_t connection_count() const { return connections_.size(); }

private:
    struct Listener;
    void accept_connections(Listener& listener);
    void begin_stop();
    struct Slot {
        std::unique_ptr<HttpConnection> connection;
        Interest registered;                        // what the selector watches now
        std::optional<Clock::time_point> deadline;  // its entry in deadlines_
    };
    void update(Slot& slot);
    void close_connection(int fd);
    void pause_accepting(std::chrono::milliseconds how_long);
    void resume_accepting();
    void set_listening(bool listening);
    void expire_deadlines();
    std::chrono::milliseconds time_to_next_deadline() const;

    Config config_;
    ErrorLog error_log_;
    AccessLog access_log_;
    std::unique_ptr<Selector> selector_;
    std::vector<std::unique_ptr<Listener>> listeners_;
    std::unordered_map<int, Slot> connections_;                // by socket descriptor
    std::set<std::pair<Clock::time_point, int>> deadlines_;    // (when, fd), soonest first
    UniqueFd stop_event_;   // eventfd: request_stop() from any thread
    UniqueFd signal_fd_;    // signalfd for SIGINT/SIGTERM, when stop_on_signals() was called
    bool stopping_ = false;
    std::optional<Clock::time_point> accept_paused_until_;  // after EMFILE
    bool at_connection_limit_ = false;                      // worker_connections reached
};

}  // namespace webserver
