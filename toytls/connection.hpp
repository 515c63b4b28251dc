// The sans-I/O connection: the part of ToyTLS that ClientConnection and
// ServerConnection share. It never touches a socket. The application
//
//   feed(bytes)   gives it whatever TCP delivered (any split of the stream),
//   pop()         takes the bytes it wants sent (handshake, alerts, records),
//   read()        takes the authenticated plaintext that has arrived,
//   write(bytes)  hands it plaintext to protect and send,
//   close()       asks it to send close_notify,
//   feed_eof()    tells it TCP was closed by the peer.
//
// The record layer lives here; the handshake steps live in client.cpp and
// server.cpp, one function per message they expect.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "toytls/alert.hpp"
#include "toytls/cipher_suite.hpp"
#include "toytls/events.hpp"
#include "toytls/key_schedule.hpp"
#include "toytls/messages.hpp"
#include "toytls/record.hpp"
#include "toytls/transcript.hpp"

namespace toytls {

enum class ConnectionState {
    expect_client_hello,        // server
    expect_server_hello,        // client
    expect_certificate,         // client
    expect_certificate_verify,  // client
    expect_finished,            // both: the peer's Finished
    established,
    failed,
};

std::string_view connection_state_name(ConnectionState state);

// Why a connection failed: which alert, who sent it, and what check failed.
struct ConnectionFailure {
    Alert alert = Alert::internal_error;
    bool alert_sent_by_peer = false;  // false: we detected the problem and sent the alert
    bool truncated = false;           // TCP closed without close_notify (no alert at all)
    std::string reason;

    // "sent bad_record_mac: sequence mismatch: got 3, expected 2"
    std::string describe() const;
};

class Connection {
public:
    virtual ~Connection();
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    void feed(ByteView wire_bytes);
    void feed_eof();
    Bytes pop();
    // The same, appended to `out`: when `out` is empty the two buffers are
    // swapped, so a busy connection passes records along without copying
    // them or allocating a new buffer for each.
    void pop_into(Bytes& out);
    Bytes read();
    // The same, appended to `out`, swapping buffers when `out` is empty (as
    // pop_into does): a client reading a long download reuses two buffers
    // instead of allocating one per read.
    void read_into(Bytes& out);
    // Queues plaintext (split into records of at most 16 KiB). Before the
    // handshake is complete it is held and sent once established. Returns
    // false, queuing nothing, after close() or failure.
    bool write(ByteView plaintext);
    void close();

    ConnectionState state() const { return state_; }
    bool established() const { return state_ == ConnectionState::established; }
    bool failed() const { return state_ == ConnectionState::failed; }
    const std::optional<ConnectionFailure>& failure() const { return failure_; }
    bool peer_closed() const { return peer_closed_; }  // close_notify received
    bool close_sent() const { return close_sent_; }
    bool truncated() const { return failure_ && failure_->truncated; }
    std::optional<CipherSuite> cipher_suite() const { return cipher_suite_; }
    bool has_output() const { return !outgoing_.empty(); }
    // Frees the capacity of every buffer that is empty now. A server calls
    // it when a connection goes idle, so that thousands of idle connections
    // hold only their keys and state, not the buffers of their last response.
    void release_idle_buffers();
    Side side() const { return side_; }

protected:
    Connection(Side side, ConnectionState first_state, EventObserver observer, KeyLogSink key_log);

    // One complete handshake message, header included, arrived in a state
    // that is not `established`. The subclass dispatches on state().
    virtual void on_handshake_message(HandshakeType type, ByteView message) = 0;

    // The connection's error path: raises the alert and records the reason in
    // one call, so that no check can fail without telling the peer why.
    void fail(Alert alert, std::string reason);

    void set_state(ConnectionState state) { state_ = state; }
    void send_handshake_message(const Bytes& message, std::string_view summary);
    // Derives the traffic secrets and switches both directions to protected
    // records. `client_random` identifies the session in the key log.
    TrafficSecrets derive_keys_and_protect(const Secret<32>& shared_secret, CipherSuite suite,
                                           const Random& client_random);
    void become_established();

    void emit(EventKind kind, std::string summary, ByteView bytes = {},
              std::vector<std::pair<std::string, Bytes>> values = {}) const;
    bool observed() const { return static_cast<bool>(observer_); }

    Transcript transcript_;

private:
    bool is_plaintext_handshake_alert(ContentType type, std::size_t body_length) const;
    bool check_record_header(ByteView header);
    void process_complete_record(ByteView record);
    void process_record(ContentType type, ByteView body);
    void process_handshake_record(ByteView plaintext);
    void process_alert_record(ByteView plaintext);
    void send_record(ContentType type, ByteView payload);
    void send_alert(AlertLevel level, Alert alert);
    void flush_pending_application_data();

    Side side_;
    ConnectionState state_;
    EventObserver observer_;
    KeyLogSink key_log_;
    std::optional<ConnectionFailure> failure_;
    std::optional<CipherSuite> cipher_suite_;
    std::unique_ptr<RecordProtection> read_protection_;
    std::unique_ptr<RecordProtection> write_protection_;
    Bytes incoming_record_;   // a partial record: at most one record's worth of bytes
    Bytes record_plaintext_;  // scratch space for an opened handshake or alert record
    Bytes outgoing_;          // wire bytes waiting for pop()
    Bytes received_plaintext_;
    Bytes pending_plaintext_;  // written before the handshake completed
    bool peer_closed_ = false;
    bool close_sent_ = false;
};

}  // namespace toytls
