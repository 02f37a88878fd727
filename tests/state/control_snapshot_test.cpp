// What the control plane asks of the stores: snapshots, counts, per-project reset, restores and swaps.
// Time comes only from the fake clock.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "state/errors.hpp"
#include "state/state.hpp"
#include "tests/state/state_test_support.hpp"

namespace {

using namespace emu::state;
using emu::state::testing::fake_clock;
using emu::state::testing::start_ms;
using emu::state::testing::throws_errc;

const std::string project = "0123456789abcdef0123456789abcdef";
const std::string other = "fedcba9876543210fedcba9876543210";

instance_spec instance_named(const std::string& name) {
    instance_spec spec;
    spec.name = name;
    spec.available_zones = {"az-1"};
    return spec;
}

topic_spec topic_named(const std::string& name, std::int32_t partitions) {
    topic_spec spec;
    spec.name = name;
    spec.partition_count = partitions;
    return spec;
}

stream_spec stream_named(const std::string& name, std::int32_t partitions) {
    stream_spec spec;
    spec.stream_name = name;
    spec.partition_count = partitions;
    return spec;
}

record_input to_partition(std::int32_t partition) {
    record_input r;
    r.partition = partition;
    r.data = "ZGF0YQ==";
    return r;
}

class control_snapshot : public ::testing::Test {
  protected:
    void SetUp() override {
        instance_ = st_.kafka.create_instance(project, instance_named("emu-kafka-01")).spec.instance_id;
        st_.kafka.cluster(project, instance_)->create_topic(topic_named("orders", 2));
        for (int i = 0; i < 3; ++i)
            st_.kafka.running_cluster(project, instance_)->produce({"orders", 0, "k", "v", {}});
        st_.kafka.running_cluster(project, instance_)->delete_records("orders", {{0, 1}});
        st_.kafka.running_cluster(project, instance_)->create_group("billing", "pays");
        st_.kafka.cluster(project, instance_)->commit_offset("billing", "orders", 1, 0);
        st_.dis.create_stream(other, stream_named("clicks", 2));
        st_.dis.put_records(other, "clicks", {to_partition(0), to_partition(1), to_partition(1)});
        st_.dis.create_app(other, {"billing", "", std::nullopt});
        st_.dis.commit_checkpoint(other, {"billing", "clicks", 1, "LAST_READ"}, 2, "m");
    }

    fake_clock clock_;
    state st_{clock_.fn()};
    std::string instance_;
};

TEST_F(control_snapshot, counts_every_kind_of_entity_and_distinct_projects) {
    const auto counts = st_.counts();
    EXPECT_EQ(counts.projects, 2);
    EXPECT_EQ(counts.kafka.instances, 1);
    EXPECT_EQ(counts.kafka.topics, 1);
    EXPECT_EQ(counts.kafka.messages, 2);
    EXPECT_EQ(counts.dis.streams, 1);
    EXPECT_EQ(counts.dis.records, 3);
    EXPECT_EQ(counts.dis.apps, 1);
    EXPECT_EQ(counts.dis.checkpoints, 1);
}

TEST_F(control_snapshot, a_project_emptied_through_the_api_is_not_counted_or_exported) {
    st_.kafka.delete_instance(project, instance_);
    EXPECT_EQ(st_.counts().projects, 1);
    EXPECT_TRUE(st_.kafka.snapshot().empty());
    EXPECT_TRUE(st_.kafka.project_ids().empty());
}

TEST_F(control_snapshot, kafka_snapshot_has_log_starts_messages_and_groups) {
    const auto projects = st_.kafka.snapshot();
    ASSERT_EQ(projects.size(), 1U);
    ASSERT_EQ(projects[0].instances.size(), 1U);
    const auto& inst = projects[0].instances[0];
    ASSERT_EQ(inst.topics.size(), 1U);
    const auto& partitions = inst.topics[0].partitions;
    ASSERT_EQ(partitions.size(), 2U);
    EXPECT_EQ(partitions[0].log_start_offset, 1);
    ASSERT_EQ(partitions[0].messages.size(), 2U);
    EXPECT_EQ(partitions[0].messages[0].offset, 1);
    EXPECT_EQ(partitions[0].messages[0].appended_ms, start_ms);
    ASSERT_EQ(inst.groups.size(), 1U);
    EXPECT_EQ(inst.groups[0].description, "pays");
    ASSERT_EQ(inst.groups[0].offsets.size(), 1U);
    EXPECT_EQ(inst.groups[0].offsets[0].partition, 1);
    EXPECT_TRUE(st_.kafka.snapshot(other).empty());
}

TEST_F(control_snapshot, reset_project_forgets_one_project_in_both_stores) {
    st_.reset_project(other);
    EXPECT_EQ(st_.dis.counts().streams, 0);
    EXPECT_EQ(st_.kafka.counts().instances, 1);
    st_.reset_project(project);
    EXPECT_EQ(st_.counts().projects, 0);
}

TEST_F(control_snapshot, swap_exchanges_everything_and_old_handles_stay_harmless) {
    state scratch(clock_.fn());
    scratch.dis.create_stream(project, stream_named("fresh", 1));
    st_.swap_contents(scratch);
    EXPECT_EQ(st_.counts().projects, 1);
    EXPECT_EQ(st_.dis.get_stream(project, "fresh").spec.partition_count, 1);
    EXPECT_TRUE(throws_errc([&] { st_.kafka.get_instance(project, instance_); }, errc::instance_not_found));
    EXPECT_EQ(scratch.counts().kafka.messages, 2);
}

TEST_F(control_snapshot, restored_stream_keeps_sequence_numbers_cut_partitions_and_history) {
    st_.dis.update_partition_count(other, "clicks", 1);
    clock_.advance(1000);
    auto snapshot = st_.dis.snapshot(other).at(0).streams.at(0);
    ASSERT_EQ(snapshot.partitions.size(), 2U);
    EXPECT_EQ(snapshot.partitions[1].status, dis_partition_status::deleted);
    EXPECT_EQ(snapshot.partitions[1].hash_slices, 2);

    state copy(clock_.fn());
    snapshot.partitions[0].earliest = 7;  // as if retention had dropped seven records
    copy.dis.restore_stream(project, snapshot);
    const auto info = copy.dis.get_stream(project, "clicks");
    EXPECT_EQ(info.spec.stream_id, snapshot.spec.stream_id);
    EXPECT_EQ(info.partitions[0].earliest, 7);
    EXPECT_EQ(info.partitions[0].next, 8);
    EXPECT_EQ(info.partitions[1].status, dis_partition_status::deleted);
    EXPECT_EQ(info.partitions[1].hash_slices, 2);
    EXPECT_EQ(info.partitions[1].next, 2);
    EXPECT_EQ(info.update_partition_counts.size(), 1U);
    EXPECT_TRUE(throws_errc([&] { copy.dis.restore_stream(project, snapshot); }, errc::stream_exists));
}

TEST_F(control_snapshot, restored_checkpoint_may_lie_before_earliest_but_not_past_next) {
    auto snapshot = st_.dis.snapshot(other).at(0).streams.at(0);
    snapshot.partitions[1].earliest = 5;
    state copy(clock_.fn());
    copy.dis.restore_stream(project, snapshot);
    copy.dis.create_app(project, {"billing", "", std::nullopt});
    copy.dis.restore_checkpoint(project, {"billing", "clicks", 1, "LAST_READ"}, {1, "old"});
    EXPECT_EQ(copy.dis.get_checkpoint(project, {"billing", "clicks", 1, "LAST_READ"})->sequence_number, 1);
    EXPECT_TRUE(throws_errc(
        [&] {
            copy.dis.restore_checkpoint(project, {"billing", "clicks", 1, "LAST_READ"}, {8, ""});
        },
        errc::sequence_number_out_of_range));
    EXPECT_TRUE(throws_errc(
        [&] {
            copy.dis.restore_checkpoint(project, {"billing", "clicks", 9, "LAST_READ"}, {0, ""});
        },
        errc::partition_not_found));
    EXPECT_TRUE(throws_errc(
        [&] {
            copy.dis.restore_checkpoint(project, {"nobody", "clicks", 1, "LAST_READ"}, {0, ""});
        },
        errc::app_not_found));
}

TEST_F(control_snapshot, restored_group_keeps_its_creation_time_on_a_stopped_instance) {
    instance_spec stopped = instance_named("emu-kafka-02");
    stopped.status = "FROZEN";
    const auto id = st_.kafka.create_instance(project, stopped).spec.instance_id;
    st_.kafka.cluster(project, id)->create_topic(topic_named("t1", 1));
    st_.kafka.memory(project, id).restore_group({"g", std::nullopt, 42, {{"t1", 0, 5}}});
    const auto group = st_.kafka.cluster(project, id)->get_group("g");
    EXPECT_EQ(group.created_at, 42);
    EXPECT_EQ(st_.kafka.cluster(project, id)->group_offsets("g").at(0).committed, 5);
    EXPECT_TRUE(throws_errc(
        [&] {
            st_.kafka.memory(project, id).restore_group({"g", std::nullopt, 1, {}});
        },
        errc::group_exists));
    EXPECT_TRUE(throws_errc(
        [&] {
            st_.kafka.memory(project, id).restore_group({"h", std::nullopt, 1, {{"t1", 3, 0}}});
        },
        errc::partition_not_found));
    EXPECT_TRUE(st_.kafka.erase_instance(project, id));
    EXPECT_FALSE(st_.kafka.erase_instance(project, id));
}

}  // namespace
