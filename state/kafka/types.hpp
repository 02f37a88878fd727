#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

// The values the DMS registry and the Kafka clusters take and give: no locks, no behaviour.
namespace emu::state {

using kafka_headers = std::vector<std::pair<std::string, std::string>>;

struct kafka_message {
    std::int64_t offset = 0;
    std::optional<std::string> key;
    std::string value;
    std::int64_t timestamp = 0;  // ms
    kafka_headers headers;
    // When the message entered the emulator's log (set by the store). Retention counts from here rather
    // than from `timestamp`, so fixture messages with historical timestamps are not expired at startup.
    std::int64_t appended_ms = 0;
};

// The broker settings of an instance that ModifyInstanceConfigs changes and the emulator honours: what a
// topic created on first use (Metadata, Produce with auto creation on) gets. DMS's own defaults.
struct broker_configs {
    std::int32_t num_partitions = 3;
    std::int32_t default_replication_factor = 3;  // at most the instance's brokers
    std::int32_t log_retention_hours = 72;
};

struct instance_spec {
    std::string instance_id;  // empty: a new UUID is assigned
    std::string name;
    std::string description;
    std::string engine_version;
    std::string product_id;
    std::string storage_spec_code;
    std::string vpc_id;
    std::string subnet_id;
    std::string security_group_id;
    std::vector<std::string> available_zones;
    std::int32_t broker_num = 3;
    std::int32_t storage_space = 300;
    bool ssl_enable = false;
    bool enable_auto_topic = false;
    broker_configs configs;
    std::string enterprise_project_id = "0";
    std::string status = "RUNNING";
    std::optional<std::int64_t> created_at;  // ms; now when absent
    // A fixture's pinned Kafka port: broker n listens on kafka_port + n. None: the lowest free ports.
    std::optional<std::int32_t> kafka_port;
};

// Where an instance's Kafka clients connect: what ShowInstance reports as connect_address and port.
// Each broker (node id 0 .. broker_num - 1) has a port of its own, as on DMS, where every broker is a
// host of its own; `port` is broker 0's.
struct broker_address {
    std::string host = "127.0.0.1";
    std::int32_t port = 9092;
    std::vector<std::int32_t> broker_ports;  // by node id; empty: every broker at `port`

    std::int32_t port_of(std::int32_t node) const {
        return node >= 0 && node < static_cast<std::int32_t>(broker_ports.size())
                   ? broker_ports[static_cast<std::size_t>(node)]
                   : port;
    }
};

struct instance_info {
    instance_spec spec;  // with instance_id and created_at filled in
    std::int32_t max_partitions = 0;
    std::int32_t used_partitions = 0;  // partitions of non-internal topics
    broker_address address;
};

struct topic_config {
    std::string name;
    std::string value;
};

struct topic_spec {
    std::string name;
    std::int32_t partition_count = 3;
    std::int32_t replication = 3;
    std::int32_t retention_hours = 72;
    bool sync_replication = false;
    bool sync_message_flush = false;
    std::string description;
    std::vector<topic_config> other_configs;
    std::optional<std::int64_t> created_at;  // ms; now when absent
};

struct partition_state {
    std::int32_t partition = 0;
    std::int64_t start_offset = 0;     // log start offset (low watermark)
    std::int64_t end_offset = 0;       // log end offset: the next offset to be written
    std::int64_t last_update_ms = 0;   // time of the last append (topic creation before any)
    std::int64_t first_timestamp = 0;  // of the message at start_offset; 0 when the log is empty
    std::int64_t last_timestamp = 0;   // of the message at end_offset - 1; 0 when the log is empty
    std::int64_t retained_bytes = 0;   // the record batches holding the retained messages
};

struct produce_request {
    std::string topic;
    std::optional<std::int32_t> partition;  // none: by key hash, else round-robin
    std::optional<std::string> key;
    std::string value;
    kafka_headers headers;
};

struct produce_result {
    std::int32_t partition = 0;
    std::int64_t offset = 0;
    std::int64_t timestamp = 0;
};

// One record batch v2 of a Kafka Produce, checked by the front that received it (CRC, counts, every
// record: kafka::protocol's split_batches, check_producer_batch and check_records), with its first and last
// records' timestamps. The cluster stores it as it is, but for the fields a broker assigns.
struct producer_batch {
    std::string_view bytes;
    std::int64_t first_timestamp = 0;
    std::int64_t last_timestamp = 0;
};

struct append_result {
    std::int64_t base_offset = 0;      // of the first record; the others follow it
    std::int64_t log_append_time = 0;  // ms
    std::int64_t log_start_offset = 0;
};

// Stored bytes handed out of a cluster without copying them: views into its memory in order, each kept
// valid by its holder (whatever the cluster trims or appends meanwhile) as long as a copy of it is kept.
struct stored_bytes {
    struct piece {
        std::string_view bytes;
        std::shared_ptr<const void> holder;
    };
    std::vector<piece> pieces;
    std::size_t size = 0;  // of all the pieces

    bool empty() const { return size == 0; }
    // Adds `bytes` after the others; bytes that continue the last piece's in the same holder extend it.
    void append(std::string_view bytes, const std::shared_ptr<const void>& holder) {
        if (!pieces.empty() && pieces.back().holder == holder &&
            pieces.back().bytes.data() + pieces.back().bytes.size() == bytes.data()) {
            pieces.back().bytes =
                std::string_view(pieces.back().bytes.data(), pieces.back().bytes.size() + bytes.size());
        } else {
            pieces.push_back({bytes, holder});
        }
        size += bytes.size();
    }
    void clear() {
        pieces.clear();
        size = 0;
    }
    // The bytes, concatenated.
    std::string str() const {
        std::string out;
        out.reserve(size);
        for (const auto& p : pieces) out.append(p.bytes);
        return out;
    }
};

// What a Kafka Fetch reads from one partition: its offsets around the read, and the stored record batches
// that hold the requested offset and those after it, in order (empty when the offset lies outside
// [start_offset, end_offset)). The first batch may begin below the requested offset.
struct partition_read {
    partition_state state;
    stored_bytes records;
};

// Kafka DeleteRecords: everything below `offset` becomes unreadable. `offset == delete_to_end` means the
// log end offset.
inline constexpr std::int64_t delete_to_end = -1;

struct delete_records_entry {
    std::int32_t partition = 0;
    std::int64_t offset = 0;
};

enum class delete_records_status { success, offset_out_of_range, unknown_partition };

struct delete_records_result {
    std::int32_t partition = 0;
    delete_records_status status = delete_records_status::success;
    std::int64_t low_watermark = 0;  // the log start offset after the call (unknown partition: -1)
};

// A change to one topic (UpdateInstanceTopic); unset members stay as they are.
struct topic_update {
    std::string name;
    std::optional<std::int32_t> retention_hours;
    std::optional<bool> sync_replication;
    std::optional<bool> sync_message_flush;
    std::optional<std::int32_t> partition_count;  // the new total; partitions only grow
    std::optional<std::string> description;
    std::vector<topic_config> other_configs;  // set by name, others kept
};

struct topic_deletion {
    std::string name;
    bool deleted = false;  // false: no such topic (or named twice)
};

// The retained messages of a topic that match: one partition or all, timestamps in [start_ms, end_ms].
struct message_filter {
    std::optional<std::int32_t> partition;
    std::optional<std::int64_t> start_ms;
    std::optional<std::int64_t> end_ms;
};

struct stored_message {
    std::int32_t partition = 0;
    kafka_message message;
};

// A consumer group's state, as Kafka's group coordinator keeps it.
enum class group_state { empty, preparing_rebalance, completing_rebalance, stable, dead };

// What the leader gave one member, decoded from the consumer protocol's assignment.
struct assigned_partitions {
    std::string topic;
    std::vector<std::int32_t> partitions;
};

struct group_member_info {
    std::string member_id;
    std::string client_id;
    std::string host;                             // as Kafka gives it: "/127.0.0.1"
    std::vector<assigned_partitions> assignment;  // empty until the group is Stable
};

// A consumer group as the management API shows it: the coordinator's state and members, and the lag of
// its committed offsets.
struct group_info {
    std::string group_id;
    std::optional<std::string> description;
    std::int64_t created_at = 0;      // ms
    std::int32_t coordinator_id = 0;  // broker id
    std::int64_t lag = 0;             // sum over the group's committed partitions
    group_state state = group_state::empty;
    std::string protocol;  // the assignment strategy the members chose; empty without members
    std::vector<group_member_info> members;
};

// One committed offset of a group with the partition's log around it. lag = log_end - committed: a
// committed offset below a moved log start stays as it is (it is merely out of range).
struct group_partition_offset {
    std::string topic;
    std::int32_t partition = 0;
    std::int64_t committed = 0;
    std::int64_t log_start = 0;
    std::int64_t log_end = 0;
    std::int64_t lag = 0;
};

// Where a reset moves committed offsets: exactly one of the two is set. Both are clamped to the log.
struct reset_target {
    std::optional<std::int64_t> offset;
    std::optional<std::int64_t> timestamp;  // the first message at or after it; the log end when none
};

inline constexpr std::int32_t all_partitions = -1;

// The brokers holding a partition: the leader first, then the followers, spread round the brokers as
// Kafka's default assignment does. The REST topic views and the wire Metadata both place replicas so.
inline std::vector<std::int32_t> replica_brokers(std::int32_t partition, std::int32_t replication,
                                                 std::int32_t brokers) {
    std::vector<std::int32_t> out;
    for (std::int32_t i = 0; i < replication && i < brokers; ++i) out.push_back((partition + i) % brokers);
    return out;
}

// A partition's content as fixtures and snapshots describe it: messages get offsets from
// `log_start_offset` upwards.
struct partition_content {
    std::int32_t partition = 0;
    std::int64_t log_start_offset = 0;
    std::vector<kafka_message>
        messages;  // offsets are assigned; timestamps and appended_ms kept when non-zero
    std::optional<std::int64_t>
        last_update_ms;  // none: the latest of the partition's creation and the messages
};

// Plain values of everything a kafka_store holds, for the control plane's exports and restores.
struct committed_offset {
    std::string topic;
    std::int32_t partition = 0;
    std::int64_t offset = 0;
};

struct group_snapshot {
    std::string group_id;
    std::optional<std::string> description;
    std::int64_t created_at = 0;            // ms
    std::vector<committed_offset> offsets;  // sorted by topic, then partition
};

struct partition_snapshot {
    std::int32_t partition = 0;
    std::int64_t log_start_offset = 0;
    std::int64_t last_update_ms = 0;
    std::vector<kafka_message> messages;  // the retained ones, offsets from log_start_offset up
};

struct topic_snapshot {
    topic_spec spec;  // created_at filled in
    std::vector<partition_snapshot> partitions;
};

struct instance_snapshot {
    instance_spec spec;                  // instance_id and created_at filled in
    std::vector<topic_snapshot> topics;  // sorted by name
    std::vector<group_snapshot> groups;  // sorted by name
};

struct kafka_project_snapshot {
    std::string project_id;
    std::vector<instance_snapshot> instances;  // sorted by instance id
};

struct kafka_counts {
    std::int64_t instances = 0;
    std::int64_t topics = 0;
    std::int64_t messages = 0;       // retained ones
    std::int64_t group_members = 0;  // members of the consumer groups now
    std::int64_t rebalances = 0;     // rebalances the instances' group coordinators completed
};

// What a cluster's topics and groups may grow to; fixed by the DMS instance that owns the cluster.
struct cluster_limits {
    std::int32_t brokers = 3;
    std::int32_t max_partitions = 300;  // over all topics
};

}  // namespace emu::state
