#include "toytls/bytes.hpp"

namespace toytls {

std::string to_hex(ByteView bytes) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string hex;
    hex.reserve(bytes.size() * 2);
    for (std::uint8_t byte : bytes) {
        hex.push_back(digits[byte >> 4]);
        hex.push_back(digits[byte & 0x0f]);
    }
    return hex;
}

std::optional<Bytes> from_hex(std::string_view hex) {
    auto nibble = [](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    };
    if (hex.size() % 2 != 0) return std::nullopt;
    Bytes out;
    out.reserve(hex.size() / 2);
    for (std::size_t i = 0; i < hex.size(); i += 2) {
        int high = nibble(hex[i]);
        int low = nibble(hex[i + 1]);
        if (high < 0 || low < 0) return std::nullopt;
        out.push_back(static_cast<std::uint8_t>(high << 4 | low));
    }
    return out;
}

void append(Bytes& out, ByteView more) { out.insert(out.end(), more.begin(), more.end()); }

void ByteWriter::u16(std::uint16_t value) {
    out_.push_back(static_cast<std::uint8_t>(value >> 8));
    out_.push_back(static_cast<std::uint8_t>(value));
}

void ByteWriter::u24(std::uint32_t value) {
    out_.push_back(static_cast<std::uint8_t>(value >> 16));
    out_.push_back(static_cast<std::uint8_t>(value >> 8));
    out_.push_back(static_cast<std::uint8_t>(value));
}

void ByteWriter::u64(std::uint64_t value) {
    for (int shift = 56; shift >= 0; shift -= 8) out_.push_back(static_cast<std::uint8_t>(value >> shift));
}

std::uint64_t ByteReader::read_be(std::size_t width) {
    if (failed_ || remaining() < width) {
        failed_ = true;
        return 0;
    }
    std::uint64_t value = 0;
    for (std::size_t i = 0; i < width; ++i) value = value << 8 | input_[offset_ + i];
    offset_ += width;
    return value;
}

std::uint8_t ByteReader::u8() { return static_cast<std::uint8_t>(read_be(1)); }
std::uint16_t ByteReader::u16() { return static_cast<std::uint16_t>(read_be(2)); }
std::uint32_t ByteReader::u24() { return static_cast<std::uint32_t>(read_be(3)); }
std::uint64_t ByteReader::u64() { return read_be(8); }

ByteView ByteReader::raw(std::size_t count) {
    if (failed_ || remaining() < count) {
        failed_ = true;
        return {};
    }
    ByteView out = input_.subspan(offset_, count);
    offset_ += count;
    return out;
}

}  // namespace toytls
