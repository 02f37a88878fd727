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

// SSE4.2's crc32 instruction computes CRC-32C (the reflected Castagnoli polynomial) 8 bytes at a time.
__attribute__((target("sse4.2"))) std::uint32_t crc32c_sse42(std::string_view bytes) {
    const char* p = bytes.data();
    std::size_t n = bytes.size();
    std::uint64_t crc = 0xFFFFFFFFu;
    for (; n >= 8; n -= 8, p += 8) {
        std::uint64_t word = 0;
        std::memcpy(&word, p, 8);
        crc = __builtin_ia32_crc32di(crc, word);
    }
    auto crc32 = static_cast<std::uint32_t>(crc);
    for (; n > 0; --n, ++p) crc32 = __builtin_ia32_crc32qi(crc32, static_cast<unsigned char>(*p));
    return ~crc32;
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

void visit_records(const record_batch_view& batch, std::size_t max_decompressed,
                   const std::function<void(const record_view&)>& visit) {
    const batch_header& h = batch.header;
    if (batch.bytes.size() < batch_header_size) fail(kind::corrupt_message, "shorter than its header");
    const std::string_view section = batch.bytes.substr(batch_header_size);
    std::string decompressed;
    std::string_view data = section;
    if (h.codec() != compression_codec::none) {
        try {
            decompressed = decompress(h.codec(), section, max_decompressed);
        } catch (const decompress_error& e) {
            fail(e.over_limit() ? kind::decompressed_too_large : kind::corrupt_message, e.what());
        }
        data = decompressed;
    } else if (section.size() > max_decompressed) {
        fail(kind::decompressed_too_large, "a records section of " + std::to_string(section.size()) +
                                               " bytes, more than " + std::to_string(max_decompressed));
    }
    if (h.records_count < 0 || static_cast<std::size_t>(h.records_count) > data.size() / min_record_size) {
        fail(kind::invalid_record, "recordsCount " + std::to_string(h.records_count) + " in " +
                                       std::to_string(data.size()) + " bytes");
    }
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
    records_summary out;
    bool first = true;
    visit_records(batch, max_decompressed, [&](const record_view& v) {
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
