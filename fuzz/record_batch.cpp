// Record batch v2 and its codecs (kafka/protocol/record_batch.hpp, compression.hpp). The first byte picks
// what the rest is:
//   0  a records field as a Produce request or Fetch response carries it: split, then decode every batch
//   1  one batch whose batchLength, magic and CRC are fixed up first, so that the fuzzer reaches the
//      record decoder without having to find CRCs
//   2  compressed bytes for the codec in the second byte, decompressed with a small limit
// Whatever the input: the only errors are batch_error (decompress_error for 2); the batches split_batches
// returns tile the input with the partial tail; decoded records have the announced count and increasing
// offsets within the batch; and encoding the decoded records again (same header fields and codec), then
// splitting and decoding that, gives the same records.
#include "kafka/protocol/record_batch.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <optional>
#include <string>
#include <vector>

#include "kafka/protocol/codec.hpp"
#include "kafka/protocol/compression.hpp"

namespace {

namespace kp = emu::kafka::protocol;

// Small, so that bombs are cheap to find and cheap to refuse.
constexpr std::size_t max_decompressed = 64 * 1024;

[[noreturn]] void fail(const char* what) {
    std::fprintf(stderr, "record_batch: %s\n", what);
    std::abort();
}

// Records with offsets rebased to 0: a re-encoded batch starts at 0, whatever base the input gave (a base
// near the int64 limit would leave the decoded, wrapped offsets below it).
std::vector<kp::record> rebased(std::vector<kp::record> records, std::int64_t base) {
    for (auto& r : records) {
        r.offset = static_cast<std::int64_t>(static_cast<std::uint64_t>(r.offset) -
                                             static_cast<std::uint64_t>(base));
    }
    return records;
}

void round_trip(const kp::record_batch_view& batch, const std::vector<kp::record>& records) {
    kp::batch_header h = batch.header;
    h.base_offset = 0;
    const auto expected = rebased(records, batch.header.base_offset);
    std::string again;
    try {
        again = kp::encode_batch(h, expected, h.codec());
    } catch (const std::exception& e) {
        std::fprintf(stderr, "%s\n", e.what());
        fail("decoded records do not encode");
    }
    const auto split = kp::split_batches(again);
    if (split.batches.size() != 1 || !split.partial.empty()) fail("an encoded batch does not split into one");
    const auto& back = split.batches.front();
    if (back.header.records_count != batch.header.records_count) fail("the count changed");
    if (back.header.attributes != batch.header.attributes) fail("the attributes changed");
    if (!records.empty() &&
        back.header.last_offset_delta != static_cast<std::int32_t>(expected.back().offset)) {
        fail("lastOffsetDelta is not the last record's");
    }
    // encode_batch writes every varint in its shortest form, so the records section it compressed is no
    // larger than the decompressed input the limit already admitted.
    if (kp::decode_records(back, max_decompressed) != expected) fail("decode(encode(records)) differs");
}

void check_records(const kp::record_batch_view& batch, const std::vector<kp::record>& records) {
    const auto& h = batch.header;
    if (records.size() != static_cast<std::size_t>(h.records_count))
        fail("record count differs from recordsCount");
    std::uint64_t previous = 0;
    for (std::size_t i = 0; i < records.size(); ++i) {
        const std::uint64_t delta =
            static_cast<std::uint64_t>(records[i].offset) - static_cast<std::uint64_t>(h.base_offset);
        if (delta > static_cast<std::uint64_t>(h.last_offset_delta)) fail("an offset past lastOffsetDelta");
        if (i > 0 && delta <= previous) fail("offsets do not increase");
        previous = delta;
        if (h.timestamp_type_log_append() && records[i].timestamp != h.max_timestamp) {
            fail("a LogAppendTime record without the batch's maxTimestamp");
        }
    }
}

// kp::check_records (Produce's fast walk) accepts exactly what decode_records accepts, refuses the rest with
// the same kind, and gives the first and last records' timestamps.
void agrees_with_check(const kp::record_batch_view& batch, const std::vector<kp::record>& records,
                       std::optional<kp::batch_error::kind> refused) {
    kp::records_summary summary;
    try {
        summary = kp::check_records(batch, max_decompressed);
    } catch (const kp::batch_error& e) {
        if (!refused) fail("check_records refuses a batch decode_records takes");
        if (e.error_kind() != *refused) fail("check_records and decode_records refuse with different kinds");
        return;
    }
    if (refused) fail("check_records takes a batch decode_records refuses");
    if (!records.empty() && (summary.first_timestamp != records.front().timestamp ||
                             summary.last_timestamp != records.back().timestamp)) {
        fail("check_records' timestamps are not the first and last records'");
    }
}

void split_and_decode(std::string_view field) {
    kp::split_result split;
    try {
        split = kp::split_batches(field);
    } catch (const kp::batch_error&) {
        return;
    }
    std::size_t covered = 0;
    for (const auto& batch : split.batches) {
        if (batch.bytes.data() != field.data() + covered) fail("batches do not follow each other");
        if (batch.bytes.size() != batch.header.size() || batch.bytes.size() < kp::batch_header_size) {
            fail("a batch's bytes are not its batchLength + 12");
        }
        covered += batch.bytes.size();
    }
    if (covered + split.partial.size() != field.size())
        fail("batches and partial tail do not cover the input");
    if (!split.partial.empty() && split.partial.data() != field.data() + covered)
        fail("the partial tail is elsewhere");
    for (const auto& batch : split.batches) {
        std::vector<kp::record> records;
        std::optional<kp::batch_error::kind> refused;
        try {
            records = kp::decode_records(batch, max_decompressed);
        } catch (const kp::batch_error& e) {
            refused = e.error_kind();
        }
        agrees_with_check(batch, records, refused);
        if (refused) continue;
        check_records(batch, records);
        round_trip(batch, records);
    }
}

void decompress_bytes(kp::compression_codec codec, std::string_view data) {
    std::string out;
    try {
        out = kp::decompress(codec, data, max_decompressed);
    } catch (const kp::decompress_error&) {
        return;
    }
    if (out.size() > max_decompressed) fail("decompressed past the limit");
    if (kp::decompress(codec, kp::compress(codec, out), out.size()) != out)
        fail("compress does not round-trip");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 1) return 0;
    const std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
    try {
        switch (data[0] % 3) {
            case 0:
                split_and_decode(rest);
                break;
            case 1: {
                std::string batch(rest);
                if (batch.size() < kp::batch_header_size) return 0;
                kp::writer w(batch);
                w.patch_int32(8, static_cast<std::int32_t>(batch.size() - 12));
                batch[16] = 2;
                w.patch_int32(kp::batch_crc_offset,
                              static_cast<std::int32_t>(
                                  kp::crc32c(std::string_view(batch).substr(kp::batch_attributes_offset))));
                split_and_decode(batch);
                break;
            }
            default:
                if (rest.empty()) return 0;
                decompress_bytes(static_cast<kp::compression_codec>(static_cast<unsigned char>(rest[0]) % 5),
                                 rest.substr(1));
                break;
        }
    } catch (const kp::decode_error& e) {
        std::fprintf(stderr, "%s\n", e.what());
        fail("a decode_error that is not the documented subclass escaped");
    }
    return 0;
}
