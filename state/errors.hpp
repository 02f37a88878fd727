#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>

namespace emu::state {

// Every domain failure the stores can report, as a fact about the state, not about a service: one code
// serves DMS and DIS alike when the fact is the same (a partition that does not exist, the storage limit
// reached). routes/http/error_mapping.cpp maps each one, with the route's service, to that service's own
// error answer in a single exhaustive switch. Each comment says which error_facts fields the code sets.
enum class errc {
    // DMS for Kafka
    instance_not_found,           // name: the instance id
    instance_name_exists,         // name: the instance name
    instance_not_running,         // reason: the instance's status
    topic_not_found,              // name: the topic
    topic_exists,                 // name: the topic
    partition_quota_exceeded,     // limit: the instance's partition quota
    replication_exceeds_brokers,  // limit: the instance's brokers
    partition_count_decrease,     // name: the topic
    group_not_found,              // name: the group
    group_exists,                 // name: the group
    group_not_empty,              // name: the group, which has members
    // DIS
    stream_not_found,                 // name: the stream; project_id: where it was looked for
    stream_exists,                    // name: the stream
    stream_not_running,               // nothing
    stream_partition_quota_exceeded,  // nothing
    app_not_found,                    // name: the app
    app_exists,                       // name: the app
    dis_partition_expired,            // index: the partition
    sequence_number_out_of_range,     // requested: the sequence number; low, high: the valid range
    dis_cursor_invalid,               // reason: why the cursor no longer reads
    dis_position_expired,             // requested: the position; low: the earliest one kept
    dis_resource_not_found,           // name: the stream id a tag call named
    dis_tag_limit,                    // limit: the tags a stream may have
    dis_tag_key_not_found,            // name: the tag key
    transfer_task_not_found,          // name: the task name or id
    transfer_task_exists,             // name: the task name
    transfer_task_quota_exceeded,     // limit: the tasks a stream may have
    // DIS Kafka adapter groups (commits that carry client_id and generation_id; joins)
    consumer_member_not_found,       // name: the client id
    consumer_rebalance_in_progress,  // name: the client id
    consumer_generation_stale,       // name: the client id; requested: its generation; high: the group's
    consumer_quota_exceeded,         // limit: the members a group may have
    // Either service
    partition_not_found,  // index: the partition (a Kafka topic's or a DIS stream's)
    storage_full,         // limit: --max-stored-bytes, which is reached
    not_supported,        // name: the instance; only its in-memory Kafka cluster can do this (fixtures,
                          // snapshots)
};

const char* to_string(errc code);

// What a failure is about: the values the client-facing message can mention. Which fields are set
// depends on the code (see errc); the others stay empty. Every member has an initializer, so a throw site
// names only the facts it sets (-Wmissing-field-initializers).
struct error_facts {
    std::string name{};                       // the object concerned: instance, topic, group, stream, app
    std::string project_id{};                 // where it was looked for, when the message names it
    std::string reason{};                     // free text: an instance's status, why a cursor is invalid
    std::optional<std::int64_t> index{};      // a partition index
    std::optional<std::uint64_t> limit{};     // a cap: stored bytes (all of uint64), partition quota, brokers
    std::optional<std::int64_t> requested{};  // a requested sequence number or position
    std::optional<std::int64_t> low{};        // the valid range, low end
    std::optional<std::int64_t> high{};       // the valid range, high end

    bool operator==(const error_facts&) const = default;
};

// Thrown by the stores where the fact is known, e.g.
// `throw error(errc::partition_not_found, {.index = index});`. what() is the code's name followed by the
// facts that are set, for logs.
class error : public std::runtime_error {
  public:
    error(errc code, error_facts facts = {});

    errc code() const noexcept { return code_; }
    const error_facts& facts() const noexcept { return facts_; }

  private:
    errc code_;
    error_facts facts_;
};

}  // namespace emu::state
