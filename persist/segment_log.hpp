#pragma once

// One log on disk (a Kafka partition's record batches, later a DIS partition's records): segment files of
// framed records (persist/framed_file) in one directory, each record an entry that covers the offsets
// first..last, and a start marker. Deleting below the start drops whole segments and moves the marker,
// so it costs a rename and some unlinks, never a rewrite. A log that goes (its topic deleted) goes with its
// directory.
//
//   DIR/00000000000000000000.seg   entries from offset 0 on: u64 first | u64 last | bytes (little-endian)
//   DIR/00000000000000004096.seg   the next segment, named after its first entry's first offset
//   DIR/start                      one framed record: u64 log start offset (absent: the first entry's)
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "persist/framed_file.hpp"

namespace emu::persist {

// Offsets are at most this (Kafka's are int64, far below it in any real log); beyond it is damage.
inline constexpr std::int64_t max_log_offset = std::int64_t{1} << 62;

struct log_entry {
    std::int64_t first = 0;
    std::int64_t last = 0;
    std::string_view bytes;  // into recovered_log::files[file]
    std::size_t file = 0;
};

struct recovered_log {
    std::int64_t start = 0;           // the log start offset (entries may begin below it: one straddles it)
    std::vector<log_entry> entries;   // in offset order, those that end at or after start
    std::vector<mapped_bytes> files;  // the segments' contents the entries point into
    std::vector<std::string> cut;     // a line per torn tail cut off: the file, the offset and why
};

class segment_log {
  public:
    // `segment_bytes`: a segment that reaches it is closed and the next entry starts a new one.
    segment_log(std::filesystem::path dir, fsync_policy policy, std::uint64_t segment_bytes = 64u << 20);
    ~segment_log();
    segment_log(const segment_log&) = delete;
    segment_log& operator=(const segment_log&) = delete;

    // Reads the directory (made if missing): cuts torn tails (the last segment's only: a torn tail in an
    // earlier one is corruption), throws corrupt_file for damage, and readies appends after the last entry.
    recovered_log open();
    // Appends an entry; first must follow the last entry's last. Throws write_failed (nothing stays).
    void append(std::int64_t first, std::int64_t last, std::string_view bytes);
    // Moves the log start to `offset` (never back): the marker first, then the segments all below it go.
    void set_start(std::int64_t offset);
    void sync();
    // The same, to run later without the caller's lock (framed_writer::sync_later).
    std::optional<pending_sync> sync_later();

    const std::filesystem::path& dir() const { return dir_; }
    std::size_t segments() const { return segments_.size(); }
    std::int64_t start() const { return start_; }

  private:
    struct segment {
        std::int64_t first;  // its name
        std::int64_t last = -1;
    };
    std::filesystem::path path_of(std::int64_t first) const;
    void write_start(std::int64_t offset);
    void drop_below(std::int64_t offset);
    void open_writer(std::int64_t first, std::uint64_t size);

    std::filesystem::path dir_;
    fsync_policy policy_;
    std::uint64_t segment_bytes_;
    std::vector<segment> segments_;  // in offset order; the last one is written
    std::unique_ptr<framed_writer> writer_;
    std::int64_t start_ = 0;
    std::int64_t next_ = 0;  // the offset the next entry starts at
};

}  // namespace emu::persist
