#include "capture_format.hpp"

#include <fstream>
#include <iterator>

namespace toytls_labs {

std::string_view direction_arrow(CaptureDirection direction) {
    return direction == CaptureDirection::client_to_server ? "client -> server" : "server -> client";
}

void append_chunk(toytls::Bytes& out, CaptureDirection direction, toytls::ByteView bytes) {
    toytls::ByteWriter writer;
    writer.u8(static_cast<std::uint8_t>(direction));
    // u32 by hand: ByteWriter has no u32, and a chunk is at most one recv().
    const auto length = static_cast<std::uint32_t>(bytes.size());
    writer.u16(static_cast<std::uint16_t>(length >> 16));
    writer.u16(static_cast<std::uint16_t>(length));
    writer.raw(bytes);
    toytls::append(out, writer.bytes());
}

std::optional<std::vector<CaptureChunk>> parse_capture(toytls::ByteView input, std::string& error) {
    std::vector<CaptureChunk> chunks;
    toytls::ByteReader reader(input);
    while (reader.remaining() > 0) {
        const std::size_t number = chunks.size() + 1;
        const std::uint8_t direction = reader.u8();
        const std::uint32_t length = static_cast<std::uint32_t>(reader.u16()) << 16 | reader.u16();
        toytls::ByteView bytes = reader.raw(length);
        if (reader.failed()) {
            error = "chunk " + std::to_string(number) + " runs past the end of the capture (a cut-off file?)";
            return std::nullopt;
        }
        if (direction > 1) {
            error = "chunk " + std::to_string(number) + " has direction byte " + std::to_string(direction) +
                    "; only 0 (client -> server) and 1 (server -> client) exist";
            return std::nullopt;
        }
        chunks.push_back({static_cast<CaptureDirection>(direction), toytls::Bytes(bytes.begin(), bytes.end())});
    }
    return chunks;
}

std::optional<std::vector<CaptureChunk>> load_capture_file(const std::filesystem::path& path, std::string& error) {
    std::ifstream file(path, std::ios::binary);
    if (!file) {
        error = path.string() + ": cannot open";
        return std::nullopt;
    }
    toytls::Bytes input((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
    auto chunks = parse_capture(input, error);
    if (!chunks) error = path.string() + ": " + error;
    return chunks;
}

}  // namespace toytls_labs
