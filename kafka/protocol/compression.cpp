#include "kafka/protocol/compression.hpp"

#include <lz4frame.h>
#include <snappy.h>
#include <zlib.h>
#include <zstd.h>

#include <algorithm>
#include <climits>
#include <cstring>
#include <memory>
#include <new>
#include <stdexcept>
#include <utility>

namespace emu::kafka::protocol {

namespace {

// snappy-java's stream header: magic, then int32 version and int32 oldest compatible version.
constexpr std::string_view xerial_magic{"\x82SNAPPY\0", 8};
constexpr std::size_t xerial_header_size = 16;

// The largest zstd window accepted: zstd's own default limit (ZSTD_WINDOWLOG_LIMIT_DEFAULT, outside its
// stable API, so spelled out), and the smallest this decoder allows a frame whatever max_size is (8 MiB,
// what zstd's levels up to 19 use when the size is not known in advance).
constexpr int zstd_default_max_window_log = 27;
constexpr int zstd_min_window_log = 23;

[[noreturn]] void not_decodable(compression_codec codec, std::string_view why) {
    throw decompress_error(std::string(codec_name(codec)) + " data does not decompress: " + std::string(why),
                           false);
}

[[noreturn]] void over_limit(compression_codec codec, std::size_t max_size) {
    throw decompress_error(std::string(codec_name(codec)) + " data decompresses to more than " +
                               std::to_string(max_size) + " bytes",
                           true);
}

// The output of a streaming decoder: grown geometrically but never past max_size + 1 bytes, so a decoder
// that fills that last byte has shown the data to be over the limit without producing any more.
class bounded_output {
  public:
    bounded_output(compression_codec codec, std::size_t max_size, std::size_t hint)
        : codec_(codec), max_size_(max_size) {
        out_.resize(std::min(cap(), std::max<std::size_t>(hint, 4096)));
    }

    char* free_begin() { return out_.data() + used_; }
    std::size_t free_size() const { return out_.size() - used_; }

    // At least one free byte; over_limit when the output is already max_size + 1 long.
    void make_room() {
        if (free_size() > 0) return;
        if (out_.size() >= cap()) over_limit(codec_, max_size_);
        const std::size_t grown = out_.size() > cap() / 2 ? cap() : out_.size() * 2;
        out_.resize(std::max(grown, out_.size() + 1));
    }

    void produced(std::size_t n) {
        used_ += n;
        if (used_ > max_size_) over_limit(codec_, max_size_);
    }

    std::string take() && {
        out_.resize(used_);
        return std::move(out_);
    }

  private:
    std::size_t cap() const { return max_size_ == SIZE_MAX ? SIZE_MAX : max_size_ + 1; }

    compression_codec codec_;
    std::size_t max_size_;
    std::string out_;
    std::size_t used_ = 0;
};

std::size_t output_hint(std::string_view data) {
    return data.size() > SIZE_MAX / 4 ? SIZE_MAX : data.size() * 4;
}

// ---- gzip

std::string gzip_compress(std::string_view data) {
    if (data.size() > UINT_MAX) throw std::invalid_argument("gzip: input larger than 4 GiB");
    z_stream z{};
    if (deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
        throw std::bad_alloc();
    }
    const std::unique_ptr<z_stream, int (*)(z_stream*)> guard(&z, deflateEnd);
    std::string out(deflateBound(&z, static_cast<uLong>(data.size())), '\0');
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    z.avail_in = static_cast<uInt>(data.size());
    z.next_out = reinterpret_cast<Bytef*>(out.data());
    z.avail_out = static_cast<uInt>(std::min<std::size_t>(out.size(), UINT_MAX));
    if (deflate(&z, Z_FINISH) != Z_STREAM_END) throw std::runtime_error("gzip: deflate did not finish");
    out.resize(z.total_out);
    return out;
}

std::string gzip_decompress(std::string_view data, std::size_t max_size) {
    constexpr auto codec = compression_codec::gzip;
    if (data.size() > UINT_MAX) not_decodable(codec, "input larger than 4 GiB");
    z_stream z{};
    if (inflateInit2(&z, 15 + 16) != Z_OK) throw std::bad_alloc();
    const std::unique_ptr<z_stream, int (*)(z_stream*)> guard(&z, inflateEnd);
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    z.avail_in = static_cast<uInt>(data.size());
    bounded_output out(codec, max_size, output_hint(data));
    for (;;) {
        out.make_room();
        const auto space = static_cast<uInt>(std::min<std::size_t>(out.free_size(), UINT_MAX));
        z.next_out = reinterpret_cast<Bytef*>(out.free_begin());
        z.avail_out = space;
        const int ret = inflate(&z, Z_NO_FLUSH);
        out.produced(space - z.avail_out);
        if (ret == Z_STREAM_END) {
            if (z.avail_in == 0) break;
            // Another member follows (gzip streams may be concatenated).
            if (inflateReset(&z) != Z_OK) not_decodable(codec, "cannot start the next member");
            continue;
        }
        if (ret == Z_BUF_ERROR && z.avail_out == 0) continue;  // only out of room
        if (ret != Z_OK && ret != Z_BUF_ERROR)
            not_decodable(codec, z.msg != nullptr ? z.msg : "inflate failed");
        if (z.avail_in == 0 && z.avail_out > 0) not_decodable(codec, "the stream is cut short");
    }
    return std::move(out).take();
}

// ---- snappy

// One raw snappy block appended to `out`, which must not pass max_size.
void snappy_raw_append(std::string& out, std::string_view block, std::size_t max_size) {
    constexpr auto codec = compression_codec::snappy;
    std::size_t length = 0;
    if (!snappy::GetUncompressedLength(block.data(), block.size(), &length)) {
        not_decodable(codec, "no snappy length header");
    }
    if (length > max_size - out.size()) over_limit(codec, max_size);
    const std::size_t at = out.size();
    out.resize(at + length);
    if (!snappy::RawUncompress(block.data(), block.size(), out.data() + at)) {
        not_decodable(codec, "corrupt snappy block");
    }
}

std::string snappy_decompress(std::string_view data, std::size_t max_size) {
    constexpr auto codec = compression_codec::snappy;
    std::string out;
    if (data.substr(0, xerial_magic.size()) != xerial_magic) {
        snappy_raw_append(out, data, max_size);
        return out;
    }
    if (data.size() < xerial_header_size) not_decodable(codec, "snappy-java header cut short");
    reader r(data.substr(xerial_header_size));
    if (r.at_end()) not_decodable(codec, "snappy-java stream without blocks");
    while (!r.at_end()) {
        std::int32_t length = 0;
        std::string_view block;
        try {
            length = r.int32();
            if (length < 0) not_decodable(codec, "negative snappy-java block length");
            block = r.raw(static_cast<std::size_t>(length));
        } catch (const decompress_error&) {
            throw;
        } catch (const decode_error& e) {
            not_decodable(codec, std::string("snappy-java block: ") + e.what());
        }
        snappy_raw_append(out, block, max_size);
    }
    return out;
}

// ---- lz4

std::string lz4_compress(std::string_view data) {
    LZ4F_preferences_t prefs;
    std::memset(&prefs, 0, sizeof prefs);
    // Independent 64 KiB blocks, as librdkafka writes them: the Java client's reader
    // (KafkaLZ4BlockInputStream) decodes each block on its own.
    prefs.frameInfo.blockSizeID = LZ4F_max64KB;
    prefs.frameInfo.blockMode = LZ4F_blockIndependent;
    std::string out(LZ4F_compressFrameBound(data.size(), &prefs), '\0');
    const std::size_t n = LZ4F_compressFrame(out.data(), out.size(), data.data(), data.size(), &prefs);
    if (LZ4F_isError(n)) throw std::runtime_error(std::string("lz4: ") + LZ4F_getErrorName(n));
    out.resize(n);
    return out;
}

std::string lz4_decompress(std::string_view data, std::size_t max_size) {
    constexpr auto codec = compression_codec::lz4;
    LZ4F_dctx* raw_ctx = nullptr;
    if (LZ4F_isError(LZ4F_createDecompressionContext(&raw_ctx, LZ4F_VERSION))) throw std::bad_alloc();
    const std::unique_ptr<LZ4F_dctx, LZ4F_errorCode_t (*)(LZ4F_dctx*)> ctx(raw_ctx,
                                                                           LZ4F_freeDecompressionContext);
    const char* src = data.data();
    std::size_t left = data.size();
    bounded_output out(codec, max_size, output_hint(data));
    for (;;) {
        out.make_room();
        std::size_t dst_size = out.free_size();
        const std::size_t space = dst_size;
        std::size_t src_size = left;
        const std::size_t hint =
            LZ4F_decompress(ctx.get(), out.free_begin(), &dst_size, src, &src_size, nullptr);
        if (LZ4F_isError(hint)) not_decodable(codec, LZ4F_getErrorName(hint));
        src += src_size;
        left -= src_size;
        out.produced(dst_size);
        if (hint == 0) {  // a frame is complete
            if (left == 0) break;
            continue;  // another frame follows
        }
        if (left == 0 && dst_size < space) not_decodable(codec, "the frame is cut short");
        if (src_size == 0 && dst_size == 0) not_decodable(codec, "the decoder makes no progress");
    }
    return std::move(out).take();
}

// ---- zstd

std::string zstd_compress(std::string_view data) {
    std::string out(ZSTD_compressBound(data.size()), '\0');
    const std::size_t n =
        ZSTD_compress(out.data(), out.size(), data.data(), data.size(), ZSTD_CLEVEL_DEFAULT);
    if (ZSTD_isError(n)) throw std::runtime_error(std::string("zstd: ") + ZSTD_getErrorName(n));
    out.resize(n);
    return out;
}

std::string zstd_decompress(std::string_view data, std::size_t max_size) {
    constexpr auto codec = compression_codec::zstd;
    const std::unique_ptr<ZSTD_DCtx, std::size_t (*)(ZSTD_DCtx*)> stream(ZSTD_createDCtx(), ZSTD_freeDCtx);
    if (!stream) throw std::bad_alloc();
    // What a frame header can make the decoder allocate is bounded by the window it may ask for: as large as
    // max_size, at least 8 MiB, never more than zstd's default limit.
    int window_log = zstd_min_window_log;
    while (window_log < zstd_default_max_window_log && (std::size_t{1} << window_log) < max_size)
        ++window_log;
    ZSTD_DCtx_setParameter(stream.get(), ZSTD_d_windowLogMax, window_log);
    ZSTD_inBuffer in{data.data(), data.size(), 0};
    if (data.empty()) not_decodable(codec, "no frame");
    bounded_output out(codec, max_size, output_hint(data));
    for (;;) {
        out.make_room();
        ZSTD_outBuffer buffer{out.free_begin(), out.free_size(), 0};
        const std::size_t consumed_before = in.pos;
        const std::size_t left = ZSTD_decompressStream(stream.get(), &buffer, &in);
        if (ZSTD_isError(left)) not_decodable(codec, ZSTD_getErrorName(left));
        out.produced(buffer.pos);
        if (left == 0 && in.pos == in.size) break;  // the last frame is complete and every byte used
        if (in.pos == in.size && buffer.pos < buffer.size) not_decodable(codec, "the frame is cut short");
        if (in.pos == consumed_before && buffer.pos == 0)
            not_decodable(codec, "the decoder makes no progress");
    }
    return std::move(out).take();
}

}  // namespace

std::string_view codec_name(compression_codec codec) {
    switch (codec) {
        case compression_codec::none:
            return "none";
        case compression_codec::gzip:
            return "gzip";
        case compression_codec::snappy:
            return "snappy";
        case compression_codec::lz4:
            return "lz4";
        case compression_codec::zstd:
            return "zstd";
    }
    return "unknown";
}

std::string compress(compression_codec codec, std::string_view data) {
    switch (codec) {
        case compression_codec::none:
            return std::string(data);
        case compression_codec::gzip:
            return gzip_compress(data);
        case compression_codec::snappy: {
            std::string out;
            snappy::Compress(data.data(), data.size(), &out);
            return out;
        }
        case compression_codec::lz4:
            return lz4_compress(data);
        case compression_codec::zstd:
            return zstd_compress(data);
    }
    throw std::invalid_argument("compress: unknown codec " + std::to_string(static_cast<int>(codec)));
}

std::string decompress(compression_codec codec, std::string_view data, std::size_t max_size) {
    switch (codec) {
        case compression_codec::none:
            if (data.size() > max_size) over_limit(codec, max_size);
            return std::string(data);
        case compression_codec::gzip:
            return gzip_decompress(data, max_size);
        case compression_codec::snappy:
            return snappy_decompress(data, max_size);
        case compression_codec::lz4:
            return lz4_decompress(data, max_size);
        case compression_codec::zstd:
            return zstd_decompress(data, max_size);
    }
    throw decompress_error("unknown compression codec " + std::to_string(static_cast<int>(codec)), false);
}

}  // namespace emu::kafka::protocol
