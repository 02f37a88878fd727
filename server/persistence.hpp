#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "persist/data_dir.hpp"
#include "persist/entity_log.hpp"
#include "persist/flusher.hpp"
#include "persist/framed_file.hpp"
#include "persist/segment_log.hpp"
#include "state/state.hpp"

namespace emu::server {

// --data-dir (docs/persistence.md): keeps the state in a directory and brings it back at startup.
//
//   DIR/FORMAT, DIR/lock              persist/data_dir
//   DIR/metadata.log                  persist/entity_log: per project, its fixture document without
//                                     messages and records ("p/ID"), and its DIS checkpoints ("c/ID")
//   DIR/logs/kafka/P/I/T/N/           persist/segment_log: the record batches of partition N of topic T
//   DIR/logs/dis/P/S/N/               the records of partition N of stream S (by stream id)
//
// The fronts call a commit once a request has changed the state and before its answer goes out; the commit
// writes what differs from what the directory holds: the metadata entries whose document changed, the
// entries appended to each log since, a log start that moved, the logs that went. A commit that the disk
// refuses throws, and the caller answers with an error instead. Thread-safe: commits are serialised.
class persistence {
  public:
    // Opens (or makes) the directory and reads its metadata log. Throws persist::unusable_dir,
    // persist::corrupt_file.
    persistence(const std::filesystem::path& dir, persist::fsync_policy policy,
                std::chrono::milliseconds interval);
    ~persistence();
    persistence(const persistence&) = delete;
    persistence& operator=(const persistence&) = delete;

    // Whether the directory was used before (it has a metadata log, if an empty one after a reset): then its
    // state, empty or not, wins over a fixture.
    bool holds_state() const;
    // Loads the directory's state into `st`, which is empty. Throws persist::corrupt_file for damage and
    // std::runtime_error for contents the state refuses; a torn tail is cut and logged.
    void restore(state::state& st);

    // What a request may have changed.
    struct scope {
        std::optional<std::string> project_id;   // none: every project
        bool metadata = true;                    // false: only records were appended (a produce)
        std::optional<std::string> instance_id;  // with !metadata: only this instance's logs
        bool kafka = true;                       // with !metadata: which services' logs
        bool dis = true;
    };
    // Writes what differs in `what` (see above). Throws persist::write_failed or std::runtime_error.
    void commit(const state::state& st, const scope& what);

    const std::filesystem::path& path() const { return dir_.path(); }

  private:
    struct tracked_log {
        std::unique_ptr<persist::segment_log> log;
        std::uint64_t incarnation = 0;  // with partition: the state's log this is (state::log_extent)
        std::int32_t partition = 0;
        std::int64_t start = 0;  // what the directory holds: offsets [start, end)
        std::int64_t end = 0;
    };

    // Caller holds mutex_. Brings the logs of `extents` up to date; those under `prefixes` that are not in
    // them are listed in `gone`, for the caller to remove once the metadata is written. Returns whether a
    // log came or went.
    bool sync_logs(const std::vector<state::log_extent>& extents, const std::vector<std::string>& prefixes,
                   std::vector<std::string>& gone);
    // Caller holds mutex_. The metadata changes that bring the project's entries up to date.
    void metadata_changes(const state::state& st, const std::string& project_id,
                          std::vector<persist::entity_change>& out) const;
    void sync_files();

    persist::data_dir dir_;
    persist::fsync_policy policy_;
    mutable std::mutex mutex_;  // guards everything below
    persist::entity_log metadata_;
    std::map<std::string, tracked_log> logs_;  // by path under DIR/logs
    // The same logs by the state's identity, so that a commit after a produce finds them without names.
    std::map<std::pair<std::uint64_t, std::int32_t>, tracked_log*> by_identity_;
    std::unique_ptr<persist::flusher> flusher_;
};

std::optional<persist::fsync_policy> parse_fsync_policy(const std::string& name);

}  // namespace emu::server
