#include "kafka/protocol/codec.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>

namespace {

using emu::kafka::protocol::decode_error;
using emu::kafka::protocol::reader;
using emu::kafka::protocol::writer;

TEST(KafkaCodec, IntegersAreBigEndian) {
    std::string out;
    writer w(out);
    w.int16(0x0102);
    w.int32(-2);
    w.int64(0x0102030405060708);
    EXPECT_EQ(out, std::string("\x01\x02\xff\xff\xff\xfe\x01\x02\x03\x04\x05\x06\x07\x08", 14));
    reader r(out);
    EXPECT_EQ(r.int16(), 0x0102);
    EXPECT_EQ(r.int32(), -2);
    EXPECT_EQ(r.int64(), 0x0102030405060708);
    EXPECT_TRUE(r.at_end());
}

// Zig-zag as protobuf's sint32/sint64: 0 -> 0, -1 -> 1, 1 -> 2, -2 -> 3 (AK Type.java VARINT).
TEST(KafkaCodec, VarintsAreZigZag) {
    const std::pair<std::int32_t, std::string> cases[] = {
        {0, std::string(1, '\0')}, {-1, "\x01"},     {1, "\x02"}, {-2, "\x03"}, {63, "\x7e"}, {-64, "\x7f"},
        {64, "\x80\x01"},          {300, "\xd8\x04"}};
    for (const auto& [value, bytes] : cases) {
        std::string out;
        writer(out).varint(value);
        EXPECT_EQ(out, bytes) << value;
        reader r(out);
        EXPECT_EQ(r.varint(), value);
    }
    for (const std::int64_t v : {std::numeric_limits<std::int64_t>::min(), std::int64_t{-1},
                                 std::numeric_limits<std::int64_t>::max(), std::int64_t{1} << 40}) {
        std::string out;
        writer(out).varlong(v);
        reader r(out);
        EXPECT_EQ(r.varlong(), v);
        EXPECT_TRUE(r.at_end());
    }
    for (const std::int32_t v :
         {std::numeric_limits<std::int32_t>::min(), std::numeric_limits<std::int32_t>::max()}) {
        std::string out;
        writer(out).varint(v);
        EXPECT_EQ(out.size(), 5u);
        EXPECT_EQ(reader(out).varint(), v);
    }
}

TEST(KafkaCodec, OverlongVarintsAreRefused) {
    EXPECT_THROW(reader(std::string("\xff\xff\xff\xff\xff\x01", 6)).unsigned_varint(), decode_error);
    EXPECT_THROW(reader(std::string("\xff\xff\xff\xff\x10", 5)).unsigned_varint(), decode_error);
    EXPECT_THROW(reader(std::string(11, '\xff')).varlong(), decode_error);
    EXPECT_THROW(reader(std::string("\x80", 1)).unsigned_varint(), decode_error);
}

TEST(KafkaCodec, StringsInBothForms) {
    std::string out;
    writer w(out);
    w.string("ab");
    w.nullable_string(std::nullopt);
    w.string("ab", true);
    w.nullable_string(std::nullopt, true);
    EXPECT_EQ(out, std::string("\x00\x02"
                               "ab"
                               "\xff\xff"
                               "\x03"
                               "ab"
                               "\x00",
                               10));
    reader r(out);
    EXPECT_EQ(r.string(), "ab");
    EXPECT_FALSE(r.nullable_string());
    EXPECT_EQ(r.compact_string(), "ab");
    EXPECT_FALSE(r.compact_nullable_string());
    EXPECT_TRUE(r.at_end());
}

TEST(KafkaCodec, LengthsThatLieAreRefused) {
    EXPECT_THROW(reader(std::string("\x00\x05"
                                    "ab",
                                    4))
                     .string(),
                 decode_error);
    EXPECT_THROW(reader(std::string("\xff\xfe", 2)).nullable_string(), decode_error);
    EXPECT_THROW(reader(std::string("\xff\xff", 2)).string(), decode_error);
    EXPECT_THROW(reader(std::string("\x7f\xff\xff\xff", 4)).bytes(), decode_error);
    EXPECT_THROW(reader(std::string("\x05"
                                    "ab",
                                    3))
                     .compact_string(),
                 decode_error);
    // An array count the rest of the input cannot hold allocates nothing: it is refused at once.
    EXPECT_THROW(reader(std::string("\x7f\xff\xff\xff\x00", 5)).array_length(false), decode_error);
    EXPECT_THROW(reader(std::string("\xff\xff\xff\xfe", 4)).array_length(false), decode_error);
    EXPECT_EQ(reader(std::string("\xff\xff\xff\xff", 4)).array_length(false), 0);
    EXPECT_EQ(reader(std::string("\x00", 1)).array_length(true), 0);
}

TEST(KafkaCodec, TaggedFieldsAreSkipped) {
    // Two fields: tag 0 with 2 bytes, tag 5 with 0 bytes; then an int8.
    const std::string in("\x02\x00\x02zz\x05\x00\x07", 8);
    reader r(in);
    r.skip_tagged_fields();
    EXPECT_EQ(r.int8(), 7);
    EXPECT_THROW(reader(std::string("\x01\x00\x09z", 4)).skip_tagged_fields(), decode_error);
}

TEST(KafkaCodec, PatchedSizes) {
    std::string out;
    writer w(out);
    w.int32(0);
    w.raw("abc");
    w.patch_int32(0, static_cast<std::int32_t>(out.size() - 4));
    EXPECT_EQ(reader(out).int32(), 3);
}

}  // namespace
