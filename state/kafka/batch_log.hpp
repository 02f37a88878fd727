#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace emu::state {

// One Kafka partition as the record batches v2 that were appended to it, kept byte for byte as they will
// be served (base offset assigned, partition leader epoch 0, LogAppendTime applied): a Fetch copies them
// out without decoding, and whatever codec the producer used stays. Offsets are [start(), end()).
//
// The log start offset may fall inside a batch (DeleteRecords to an offset within it): that batch stays
// whole, is served whole, and readers skip its records below start() (kafka-wire.md §5). What the log
// holds against the storage budget is the size of every batch with a retained record.
//
// Batches are kept in chunks of up to `chunk_batches` batches whose bytes share one buffer, beside a slot
// of 56 bytes per batch. A chunk's buffer is allocated once at its full size and never moves: bytes are
// copied into it once, the pages its tail does not reach yet are never touched (nor resident), and a
// reader holding the chunk (scan_shared) may use the bytes it was given after the owner's lock is released,
// while later batches are appended behind them. A log restored from disk keeps the batches it read where
// they are instead (append_kept: in the mapped segment files, not resident until read), and appends after
// them. Dropping records from the front releases whole chunks, handed back so that the owner frees their
// memory after releasing its lock (a reader still holding one frees it last). Not thread-safe: the owner
// locks.
class batch_log {
  public:
    static constexpr std::size_t chunk_batches = 4096;
    // A batch that does not fit in what is left of a chunk's bytes starts the next chunk; a larger one gets
    // a chunk of its own.
    static constexpr std::size_t chunk_bytes = std::size_t{1} << 20;
    // The decompression bound for decoding a stored batch: it was checked against the request's limit when
    // it arrived, so decoding it again is bounded by its own size.
    static constexpr std::size_t decode_limit = SIZE_MAX;

    // What the log keeps of each batch beside its bytes.
    struct slot {
        std::int64_t base_offset = 0;
        std::int64_t first_timestamp = 0;  // of its first record
        std::int64_t last_timestamp = 0;   // of its last record
        std::int64_t max_timestamp = 0;
        std::int64_t appended_ms = 0;  // when the log took it; retention counts from here
        std::uint32_t begin = 0;       // in the chunk's bytes
        std::uint32_t size = 0;
        std::int32_t records = 0;

        std::int64_t end() const { return base_offset + records; }
    };

    struct chunk {
        explicit chunk(std::size_t capacity_bytes)  // not zeroed: touched when written
            : owned(new char[capacity_bytes]), data(owned.get()), capacity(capacity_bytes) {}
        // Batches kept where they are, from `base` on, in memory that `keeper_of` keeps: nothing is
        // appended to it (its capacity is 0).
        chunk(const char* base, std::shared_ptr<const void> keeper_of)
            : data(base), keeper(std::move(keeper_of)) {}

        std::vector<slot> slots;
        std::unique_ptr<char[]> owned;  // `capacity` bytes, of which the first `used` hold batches
        const char* data = nullptr;     // owned.get(), or the kept memory
        std::shared_ptr<const void> keeper;
        std::size_t capacity = 0;
        std::size_t used = 0;
        std::int64_t max_timestamp = INT64_MIN;
        std::int64_t max_appended_ms = INT64_MIN;

        std::int64_t first() const { return slots.front().base_offset; }
        std::int64_t end() const { return slots.back().end(); }
        std::string_view batch(const slot& s) const { return std::string_view(data + s.begin, s.size); }
    };
    // Chunks cut off by trim() or clear(); destroying this frees them (once no reader holds them).
    using released = std::vector<std::shared_ptr<const chunk>>;

    // One batch to append: checked by whoever received it (split_batches, check_producer_batch,
    // check_records), with its first and last records' timestamps.
    struct incoming {
        std::string_view bytes;
        std::int64_t first_timestamp = 0;
        std::int64_t last_timestamp = 0;
    };

    batch_log();
    ~batch_log();
    batch_log(batch_log&&) noexcept;
    batch_log& operator=(batch_log&&) noexcept;

    std::int64_t start() const { return start_; }
    std::int64_t end() const { return end_; }
    bool empty() const { return start_ == end_; }
    std::int64_t size() const { return end_ - start_; }
    // The bytes of the batches holding retained records.
    std::int64_t stored_bytes() const { return stored_; }
    // Timestamps of the records at start() and end() - 1; 0 when the log is empty.
    std::int64_t first_timestamp() const { return empty() ? 0 : start_timestamp_; }
    std::int64_t last_timestamp() const;

    // The bytes `batch` will take (its size); what the caller reserves against the budget before append.
    static std::uint64_t cost(const incoming& batch) { return batch.bytes.size(); }
    // Appends the batch with base offset end(), stamped `appended_ms`; with `log_append_time`, every record
    // takes that time (the batch's timestamp type and maxTimestamp are set, the CRC recomputed). Returns
    // the base offset. Throws std::invalid_argument for fewer than 61 bytes or no records, std::length_error
    // for a batch of 4 GiB or more.
    std::int64_t append(const incoming& batch, std::int64_t appended_ms, bool log_append_time);
    // The same for a batch as this log stored it before (restored from disk): its base offset is end()
    // and its leader epoch 0 already, and its bytes stay where they are, valid and unchanged as long as
    // `keeper` is held, which the log holds instead of copying them. Throws std::invalid_argument also for
    // a batch whose base offset or leader epoch is not that.
    std::int64_t append_kept(const incoming& batch, std::int64_t appended_ms,
                             const std::shared_ptr<const void>& keeper);

    // Calls f(const slot&, std::string_view bytes) for the batches that hold offsets from `from` on
    // (`from` at least start()), in order, until f returns false. The first may begin below `from`.
    template <class F>
    void scan(std::int64_t from, F&& f) const;
    // The same, f(const slot&, std::string_view bytes, const std::shared_ptr<const chunk>& holder): `bytes`
    // stay valid, whatever the log does meanwhile, as long as a copy of `holder` is kept.
    template <class F>
    void scan_shared(std::int64_t from, F&& f) const;

    // The first retained offset whose record's timestamp is at least `timestamp`; end() when none. Decodes
    // only the batch that holds it.
    std::int64_t first_at_time(std::int64_t timestamp) const;
    // The first offset of the first batch appended at or after `cutoff` (start() if that is the batch
    // holding it); end() when none. Retention drops what lies before.
    std::int64_t first_appended_since(std::int64_t cutoff) const;

    // Drops the records below `new_start` (clamped to [start(), end()]).
    [[nodiscard]] released trim(std::int64_t new_start);
    // Drops every record; the next batch appended starts at `new_start`.
    [[nodiscard]] released clear(std::int64_t new_start);

  private:
    // Index in chunks_ of the chunk whose batches hold `offset`, which lies in [start(), end()).
    std::size_t chunk_index(std::int64_t offset) const;
    // Index in c.slots of the batch holding `offset`, which c holds.
    static std::size_t slot_index(const chunk& c, std::int64_t offset);
    // Adds the slot to chunk `c`, the last, and counts the batch in.
    void add(chunk& c, const slot& s);
    // The timestamp of the record at `offset` (in [start(), end())), from the batch that holds it.
    std::int64_t timestamp_at(std::int64_t offset) const;

    std::deque<std::shared_ptr<chunk>> chunks_;  // ascending, contiguous; the first may hold dropped batches
    std::int64_t start_ = 0;
    std::int64_t end_ = 0;
    std::int64_t stored_ = 0;
    std::int64_t start_timestamp_ = 0;
};

template <class F>
void batch_log::scan(std::int64_t from, F&& f) const {
    scan_shared(from, [&](const slot& s, std::string_view bytes, const std::shared_ptr<const chunk>&) {
        return f(s, bytes);
    });
}

template <class F>
void batch_log::scan_shared(std::int64_t from, F&& f) const {
    if (from < start_) from = start_;
    if (from >= end_) return;
    for (std::size_t k = chunk_index(from); k < chunks_.size(); ++k) {
        const std::shared_ptr<const chunk> holder = chunks_[k];
        const chunk& c = *holder;
        for (std::size_t i = from > c.first() ? slot_index(c, from) : 0; i < c.slots.size(); ++i) {
            if (!f(c.slots[i], c.batch(c.slots[i]), holder)) return;
        }
    }
}

}  // namespace emu::state
