#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "kafka/protocol/codec.hpp"
#include "kafka/protocol/compression.hpp"

// Record batch v2 (magic 2; AK docs/implementation.html §5.3, kafka-wire.md §4): the records field of a
// Produce request and a Fetch response is a sequence of these batches.
//
//   offset  field                 type     note
//   0       baseOffset            int64    outside the CRC: the broker patches it on append
//   8       batchLength           int32    bytes after this field (the batch is batchLength + 12 bytes)
//   12      partitionLeaderEpoch  int32    outside the CRC
//   16      magic                 int8     2 (0 and 1 are the old message sets, the same byte position)
//   17      crc                   uint32   CRC-32C over attributes .. the end of the batch
//   21      attributes            int16    codec (bits 0-2), LogAppendTime (3), transactional (4), control
//   (5) 23      lastOffsetDelta       int32 27      baseTimestamp         int64    the first record's
//   timestamp 35      maxTimestamp          int64 43      producerId            int64 51      producerEpoch
//   int16 53      baseSequence          int32 57      recordsCount          int32 61      records (compressed
//   as one blob when the codec is not none)
//
// A record: length varint, attributes int8, timestampDelta varlong, offsetDelta varint, key (varint length,
// -1 = null), value (likewise), header count varint, then each header's key (varint length, not null) and
// value (varint length, -1 = null). Record varints are zig-zag.
//
// Errors are batch_error, a decode_error, with the kind a broker answers with (see batch_error). Every check
// happens before any allocation it guards: no count read from the input sizes an allocation unless the
// bytes it describes are there.
namespace emu::kafka::protocol {

inline constexpr std::size_t batch_header_size = 61;
// The fields before the CRC'd part: baseOffset, batchLength, partitionLeaderEpoch, magic, crc.
inline constexpr std::size_t batch_crc_offset = 17;
inline constexpr std::size_t batch_attributes_offset = 21;
inline constexpr std::size_t batch_max_timestamp_offset = 35;
// What a batch counts in batchLength besides its records: the header after baseOffset and batchLength.
inline constexpr std::int32_t batch_length_overhead = 49;
inline constexpr std::int8_t current_magic = 2;

// CRC-32C (Castagnoli, reflected, as Kafka and iSCSI use it) of `bytes`; "123456789" gives 0xe3069283.
// On x86-64 CPUs with SSE4.2 (nearly all) the crc32 instruction computes it, three lanes at once on inputs
// of 12 KiB or more: some 15 times faster than a table, 40 times on long inputs; elsewhere
// crc32c_portable does.
std::uint32_t crc32c(std::string_view bytes);
// The same with Boost.CRC's table-driven crc_optimal, on every CPU: the reference crc32c is tested against.
std::uint32_t crc32c_portable(std::string_view bytes);

class batch_error : public decode_error {
  public:
    enum class kind {
        // The batch's framing is broken: a length that lies or does not cover the header, a CRC mismatch,
        // a magic other than 0, 1 or 2, an unknown codec, compressed bytes that do not decompress.
        // Kafka answers CORRUPT_MESSAGE (2).
        corrupt_message,
        // The framing holds but the records do not: a count that lies, a record whose length prefix does
        // not match its content, offset deltas that do not increase, bytes after the last record.
        // Kafka answers INVALID_RECORD (87).
        invalid_record,
        // Magic 0 or 1: an old message set, which Produce v3+ may not carry. Kafka answers
        // UNSUPPORTED_VERSION (35) to an old client, CORRUPT_MESSAGE (2) otherwise; the caller knows which.
        unsupported_magic,
        // The records decompress to more than the limit given. The bytes may be fine; the emulator will not
        // hold them. Suggested answer: CORRUPT_MESSAGE (2), as for a blob that does not decompress.
        decompressed_too_large,
    };

    batch_error(kind k, const std::string& what) : decode_error(what), kind_(k) {}
    kind error_kind() const { return kind_; }

  private:
    kind kind_;
};

struct batch_header {
    std::int64_t base_offset = 0;
    std::int32_t batch_length = 0;
    std::int32_t partition_leader_epoch = -1;
    std::int8_t magic = current_magic;
    std::uint32_t crc = 0;
    std::int16_t attributes = 0;
    std::int32_t last_offset_delta = 0;
    std::int64_t base_timestamp = 0;
    std::int64_t max_timestamp = 0;
    std::int64_t producer_id = -1;
    std::int16_t producer_epoch = -1;
    std::int32_t base_sequence = -1;
    std::int32_t records_count = 0;

    static constexpr std::int16_t codec_mask = 0x07;
    static constexpr std::int16_t timestamp_type_mask = 0x08;
    static constexpr std::int16_t transactional_mask = 0x10;
    static constexpr std::int16_t control_mask = 0x20;

    // The codec bits as the enum; a value past zstd (5-7) is not a valid enumerator, which split_batches
    // refuses, so a header from it always names one.
    compression_codec codec() const { return static_cast<compression_codec>(attributes & codec_mask); }
    bool timestamp_type_log_append() const { return (attributes & timestamp_type_mask) != 0; }
    bool transactional() const { return (attributes & transactional_mask) != 0; }
    bool control() const { return (attributes & control_mask) != 0; }
    // The batch's size on the wire, batchLength + 12.
    std::size_t size() const { return static_cast<std::size_t>(batch_length) + 12; }
    // baseOffset + lastOffsetDelta (wrapping, never undefined, for a baseOffset near the int64 limit).
    std::int64_t last_offset() const {
        return static_cast<std::int64_t>(static_cast<std::uint64_t>(base_offset) +
                                         static_cast<std::uint64_t>(std::int64_t{last_offset_delta}));
    }
};

// The header fields of `batch` as they stand, without checking anything but that 61 bytes are there
// (decode_error otherwise).
batch_header read_header(std::string_view batch);

struct record_header {
    std::string key;
    std::optional<std::string> value;

    bool operator==(const record_header&) const = default;
};

struct record {
    std::int64_t offset = 0;  // absolute: baseOffset + offsetDelta
    std::int64_t timestamp =
        0;  // absolute ms: baseTimestamp + timestampDelta (maxTimestamp for LogAppendTime)
    std::optional<std::string> key;
    std::optional<std::string> value;
    std::vector<record_header> headers;

    bool operator==(const record&) const = default;
};

// A record as it lies in a batch's (decompressed) records section: the views point into that section,
// valid during the visit that hands it out. `headers` holds the header_count headers, still encoded.
struct record_view {
    std::int64_t offset = 0;
    std::int64_t timestamp = 0;
    std::optional<std::string_view> key;
    std::optional<std::string_view> value;
    std::int32_t header_count = 0;
    std::string_view headers;
};

// One validated batch: its header and all its bytes (baseOffset .. end), a view into the input given to
// split_batches, valid as long as that input.
struct record_batch_view {
    batch_header header;
    std::string_view bytes;
};

struct split_result {
    std::vector<record_batch_view> batches;
    // The bytes after the last whole batch, when they are the start of one cut short (less than 12 bytes,
    // or fewer than its batchLength claims). Empty when the field ends with a batch. A Fetch response may
    // end like this (clients ignore it); a Produce request must not (CORRUPT_MESSAGE).
    std::string_view partial;
};

// The batches of a records field, each checked: batchLength covers at least the header, magic is 2, the
// CRC matches and the codec is known (else corrupt_message; unsupported_magic for magic 0 and 1);
// recordsCount and lastOffsetDelta are not negative, the deltas can hold the count (lastOffsetDelta >=
// recordsCount - 1), and an uncompressed batch's records section can hold recordsCount records (else
// invalid_record). Throws batch_error at the first batch that fails; the records themselves are checked
// by decode_records. The views point into `records_field`.
split_result split_batches(std::string_view records_field);

// What Kafka requires of a batch a producer sends (AK LogValidator): at least one record and offset deltas
// exactly 0 .. recordsCount - 1 (lastOffsetDelta == recordsCount - 1; decode_records checks the records'
// own deltas increase, which together pins each to its index). Throws batch_error(invalid_record).
void check_producer_batch(const batch_header& header);

// The records of a batch from split_batches, decompressed (bounded by max_decompressed, which applies to
// the records section whether compressed or not: decompressed_too_large past it). The records section must
// hold exactly recordsCount records, each consuming exactly its length prefix, with offset deltas strictly
// increasing within 0 .. lastOffsetDelta, and nothing after the last; else batch_error(invalid_record).
// The records own their bytes. Control batches' records are returned as they are (key and value are the
// control record's bytes). Memory: a record takes at least 7 bytes of records section and about 120 bytes
// as a `record`, so the result may be some 17 times max_decompressed for a batch of empty records.
std::vector<record> decode_records(const record_batch_view& batch, std::size_t max_decompressed);

// decode_records' checks, without copying a record: calls `visit` for each record in order (a visit that
// throws stops the walk). The same errors as decode_records, thrown at the first record that fails (earlier
// records have been visited).
void visit_records(const record_batch_view& batch, std::size_t max_decompressed,
                   const std::function<void(const record_view&)>& visit);

// What a broker keeps of a producer batch it has checked: the first and last records' timestamps.
struct records_summary {
    std::int64_t first_timestamp = 0;
    std::int64_t last_timestamp = 0;
};
// decode_records' checks and nothing else: what Produce runs on every batch before storing it verbatim. It
// walks the records reading only their varints and lengths, and walks them again as visit_records does only
// when that finds something wrong, for the error.
records_summary check_records(const record_batch_view& batch, std::size_t max_decompressed);

// One batch v2 of `records`, which must be non-empty unless the header's lastOffsetDelta is meant (an
// empty batch keeps it), with offsets strictly increasing from h.base_offset (deltas fitting int32).
// Taken from `h`: base_offset, partition_leader_epoch, the attribute bits other than the codec,
// producer_id, producer_epoch, base_sequence. Computed: magic 2, the codec bits from `codec`,
// lastOffsetDelta, baseTimestamp (the first record's timestamp), maxTimestamp (the largest), recordsCount,
// batchLength and the CRC; with no records, baseTimestamp, maxTimestamp and lastOffsetDelta come from `h`.
// Throws std::invalid_argument for records it cannot encode (offsets out of order, sizes past int32).
std::string encode_batch(const batch_header& h, const std::vector<record>& records,
                         compression_codec codec = compression_codec::none);

// Patch the fields outside the CRC of a whole batch (at least 61 bytes; std::invalid_argument otherwise).
void set_base_offset(std::span<char> batch, std::int64_t base_offset);
void set_partition_leader_epoch(std::span<char> batch, std::int32_t epoch);
// What a broker does to a batch it appends to a topic with message.timestamp.type LogAppendTime: sets the
// timestamp-type attribute and maxTimestamp to `time` (every record then reads as that time) and
// recomputes the CRC.
void set_log_append_time(std::span<char> batch, std::int64_t time);

}  // namespace emu::kafka::protocol
