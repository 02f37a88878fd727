#include "kafka/protocol/record_batch.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <random>
#include <stdexcept>
#include <string>
#include <tuple>
#include <vector>

#include "kafka/protocol/codec.hpp"
#include "kafka/protocol/compression.hpp"

namespace {

using emu::kafka::protocol::batch_error;
using emu::kafka::protocol::batch_header;
using emu::kafka::protocol::check_producer_batch;
using emu::kafka::protocol::check_records;
using emu::kafka::protocol::compress;
using emu::kafka::protocol::compression_codec;
using emu::kafka::protocol::crc32c;
using emu::kafka::protocol::decode_error;
using emu::kafka::protocol::decode_records;
using emu::kafka::protocol::encode_batch;
using emu::kafka::protocol::read_header;
using emu::kafka::protocol::record;
using emu::kafka::protocol::record_batch_view;
using emu::kafka::protocol::set_base_offset;
using emu::kafka::protocol::set_log_append_time;
using emu::kafka::protocol::set_partition_leader_epoch;
using emu::kafka::protocol::split_batches;
using emu::kafka::protocol::writer;
using kind = batch_error::kind;

constexpr std::size_t limit = 1 << 20;

std::string from_hex(std::string_view hex) {
    std::string out;
    for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
        out.push_back(static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
    }
    return out;
}

// Golden batches built by kafka-python 2.0.2's DefaultRecordBatchBuilder (Debian python3-kafka) with
// tests/kafka/protocol/golden_batches.py, which prints these literals; generated data, not code.
// uncompressed_hex and idempotent_hex hold the records of small_records(); the others those of
// long_records(), compressed by kafka-python (snappy: its default snappy-java framing, and raw snappy as
// librdkafka writes it).

// 110 bytes
const std::string uncompressed_hex = from_hex(
    "0000000000000064000000620000000002d6dabfa20000000000020000018bcfe568000000018bcfe56805ffffffffff"
    "ffffffffffffffffff0000000326000000046b310a68656c6c6f0204683104763116000202010a776f726c640020000a"
    "04046b3301040468320104683300");
// 81 bytes
const std::string idempotent_hex = from_hex(
    "0000000000000007000000450000000002701d243d0000000000000000018bcfe568000000018bcfe568000000000000"
    "0004d20005000000110000000126000000046b310a68656c6c6f02046831047631");
// 157 bytes
const std::string gzip_hex = from_hex(
    "000000000000002a0000009100000000029ab843790001000000030000018bcfe568000000018bcfe56809ffffffffff"
    "ffffffffffffffffff000000041f8b080089bb0e6b02ff9bc7c4c0c0c0926dd8c0545c52949a98ab9b9a5b9a9358925f"
    "a4406f3e134b86214b99611f13031313e3c03b87418181958525db98918525c3889125c398610a1383101b4bb649d380"
    "bb4d910100a5fb5510b7010000");
// 177 bytes
const std::string snappy_xerial_hex = from_hex(
    "000000000000002a000000a500000000027bf699ed0002000000030000018bcfe568000000018bcfe56809ffffffffff"
    "ffffffffffffffffff0000000482534e4150505900000000010000000100000060b703649e02000000046b3180027374"
    "7265616d2d656d756c61746f7220fe1000be100030020468310476318e0200020201fe8f00ee8f00098f680020000504"
    "046b33010404683201046833009402001206046b3482fe2b01ee2b01252b042100");
// 170 bytes
const std::string lz4_hex = from_hex(
    "000000000000002a0000009e0000000002c2290a870003000000030000018bcfe568000000018bcfe56809ffffffffff"
    "ffffffffffffffffff0000000404224d186840b7010000000000002656000000ff0b9e02000000046b31800273747265"
    "616d2d656d756c61746f722010005ddf020468310476318e02000202018f006fff0c0020000504046b33010404683201"
    "046833009402001206046b34822b016b506f7220210000000000");
// 153 bytes
const std::string zstd_hex = from_hex(
    "000000000000002a0000008d0000000002fc3b1ab20004000000030000018bcfe568000000018bcfe56809ffffffffff"
    "ffffffffffffffffff0000000428b52ffd60b70095020044049e02000000046b31800273747265616d2d656d756c6174"
    "6f7220020468310476318e02000202010020000504046b33010404683201046833009402001206046b3482210003042a"
    "fb8f8d5f62be6de618");
// 157 bytes
const std::string snappy_raw_hex = from_hex(
    "000000000000002a000000910000000002cbee27920002000000030000018bcfe568000000018bcfe56809ffffffffff"
    "ffffffffffffffffff00000004b703649e02000000046b31800273747265616d2d656d756c61746f7220fe1000be1000"
    "30020468310476318e0200020201fe8f00ee8f00098f680020000504046b33010404683201046833009402001206046b"
    "3482fe2b01ee2b01252b042100");

constexpr std::int64_t t0 = 1700000000000;

std::vector<record> small_records(std::int64_t base) {
    return {
        {base, t0, "k1", "hello", {{"h1", "v1"}}},
        {base + 1, t0 + 1, std::nullopt, "world", {}},
        {base + 2, t0 + 5, "k3", std::nullopt, {{"h2", std::nullopt}, {"h3", ""}}},
    };
}

std::vector<record> long_records(std::int64_t base) {
    std::string v;
    for (int i = 0; i < 8; ++i) v += "stream-emulator ";
    return {
        {base, t0, "k1", v, {{"h1", "v1"}}},
        {base + 1, t0 + 1, std::nullopt, v, {}},
        {base + 2, t0 - 3, "k3", std::nullopt, {{"h2", std::nullopt}, {"h3", ""}}},
        {base + 3, t0 + 9, "k4", v + "!", {}},
    };
}

record_batch_view only_batch(std::string_view field) {
    const auto split = split_batches(field);
    EXPECT_EQ(split.batches.size(), 1u);
    EXPECT_TRUE(split.partial.empty());
    if (split.batches.empty()) throw std::runtime_error("no batch");
    return split.batches.front();
}

// The kind of batch_error `f` throws; fails the test when it throws nothing.
kind thrown_kind(const std::function<void()>& f) {
    try {
        f();
    } catch (const batch_error& e) {
        return e.error_kind();
    }
    ADD_FAILURE() << "no batch_error";
    return kind::corrupt_message;
}

void fix_crc(std::string& batch) {
    writer(batch).patch_int32(17, static_cast<std::int32_t>(crc32c(std::string_view(batch).substr(21))));
}

// A batch with the given records section (already compressed if the codec says so), fields as given,
// and a correct CRC: the way to build batches whose records lie.
std::string raw_batch(const std::string& section, std::int32_t count, std::int32_t last_delta,
                      compression_codec codec = compression_codec::none, std::int64_t base_timestamp = t0) {
    std::string out;
    writer w(out);
    w.int64(0);
    w.int32(static_cast<std::int32_t>(49 + section.size()));
    w.int32(0);
    w.int8(2);
    w.uint32(0);
    w.int16(static_cast<std::int16_t>(codec));
    w.int32(last_delta);
    w.int64(base_timestamp);
    w.int64(base_timestamp);
    w.int64(-1);
    w.int16(-1);
    w.int32(-1);
    w.int32(count);
    out += section;
    fix_crc(out);
    return out;
}

// One record's bytes with a length prefix computed (or `length_bias` off), key/value raw varint lengths.
std::string raw_record(std::int32_t offset_delta, std::int32_t key_length = -1,
                       const std::string& tail = std::string(1, '\0'), std::int32_t length_bias = 0) {
    std::string body;
    writer b(body);
    b.int8(0);
    b.varlong(0);
    b.varint(offset_delta);
    b.varint(key_length);
    if (key_length > 0) body += std::string(static_cast<std::size_t>(key_length), 'k');
    b.varint(-1);  // value
    body += tail;  // header count and headers
    std::string out;
    writer(out).varint(static_cast<std::int32_t>(body.size()) + length_bias);
    return out + body;
}

TEST(KafkaRecordBatch, Crc32cCheckValue) {
    EXPECT_EQ(crc32c("123456789"), 0xe3069283u);
    EXPECT_EQ(crc32c(""), 0u);
    EXPECT_EQ(emu::kafka::protocol::crc32c_portable("123456789"), 0xe3069283u);
}

// The hardware CRC agrees with Boost.CRC's at every length around its 8-byte steps and on a large input.
TEST(KafkaRecordBatch, Crc32cAgreesWithBoostCrc) {
    std::mt19937 rng(3);
    std::string bytes(1 << 20, '\0');
    for (char& c : bytes) c = static_cast<char>(rng());
    for (std::size_t n = 0; n < 80; ++n) {
        for (std::size_t at : {std::size_t{0}, std::size_t{1}, std::size_t{5}}) {
            const auto part = std::string_view(bytes).substr(at, n);
            EXPECT_EQ(crc32c(part), emu::kafka::protocol::crc32c_portable(part)) << n << " at " << at;
        }
    }
    EXPECT_EQ(crc32c(bytes), emu::kafka::protocol::crc32c_portable(bytes));
    // Around the lengths where long inputs are taken as three lanes of 4 KiB at once, and a round and more.
    for (const std::size_t n : {12287, 12288, 12289, 12295, 24575, 24576, 24583, 40000, 100003}) {
        for (std::size_t at : {std::size_t{0}, std::size_t{3}}) {
            const auto part = std::string_view(bytes).substr(at, n);
            EXPECT_EQ(crc32c(part), emu::kafka::protocol::crc32c_portable(part)) << n << " at " << at;
        }
    }
}

TEST(KafkaRecordBatch, GoldenUncompressedBatchFromKafkaPython) {
    const auto batch = only_batch(uncompressed_hex);
    const batch_header& h = batch.header;
    EXPECT_EQ(h.base_offset, 100);
    EXPECT_EQ(h.batch_length, 98);
    EXPECT_EQ(h.magic, 2);
    EXPECT_EQ(h.codec(), compression_codec::none);
    EXPECT_FALSE(h.timestamp_type_log_append());
    EXPECT_FALSE(h.transactional());
    EXPECT_FALSE(h.control());
    EXPECT_EQ(h.last_offset_delta, 2);
    EXPECT_EQ(h.last_offset(), 102);
    EXPECT_EQ(h.base_timestamp, t0);
    EXPECT_EQ(h.max_timestamp, t0 + 5);
    EXPECT_EQ(h.producer_id, -1);
    EXPECT_EQ(h.producer_epoch, -1);
    EXPECT_EQ(h.base_sequence, -1);
    EXPECT_EQ(h.records_count, 3);
    EXPECT_EQ(h.size(), uncompressed_hex.size());
    EXPECT_EQ(decode_records(batch, limit), small_records(100));
    EXPECT_NO_THROW(check_producer_batch(h));
}

TEST(KafkaRecordBatch, GoldenIdempotentBatch) {
    const auto batch = only_batch(idempotent_hex);
    EXPECT_EQ(batch.header.base_offset, 7);
    EXPECT_EQ(batch.header.producer_id, 1234);
    EXPECT_EQ(batch.header.producer_epoch, 5);
    EXPECT_EQ(batch.header.base_sequence, 17);
    auto expected = small_records(7);
    expected.resize(1);
    EXPECT_EQ(decode_records(batch, limit), expected);
}

TEST(KafkaRecordBatch, GoldenCompressedBatchesFromKafkaPython) {
    const std::pair<const std::string*, compression_codec> goldens[] = {
        {&gzip_hex, compression_codec::gzip},
        {&snappy_xerial_hex, compression_codec::snappy},
        {&snappy_raw_hex, compression_codec::snappy},
        {&lz4_hex, compression_codec::lz4},
        {&zstd_hex, compression_codec::zstd}};
    for (const auto& [bytes, codec] : goldens) {
        const auto batch = only_batch(*bytes);
        EXPECT_EQ(batch.header.codec(), codec);
        EXPECT_EQ(batch.header.records_count, 4);
        EXPECT_EQ(batch.header.max_timestamp, t0 + 9);
        EXPECT_EQ(decode_records(batch, limit), long_records(42)) << static_cast<int>(codec);
        // Their records decompress to 439 bytes: a limit below that is refused, never truncated.
        EXPECT_EQ(thrown_kind([&] { decode_records(batch, 438); }), kind::decompressed_too_large);
        EXPECT_NO_THROW(decode_records(batch, 439));
    }
}

// kafka-python and encode_batch write the same bytes for the same records: header fields, varints,
// null markers and the CRC.
TEST(KafkaRecordBatch, EncodeWritesTheBytesKafkaPythonWrites) {
    batch_header h;
    h.base_offset = 100;
    h.partition_leader_epoch = 0;
    EXPECT_EQ(encode_batch(h, small_records(100)), uncompressed_hex);
    h.base_offset = 7;
    h.producer_id = 1234;
    h.producer_epoch = 5;
    h.base_sequence = 17;
    auto one = small_records(7);
    one.resize(1);
    EXPECT_EQ(encode_batch(h, one), idempotent_hex);
}

TEST(KafkaRecordBatch, EveryCodecRoundTrips) {
    for (const auto codec : {compression_codec::none, compression_codec::gzip, compression_codec::snappy,
                             compression_codec::lz4, compression_codec::zstd}) {
        batch_header h;
        h.base_offset = 1000;
        h.attributes = batch_header::transactional_mask;
        h.producer_id = 9;
        const auto records = long_records(1000);
        const std::string bytes = encode_batch(h, records, codec);
        const auto batch = only_batch(bytes);
        EXPECT_EQ(batch.header.codec(), codec);
        EXPECT_TRUE(batch.header.transactional());
        EXPECT_EQ(batch.header.base_timestamp, t0);
        EXPECT_EQ(batch.header.max_timestamp, t0 + 9);
        EXPECT_EQ(batch.header.last_offset_delta, 3);
        EXPECT_EQ(batch.header.records_count, 4);
        EXPECT_EQ(batch.header.producer_id, 9);
        EXPECT_EQ(decode_records(batch, limit), records);
    }
}

TEST(KafkaRecordBatch, OffsetGapsAndEmptyBatchesRoundTrip) {
    // Gaps, as compaction leaves them: deltas 0, 5, 9.
    std::vector<record> records = {{50, t0, "a", "1", {}}, {55, t0, "b", "2", {}}, {59, t0, "c", "3", {}}};
    batch_header h;
    h.base_offset = 50;
    const std::string encoded = encode_batch(h, records);  // the view below points into it
    const auto batch = only_batch(encoded);
    EXPECT_EQ(batch.header.last_offset_delta, 9);
    EXPECT_EQ(decode_records(batch, limit), records);
    EXPECT_EQ(thrown_kind([&] { check_producer_batch(batch.header); }), kind::invalid_record);

    h.last_offset_delta = 4;
    h.base_timestamp = t0;
    h.max_timestamp = t0 + 1;
    const std::string encoded_empty = encode_batch(h, {});
    const auto empty = only_batch(encoded_empty);
    EXPECT_EQ(empty.header.records_count, 0);
    EXPECT_EQ(empty.header.last_offset_delta, 4);
    EXPECT_EQ(empty.header.max_timestamp, t0 + 1);
    EXPECT_TRUE(decode_records(empty, limit).empty());
    EXPECT_EQ(thrown_kind([&] { check_producer_batch(empty.header); }), kind::invalid_record);
}

TEST(KafkaRecordBatch, LogAppendTimeGivesEveryRecordTheMaxTimestamp) {
    batch_header h;
    h.attributes = batch_header::timestamp_type_mask;
    auto records = small_records(0);
    const std::string encoded = encode_batch(h, records);  // the view below points into it
    const auto batch = only_batch(encoded);
    EXPECT_TRUE(batch.header.timestamp_type_log_append());
    for (auto& r : records) r.timestamp = t0 + 5;
    EXPECT_EQ(decode_records(batch, limit), records);
}

TEST(KafkaRecordBatch, PatchesOutsideTheCrcKeepTheBatchValid) {
    std::string bytes = uncompressed_hex;
    set_base_offset(bytes, 0x0102030405060708);
    set_partition_leader_epoch(bytes, 77);
    const auto batch = only_batch(bytes);
    EXPECT_EQ(batch.header.base_offset, 0x0102030405060708);
    EXPECT_EQ(batch.header.partition_leader_epoch, 77);
    EXPECT_EQ(decode_records(batch, limit), small_records(0x0102030405060708));
    std::string small = "short";
    EXPECT_THROW(set_base_offset(small, 1), std::invalid_argument);
    EXPECT_THROW(set_partition_leader_epoch(small, 1), std::invalid_argument);
}

TEST(KafkaRecordBatch, SetLogAppendTimeStampsEveryRecordAndRecomputesTheCrc) {
    std::string bytes = gzip_hex;
    set_log_append_time(bytes, t0 + 99);
    const auto batch = only_batch(bytes);  // the CRC checks
    EXPECT_TRUE(batch.header.timestamp_type_log_append());
    EXPECT_EQ(batch.header.max_timestamp, t0 + 99);
    EXPECT_EQ(batch.header.codec(), compression_codec::gzip);  // the other attribute bits stay
    for (const auto& r : decode_records(batch, limit)) EXPECT_EQ(r.timestamp, t0 + 99);
    std::string small = "short";
    EXPECT_THROW(set_log_append_time(small, 1), std::invalid_argument);
}

TEST(KafkaRecordBatch, CheckRecordsValidatesLikeDecodeRecordsAndGivesTheFirstAndLastTimes) {
    const auto records = long_records(0);
    const std::string encoded = encode_batch(batch_header{}, records, compression_codec::zstd);
    const auto summary = check_records(only_batch(encoded), limit);
    EXPECT_EQ(summary.first_timestamp, records.front().timestamp);
    EXPECT_EQ(summary.last_timestamp, records.back().timestamp);
    // The same refusals: a records section holding one record more than it announces.
    std::string broken = raw_batch(raw_record(0) + raw_record(1), 1, 0);
    EXPECT_EQ(thrown_kind([&] { check_records(only_batch(broken), limit); }), kind::invalid_record);
    EXPECT_EQ(thrown_kind([&] { decode_records(only_batch(broken), limit); }), kind::invalid_record);
    EXPECT_EQ(thrown_kind([&] { check_records(only_batch(encoded), 10); }), kind::decompressed_too_large);
}

// check_records walks the records its own, faster way: over every one-byte change of the records section of
// uncompressed batches (with headers, null keys and values, long varints), it takes what decode_records
// takes, with the first and last records' timestamps, and refuses the rest with the same kind.
TEST(KafkaRecordBatch, CheckRecordsAgreesWithDecodeRecordsOnEveryOneByteChange) {
    std::vector<record> wide = small_records(0);
    wide.push_back(
        {3, t0 - 400000, std::string(200, 'k'), std::string(300, 'v'), {{"hk", std::string(130, 'h')}}});
    const std::vector<std::string> batches = {encode_batch(batch_header{}, small_records(0)),
                                              encode_batch(batch_header{}, wide), idempotent_hex};
    std::mt19937 random(17);
    std::size_t taken = 0;
    std::size_t refused = 0;
    for (const std::string& original : batches) {
        const auto header = read_header(original);
        for (std::size_t at = emu::kafka::protocol::batch_header_size; at < original.size(); ++at) {
            for (int variant = 0; variant < 6; ++variant) {
                std::string bytes = original;
                const auto old = static_cast<unsigned char>(bytes[at]);
                const unsigned char values[] = {0x00, 0x01, 0x7f,
                                                0x80, 0xff, static_cast<unsigned char>(random())};
                bytes[at] = static_cast<char>(values[variant] == old ? old ^ 0x02 : values[variant]);
                const record_batch_view batch{header, bytes};  // the CRC is not what is tested here
                std::optional<kind> decode_refused;
                std::vector<record> records;
                try {
                    records = decode_records(batch, limit);
                } catch (const batch_error& e) {
                    decode_refused = e.error_kind();
                }
                try {
                    const auto summary = check_records(batch, limit);
                    ASSERT_FALSE(decode_refused) << "byte " << at << " set to " << int{values[variant]};
                    ASSERT_FALSE(records.empty());
                    EXPECT_EQ(summary.first_timestamp, records.front().timestamp);
                    EXPECT_EQ(summary.last_timestamp, records.back().timestamp);
                    ++taken;
                } catch (const batch_error& e) {
                    ASSERT_TRUE(decode_refused) << "byte " << at << " set to " << int{values[variant]};
                    EXPECT_EQ(e.error_kind(), *decode_refused);
                    ++refused;
                }
            }
        }
    }
    // Both verdicts were reached many times: the changes hit lengths and deltas as well as payload bytes.
    EXPECT_GT(taken, 300u);
    EXPECT_GT(refused, 300u);
}

TEST(KafkaRecordBatch, SplitsSeveralBatchesAndReportsATrailingPartialOne) {
    const std::string field = uncompressed_hex + gzip_hex + zstd_hex;
    const auto split = split_batches(field);
    ASSERT_EQ(split.batches.size(), 3u);
    EXPECT_TRUE(split.partial.empty());
    EXPECT_EQ(split.batches[0].bytes, uncompressed_hex);
    EXPECT_EQ(split.batches[1].bytes, gzip_hex);
    EXPECT_EQ(split.batches[2].bytes, zstd_hex);
    EXPECT_EQ(split.batches[2].header.codec(), compression_codec::zstd);
    // Cut anywhere inside the last batch: the whole ones come back, the rest is the partial part.
    for (const std::size_t cut : {std::size_t{1}, std::size_t{11}, std::size_t{12}, std::size_t{17},
                                  std::size_t{61}, zstd_hex.size() - 1}) {
        const std::string cut_field = uncompressed_hex + gzip_hex + zstd_hex.substr(0, cut);
        const auto partial = split_batches(cut_field);
        ASSERT_EQ(partial.batches.size(), 2u) << cut;
        EXPECT_EQ(partial.partial, zstd_hex.substr(0, cut)) << cut;
    }
    EXPECT_TRUE(split_batches("").batches.empty());
    EXPECT_TRUE(split_batches("").partial.empty());
}

TEST(KafkaRecordBatch, BadCrcIsCorrupt) {
    for (const std::size_t at :
         {std::size_t{17}, std::size_t{21}, std::size_t{40}, uncompressed_hex.size() - 1}) {
        std::string bytes = uncompressed_hex;
        bytes[at] = static_cast<char>(bytes[at] ^ 0x01);
        EXPECT_EQ(thrown_kind([&] { split_batches(bytes); }), kind::corrupt_message) << at;
    }
    // A bad CRC in the second batch fails the whole field.
    std::string second = gzip_hex;
    second[100] = static_cast<char>(second[100] ^ 0x40);
    EXPECT_EQ(thrown_kind([&] { split_batches(uncompressed_hex + second); }), kind::corrupt_message);
}

TEST(KafkaRecordBatch, OldMagicIsUnsupportedOtherMagicCorrupt) {
    for (const char magic : {'\0', '\1'}) {
        std::string bytes = uncompressed_hex;
        bytes[16] = magic;
        EXPECT_EQ(thrown_kind([&] { split_batches(bytes); }), kind::unsupported_magic);
    }
    // A v0 message set entry (offset, size 14+, crc, magic 0, attributes, key -1, value -1): smaller than a
    // v2 header, still recognised by its magic.
    const std::string v0 = from_hex(
        "0000000000000000"
        "0000000e"
        "12345678"
        "00"
        "00"
        "ffffffff"
        "ffffffff");
    EXPECT_EQ(thrown_kind([&] { split_batches(v0); }), kind::unsupported_magic);
    for (const char magic : {'\3', '\x7f', '\xff'}) {
        std::string bytes = uncompressed_hex;
        bytes[16] = magic;
        EXPECT_EQ(thrown_kind([&] { split_batches(bytes); }), kind::corrupt_message);
    }
}

TEST(KafkaRecordBatch, BatchLengthsThatLie) {
    // Shorter than the header, negative: corrupt.
    for (const std::int32_t length : {-1, 0, 48, std::numeric_limits<std::int32_t>::min()}) {
        std::string bytes = uncompressed_hex;
        writer(bytes).patch_int32(8, length);
        EXPECT_EQ(thrown_kind([&] { split_batches(bytes); }), kind::corrupt_message) << length;
    }
    // Shorter than the batch: the CRC no longer covers what it did, and what follows is no batch.
    std::string shorter = uncompressed_hex;
    writer(shorter).patch_int32(8, 97);
    EXPECT_EQ(thrown_kind([&] { split_batches(shorter); }), kind::corrupt_message);
    // Longer than the field: a partial batch (a Produce handler refuses it, a Fetch reader skips it).
    std::string longer = uncompressed_hex;
    writer(longer).patch_int32(8, std::numeric_limits<std::int32_t>::max());
    const auto split = split_batches(longer);
    EXPECT_TRUE(split.batches.empty());
    EXPECT_EQ(split.partial, longer);
}

TEST(KafkaRecordBatch, UnknownCodecIsCorrupt) {
    for (const int codec : {5, 6, 7}) {
        std::string bytes = uncompressed_hex;
        bytes[22] = static_cast<char>(codec);
        fix_crc(bytes);
        EXPECT_EQ(thrown_kind([&] { split_batches(bytes); }), kind::corrupt_message) << codec;
    }
}

// A recordsCount of 2^31 - 1 in a 70-byte batch is refused before anything is reserved for it: by
// split_batches for an uncompressed batch, by decode_records for a compressed one.
TEST(KafkaRecordBatch, CountsThatLieAreRefusedBeforeAllocating) {
    const std::int32_t huge = std::numeric_limits<std::int32_t>::max();
    const std::string uncompressed = raw_batch(raw_record(0), huge, huge);
    ASSERT_LT(uncompressed.size(), 80u);
    EXPECT_EQ(thrown_kind([&] { split_batches(uncompressed); }), kind::invalid_record);

    const std::string compressed =
        raw_batch(compress(compression_codec::lz4, raw_record(0)), huge, huge, compression_codec::lz4);
    const auto batch = only_batch(compressed);
    EXPECT_EQ(thrown_kind([&] { decode_records(batch, limit); }), kind::invalid_record);

    // Negative counts and deltas, and deltas that cannot hold the count.
    for (const auto& [count, delta] : {std::pair{-1, 0}, std::pair{1, -1}, std::pair{3, 1}}) {
        EXPECT_EQ(thrown_kind([&, count = count, delta = delta] {
                      split_batches(raw_batch(raw_record(0) + raw_record(1) + raw_record(2), count, delta));
                  }),
                  kind::invalid_record)
            << count << " " << delta;
    }
}

TEST(KafkaRecordBatch, CountThatDisagreesWithTheRecords) {
    const std::string three = raw_record(0) + raw_record(1) + raw_record(2);
    // Fewer announced than present: bytes left over.
    EXPECT_EQ(thrown_kind([&] { decode_records(only_batch(raw_batch(three, 2, 2)), limit); }),
              kind::invalid_record);
    // More announced than present (still fits the 7-byte minimum): the records run out.
    const std::string padded = three + raw_record(3, 10);
    EXPECT_NO_THROW(decode_records(only_batch(raw_batch(padded, 4, 3)), limit));
    EXPECT_EQ(thrown_kind(
                  [&] { decode_records(only_batch(raw_batch(three + std::string(14, '\0'), 5, 4)), limit); }),
              kind::invalid_record);
    // The same inside a compressed batch.
    const std::string gz = compress(compression_codec::gzip, three);
    EXPECT_EQ(
        thrown_kind([&] { decode_records(only_batch(raw_batch(gz, 2, 2, compression_codec::gzip)), limit); }),
        kind::invalid_record);
    EXPECT_EQ(3u, decode_records(only_batch(raw_batch(gz, 3, 2, compression_codec::gzip)), limit).size());
}

TEST(KafkaRecordBatch, RecordLengthsThatLie) {
    for (const std::int32_t bias : {-1, 1, 100, -100}) {
        const std::string bytes =
            raw_batch(raw_record(0, 3, std::string(1, '\0'), bias) + raw_record(1), 2, 1);
        EXPECT_EQ(thrown_kind([&] { decode_records(only_batch(bytes), limit); }), kind::invalid_record)
            << bias;
    }
    // A key length past the record, a key length below -1, a negative header count, a header count past the
    // record, a null header key.
    for (const std::string& rec :
         {std::string("\x10\x00\x00\x00\x64kk\x01\x00", 9), raw_record(0, -2), raw_record(0, -1, "\x01"),
          raw_record(0, -1, "\x06"), raw_record(0, -1, std::string("\x02\x01\x01", 3))}) {
        EXPECT_EQ(thrown_kind([&] { decode_records(only_batch(raw_batch(rec, 1, 0)), limit); }),
                  kind::invalid_record);
    }
    // A varint that never ends.
    EXPECT_EQ(
        thrown_kind([&] { decode_records(only_batch(raw_batch(std::string(20, '\xff'), 1, 0)), limit); }),
        kind::invalid_record);
}

TEST(KafkaRecordBatch, OffsetDeltasMustIncreaseWithinTheBatch) {
    // Equal, decreasing, negative, past lastOffsetDelta.
    for (const auto& [a, b, last] :
         {std::tuple{0, 0, 1}, std::tuple{1, 0, 1}, std::tuple{-1, 0, 1}, std::tuple{0, 2, 1}}) {
        const std::string bytes = raw_batch(raw_record(a) + raw_record(b), 2, last);
        EXPECT_EQ(thrown_kind([&] { decode_records(only_batch(bytes), limit); }), kind::invalid_record)
            << a << " " << b << " " << last;
    }
}

TEST(KafkaRecordBatch, CompressedBlobsThatDoNotDecompressAreCorrupt) {
    for (const auto codec : {compression_codec::gzip, compression_codec::snappy, compression_codec::lz4,
                             compression_codec::zstd}) {
        const std::string bytes = raw_batch("not compressed at all", 1, 0, codec);
        EXPECT_EQ(thrown_kind([&] { decode_records(only_batch(bytes), limit); }), kind::corrupt_message);
        // Compressed, but cut short.
        const std::string packed = compress(codec, raw_record(0) + raw_record(1));
        const std::string cut = raw_batch(packed.substr(0, packed.size() - 2), 2, 1, codec);
        EXPECT_EQ(thrown_kind([&] { decode_records(only_batch(cut), limit); }), kind::corrupt_message);
    }
}

TEST(KafkaRecordBatch, DecompressionBombsAreRefusedAtTheLimit) {
    // 32 MiB of records (one 32 MiB value) compresses to a few KiB; a 1 MiB limit stops it.
    batch_header h;
    const std::vector<record> huge = {{0, t0, std::nullopt, std::string(32u << 20, 'x'), {}}};
    for (const auto codec : {compression_codec::gzip, compression_codec::snappy, compression_codec::lz4,
                             compression_codec::zstd}) {
        const std::string bytes = encode_batch(h, huge, codec);
        ASSERT_LT(bytes.size(), 2u << 20);
        EXPECT_EQ(thrown_kind([&] { decode_records(only_batch(bytes), limit); }),
                  kind::decompressed_too_large);
    }
    // The limit holds for an uncompressed section too.
    const std::string plain = encode_batch(h, {{0, t0, std::nullopt, std::string(2000, 'x'), {}}});
    EXPECT_EQ(thrown_kind([&] { decode_records(only_batch(plain), 1000); }), kind::decompressed_too_large);
}

TEST(KafkaRecordBatch, BatchErrorsAreDecodeErrors) {
    std::string bytes = uncompressed_hex;
    bytes[30] = static_cast<char>(bytes[30] ^ 1);
    EXPECT_THROW(split_batches(bytes), decode_error);
    EXPECT_THROW(read_header("too short"), decode_error);
}

TEST(KafkaRecordBatch, EncodeRefusesRecordsItCannotEncode) {
    batch_header h;
    h.base_offset = 10;
    EXPECT_THROW(encode_batch(h, {{9, t0, {}, {}, {}}}), std::invalid_argument);  // below the base
    EXPECT_THROW(encode_batch(h, {{11, t0, {}, {}, {}}, {11, t0, {}, {}, {}}}), std::invalid_argument);
    EXPECT_THROW(encode_batch(h, {{10 + (std::int64_t{1} << 31), t0, {}, {}, {}}}), std::invalid_argument);
    EXPECT_THROW(encode_batch(h, {{10, t0, {}, {}, {}}}, static_cast<compression_codec>(6)),
                 std::invalid_argument);
}

}  // namespace
