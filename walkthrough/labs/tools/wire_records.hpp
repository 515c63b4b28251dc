// What an attacker on the wire sees of ToyTLS: a TCP byte stream cut into
// records (PROTOCOL.md section 2), whose headers are in the clear. Only the
// ClientHello, the ServerHello and alerts sent before keys exist can be read;
// everything after the ServerHello is sealed, but its type, its length and
// its sequence number are not hidden.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "toytls/bytes.hpp"
#include "toytls/record.hpp"

namespace toytls_labs {

using toytls::Bytes;
using toytls::ByteView;

// One whole record as it travels: the 3-byte header, then the body.
struct WireRecord {
    Bytes bytes;

    std::uint8_t type_byte() const { return bytes[0]; }
    std::size_t body_length() const { return bytes.size() - toytls::record_header_size; }
    ByteView body() const { return ByteView(bytes).subspan(toytls::record_header_size); }
    // A protected record's sequence number: the first 8 bytes of the body.
    std::optional<std::uint64_t> sequence_number() const;
};

// Cuts one direction of a TCP stream into records. TCP delivers bytes, not
// records: a read can end in the middle of a header, and one read can hold
// several records, so the bytes wait here until a whole record is in.
class RecordReassembler {
public:
    void feed(ByteView bytes);
    // The next complete record, or nullopt until more bytes arrive (or when
    // the stream is not made of records: see not_records()).
    std::optional<WireRecord> next();
    // The stream does not start with a record type (21, 22 or 23): it is not
    // ToyTLS (plain HTTP sent to the port, say). It is then passed on as is.
    bool not_records() const { return not_records_; }
    // Whatever is buffered: a partial record at the end of the stream, or
    // the raw bytes of a stream that is not records.
    Bytes take_buffered();

private:
    Bytes buffer_;
    bool not_records_ = false;
};

// Names the records of one connection as an observer sees them. It follows
// the handshake from the outside: records are plaintext until a ServerHello
// has gone by, then protected (except a 2-byte alert, PROTOCOL.md 2.5).
class RecordNarrator {
public:
    enum class Direction { client_to_server, server_to_client };

    // "client->server handshake len=85 (plaintext ClientHello: name localhost, suites 0x0001 0x0002)"
    // "server->client application_data len=640 seq=3"
    std::string describe(Direction direction, const WireRecord& record);

private:
    bool server_hello_seen_ = false;
};

std::string_view direction_name(RecordNarrator::Direction direction);  // "client->server"

// "0x0001" for a suite code.
std::string suite_code_text(std::uint16_t code);

}  // namespace toytls_labs
