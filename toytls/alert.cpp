#include "toytls/alert.hpp"

namespace toytls {

std::string_view alert_name(Alert alert) {
    switch (alert) {
        case Alert::close_notify: return "close_notify";
        case Alert::unexpected_message: return "unexpected_message";
        case Alert::bad_record_mac: return "bad_record_mac";
        case Alert::record_overflow: return "record_overflow";
        case Alert::handshake_failure: return "handshake_failure";
        case Alert::bad_certificate: return "bad_certificate";
        case Alert::certificate_expired: return "certificate_expired";
        case Alert::unknown_ca: return "unknown_ca";
        case Alert::decode_error: return "decode_error";
        case Alert::decrypt_error: return "decrypt_error";
        case Alert::protocol_version: return "protocol_version";
        case Alert::internal_error: return "internal_error";
        case Alert::unrecognized_name: return "unrecognized_name";
    }
    return "unknown";
}

}  // namespace toytls
