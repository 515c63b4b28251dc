#include "load/load_worker.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>

#include <cerrno>
#include <cstring>

namespace toytls_load {

using toytls::Bytes;
using toytls::ByteView;

void WorkerStats::add_error(const std::string& what) {
    ++errors;
    ++error_kinds[what];
}

void WorkerStats::merge(WorkerStats&& other) {
    requests += other.requests;
    handshakes += other.handshakes;
    connections += other.connections;
    body_bytes += other.body_bytes;
    wire_bytes_received += other.wire_bytes_received;
    errors += other.errors;
    for (const auto& [what, count] : other.error_kinds) error_kinds[what] += count;
    latencies_us.insert(latencies_us.end(), other.latencies_us.begin(), other.latencies_us.end());
    if (cipher_suite.empty()) cipher_suite = std::move(other.cipher_suite);
}

// ---------------------------------------------------------------------------
// One connection.
// ---------------------------------------------------------------------------

class LoadConnection {
public:
    enum class State { unstarted, connecting, handshaking, awaiting_response, awaiting_close, idle, finished };
    enum class Outcome { clean, error, retired };  // how a finished connection ended

    LoadConnection(const LoadTarget& target, RunControl& control, WorkerStats& stats,
                   std::vector<std::uint8_t>& receive_buffer)
        : target_(target), control_(control), stats_(stats), receive_buffer_(receive_buffer) {}

    void start(int epoll_fd, std::uint64_t tag);
    void on_event(std::uint32_t events);

    bool in_setup() const { return state_ == State::connecting || state_ == State::handshaking; }
    bool finished() const { return state_ == State::finished; }
    Outcome outcome() const { return outcome_; }

private:
    bool measuring() const { return !control_.stop.load(std::memory_order_relaxed); }
    void on_connected();
    void on_ready();
    void send_request();
    void on_socket_bytes(ByteView bytes);
    void deliver(std::string_view http_bytes);
    void on_response_complete();
    void on_end_of_stream(bool tcp_eof);
    void finish_cleanly();
    void retire();
    void fail(const std::string& why);
    void end(Outcome outcome);
    void queue(ByteView bytes);
    void queue_tls_output();
    void flush();
    void update_interest();

    const LoadTarget& target_;
    RunControl& control_;
    WorkerStats& stats_;
    std::vector<std::uint8_t>& receive_buffer_;  // the worker's, shared by its connections

    State state_ = State::unstarted;
    Outcome outcome_ = Outcome::clean;
    webserver::UniqueFd socket_;
    int epoll_fd_ = -1;
    std::uint64_t tag_ = 0;
    std::uint32_t registered_events_ = 0;
    std::unique_ptr<toytls::ClientConnection> tls_;
    Bytes output_;
    std::size_t output_sent_ = 0;
    ResponseMeter meter_;
    bool request_in_flight_ = false;
    bool counted_idle_ = false;
    Clock::time_point connect_started_;
    Clock::time_point request_started_;
};

void LoadConnection::start(int epoll_fd, std::uint64_t tag) {
    epoll_fd_ = epoll_fd;
    tag_ = tag;
    state_ = State::connecting;
    outcome_ = Outcome::clean;
    tls_.reset();
    output_.clear();
    output_sent_ = 0;
    request_in_flight_ = false;
    counted_idle_ = false;
    registered_events_ = 0;
    connect_started_ = Clock::now();
    socket_.reset(::socket(target_.address.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (!socket_) return fail(std::string("socket: ") + std::strerror(errno));
    int on = 1;
    ::setsockopt(socket_.get(), IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
    if (::connect(socket_.get(), reinterpret_cast<const sockaddr*>(&target_.address), target_.address_length) != 0 &&
        errno != EINPROGRESS)
        return fail(std::string("connect: ") + std::strerror(errno));
    epoll_event event{};
    event.events = EPOLLOUT;
    event.data.u64 = tag_;
    if (::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, socket_.get(), &event) != 0)
        return fail(std::string("epoll_ctl: ") + std::strerror(errno));
    registered_events_ = EPOLLOUT;
}

void LoadConnection::on_event(std::uint32_t events) {
    if (state_ == State::connecting) {
        int error = 0;
        socklen_t length = sizeof error;
        ::getsockopt(socket_.get(), SOL_SOCKET, SO_ERROR, &error, &length);
        if (error != 0) return fail(std::string("connect: ") + std::strerror(error));
        if (events & (EPOLLOUT | EPOLLERR | EPOLLHUP)) on_connected();
    } else if (events & (EPOLLIN | EPOLLERR | EPOLLHUP)) {
        // A few reads per event, so that one busy download cannot starve
        // the other connections of this thread.
        for (int reads = 0; reads < 4 && !finished(); ++reads) {
            ssize_t received = ::recv(socket_.get(), receive_buffer_.data(), receive_buffer_.size(), 0);
            if (received < 0) {
                if (errno == EAGAIN || errno == EWOULDBLOCK) break;
                if (errno == EINTR) continue;
                return fail(std::string("recv: ") + std::strerror(errno));
            }
            if (received == 0) return on_end_of_stream(true);
            if (measuring()) stats_.wire_bytes_received += static_cast<std::uint64_t>(received);
            on_socket_bytes(ByteView(receive_buffer_.data(), static_cast<std::size_t>(received)));
        }
    }
    // One send for everything this event produced: the client's Finished
    // and the first request leave together, as a browser's would.
    if (!finished()) flush();
}

void LoadConnection::on_connected() {
    if (measuring()) ++stats_.connections;
    if (target_.tls) {
        state_ = State::handshaking;
        tls_ = std::make_unique<toytls::ClientConnection>(*target_.tls);  // queues the ClientHello
        queue_tls_output();
        return;
    }
    on_ready();
}

// TCP connected (plain) or handshake complete (ToyTLS).
void LoadConnection::on_ready() {
    if (target_.mode == LoadMode::idle && !target_.idle_with_request) {
        state_ = State::idle;
        counted_idle_ = true;
        ++control_.idle_connections;
        return;
    }
    send_request();
}

void LoadConnection::send_request() {
    if (control_.max_requests && control_.requests_sent.fetch_add(1) >= *control_.max_requests) return retire();
    meter_.reset();
    request_in_flight_ = true;
    request_started_ = Clock::now();
    state_ = State::awaiting_response;
    if (tls_) {
        tls_->write(toytls::as_bytes(target_.request));
        queue_tls_output();
    } else {
        queue(toytls::as_bytes(target_.request));
    }
}

void LoadConnection::on_socket_bytes(ByteView bytes) {
    if (!tls_) return deliver(toytls::as_text(bytes));
    tls_->feed(bytes);
    queue_tls_output();  // our Finished (once), or an alert
    if (finished()) return;
    if (tls_->failed()) return fail("ToyTLS: " + tls_->failure()->describe());
    if (state_ == State::handshaking && tls_->established()) {
        if (measuring()) {
            ++stats_.handshakes;
            if (stats_.cipher_suite.empty())
                stats_.cipher_suite = std::string(toytls::cipher_suite_name(*tls_->cipher_suite()));
        }
        on_ready();
        if (finished()) return;
    }
    Bytes plaintext = tls_->read();
    if (!plaintext.empty()) deliver(toytls::as_text(plaintext));
    if (!finished() && tls_->peer_closed()) on_end_of_stream(false);
}

void LoadConnection::deliver(std::string_view http_bytes) {
    if (http_bytes.empty()) return;
    if (state_ != State::awaiting_response) return fail("bytes from the server when no response was due");
    switch (meter_.feed(http_bytes)) {
        case ResponseMeter::Status::in_progress: return;
        case ResponseMeter::Status::malformed: return fail("malformed response: " + meter_.error());
        case ResponseMeter::Status::complete: return on_response_complete();
    }
}

void LoadConnection::on_response_complete() {
    request_in_flight_ = false;
    if (measuring()) {
        if (meter_.status_code() == 200) {
            ++stats_.requests;
            stats_.body_bytes += meter_.body_bytes();
            // new-connection: the latency of the whole exchange, handshake included.
            Clock::time_point since = target_.mode == LoadMode::new_connection ? connect_started_ : request_started_;
            auto latency = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - since);
            stats_.latencies_us.push_back(static_cast<std::uint32_t>(latency.count()));
        } else {
            stats_.add_error("HTTP status " + std::to_string(meter_.status_code()));
        }
    }
    if (control_.max_requests && ++control_.requests_done >= *control_.max_requests) control_.stop = true;
    if (meter_.extra_bytes() > 0) return fail("bytes after the end of the response");
    if (target_.mode == LoadMode::idle) {
        state_ = State::idle;
        counted_idle_ = true;
        ++control_.idle_connections;
        return;
    }
    if (target_.mode == LoadMode::new_connection || meter_.connection_close()) {
        state_ = State::awaiting_close;  // the server closes next: wait for its close_notify or FIN
        return;
    }
    send_request();
}

void LoadConnection::on_end_of_stream(bool tcp_eof) {
    if (state_ == State::awaiting_close) return finish_cleanly();
    if (tls_ && tcp_eof) tls_->feed_eof();
    switch (state_) {
        case State::handshaking: return fail("server closed the connection during the handshake");
        case State::idle: return fail("server closed an idle connection");
        default: return fail("server closed the connection before the response ended");
    }
}

// The response is complete and the server has closed: close our side as a
// well-behaved client does (close_notify first, as wrk's SSL_shutdown does).
void LoadConnection::finish_cleanly() {
    if (tls_ && !tls_->failed() && !tls_->close_sent()) {
        tls_->close();
        Bytes close_notify = tls_->pop();
        [[maybe_unused]] ssize_t sent = ::send(socket_.get(), close_notify.data(), close_notify.size(), MSG_NOSIGNAL);
    }
    end(Outcome::clean);
}

// --requests N reached: this connection sends no more.
void LoadConnection::retire() { end(Outcome::retired); }

void LoadConnection::fail(const std::string& why) {
    if (measuring()) stats_.add_error(why);
    if (request_in_flight_ && control_.max_requests && ++control_.requests_done >= *control_.max_requests)
        control_.stop = true;
    if (target_.mode == LoadMode::idle) ++control_.failed_setups;
    end(Outcome::error);
}

void LoadConnection::end(Outcome outcome) {
    if (counted_idle_) --control_.idle_connections;
    counted_idle_ = false;
    request_in_flight_ = false;
    outcome_ = outcome;
    state_ = State::finished;
    socket_.reset();  // closing the descriptor also removes it from the epoll set
    tls_.reset();
}

// Sent by flush() at the end of the event.
void LoadConnection::queue(ByteView bytes) { toytls::append(output_, bytes); }

void LoadConnection::queue_tls_output() {
    if (!tls_->has_output()) return;
    Bytes wire = tls_->pop();
    queue(wire);
}

void LoadConnection::flush() {
    while (output_sent_ < output_.size()) {
        ssize_t sent = ::send(socket_.get(), output_.data() + output_sent_, output_.size() - output_sent_, MSG_NOSIGNAL);
        if (sent > 0) {
            output_sent_ += static_cast<std::size_t>(sent);
            continue;
        }
        if (sent < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
        if (sent < 0 && errno == EINTR) continue;
        return fail(std::string("send: ") + std::strerror(errno));
    }
    if (output_sent_ == output_.size()) {
        output_.clear();
        output_sent_ = 0;
    }
    update_interest();
}

void LoadConnection::update_interest() {
    if (finished() || state_ == State::connecting) return;
    std::uint32_t wanted = EPOLLIN | (output_sent_ < output_.size() ? EPOLLOUT : 0u);
    if (wanted == registered_events_) return;
    epoll_event event{};
    event.events = wanted;
    event.data.u64 = tag_;
    if (::epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, socket_.get(), &event) != 0)
        return fail(std::string("epoll_ctl: ") + std::strerror(errno));
    registered_events_ = wanted;
}

// ---------------------------------------------------------------------------
// The thread's loop.
// ---------------------------------------------------------------------------

namespace {

constexpr std::size_t receive_buffer_size = 256 * 1024;  // big reads for bulk downloads
constexpr auto error_back_off = std::chrono::milliseconds(10);  // so a refusing server is not hammered in a tight loop
constexpr int stop_check_interval_ms = 10;

}  // namespace

LoadWorker::LoadWorker(const LoadTarget& target, RunControl& control, int connection_count, int max_connecting)
    : target_(target),
      control_(control),
      max_connecting_(max_connecting),
      epoll_(::epoll_create1(EPOLL_CLOEXEC)),
      generations_(static_cast<std::size_t>(connection_count), 0),
      receive_buffer_(receive_buffer_size) {
    if (!epoll_) throw std::runtime_error(std::string("epoll_create1: ") + std::strerror(errno));
    for (int i = 0; i < connection_count; ++i)
        slots_.push_back(std::make_unique<LoadConnection>(target_, control_, stats_, receive_buffer_));
    stats_.latencies_us.reserve(1 << 16);
}

LoadWorker::~LoadWorker() = default;

void LoadWorker::run() {
    std::vector<epoll_event> events(512);
    while (!control_.stop.load(std::memory_order_relaxed)) {
        while (in_setup_ < max_connecting_ && next_unstarted_ < slots_.size()) start_slot(next_unstarted_++);
        if (!restarts_.empty()) {
            Clock::time_point now = Clock::now();
            std::vector<std::pair<Clock::time_point, std::size_t>> due;
            std::erase_if(restarts_, [&](const auto& restart) {
                if (restart.first > now) return false;
                due.push_back(restart);
                return true;
            });
            for (const auto& [when, slot] : due) start_slot(slot);
        }
        int ready = ::epoll_wait(epoll_.get(), events.data(), static_cast<int>(events.size()), stop_check_interval_ms);
        if (ready < 0) {
            if (errno == EINTR) continue;
            throw std::runtime_error(std::string("epoll_wait: ") + std::strerror(errno));
        }
        for (int i = 0; i < ready; ++i) {
            std::uint64_t tag = events[static_cast<std::size_t>(i)].data.u64;
            handle(static_cast<std::size_t>(tag & 0xffffffffu), static_cast<std::uint32_t>(tag >> 32),
                   events[static_cast<std::size_t>(i)].events);
        }
    }
}

void LoadWorker::start_slot(std::size_t slot) {
    std::uint32_t generation = ++generations_[slot];
    LoadConnection& connection = *slots_[slot];
    connection.start(epoll_.get(), static_cast<std::uint64_t>(generation) << 32 | slot);
    if (connection.in_setup()) ++in_setup_;
    if (connection.finished()) after_event(slot, false);
}

void LoadWorker::handle(std::size_t slot, std::uint32_t generation, std::uint32_t events) {
    if (generation != generations_[slot]) return;  // for a socket this slot has closed since
    LoadConnection& connection = *slots_[slot];
    if (connection.finished()) return;
    bool was_in_setup = connection.in_setup();
    connection.on_event(events);
    after_event(slot, was_in_setup);
}

void LoadWorker::after_event(std::size_t slot, bool was_in_setup) {
    LoadConnection& connection = *slots_[slot];
    bool now_in_setup = connection.in_setup();
    if (was_in_setup && !now_in_setup) --in_setup_;
    if (!was_in_setup && now_in_setup) ++in_setup_;
    if (!connection.finished() || control_.stop.load(std::memory_order_relaxed)) return;
    switch (connection.outcome()) {
        case LoadConnection::Outcome::clean: return start_slot(slot);
        case LoadConnection::Outcome::error:
            if (target_.mode != LoadMode::idle) restarts_.emplace_back(Clock::now() + error_back_off, slot);
            return;
        case LoadConnection::Outcome::retired: return;
    }
}

}  // namespace toytls_load
