#include "kafka/protocol/compression.hpp"

#include <gtest/gtest.h>
#include <snappy.h>

#include <cstdint>
#include <random>
#include <stdexcept>
#include <string>

namespace {

using emu::kafka::protocol::compress;
using emu::kafka::protocol::compression_codec;
using emu::kafka::protocol::decode_error;
using emu::kafka::protocol::decompress;
using emu::kafka::protocol::decompress_error;

constexpr compression_codec all_codecs[] = {compression_codec::none, compression_codec::gzip,
                                            compression_codec::snappy, compression_codec::lz4,
                                            compression_codec::zstd};
constexpr compression_codec real_codecs[] = {compression_codec::gzip, compression_codec::snappy,
                                             compression_codec::lz4, compression_codec::zstd};

std::string name(compression_codec c) {
    return std::string(emu::kafka::protocol::codec_name(c));
}

// Half text that compresses, half random bytes that do not.
std::string mixed(std::size_t n) {
    std::mt19937 rng(7);
    std::string out;
    out.reserve(n);
    while (out.size() < n) {
        if (out.size() % 2048 < 1024) {
            out += "record value ";
        } else {
            out.push_back(static_cast<char>(rng()));
        }
    }
    out.resize(n);
    return out;
}

// Whether decompress throws decompress_error, and with over_limit set as expected.
void expect_refused(compression_codec c, const std::string& data, std::size_t max, bool over_limit) {
    try {
        decompress(c, data, max);
        ADD_FAILURE() << name(c) << ": decompressed";
    } catch (const decompress_error& e) {
        EXPECT_EQ(e.over_limit(), over_limit) << name(c) << ": " << e.what();
    }
}

std::string big_endian32(std::uint32_t v) {
    return {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8),
            static_cast<char>(v)};
}

const std::string xerial_header = std::string("\x82SNAPPY\0", 8) + big_endian32(1) + big_endian32(1);

TEST(KafkaCompression, EveryCodecRoundTrips) {
    for (const std::size_t size : {std::size_t{0}, std::size_t{1}, std::size_t{100}, std::size_t{300000}}) {
        const std::string data = mixed(size);
        for (const auto c : all_codecs) {
            const std::string packed = compress(c, data);
            EXPECT_EQ(decompress(c, packed, data.size()), data) << name(c) << " " << size;
        }
    }
}

TEST(KafkaCompression, CompressedFormatsAreTheStandardOnes) {
    const std::string data = mixed(1000);
    const std::string gzip = compress(compression_codec::gzip, data);
    EXPECT_EQ(gzip.substr(0, 2), "\x1f\x8b");  // gzip member magic
    const std::string lz4 = compress(compression_codec::lz4, data);
    EXPECT_EQ(lz4.substr(0, 4), "\x04\x22\x4d\x18");  // LZ4 frame magic
    const std::string zstd = compress(compression_codec::zstd, data);
    EXPECT_EQ(zstd.substr(0, 4), "\x28\xb5\x2f\xfd");  // zstd frame magic
    // Raw snappy, as librdkafka writes it: the standard library reads it back.
    std::string raw;
    ASSERT_TRUE(snappy::Uncompress(compress(compression_codec::snappy, data).data(),
                                   compress(compression_codec::snappy, data).size(), &raw));
    EXPECT_EQ(raw, data);
}

TEST(KafkaCompression, SnappyReadsTheSnappyJavaFraming) {
    const std::string data = mixed(100000);
    std::string framed = xerial_header;
    for (std::size_t at = 0; at < data.size(); at += 32768) {
        std::string block;
        snappy::Compress(data.data() + at, std::min<std::size_t>(32768, data.size() - at), &block);
        framed += big_endian32(static_cast<std::uint32_t>(block.size())) + block;
    }
    EXPECT_EQ(decompress(compression_codec::snappy, framed, data.size()), data);
    expect_refused(compression_codec::snappy, framed, data.size() - 1, true);
}

TEST(KafkaCompression, SnappyJavaFramingThatLiesIsRefused) {
    std::string block;
    snappy::Compress("hello", 5, &block);
    // Header cut short, no block, a length past the end, a negative length, a cut length, a bad block.
    for (const std::string& framed :
         {xerial_header.substr(0, 12), xerial_header, xerial_header + big_endian32(100) + block,
          xerial_header + big_endian32(0xffffffff) + block,
          xerial_header + big_endian32(5) + block + "\x00\x00",
          xerial_header + big_endian32(3) + "\xff\xff\xff"}) {
        expect_refused(compression_codec::snappy, framed, 1000, false);
    }
}

TEST(KafkaCompression, ConcatenatedGzipMembersAndLz4FramesAreOneStream) {
    EXPECT_EQ(
        decompress(compression_codec::gzip,
                   compress(compression_codec::gzip, "abc") + compress(compression_codec::gzip, "def"), 6),
        "abcdef");
    EXPECT_EQ(
        decompress(compression_codec::lz4,
                   compress(compression_codec::lz4, "abc") + compress(compression_codec::lz4, "def"), 6),
        "abcdef");
    EXPECT_EQ(
        decompress(compression_codec::zstd,
                   compress(compression_codec::zstd, "abc") + compress(compression_codec::zstd, "def"), 6),
        "abcdef");
}

TEST(KafkaCompression, BytesThatDoNotDecompressAreRefused) {
    const std::string garbage = "this is not compressed data at all, in any format";
    for (const auto c : real_codecs) {
        expect_refused(c, garbage, 1 << 20, false);
        expect_refused(c, "", 1 << 20, false);
    }
}

TEST(KafkaCompression, TruncatedStreamsAreRefused) {
    const std::string data = mixed(50000);
    for (const auto c : real_codecs) {
        const std::string packed = compress(c, data);
        for (const std::size_t cut : {std::size_t{1}, packed.size() / 2, packed.size() - 1}) {
            expect_refused(c, packed.substr(0, cut), data.size(), false);
        }
    }
}

TEST(KafkaCompression, TrailingGarbageIsRefused) {
    for (const auto c : real_codecs) {
        expect_refused(c, compress(c, "hello") + "junk", 1000, false);
    }
}

// 64 MiB of zeros compresses to a few KiB in every codec; with a 1 MiB limit each stops at the limit.
TEST(KafkaCompression, DecompressionBombsStopAtTheLimit) {
    const std::string zeros(64u << 20, '\0');
    for (const auto c : real_codecs) {
        const std::string bomb = compress(c, zeros);
        ASSERT_LT(bomb.size(), 4u << 20) << name(c);
        expect_refused(c, bomb, 1u << 20, true);
    }
}

TEST(KafkaCompression, TheLimitIsInclusive) {
    const std::string data = mixed(10000);
    for (const auto c : all_codecs) {
        const std::string packed = compress(c, data);
        EXPECT_EQ(decompress(c, packed, data.size()), data) << name(c);
        expect_refused(c, packed, data.size() - 1, true);
        expect_refused(c, packed, 0, true);
    }
}

TEST(KafkaCompression, UnknownCodecs) {
    EXPECT_THROW(decompress(static_cast<compression_codec>(5), "x", 10), decompress_error);
    EXPECT_THROW(compress(static_cast<compression_codec>(7), "x"), std::invalid_argument);
    // decompress_error is a decode_error: a caller catching the protocol's error catches it.
    EXPECT_THROW(decompress(compression_codec::gzip, "x", 10), decode_error);
}

}  // namespace
