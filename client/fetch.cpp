#include "client/fetch.hpp"

#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <memory>
#include <sstream>

#include "toytls/client.hpp"
#include "webserver/unique_fd.hpp"

namespace toytls_client {

namespace {

using SteadyClock = std::chrono::steady_clock;
using webserver::UniqueFd;

bool equal_ignoring_case(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
           });
}

// How fetch() gives up part-way: thrown only inside this file and turned
// into the FetchResult at fetch()'s boundary, so that each step below can
// read as the happy path.
struct FetchError {
    FetchOutcome outcome;
    std::string message;
};

std::string seconds_text(std::chrono::milliseconds duration) {
    std::ostringstream text;
    text << static_cast<double>(duration.count()) / 1000.0 << " s";
    return text.str();
}

// A moment after which we give up, and which option set it; or never.
class Deadline {
public:
    Deadline() = default;
    Deadline(std::optional<std::chrono::milliseconds> timeout, std::string option_name) {
        if (!timeout) return;
        at_ = SteadyClock::now() + *timeout;
        description_ = option_name + " " + seconds_text(*timeout);
    }

    Deadline earlier(const Deadline& other) const {
        if (!other.at_) return *this;
        if (!at_) return other;
        return *other.at_ < *at_ ? other : *this;
    }

    // For poll(): -1 is "no timeout"; rounded up so that we never wake early and spin.
    int poll_timeout_ms() const {
        if (!at_) return -1;
        auto left = std::chrono::ceil<std::chrono::milliseconds>(*at_ - SteadyClock::now());
        return static_cast<int>(std::clamp<std::chrono::milliseconds::rep>(left.count(), 0, 1'000'000'000));
    }

    [[noreturn]] void throw_timeout(std::string_view while_doing) const {
        throw FetchError{FetchOutcome::error, "timed out (" + description_ + ") " + std::string(while_doing)};
    }

private:
    std::optional<SteadyClock::time_point> at_;
    std::string description_;
};

// Waits until `fd` is ready for `events` (POLLIN or POLLOUT), or throws at the deadline.
void wait_for(int fd, short events, const Deadline& deadline, std::string_view while_doing) {
    while (true) {
        pollfd entry{fd, events, 0};
        int ready = ::poll(&entry, 1, deadline.poll_timeout_ms());
        if (ready > 0) return;  // ready, or an error that the next send/recv/getsockopt reports
        if (ready == 0) deadline.throw_timeout(while_doing);
        if (errno != EINTR) throw FetchError{FetchOutcome::error, std::string("poll: ") + std::strerror(errno)};
    }
}

struct AddrInfoDeleter {
    void operator()(addrinfo* list) const { ::freeaddrinfo(list); }
};
using AddrInfoList = std::unique_ptr<addrinfo, AddrInfoDeleter>;

std::string numeric_address(const addrinfo& address) {
    std::array<char, NI_MAXHOST> host{};
    if (::getnameinfo(address.ai_addr, address.ai_addrlen, host.data(), host.size(), nullptr, 0, NI_NUMERICHOST) != 0)
        return "?";
    return host.data();
}

// A connected, non-blocking TCP socket. Every wait goes through poll() with
// the deadline that applies, so no call can block for longer than asked.
class Socket {
public:
    explicit Socket(UniqueFd fd) : fd_(std::move(fd)) {}

    void send_all(toytls::ByteView bytes, const Deadline& deadline) {
        while (!bytes.empty()) {
            // MSG_NOSIGNAL: a peer that has gone away gives EPIPE here
            // instead of a SIGPIPE that would kill the whole program.
            ssize_t sent = ::send(fd_.get(), bytes.data(), bytes.size(), MSG_NOSIGNAL);
            if (sent >= 0) {
                bytes = bytes.subspan(static_cast<std::size_t>(sent));
                bytes_sent_ += static_cast<std::uint64_t>(sent);
            } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
                wait_for(fd_.get(), POLLOUT, deadline, "while sending");
            } else if (errno != EINTR) {
                throw FetchError{FetchOutcome::error, std::string("send: ") + std::strerror(errno)};
            }
        }
    }

    // Waits for bytes; returns how many arrived, 0 when the peer closed.
    std::size_t receive(std::span<std::uint8_t> buffer, const Deadline& deadline, std::string_view while_doing) {
        while (true) {
            ssize_t received = ::recv(fd_.get(), buffer.data(), buffer.size(), 0);
            if (received >= 0) {
                bytes_received_ += static_cast<std::uint64_t>(received);
                return static_cast<std::size_t>(received);
            }
            if (errno == EAGAIN || errno == EWOULDBLOCK)
                wait_for(fd_.get(), POLLIN, deadline, while_doing);
            else if (errno == ECONNRESET)
                throw FetchError{FetchOutcome::error, "the server reset the connection"};
            else if (errno != EINTR)
                throw FetchError{FetchOutcome::error, std::string("recv: ") + std::strerror(errno)};
        }
    }

    std::uint64_t bytes_sent() const { return bytes_sent_; }
    std::uint64_t bytes_received() const { return bytes_received_; }

private:
    UniqueFd fd_;
    std::uint64_t bytes_sent_ = 0;
    std::uint64_t bytes_received_ = 0;
};

// getaddrinfo, then each address in turn until one accepts (IPv6 and IPv4 alike).
Socket connect_to(const Url& url, const Deadline& deadline, const Narrator& narrate) {
    auto say = [&narrate](const std::string& line) {
        if (narrate) narrate("* " + line);
    };
    std::string port = std::to_string(url.port);
    say("resolving " + url.host);
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICSERV;
    addrinfo* raw_list = nullptr;
    int status = ::getaddrinfo(url.host.c_str(), port.c_str(), &hints, &raw_list);
    AddrInfoList addresses(raw_list);
    if (status != 0) {
        std::string why = status == EAI_SYSTEM ? std::strerror(errno) : ::gai_strerror(status);
        throw FetchError{FetchOutcome::cannot_connect, "cannot resolve host '" + url.host + "': " + why};
    }

    std::string failures;
    for (const addrinfo* address = addresses.get(); address != nullptr; address = address->ai_next) {
        std::string where = numeric_address(*address);
        auto record_failure = [&](int error_number) {
            failures += (failures.empty() ? "" : "; ") + where + ": " + std::strerror(error_number);
            say("connecting to " + where + " port " + port + " failed: " + std::strerror(error_number));
        };
        UniqueFd fd(::socket(address->ai_family, address->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
                             address->ai_protocol));
        if (!fd) {
            record_failure(errno);
            continue;
        }
        say("connecting to " + where + " port " + port);
        // A non-blocking connect returns at once; poll() then tells us when
        // it has finished, and SO_ERROR whether it worked.
        if (::connect(fd.get(), address->ai_addr, address->ai_addrlen) != 0) {
            if (errno != EINPROGRESS) {
                record_failure(errno);
                continue;
            }
            wait_for(fd.get(), POLLOUT, deadline, "while connecting to " + where + " port " + port);
            int connect_error = 0;
            socklen_t length = sizeof connect_error;
            if (::getsockopt(fd.get(), SOL_SOCKET, SO_ERROR, &connect_error, &length) != 0) connect_error = errno;
            if (connect_error != 0) {
                record_failure(connect_error);
                continue;
            }
        }
        say("connected to " + where + " port " + port);
        return Socket(std::move(fd));
    }
    throw FetchError{FetchOutcome::cannot_connect,
                     "cannot connect to " + url.host + " port " + port + ": " + failures};
}

// One fetch: the connection, the response reader, and where the response goes.
class Fetcher {
public:
    Fetcher(const FetchOptions& options, FetchResult& result)
        : options_(options),
          result_(result),
          max_time_(options.max_time, "--max-time"),
          // Measured from the start, like the overall limit: resolving and
          // connecting (and the handshake) together get this long.
          connect_deadline_(Deadline(options.connect_timeout, "--connect-timeout").earlier(max_time_)),
          request_head_(build_request_head(options.url, options.head_request, options.extra_headers)),
          reader_(options.head_request) {}

    void run() {
        if (options_.url.scheme == Scheme::http)
            fetch_over_plain_tcp();
        else
            fetch_over_toytls();
    }

private:
    void say(const std::string& line) const {
        if (options_.narrate) options_.narrate("* " + line);
    }

    void fetch_over_plain_tcp() {
        Socket socket = connect_to(options_.url, connect_deadline_, options_.narrate);
        narrate_http_head(options_.narrate, "> ", request_head_);
        socket.send_all(toytls::as_bytes(request_head_), max_time_);
        say("request sent: " + std::to_string(request_head_.size()) + " bytes");
        // Plain HTTP has nothing more to learn once the response is complete.
        while (reader_.status() == HttpResponseReader::Status::in_progress) {
            std::size_t received = socket.receive(buffer_, max_time_, "while waiting for the response");
            if (received == 0) {
                say("the server closed the connection");
                reader_.finish();
                break;
            }
            say("TCP: received " + std::to_string(received) + " bytes");
            deliver(std::string_view(reinterpret_cast<const char*>(buffer_.data()), received));
        }
        count_wire_bytes(socket);
        if (reader_.status() == HttpResponseReader::Status::truncated)
            throw FetchError{FetchOutcome::truncated, "response truncated: " + reader_.error()};
        say_response_complete();
    }

    void fetch_over_toytls() {
        std::string server_name = options_.server_name.empty() ? options_.url.host : options_.server_name;
        if (!is_valid_server_name(server_name))
            throw FetchError{FetchOutcome::error, "'" + server_name +
                                                      "' cannot be sent as a ToyTLS server name (only letters, "
                                                      "digits, '.' and '-'): pass --servername"};
        Socket socket = connect_to(options_.url, connect_deadline_, options_.narrate);

        ToyTlsNarrator narrator(options_.narrate, request_head_);  // declared first: it outlives the connection
        toytls::ClientConfig config;
        config.trust_store = options_.trust_store;
        config.server_name = server_name;
        config.insecure_skip_chain_verification = options_.insecure_skip_chain_verification;
        config.key_log = options_.key_log;
        if (options_.narrate) config.observer = narrator.observer();
        toytls::ClientConnection connection(std::move(config));

        // Queued now, sent by the library together with our Finished: one
        // round trip saved, and never a byte of it before the handshake is done.
        connection.write(toytls::as_bytes(request_head_));
        socket.send_all(connection.pop(), connect_deadline_);

        bool established = false;
        // close_notify is the server's authenticated "that was all".
        while (!connection.peer_closed()) {
            const Deadline& deadline = established ? max_time_ : connect_deadline_;
            std::size_t received = socket.receive(buffer_, deadline,
                                                  established ? "while waiting for the response"
                                                              : "during the ToyTLS handshake");
            if (received == 0) {
                say("TCP: the server closed the connection");
                connection.feed_eof();
            } else {
                say("TCP: received " + std::to_string(received) + " bytes");
                connection.feed(std::span(buffer_).first(received));
            }
            send_what_the_connection_has(socket, connection, deadline);
            established = established || connection.established();
            if (!established && connection.failed()) {
                result_.handshake_failure = connection.failure();
                count_wire_bytes(socket);
                throw FetchError{FetchOutcome::handshake_failed, "handshake failed: " + connection.failure()->describe()};
            }
            result_.cipher_suite = connection.cipher_suite();
            connection.read_into(plaintext_);
            deliver(toytls::as_text(plaintext_));  // what arrived, even just before a failure
            plaintext_.clear();
            if (connection.failed()) {
                count_wire_bytes(socket);
                if (connection.truncated()) throw_truncated_without_close_notify();
                throw FetchError{FetchOutcome::error, "connection failed: " + connection.failure()->describe()};
            }
            // We have what we came for: say goodbye first, which prompts the
            // server's own close_notify.
            if (reader_.status() == HttpResponseReader::Status::complete && !connection.close_sent()) {
                connection.close();
                send_what_the_connection_has(socket, connection, deadline);
            }
        }
        reader_.finish();  // close_notify: a body "until close" ends here
        pass_on_response_parts();
        if (!connection.close_sent()) {
            connection.close();
            send_what_the_connection_has(socket, connection, max_time_);
        }
        count_wire_bytes(socket);
        if (reader_.status() == HttpResponseReader::Status::truncated)
            throw FetchError{FetchOutcome::truncated, "response truncated: " + reader_.error()};
        say_response_complete();
    }

    // After a failure the connection may hold an alert for the server. It is
    // sent on a best-effort basis: the server may already be gone.
    void send_what_the_connection_has(Socket& socket, toytls::Connection& connection, const Deadline& deadline) {
        toytls::Bytes wire = connection.pop();
        if (wire.empty()) return;
        if (!connection.failed()) return socket.send_all(wire, deadline);
        try {
            socket.send_all(wire, deadline);
        } catch (const FetchError&) {
            // The failure that matters is the connection's, reported by the caller.
        }
    }

    [[noreturn]] void throw_truncated_without_close_notify() {
        // Without close_notify, anyone on the path could have cut the stream
        // here: even a response that looks complete cannot be trusted to be.
        reader_.finish();
        pass_on_response_parts();
        std::string message = "response truncated: connection closed without close_notify";
        if (reader_.status() == HttpResponseReader::Status::truncated) message += " (" + reader_.error() + ")";
        throw FetchError{FetchOutcome::truncated, message};
    }

    // Plaintext from the server: into the HTTP reader, and on to the caller.
    void deliver(std::string_view plaintext) {
        if (plaintext.empty()) return;
        reader_.feed(plaintext);
        pass_on_response_parts();
        if (reader_.status() == HttpResponseReader::Status::malformed)
            throw FetchError{FetchOutcome::error, "malformed HTTP response: " + reader_.error()};
    }

    void pass_on_response_parts() {
        if (!result_.head && reader_.head()) {
            result_.head = *reader_.head();
            narrate_http_head(options_.narrate, "< ", result_.head->raw);
            if (options_.on_head) options_.on_head(*result_.head);
        }
        reader_.take_body(body_piece_);
        result_.body_size = reader_.body_size();
        if (body_piece_.empty()) return;
        if (!options_.on_body)
            result_.body += body_piece_;
        else if (!options_.on_body(body_piece_))
            throw FetchError{FetchOutcome::error, "stopped: the response body could not be written"};
    }

    void count_wire_bytes(const Socket& socket) {
        result_.wire_bytes_sent = socket.bytes_sent();
        result_.wire_bytes_received = socket.bytes_received();
    }

    void say_response_complete() const {
        std::string line = "response complete: status " + std::to_string(result_.head->status_code) + ", " +
                           std::to_string(reader_.body_size()) + " body bytes; " +
                           std::to_string(result_.wire_bytes_sent) + " bytes sent and " +
                           std::to_string(result_.wire_bytes_received) + " received on the wire";
        if (reader_.ignored_bytes() > 0)
            line += "; ignored " + std::to_string(reader_.ignored_bytes()) + " bytes after the response";
        say(line);
    }

    const FetchOptions& options_;
    FetchResult& result_;
    Deadline max_time_;
    Deadline connect_deadline_;
    std::string request_head_;
    HttpResponseReader reader_;
    std::array<std::uint8_t, 256 * 1024> buffer_{};  // up to 16 full records per recv()
    // Reused for every read of a download (see read_into and take_body).
    toytls::Bytes plaintext_;
    std::string body_piece_;
};

bool is_token_char(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) ||
           std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

}  // namespace

std::optional<HeaderField> parse_header_option(std::string_view text, std::string& error) {
    std::size_t colon = text.find(':');
    if (colon == std::string_view::npos || colon == 0) {
        error = "header '" + std::string(text) + "' is not 'Name: value'";
        return std::nullopt;
    }
    std::string_view name = text.substr(0, colon);
    if (!std::all_of(name.begin(), name.end(), is_token_char)) {
        error = "header name '" + std::string(name) + "' may not hold blanks or separators";
        return std::nullopt;
    }
    std::string_view value = text.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
    while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
    if (std::any_of(value.begin(), value.end(), [](char c) {
            auto byte = static_cast<unsigned char>(c);
            return (byte < 0x20 && c != '\t') || byte == 0x7f;
        })) {
        error = "the value of header '" + std::string(name) + "' holds a control character (CR, LF...)";
        return std::nullopt;
    }
    return HeaderField{std::string(name), std::string(value)};
}

std::string build_request_head(const Url& url, bool head_request, const std::vector<HeaderField>& extra_headers) {
    std::vector<HeaderField> defaults = {
        {"Host", host_header_value(url)},
        {"User-Agent", std::string(user_agent)},
        {"Accept", "*/*"},
        {"Connection", "close"},
    };
    std::vector<HeaderField> extras;
    for (const HeaderField& extra : extra_headers) {
        auto same_name = [&extra](const HeaderField& field) { return equal_ignoring_case(field.name, extra.name); };
        auto replaced = std::find_if(defaults.begin(), defaults.end(), same_name);
        if (replaced == defaults.end()) {
            if (!extra.value.empty()) extras.push_back(extra);
        } else if (extra.value.empty()) {
            defaults.erase(replaced);
        } else {
            *replaced = extra;
        }
    }
    std::string head = std::string(head_request ? "HEAD " : "GET ") + url.target + " HTTP/1.1\r\n";
    for (const auto* fields : {&defaults, &extras})
        for (const HeaderField& field : *fields) head += field.name + ": " + field.value + "\r\n";
    head += "\r\n";
    return head;
}

bool is_valid_server_name(std::string_view name) {
    return !name.empty() && name.size() <= 255 && std::all_of(name.begin(), name.end(), [](char c) {
               return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-';
           });
}

FetchResult fetch(const FetchOptions& options) {
    FetchResult result;
    try {
        Fetcher(options, result).run();
    } catch (const FetchError& error) {
        result.outcome = error.outcome;
        result.message = error.message;
    }
    return result;
}

}  // namespace toytls_client
