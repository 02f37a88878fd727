#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace emu::state {

// One stored record as a record_log hands it out. The views point into the log's storage: they stay valid
// while the caller holds the lock that guards the log and does not change it.
struct log_entry {
    std::int64_t number = 0;       // Kafka offset or DIS sequence number
    std::int64_t timestamp = 0;    // ms, the record's own time
    std::int64_t appended_ms = 0;  // ms, when the store accepted it; retention counts from here
    std::optional<std::string_view> key;
    std::string_view value;
    std::string_view extra;  // opaque to the log (Kafka keeps its encoded headers here)
};

// The records of one partition, numbered contiguously [start(), end()). They are kept in chunks of up to
// `chunk_records` records whose keys, values and extras share one byte buffer, beside a 40-byte slot per
// record: no allocation per record, and a 100-byte value costs about 140 bytes.
//
// Dropping records from the front (Kafka DeleteRecords, retention) releases whole chunks: the cost does
// not depend on how many records go, and the chunks are handed back so that the owner frees their memory
// after releasing its lock. Not thread-safe: the owner locks.
class record_log {
  public:
    static constexpr std::size_t chunk_records = 4096;
    // A record that does not fit in what is left of a chunk's bytes starts the next chunk; a larger one
    // gets a chunk of its own.
    static constexpr std::size_t chunk_bytes = std::size_t{1} << 20;

    struct chunk;
    // Chunks cut off by trim() or clear(); destroying this frees them.
    using released = std::vector<std::unique_ptr<chunk>>;

    record_log();
    ~record_log();
    record_log(record_log&&) noexcept;
    record_log& operator=(record_log&&) noexcept;

    std::int64_t start() const { return start_; }
    std::int64_t end() const { return end_; }
    bool empty() const { return start_ == end_; }
    std::int64_t size() const { return end_ - start_; }
    // Key and value bytes of the retained records.
    std::int64_t payload_bytes() const { return payload_; }
    // Key, value and extra bytes of the retained records: what they cost against the storage budget.
    std::int64_t stored_bytes() const { return stored_; }

    // Appends one record numbered end(). Throws std::length_error for a record of 4 GiB or more.
    void append(std::int64_t timestamp, std::int64_t appended_ms, std::optional<std::string_view> key,
                std::string_view value, std::string_view extra = {});

    // The record numbered `number`; start() <= number < end().
    log_entry at(std::int64_t number) const;
    log_entry front() const { return at(start_); }
    log_entry back() const { return at(end_ - 1); }

    // Calls f(const log_entry&) for the records from `from` (at least start()) on, in order, until f
    // returns false.
    template <class F>
    void scan(std::int64_t from, F&& f) const;

    // The first record at or after `from` whose timestamp is at least `timestamp`; end() when none.
    std::int64_t first_at_time(std::int64_t timestamp) const;
    // The first record whose appended_ms is at least `cutoff`; end() when none. Retention drops the
    // records before it.
    std::int64_t first_appended_since(std::int64_t cutoff) const;

    // Drops the records below `new_start` (clamped to [start(), end()]).
    [[nodiscard]] released trim(std::int64_t new_start);
    // Drops every record; the next one appended is numbered `new_start`.
    [[nodiscard]] released clear(std::int64_t new_start);

  private:
    // Index in chunks_ of the chunk holding `number`, which lies in [start(), end()).
    std::size_t chunk_index(std::int64_t number) const;
    static log_entry entry(const chunk& c, std::size_t index);

    std::deque<std::unique_ptr<chunk>> chunks_;  // ascending, contiguous; the first may hold dropped records
    std::int64_t start_ = 0;
    std::int64_t end_ = 0;
    std::int64_t payload_ = 0;
    std::int64_t stored_ = 0;
    std::int64_t front_dropped_payload_ = 0;  // payload of the dropped records still in chunks_.front()
    std::int64_t front_dropped_stored_ = 0;   // and their stored bytes
};

struct record_log::chunk {
    struct slot {
        std::int64_t timestamp = 0;
        std::int64_t appended_ms = 0;
        std::uint32_t begin = 0;  // key, value and extra follow each other in `bytes` from here
        std::uint32_t key_size = 0;
        std::uint32_t value_size = 0;
        std::uint32_t extra_size = 0;
        bool has_key = false;

        std::int64_t payload() const { return std::int64_t{key_size} + value_size; }
        std::int64_t stored() const { return payload() + extra_size; }
    };

    std::int64_t first = 0;  // number of slots[0]
    std::vector<slot> slots;
    std::string bytes;
    std::int64_t payload = 0;  // of all slots
    std::int64_t stored = 0;   // of all slots
    std::int64_t min_timestamp = INT64_MAX;
    std::int64_t max_timestamp = INT64_MIN;
    std::int64_t max_appended_ms = INT64_MIN;

    std::int64_t end() const { return first + static_cast<std::int64_t>(slots.size()); }
};

template <class F>
void record_log::scan(std::int64_t from, F&& f) const {
    if (from < start_) from = start_;
    if (from >= end_) return;
    for (std::size_t k = chunk_index(from); k < chunks_.size(); ++k) {
        const chunk& c = *chunks_[k];
        for (auto i = static_cast<std::size_t>(from - c.first); i < c.slots.size(); ++i) {
            if (!f(entry(c, i))) return;
        }
        from = c.end();
    }
}

}  // namespace emu::state
