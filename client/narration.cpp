#include "client/narration.hpp"

#include "toytls/cipher_suite.hpp"
#include "toytls/messages.hpp"
#include "toytls/record.hpp"

namespace toytls_client {

using toytls::ConnectionEvent;
using toytls::EventKind;

void narrate_http_head(const Narrator& narrate, std::string_view prefix, std::string_view head) {
    if (!narrate) return;
    while (!head.empty()) {
        std::size_t end = head.find("\r\n");
        std::string_view line = head.substr(0, end);
        if (line.empty()) break;  // the blank line that ends the head
        narrate(std::string(prefix) + std::string(line));
        if (end == std::string_view::npos) break;
        head.remove_prefix(end + 2);
    }
}

ToyTlsNarrator::ToyTlsNarrator(Narrator narrate, std::string request_head)
    : narrate_(std::move(narrate)), request_head_(std::move(request_head)) {}

toytls::EventObserver ToyTlsNarrator::observer() {
    return [this](const ConnectionEvent& event) { on_event(event); };
}

void ToyTlsNarrator::say(std::string_view text) const {
    if (narrate_) narrate_("* ToyTLS: " + std::string(text));
}

void ToyTlsNarrator::on_event(const ConnectionEvent& event) {
    if (certificate_verify_pending_ && event.kind != EventKind::transcript_hash) {
        certificate_verify_pending_ = false;
        if (event.kind != EventKind::failed && event.kind != EventKind::alert_sent)
            say("CertificateVerify checked: the server's signature over the transcript verifies with the leaf's key");
    }
    switch (event.kind) {
        case EventKind::record_sent:
        case EventKind::record_received: return narrate_record(event);
        case EventKind::message_sent: return narrate_message_sent(event);
        case EventKind::message_received: return narrate_message_received(event);
        case EventKind::keys_derived:
            records_protected_ = true;
            return say("keys derived from the X25519 shared secret; every record is encrypted from now on");
        case EventKind::note: return say(event.summary);  // the chain path, or the INSECURE warning
        case EventKind::established:
            say(event.summary);
            // The request was queued before the handshake; it leaves now, right after our Finished.
            return narrate_http_head(narrate_, "> ", request_head_);
        case EventKind::alert_sent:
        case EventKind::alert_received: return say(event.summary);
        case EventKind::failed: return say("connection failed: " + event.summary);
        case EventKind::transcript_hash: return;  // the hashes are for toytls-trace; too much for -v
    }
}

// Every record: its size on the wire, and how much of it is plaintext.
void ToyTlsNarrator::narrate_record(const ConnectionEvent& event) {
    std::size_t wire = event.bytes.size();
    std::size_t body = wire - toytls::record_header_size;
    // A protected record carries an 8-byte sequence number and a 16-byte tag
    // around its plaintext. (The one exception: a 2-byte plaintext alert from
    // a peer that failed before it had keys.)
    bool encrypted = records_protected_ && body >= toytls::protection_overhead;
    std::string direction = event.kind == EventKind::record_sent ? "  sent " : "  received ";
    std::string sizes = std::to_string(wire) + " bytes on the wire = " + std::to_string(toytls::record_header_size) +
                        " header + ";
    if (encrypted)
        sizes += std::to_string(body - toytls::protection_overhead) + " plaintext + " +
                 std::to_string(toytls::protection_overhead) + " sequence number and tag (encrypted)";
    else
        sizes += std::to_string(body) + " plaintext (not encrypted)";
    say(direction + event.summary + ": " + sizes);
}

void ToyTlsNarrator::narrate_message_sent(const ConnectionEvent& event) {
    auto type = static_cast<toytls::HandshakeType>(event.bytes[0]);
    if (type == toytls::HandshakeType::client_hello) {
        std::string error;
        std::optional<toytls::ClientHello> hello =
            toytls::decode_client_hello(event.bytes.subspan(toytls::handshake_header_size), error);
        std::string offered;
        for (std::uint16_t code : hello ? hello->cipher_suites : std::vector<std::uint16_t>{}) {
            std::optional<toytls::CipherSuite> suite = toytls::cipher_suite_from_code(code);
            offered += (offered.empty() ? "" : ", ") +
                       (suite ? std::string(toytls::cipher_suite_name(*suite)) : std::to_string(code));
        }
        return say("ClientHello sent for \"" + (hello ? hello->server_name : "?") + "\", offering " + offered);
    }
    if (type == toytls::HandshakeType::finished) {
        // The library only answers with its Finished once the server's checked out.
        say("server Finished checked: both sides derived the same keys from the same transcript");
        return say("client Finished sent");
    }
    say(event.summary);
}

void ToyTlsNarrator::narrate_message_received(const ConnectionEvent& event) {
    auto type = static_cast<toytls::HandshakeType>(event.bytes[0]);
    toytls::ByteView body = event.bytes.subspan(toytls::handshake_header_size);
    std::string error;
    switch (type) {
        case toytls::HandshakeType::server_hello: {
            std::optional<toytls::ServerHello> hello = toytls::decode_server_hello(body, error);
            std::optional<toytls::CipherSuite> suite =
                hello ? toytls::cipher_suite_from_code(hello->cipher_suite) : std::nullopt;
            return say("ServerHello received: the server chose " +
                       (suite ? std::string(toytls::cipher_suite_name(*suite))
                              : "suite " + std::to_string(hello ? hello->cipher_suite : 0)));
        }
        case toytls::HandshakeType::certificate: {
            std::optional<toytls::CertificateMessage> chain = toytls::decode_certificate(body, error);
            return say("Certificate received: " + std::to_string(chain ? chain->certificates.size() : 0) +
                       " certificate(s), leaf first");
        }
        case toytls::HandshakeType::certificate_verify:
            certificate_verify_pending_ = true;
            return say("CertificateVerify received");
        case toytls::HandshakeType::finished: return say("server Finished received");
        default: return say(event.summary);
    }
}

}  // namespace toytls_client
