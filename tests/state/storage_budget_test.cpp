#include "state/storage_budget.hpp"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "kafka/protocol/record_batch.hpp"
#include "state/state.hpp"
#include "tests/state/state_test_support.hpp"

namespace {

using namespace emu::state;
using emu::state::testing::fake_clock;
using emu::state::testing::fixture_message;
using emu::state::testing::throws_errc;

const std::string p = "0123456789abcdef0123456789abcdef";

TEST(storage_budget, reservations_fit_entirely_or_take_nothing) {
    storage_budget budget(100);
    EXPECT_TRUE(budget.try_reserve(60));
    EXPECT_FALSE(budget.try_reserve(41));
    EXPECT_EQ(budget.used(), 60U);
    EXPECT_TRUE(budget.try_reserve(40));
    EXPECT_FALSE(budget.try_reserve(1));
    budget.release(30);
    EXPECT_TRUE(budget.try_reserve(30));
    EXPECT_EQ(budget.used(), 100U);
    EXPECT_FALSE(budget.try_reserve(UINT64_MAX));
}

TEST(storage_budget, zero_means_no_cap) {
    storage_budget budget(storage_budget::unlimited);
    EXPECT_TRUE(budget.try_reserve(std::uint64_t{1} << 62));
    EXPECT_TRUE(budget.try_reserve(std::uint64_t{1} << 62));
}

TEST(storage_budget, concurrent_writers_never_overshoot_the_cap) {
    storage_budget budget(1000);
    std::vector<std::thread> writers;
    std::atomic<int> granted{0};
    for (int t = 0; t < 4; ++t) {
        writers.emplace_back([&] {
            for (int i = 0; i < 1000; ++i) {
                if (budget.try_reserve(3)) ++granted;
            }
        });
    }
    for (auto& w : writers) w.join();
    EXPECT_EQ(granted.load(), 333);
    EXPECT_EQ(budget.used(), 999U);
}

TEST(storage_budget, a_charge_gives_back_what_it_still_holds_when_destroyed) {
    auto budget = std::make_shared<storage_budget>(100);
    {
        storage_charge charge;
        ASSERT_TRUE(budget->try_reserve(70));
        charge.adopt(budget, 70);
        charge.release(20);
        EXPECT_EQ(budget->used(), 50U);
    }
    EXPECT_EQ(budget->used(), 0U);
}

// ---- Kafka ---------------------------------------------------------------------------------------

// What a Kafka partition holds against the budget: the record batch v2 the message is stored as (kept as
// a producer sent it; REST and fixture messages as one batch each, uncompressed).
std::uint64_t batch_bytes(const std::vector<kafka_message>& messages) {
    namespace protocol = emu::kafka::protocol;
    std::vector<protocol::record> records;
    for (const auto& m : messages) {
        protocol::record r;
        r.offset = static_cast<std::int64_t>(records.size());
        r.key = m.key;
        r.value = m.value;
        for (const auto& [name, value] : m.headers) r.headers.push_back({name, value});
        records.push_back(r);
    }
    return protocol::encode_batch(protocol::batch_header{}, records).size();
}

std::uint64_t cost(std::size_t value_bytes) {
    return batch_bytes({fixture_message(std::string(value_bytes, 'v'))});
}

struct kafka_fixture {
    fake_clock clock;
    state st;
    std::string instance;

    explicit kafka_fixture(std::uint64_t cap) : st(clock.fn(), cap) {
        instance_spec spec;
        spec.name = "kafka-1";
        instance = st.kafka.create_instance(p, spec).spec.instance_id;
        topic_spec topic;
        topic.name = "orders";
        topic.partition_count = 2;
        topic.retention_hours = 1;
        st.kafka.cluster(p, instance)->create_topic(topic);
    }
    produce_result produce(std::int32_t partition, std::size_t bytes) {
        return st.kafka.running_cluster(p, instance)
            ->produce(produce_request{"orders", partition, std::nullopt, std::string(bytes, 'v'), {}});
    }
};

TEST(storage_budget_kafka, the_stored_batch_is_charged_and_shown_as_the_partition_size) {
    kafka_fixture f(1000);
    f.st.kafka.running_cluster(p, f.instance)
        ->produce(produce_request{"orders", 0, std::string("kk"), "vvv", {{"h", "xy"}}});
    kafka_message m = fixture_message("vvv", 0, "kk");
    m.headers = {{"h", "xy"}};
    // 61 bytes of batch header, then the record: its length, attributes, timestamp and offset deltas, the
    // key, the value and the header, each with its varint length.
    EXPECT_EQ(batch_bytes({m}), 61U + 1 + (1 + 1 + 1 + 3 + 4 + 1 + 5));
    EXPECT_EQ(f.st.budget->used(), batch_bytes({m}));
    EXPECT_EQ(
        static_cast<std::uint64_t>(f.st.kafka.cluster(p, f.instance)->partition("orders", 0).retained_bytes),
        batch_bytes({m}));
}

TEST(storage_budget_kafka, a_produce_over_the_cap_is_refused_and_changes_nothing) {
    kafka_fixture f(cost(60) + cost(40));
    f.produce(0, 60);
    EXPECT_TRUE(throws_errc([&] { f.produce(1, 41); }, errc::storage_full));
    EXPECT_EQ(f.st.kafka.cluster(p, f.instance)->partition("orders", 1).end_offset, 0);
    EXPECT_EQ(f.st.budget->used(), cost(60));
    f.produce(1, 40);  // exactly up to the cap
    EXPECT_TRUE(throws_errc([&] { f.produce(0, 1); }, errc::storage_full));
    // Reads keep working when full.
    EXPECT_EQ(f.st.kafka.cluster(p, f.instance)->messages("orders", {}).size(), 2U);
}

TEST(storage_budget_kafka, deleting_records_frees_space_for_new_writes) {
    kafka_fixture f(2 * cost(50));
    f.produce(0, 50);
    f.produce(0, 50);
    EXPECT_TRUE(throws_errc([&] { f.produce(1, 10); }, errc::storage_full));
    const auto results = f.st.kafka.running_cluster(p, f.instance)->delete_records("orders", {{0, 1}});
    ASSERT_EQ(results.size(), 1U);
    EXPECT_EQ(results[0].status, delete_records_status::success);
    EXPECT_EQ(f.st.budget->used(), cost(50));
    f.produce(1, 50);
    EXPECT_EQ(f.st.budget->used(), 2 * cost(50));
}

TEST(storage_budget_kafka, retention_frees_space) {
    kafka_fixture f(cost(100));
    f.produce(0, 100);
    f.clock.advance(2 * 3'600'000);
    f.st.kafka.cluster(p, f.instance)->partition("orders", 0);  // opening the log applies retention
    EXPECT_EQ(f.st.budget->used(), 0U);
    f.produce(0, 100);
}

TEST(storage_budget_kafka, deleting_a_topic_an_instance_or_everything_frees_space) {
    kafka_fixture f(cost(30));
    f.produce(0, 30);
    f.st.kafka.running_cluster(p, f.instance)->delete_topics({"orders"});
    EXPECT_EQ(f.st.budget->used(), 0U);

    topic_spec topic;
    topic.name = "again";
    f.st.kafka.cluster(p, f.instance)->create_topic(topic);
    f.st.kafka.running_cluster(p, f.instance)
        ->produce(produce_request{"again", 0, std::nullopt, std::string(30, 'v'), {}});
    f.st.kafka.delete_instance(p, f.instance);
    EXPECT_EQ(f.st.budget->used(), 0U);

    kafka_fixture g(cost(30));
    g.produce(0, 30);
    g.st.reset();
    EXPECT_EQ(g.st.budget->used(), 0U);
}

TEST(storage_budget_kafka, fixture_content_is_charged_and_refused_whole_when_over_the_cap) {
    const std::vector<kafka_message> two{fixture_message(std::string(40, 'a')),
                                         fixture_message(std::string(40, 'b'))};
    kafka_fixture f(2 * cost(40) + cost(20));
    partition_content content{0, 10, two, std::nullopt};
    f.st.kafka.memory(p, f.instance).load_partition("orders", content);
    // One batch per message, as REST sends them.
    EXPECT_EQ(f.st.budget->used(), 2 * cost(40));
    partition_content too_big{1, 0, {fixture_message(std::string(21, 'c'))}, std::nullopt};
    EXPECT_TRUE(throws_errc([&] { f.st.kafka.memory(p, f.instance).load_partition("orders", too_big); },
                            errc::storage_full));
    EXPECT_EQ(f.st.kafka.cluster(p, f.instance)->partition("orders", 1).end_offset, 0);
    // Replacing a partition's content gives back what it held.
    f.st.kafka.memory(p, f.instance)
        .load_partition("orders", partition_content{0, 0, {fixture_message("x")}, std::nullopt});
    EXPECT_EQ(f.st.budget->used(), cost(1));
}

// ---- DIS --------------------------------------------------------------------------------------------

struct dis_fixture {
    fake_clock clock;
    state st{clock.fn(), 100};

    dis_fixture() {
        stream_spec spec;
        spec.stream_name = "s";
        spec.partition_count = 2;
        spec.data_duration = 1;
        st.dis.create_stream(p, spec);
    }
    std::vector<record_result> put(std::int32_t partition, std::size_t bytes, int count = 1) {
        std::vector<record_input> records;
        for (int i = 0; i < count; ++i) {
            record_input r;
            r.partition = partition;
            r.data = std::string(bytes, 'A');
            records.push_back(r);
        }
        return st.dis.put_records(p, "s", records);
    }
};

TEST(storage_budget_dis, a_batch_over_the_cap_is_refused_whole) {
    dis_fixture f;
    f.put(0, 30);
    EXPECT_TRUE(throws_errc([&] { f.put(1, 30, 3); }, errc::storage_full));
    EXPECT_TRUE(f.st.dis.records(p, "s", 1).empty());
    EXPECT_EQ(f.st.budget->used(), 30U);
    f.put(1, 35, 2);
    EXPECT_EQ(f.st.budget->used(), 100U);
    EXPECT_EQ(f.st.dis.records(p, "s", 0).size(), 1U);  // reads keep working
}

TEST(storage_budget_dis, partition_keys_are_charged) {
    dis_fixture f;
    record_input r;
    r.partition_key = "key";
    r.data = "QUJD";
    f.st.dis.put_records(p, "s", {r});
    EXPECT_EQ(f.st.budget->used(), 7U);
}

TEST(storage_budget_dis, retention_and_stream_deletion_free_space) {
    dis_fixture f;
    f.put(0, 100);
    f.clock.advance(2 * 3'600'000);
    f.st.dis.records(p, "s", 0);  // looking applies retention
    EXPECT_EQ(f.st.budget->used(), 0U);
    f.put(1, 60);
    f.st.dis.delete_stream(p, "s");
    EXPECT_EQ(f.st.budget->used(), 0U);
}

TEST(storage_budget_dis, an_expired_partition_gives_back_its_records) {
    dis_fixture f;
    f.put(1, 50);
    f.st.dis.update_partition_count(p, "s", 1);  // partition 1 is cut off: readable until retention passes
    EXPECT_EQ(f.st.budget->used(), 50U);
    f.clock.advance(2 * 3'600'000);
    f.st.dis.get_stream(p, "s");
    EXPECT_EQ(f.st.budget->used(), 0U);
}

TEST(storage_budget, both_services_share_one_cap) {
    kafka_fixture k(cost(70) + 30);
    stream_spec spec;
    spec.stream_name = "s";
    k.st.dis.create_stream(p, spec);
    k.produce(0, 70);
    record_input r;
    r.data = std::string(31, 'A');
    EXPECT_TRUE(throws_errc([&] { k.st.dis.put_records(p, "s", {r}); }, errc::storage_full));
    r.data = std::string(30, 'A');
    k.st.dis.put_records(p, "s", {r});
    EXPECT_EQ(k.st.budget->used(), cost(70) + 30);
}

}  // namespace
