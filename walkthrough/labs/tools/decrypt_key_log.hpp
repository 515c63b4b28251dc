// Reading a ToyTLS key log (PROTOCOL.md section 11) for toytls-decrypt:
//
//   <LABEL> <client_random as 64 hex digits> <value as hex>
//
// A key log may hold many connections (toytls-client --keylog appends);
// the ClientHello random names each one.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "toytls/bytes.hpp"

namespace toytls_labs {

// label ("CLIENT_WRITE_KEY") -> value, for one connection.
using SessionSecrets = std::map<std::string, toytls::Bytes>;

// The lines of the connection whose client random is `client_random`;
// an empty map if the log does not mention it. Blank lines and lines
// starting with '#' are skipped. Returns nullopt with `error` set for a
// line that is not three fields with hex in the last two; the error names
// the line number, never the line (it holds a secret).
std::optional<SessionSecrets> find_session_secrets(std::string_view key_log_text, toytls::ByteView client_random,
                                                   std::string& error);

// How many different client randoms (connections) the log lists.
std::size_t count_key_log_sessions(std::string_view key_log_text);

}  // namespace toytls_labs
