// What -v prints: one line per step, to stderr, in the style of curl -v.
//
//   * ...   what the client is doing (connecting, each ToyTLS step, each record)
//   > ...   the request head, as sent
//   < ...   the response head, as received
//
// For ToyTLS the steps come from the library itself: ToyTlsNarrator is an
// EventObserver that turns each ConnectionEvent into a sentence.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "toytls/events.hpp"

namespace toytls_client {

// Receives one line of narration, without its newline. Empty: be quiet.
using Narrator = std::function<void(std::string_view line)>;

// Narrates each line of an HTTP head ("GET / HTTP/1.1\r\nHost: ...\r\n\r\n")
// with `prefix` ("> " or "< ") in front; the blank line at the end is left out.
void narrate_http_head(const Narrator& narrate, std::string_view prefix, std::string_view head);

class ToyTlsNarrator {
public:
    // `request_head` is narrated when the handshake completes, because that
    // is when the library sends the request it was given before the handshake.
    ToyTlsNarrator(Narrator narrate, std::string request_head);
    ToyTlsNarrator(const ToyTlsNarrator&) = delete;
    ToyTlsNarrator& operator=(const ToyTlsNarrator&) = delete;

    // An observer for ClientConfig::observer. It refers to this narrator,
    // which must outlive the connection.
    toytls::EventObserver observer();

    void on_event(const toytls::ConnectionEvent& event);

private:
    void say(std::string_view text) const;
    void narrate_record(const toytls::ConnectionEvent& event);
    void narrate_message_sent(const toytls::ConnectionEvent& event);
    void narrate_message_received(const toytls::ConnectionEvent& event);

    Narrator narrate_;
    std::string request_head_;
    bool records_protected_ = false;  // true once the keys are derived: both directions switch together
    // CertificateVerify has no event of its own for "the signature verified":
    // it did if the next step is not a failure.
    bool certificate_verify_pending_ = false;
};

}  // namespace toytls_client
