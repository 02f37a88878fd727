#include "routes/dis/content_encoding.hpp"

#include <lz4.h>
#include <snappy.h>
#include <zstd.h>

#include <algorithm>
#include <climits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "routes/http/api_error.hpp"
#include "routes/http/text.hpp"
#include "routes/http/validation.hpp"

namespace emu::routes::dis {

namespace {

constexpr std::string_view lz4_length_header = "x-dis-lz4-content-length";
constexpr std::string_view zstd_length_header = "x-dis-zstd-content-length";
// The largest window zstd's decoder takes by default (ZSTD_WINDOWLOG_LIMIT_DEFAULT, outside zstd's stable
// API, so spelled out here), and the smallest this decoder allows a frame.
constexpr int zstd_default_max_window_log = 27;
constexpr int zstd_min_window_log = 23;  // 8 MiB

api_error too_large(std::size_t max_decoded) {
    return dis_invalid_request("request body: decodes to more than the --body-limit of " +
                               std::to_string(max_decoded) + " bytes");
}

// A length header: absent, or a decimal byte count (anything else is refused).
std::optional<std::size_t> length_header(const request_context& ctx, std::string_view name) {
    const std::string* text = ctx.header(name);
    if (text == nullptr) return std::nullopt;
    const auto value = parse_int64(trim(*text));
    if (!value || *value < 0) throw dis_invalid_request(std::string(name) + ": must be a decimal byte count");
    return static_cast<std::size_t>(*value);
}

std::string decode_lz4(const request_context& ctx, std::size_t max_decoded) {
    const auto declared = length_header(ctx, lz4_length_header);
    if (!declared) {
        throw dis_invalid_request(std::string(lz4_length_header) + ": is required with Content-Encoding lz4");
    }
    if (*declared > max_decoded) throw too_large(max_decoded);
    // LZ4's sizes are ints; a --body-limit past 2 GiB does not make a larger block decodable.
    if (*declared > static_cast<std::size_t>(INT_MAX) ||
        ctx.body.size() > static_cast<std::size_t>(INT_MAX)) {
        throw too_large(std::min<std::size_t>(max_decoded, INT_MAX));
    }
    std::string out(*declared, '\0');
    const int written = LZ4_decompress_safe(ctx.body.data(), out.data(), static_cast<int>(ctx.body.size()),
                                            static_cast<int>(out.size()));
    if (written < 0 || static_cast<std::size_t>(written) != *declared) {
        throw dis_invalid_request("request body: not an lz4 block of " + std::to_string(*declared) +
                                  " bytes (" + std::string(lz4_length_header) + ")");
    }
    return out;
}

std::string decode_snappy(const request_context& ctx, std::size_t max_decoded) {
    std::size_t length = 0;
    if (!snappy::GetUncompressedLength(ctx.body.data(), ctx.body.size(), &length)) {
        throw dis_invalid_request("request body: not snappy data");
    }
    if (length > max_decoded) throw too_large(max_decoded);
    std::string out;
    if (!snappy::Uncompress(ctx.body.data(), ctx.body.size(), &out)) {
        throw dis_invalid_request("request body: not snappy data");
    }
    return out;
}

// Streamed, so a frame that hides its size (or lies about it) never gets more than max_decoded + 1 bytes.
std::string decode_zstd(const request_context& ctx, std::size_t max_decoded) {
    const auto declared = length_header(ctx, zstd_length_header);
    if (declared && *declared > max_decoded) throw too_large(max_decoded);
    const std::unique_ptr<ZSTD_DCtx, decltype(&ZSTD_freeDCtx)> stream(ZSTD_createDCtx(), ZSTD_freeDCtx);
    if (!stream) throw std::bad_alloc();
    // What one frame header can make the decoder allocate is bounded by the window it may ask for: as large
    // as the largest body accepted, but at least 8 MiB (what zstd's levels up to 19 use when the size is not
    // known in advance), and never more than zstd's own default limit.
    int window_log = zstd_min_window_log;
    while (window_log < zstd_default_max_window_log && (std::size_t{1} << window_log) < max_decoded) {
        ++window_log;
    }
    ZSTD_DCtx_setParameter(stream.get(), ZSTD_d_windowLogMax, window_log);

    const auto refuse = [](std::size_t code) {
        return dis_invalid_request(std::string("request body: not zstd frames (") + ZSTD_getErrorName(code) +
                                   ")");
    };
    ZSTD_inBuffer in{ctx.body.data(), ctx.body.size(), 0};
    std::string out;
    std::size_t produced = 0;
    for (;;) {
        if (produced == out.size()) {
            if (out.size() > max_decoded) throw too_large(max_decoded);
            out.resize(std::min(out.size() + ZSTD_DStreamOutSize(), max_decoded + 1));
        }
        ZSTD_outBuffer buffer{out.data(), out.size(), produced};
        const std::size_t consumed_before = in.pos;
        const std::size_t left = ZSTD_decompressStream(stream.get(), &buffer, &in);
        if (ZSTD_isError(left)) throw refuse(left);
        const bool progressed = in.pos != consumed_before || buffer.pos != produced;
        produced = buffer.pos;
        if (produced > max_decoded) throw too_large(max_decoded);
        if (left == 0 && in.pos == in.size) break;  // the last frame is complete and every byte used
        if (!progressed || (in.pos == in.size && buffer.pos < buffer.size)) {
            throw dis_invalid_request("request body: not zstd frames (the last frame is cut short)");
        }
    }
    out.resize(produced);
    if (declared && *declared != produced) {
        throw dis_invalid_request(std::string(zstd_length_header) + ": is " + std::to_string(*declared) +
                                  ", the body decodes to " + std::to_string(produced) + " bytes");
    }
    return out;
}

}  // namespace

void decode_content_encoding(request_context& ctx, std::size_t max_decoded) {
    const std::string* header = nullptr;
    for (const auto& [name, value] : ctx.headers) {
        if (!iequals(name, "Content-Encoding")) continue;
        if (header != nullptr) throw dis_invalid_request("Content-Encoding: is given more than once");
        header = &value;
    }
    if (header == nullptr) return;
    const std::string encoding = ascii_lowered(trim(*header));
    if (encoding.empty() || encoding == "identity") return;
    if (encoding == "lz4") {
        ctx.body = decode_lz4(ctx, max_decoded);
    } else if (encoding == "snappy") {
        ctx.body = decode_snappy(ctx, max_decoded);
    } else if (encoding == "zstd") {
        ctx.body = decode_zstd(ctx, max_decoded);
    } else {
        throw dis_invalid_request("Content-Encoding: " + to_utf8(trim(*header)) +
                                  " is not supported; DIS takes lz4, snappy, zstd or identity");
    }
}

}  // namespace emu::routes::dis
