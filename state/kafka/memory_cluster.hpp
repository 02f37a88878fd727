#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <utility>
#include <vector>

#include "state/clock.hpp"
#include "state/kafka/cluster.hpp"
#include "state/log_extent.hpp"
#include "state/storage_budget.hpp"

namespace emu::state {

class reclaimer;

// The Kafka cluster of one instance, in memory: topics -> partition logs, and consumer groups. Each
// partition log has its own lock, so producers on one partition never wait for deletes on another.
// Lock order: mutex_ (topics) -> a topic's mutex -> partition logs, in ascending order; the group
// coordinator's lock is taken alone.
class memory_cluster final : public kafka_cluster {
  public:
    // Messages are charged to `budget`; records cut off by DeleteRecords are freed by `freer`; the group
    // coordinator's timeouts run on `timers` (none: they never fire).
    memory_cluster(clock_fn clock, std::shared_ptr<storage_budget> budget, std::shared_ptr<reclaimer> freer,
                   cluster_limits limits, std::shared_ptr<timer_service> timers = nullptr);
    ~memory_cluster() override;
    memory_cluster(const memory_cluster&) = delete;
    memory_cluster& operator=(const memory_cluster&) = delete;

    topic_spec create_topic(topic_spec spec) override;
    void check_create_topic(const topic_spec& spec) const override;
    std::vector<topic_spec> list_topics() const override;
    topic_spec get_topic(const std::string& topic) const override;
    void update_topics(const std::vector<topic_update>& updates) override;
    void check_update_topics(const std::vector<topic_update>& updates) const override;
    std::vector<topic_deletion> delete_topics(const std::vector<std::string>& names) override;
    std::int32_t used_partitions() const override;

    produce_result produce(const produce_request& request) override;
    std::vector<delete_records_result> delete_records(
        const std::string& topic, const std::vector<delete_records_entry>& entries) override;
    std::vector<partition_state> partitions(const std::string& topic) const override;
    partition_state partition(const std::string& topic, std::int32_t partition) const override;
    std::optional<kafka_message> message_at(const std::string& topic, std::int32_t partition,
                                            std::int64_t offset) const override;
    std::vector<stored_message> messages(const std::string& topic,
                                         const message_filter& filter) const override;
    append_result append(const std::string& topic, std::int32_t partition, const producer_batch& batch,
                         bool log_append_time) override;
    partition_read read(const std::string& topic, std::int32_t partition, std::int64_t offset,
                        std::size_t max_bytes) const override;
    std::int64_t offset_for_time(const std::string& topic, std::int32_t partition,
                                 std::int64_t timestamp) const override;
    std::uint64_t wait_for_append(std::function<void()> wake) override;
    void cancel_wait(std::uint64_t id) override;

    group_info create_group(const std::string& group, std::optional<std::string> description) override;
    std::vector<group_info> list_groups() const override;
    group_info get_group(const std::string& group) const override;
    void update_group(const std::string& group, std::optional<std::string> description) override;
    void delete_group(const std::string& group) override;
    std::vector<group_partition_offset> group_offsets(const std::string& group) const override;
    std::vector<std::string> subscribed_groups(const std::string& topic) const override;
    void commit_offset(const std::string& group, const std::string& topic, std::int32_t partition,
                       std::int64_t offset) override;
    void reset_offsets(const std::string& group, const std::string& topic, std::int32_t partition,
                       const reset_target& target) override;

    void join_group(join_group_request request, std::function<void(join_group_result)> reply) override;
    void sync_group(sync_group_request request, std::function<void(sync_group_result)> reply) override;
    kafka_error heartbeat(const std::string& group, const std::string& member_id,
                          std::int32_t generation) override;
    std::vector<kafka_error> leave_group(const std::string& group,
                                         const std::vector<std::string>& member_ids) override;
    std::vector<kafka_error> commit_offsets(const std::string& group, const std::string& member_id,
                                            std::int32_t generation,
                                            const std::vector<offset_commit_entry>& entries) override;
    std::vector<committed_entry> committed_offsets(const std::string& group) const override;
    std::optional<kafka_group_view> describe_group(const std::string& group) const override;
    std::vector<kafka_group_view> group_views() const override;
    kafka_error remove_group(const std::string& group) override;
    std::int32_t coordinator(const std::string& group) const override;
    std::uint64_t group_rebalances() const override;
    std::size_t group_members() const override;

    kafka_counts counts() const override;

    memory_cluster* in_memory() override { return this; }

    // What only the in-memory cluster can do.

    // Replaces an (empty) partition's content; used by fixtures.
    void load_partition(const std::string& topic, partition_content content);
    // Creates a group as a snapshot describes it (creation time, committed offsets stored as given). Each
    // offset's topic and partition must exist.
    void restore_group(const group_snapshot& group);
    // Topics sorted by name, each partition copied under its own lock after retention is applied; groups
    // sorted by name.
    std::vector<topic_snapshot> snapshot_topics(bool with_messages = true) const;
    std::vector<group_snapshot> snapshot_groups() const;
    // --data-dir: every partition log, named `prefix` + (topic, partition), by topic name and partition.
    // With `changed`, only the logs it accepts.
    void log_extents(const std::vector<std::string>& prefix, std::vector<log_extent>& out,
                     const log_filter* changed = nullptr) const;

    struct topic;

  private:
    // Caller holds mutex_.
    std::shared_ptr<topic> find_topic_locked(const std::string& name) const;
    std::shared_ptr<topic> find_topic(const std::string& name) const;
    // Caller holds mutex_.
    std::int32_t used_partitions_locked() const;
    // create_topic's and update_topics' checks, under mutex_ (either mode); update's gives the topics.
    void check_create_locked(const topic_spec& spec) const;
    std::vector<std::shared_ptr<topic>> check_updates_locked(const std::vector<topic_update>& updates) const;
    group_info info_of(const kafka_group_view& view) const;
    std::vector<group_partition_offset> offset_rows(const std::vector<committed_entry>& committed) const;

    clock_fn clock_;
    std::shared_ptr<storage_budget> budget_;
    std::shared_ptr<reclaimer> reclaimer_;
    cluster_limits limits_;
    mutable std::shared_mutex mutex_;  // guards topics_ (the map, not the topics in them)
    std::map<std::string, std::shared_ptr<topic>> topics_;
    // Groups and their offsets, under their own lock, never taken with mutex_ or a topic's.
    std::shared_ptr<group_coordinator> groups_;

    // Wakes the waiting fetches; called after an append, with no lock held.
    void wake_waiters();
    std::mutex waiters_mutex_;  // guards waiters_ and next_wait_; taken alone
    std::map<std::uint64_t, std::function<void()>> waiters_;
    std::uint64_t next_wait_ = 1;
};

}  // namespace emu::state
