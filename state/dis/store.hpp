#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "state/clock.hpp"
#include "state/dis/groups.hpp"
#include "state/log_extent.hpp"
#include "state/storage_budget.hpp"

namespace emu::state {

enum class dis_partition_status { active, deleted, expired };

struct dis_tag {
    std::string key;
    std::string value;
};

struct stream_spec {
    std::string stream_name;
    std::int32_t partition_count = 1;
    std::string stream_type = "COMMON";  // COMMON | ADVANCED
    std::string data_type = "BLOB";      // BLOB | JSON | CSV
    std::int32_t data_duration = 24;     // retention, hours
    bool auto_scale_enabled = false;
    std::int32_t auto_scale_min_partition_count = 0;
    std::int32_t auto_scale_max_partition_count = 0;
    std::optional<std::string> data_schema;
    std::optional<std::string> compression_format;
    std::optional<std::string> csv_delimiter;
    std::vector<dis_tag> tags;
    std::vector<dis_tag> sys_tags;
    std::string stream_id;                    // empty: a new id is assigned
    std::optional<std::int64_t> create_time;  // ms; now when absent
};

// What UpdateStream changes; a field left empty keeps the stream's value.
struct stream_update {
    std::optional<std::int32_t> data_duration;
    std::optional<std::string> data_type;
    std::optional<std::string> data_schema;
    std::optional<bool> auto_scale_enabled;
    std::optional<std::int32_t> auto_scale_min_partition_count;
    std::optional<std::int32_t> auto_scale_max_partition_count;
};

struct dis_partition_state {
    std::int32_t index = 0;
    dis_partition_status status = dis_partition_status::active;
    std::int64_t earliest = 0;  // sequence number of the oldest retained record
    std::int64_t next = 0;      // sequence number the next record gets
    // The partition count whose hash slicing gives this partition's hash range: the stream's current count
    // while it is ACTIVE, the count it was cut off from once DELETED or EXPIRED.
    std::int32_t hash_slices = 1;
};

// One entry of a stream's scaling history (ShowStream's update_partition_counts).
struct partition_count_change {
    std::int64_t create_timestamp = 0;  // ms
    std::int32_t src_partition_count = 0;
    std::int32_t target_partition_count = 0;
};

struct stream_info {
    stream_spec spec;  // with stream_id and create_time filled in; partition_count is the writable count
    std::string status = "RUNNING";
    std::int64_t last_modified_time = 0;
    std::vector<dis_partition_state> partitions;
    std::vector<partition_count_change> update_partition_counts;  // oldest first
};

struct stream_page {
    std::size_t total = 0;             // streams in the project, not just this page
    std::vector<stream_info> streams;  // sorted by name
    bool has_more = false;
};

struct dis_record {
    std::int64_t sequence_number = 0;
    std::optional<std::string> partition_key;
    std::string data;            // base64, as uploaded
    std::int64_t timestamp = 0;  // ms, write time
    // ms, when this store accepted it; retention counts from here, so a fixture's old timestamps do not
    // make its records vanish on load.
    std::int64_t accepted_at = 0;
};

// Decoded size of standard base64 text, the unit of a consume call's max_fetch_bytes.
// A partition's id as DIS writes it: shardId- and ten digits (shardId-0000000002).
std::string dis_shard_id(std::int32_t index);

std::int64_t base64_payload_size(std::string_view data);

inline constexpr std::int64_t ms_per_hour = 3'600'000;

// Where one uploaded record goes: partition_id wins, then explicit_hash_key, then the partition key's
// hash; with none of them, round-robin over the writable partitions.
struct record_input {
    std::optional<std::int32_t> partition;
    std::optional<std::int64_t> explicit_hash_key;
    std::optional<std::string> partition_key;
    std::string data;
    std::int64_t timestamp = 0;  // 0: the time the server accepts it
};

struct record_result {
    std::int32_t partition = 0;
    std::int64_t sequence_number = 0;
};

enum class cursor_type { at_sequence_number, after_sequence_number, trim_horizon, latest, at_timestamp };

// Where a new cursor starts: `position` is the sequence number of the first record it reads.
struct cursor_start {
    std::string stream_id;  // so a cursor never reads a later stream of the same name
    std::int64_t position = 0;
};

struct read_request {
    std::string stream_name;
    std::string stream_id;  // empty: any
    std::int32_t partition = 0;
    std::int64_t position = 0;
    std::size_t limit = 1000;
    std::optional<std::int64_t> max_bytes;  // budget of decoded payload bytes; none: no budget
};

struct read_result {
    std::vector<dis_record> records;
    std::int64_t next_position = 0;  // after the last record returned, or the request's position
};

struct app_spec {
    std::string app_name;
    std::string app_id;                       // empty: a new id is assigned
    std::optional<std::int64_t> create_time;  // ms; now when absent
};

struct app_info {
    std::string app_name;
    std::string app_id;
    std::int64_t create_time = 0;
    std::vector<std::string> commit_checkpoint_stream_names;  // sorted
};

struct checkpoint_key {
    std::string app_name;
    std::string stream_name;
    std::int32_t partition = 0;
    std::string checkpoint_type;
    auto operator<=>(const checkpoint_key&) const = default;
};

struct checkpoint_value {
    std::int64_t sequence_number = 0;
    std::string metadata;
};

struct app_page {
    std::size_t total = 0;       // apps matching the filter, not just this page
    std::vector<app_info> apps;  // sorted by name
    bool has_more = false;
};

struct partition_consumer_state {
    dis_partition_state partition;
    std::optional<checkpoint_value> checkpoint;
};

// Plain values of everything a dis_store holds, for the control plane's exports and restores.
struct dis_partition_snapshot {
    std::int32_t index = 0;
    dis_partition_status status = dis_partition_status::active;
    // Sequence number of the first retained record; with no records, the one the next record gets.
    std::int64_t earliest = 0;
    std::int64_t deleted_at = 0;      // ms; when a scale-down cut it off (not ACTIVE only)
    std::int32_t hash_slices = 0;     // the partition count it was cut off from (not ACTIVE only)
    std::vector<dis_record> records;  // retained, sequence numbers from `earliest` up
};

// A stream's transfer (dump) task: configuration and state only. The emulator delivers no data anywhere.
struct transfer_task {
    std::string task_name;
    std::string task_id;                       // empty: a new id is assigned
    std::string destination_type;              // OBS | MRS | DLI | CLOUDTABLE | DWS
    std::string state = "RUNNING";             // RUNNING | PAUSED
    std::int64_t create_time = 0;              // ms; 0: now
    std::int64_t last_transfer_timestamp = 0;  // ms; 0: never (nothing is ever transferred)
    std::string descriptor;  // the destination descriptor as JSON text, validated by the routes
};

struct stream_snapshot {
    stream_spec spec;  // stream_id and create_time filled in
    std::int64_t last_modified_time = 0;
    std::vector<partition_count_change> changes;     // oldest first
    std::vector<dis_partition_snapshot> partitions;  // [0, spec.partition_count) ACTIVE, any beyond cut off
    std::vector<transfer_task> transfer_tasks;       // sorted by name
};

// A stream as the tag queries see it (ListResourcesByTags).
struct tagged_stream {
    std::string stream_id;
    std::string stream_name;
    std::vector<dis_tag> tags;
};

// What one minute of a stream's or partition's traffic was: what the emulator really accepted and served.
// Partition points carry records and bytes only.
struct dis_traffic_point {
    std::int64_t timestamp = 0;  // ms, the start of the minute
    std::int64_t put_records = 0;
    std::int64_t put_bytes = 0;  // decoded payload bytes, the unit of max_fetch_bytes
    std::int64_t get_records = 0;
    std::int64_t get_bytes = 0;
    std::int64_t put_requests = 0;    // successful SendRecords calls
    std::int64_t get_requests = 0;    // successful ConsumeRecords calls
    std::int64_t put_latency_us = 0;  // summed over put_requests
    std::int64_t get_latency_us = 0;  // summed over get_requests
};

inline constexpr std::int64_t traffic_bucket_ms = 60'000;
inline constexpr std::int64_t traffic_window_ms = 7 * 24 * ms_per_hour;  // what is kept, and may be asked

struct checkpoint_entry {
    checkpoint_key key;
    checkpoint_value value;
};

struct dis_project_snapshot {
    std::string project_id;
    std::vector<stream_snapshot> streams;       // sorted by name
    std::vector<app_spec> apps;                 // sorted by name, create_time filled in
    std::vector<checkpoint_entry> checkpoints;  // sorted by key
};

struct dis_counts {
    std::int64_t streams = 0;
    std::int64_t records = 0;  // retained ones
    std::int64_t apps = 0;
    std::int64_t checkpoints = 0;
};

struct dis_limits {
    std::int32_t common_partitions = 50;    // per project, over COMMON streams
    std::int32_t advanced_partitions = 10;  // per project, over ADVANCED streams
    std::int32_t group_members = 1000;      // per app's consumer group
    std::int32_t stream_tags = 10;          // per stream (DIS.4601)
    std::int32_t transfer_tasks = 5;        // per stream (DIS.4357)
};

// A Kafka adapter consumer's JoinGroup, as named: streams by name, by id, or a pattern over the names.
struct group_join_request {
    std::string client_id;
    std::vector<std::string> stream_names;
    std::vector<std::string> stream_ids;
    std::optional<std::string> stream_pattern;
    std::int64_t rebalance_timeout_ms = default_rebalance_timeout_ms;
};

// A commit's claim to be made by a group member (CommitCheckpoint's client_id and generation_id).
struct group_member_claim {
    std::string client_id;
    std::optional<std::int64_t> generation;
};

// DIS state: projects -> streams -> partitions -> records; apps and their consumer groups; checkpoints.
// Thread-safe. Per project one lock guards the catalogue (streams, apps, checkpoints); each app's group and
// each partition's records have their own lock. Lock order: store -> project -> group -> partition.
class dis_store {
  public:
    // Records are charged to `budget` (shared with the Kafka store); none: no cap.
    explicit dis_store(clock_fn clock = system_now_ms, dis_limits limits = {},
                       std::shared_ptr<storage_budget> budget = nullptr);
    ~dis_store();
    dis_store(const dis_store&) = delete;
    dis_store& operator=(const dis_store&) = delete;

    // The store's clock, for the routes' own time-based decisions (cursor lifetimes).
    std::int64_t now_ms() const { return clock_(); }
    const dis_limits& limits() const { return limits_; }

    stream_info create_stream(const std::string& project_id, stream_spec spec);
    stream_info get_stream(const std::string& project_id, const std::string& stream_name) const;
    // Streams after `start_after` (exclusive; empty: from the first), at most `limit`.
    stream_page list_streams(const std::string& project_id, const std::string& start_after,
                             std::size_t limit) const;
    // Records, partitions and every checkpoint on the stream go; apps stay.
    void delete_stream(const std::string& project_id, const std::string& stream_name);
    // Scaling up makes partitions [current, target) ACTIVE (new, or reactivated if they were cut off
    // before); scaling down marks partitions [target, current) DELETED: readable until the retention
    // period has passed, then EXPIRED. Returns the change (source and target equal when nothing changed;
    // only real changes enter the stream's history).
    partition_count_change update_partition_count(const std::string& project_id,
                                                  const std::string& stream_name, std::int32_t target);

    // Changes the stream's configuration; its partitions and records stay. A new data_duration applies to
    // the records already stored too (each one's age counts from when it was accepted).
    stream_info update_stream(const std::string& project_id, const std::string& stream_name,
                              const stream_update& update);

    // Validates every record's target before appending any, so a bad partition changes nothing. Counted in
    // the traffic metrics unless `count_traffic` is false (a fixture's records).
    std::vector<record_result> put_records(const std::string& project_id, const std::string& stream_name,
                                           const std::vector<record_input>& records,
                                           bool count_traffic = true);
    std::vector<dis_record> records(const std::string& project_id, const std::string& stream_name,
                                    std::int32_t partition) const;

    // Resolves a cursor request to the sequence number it starts at. AT_/AFTER_SEQUENCE_NUMBER take
    // `value` as a sequence number that must lie in [earliest, next]; AT_TIMESTAMP as a time in ms.
    cursor_start start_cursor(const std::string& project_id, const std::string& stream_name,
                              std::int32_t partition, cursor_type type, std::int64_t value) const;
    // Up to `limit` records from `position` on, stopping before the record that would exceed the byte
    // budget. A position before the earliest retained record is dis_position_expired.
    read_result read_records(const std::string& project_id, const read_request& request) const;

    // Traffic per minute over [from_ms, to_ms] (minutes that start in it and saw traffic), oldest first;
    // at most traffic_window_ms back is kept. A stream's points add up all its partitions' and its
    // requests; a partition's need it to exist (in any state).
    std::vector<dis_traffic_point> stream_traffic(const std::string& project_id,
                                                  const std::string& stream_name, std::int64_t from_ms,
                                                  std::int64_t to_ms) const;
    std::vector<dis_traffic_point> partition_traffic(const std::string& project_id,
                                                     const std::string& stream_name, std::int32_t partition,
                                                     std::int64_t from_ms, std::int64_t to_ms) const;

    // Tags, by stream id (dis_resource_not_found when no stream of the project has it). Adding a key the
    // stream has replaces its value; more than limits.stream_tags in all is dis_tag_limit and adds none.
    // Removing a key the stream lacks is nothing, or dis_tag_key_not_found with `must_exist`.
    std::vector<dis_tag> stream_tags(const std::string& project_id, const std::string& stream_id) const;
    void add_stream_tags(const std::string& project_id, const std::string& stream_id,
                         const std::vector<dis_tag>& tags);
    void remove_stream_tags(const std::string& project_id, const std::string& stream_id,
                            const std::vector<std::string>& keys, bool must_exist);
    // Every stream of the project with its tags, sorted by name.
    std::vector<tagged_stream> tagged_streams(const std::string& project_id) const;

    // Transfer tasks, per stream (the stream must exist): a name is taken once per stream
    // (transfer_task_exists), at most limits.transfer_tasks per stream (transfer_task_quota_exceeded),
    // unknown names are transfer_task_not_found. Listed by name. The stream's deletion ends them.
    transfer_task create_transfer_task(const std::string& project_id, const std::string& stream_name,
                                       transfer_task task);
    std::vector<transfer_task> transfer_tasks(const std::string& project_id,
                                              const std::string& stream_name) const;
    transfer_task get_transfer_task(const std::string& project_id, const std::string& stream_name,
                                    const std::string& task_name) const;
    void delete_transfer_task(const std::string& project_id, const std::string& stream_name,
                              const std::string& task_name);
    // Replaces the named task's destination type and descriptor; its id, state and times stay.
    transfer_task update_transfer_task(const std::string& project_id, const std::string& stream_name,
                                       const transfer_task& task);
    // Sets the state of every task named by id (or by name), all or none: one unknown is
    // transfer_task_not_found and changes nothing.
    void set_transfer_task_state(const std::string& project_id, const std::string& stream_name,
                                 const std::vector<std::string>& ids, const std::string& state);

    app_info create_app(const std::string& project_id, app_spec spec);
    app_info get_app(const std::string& project_id, const std::string& app_name) const;
    // Apps after `start_after` (exclusive), at most `limit`; with `stream_name`, only apps that have
    // committed a checkpoint on that stream.
    app_page list_apps(const std::string& project_id, const std::string& start_after, std::size_t limit,
                       const std::optional<std::string>& stream_name) const;
    // The app's checkpoints go with it.
    void delete_app(const std::string& project_id, const std::string& app_name);
    // Every partition of the stream with the app's checkpoint of `checkpoint_type`, if any. Checks the
    // stream, then the app.
    std::vector<partition_consumer_state> consumer_state(const std::string& project_id,
                                                         const std::string& app_name,
                                                         const std::string& stream_name,
                                                         const std::string& checkpoint_type) const;

    // Checkpoint calls check, in order: stream exists, app exists, partition exists and is not expired.
    // The sequence number must lie within the partition's range [earliest, next]. With `member`, the app's
    // group must accept a commit from it (consumer_group::commit_refusal), checked after the app.
    void commit_checkpoint(const std::string& project_id, const checkpoint_key& key,
                           std::int64_t sequence_number, std::string metadata,
                           const std::optional<group_member_claim>& member = std::nullopt);
    std::optional<checkpoint_value> get_checkpoint(const std::string& project_id,
                                                   const checkpoint_key& key) const;
    // Without a partition, removes the app's checkpoints of that type on every partition of the stream.
    // Removing nothing is not an error.
    void delete_checkpoints(const std::string& project_id, const std::string& app_name,
                            const std::string& stream_name, std::optional<std::int32_t> partition_index,
                            const std::string& checkpoint_type);

    // The Kafka adapter's group coordination (state/dis/groups.hpp): every app is a group, empty until a
    // consumer joins; deleting the app ends it. A missing app answers GROUP_NOT_EXIST. A join is
    // ERR_SUBSCRIPTION when it names nothing, a stream or stream id that does not exist, one stream both by
    // name and by id, or a pattern that is not valid; a new member beyond limits.group_members is
    // consumer_quota_exceeded.
    join_result join_group(const std::string& project_id, const std::string& app_name,
                           const group_join_request& request);
    heartbeat_state group_heartbeat(const std::string& project_id, const std::string& app_name,
                                    const std::string& client_id, std::int64_t generation);
    sync_result sync_group(const std::string& project_id, const std::string& app_name,
                           const std::string& client_id);
    // Leaving a group one is not in, or of an app that does not exist, changes nothing.
    void leave_group(const std::string& project_id, const std::string& app_name,
                     const std::string& client_id);
    // The group as it stands, lazy expiry applied; nullopt when the app does not exist.
    std::optional<group_view> group(const std::string& project_id, const std::string& app_name) const;

    void reset();

    // Control plane: snapshots, counts, per-project reset and restores.

    // Every project with at least one stream or app (or only `project_id`), sorted by id. Each partition is
    // copied under its own lock after retention is applied, so a snapshot taken while requests run is
    // consistent per project catalogue and per partition, not across the store.
    // Without `with_records`, partitions come without their records (--data-dir keeps those apart).
    std::vector<dis_project_snapshot> snapshot(const std::optional<std::string>& project_id = std::nullopt,
                                               bool with_records = true) const;
    dis_counts counts() const;
    // Projects with at least one stream or app, sorted.
    std::vector<std::string> project_ids() const;
    void reset_project(const std::string& project_id);
    // --data-dir: the record logs of every stream partition, in any state (or one project's), named
    // ("dis", project, stream id, partition).
    // With `changed`, only the logs it accepts.
    std::vector<log_extent> log_extents(const std::optional<std::string>& project_id = std::nullopt,
                                        const log_filter* changed = nullptr) const;
    // Creates a stream as a snapshot describes it, checked like create_stream (name free, partition quota).
    // Partitions the snapshot leaves out are empty and ACTIVE; records get sequence numbers from each
    // partition's `earliest` up, keeping non-zero timestamps and accepted_at (else now). The caller makes
    // sure partitions [0, partition_count) are ACTIVE and any beyond are not.
    stream_info restore_stream(const std::string& project_id, stream_snapshot snapshot);
    // Stores a checkpoint as it was committed: the stream, the app and the partition (in any state) must
    // exist and 0 <= sequence_number <= next; it may lie before `earliest`, as retention moves on after a
    // commit.
    void restore_checkpoint(const std::string& project_id, const checkpoint_key& key, checkpoint_value value);
    // Exchanges the whole content with `other` in one step; each store keeps its clock and limits.
    void swap_contents(dis_store& other);

    struct partition;
    struct stream;
    struct project;

  private:
    std::shared_ptr<project> find_project(const std::string& project_id) const;
    std::shared_ptr<project> project_for(const std::string& project_id);
    std::int64_t quota(const std::string& stream_type) const {
        return stream_type == "ADVANCED" ? limits_.advanced_partitions : limits_.common_partitions;
    }

    clock_fn clock_;
    dis_limits limits_;
    std::shared_ptr<storage_budget> budget_;
    mutable std::shared_mutex mutex_;  // guards projects_ (the map, not the projects in it)
    std::map<std::string, std::shared_ptr<project>> projects_;
};

}  // namespace emu::state
