// Turning a capture (capture_format.hpp) back into ToyTLS records, and
// describing what a record holds, for toytls-decrypt.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "capture_format.hpp"
#include "toytls/bytes.hpp"
#include "toytls/messages.hpp"
#include "wire_records.hpp"

namespace toytls_labs {

// One record as it crossed the wire, and which way it went.
struct CapturedRecord {
    CaptureDirection direction = CaptureDirection::client_to_server;
    WireRecord record;  // header and body (wire_records.hpp)
};

struct SplitCapture {
    // In the order their last byte arrived, both directions interleaved: the
    // order in which the two endpoints could act on them.
    std::vector<CapturedRecord> records;
    // Bytes at the end of a direction that do not make a whole record (a
    // connection cut mid-record); reported, never decrypted.
    std::size_t leftover_client_to_server = 0;
    std::size_t leftover_server_to_client = 0;
};

// Each direction's chunks are one byte stream, cut into records by a
// RecordReassembler (wire_records.hpp). Chunk boundaries do not matter.
SplitCapture split_records(const std::vector<CaptureChunk>& chunks);

// The two plaintext hellos that open every session, with the exact message
// bytes (4-byte header included) that the key schedule hashes.
struct Hellos {
    toytls::ClientHello client_hello;
    toytls::Bytes client_hello_message;
    toytls::ServerHello server_hello;
    toytls::Bytes server_hello_message;
};

// Finds and decodes the first record of each direction as ClientHello and
// ServerHello. Fails with a reason if either is missing or malformed
// (e.g. the server answered with a plaintext alert: no keys were ever made).
std::optional<Hellos> read_hellos(const SplitCapture& capture, std::string& error);

// The decrypted content of a protected handshake record, named:
// "Certificate: 2 certificates: 'localhost', 'ToyTLS Demo Intermediate CA'".
std::string describe_handshake_message(toytls::ByteView message);

// "close_notify (warning)" for an alert body.
std::string describe_alert(toytls::ByteView body);

// Application bytes as indented text lines ("    | GET / HTTP/1.1"), CR
// dropped before LF, other non-printable bytes as \xNN; at most
// `max_bytes` bytes are shown, then a note of how many were left out.
std::string render_text(toytls::ByteView bytes, std::size_t max_bytes);

}  // namespace toytls_labs
