#include "kafka/protocol/record_batch.hpp"

#include <algorithm>
#include <boost/crc.hpp>
#include <cstring>
#include <functional>
#include <limits>
#include <span>
#include <stdexcept>

namespace emu::kafka::protocol {

namespace {

using kind = batch_error::kind;

// The smallest record: length, attributes, timestampDelta, offsetDelta, key length, value length and
// header count, one byte each.
constexpr std::size_t min_record_size = 7;
// The smallest header: key length and value length, one byte each.
constexpr std::size_t min_header_size = 2;
constexpr auto int32_max = static_cast<std::size_t>(std::numeric_limits<std::int32_t>::max());

std::int64_t wrapping_add(std::int64_t a, std::int64_t b) {
    return static_cast<std::int64_t>(static_cast<std::uint64_t>(a) + static_cast<std::uint64_t>(b));
}

[[noreturn]] void fail(kind k, const std::string& what) {
    throw batch_error(k, "record batch: " + what);
}

// ---- decoding

std::optional<std::string_view> read_nullable(reader& r, const char* what) {
    const std::int32_t n = r.varint();
    if (n == -1) return std::nullopt;
    if (n < 0) fail(kind::invalid_record, std::string("negative ") + what + " length " + std::to_string(n));
    return r.raw(static_cast<std::size_t>(n));
}

std::optional<std::string> owned(const std::optional<std::string_view>& v) {
    return v ? std::optional<std::string>(std::string(*v)) : std::nullopt;
}

// One record from `r`, its headers checked; `previous_delta` is the last record's offset delta (-1 before
// the first).
record_view read_record(reader& r, const batch_header& h, std::int32_t previous_delta, std::int32_t& delta) {
    const std::int32_t length = r.varint();
    if (length < 0 || static_cast<std::size_t>(length) > r.remaining()) {
        fail(kind::invalid_record, "a record length of " + std::to_string(length) + " with " +
                                       std::to_string(r.remaining()) + " bytes left");
    }
    const std::string_view whole = r.raw(static_cast<std::size_t>(length));
    reader body(whole);
    record_view out;
    body.int8();  // attributes: unused in v2
    const std::int64_t timestamp_delta = body.varlong();
    delta = body.varint();
    if (delta <= previous_delta || delta > h.last_offset_delta) {
        fail(kind::invalid_record, "offset delta " + std::to_string(delta) + " after " +
                                       std::to_string(previous_delta) + " (lastOffsetDelta " +
                                       std::to_string(h.last_offset_delta) + ")");
    }
    out.offset = wrapping_add(h.base_offset, delta);
    // LogAppendTime: every record carries the batch's maxTimestamp, the broker's append time (AK
    // DefaultRecordBatch).
    out.timestamp =
        h.timestamp_type_log_append() ? h.max_timestamp : wrapping_add(h.base_timestamp, timestamp_delta);
    out.key = read_nullable(body, "key");
    out.value = read_nullable(body, "value");
    const std::int32_t headers = body.varint();
    if (headers < 0 || static_cast<std::size_t>(headers) > body.remaining() / min_header_size) {
        fail(kind::invalid_record, "a header count of " + std::to_string(headers) + " in " +
                                       std::to_string(body.remaining()) + " bytes");
    }
    const std::size_t headers_begin = body.position();
    for (std::int32_t i = 0; i < headers; ++i) {
        const std::int32_t key_length = body.varint();
        if (key_length < 0)
            fail(kind::invalid_record, "negative header key length " + std::to_string(key_length));
        body.raw(static_cast<std::size_t>(key_length));
        read_nullable(body, "header value");
    }
    if (!body.at_end()) {
        fail(kind::invalid_record, "a record of length " + std::to_string(length) + " holds " +
                                       std::to_string(body.remaining()) + " bytes past its last header");
    }
    out.header_count = headers;
    out.headers = whole.substr(headers_begin);
    return out;
}

record to_record(const record_view& v) {
    record out;
    out.offset = v.offset;
    out.timestamp = v.timestamp;
    out.key = owned(v.key);
    out.value = owned(v.value);
    out.headers.reserve(static_cast<std::size_t>(v.header_count));
    reader r(v.headers);  // checked by read_record
    for (std::int32_t i = 0; i < v.header_count; ++i) {
        record_header header;
        header.key = std::string(r.raw(static_cast<std::size_t>(r.varint())));
        header.value = owned(read_nullable(r, "header value"));
        out.headers.push_back(std::move(header));
    }
    return out;
}

// ---- encoding

std::size_t varint_size(std::int64_t v) {
    auto u = (static_cast<std::uint64_t>(v) << 1) ^ static_cast<std::uint64_t>(v >> 63);
    std::size_t n = 1;
    while (u >= 0x80) {
        u >>= 7;
        ++n;
    }
    return n;
}

std::int32_t checked_length(std::size_t n, const char* what) {
    if (n > int32_max)
        throw std::invalid_argument(std::string("encode_batch: ") + what + " longer than 2 GiB");
    return static_cast<std::int32_t>(n);
}

std::size_t nullable_size(const std::optional<std::string>& v) {
    return v ? varint_size(checked_length(v->size(), "a key or value")) + v->size() : 1;
}

void write_nullable(writer& w, const std::optional<std::string>& v) {
    if (!v) {
        w.varint(-1);
        return;
    }
    w.varint(static_cast<std::int32_t>(v->size()));
    w.raw(*v);
}

// The records section, uncompressed, appended to `out`.
void write_records(std::string& out, std::int64_t base_offset, std::int64_t base_timestamp,
                   const std::vector<record>& records) {
    writer w(out);
    for (const record& r : records) {
        const std::int64_t offset_delta = r.offset - base_offset;  // checked by encode_batch
        const std::int64_t timestamp_delta = wrapping_add(r.timestamp, -base_timestamp);
        std::size_t body = 1 + varint_size(timestamp_delta) + varint_size(offset_delta) +
                           nullable_size(r.key) + nullable_size(r.value) +
                           varint_size(checked_length(r.headers.size(), "headers"));
        for (const record_header& h : r.headers) {
            body += varint_size(checked_length(h.key.size(), "a header key")) + h.key.size() +
                    nullable_size(h.value);
        }
        w.varint(checked_length(body, "a record"));
        w.int8(0);
        w.varlong(timestamp_delta);
        w.varint(static_cast<std::int32_t>(offset_delta));
        write_nullable(w, r.key);
        write_nullable(w, r.value);
        w.varint(static_cast<std::int32_t>(r.headers.size()));
        for (const record_header& h : r.headers) {
            w.varint(static_cast<std::int32_t>(h.key.size()));
            w.raw(h.key);
            write_nullable(w, h.value);
        }
    }
}

void need_header(std::span<const char> batch, const char* what) {
    if (batch.size() < batch_header_size) {
        throw std::invalid_argument(std::string(what) + ": " + std::to_string(batch.size()) +
                                    " bytes are not a record batch");
    }
}

void put_big_endian(std::span<char> batch, std::size_t at, std::uint64_t u, std::size_t size) {
    for (std::size_t i = 0; i < size; ++i)
        batch[at + i] = static_cast<char>((u >> (8 * (size - 1 - i))) & 0xff);
}

}  // namespace

std::uint32_t crc32c_portable(std::string_view bytes) {
    boost::crc_optimal<32, 0x1EDC6F41, 0xFFFFFFFF, 0xFFFFFFFF, true, true> crc;
    crc.process_bytes(bytes.data(), bytes.size());
    return crc.checksum();
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
namespace {

// SSE4.2's crc32 instruction computes CRC-32C (the reflected Castagnoli polynomial) 8 bytes at a time. It
// takes 3 cycles but can start every cycle, so long inputs go as three lanes of crc_lane bytes computed side
// by side, then joined: the CRC register is linear over GF(2) in the register and the data, so the register
// after A B C from r is shift(shift(after A from r) ^ after B from 0) ^ after C from 0, where shift is what
// crc_lane zero bytes do to a register (a 32x32 bit matrix, applied as four byte-indexed tables).
constexpr std::size_t crc_lane = 4096;

// The register after `n` bytes from `crc`, no pre- or post-inversion.
__attribute__((target("sse4.2"))) std::uint32_t crc32c_update(std::uint32_t crc, const char* p,
                                                              std::size_t n) {
    std::uint64_t c = crc;
    for (; n >= 8; n -= 8, p += 8) {
        std::uint64_t word = 0;
        std::memcpy(&word, p, 8);
        c = __builtin_ia32_crc32di(c, word);
    }
    auto c32 = static_cast<std::uint32_t>(c);
    for (; n > 0; --n, ++p) c32 = __builtin_ia32_crc32qi(c32, static_cast<unsigned char>(*p));
    return c32;
}

struct lane_shift {
    std::uint32_t table[4][256];

    std::uint32_t operator()(std::uint32_t crc) const {
        return table[0][crc & 0xff] ^ table[1][(crc >> 8) & 0xff] ^ table[2][(crc >> 16) & 0xff] ^
               table[3][crc >> 24];
    }
};

// Built on first use from the 32 registers of one bit each, crc_lane zero bytes on.
const lane_shift& crc_lane_shift() {
    static const lane_shift shift = [] {
        lane_shift out{};
        const std::string zeros(crc_lane, '\0');
        std::uint32_t basis[32];
        for (int bit = 0; bit < 32; ++bit)
            basis[bit] = crc32c_update(std::uint32_t{1} << bit, zeros.data(), zeros.size());
        for (int k = 0; k < 4; ++k) {
            for (std::uint32_t v = 0; v < 256; ++v) {
                std::uint32_t x = 0;
                for (int b = 0; b < 8; ++b) {
                    if (((v >> b) & 1) != 0) x ^= basis[8 * k + b];
                }
                out.table[k][v] = x;
            }
        }
        return out;
    }();
    return shift;
}

__attribute__((target("sse4.2"))) std::uint32_t crc32c_sse42(std::string_view bytes) {
    const char* p = bytes.data();
    std::size_t n = bytes.size();
    std::uint32_t crc = 0xFFFFFFFFu;
    if (n >= 3 * crc_lane) {
        const lane_shift& shift = crc_lane_shift();
        for (; n >= 3 * crc_lane; n -= 3 * crc_lane, p += 3 * crc_lane) {
            std::uint64_t a = crc;
            std::uint64_t b = 0;
            std::uint64_t c = 0;
            for (std::size_t i = 0; i < crc_lane; i += 8) {
                std::uint64_t wa = 0;
                std::uint64_t wb = 0;
                std::uint64_t wc = 0;
                std::memcpy(&wa, p + i, 8);
                std::memcpy(&wb, p + crc_lane + i, 8);
                std::memcpy(&wc, p + 2 * crc_lane + i, 8);
                a = __builtin_ia32_crc32di(a, wa);
                b = __builtin_ia32_crc32di(b, wb);
                c = __builtin_ia32_crc32di(c, wc);
            }
            crc = shift(shift(static_cast<std::uint32_t>(a)) ^ static_cast<std::uint32_t>(b)) ^
                  static_cast<std::uint32_t>(c);
        }
    }
    return ~crc32c_update(crc, p, n);
}

// __builtin_cpu_init first: this runs as a static initializer, which may precede libgcc's own.
const bool have_sse42 = [] {
    __builtin_cpu_init();
    return __builtin_cpu_supports("sse4.2") != 0;
}();

}  // namespace

std::uint32_t crc32c(std::string_view bytes) {
    return have_sse42 ? crc32c_sse42(bytes) : crc32c_portable(bytes);
}
#else
std::uint32_t crc32c(std::string_view bytes) {
    return crc32c_portable(bytes);
}
#endif

batch_header read_header(std::string_view batch) {
    reader r(batch.substr(0, batch_header_size));
    batch_header h;
    h.base_offset = r.int64();
    h.batch_length = r.int32();
    h.partition_leader_epoch = r.int32();
    h.magic = r.int8();
    h.crc = r.uint32();
    h.attributes = r.int16();
    h.last_offset_delta = r.int32();
    h.base_timestamp = r.int64();
    h.max_timestamp = r.int64();
    h.producer_id = r.int64();
    h.producer_epoch = r.int16();
    h.base_sequence = r.int32();
    h.records_count = r.int32();
    return h;
}

split_result split_batches(std::string_view records_field) {
    split_result result;
    std::size_t pos = 0;
    while (pos < records_field.size()) {
        const std::string_view rest = records_field.substr(pos);
        // Where, for the messages; built only when one is.
        const auto at = [pos] { return " at byte " + std::to_string(pos); };
        if (rest.size() < 12) {
            result.partial = rest;
            break;
        }
        reader r(rest);
        r.int64();
        const std::int32_t length = r.int32();
        // Magic sits at byte 16 in every message format, so an old message set is recognised as one even
        // when its entries are shorter than a v2 header.
        if (rest.size() > 16 && (rest[16] == 0 || rest[16] == 1)) {
            fail(kind::unsupported_magic,
                 "magic " + std::to_string(int{rest[16]}) + at() + " (only 2 is supported)");
        }
        if (length < batch_length_overhead) {
            fail(kind::corrupt_message, "batchLength " + std::to_string(length) + at() +
                                            " is shorter than the " + std::to_string(batch_length_overhead) +
                                            "-byte header");
        }
        if (static_cast<std::size_t>(length) > rest.size() - 12) {
            result.partial = rest;
            break;
        }
        const std::string_view bytes = rest.substr(0, static_cast<std::size_t>(length) + 12);
        const batch_header h = read_header(bytes);
        if (h.magic != current_magic)
            fail(kind::corrupt_message, "magic " + std::to_string(int{h.magic}) + at());
        const std::uint32_t crc = crc32c(bytes.substr(batch_attributes_offset));
        if (crc != h.crc) {
            fail(kind::corrupt_message, "CRC-32C mismatch" + at() + " (stored " + std::to_string(h.crc) +
                                            ", computed " + std::to_string(crc) + ")");
        }
        if ((h.attributes & batch_header::codec_mask) > static_cast<int>(compression_codec::zstd)) {
            fail(kind::corrupt_message, "unknown compression codec " +
                                            std::to_string(h.attributes & batch_header::codec_mask) + at());
        }
        if (h.records_count < 0 || h.last_offset_delta < 0 ||
            (h.records_count > 0 && h.last_offset_delta < h.records_count - 1)) {
            fail(kind::invalid_record, "recordsCount " + std::to_string(h.records_count) +
                                           " with lastOffsetDelta " + std::to_string(h.last_offset_delta) +
                                           at());
        }
        const std::size_t section = bytes.size() - batch_header_size;
        if (h.codec() == compression_codec::none &&
            static_cast<std::size_t>(h.records_count) > section / min_record_size) {
            fail(kind::invalid_record, "recordsCount " + std::to_string(h.records_count) +
                                           " in a records section of " + std::to_string(section) + " bytes" +
                                           at());
        }
        result.batches.push_back({h, bytes});
        pos += bytes.size();
    }
    return result;
}

void check_producer_batch(const batch_header& header) {
    if (header.records_count <= 0) {
        fail(kind::invalid_record,
             "a producer batch of " + std::to_string(header.records_count) + " records");
    }
    if (header.last_offset_delta != header.records_count - 1) {
        fail(kind::invalid_record, "a producer batch of " + std::to_string(header.records_count) +
                                       " records with lastOffsetDelta " +
                                       std::to_string(header.last_offset_delta));
    }
}

namespace {

// The records section of `batch`, decompressed into `storage` when it is compressed, bounded by
// `max_decompressed` either way, with recordsCount checked against its size.
std::string_view records_section(const record_batch_view& batch, std::size_t max_decompressed,
                                 std::string& storage) {
    const batch_header& h = batch.header;
    if (batch.bytes.size() < batch_header_size) fail(kind::corrupt_message, "shorter than its header");
    const std::string_view section = batch.bytes.substr(batch_header_size);
    std::string_view data = section;
    if (h.codec() != compression_codec::none) {
        try {
            storage = decompress(h.codec(), section, max_decompressed);
        } catch (const decompress_error& e) {
            fail(e.over_limit() ? kind::decompressed_too_large : kind::corrupt_message, e.what());
        }
        data = storage;
    } else if (section.size() > max_decompressed) {
        fail(kind::decompressed_too_large, "a records section of " + std::to_string(section.size()) +
                                               " bytes, more than " + std::to_string(max_decompressed));
    }
    if (h.records_count < 0 || static_cast<std::size_t>(h.records_count) > data.size() / min_record_size) {
        fail(kind::invalid_record, "recordsCount " + std::to_string(h.records_count) + " in " +
                                       std::to_string(data.size()) + " bytes");
    }
    return data;
}

template <class Visit>
void walk_records(std::string_view data, const batch_header& h, Visit&& visit) {
    reader r(data);
    std::int32_t delta = -1;
    for (std::int32_t i = 0; i < h.records_count; ++i) {
        record_view v;
        try {
            const std::int32_t previous = delta;
            v = read_record(r, h, previous, delta);
        } catch (const batch_error&) {
            throw;
        } catch (const decode_error& e) {
            fail(kind::invalid_record,
                 "record " + std::to_string(i) + " of " + std::to_string(h.records_count) + ": " + e.what());
        }
        visit(v);
    }
    if (!r.at_end()) {
        fail(kind::invalid_record, std::to_string(r.remaining()) + " bytes after the " +
                                       std::to_string(h.records_count) + " records recordsCount announces");
    }
}

// ---- the fast check: read_record's checks on raw pointers, false at the first thing wrong (the caller then
// walks again with walk_records, which says what). Each varint is read as reader reads it (the same length
// and overflow limits), every length is bounded by the record's end, and nothing is kept but the first and
// last timestamp deltas.

using byte_ptr = const unsigned char*;

inline bool fast_uvarint(byte_ptr& p, byte_ptr end, std::uint32_t& v) {
    if (p != end && *p < 0x80) {  // the common one-byte form
        v = *p++;
        return true;
    }
    std::uint32_t out = 0;
    for (int shift = 0; shift < 35; shift += 7) {
        if (p == end) return false;
        const std::uint32_t b = *p++;
        if (shift == 28 && (b & 0xf0) != 0) return false;
        out |= (b & 0x7f) << shift;
        if ((b & 0x80) == 0) {
            v = out;
            return true;
        }
    }
    return false;
}

inline bool fast_varint(byte_ptr& p, byte_ptr end, std::int32_t& v) {
    std::uint32_t u = 0;
    if (!fast_uvarint(p, end, u)) return false;
    v = static_cast<std::int32_t>((u >> 1) ^ (~(u & 1) + 1));
    return true;
}

inline bool fast_varlong(byte_ptr& p, byte_ptr end, std::int64_t& v) {
    std::uint64_t u = 0;
    for (int shift = 0; shift < 70; shift += 7) {
        if (p == end) return false;
        const std::uint64_t b = *p++;
        if (shift == 63 && (b & 0xfe) != 0) return false;
        u |= (b & 0x7f) << shift;
        if ((b & 0x80) == 0) {
            v = static_cast<std::int64_t>((u >> 1) ^ (~(u & 1) + 1));
            return true;
        }
    }
    return false;
}

// A varint length, -1 (null) allowed when `nullable`, then that many bytes.
inline bool fast_skip_bytes(byte_ptr& p, byte_ptr end, bool nullable) {
    std::int32_t n = 0;
    if (!fast_varint(p, end, n)) return false;
    if (n < 0) return nullable && n == -1;
    if (static_cast<std::size_t>(n) > static_cast<std::size_t>(end - p)) return false;
    p += n;
    return true;
}

bool fast_check(std::string_view data, const batch_header& h, std::int64_t& first_delta,
                std::int64_t& last_delta) {
    auto p = reinterpret_cast<byte_ptr>(data.data());
    const byte_ptr end = p + data.size();
    std::int32_t previous = -1;
    for (std::int32_t i = 0; i < h.records_count; ++i) {
        std::int32_t length = 0;
        if (!fast_varint(p, end, length)) return false;
        if (length < 0 || static_cast<std::size_t>(length) > static_cast<std::size_t>(end - p)) return false;
        const byte_ptr record_end = p + length;
        if (p == record_end) return false;
        ++p;  // attributes
        std::int64_t timestamp_delta = 0;
        std::int32_t delta = 0;
        if (!fast_varlong(p, record_end, timestamp_delta) || !fast_varint(p, record_end, delta)) return false;
        if (delta <= previous || delta > h.last_offset_delta) return false;
        previous = delta;
        if (i == 0) first_delta = timestamp_delta;
        last_delta = timestamp_delta;
        if (!fast_skip_bytes(p, record_end, true) || !fast_skip_bytes(p, record_end, true)) return false;
        std::int32_t headers = 0;
        if (!fast_varint(p, record_end, headers)) return false;
        if (headers < 0 ||
            static_cast<std::size_t>(headers) > static_cast<std::size_t>(record_end - p) / min_header_size) {
            return false;
        }
        for (std::int32_t k = 0; k < headers; ++k) {
            if (!fast_skip_bytes(p, record_end, false) || !fast_skip_bytes(p, record_end, true)) return false;
        }
        if (p != record_end) return false;
    }
    return p == end;
}

}  // namespace

void visit_records(const record_batch_view& batch, std::size_t max_decompressed,
                   const std::function<void(const record_view&)>& visit) {
    std::string storage;
    walk_records(records_section(batch, max_decompressed, storage), batch.header, visit);
}

std::vector<record> decode_records(const record_batch_view& batch, std::size_t max_decompressed) {
    std::vector<record> records;
    if (batch.header.records_count > 0) {
        // Bounded: visit_records refuses a count the records section cannot hold before visiting any.
        records.reserve(
            std::min<std::size_t>(static_cast<std::size_t>(batch.header.records_count), batch.bytes.size()));
    }
    visit_records(batch, max_decompressed, [&](const record_view& v) { records.push_back(to_record(v)); });
    return records;
}

records_summary check_records(const record_batch_view& batch, std::size_t max_decompressed) {
    const batch_header& h = batch.header;
    std::string storage;
    const std::string_view data = records_section(batch, max_decompressed, storage);
    records_summary out;
    std::int64_t first_delta = 0;
    std::int64_t last_delta = 0;
    if (fast_check(data, h, first_delta, last_delta)) {
        if (h.records_count > 0) {
            // As read_record computes a record's timestamp.
            out.first_timestamp =
                h.timestamp_type_log_append() ? h.max_timestamp : wrapping_add(h.base_timestamp, first_delta);
            out.last_timestamp =
                h.timestamp_type_log_append() ? h.max_timestamp : wrapping_add(h.base_timestamp, last_delta);
        }
        return out;
    }
    // Something is wrong: the full walk finds what, and throws its error.
    bool first = true;
    walk_records(data, h, [&](const record_view& v) {
        if (first) out.first_timestamp = v.timestamp;
        first = false;
        out.last_timestamp = v.timestamp;
    });
    return out;
}

std::string encode_batch(const batch_header& h, const std::vector<record>& records, compression_codec codec) {
    if (static_cast<std::uint8_t>(codec) > static_cast<std::uint8_t>(compression_codec::zstd)) {
        throw std::invalid_argument("encode_batch: unknown codec");
    }
    const std::int32_t count = checked_length(records.size(), "records");
    std::int32_t last_delta = h.last_offset_delta;
    std::int64_t base_timestamp = h.base_timestamp;
    std::int64_t max_timestamp = h.max_timestamp;
    if (!records.empty()) {
        base_timestamp = records.front().timestamp;
        max_timestamp = records.front().timestamp;
        std::int64_t previous = -1;
        for (const record& r : records) {
            // Compared before subtracting: an offset below base_offset, or too far above, never overflows.
            if (r.offset < h.base_offset ||
                static_cast<std::uint64_t>(r.offset) - static_cast<std::uint64_t>(h.base_offset) >
                    int32_max) {
                throw std::invalid_argument("encode_batch: offset " + std::to_string(r.offset) +
                                            " is not within int32 of the base offset " +
                                            std::to_string(h.base_offset));
            }
            const std::int64_t delta = r.offset - h.base_offset;
            if (delta <= previous) throw std::invalid_argument("encode_batch: offsets do not increase");
            previous = delta;
            if (r.timestamp > max_timestamp) max_timestamp = r.timestamp;
        }
        last_delta = static_cast<std::int32_t>(previous);
    }
    const auto attributes = static_cast<std::int16_t>((h.attributes & ~batch_header::codec_mask) |
                                                      static_cast<std::int16_t>(codec));

    std::string out;
    writer w(out);
    w.int64(h.base_offset);
    w.int32(0);  // batchLength, patched below
    w.int32(h.partition_leader_epoch);
    w.int8(current_magic);
    w.uint32(0);  // crc, patched below
    w.int16(attributes);
    w.int32(last_delta);
    w.int64(base_timestamp);
    w.int64(max_timestamp);
    w.int64(h.producer_id);
    w.int16(h.producer_epoch);
    w.int32(h.base_sequence);
    w.int32(count);
    if (codec == compression_codec::none) {
        write_records(out, h.base_offset, base_timestamp, records);
    } else {
        std::string plain;
        write_records(plain, h.base_offset, base_timestamp, records);
        out += compress(codec, plain);
    }
    w.patch_int32(8, checked_length(out.size() - 12, "the batch"));
    const std::uint32_t crc = crc32c(std::string_view(out).substr(batch_attributes_offset));
    w.patch_int32(batch_crc_offset, static_cast<std::int32_t>(crc));
    return out;
}

void set_base_offset(std::span<char> batch, std::int64_t base_offset) {
    need_header(batch, "set_base_offset");
    put_big_endian(batch, 0, static_cast<std::uint64_t>(base_offset), 8);
}

void set_partition_leader_epoch(std::span<char> batch, std::int32_t epoch) {
    need_header(batch, "set_partition_leader_epoch");
    put_big_endian(batch, 12, static_cast<std::uint32_t>(epoch), 4);
}

void set_log_append_time(std::span<char> batch, std::int64_t time) {
    need_header(batch, "set_log_append_time");
    const std::string_view bytes(batch.data(), batch.size());
    const auto attributes =
        static_cast<std::uint16_t>(read_header(bytes).attributes | batch_header::timestamp_type_mask);
    put_big_endian(batch, batch_attributes_offset, attributes, 2);
    put_big_endian(batch, batch_max_timestamp_offset, static_cast<std::uint64_t>(time), 8);
    put_big_endian(batch, batch_crc_offset, crc32c(bytes.substr(batch_attributes_offset)), 4);
}

}  // namespace emu::kafka::protocol
