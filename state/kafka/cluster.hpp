#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "state/kafka/groups.hpp"
#include "state/kafka/types.hpp"

namespace emu::state {

class memory_cluster;

// One DMS instance's Kafka data: topics, partition logs, consumer groups and their offsets. Both fronts
// (the REST handlers today, a Kafka listener tomorrow) call this interface; the in-memory cluster is its
// first implementation, a cluster reached through a Kafka client could be another. Thread-safe. Failures
// are thrown as state::error.
class kafka_cluster {
  public:
    virtual ~kafka_cluster() = default;

    // Topics. Quotas are the cluster's cluster_limits.
    virtual topic_spec create_topic(topic_spec spec) = 0;
    // What create_topic would refuse (a Kafka CreateTopics with validate_only), thrown the same way;
    // nothing changes.
    virtual void check_create_topic(const topic_spec& spec) const = 0;
    virtual std::vector<topic_spec> list_topics() const = 0;  // sorted by name
    virtual topic_spec get_topic(const std::string& topic) const = 0;
    // All or nothing: every update is checked (topic known, partitions only grow, quota) before any applies.
    virtual void update_topics(const std::vector<topic_update>& updates) = 0;
    // What update_topics would refuse (a Kafka CreatePartitions with validate_only); nothing changes.
    virtual void check_update_topics(const std::vector<topic_update>& updates) const = 0;
    // One result per name, in order. A deleted topic takes its logs and every group's offsets for it.
    virtual std::vector<topic_deletion> delete_topics(const std::vector<std::string>& names) = 0;
    // Partitions of every topic (what the instance's partition quota counts).
    virtual std::int32_t used_partitions() const = 0;

    // Records.
    virtual produce_result produce(const produce_request& request) = 0;
    // Kafka DeleteRecords: one result per entry, in entry order. The batch is applied atomically, and one
    // bad partition never fails the others.
    virtual std::vector<delete_records_result> delete_records(
        const std::string& topic, const std::vector<delete_records_entry>& entries) = 0;
    virtual std::vector<partition_state> partitions(const std::string& topic) const = 0;
    virtual partition_state partition(const std::string& topic, std::int32_t partition) const = 0;
    // The retained message at `offset`, if any.
    virtual std::optional<kafka_message> message_at(const std::string& topic, std::int32_t partition,
                                                    std::int64_t offset) const = 0;
    virtual std::vector<stored_message> messages(const std::string& topic,
                                                 const message_filter& filter) const = 0;

    // Kafka Produce: the batch's records get contiguous offsets on one partition, all or none (the storage
    // cap counts the batch's bytes). `log_append_time`: the records take the append's time (a topic with
    // message.timestamp.type LogAppendTime), else keep their own.
    virtual append_result append(const std::string& topic, std::int32_t partition,
                                 const producer_batch& batch, bool log_append_time) = 0;
    // Kafka Fetch: the stored batches from the one holding `offset` on, whole, until their bytes pass
    // `max_bytes` (at least one when there is one).
    virtual partition_read read(const std::string& topic, std::int32_t partition, std::int64_t offset,
                                std::size_t max_bytes) const = 0;
    // Kafka ListOffsets by time: the first retained offset whose timestamp is at least `timestamp`; the log
    // end offset when there is none.
    virtual std::int64_t offset_for_time(const std::string& topic, std::int32_t partition,
                                         std::int64_t timestamp) const = 0;
    // A Fetch long-poll waits for the next append to any partition: `wake` is called once, on the thread
    // that appended, after its locks are released. The id cancels the wait (when its timer ran out first).
    virtual std::uint64_t wait_for_append(std::function<void()> wake) = 0;
    virtual void cancel_wait(std::uint64_t id) = 0;

    // Consumer groups and committed offsets.
    virtual group_info create_group(const std::string& group, std::optional<std::string> description) = 0;
    virtual std::vector<group_info> list_groups() const = 0;
    virtual group_info get_group(const std::string& group) const = 0;
    virtual void update_group(const std::string& group, std::optional<std::string> description) = 0;
    virtual void delete_group(const std::string& group) = 0;
    // Sorted by topic, then partition.
    virtual std::vector<group_partition_offset> group_offsets(const std::string& group) const = 0;
    // Names of the groups with an offset committed on `topic`.
    virtual std::vector<std::string> subscribed_groups(const std::string& topic) const = 0;
    // Kafka OffsetCommit: the offset is stored as given (Kafka does not check it).
    virtual void commit_offset(const std::string& group, const std::string& topic, std::int32_t partition,
                               std::int64_t offset) = 0;
    // An empty `topic` means every topic the group has offsets on; `partition` may be all_partitions.
    virtual void reset_offsets(const std::string& group, const std::string& topic, std::int32_t partition,
                               const reset_target& target) = 0;

    // The Kafka group protocol, as the instance's group coordinator answers it (state/kafka/groups.hpp).
    // Replies come exactly once, maybe later and from another thread, with no lock held.
    virtual void join_group(join_group_request request, std::function<void(join_group_result)> reply) = 0;
    virtual void sync_group(sync_group_request request, std::function<void(sync_group_result)> reply) = 0;
    virtual kafka_error heartbeat(const std::string& group, const std::string& member_id,
                                  std::int32_t generation) = 0;
    // One error per member named.
    virtual std::vector<kafka_error> leave_group(const std::string& group,
                                                 const std::vector<std::string>& member_ids) = 0;
    // One error per entry: UNKNOWN_TOPIC_OR_PARTITION for a partition the cluster does not have, else the
    // group's answer (generation, member); the entries answered NONE are committed.
    virtual std::vector<kafka_error> commit_offsets(const std::string& group, const std::string& member_id,
                                                    std::int32_t generation,
                                                    const std::vector<offset_commit_entry>& entries) = 0;
    // Every committed offset (none for an unknown group), sorted by topic and partition.
    virtual std::vector<committed_entry> committed_offsets(const std::string& group) const = 0;
    virtual std::optional<kafka_group_view> describe_group(const std::string& group) const = 0;
    virtual std::vector<kafka_group_view> group_views() const = 0;  // sorted by id
    // Kafka DeleteGroups: NON_EMPTY_GROUP, GROUP_ID_NOT_FOUND or NONE.
    virtual kafka_error remove_group(const std::string& group) = 0;
    // The broker that coordinates the group (FindCoordinator, the REST coordinator_id).
    virtual std::int32_t coordinator(const std::string& group) const = 0;
    // For the metrics: completed rebalances and members now.
    virtual std::uint64_t group_rebalances() const = 0;
    virtual std::size_t group_members() const = 0;

    // Topics and retained messages, for the control plane's counts.
    virtual kafka_counts counts() const = 0;

    // The in-memory cluster, for what only it can do (fixtures, snapshots, restores); nullptr for any
    // other kind. Callers go through kafka_store::memory(), which answers errc::not_supported.
    virtual memory_cluster* in_memory() { return nullptr; }
};

}  // namespace emu::state
