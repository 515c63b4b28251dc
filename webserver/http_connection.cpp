#include "webserver/http_connection.hpp"

#include <sys/sendfile.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "webserver/static_files.hpp"

namespace webserver {

namespace {

// How long a closing connection keeps reading (and discarding) before the
// descriptor is closed: closing a socket with unread input makes the
// kernel send RST, which can destroy the end of the response in flight.
constexpr auto lingering_close_time = std::chrono::seconds(2);
// Files up to this size (one ToyTLS record of plaintext) are read into the
// response buffer right after the head, so head and body leave in one
// send() (and, on ToyTLS, one record).
constexpr std::size_t inline_body_limit = 16 * 1024;
// A ToyTLS download reads and seals this much for each send(): two system
// calls per 16 records instead of two per record. (Measured with
// bench/compare.sh's 100 MiB download: 128 KiB batches cost the server about
// 20% more CPU per MB, 512 KiB ones no less than 256 KiB.)
constexpr std::size_t sealed_batch_size = 16 * 16 * 1024;
constexpr std::size_t sendfile_chunk_size = 4 * 1024 * 1024;  // per call, so one download cannot starve others

bool equals_ignoring_case(std::string_view a, std::string_view b) {
    return std::equal(a.begin(), a.end(), b.begin(), b.end(),
                      [](char x, char y) { return std::tolower(static_cast<unsigned char>(x)) ==
                                                  std::tolower(static_cast<unsigned char>(y)); });
}

}  // namespace

HttpConnection::HttpConnection(UniqueFd socket, std::string peer_address, const ListenerContext& context,
                               std::unique_ptr<Transport> transport)
    : socket_(std::move(socket)),
      peer_address_(std::move(peer_address)),
      context_(context),
      transport_(std::move(transport)),
      waiting_since_(Clock::now()),
      last_write_progress_(Clock::now()) {
    limits_.max_body_size = context_.http->client_max_body_size;
    limits_.max_request_line = context_.http->header_buffer_size;
    limits_.max_header_section = context_.http->header_buffer_count * context_.http->header_buffer_size;
    limits_.max_header_count = context_.http->max_headers;
}

bool HttpConnection::output_pending() const { return socket_output_sent_ < socket_output_.size() || file_; }

Interest HttpConnection::interest() const {
    if (finished_) return {};
    if (lingering_) return {true, false};
    // Reading pauses while a response is being sent: pipelined requests wait
    // in the kernel's buffer, and a client that never reads its responses
    // cannot make us buffer without bound.
    bool want_read = !closing_ && !response_in_progress_ && !output_pending();
    return {want_read, output_pending()};
}

std::optional<Clock::time_point> HttpConnection::deadline() const {
    if (finished_) return std::nullopt;
    if (lingering_) return linger_started_ + lingering_close_time;
    if (output_pending()) return last_write_progress_ + context_.http->send_timeout;
    if (response_in_progress_ || closing_) return std::nullopt;
    if (!transport_->ready_for_http()) return waiting_since_ + context_.http->ssl_handshake_timeout;
    // The first request and any request already begun get
    // client_header_timeout; an idle keep-alive connection gets keepalive_timeout.
    bool request_begun = requests_served_ == 0 || !http_input_.empty() || body_;
    return waiting_since_ + (request_begun ? context_.http->client_header_timeout : context_.http->keepalive_timeout);
}

// ---------------------------------------------------------------------------
// Input: socket -> transport (the seam) -> HTTP parser.
// ---------------------------------------------------------------------------

void HttpConnection::on_readable() {
    char buffer[16 * 1024];
    for (int reads = 0; reads < 4 && !finished_; ++reads) {  // bounded, so one busy client cannot hog the loop
        ssize_t received = ::recv(socket_.get(), buffer, sizeof buffer, 0);
        if (received < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK) break;
            if (errno == EINTR) continue;
            return abort(std::string("recv: ") + std::strerror(errno));
        }
        if (lingering_) {
            if (received == 0) finished_ = true;
            continue;
        }
        if (received == 0) {
            if (!transport_->on_socket_eof() && transport_->ready_for_http() && context_.error_log->enabled(LogLevel::info))
                context_.error_log->log(LogLevel::info, "client " + peer_address_ + " closed without close_notify");
            // The client will send nothing more, but it may still read what
            // we owe it (a half-closed socket): send that first.
            if (!output_pending()) {
                finished_ = true;
                return;
            }
            closing_ = true;
            break;
        }
        bool input_was_empty = http_input_.empty();
        std::size_t http_bytes_before = http_input_.size(), output_before = socket_output_.size();
        transport_->on_socket_bytes(toytls::ByteView(reinterpret_cast<const std::uint8_t*>(buffer),
                                                     static_cast<std::size_t>(received)),
                                    http_input_, socket_output_);
        if (context_.seam_tracer)
            context_.seam_tracer(transport_->protocol() + " " + peer_address_ + ": " + std::to_string(received) +
                                 " socket bytes in -> " + std::to_string(http_input_.size() - http_bytes_before) +
                                 " HTTP bytes up to the parser" +
                                 (socket_output_.size() > output_before
                                      ? ", " + std::to_string(socket_output_.size() - output_before) +
                                            " socket bytes to send back (handshake or alert)"
                                      : std::string()));
        if (input_was_empty && !http_input_.empty() && requests_served_ > 0) waiting_since_ = Clock::now();
        if (!handshake_done_ && transport_->ready_for_http()) {
            handshake_done_ = true;  // the header timeout starts now, after ssl_handshake_timeout
            waiting_since_ = Clock::now();
        }
        if (transport_->received_plain_http()) {
            answer_plain_http_on_toytls_port();
            break;
        }
        if (transport_->failed()) {
            // The alert is already in socket_output_; send it and close.
            context_.error_log->log(LogLevel::info, "toytls connection from " + peer_address_ +
                                                        " failed: " + transport_->failure());
            closing_ = true;
            break;
        }
        if (transport_->peer_closed()) {
            close_gracefully();
            break;
        }
        process_http_input();
        if (response_in_progress_ || closing_) break;
        // A short read emptied the socket's buffer: asking again would only
        // return EAGAIN. The selector reports the socket when more arrives.
        if (static_cast<std::size_t>(received) < sizeof buffer) break;
    }
    pump_output();
}

void HttpConnection::process_http_input() {
    while (!response_in_progress_ && !closing_ && transport_->ready_for_http()) {
        if (body_) {
            std::size_t consumed = body_->consume(http_input_);
            http_input_.erase(0, consumed);
            if (body_->error() != 0) {
                int status = body_->error();
                body_.reset();
                return respond(error_response(status));
            }
            if (!body_->done()) return;
            body_.reset();
            handle_request();
            continue;
        }
        if (http_input_.empty()) return;
        request_ = HttpRequest{};
        BodyFraming framing;
        ParseResult result = parse_request_head(http_input_, limits_, request_, framing);
        if (result.status == ParseResult::Status::incomplete) return;
        if (result.status == ParseResult::Status::error) {
            if (context_.access_log->enabled())
                access_request_line_ = http_input_.substr(0, std::min<std::size_t>(http_input_.find('\r'), 200));
            context_.error_log->log(LogLevel::info, "client " + peer_address_ + " sent an invalid request (" +
                                                        std::to_string(result.error_status) + "): " + result.error_reason);
            return respond(error_response(result.error_status));
        }
        http_input_.erase(0, result.consumed);
        if (context_.access_log->enabled())
            access_request_line_ = request_.method + " " + request_.target + " HTTP/1." +
                                   std::to_string(request_.version_minor);
        // The body (which a static server does not use) is read and thrown
        // away before answering, so the next request starts at the right byte.
        if (framing.kind != BodyFraming::Kind::none) {
            body_.emplace(framing, limits_.max_body_size);
            continue;
        }
        handle_request();
    }
}

const ServerBlock& HttpConnection::choose_server() const {
    // Like nginx: the Host header picks the server block among those
    // listening on this address:port; the first (default) one otherwise.
    std::string_view host = request_.header("Host").value_or("");
    host = host.substr(0, host.rfind(':') == std::string_view::npos ? host.size() : host.rfind(':'));
    for (const ServerBlock* server : context_.servers)
        for (const std::string& name : server->server_names)
            if (equals_ignoring_case(name, host)) return *server;
    return *context_.servers.front();
}

void HttpConnection::handle_request() {
    if (request_.method != "GET" && request_.method != "HEAD") return respond(error_response(405));
    respond(serve_static(request_, choose_server(), std::time(nullptr)));
}

// ---------------------------------------------------------------------------
// Output: HTTP response -> transport (the seam) -> socket.
// ---------------------------------------------------------------------------

void HttpConnection::send_http(std::string_view bytes) {
    std::size_t output_before = socket_output_.size();
    transport_->send_http_bytes(toytls::as_bytes(bytes), socket_output_);
    if (context_.seam_tracer)
        context_.seam_tracer(transport_->protocol() + " " + peer_address_ + ": " + std::to_string(bytes.size()) +
                             " HTTP bytes down from the server -> " +
                             std::to_string(socket_output_.size() - output_before) + " socket bytes out");
}

// A response leaves in as few send() calls as it can: the head, a small
// body (a string or a file of up to 16 KiB) and, when the connection will
// not be kept alive, ToyTLS's close_notify are queued together and go out
// in one send(); on ToyTLS the head and a small body are one record.
void HttpConnection::respond(HttpResponse response) {
    keep_alive_ = !response.close_connection && !stopping_ && request_.keep_alive();
    std::string http_output = format_response_head(response, keep_alive_, std::time(nullptr));
    access_status_ = response.status;
    access_body_bytes_ = 0;
    if (request_.method != "HEAD") {
        access_body_bytes_ = response.content_length();
        if (!response.file) {
            http_output += response.body;
        } else if (response.file->length <= inline_body_limit) {
            if (!read_whole_body(*response.file, http_output)) return;
        } else {
            file_ = std::move(response.file);
        }
    }
    send_http(http_output);
    response_in_progress_ = true;
    last_write_progress_ = Clock::now();
    if (!file_ && !keep_alive_) close_gracefully();
    pump_output();
}

bool HttpConnection::read_whole_body(const FileBody& body, std::string& out) {
    const std::size_t start = out.size();
    out.resize(start + static_cast<std::size_t>(body.length));
    std::size_t filled = 0;
    while (filled < body.length) {
        const ssize_t done = ::pread(body.file.get(), out.data() + start + filled, body.length - filled,
                                     static_cast<off_t>(body.offset + filled));
        if (done < 0 && errno == EINTR) continue;
        if (done <= 0) {
            abort(done == 0 ? "file shrank while it was being sent" : std::string("reading file: ") + std::strerror(errno));
            return false;
        }
        filled += static_cast<std::size_t>(done);
    }
    return true;
}

void HttpConnection::answer_plain_http_on_toytls_port() {
    HttpResponse response = error_response(400);
    response.body = "<html><head><title>400 Bad Request</title></head><body><h1>400 Bad Request</h1>"
                    "<p>This port speaks ToyTLS, not plain HTTP.";
    if (context_.plain_port) response.body += " Plain HTTP is served on port " + std::to_string(*context_.plain_port) + ".";
    response.body += "</p><hr>toytls-server</body></html>\n";
    // Written straight to the socket, not through the transport: the client
    // speaks no ToyTLS, so the answer must be plain text.
    std::string head = format_response_head(response, false, std::time(nullptr));
    toytls::append(socket_output_, toytls::as_bytes(head));
    toytls::append(socket_output_, toytls::as_bytes(response.body));
    context_.error_log->log(LogLevel::info, "client " + peer_address_ + " sent plain HTTP to a ToyTLS port");
    access_request_line_ = "-";
    access_status_ = 400;
    access_body_bytes_ = response.body.size();
    log_access();
    closing_ = true;
}

void HttpConnection::pump_output() {
    while (!finished_) {
        if (!flush_socket_output()) return;
        if (file_) {
            if (!stream_file()) return;
            continue;
        }
        if (response_in_progress_) {
            finish_response();  // may start the next pipelined response
            continue;
        }
        break;
    }
    if (closing_ && !lingering_ && !finished_) start_lingering_close();
}

bool HttpConnection::flush_socket_output() {
    while (socket_output_sent_ < socket_output_.size()) {
        // MSG_NOSIGNAL: a peer that went away gives EPIPE here, not a SIGPIPE
        // that would kill the whole server.
        // MSG_MORE while a file is still to come: the kernel may hold a
        // partly filled TCP segment for the next bytes instead of sending
        // a small one now (the head of a sendfile() response, say).
        const int flags = MSG_NOSIGNAL | (file_ ? MSG_MORE : 0);
        ssize_t sent = ::send(socket_.get(), socket_output_.data() + socket_output_sent_,
                              socket_output_.size() - socket_output_sent_, flags);
        if (sent > 0) {
            socket_output_sent_ += static_cast<std::size_t>(sent);
            last_write_progress_ = Clock::now();
            continue;
        }
        if (sent < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return false;
        if (sent < 0 && errno == EINTR) continue;
        abort(std::string("send: ") + std::strerror(errno));
        return false;
    }
    socket_output_.clear();
    socket_output_sent_ = 0;
    return true;
}

// Streams the next piece of the file: with sendfile on plain connections
// (the kernel copies file to socket, the bytes never enter this process), or
// on ToyTLS connections as one read of up to sealed_batch_size bytes, sealed
// into 16 KiB records that leave in one send() (the bytes must pass through
// the record layer to be encrypted). Either way memory stays bounded: one
// batch of plaintext and one of records per connection, while it downloads.
bool HttpConnection::stream_file() {
    if (transport_->can_sendfile()) {
        const auto wanted = static_cast<std::size_t>(std::min<std::uint64_t>(file_->length, sendfile_chunk_size));
        off_t offset = static_cast<off_t>(file_->offset);
        const ssize_t done = ::sendfile(socket_.get(), file_->file.get(), &offset, wanted);
        if (done < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return false;
        return advance_file(done);
    }
    if (!file_batch_) file_batch_ = std::make_unique_for_overwrite<char[]>(sealed_batch_size);
    const auto wanted = static_cast<std::size_t>(std::min<std::uint64_t>(file_->length, sealed_batch_size));
    const ssize_t done = ::pread(file_->file.get(), file_batch_.get(), wanted, static_cast<off_t>(file_->offset));
    if (done > 0) send_http(std::string_view(file_batch_.get(), static_cast<std::size_t>(done)));
    return advance_file(done);
}

bool HttpConnection::advance_file(ssize_t bytes_done) {
    if (bytes_done <= 0) {
        abort(bytes_done == 0 ? "file shrank while it was being sent"
                              : std::string("sending file: ") + std::strerror(errno));
        return false;
    }
    file_->offset += static_cast<std::uint64_t>(bytes_done);
    file_->length -= static_cast<std::uint64_t>(bytes_done);
    last_write_progress_ = Clock::now();
    if (file_->length == 0) {
        file_.reset();
        file_batch_.reset();
        if (!keep_alive_) close_gracefully();  // close_notify leaves with the last record
    }
    return true;
}

void HttpConnection::log_access() {
    if (!context_.access_log->enabled()) return;
    AccessLogEntry entry;
    entry.peer_address = peer_address_.substr(0, peer_address_.rfind(':'));  // $remote_addr: no port
    entry.time = std::time(nullptr);
    entry.request_line = access_request_line_.empty() ? "-" : access_request_line_;
    entry.status = access_status_;
    entry.body_bytes = access_body_bytes_;
    entry.referer = std::string(request_.header("Referer").value_or("-"));
    entry.user_agent = std::string(request_.header("User-Agent").value_or("-"));
    entry.protocol = transport_->protocol();
    context_.access_log->log(entry);
}

void HttpConnection::finish_response() {
    response_in_progress_ = false;
    ++requests_served_;
    log_access();
    waiting_since_ = Clock::now();
    if (!keep_alive_ || stopping_) return close_gracefully();
    if (http_input_.empty()) release_idle_memory();
    process_http_input();
}

// An idle keep-alive connection keeps no buffers and nothing of its last
// request: with 10,000 idle connections every byte counts 10,000 times.
// Allocating them again for the next request costs far less than a syscall.
void HttpConnection::release_idle_memory() {
    if (socket_output_.empty()) socket_output_ = toytls::Bytes();
    http_input_ = std::string();
    request_ = HttpRequest{};
    access_request_line_ = std::string();
    transport_->release_idle_buffers();
}

void HttpConnection::close_gracefully() {
    if (closing_) return;
    closing_ = true;
    std::size_t output_before = socket_output_.size();
    transport_->close(socket_output_);  // ToyTLS: close_notify, so the client can tell the end from a cut
    if (context_.seam_tracer && socket_output_.size() > output_before)
        context_.seam_tracer(transport_->protocol() + " " + peer_address_ + ": closing: " +
                             std::to_string(socket_output_.size() - output_before) +
                             " socket bytes out (close_notify)");
}

void HttpConnection::start_lingering_close() {
    ::shutdown(socket_.get(), SHUT_WR);
    lingering_ = true;
    linger_started_ = Clock::now();
}

void HttpConnection::abort(const std::string& why) {
    if (context_.error_log->enabled(LogLevel::info))
        context_.error_log->log(LogLevel::info, "closing connection from " + peer_address_ + ": " + why);
    finished_ = true;
}

void HttpConnection::on_writable() { pump_output(); }

void HttpConnection::on_timeout() {
    if (lingering_) {
        finished_ = true;
    } else if (output_pending()) {
        abort("send timed out (the client is not reading)");
    } else if (requests_served_ == 0 || !http_input_.empty() || body_) {
        abort(transport_->ready_for_http() ? "client timed out sending the request header"
                                           : "client timed out during the ToyTLS handshake");
    } else {
        close_gracefully();  // keep-alive timeout: an idle connection is closed politely
        pump_output();
    }
}

void HttpConnection::stop_after_current_response() {
    stopping_ = true;
    if (!response_in_progress_ && !body_ && http_input_.empty()) {
        close_gracefully();
        pump_output();
    }
}

}  // namespace webserver
