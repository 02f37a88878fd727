#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "kafka/protocol/codec.hpp"

// The compression codecs of a record batch's attributes (bits 0-2; AK docs/implementation.html §5.3.1):
//   gzip    a gzip stream (RFC 1952; concatenated members are read as one stream, as java.util.zip does)
//   snappy  raw snappy, which librdkafka writes and compress() writes; decompress() also reads the
//           snappy-java ("xerial") framing the Java client and kafka-python write: the magic 82 'SNAPPY' 00,
//           two int32 (version, compatible version), then int32 big-endian length-prefixed raw blocks
//   lz4     the LZ4 frame format (lz4frame.h; concatenated frames are read as one stream)
//   zstd    zstd frames
// Decompression is bounded: it stops with decompress_error(over_limit) as soon as the output would pass
// max_size, without producing more than max_size + one chunk, whatever the compressed data claims.
namespace emu::kafka::protocol {

enum class compression_codec : std::int8_t { none = 0, gzip = 1, snappy = 2, lz4 = 3, zstd = 4 };

// The codec's name as Kafka's compression.type spells it ("none", "gzip", ...); "unknown" past zstd.
std::string_view codec_name(compression_codec codec);

// Bytes that do not decode with the codec (over_limit() false), or that decode to more than max_size
// (over_limit() true).
class decompress_error : public decode_error {
  public:
    decompress_error(const std::string& what, bool over_limit)
        : decode_error(what), over_limit_(over_limit) {}
    bool over_limit() const { return over_limit_; }

  private:
    bool over_limit_;
};

// `data` compressed with `codec` (none: a copy). Throws std::invalid_argument for a codec outside the enum.
std::string compress(compression_codec codec, std::string_view data);

// `data` decompressed with `codec` (none: a copy, over_limit past max_size like the others); throws
// decompress_error for an unknown codec, bytes that do not decode, or output past max_size.
std::string decompress(compression_codec codec, std::string_view data, std::size_t max_size);

}  // namespace emu::kafka::protocol
