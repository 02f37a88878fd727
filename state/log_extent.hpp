#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace emu::state {

// One partition log as --data-dir keeps it (server/persistence): the state hands out what identifies the
// log, where its offsets run, a reader of its stored entries and a way to put them back. The entries'
// bytes are the store's own (a Kafka record batch as stored, a DIS record); whoever keeps them does not
// read them.
struct stored_entry {
    std::int64_t first = 0;  // the offsets it holds, first..last
    std::int64_t last = 0;
    std::string_view bytes;
    // When set, it keeps `bytes` valid and unchanged as long as a copy of it is held: a restore may keep
    // pointing into them instead of copying them (Kafka batches point into their mapped segment file).
    std::shared_ptr<const void> keeper;
};

struct log_extent {
    // Unique in the state: ("kafka", project, instance id, topic, partition) or ("dis", project, stream
    // id, partition). Parts are the names as the API took them, to be escaped by whoever makes paths.
    std::vector<std::string> name;
    // Differs for a log of the same name made anew (a topic deleted and created again), within a process;
    // with `partition`, it tells every log of the state from every other (a DIS stream's has the top bit
    // set).
    std::uint64_t incarnation = 0;
    std::int32_t partition = 0;
    std::int64_t start = 0;  // offsets [start, end) when the extent was taken
    std::int64_t end = 0;

    // Calls `sink` for the stored entries from the one holding offset `from` on (none below the log's start),
    // under the log's lock, and returns the log's start and end as they were then.
    struct bounds {
        std::int64_t start = 0;
        std::int64_t end = 0;
    };
    std::function<bounds(std::int64_t from, const std::function<void(const stored_entry&)>& sink)> read;
    // Replaces the log's content with `entries` (contiguous, as read gave them) and then drops what lies
    // below `start`; an empty log starts at `start`. Throws std::invalid_argument for entries it cannot
    // take (bytes that are not its own), std::length_error past the storage cap.
    std::function<void(std::int64_t start, const std::vector<stored_entry>& entries)> restore;
};

// Asked for every log before its extent is made, with what identifies it and its offsets now: false leaves
// it out (a log whose keeper holds it up to date already), so that a commit after a produce makes the
// extent of the one log that changed only.
using log_filter = std::function<bool(std::uint64_t incarnation, std::int32_t partition, std::int64_t start,
                                      std::int64_t end)>;

// Fixed-width integers at the front of an entry's bytes, in the host's byte order (a data directory is
// read by the machine kind that wrote it).
void put_i64(std::string& out, std::int64_t value);
std::int64_t get_i64(std::string_view bytes, std::size_t at);  // bytes[at, at + 8) must exist

}  // namespace emu::state
