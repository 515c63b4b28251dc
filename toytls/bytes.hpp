// Byte strings and the big-endian reader/writer every wire format in ToyTLS uses.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace toytls {

using Bytes = std::vector<std::uint8_t>;
using ByteView = std::span<const std::uint8_t>;

inline ByteView as_bytes(std::string_view text) {
    return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}
inline std::string_view as_text(ByteView bytes) {
    return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

std::string to_hex(ByteView bytes);
// Returns nullopt for odd length or a non-hex digit.
std::optional<Bytes> from_hex(std::string_view hex);

void append(Bytes& out, ByteView more);

// Writes big-endian integers and length-prefixed vectors, as TLS does
// (RFC 8446 section 3: "network byte order").
class ByteWriter {
public:
    void u8(std::uint8_t value) { out_.push_back(value); }
    void u16(std::uint16_t value);
    void u24(std::uint32_t value);
    void u64(std::uint64_t value);
    void raw(ByteView bytes) { append(out_, bytes); }

    const Bytes& bytes() const { return out_; }
    Bytes take() { return std::move(out_); }

private:
    Bytes out_;
};

// Reads the same encodings. Every read checks the remaining length and
// turns the reader "failed" instead of reading past the end, so a decoder
// can read all its fields and check once, at the end, that nothing was
// short and nothing was left over.
class ByteReader {
public:
    explicit ByteReader(ByteView input) : input_(input) {}

    std::uint8_t u8();
    std::uint16_t u16();
    std::uint32_t u24();
    std::uint64_t u64();
    ByteView raw(std::size_t count);

    bool failed() const { return failed_; }
    std::size_t remaining() const { return input_.size() - offset_; }
    // True when every read succeeded and the input was consumed exactly.
    bool done_cleanly() const { return !failed_ && remaining() == 0; }

private:
    std::uint64_t read_be(std::size_t width);

    ByteView input_;
    std::size_t offset_ = 0;
    bool failed_ = false;
};

}  // namespace toytls
