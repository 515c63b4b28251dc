// The capture file of lab 7: the raw TCP bytes of ONE connection, both
// directions, in the order the relay (toytls-capture) read them.
//
//   capture file = chunk*          (no file header)
//   chunk        = u8 direction | u32 length (big-endian) | length bytes
//   direction    = 0: client -> server, 1: server -> client
//
// A chunk is whatever one recv() returned, so record boundaries are NOT
// chunk boundaries: a reader concatenates the chunks of each direction and
// splits records from that stream (toytls-decrypt does).
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "toytls/bytes.hpp"

namespace toytls_labs {

enum class CaptureDirection : std::uint8_t { client_to_server = 0, server_to_client = 1 };

std::string_view direction_arrow(CaptureDirection direction);  // "client -> server"

struct CaptureChunk {
    CaptureDirection direction = CaptureDirection::client_to_server;
    toytls::Bytes bytes;
};

// Appends one chunk in the file format above.
void append_chunk(toytls::Bytes& out, CaptureDirection direction, toytls::ByteView bytes);

// Parses a whole capture. Fails (nullopt, `error` set) on an unknown
// direction byte or a chunk that runs past the end of the input.
std::optional<std::vector<CaptureChunk>> parse_capture(toytls::ByteView input, std::string& error);

std::optional<std::vector<CaptureChunk>> load_capture_file(const std::filesystem::path& path, std::string& error);

}  // namespace toytls_labs
