#pragma once

// The metadata log: everything --data-dir keeps that is not a partition's records (instances, topics,
// groups and their offsets, DIS streams, apps, checkpoints) as a map from a key to its current value,
// kept as a log of changes in one framed file (persist/framed_file). A set of changes is one record, so a
// crash never keeps half of it. When the log has grown well past what it holds, compaction writes the
// map anew to a second file and renames it over the first.
//
//   DIR/metadata.log      records of changes: u32 count, then per change
//                         u8 kind (1 put, 2 erase) | u32 key length | key | u32 value length | value
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "persist/framed_file.hpp"

namespace emu::persist {

struct entity_change {
    std::string key;
    std::optional<std::string> value;  // none: the key goes
};

class entity_log {
  public:
    entity_log(std::filesystem::path dir, fsync_policy policy);
    ~entity_log();
    entity_log(const entity_log&) = delete;
    entity_log& operator=(const entity_log&) = delete;

    // Reads the log (made if missing): the map it holds; a torn tail is cut and named in `cut`, damage
    // before it throws corrupt_file.
    const std::map<std::string, std::string>& open(std::vector<std::string>* cut = nullptr);
    // Writes the changes as one record (all or none; write_failed leaves the map as it was) and applies
    // them; compacts when the log has grown past twice what it holds plus 1 MiB.
    void apply(const std::vector<entity_change>& changes);
    // Writes the map anew and renames it over the log.
    void compact();
    // fdatasync of what was appended since the last one (--fsync interval).
    void sync();
    // The same, to run later without the caller's lock (framed_writer::sync_later).
    std::optional<pending_sync> sync_later();

    const std::map<std::string, std::string>& entities() const { return entities_; }
    std::uint64_t log_bytes() const;

  private:
    std::filesystem::path file() const { return dir_ / "metadata.log"; }
    void apply_to_map(const std::vector<entity_change>& changes);  // to entities_ and live_bytes_

    std::filesystem::path dir_;
    fsync_policy policy_;
    std::map<std::string, std::string> entities_;
    std::uint64_t live_bytes_ = 0;  // of keys and values held
    std::unique_ptr<framed_writer> writer_;
};

}  // namespace emu::persist
