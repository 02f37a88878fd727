#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <string>
#include <utility>
#include <vector>

#include "state/clock.hpp"

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
    std::string stream_id;                  // empty: a new id is assigned
    std::optional<std::int64_t> create_time;  // ms; now when absent
};

struct dis_partition_state {
    std::int32_t index = 0;
    dis_partition_status status = dis_partition_status::active;
    std::int64_t earliest = 0;  // sequence number of the oldest retained record
    std::int64_t next = 0;      // sequence number the next record gets
};

struct stream_info {
    stream_spec spec;  // with stream_id and create_time filled in
    std::string status = "RUNNING";
    std::int64_t last_modified_time = 0;
    std::vector<dis_partition_state> partitions;
};

struct dis_record {
    std::int64_t sequence_number = 0;
    std::optional<std::string> partition_key;
    std::string data;  // base64, as uploaded
    std::int64_t timestamp = 0;  // ms, write time
};

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

struct app_spec {
    std::string app_name;
    std::string app_id;                     // empty: a new id is assigned
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

struct dis_limits {
    std::int32_t common_partitions = 50;    // per project, over COMMON streams
    std::int32_t advanced_partitions = 10;  // per project, over ADVANCED streams
};

// DIS state: projects -> streams -> partitions -> records; apps; checkpoints. Thread-safe. Per project one
// lock guards the catalogue (streams, apps, checkpoints); each partition's records have their own lock.
class dis_store {
public:
    explicit dis_store(clock_fn clock = system_now_ms, dis_limits limits = {});
    ~dis_store();
    dis_store(const dis_store&) = delete;
    dis_store& operator=(const dis_store&) = delete;

    stream_info create_stream(const std::string& project_id, stream_spec spec);
    stream_info get_stream(const std::string& project_id, const std::string& stream_name) const;

    // Validates every record's target before appending any, so a bad partition changes nothing.
    std::vector<record_result> put_records(const std::string& project_id, const std::string& stream_name,
                                           const std::vector<record_input>& records);
    std::vector<dis_record> records(const std::string& project_id, const std::string& stream_name,
                                    std::int32_t partition) const;

    app_info create_app(const std::string& project_id, app_spec spec);
    app_info get_app(const std::string& project_id, const std::string& app_name) const;

    // Checkpoint calls check, in order: stream exists, app exists, partition exists and is not expired.
    // The sequence number must lie within the partition's range [earliest, next].
    void commit_checkpoint(const std::string& project_id, const checkpoint_key& key, std::int64_t sequence_number,
                           std::string metadata);
    std::optional<checkpoint_value> get_checkpoint(const std::string& project_id, const checkpoint_key& key) const;
    // Without a partition, removes the app's checkpoints of that type on every partition of the stream.
    // Removing nothing is not an error.
    void delete_checkpoints(const std::string& project_id, const std::string& app_name,
                            const std::string& stream_name, std::optional<std::int32_t> partition_index,
                            const std::string& checkpoint_type);

    void reset();

    struct partition;
    struct stream;
    struct project;

private:
    std::shared_ptr<project> find_project(const std::string& project_id) const;
    std::shared_ptr<project> project_for(const std::string& project_id);

    clock_fn clock_;
    dis_limits limits_;
    mutable std::shared_mutex mutex_;  // guards projects_ (the map, not the projects in it)
    std::map<std::string, std::shared_ptr<project>> projects_;
};

}  // namespace emu::state
