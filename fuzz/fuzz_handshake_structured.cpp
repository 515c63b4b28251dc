// Fuzz target, structure-aware: a real handshake between the deterministic
// client and server in which ONE flight is changed on its way, ONE change
// per input. Random bytes rarely get past the first message (everything
// after ServerHello is encrypted); this target builds each mutated message
// and seals it again with the real record keys, so the change reaches the
// decoders, the chain validator, the signature and Finished checks and the
// state machines.
//
// The input chooses (FuzzedDataProvider): which flight (ClientHello to the
// server; ServerHello..Finished to the client; the client's Finished to the
// server), which message of it, which field of that message, and what to do:
// flip bits, overwrite, zero, fill, resize (with or without fixing the
// message's length header), drop / duplicate / swap messages, inject a
// record, send a message under another content type, flip or cut the wire
// bytes; and how TCP splits the bytes.
//
// What must hold (and only that: a mutation of an unknown cipher suite code
// may well be accepted by the server, so "accepted" is not a failure):
// - no crash, no sanitizer report;
// - the failure contract on both sides (a failure carries an alert);
// - if the bytes of the flight up to its original end changed, the side
//   that received them never becomes established, and for the first two
//   flights (the transcript differs from the sender's) neither side does;
// - if nothing changed, both sides end established;
// - if only bytes after the original flight were added, the receiver of the
//   server's flight or of the client's Finished did get established (and
//   may fail afterwards on the extra bytes).
#include <fuzzer/FuzzedDataProvider.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include "handshake_fixture.hpp"
#include "toytls/record.hpp"

using namespace toytls;
using namespace toytls::fuzz;

namespace {

enum class FlightChoice : std::uint8_t { client_hello, server_flight, client_finished, kMaxValue = client_finished };

enum class Mutation : std::uint8_t {
    flip_bits,           // XOR one byte of the field with a non-zero mask
    overwrite,           // the field's bytes replaced by input bytes (same length)
    fill_zero,           // the field set to zeros (a zero key share, a zero length...)
    fill_ones,           // the field set to 0xff
    resize,              // the field replaced by 0..len+64 input bytes; header length fixed
    resize_keep_header,  // the same, the header left alone (a framing error)
    drop_message,
    duplicate_message,
    swap_with_next,
    inject_record,       // a record of any content type and body before this message
    change_record_type,  // this message sent under another content type
    wire_flip,           // one byte of the built wire flipped (headers, seq, ciphertext, tag)
    wire_truncate,       // the wire cut short
    kMaxValue = wire_truncate,
};

// A byte range inside one handshake message (its header included).
struct Field {
    std::size_t offset = 0;
    std::size_t length = 0;
};

std::size_t be16(const Bytes& bytes, std::size_t offset) {
    return offset + 2 <= bytes.size() ? std::size_t{bytes[offset]} << 8 | bytes[offset + 1] : 0;
}

// The fields of a well-formed message, as messages.cpp encodes them; for a
// Certificate also each line of each certificate's text.
std::vector<Field> fields_of(const Bytes& message) {
    std::vector<Field> fields = {{0, 1}, {1, 3}};
    auto add = [&](std::size_t offset, std::size_t length) {
        if (length > 0 && offset + length <= message.size()) fields.push_back({offset, length});
    };
    switch (message.empty() ? 0 : message[0]) {
        case static_cast<std::uint8_t>(HandshakeType::client_hello): {
            add(4, 2), add(6, 32), add(38, 32), add(70, 1);  // version, random, key share, name length
            std::size_t name_length = message.size() > 70 ? message[70] : 0;
            add(71, name_length);
            std::size_t count_at = 71 + name_length;
            add(count_at, 1);
            for (std::size_t at = count_at + 1; at + 2 <= message.size(); at += 2) add(at, 2);
            break;
        }
        case static_cast<std::uint8_t>(HandshakeType::server_hello):
            add(4, 2), add(6, 32), add(38, 32), add(70, 2);  // version, random, key share, suite
            break;
        case static_cast<std::uint8_t>(HandshakeType::certificate): {
            add(4, 1);  // count
            for (std::size_t at = 5; at + 2 <= message.size();) {
                std::size_t length = be16(message, at);
                add(at, 2);
                add(at + 2, length);
                // Each line of the certificate text: one field of the certificate.
                std::size_t line_start = at + 2;
                std::size_t end = std::min(at + 2 + length, message.size());
                for (std::size_t i = line_start; i < end; ++i) {
                    if (message[i] != '\n') continue;
                    add(line_start, i + 1 - line_start);
                    line_start = i + 1;
                }
                at += 2 + length;
            }
            break;
        }
        default:  // CertificateVerify's signature, Finished's verify_data
            add(4, message.size() > 4 ? message.size() - 4 : 0);
            break;
    }
    return fields;
}

// The message's u24 length set to its body's actual size.
void fix_length_header(Bytes& message) {
    if (message.size() < handshake_header_size) return;
    std::size_t body = message.size() - handshake_header_size;
    message[1] = static_cast<std::uint8_t>(body >> 16);
    message[2] = static_cast<std::uint8_t>(body >> 8);
    message[3] = static_cast<std::uint8_t>(body);
}

struct PlannedRecord {
    ContentType type = ContentType::handshake;
    Bytes body;  // the plaintext: a handshake message, an alert...
};

// Everything the target needs, built once: see LLVMFuzzerTestOneInput.
struct Fixture {
    DemoPki pki;
    ReferenceHandshake reference;
};

Fixture build_fixture() {
    Fixture fixture{load_demo_pki(), {}};
    fixture.reference = record_reference_handshake(fixture.pki, default_cipher_suites());
    return fixture;
}

// Records as their sender would have sent them: the ClientHello and the
// ServerHello (position 0 of the server's flight) in the clear, everything
// else sealed with the sender's real key, sequence numbers from 0.
Bytes build_wire(const Fixture& fixture, FlightChoice flight, const std::vector<PlannedRecord>& records) {
    const ReferenceHandshake& reference = fixture.reference;
    const bool from_server = flight == FlightChoice::server_flight;
    RecordProtection protection(cipher_suite_aead(reference.suite),
                                from_server ? reference.server_write_key : reference.client_write_key,
                                from_server ? reference.server_write_iv : reference.client_write_iv);
    Bytes wire;
    for (std::size_t position = 0; position < records.size(); ++position) {
        ByteView body(records[position].body);
        body = body.first(std::min(body.size(), max_plaintext_size));
        bool in_the_clear = flight == FlightChoice::client_hello || (from_server && position == 0);
        if (in_the_clear)
            append_plaintext_record(wire, records[position].type, body);
        else
            protection.seal_record(wire, records[position].type, body);
    }
    return wire;
}

std::vector<Bytes> original_messages(const Fixture& fixture, FlightChoice flight) {
    switch (flight) {
        case FlightChoice::client_hello: return {fixture.reference.client_hello};
        case FlightChoice::server_flight: return fixture.reference.server_messages;
        case FlightChoice::client_finished: return {fixture.reference.client_finished};
    }
    return {};
}

const Bytes& original_wire(const Fixture& fixture, FlightChoice flight) {
    switch (flight) {
        case FlightChoice::client_hello: return fixture.reference.client_hello_wire;
        case FlightChoice::server_flight: return fixture.reference.server_flight_wire;
        case FlightChoice::client_finished: break;
    }
    return fixture.reference.client_finished_wire;
}

// Applies the input's one mutation to the flight and returns its wire bytes.
Bytes mutated_wire(const Fixture& fixture, FlightChoice flight, FuzzedDataProvider& input) {
    std::vector<PlannedRecord> records;
    for (const Bytes& message : original_messages(fixture, flight)) records.push_back({ContentType::handshake, message});
    const auto mutation = input.ConsumeEnum<Mutation>();
    const std::size_t index = input.ConsumeIntegralInRange<std::size_t>(0, records.size() - 1);
    Bytes& message = records[index].body;
    const std::vector<Field> fields = fields_of(message);
    const Field field = fields[input.ConsumeIntegralInRange<std::size_t>(0, fields.size() - 1)];
    auto field_begin = message.begin() + static_cast<std::ptrdiff_t>(field.offset);
    auto field_end = field_begin + static_cast<std::ptrdiff_t>(field.length);

    switch (mutation) {
        case Mutation::flip_bits: {
            std::size_t at = field.offset + input.ConsumeIntegralInRange<std::size_t>(0, field.length - 1);
            message[at] ^= input.ConsumeIntegralInRange<std::uint8_t>(1, 255);
            break;
        }
        case Mutation::overwrite: {
            std::vector<std::uint8_t> bytes = input.ConsumeBytes<std::uint8_t>(field.length);
            std::copy(bytes.begin(), bytes.end(), field_begin);
            break;
        }
        case Mutation::fill_zero: std::fill(field_begin, field_end, 0x00); break;
        case Mutation::fill_ones: std::fill(field_begin, field_end, 0xff); break;
        case Mutation::resize:
        case Mutation::resize_keep_header: {
            std::size_t new_length = input.ConsumeIntegralInRange<std::size_t>(0, field.length + 64);
            std::vector<std::uint8_t> bytes = input.ConsumeBytes<std::uint8_t>(new_length);
            auto at = message.erase(field_begin, field_end);
            message.insert(at, bytes.begin(), bytes.end());
            if (mutation == Mutation::resize) fix_length_header(message);
            break;
        }
        case Mutation::drop_message:
            records.erase(records.begin() + static_cast<std::ptrdiff_t>(index));
            break;
        case Mutation::duplicate_message:
            records.insert(records.begin() + static_cast<std::ptrdiff_t>(index), records[index]);
            break;
        case Mutation::swap_with_next:
            std::swap(records[index], records[(index + 1) % records.size()]);
            break;
        case Mutation::inject_record: {
            auto type = static_cast<ContentType>(input.ConsumeIntegral<std::uint8_t>());
            std::vector<std::uint8_t> body = input.ConsumeBytes<std::uint8_t>(input.ConsumeIntegralInRange(0, 64));
            records.insert(records.begin() + static_cast<std::ptrdiff_t>(index), {type, Bytes(body.begin(), body.end())});
            break;
        }
        case Mutation::change_record_type:
            records[index].type = static_cast<ContentType>(input.ConsumeIntegral<std::uint8_t>());
            break;
        case Mutation::wire_flip:
        case Mutation::wire_truncate: break;  // after the records are built
    }

    Bytes wire = build_wire(fixture, flight, records);
    if (mutation == Mutation::wire_flip && !wire.empty()) {
        std::size_t at = input.ConsumeIntegralInRange<std::size_t>(0, wire.size() - 1);
        wire[at] ^= input.ConsumeIntegralInRange<std::uint8_t>(1, 255);
    }
    if (mutation == Mutation::wire_truncate && !wire.empty())
        wire.resize(input.ConsumeIntegralInRange<std::size_t>(0, wire.size() - 1));
    return wire;
}

void deliver(Connection& receiver, ByteView wire, std::size_t chunk_size) {
    while (!wire.empty()) {
        ByteView piece = wire.first(std::min(chunk_size, wire.size()));
        wire = wire.subspan(piece.size());
        receiver.feed(piece);
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    // libFuzzer gives no other place for set-up: the demo chain and the
    // reference handshake are built once, on the first input, and only read
    // after that. Each input then runs a fresh client and server.
    static const Fixture fixture = build_fixture();
    const ReferenceHandshake& reference = fixture.reference;

    FuzzedDataProvider input(data, size);
    const auto flight = input.ConsumeEnum<FlightChoice>();
    const std::size_t chunk_size = input.ConsumeIntegralInRange<std::size_t>(1, 4096);
    const Bytes changed = mutated_wire(fixture, flight, input);
    const Bytes& original = original_wire(fixture, flight);
    // The receiver's view of the handshake is intact when it got every
    // original byte, in order, before anything else.
    const bool intact =
        changed.size() >= original.size() && std::equal(original.begin(), original.end(), changed.begin());
    const bool extra_bytes = changed.size() > original.size();

    ConnectionWatch client_watch;
    ConnectionWatch server_watch;
    ClientConfig client_config = make_client_config(fixture.pki);
    client_config.observer = client_watch.observer();
    ClientConnection client(std::move(client_config));
    ServerConnection server(make_server_config(fixture.pki), server_watch.observer());

    Bytes wire = client.pop();
    TOYTLS_FUZZ_CHECK(wire == reference.client_hello_wire);  // the fixture is deterministic
    deliver(server, flight == FlightChoice::client_hello ? ByteView(changed) : ByteView(wire), chunk_size);
    wire = server.pop();
    if (flight == FlightChoice::server_flight) TOYTLS_FUZZ_CHECK(wire == reference.server_flight_wire);
    deliver(client, flight == FlightChoice::server_flight ? ByteView(changed) : ByteView(wire), chunk_size);
    wire = client.pop();
    if (flight == FlightChoice::client_finished) TOYTLS_FUZZ_CHECK(wire == reference.client_finished_wire);
    deliver(server, flight == FlightChoice::client_finished ? ByteView(changed) : ByteView(wire), chunk_size);
    // Then whatever they still have to say to each other (alerts, mostly).
    for (int round = 0; round < 3; ++round) {
        client.feed(server.pop());
        server.feed(client.pop());
    }
    check_failure_contract(client, client_watch);
    check_failure_contract(server, server_watch);

    const ConnectionWatch& receiver = flight == FlightChoice::server_flight ? client_watch : server_watch;
    if (!intact) {
        TOYTLS_FUZZ_CHECK(!receiver.ever_established);
        if (flight != FlightChoice::client_finished)
            TOYTLS_FUZZ_CHECK(!client_watch.ever_established && !server_watch.ever_established);
    } else if (!extra_bytes) {
        TOYTLS_FUZZ_CHECK(client.established() && server.established());
    } else if (flight != FlightChoice::client_hello) {
        // The flight completed the receiver's handshake before the extra
        // bytes came (after a ClientHello the server still waits for the
        // client's Finished, so the extra bytes fail it first).
        TOYTLS_FUZZ_CHECK(receiver.ever_established);
    }

    client.feed_eof();
    server.feed_eof();
    check_failure_contract(client, client_watch);
    check_failure_contract(server, server_watch);
    return 0;
}
