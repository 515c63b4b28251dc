// The fields of a handshake message, named, in wire order: the rows of the
// trace's message tables. The values come from the library's decode_*
// functions (messages.hpp), not from a second parser, so the trace shows
// what the connection itself understood.
#pragma once

#include <string>
#include <vector>

#include "toytls/bytes.hpp"
#include "toytls/messages.hpp"

namespace toytls::trace {

struct MessageField {
    std::string name;     // "random", "certificate[0].length"
    Bytes value;          // the field's bytes exactly as they are on the wire
    std::string meaning;  // in words: "1 = ToyTLS v1", "TOYTLS_AES_256_GCM_SHA256"
};

// `message` is a whole handshake message, 4-byte header included. Throws
// std::runtime_error, with the decoder's words, if it does not decode, and
// std::logic_error if the fields do not add up to exactly the message.
std::vector<MessageField> message_fields(ByteView message);

// The message's type from its first byte; throws if it is not one of the five.
HandshakeType message_type(ByteView message);

}  // namespace toytls::trace
