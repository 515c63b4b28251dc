// Alerts (RFC 8446 section 6): how one side tells the other that it is
// closing, or why it gave up. ToyTLS keeps the TLS numbers.
#pragma once

#include <cstdint>
#include <string_view>

namespace toytls {

enum class AlertLevel : std::uint8_t { warning = 1, fatal = 2 };

enum class Alert : std::uint8_t {
    close_notify = 0,
    unexpected_message = 10,
    bad_record_mac = 20,
    record_overflow = 22,
    handshake_failure = 40,
    bad_certificate = 42,
    certificate_expired = 45,
    unknown_ca = 48,
    decode_error = 50,
    decrypt_error = 51,
    protocol_version = 70,
    internal_error = 80,
    unrecognized_name = 112,
};

// "bad_record_mac" for Alert::bad_record_mac; "unknown" for numbers ToyTLS
// does not define (a peer may still send them).
std::string_view alert_name(Alert alert);

}  // namespace toytls
