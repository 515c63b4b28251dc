// What a connection tells an interested observer: one readable event per
// protocol step (for the demo's narration and the trace tool), and, only if
// the application explicitly asks for it, a key log.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "toytls/bytes.hpp"

namespace toytls {

enum class Side { client, server };
std::string_view side_name(Side side);  // "client" / "server"

enum class EventKind {
    message_sent,      // bytes = the handshake message, header included
    message_received,  // bytes = the handshake message, header included
    record_sent,       // bytes = the whole record as it goes on the wire
    record_received,   // bytes = the whole record as it came off the wire
    keys_derived,      // values: hello_hash
    transcript_hash,   // values: the hash a signature or Finished covers
    alert_sent,
    alert_received,
    established,
    failed,
    note,  // a check passed or a choice was made, in words
};

struct ConnectionEvent {
    Side side;
    EventKind kind;
    std::string summary;  // one line in words: "received ServerHello: suite TOYTLS_AES_256_GCM_SHA256"
    ByteView bytes;       // valid only during the callback
    // Named public values of this step (never key material), e.g.
    // {"seq", ...} or {"transcript hash (through Certificate)", ...}.
    std::vector<std::pair<std::string, Bytes>> values;
};

using EventObserver = std::function<void(const ConnectionEvent&)>;

// Receives the key log, one line per secret:
//     <LABEL> <client random, hex> <secret, hex>
// (in the spirit of the NSS key log format; see PROTOCOL.md "Key log").
// Anyone holding these lines can decrypt the session: only pass a sink when
// a person asked for a key log.
using KeyLogSink = std::function<void(std::string_view line)>;

}  // namespace toytls
