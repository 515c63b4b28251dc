#include "webserver/transport.hpp"

namespace webserver {

using toytls::Bytes;
using toytls::ByteView;

void ToyTlsTransport::on_socket_bytes(ByteView socket_bytes, std::string& http_input, Bytes& socket_output) {
    if (!first_bytes_seen_ && !socket_bytes.empty()) {
        first_bytes_seen_ = true;
        // A ToyTLS stream starts with a handshake record (type 22); an HTTP
        // request starts with an upper-case method name.
        if (socket_bytes[0] >= 'A' && socket_bytes[0] <= 'Z') {
            received_plain_http_ = true;
            return;
        }
    }
    tls_.feed(socket_bytes);                                // records in ...
    tls_.pop_into(socket_output);                           // ... handshake or alerts out ...
    http_input.append(toytls::as_text(tls_.read()));        // ... authenticated plaintext up
}

void ToyTlsTransport::send_http_bytes(ByteView http_bytes, Bytes& socket_output) {
    tls_.write(http_bytes);                    // plaintext in ...
    tls_.pop_into(socket_output);              // ... sealed records out
}

void ToyTlsTransport::close(Bytes& socket_output) {
    tls_.close();
    tls_.pop_into(socket_output);
}

bool ToyTlsTransport::on_socket_eof() {
    tls_.feed_eof();
    return tls_.peer_closed();
}

std::string ToyTlsTransport::failure() const {
    if (received_plain_http_) return "plain HTTP request on a ToyTLS port";
    return tls_.failure() ? tls_.failure()->describe() : std::string();
}

std::string ToyTlsTransport::protocol() const {
    if (!tls_.cipher_suite()) return "toytls";
    return "toytls " + std::string(toytls::cipher_suite_name(*tls_.cipher_suite()));
}

}  // namespace webserver
