// One client connection of the web server: a socket, a Transport (the
// seam: plain or ToyTLS), the HTTP input buffer, and the response being
// sent. The Server's event loop calls on_readable / on_writable /
// on_timeout; the connection says what it wants next through interest()
// and deadline().
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "webserver/config.hpp"
#include "webserver/http_request.hpp"
#include "webserver/http_response.hpp"
#include "webserver/log.hpp"
#include "webserver/selector.hpp"
#include "webserver/transport.hpp"
#include "webserver/unique_fd.hpp"

namespace webserver {

using Clock = std::chrono::steady_clock;

// What every connection of one listening socket shares.
struct ListenerContext {
    const HttpSettings* http = nullptr;
    std::vector<const ServerBlock*> servers;  // servers[0] is the default for this address:port
    ErrorLog* error_log = nullptr;
    AccessLog* access_log = nullptr;
    std::optional<std::uint16_t> plain_port;  // a plain port to mention to lost plain-HTTP clients
    // Optional: told, in words, every time bytes cross the seam (socket ->
    // transport -> HTTP and back). The demo narrates with it.
    std::function<void(const std::string&)> seam_tracer;
};

class HttpConnection {
public:
    HttpConnection(UniqueFd socket, std::string peer_address, const ListenerContext& context,
                   std::unique_ptr<Transport> transport);

    void on_readable();
    void on_writable();
    void on_timeout();
    // Graceful stop: finish the response in flight, then close.
    void stop_after_current_response();

    int fd() const { return socket_.get(); }
    Interest interest() const;
    std::optional<Clock::time_point> deadline() const;
    bool finished() const { return finished_; }

private:
    enum class Waiting { request_head, request_body, response_sent };

    void process_http_input();
    void handle_request();
    void respond(HttpResponse response);
    void send_http(std::string_view bytes);
    void pump_output();
    bool flush_socket_output();
    bool read_whole_body(const FileBody& body, std::string& out);
    bool stream_file();
    bool advance_file(ssize_t bytes_done);
    void release_idle_memory();
    void finish_response();
    void close_gracefully();
    void start_lingering_close();
    bool output_pending() const;
    void log_access();
    void abort(const std::string& why);
    void answer_plain_http_on_toytls_port();
    const ServerBlock& choose_server() const;

    UniqueFd socket_;
    std::string peer_address_;
    const ListenerContext& context_;
    std::unique_ptr<Transport> transport_;
    HttpLimits limits_;

    std::string http_input_;         // plaintext HTTP bytes not yet parsed
    toytls::Bytes socket_output_;    // wire bytes waiting for the socket
    std::size_t socket_output_sent_ = 0;

    HttpRequest request_;
    std::optional<BodyDiscarder> body_;
    bool response_in_progress_ = false;
    std::optional<FileBody> file_;  // the rest of the file being sent
    std::unique_ptr<char[]> file_batch_;  // ToyTLS: plaintext read from file_, only while it is sent
    std::string access_request_line_;
    int access_status_ = 0;
    std::uint64_t access_body_bytes_ = 0;
    bool keep_alive_ = true;
    bool stopping_ = false;
    bool closing_ = false;    // no more requests; close once the output is flushed
    bool lingering_ = false;  // output flushed and our side shut down; draining until the peer closes
    bool finished_ = false;
    int requests_served_ = 0;
    bool handshake_done_ = false;  // plain connections: set on the first read

    Clock::time_point waiting_since_;
    Clock::time_point last_write_progress_;
    Clock::time_point linger_started_;
};

}  // namespace webserver
