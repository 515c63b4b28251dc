// THE SEAM. Everything the web server knows about ToyTLS is in this file
// and transport.cpp.
//
//   plain:   socket bytes ------------------------------> HTTP input
//   ToyTLS:  socket bytes --feed()--> ServerConnection --read()--> HTTP input
//                                            |
//                                          pop() --> socket (handshake, alerts)
//
// and the other way for responses. The HTTP parser, the router and the
// file server above this line never learn which kind of connection they
// are serving.
#pragma once

#include <memory>
#include <string>

#include "toytls/server.hpp"

namespace webserver {

class Transport {
public:
    virtual ~Transport() = default;

    // Bytes arrived from the socket. Appends the HTTP bytes they carry to
    // `http_input` and any bytes that must go back (handshake, alerts) to
    // `socket_output`.
    virtual void on_socket_bytes(toytls::ByteView socket_bytes, std::string& http_input,
                                 toytls::Bytes& socket_output) = 0;
    // The HTTP layer wants to send `http_bytes`: appends the socket bytes.
    virtual void send_http_bytes(toytls::ByteView http_bytes, toytls::Bytes& socket_output) = 0;
    // The server is done with this connection (ToyTLS: close_notify).
    virtual void close(toytls::Bytes& socket_output) = 0;
    // The peer closed TCP. Returns true if that was a clean end.
    virtual bool on_socket_eof() = 0;

    // True when the connection can no longer carry HTTP (failed handshake,
    // bad record, alert from the peer...). Then `failure()` says why.
    virtual bool failed() const = 0;
    virtual std::string failure() const = 0;
    // ToyTLS: the client sent close_notify (it will send nothing more).
    virtual bool peer_closed() const = 0;
    // True once HTTP bytes can flow (always, for plain).
    virtual bool ready_for_http() const = 0;
    // Plain connections may hand a file straight to the kernel (sendfile);
    // ToyTLS ones must read it and seal it into records.
    virtual bool can_sendfile() const = 0;
    // "plain", or "toytls TOYTLS_AES_256_GCM_SHA256": for the access log.
    virtual std::string protocol() const = 0;
    // ToyTLS: the server name the client asked for (SNI); plain: empty.
    virtual std::string requested_server_name() const = 0;
    // ToyTLS: the first bytes looked like a plain HTTP request ("GET / ..."),
    // so the server can say in plain text that this is the wrong port, as
    // nginx does for HTTPS ports. Plain: always false.
    virtual bool received_plain_http() const { return false; }
    // The connection is idle: free buffers that are empty (ToyTLS keeps
    // record buffers; plain has none).
    virtual void release_idle_buffers() {}
};

class PlainTransport final : public Transport {
public:
    void on_socket_bytes(toytls::ByteView socket_bytes, std::string& http_input, toytls::Bytes&) override {
        http_input.append(toytls::as_text(socket_bytes));  // socket bytes ARE the HTTP bytes
    }
    void send_http_bytes(toytls::ByteView http_bytes, toytls::Bytes& socket_output) override {
        toytls::append(socket_output, http_bytes);
    }
    void close(toytls::Bytes&) override {}
    bool on_socket_eof() override { return true; }
    bool failed() const override { return false; }
    std::string failure() const override { return {}; }
    bool peer_closed() const override { return false; }
    bool ready_for_http() const override { return true; }
    bool can_sendfile() const override { return true; }
    std::string protocol() const override { return "plain"; }
    std::string requested_server_name() const override { return {}; }
};

class ToyTlsTransport final : public Transport {
public:
    explicit ToyTlsTransport(std::shared_ptr<const toytls::ServerConfig> config) : tls_(std::move(config)) {}

    void on_socket_bytes(toytls::ByteView socket_bytes, std::string& http_input, toytls::Bytes& socket_output) override;
    void send_http_bytes(toytls::ByteView http_bytes, toytls::Bytes& socket_output) override;
    void close(toytls::Bytes& socket_output) override;
    bool on_socket_eof() override;
    bool failed() const override { return tls_.failed() || received_plain_http_; }
    bool peer_closed() const override { return tls_.peer_closed(); }
    std::string failure() const override;
    bool ready_for_http() const override { return tls_.established(); }
    bool can_sendfile() const override { return false; }
    std::string protocol() const override;
    std::string requested_server_name() const override { return tls_.requested_server_name(); }

    bool received_plain_http() const override { return received_plain_http_; }
    void release_idle_buffers() override { tls_.release_idle_buffers(); }

private:
    toytls::ServerConnection tls_;
    bool first_bytes_seen_ = false;
    bool received_plain_http_ = false;
};

}  // namespace webserver
