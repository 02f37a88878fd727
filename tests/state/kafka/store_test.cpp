#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "state/errors.hpp"
#include "state/hashing.hpp"
#include "state/kafka/instances.hpp"
#include "tests/state/state_test_support.hpp"

namespace {

using namespace emu::state;
using emu::state::testing::fake_clock;
using emu::state::testing::fixture_message;
using emu::state::testing::start_ms;
using emu::state::testing::thrown_error;
using emu::state::testing::throws_errc;

constexpr auto success = delete_records_status::success;
constexpr auto out_of_range = delete_records_status::offset_out_of_range;
constexpr auto unknown_partition = delete_records_status::unknown_partition;

class kafka_store_test : public ::testing::Test {
  protected:
    const std::string project = "0a1b2c3d4e5f60718293a4b5c6d7e8f9";
    const std::string other_project = "ffffffffffffffffffffffffffffffff";

    fake_clock clock;
    kafka_store store{clock.fn()};

    instance_info create_named(const std::string& name) {
        instance_spec spec;
        spec.name = name;
        return store.create_instance(project, spec);
    }

    std::string make_instance(const std::string& name, std::string status = "RUNNING",
                              std::int32_t broker_num = 3, const std::string& in_project = "") {
        instance_spec spec;
        spec.name = name;
        spec.status = std::move(status);
        spec.broker_num = broker_num;
        return store.create_instance(in_project.empty() ? project : in_project, spec).spec.instance_id;
    }

    topic_spec make_topic(const std::string& instance_id, const std::string& name,
                          std::int32_t partitions = 3, std::int32_t replication = 3) {
        topic_spec spec;
        spec.name = name;
        spec.partition_count = partitions;
        spec.replication = replication;
        return store.cluster(project, instance_id)->create_topic(spec);
    }

    produce_result produce_to(const std::string& instance_id, const std::string& topic,
                              std::int32_t partition, const std::string& value) {
        produce_request request;
        request.topic = topic;
        request.partition = partition;
        request.value = value;
        return store.running_cluster(project, instance_id)->produce(request);
    }

    std::vector<delete_records_result> delete_records(const std::string& instance_id,
                                                      const std::string& topic,
                                                      const std::vector<delete_records_entry>& entries) {
        return store.running_cluster(project, instance_id)->delete_records(topic, entries);
    }
};

void expect_result(const delete_records_result& actual, std::int32_t partition, delete_records_status status,
                   std::int64_t low_watermark) {
    EXPECT_EQ(actual.partition, partition);
    EXPECT_EQ(actual.status, status);
    EXPECT_EQ(actual.low_watermark, low_watermark);
}

void expect_same_state(const partition_state& actual, const partition_state& expected) {
    EXPECT_EQ(actual.partition, expected.partition);
    EXPECT_EQ(actual.start_offset, expected.start_offset);
    EXPECT_EQ(actual.end_offset, expected.end_offset);
    EXPECT_EQ(actual.last_update_ms, expected.last_update_ms);
    EXPECT_EQ(actual.first_timestamp, expected.first_timestamp);
    EXPECT_EQ(actual.last_timestamp, expected.last_timestamp);
}

// ---------------------------------------------------------------------------------------------------
// Instances

TEST_F(kafka_store_test, create_instance_assigns_uuid_and_creation_time) {
    const auto info = create_named("kafka-1");
    EXPECT_EQ(info.spec.instance_id.size(), 36u);
    EXPECT_EQ(std::count(info.spec.instance_id.begin(), info.spec.instance_id.end(), '-'), 4);
    ASSERT_TRUE(info.spec.created_at.has_value());
    EXPECT_EQ(*info.spec.created_at, start_ms);
    EXPECT_EQ(info.spec.name, "kafka-1");
    EXPECT_EQ(info.spec.status, "RUNNING");
}

TEST_F(kafka_store_test, create_instance_keeps_given_id_and_creation_time) {
    instance_spec spec;
    spec.instance_id = "6f1e0000-0000-4000-8000-000000000001";
    spec.name = "kafka-1";
    spec.created_at = 42;
    const auto info = store.create_instance(project, spec);
    EXPECT_EQ(info.spec.instance_id, "6f1e0000-0000-4000-8000-000000000001");
    EXPECT_EQ(info.spec.created_at, std::optional<std::int64_t>{42});
}

TEST_F(kafka_store_test, instance_partition_limits_follow_broker_count_and_topics) {
    const auto id = make_instance("kafka-1", "RUNNING", 5);
    EXPECT_EQ(store.get_instance(project, id).max_partitions, 500);
    EXPECT_EQ(store.get_instance(project, id).used_partitions, 0);
    make_topic(id, "a", 3);
    make_topic(id, "b", 7);
    EXPECT_EQ(store.get_instance(project, id).used_partitions, 10);
}

TEST_F(kafka_store_test, get_instance_returns_what_was_created) {
    instance_spec spec;
    spec.name = "kafka-1";
    spec.description = "desc";
    spec.engine_version = "2.7";
    spec.broker_num = 3;
    spec.available_zones = {"az1", "az2"};
    const auto created = store.create_instance(project, spec);
    const auto got = store.get_instance(project, created.spec.instance_id);
    EXPECT_EQ(got.spec.instance_id, created.spec.instance_id);
    EXPECT_EQ(got.spec.name, "kafka-1");
    EXPECT_EQ(got.spec.description, "desc");
    EXPECT_EQ(got.spec.engine_version, "2.7");
    EXPECT_EQ(got.spec.available_zones, (std::vector<std::string>{"az1", "az2"}));
    EXPECT_EQ(got.spec.created_at, created.spec.created_at);
}

TEST_F(kafka_store_test, get_unknown_instance_is_instance_not_found_with_its_id) {
    make_instance("kafka-1");
    const auto e = thrown_error([&] { store.get_instance(project, "no-such-id"); });
    ASSERT_TRUE(e.has_value());
    EXPECT_EQ(e->code(), errc::instance_not_found);
    EXPECT_EQ(e->facts(), (error_facts{.name = "no-such-id"}));
}

TEST_F(kafka_store_test, instance_is_not_visible_from_another_project) {
    const auto id = make_instance("kafka-1");
    EXPECT_TRUE(throws_errc([&] { store.get_instance(other_project, id); }, errc::instance_not_found));
    EXPECT_TRUE(store.list_instances(other_project).empty());
    EXPECT_TRUE(throws_errc([&] { store.delete_instance(other_project, id); }, errc::instance_not_found));
    EXPECT_NO_THROW(store.get_instance(project, id));
}

TEST_F(kafka_store_test, duplicate_instance_name_is_instance_name_exists) {
    make_instance("kafka-1");
    const auto e = thrown_error([&] { make_instance("kafka-1"); });
    ASSERT_TRUE(e.has_value());
    EXPECT_EQ(e->code(), errc::instance_name_exists);
    EXPECT_EQ(e->facts(), (error_facts{.name = "kafka-1"}));
    EXPECT_EQ(store.list_instances(project).size(), 1u);
}

TEST_F(kafka_store_test, same_instance_name_in_another_project_is_allowed) {
    make_instance("kafka-1");
    EXPECT_NO_THROW(make_instance("kafka-1", "RUNNING", 3, other_project));
    EXPECT_EQ(store.list_instances(other_project).size(), 1u);
}

TEST_F(kafka_store_test, list_instances_returns_newest_first) {
    const auto first = make_instance("first");
    clock.advance(1000);
    const auto second = make_instance("second");
    clock.advance(1000);
    const auto third = make_instance("third");
    const auto listed = store.list_instances(project);
    ASSERT_EQ(listed.size(), 3u);
    EXPECT_EQ(listed[0].spec.instance_id, third);
    EXPECT_EQ(listed[1].spec.instance_id, second);
    EXPECT_EQ(listed[2].spec.instance_id, first);
}

TEST_F(kafka_store_test, list_instances_of_unknown_project_is_empty) {
    EXPECT_TRUE(store.list_instances("nobody").empty());
}

TEST_F(kafka_store_test, delete_instance_removes_it) {
    const auto keep = make_instance("keep");
    const auto gone = make_instance("gone");
    store.delete_instance(project, gone);
    EXPECT_TRUE(throws_errc([&] { store.get_instance(project, gone); }, errc::instance_not_found));
    const auto listed = store.list_instances(project);
    ASSERT_EQ(listed.size(), 1u);
    EXPECT_EQ(listed[0].spec.instance_id, keep);
}

TEST_F(kafka_store_test, delete_unknown_instance_is_instance_not_found) {
    const auto id = make_instance("kafka-1");
    store.delete_instance(project, id);
    const auto e = thrown_error([&] { store.delete_instance(project, id); });
    ASSERT_TRUE(e.has_value());
    EXPECT_EQ(e->code(), errc::instance_not_found);
    EXPECT_EQ(e->facts(), (error_facts{.name = id}));
}

TEST_F(kafka_store_test, deleted_instance_name_can_be_reused) {
    const auto id = make_instance("kafka-1");
    store.delete_instance(project, id);
    EXPECT_NO_THROW(make_instance("kafka-1"));
}

// ---------------------------------------------------------------------------------------------------
// Topics

TEST_F(kafka_store_test, create_topic_returns_spec_with_creation_time) {
    const auto id = make_instance("kafka-1");
    clock.advance(5);
    const auto created = make_topic(id, "orders", 6, 2);
    EXPECT_EQ(created.name, "orders");
    EXPECT_EQ(created.partition_count, 6);
    EXPECT_EQ(created.replication, 2);
    EXPECT_EQ(created.created_at, std::optional<std::int64_t>{start_ms + 5});
    const auto parts = store.cluster(project, id)->partitions("orders");
    ASSERT_EQ(parts.size(), 6u);
    for (std::int32_t i = 0; i < 6; ++i) {
        EXPECT_EQ(parts[static_cast<std::size_t>(i)].partition, i);
        EXPECT_EQ(parts[static_cast<std::size_t>(i)].start_offset, 0);
        EXPECT_EQ(parts[static_cast<std::size_t>(i)].end_offset, 0);
        EXPECT_EQ(parts[static_cast<std::size_t>(i)].last_update_ms, start_ms + 5);
        EXPECT_EQ(parts[static_cast<std::size_t>(i)].first_timestamp, 0);
        EXPECT_EQ(parts[static_cast<std::size_t>(i)].last_timestamp, 0);
    }
}

TEST_F(kafka_store_test, list_topics_returns_topics_by_name) {
    const auto id = make_instance("kafka-1");
    make_topic(id, "zeta", 1);
    make_topic(id, "alpha", 2);
    const auto topics = store.cluster(project, id)->list_topics();
    ASSERT_EQ(topics.size(), 2u);
    EXPECT_EQ(topics[0].name, "alpha");
    EXPECT_EQ(topics[0].partition_count, 2);
    EXPECT_EQ(topics[1].name, "zeta");
}

TEST_F(kafka_store_test, duplicate_topic_is_topic_exists) {
    const auto id = make_instance("kafka-1");
    make_topic(id, "orders", 3);
    const auto e = thrown_error([&] { make_topic(id, "orders", 5); });
    ASSERT_TRUE(e.has_value());
    EXPECT_EQ(e->code(), errc::topic_exists);
    EXPECT_EQ(e->facts(), (error_facts{.name = "orders"}));
    EXPECT_EQ(store.cluster(project, id)->list_topics()[0].partition_count, 3);
}

TEST_F(kafka_store_test, replication_above_broker_count_is_replication_exceeds_brokers) {
    const auto id = make_instance("kafka-1", "RUNNING", 3);
    const auto e = thrown_error([&] { make_topic(id, "orders", 3, 4); });
    ASSERT_TRUE(e.has_value());
    EXPECT_EQ(e->code(), errc::replication_exceeds_brokers);
    EXPECT_EQ(e->facts(), (error_facts{.limit = 3}));
    EXPECT_TRUE(store.cluster(project, id)->list_topics().empty());
}

TEST_F(kafka_store_test, replication_equal_to_broker_count_is_allowed) {
    const auto id = make_instance("kafka-1", "RUNNING", 3);
    EXPECT_NO_THROW(make_topic(id, "orders", 3, 3));
}

TEST_F(kafka_store_test, partitions_up_to_broker_num_times_100_are_allowed) {
    const auto id = make_instance("kafka-1", "RUNNING", 1);
    make_topic(id, "a", 60, 1);
    EXPECT_NO_THROW(make_topic(id, "b", 40, 1));
    EXPECT_EQ(store.get_instance(project, id).used_partitions, 100);
}

TEST_F(kafka_store_test, partitions_beyond_quota_is_partition_quota_exceeded) {
    const auto id = make_instance("kafka-1", "RUNNING", 1);
    make_topic(id, "a", 100, 1);
    const auto e = thrown_error([&] { make_topic(id, "b", 1, 1); });
    ASSERT_TRUE(e.has_value());
    EXPECT_EQ(e->code(), errc::partition_quota_exceeded);
    EXPECT_EQ(e->facts(), (error_facts{.limit = 100}));
    EXPECT_EQ(store.cluster(project, id)->list_topics().size(), 1u);
    EXPECT_EQ(store.get_instance(project, id).used_partitions, 100);
}

TEST_F(kafka_store_test, single_topic_larger_than_quota_is_partition_quota_exceeded) {
    const auto id = make_instance("kafka-1", "RUNNING", 3);
    EXPECT_TRUE(throws_errc([&] { make_topic(id, "big", 301); }, errc::partition_quota_exceeded));
    EXPECT_NO_THROW(make_topic(id, "big", 300));
}

TEST_F(kafka_store_test, create_topic_on_unknown_instance_is_instance_not_found) {
    EXPECT_TRUE(throws_errc([&] { make_topic("no-such-id", "orders"); }, errc::instance_not_found));
}

TEST_F(kafka_store_test, topic_calls_on_unknown_topic_are_topic_not_found) {
    const auto id = make_instance("kafka-1");
    const auto e = thrown_error([&] { store.cluster(project, id)->partitions("missing"); });
    ASSERT_TRUE(e.has_value());
    EXPECT_EQ(e->code(), errc::topic_not_found);
    EXPECT_EQ(e->facts(), (error_facts{.name = "missing"}));
    EXPECT_TRUE(
        throws_errc([&] { store.cluster(project, id)->partition("missing", 0); }, errc::topic_not_found));
    EXPECT_TRUE(
        throws_errc([&] { store.cluster(project, id)->message_at("missing", 0, 0); }, errc::topic_not_found));
    EXPECT_TRUE(throws_errc([&] { produce_to(id, "missing", 0, "v"); }, errc::topic_not_found));
    EXPECT_TRUE(throws_errc([&] { delete_records(id, "missing", {{0, 1}}); }, errc::topic_not_found));
}

// ---------------------------------------------------------------------------------------------------
// Produce

TEST_F(kafka_store_test, produce_to_explicit_partition_appends_with_clock_timestamp) {
    const auto id = make_instance("kafka-1");
    make_topic(id, "orders", 3);
    clock.set(start_ms + 100);
    produce_request request;
    request.topic = "orders";
    request.partition = 2;
    request.key = "k";
    request.value = "v0";
    request.headers = {{"h1", "x"}, {"h2", "y"}};
    const auto r0 = store.running_cluster(project, id)->produce(request);
    EXPECT_EQ(r0.partition, 2);
    EXPECT_EQ(r0.offset, 0);
    EXPECT_EQ(r0.timestamp, start_ms + 100);

    clock.set(start_ms + 200);
    const auto r1 = produce_to(id, "orders", 2, "v1");
    EXPECT_EQ(r1.partition, 2);
    EXPECT_EQ(r1.offset, 1);
    EXPECT_EQ(r1.timestamp, start_ms + 200);

    const auto m0 = store.cluster(project, id)->message_at("orders", 2, 0);
    ASSERT_TRUE(m0.has_value());
    EXPECT_EQ(m0->offset, 0);
    EXPECT_EQ(m0->key, std::optional<std::string>{"k"});
    EXPECT_EQ(m0->value, "v0");
    EXPECT_EQ(m0->timestamp, start_ms + 100);
    EXPECT_EQ(m0->headers, (kafka_headers{{"h1", "x"}, {"h2", "y"}}));
    const auto m1 = store.cluster(project, id)->message_at("orders", 2, 1);
    ASSERT_TRUE(m1.has_value());
    EXPECT_EQ(m1->key, std::nullopt);
    EXPECT_EQ(m1->value, "v1");

    const auto p2 = store.cluster(project, id)->partition("orders", 2);
    EXPECT_EQ(p2.start_offset, 0);
    EXPECT_EQ(p2.end_offset, 2);
    EXPECT_EQ(p2.first_timestamp, start_ms + 100);
    EXPECT_EQ(p2.last_timestamp, start_ms + 200);
    EXPECT_EQ(p2.last_update_ms, start_ms + 200);
    EXPECT_EQ(store.cluster(project, id)->partition("orders", 0).end_offset, 0);
    EXPECT_EQ(store.cluster(project, id)->partition("orders", 1).end_offset, 0);
}

TEST_F(kafka_store_test, produce_with_key_uses_kafka_key_partition) {
    const auto id = make_instance("kafka-1");
    make_topic(id, "orders", 5);
    for (const std::string key : {"21", "foobar", "abc", "user-1", "user-2", "order-77"}) {
        produce_request request;
        request.topic = "orders";
        request.key = key;
        request.value = "v";
        const auto expected = kafka_key_partition(key, 5);
        EXPECT_EQ(store.running_cluster(project, id)->produce(request).partition, expected) << key;
        EXPECT_EQ(store.running_cluster(project, id)->produce(request).partition, expected) << key;
    }
}

TEST_F(kafka_store_test, same_key_always_lands_on_same_partition) {
    const auto id = make_instance("kafka-1");
    make_topic(id, "orders", 7);
    produce_request request;
    request.topic = "orders";
    request.key = "customer-9";
    const auto first = store.running_cluster(project, id)->produce(request);
    for (std::int64_t i = 1; i < 20; ++i) {
        const auto next = store.running_cluster(project, id)->produce(request);
        EXPECT_EQ(next.partition, first.partition);
        EXPECT_EQ(next.offset, i);
    }
}

TEST_F(kafka_store_test, explicit_partition_wins_over_key) {
    const auto id = make_instance("kafka-1");
    make_topic(id, "orders", 3);
    produce_request request;
    request.topic = "orders";
    request.key = "21";  // would hash to 1173551340 % 3 == 0
    request.partition = 2;
    EXPECT_EQ(store.running_cluster(project, id)->produce(request).partition, 2);
}

TEST_F(kafka_store_test, produce_without_key_or_partition_round_robins) {
    const auto id = make_instance("kafka-1");
    make_topic(id, "orders", 3);
    produce_request request;
    request.topic = "orders";
    std::vector<std::int32_t> partitions;
    std::vector<std::int64_t> offsets;
    for (int i = 0; i < 7; ++i) {
        const auto r = store.running_cluster(project, id)->produce(request);
        partitions.push_back(r.partition);
        offsets.push_back(r.offset);
    }
    EXPECT_EQ(partitions, (std::vector<std::int32_t>{0, 1, 2, 0, 1, 2, 0}));
    EXPECT_EQ(offsets, (std::vector<std::int64_t>{0, 0, 0, 1, 1, 1, 2}));
}

TEST_F(kafka_store_test, produce_to_unknown_partition_is_partition_not_found_and_appends_nothing) {
    const auto id = make_instance("kafka-1");
    make_topic(id, "orders", 3);
    for (const std::int32_t bad : {3, -1, 100}) {
        const auto e = thrown_error([&] { produce_to(id, "orders", bad, "v"); });
        ASSERT_TRUE(e.has_value()) << bad;
        EXPECT_EQ(e->code(), errc::partition_not_found);
        EXPECT_EQ(e->facts(), (error_facts{.index = bad}));
    }
    for (const auto& p : store.cluster(project, id)->partitions("orders")) EXPECT_EQ(p.end_offset, 0);
}

TEST_F(kafka_store_test, produce_to_instance_not_running_is_instance_not_running) {
    const auto id = make_instance("kafka-1", "CREATING");
    make_topic(id, "orders", 3);
    const auto e = thrown_error([&] { produce_to(id, "orders", 0, "v"); });
    ASSERT_TRUE(e.has_value());
    EXPECT_EQ(e->code(), errc::instance_not_running);
    EXPECT_EQ(e->facts(), (error_facts{.reason = "CREATING"}));
    EXPECT_EQ(store.cluster(project, id)->partition("orders", 0).end_offset, 0);
}

TEST_F(kafka_store_test, produce_to_unknown_instance_is_instance_not_found) {
    EXPECT_TRUE(throws_errc([&] { produce_to("no-such-id", "orders", 0, "v"); }, errc::instance_not_found));
}

TEST_F(kafka_store_test, partition_lookup_of_unknown_index_is_partition_not_found) {
    const auto id = make_instance("kafka-1");
    make_topic(id, "orders", 3);
    EXPECT_TRUE(
        throws_errc([&] { store.cluster(project, id)->partition("orders", 3); }, errc::partition_not_found));
    EXPECT_TRUE(
        throws_errc([&] { store.cluster(project, id)->partition("orders", -1); }, errc::partition_not_found));
    EXPECT_TRUE(throws_errc([&] { store.cluster(project, id)->message_at("orders", 3, 0); },
                            errc::partition_not_found));
}

// ---------------------------------------------------------------------------------------------------
// DeleteRecords (dms-kafka-api.md §3 and §9 Q1-Q3)

// Instance "kafka-1", topic "orders" with 3 partitions; partition 0 holds offsets 0..9 produced one
// millisecond apart (timestamp of offset i = start_ms + i); partitions 1 and 2 are empty.
class delete_records_test : public kafka_store_test {
  protected:
    void SetUp() override {
        id = make_instance("kafka-1");
        make_topic(id, "orders", 3);
        for (int i = 0; i < 10; ++i) {
            clock.set(start_ms + i);
            produce_to(id, "orders", 0, "m" + std::to_string(i));
        }
        clock.set(start_ms + 1000);
    }

    partition_state p0() { return store.cluster(project, id)->partition("orders", 0); }
    std::optional<kafka_message> at(std::int64_t offset) {
        return store.cluster(project, id)->message_at("orders", 0, offset);
    }
    std::vector<delete_records_result> del(const std::vector<delete_records_entry>& entries) {
        return delete_records(id, "orders", entries);
    }

    std::string id;
};

TEST_F(delete_records_test, offset_inside_log_moves_start) {
    const auto results = del({{0, 4}});
    ASSERT_EQ(results.size(), 1u);
    expect_result(results[0], 0, success, 4);
    const auto state = p0();
    EXPECT_EQ(state.start_offset, 4);
    EXPECT_EQ(state.end_offset, 10);
    EXPECT_EQ(state.first_timestamp, start_ms + 4);
    EXPECT_EQ(state.last_timestamp, start_ms + 9);
    EXPECT_EQ(state.last_update_ms, start_ms + 9);  // the last append; a trim is not a write
}

TEST_F(delete_records_test, trimming_keeps_last_update_at_last_append) {
    clock.set(start_ms + 5000);
    del({{0, 3}});
    EXPECT_EQ(p0().last_update_ms, start_ms + 9);
    del({{0, delete_to_end}});
    EXPECT_EQ(p0().last_update_ms, start_ms + 9);
    clock.set(start_ms + 6000);
    produce_to(id, "orders", 0, "after");
    EXPECT_EQ(p0().last_update_ms, start_ms + 6000);
}

TEST_F(delete_records_test, offset_equal_to_end_deletes_everything) {
    const auto results = del({{0, 10}});
    ASSERT_EQ(results.size(), 1u);
    expect_result(results[0], 0, success, 10);
    const auto state = p0();
    EXPECT_EQ(state.start_offset, 10);
    EXPECT_EQ(state.end_offset, 10);
    EXPECT_EQ(state.first_timestamp, 0);
    EXPECT_EQ(state.last_timestamp, 0);
    EXPECT_EQ(state.last_update_ms, start_ms + 9);
    for (std::int64_t offset = 0; offset <= 10; ++offset) EXPECT_EQ(at(offset), std::nullopt) << offset;
}

TEST_F(delete_records_test, offset_minus_one_deletes_to_end) {
    const auto results = del({{0, delete_to_end}});
    ASSERT_EQ(results.size(), 1u);
    expect_result(results[0], 0, success, 10);
    const auto state = p0();
    EXPECT_EQ(state.start_offset, 10);
    EXPECT_EQ(state.end_offset, 10);
    EXPECT_EQ(state.first_timestamp, 0);
    EXPECT_EQ(state.last_timestamp, 0);
    EXPECT_EQ(at(9), std::nullopt);
}

TEST_F(delete_records_test, offset_beyond_end_is_out_of_range_and_changes_nothing) {
    const auto before = p0();
    const auto results = del({{0, 11}});
    ASSERT_EQ(results.size(), 1u);
    expect_result(results[0], 0, out_of_range, 0);
    expect_same_state(p0(), before);
    ASSERT_TRUE(at(0).has_value());
    EXPECT_EQ(at(0)->value, "m0");
}

TEST_F(delete_records_test, offset_beyond_end_reports_current_start_as_low_watermark) {
    del({{0, 3}});
    const auto results = del({{0, std::numeric_limits<std::int64_t>::max()}});
    ASSERT_EQ(results.size(), 1u);
    expect_result(results[0], 0, out_of_range, 3);
    EXPECT_EQ(p0().start_offset, 3);
}

TEST_F(delete_records_test, offset_at_or_below_start_is_successful_no_op) {
    del({{0, 5}});
    clock.set(start_ms + 2000);
    const auto results = del({{0, 5}, {0, 3}, {0, 0}});
    ASSERT_EQ(results.size(), 3u);
    expect_result(results[0], 0, success, 5);
    expect_result(results[1], 0, success, 5);
    expect_result(results[2], 0, success, 5);
    const auto state = p0();
    EXPECT_EQ(state.start_offset, 5);
    EXPECT_EQ(state.end_offset, 10);
    EXPECT_EQ(state.first_timestamp, start_ms + 5);
    EXPECT_EQ(state.last_update_ms, start_ms + 9);
    EXPECT_EQ(at(4), std::nullopt);
    ASSERT_TRUE(at(5).has_value());
}

TEST_F(delete_records_test, zero_on_untrimmed_log_is_successful_no_op) {
    const auto before = p0();
    const auto results = del({{0, 0}});
    ASSERT_EQ(results.size(), 1u);
    expect_result(results[0], 0, success, 0);
    expect_same_state(p0(), before);
}

TEST_F(delete_records_test, negative_offsets_other_than_minus_one_are_out_of_range) {
    del({{0, 2}});
    const auto before = p0();
    const auto results = del({{0, -2}, {0, -100}, {0, std::numeric_limits<std::int64_t>::min()}});
    ASSERT_EQ(results.size(), 3u);
    expect_result(results[0], 0, out_of_range, 2);
    expect_result(results[1], 0, out_of_range, 2);
    expect_result(results[2], 0, out_of_range, 2);
    expect_same_state(p0(), before);
}

TEST_F(delete_records_test, unknown_partition_fails_alone_while_other_entries_apply) {
    const auto results = del({{0, 3}, {7, 1}, {-1, 1}, {1, 0}});
    ASSERT_EQ(results.size(), 4u);
    expect_result(results[0], 0, success, 3);
    expect_result(results[1], 7, unknown_partition, -1);
    expect_result(results[2], -1, unknown_partition, -1);
    expect_result(results[3], 1, success, 0);
    EXPECT_EQ(p0().start_offset, 3);
}

TEST_F(delete_records_test, empty_entry_list_gives_empty_result_and_changes_nothing) {
    const auto before = p0();
    EXPECT_TRUE(del({}).empty());
    expect_same_state(p0(), before);
}

TEST_F(delete_records_test, duplicate_partitions_apply_in_entry_order) {
    const auto results = del({{0, 3}, {0, 6}, {0, 2}, {0, 20}, {0, 7}});
    ASSERT_EQ(results.size(), 5u);
    expect_result(results[0], 0, success, 3);
    expect_result(results[1], 0, success, 6);
    expect_result(results[2], 0, success, 6);
    expect_result(results[3], 0, out_of_range, 6);
    expect_result(results[4], 0, success, 7);
    EXPECT_EQ(p0().start_offset, 7);
}

TEST_F(delete_records_test, duplicate_partition_then_delete_to_end) {
    const auto results = del({{0, 4}, {0, delete_to_end}, {0, 5}});
    ASSERT_EQ(results.size(), 3u);
    expect_result(results[0], 0, success, 4);
    expect_result(results[1], 0, success, 10);
    expect_result(results[2], 0, success, 10);
    EXPECT_EQ(p0().start_offset, 10);
}

TEST_F(delete_records_test, results_come_back_in_entry_order_not_partition_order) {
    produce_to(id, "orders", 1, "a");
    produce_to(id, "orders", 2, "b");
    const auto results = del({{2, 1}, {0, 5}, {9, 0}, {1, 1}});
    ASSERT_EQ(results.size(), 4u);
    expect_result(results[0], 2, success, 1);
    expect_result(results[1], 0, success, 5);
    expect_result(results[2], 9, unknown_partition, -1);
    expect_result(results[3], 1, success, 1);
}

TEST_F(delete_records_test, end_offset_never_changes) {
    del({{0, 4}});
    EXPECT_EQ(p0().end_offset, 10);
    del({{0, 11}});
    EXPECT_EQ(p0().end_offset, 10);
    del({{0, -5}});
    EXPECT_EQ(p0().end_offset, 10);
    del({{0, delete_to_end}});
    EXPECT_EQ(p0().end_offset, 10);
    del({{0, 10}});
    EXPECT_EQ(p0().end_offset, 10);
}

TEST_F(delete_records_test, produce_after_deleting_everything_continues_at_end) {
    del({{0, delete_to_end}});
    clock.set(start_ms + 3000);
    const auto r = produce_to(id, "orders", 0, "after");
    EXPECT_EQ(r.offset, 10);
    const auto state = p0();
    EXPECT_EQ(state.start_offset, 10);
    EXPECT_EQ(state.end_offset, 11);
    EXPECT_EQ(state.first_timestamp, start_ms + 3000);
    EXPECT_EQ(state.last_timestamp, start_ms + 3000);
    ASSERT_TRUE(at(10).has_value());
    EXPECT_EQ(at(10)->value, "after");
}

TEST_F(delete_records_test, message_at_hides_offsets_below_new_start) {
    del({{0, 6}});
    for (std::int64_t offset = 0; offset < 6; ++offset) EXPECT_EQ(at(offset), std::nullopt) << offset;
    for (std::int64_t offset = 6; offset < 10; ++offset) {
        const auto m = at(offset);
        ASSERT_TRUE(m.has_value()) << offset;
        EXPECT_EQ(m->offset, offset);
        EXPECT_EQ(m->value, "m" + std::to_string(offset));
        EXPECT_EQ(m->timestamp, start_ms + offset);
    }
    EXPECT_EQ(at(10), std::nullopt);
    EXPECT_EQ(at(-1), std::nullopt);
}

TEST_F(delete_records_test, partitions_report_each_partition_after_trims) {
    clock.set(start_ms + 1500);
    produce_to(id, "orders", 1, "x0");
    produce_to(id, "orders", 1, "x1");
    clock.set(start_ms + 1600);
    produce_to(id, "orders", 1, "x2");
    clock.set(start_ms + 2000);
    del({{0, 8}, {1, 2}});

    const auto parts = store.cluster(project, id)->partitions("orders");
    ASSERT_EQ(parts.size(), 3u);
    expect_same_state(parts[0], partition_state{0, 8, 10, start_ms + 9, start_ms + 8, start_ms + 9});
    expect_same_state(parts[1], partition_state{1, 2, 3, start_ms + 1600, start_ms + 1600, start_ms + 1600});
    expect_same_state(parts[2], partition_state{2, 0, 0, start_ms, 0, 0});  // untouched since topic creation
    expect_same_state(store.cluster(project, id)->partition("orders", 1), parts[1]);
}

TEST_F(delete_records_test, empty_partition_accepts_zero_and_minus_one_but_not_beyond) {
    const auto results = del({{2, 0}, {2, delete_to_end}, {2, 1}});
    ASSERT_EQ(results.size(), 3u);
    expect_result(results[0], 2, success, 0);
    expect_result(results[1], 2, success, 0);
    expect_result(results[2], 2, out_of_range, 0);
}

TEST_F(delete_records_test, instance_not_running_is_instance_not_running) {
    const auto stopped = make_instance("kafka-2", "RESTARTING");
    make_topic(stopped, "orders", 1);
    const auto e = thrown_error([&] { delete_records(stopped, "orders", {{0, 0}}); });
    ASSERT_TRUE(e.has_value());
    EXPECT_EQ(e->code(), errc::instance_not_running);
    EXPECT_EQ(e->facts(), (error_facts{.reason = "RESTARTING"}));
}

TEST_F(delete_records_test, unknown_instance_is_instance_not_found) {
    EXPECT_TRUE(throws_errc(
        [&] {
            delete_records("no-such-id", "orders", {{0, 0}});
        },
        errc::instance_not_found));
}

// ---------------------------------------------------------------------------------------------------
// load_partition

TEST_F(kafka_store_test, load_partition_assigns_offsets_from_log_start) {
    const auto id = make_instance("kafka-1");
    make_topic(id, "orders", 2);
    partition_content content;
    content.partition = 1;
    content.log_start_offset = 5;
    content.messages = {fixture_message("v5", start_ms + 10, "a"), fixture_message("v6", start_ms + 20),
                        fixture_message("v7", start_ms + 30)};
    content.messages[0].offset = 999;  // ignored: offsets come from log_start_offset
    store.memory(project, id).load_partition("orders", content);

    const auto state = store.cluster(project, id)->partition("orders", 1);
    EXPECT_EQ(state.start_offset, 5);
    EXPECT_EQ(state.end_offset, 8);
    EXPECT_EQ(state.first_timestamp, start_ms + 10);
    EXPECT_EQ(state.last_timestamp, start_ms + 30);
    EXPECT_EQ(state.last_update_ms, start_ms + 30);
    EXPECT_EQ(store.cluster(project, id)->message_at("orders", 1, 4), std::nullopt);
    for (std::int64_t offset = 5; offset < 8; ++offset) {
        const auto m = store.cluster(project, id)->message_at("orders", 1, offset);
        ASSERT_TRUE(m.has_value()) << offset;
        EXPECT_EQ(m->offset, offset);
        EXPECT_EQ(m->value, "v" + std::to_string(offset));
    }
    EXPECT_EQ(store.cluster(project, id)->message_at("orders", 1, 5)->key, std::optional<std::string>{"a"});
    EXPECT_EQ(store.cluster(project, id)->message_at("orders", 1, 8), std::nullopt);
    EXPECT_EQ(produce_to(id, "orders", 1, "v8").offset, 8);
}

TEST_F(kafka_store_test, load_partition_replaces_zero_timestamps_with_clock) {
    const auto id = make_instance("kafka-1");
    make_topic(id, "orders", 1);
    clock.set(start_ms + 500);
    partition_content content;
    content.messages = {fixture_message("a", 0), fixture_message("b", start_ms + 7), fixture_message("c", 0)};
    store.memory(project, id).load_partition("orders", content);
    EXPECT_EQ(store.cluster(project, id)->message_at("orders", 0, 0)->timestamp, start_ms + 500);
    EXPECT_EQ(store.cluster(project, id)->message_at("orders", 0, 1)->timestamp, start_ms + 7);
    EXPECT_EQ(store.cluster(project, id)->message_at("orders", 0, 2)->timestamp, start_ms + 500);
    const auto state = store.cluster(project, id)->partition("orders", 0);
    EXPECT_EQ(state.start_offset, 0);
    EXPECT_EQ(state.end_offset, 3);
    EXPECT_EQ(state.first_timestamp, start_ms + 500);
    EXPECT_EQ(state.last_timestamp, start_ms + 500);
}

TEST_F(kafka_store_test, load_partition_all_deleted_reports_start_equal_end) {
    const auto id = make_instance("kafka-1");
    make_topic(id, "orders", 1);
    partition_content content;
    content.log_start_offset = 10;
    store.memory(project, id).load_partition("orders", content);

    const auto state = store.cluster(project, id)->partition("orders", 0);
    EXPECT_EQ(state.start_offset, 10);
    EXPECT_EQ(state.end_offset, 10);
    EXPECT_EQ(state.first_timestamp, 0);
    EXPECT_EQ(state.last_timestamp, 0);
    EXPECT_EQ(store.cluster(project, id)->message_at("orders", 0, 9), std::nullopt);
    EXPECT_EQ(store.cluster(project, id)->message_at("orders", 0, 10), std::nullopt);

    const auto results = delete_records(id, "orders", {{0, delete_to_end}, {0, 9}, {0, 10}, {0, 11}});
    ASSERT_EQ(results.size(), 4u);
    expect_result(results[0], 0, success, 10);
    expect_result(results[1], 0, success, 10);
    expect_result(results[2], 0, success, 10);
    expect_result(results[3], 0, out_of_range, 10);
    EXPECT_EQ(produce_to(id, "orders", 0, "next").offset, 10);
}

TEST_F(kafka_store_test, load_partition_replaces_existing_content) {
    const auto id = make_instance("kafka-1");
    make_topic(id, "orders", 1);
    produce_to(id, "orders", 0, "old0");
    produce_to(id, "orders", 0, "old1");
    partition_content content;
    content.log_start_offset = 3;
    content.messages = {fixture_message("new3")};
    store.memory(project, id).load_partition("orders", content);
    const auto state = store.cluster(project, id)->partition("orders", 0);
    EXPECT_EQ(state.start_offset, 3);
    EXPECT_EQ(state.end_offset, 4);
    EXPECT_EQ(store.cluster(project, id)->message_at("orders", 0, 1), std::nullopt);
    EXPECT_EQ(store.cluster(project, id)->message_at("orders", 0, 3)->value, "new3");
}

TEST_F(kafka_store_test, load_partition_of_unknown_partition_is_partition_not_found) {
    const auto id = make_instance("kafka-1");
    make_topic(id, "orders", 2);
    partition_content content;
    content.partition = 2;
    EXPECT_TRUE(throws_errc([&] { store.memory(project, id).load_partition("orders", content); },
                            errc::partition_not_found));
}

// ---------------------------------------------------------------------------------------------------
// reset

TEST_F(kafka_store_test, reset_forgets_everything) {
    const auto id = make_instance("kafka-1");
    make_topic(id, "orders", 1);
    produce_to(id, "orders", 0, "v");
    make_instance("kafka-2", "RUNNING", 3, other_project);
    store.reset();
    EXPECT_TRUE(store.list_instances(project).empty());
    EXPECT_TRUE(store.list_instances(other_project).empty());
    EXPECT_TRUE(throws_errc([&] { store.get_instance(project, id); }, errc::instance_not_found));
    EXPECT_NO_THROW(make_instance("kafka-1"));
}

}  // namespace
