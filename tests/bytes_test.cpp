#include <gtest/gtest.h>

#include "toytls/bytes.hpp"

using namespace toytls;

TEST(ByteWriterReader, RoundTripsEveryWidth) {
    ByteWriter writer;
    writer.u8(0x01);
    writer.u16(0x0203);
    writer.u24(0x040506);
    writer.u64(0x0708090a0b0c0d0eULL);
    EXPECT_EQ(to_hex(writer.bytes()), "0102030405060708090a0b0c0d0e");

    ByteReader reader(writer.bytes());
    EXPECT_EQ(reader.u8(), 0x01);
    EXPECT_EQ(reader.u16(), 0x0203);
    EXPECT_EQ(reader.u24(), 0x040506u);
    EXPECT_EQ(reader.u64(), 0x0708090a0b0c0d0eULL);
    EXPECT_TRUE(reader.done_cleanly());
}

TEST(ByteReader, ShortInputFailsInsteadOfReadingPastTheEnd) {
    Bytes two = {0xaa, 0xbb};
    ByteReader reader(two);
    EXPECT_EQ(reader.u24(), 0u);
    EXPECT_TRUE(reader.failed());
    EXPECT_TRUE(reader.raw(1).empty());
    EXPECT_FALSE(reader.done_cleanly());
}

TEST(ByteReader, TrailingBytesAreNotClean) {
    Bytes three = {1, 2, 3};
    ByteReader reader(three);
    reader.u16();
    EXPECT_FALSE(reader.failed());
    EXPECT_FALSE(reader.done_cleanly());
}

TEST(Hex, RoundTripAndRejectsBadDigits) {
    EXPECT_EQ(from_hex("00ff7A"), (Bytes{0x00, 0xff, 0x7a}));
    EXPECT_FALSE(from_hex("abc").has_value());
    EXPECT_FALSE(from_hex("zz").has_value());
}
