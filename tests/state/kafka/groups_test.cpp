// kafka_store: consumer groups and committed offsets, lag, retention, topic updates and deletion, and what
// deleting a topic or an instance takes with it.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <thread>
#include <vector>

#include "state/errors.hpp"
#include "state/kafka/instances.hpp"
#include "tests/state/state_test_support.hpp"

namespace {

using namespace emu::state;
using emu::state::testing::fake_clock;
using emu::state::testing::fixture_message;
using emu::state::testing::start_ms;
using emu::state::testing::throws_errc;

constexpr std::int64_t hour_ms = 3'600'000;

class kafka_groups_test : public ::testing::Test {
  protected:
    void SetUp() override {
        instance_spec spec;
        spec.name = "kafka-1";
        instance = store.create_instance(project, spec).spec.instance_id;
        make_topic("orders", 3);
        make_topic("payments", 1);
        store.running_cluster(project, instance)->create_group("billing", std::nullopt);
    }

    void make_topic(const std::string& name, std::int32_t partitions, std::int32_t retention_hours = 72) {
        topic_spec spec;
        spec.name = name;
        spec.partition_count = partitions;
        spec.retention_hours = retention_hours;
        store.cluster(project, instance)->create_topic(spec);
    }

    void produce(const std::string& topic, std::int32_t partition, int count = 1) {
        for (int i = 0; i < count; ++i) {
            produce_request request;
            request.topic = topic;
            request.partition = partition;
            request.value = "v";
            store.running_cluster(project, instance)->produce(request);
        }
    }

    void reset(const std::string& topic, std::int32_t partition, std::optional<std::int64_t> offset,
               std::optional<std::int64_t> timestamp = std::nullopt, const std::string& group = "billing") {
        store.running_cluster(project, instance)
            ->reset_offsets(group, topic, partition, reset_target{offset, timestamp});
    }

    // (topic, partition, committed, lag) of every committed offset.
    std::vector<std::tuple<std::string, std::int32_t, std::int64_t, std::int64_t>> committed(
        const std::string& group = "billing") const {
        std::vector<std::tuple<std::string, std::int32_t, std::int64_t, std::int64_t>> out;
        for (const auto& row : store.cluster(project, instance)->group_offsets(group)) {
            out.emplace_back(row.topic, row.partition, row.committed, row.lag);
        }
        return out;
    }

    using rows = std::vector<std::tuple<std::string, std::int32_t, std::int64_t, std::int64_t>>;

    const std::string project = "0a1b2c3d4e5f60718293a4b5c6d7e8f9";
    fake_clock clock;
    kafka_store store{clock.fn()};
    std::string instance;
};

TEST_F(kafka_groups_test, a_new_group_is_empty_with_its_creation_time) {
    clock.advance(5);
    const auto created =
        store.running_cluster(project, instance)->create_group("audit", std::string("trail"));
    EXPECT_EQ(created.created_at, start_ms + 5);
    EXPECT_EQ(created.description, std::optional<std::string>("trail"));
    EXPECT_EQ(created.lag, 0);
    EXPECT_GE(created.coordinator_id, 0);
    EXPECT_LT(created.coordinator_id, 3);
    EXPECT_TRUE(store.cluster(project, instance)->group_offsets("audit").empty());
    const auto listed = store.cluster(project, instance)->list_groups();
    ASSERT_EQ(listed.size(), 2U);
    EXPECT_EQ(listed[0].group_id, "audit");
    EXPECT_EQ(listed[1].group_id, "billing");
}

TEST_F(kafka_groups_test, duplicates_and_unknown_groups_are_refused) {
    EXPECT_TRUE(
        throws_errc([&] { store.running_cluster(project, instance)->create_group("billing", std::nullopt); },
                    errc::group_exists));
    EXPECT_TRUE(
        throws_errc([&] { store.cluster(project, instance)->get_group("ghost"); }, errc::group_not_found));
    EXPECT_TRUE(throws_errc([&] { store.running_cluster(project, instance)->delete_group("ghost"); },
                            errc::group_not_found));
    EXPECT_TRUE(throws_errc([&] { store.running_cluster(project, instance)->update_group("ghost", "x"); },
                            errc::group_not_found));
    EXPECT_TRUE(throws_errc([&] { reset("orders", 0, 0, std::nullopt, "ghost"); }, errc::group_not_found));
    EXPECT_TRUE(throws_errc([&] { store.cluster(project, instance)->group_offsets("ghost"); },
                            errc::group_not_found));
    EXPECT_TRUE(throws_errc(
        [&] {
            store.running_cluster(project, "00000000-0000-4000-8000-000000000000")
                ->create_group("g", std::nullopt);
        },
        errc::instance_not_found));
}

TEST_F(kafka_groups_test, update_keeps_the_description_when_none_is_given) {
    store.running_cluster(project, instance)->update_group("billing", std::string("invoices"));
    store.running_cluster(project, instance)->update_group("billing", std::nullopt);
    EXPECT_EQ(store.cluster(project, instance)->get_group("billing").description,
              std::optional<std::string>("invoices"));
}

TEST_F(kafka_groups_test, reset_clamps_to_the_log_and_lag_follows_the_end) {
    produce("orders", 0, 5);
    produce("orders", 1, 1);
    reset("orders", all_partitions, 2);
    EXPECT_EQ(committed(), (rows{{"orders", 0, 2, 3}, {"orders", 1, 1, 0}, {"orders", 2, 0, 0}}));
    reset("orders", 0, 99);
    reset("orders", 1, -7);
    EXPECT_EQ(committed(), (rows{{"orders", 0, 5, 0}, {"orders", 1, 0, 1}, {"orders", 2, 0, 0}}));
    produce("orders", 0, 2);
    EXPECT_EQ(store.cluster(project, instance)->get_group("billing").lag, 3);
}

TEST_F(kafka_groups_test, reset_by_time_finds_the_first_message_at_or_after_it) {
    for (int i = 0; i < 4; ++i) {
        clock.set(start_ms + 1000 * (i + 1));
        produce("orders", 0);
    }
    reset("orders", 0, std::nullopt, start_ms + 2500);
    EXPECT_EQ(std::get<2>(committed()[0]), 2);
    reset("orders", 0, std::nullopt, 0);
    EXPECT_EQ(std::get<2>(committed()[0]), 0);
    reset("orders", 0, std::nullopt, start_ms + 10'000);
    EXPECT_EQ(std::get<2>(committed()[0]), 4);
}

TEST_F(kafka_groups_test, a_failed_reset_changes_nothing) {
    produce("orders", 0, 3);
    reset("orders", 0, 1);
    const auto before = committed();
    EXPECT_TRUE(throws_errc([&] { reset("refunds", 0, 0); }, errc::topic_not_found));
    EXPECT_TRUE(throws_errc([&] { reset("orders", 3, 0); }, errc::partition_not_found));
    EXPECT_EQ(committed(), before);
}

TEST_F(kafka_groups_test, an_empty_topic_resets_only_what_the_group_has_committed) {
    produce("orders", 0, 3);
    produce("payments", 0, 2);
    reset("orders", 0, 3);
    reset("payments", 0, 2);
    reset("", all_partitions, 0);
    EXPECT_EQ(committed(), (rows{{"orders", 0, 0, 3}, {"payments", 0, 0, 2}}));
}

TEST_F(kafka_groups_test, deleting_records_past_a_committed_offset_keeps_it_and_its_lag) {
    produce("orders", 0, 5);
    reset("orders", 0, 1);
    store.running_cluster(project, instance)->delete_records("orders", {{0, 4}});
    const auto row = store.cluster(project, instance)->group_offsets("billing").at(0);
    EXPECT_EQ(row.committed, 1);
    EXPECT_EQ(row.log_start, 4);
    EXPECT_EQ(row.log_end, 5);
    EXPECT_EQ(row.lag, 4);
}

TEST_F(kafka_groups_test, deleting_a_topic_drops_its_offsets_from_every_group) {
    store.running_cluster(project, instance)->create_group("audit", std::nullopt);
    produce("orders", 0, 2);
    reset("orders", all_partitions, 0);
    reset("payments", 0, 0);
    reset("orders", 0, 0, std::nullopt, "audit");
    EXPECT_EQ(store.cluster(project, instance)->subscribed_groups("orders"),
              (std::vector<std::string>{"audit", "billing"}));
    const auto results =
        store.running_cluster(project, instance)->delete_topics({"orders", "missing", "orders"});
    ASSERT_EQ(results.size(), 3U);
    EXPECT_TRUE(results[0].deleted);
    EXPECT_FALSE(results[1].deleted);
    EXPECT_FALSE(results[2].deleted);
    EXPECT_EQ(committed(), (rows{{"payments", 0, 0, 0}}));
    EXPECT_TRUE(committed("audit").empty());
    EXPECT_TRUE(
        throws_errc([&] { store.cluster(project, instance)->partitions("orders"); }, errc::topic_not_found));
    make_topic("orders", 1);
    EXPECT_EQ(store.cluster(project, instance)->partition("orders", 0).end_offset, 0)
        << "a new log, not the old one";
    EXPECT_TRUE(store.cluster(project, instance)->subscribed_groups("orders").empty());
}

TEST_F(kafka_groups_test, deleting_the_instance_takes_everything_with_it) {
    produce("orders", 0, 2);
    reset("orders", 0, 1);
    store.delete_instance(project, instance);
    EXPECT_TRUE(throws_errc([&] { store.get_instance(project, instance); }, errc::instance_not_found));
    EXPECT_TRUE(
        throws_errc([&] { store.cluster(project, instance)->list_groups(); }, errc::instance_not_found));
    EXPECT_TRUE(throws_errc([&] { store.cluster(project, instance)->partitions("orders"); },
                            errc::instance_not_found));
    EXPECT_TRUE(throws_errc([&] { store.delete_instance(project, instance); }, errc::instance_not_found));
    EXPECT_TRUE(store.list_instances(project).empty());
}

TEST_F(kafka_groups_test, a_busy_instance_cannot_be_deleted_and_a_stopped_one_refuses_group_changes) {
    instance_spec spec;
    spec.name = "creating";
    spec.status = "CREATING";
    const auto busy = store.create_instance(project, spec).spec.instance_id;
    EXPECT_TRUE(throws_errc([&] { store.delete_instance(project, busy); }, errc::instance_not_running));
    EXPECT_TRUE(throws_errc([&] { store.running_cluster(project, busy)->create_group("g", std::nullopt); },
                            errc::instance_not_running));
    EXPECT_EQ(store.get_instance(project, busy).spec.status, "CREATING");
}

// ---- retention ---------------------------------------------------------------------------------------

TEST_F(kafka_groups_test, messages_older_than_the_retention_leave_the_log_from_its_start) {
    make_topic("short", 1, 1);
    produce("short", 0);  // appended at start_ms
    clock.advance(30 * 60'000);
    produce("short", 0);            // 30 minutes later
    clock.set(start_ms + hour_ms);  // exactly one hour: still retained
    EXPECT_EQ(store.cluster(project, instance)->partition("short", 0).start_offset, 0);
    clock.advance(1);
    auto p = store.cluster(project, instance)->partition("short", 0);
    EXPECT_EQ(p.start_offset, 1);
    EXPECT_EQ(p.end_offset, 2);
    EXPECT_FALSE(store.cluster(project, instance)->message_at("short", 0, 0).has_value());
    EXPECT_TRUE(store.cluster(project, instance)->message_at("short", 0, 1).has_value());
    clock.advance(hour_ms);
    p = store.cluster(project, instance)->partition("short", 0);
    EXPECT_EQ(p.start_offset, 2);
    EXPECT_EQ(p.first_timestamp, 0);
    EXPECT_TRUE(store.cluster(project, instance)->messages("short", {}).empty());
    EXPECT_EQ(store.cluster(project, instance)->partitions("short")[0].start_offset, 2);
}

TEST_F(kafka_groups_test, retention_counts_from_when_a_message_entered_the_log_not_its_timestamp) {
    partition_content content;
    content.partition = 0;
    content.messages.push_back(fixture_message("old", 1'000));
    store.memory(project, instance).load_partition("payments", content);
    EXPECT_TRUE(store.cluster(project, instance)->message_at("payments", 0, 0).has_value());
    clock.advance(72 * hour_ms + 1);
    EXPECT_FALSE(store.cluster(project, instance)->message_at("payments", 0, 0).has_value());
}

TEST_F(kafka_groups_test, shortening_the_retention_expires_messages_at_once) {
    produce("orders", 0, 2);
    clock.advance(2 * hour_ms);
    topic_update update;
    update.name = "orders";
    update.retention_hours = 1;
    store.running_cluster(project, instance)->update_topics({update});
    EXPECT_EQ(store.cluster(project, instance)->partition("orders", 0).start_offset, 2);
    EXPECT_EQ(store.cluster(project, instance)->get_topic("orders").retention_hours, 1);
}

// ---- topic updates and message queries ------------------------------------------------------------------

TEST_F(kafka_groups_test, updates_grow_partitions_and_are_all_or_nothing) {
    topic_update grow;
    grow.name = "orders";
    grow.partition_count = 5;
    grow.description = "d";
    grow.other_configs = {{"max.message.bytes", "1024"}};
    topic_update shrink;
    shrink.name = "payments";
    shrink.partition_count = 0;
    EXPECT_TRUE(throws_errc(
        [&] {
            store.running_cluster(project, instance)->update_topics({grow, shrink});
        },
        errc::partition_count_decrease));
    EXPECT_EQ(store.cluster(project, instance)->get_topic("orders").partition_count, 3);
    topic_update unknown;
    unknown.name = "refunds";
    EXPECT_TRUE(throws_errc(
        [&] {
            store.running_cluster(project, instance)->update_topics({grow, unknown});
        },
        errc::topic_not_found));
    topic_update huge;
    huge.name = "payments";
    huge.partition_count = 296;
    EXPECT_TRUE(throws_errc(
        [&] {
            store.running_cluster(project, instance)->update_topics({grow, huge});
        },
        errc::partition_quota_exceeded));
    EXPECT_EQ(store.cluster(project, instance)->get_topic("orders").partition_count, 3);

    store.running_cluster(project, instance)->update_topics({grow});
    const auto orders = store.cluster(project, instance)->get_topic("orders");
    EXPECT_EQ(orders.partition_count, 5);
    EXPECT_EQ(orders.description, "d");
    ASSERT_EQ(orders.other_configs.size(), 1U);
    EXPECT_EQ(orders.other_configs[0].value, "1024");
    EXPECT_EQ(store.cluster(project, instance)->partitions("orders").size(), 5U);
    produce("orders", 4);
    EXPECT_EQ(store.cluster(project, instance)->partition("orders", 4).end_offset, 1);
}

TEST_F(kafka_groups_test, message_queries_filter_by_partition_and_time) {
    clock.set(start_ms + 10);
    produce("orders", 0);
    clock.set(start_ms + 20);
    produce("orders", 1);
    clock.set(start_ms + 30);
    produce("orders", 0);
    EXPECT_EQ(store.cluster(project, instance)->messages("orders", {}).size(), 3U);
    const auto only_zero =
        store.cluster(project, instance)->messages("orders", {0, std::nullopt, std::nullopt});
    ASSERT_EQ(only_zero.size(), 2U);
    EXPECT_EQ(only_zero[1].message.offset, 1);
    const auto window =
        store.cluster(project, instance)->messages("orders", {std::nullopt, start_ms + 15, start_ms + 25});
    ASSERT_EQ(window.size(), 1U);
    EXPECT_EQ(window[0].partition, 1);
    EXPECT_TRUE(throws_errc(
        [&] {
            store.cluster(project, instance)->messages("orders", {7, std::nullopt, std::nullopt});
        },
        errc::partition_not_found));
}

// Resets, reads, produces, deletions and topic updates on one instance at once: no deadlock, and lag never
// goes negative (a reset clamps to the end, and ends only grow).
TEST_F(kafka_groups_test, groups_stay_consistent_under_concurrent_use) {
    constexpr int rounds = 300;
    std::vector<std::thread> threads;
    threads.emplace_back([&] {
        for (int i = 0; i < rounds; ++i) produce("orders", i % 3);
    });
    threads.emplace_back([&] {
        for (int i = 0; i < rounds; ++i) reset("orders", all_partitions, INT64_MAX);
    });
    threads.emplace_back([&] {
        for (int i = 0; i < rounds; ++i)
            store.running_cluster(project, instance)->delete_records("orders", {{0, delete_to_end}});
    });
    threads.emplace_back([&] {
        for (int i = 0; i < rounds; ++i) {
            for (const auto& group : store.cluster(project, instance)->list_groups()) EXPECT_GE(group.lag, 0);
            for (const auto& row : store.cluster(project, instance)->group_offsets("billing")) {
                EXPECT_LE(row.log_start, row.log_end);
                EXPECT_GE(row.lag, 0);
            }
        }
    });
    threads.emplace_back([&] {
        for (int i = 0; i < 20; ++i) {
            topic_update grow;
            grow.name = "payments";
            grow.partition_count = 1 + i;
            store.running_cluster(project, instance)->update_topics({grow});
            reset("payments", all_partitions, 0);
        }
    });
    for (auto& thread : threads) thread.join();
    EXPECT_EQ(store.cluster(project, instance)->partitions("payments").size(), 20U);
    EXPECT_EQ(store.cluster(project, instance)->get_group("billing").lag,
              store.cluster(project, instance)->partition("orders", 0).end_offset -
                  store.cluster(project, instance)->group_offsets("billing")[0].committed +
                  store.cluster(project, instance)->partition("orders", 1).end_offset -
                  store.cluster(project, instance)->group_offsets("billing")[1].committed +
                  store.cluster(project, instance)->partition("orders", 2).end_offset -
                  store.cluster(project, instance)->group_offsets("billing")[2].committed);
}

}  // namespace
