#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <functional>
#include <latch>
#include <string>
#include <thread>
#include <vector>

#include "state/kafka/instances.hpp"
#include "tests/state/state_test_support.hpp"

namespace {

using namespace emu::state;
using emu::state::testing::fake_clock;

constexpr int ops_per_thread = 2000;
constexpr std::int64_t preloaded = 2000;

class kafka_concurrency_test : public ::testing::Test {
  protected:
    void SetUp() override {
        instance_spec spec;
        spec.name = "kafka-1";
        id = store.create_instance(project, spec).spec.instance_id;
        topic_spec topic;
        topic.name = "orders";
        topic.partition_count = 2;
        store.cluster(project, id)->create_topic(topic);
    }

    produce_result produce_to(std::int32_t partition, std::string value) {
        produce_request request;
        request.topic = "orders";
        request.partition = partition;
        request.value = std::move(value);
        return store.running_cluster(project, id)->produce(request);
    }

    const std::string project = "proj";
    fake_clock clock;
    kafka_store store{clock.fn()};
    std::string id;
};

bool strictly_increasing(const std::vector<std::int64_t>& v) {
    return std::adjacent_find(v.begin(), v.end(), [](auto a, auto b) { return a >= b; }) == v.end();
}

bool non_decreasing(const std::vector<std::int64_t>& v) {
    return std::is_sorted(v.begin(), v.end());
}

// Two producers on partition 0; one producer and one deleter on partition 1 (preloaded with 2000
// messages). Every thread records what the store told it; the invariants are checked after the join.
TEST_F(kafka_concurrency_test, producers_and_deleters_keep_logs_contiguous_and_starts_monotonic) {
    partition_content content;
    content.partition = 1;
    for (std::int64_t i = 0; i < preloaded; ++i)
        content.messages.push_back(emu::state::testing::fixture_message("pre"));
    store.memory(project, id).load_partition("orders", content);

    std::latch start_line(4);
    std::vector<std::int64_t> p0_offsets_a, p0_offsets_b, p1_offsets, low_watermarks, observed_starts;
    std::vector<delete_records_status> delete_statuses;

    auto p0_producer = [&](const char* tag, std::vector<std::int64_t>& offsets) {
        start_line.arrive_and_wait();
        for (int i = 0; i < ops_per_thread; ++i)
            offsets.push_back(produce_to(0, tag + std::to_string(i)).offset);
    };
    std::thread a(p0_producer, "a", std::ref(p0_offsets_a));
    std::thread b(p0_producer, "b", std::ref(p0_offsets_b));
    std::thread c([&] {
        start_line.arrive_and_wait();
        for (int i = 0; i < ops_per_thread; ++i)
            p1_offsets.push_back(produce_to(1, "c" + std::to_string(i)).offset);
    });
    std::thread d([&] {
        start_line.arrive_and_wait();
        for (int i = 0; i < ops_per_thread; ++i) {
            const std::int64_t target = i % 500 == 499 ? delete_to_end : 2 * static_cast<std::int64_t>(i);
            const auto results = store.running_cluster(project, id)->delete_records("orders", {{1, target}});
            delete_statuses.push_back(results.at(0).status);
            low_watermarks.push_back(results.at(0).low_watermark);
            observed_starts.push_back(store.cluster(project, id)->partition("orders", 1).start_offset);
        }
    });
    a.join();
    b.join();
    c.join();
    d.join();

    // Partition 0: every produced offset handed out exactly once, contiguous from 0, never trimmed.
    EXPECT_TRUE(strictly_increasing(p0_offsets_a));
    EXPECT_TRUE(strictly_increasing(p0_offsets_b));
    std::vector<std::int64_t> all_p0 = p0_offsets_a;
    all_p0.insert(all_p0.end(), p0_offsets_b.begin(), p0_offsets_b.end());
    std::sort(all_p0.begin(), all_p0.end());
    ASSERT_EQ(all_p0.size(), 2u * ops_per_thread);
    for (std::size_t i = 0; i < all_p0.size(); ++i) ASSERT_EQ(all_p0[i], static_cast<std::int64_t>(i));
    const auto p0 = store.cluster(project, id)->partition("orders", 0);
    EXPECT_EQ(p0.start_offset, 0);
    EXPECT_EQ(p0.end_offset, 2 * ops_per_thread);
    for (int i = 0; i < ops_per_thread; ++i) {
        const auto m =
            store.cluster(project, id)->message_at("orders", 0, p0_offsets_a[static_cast<std::size_t>(i)]);
        ASSERT_TRUE(m.has_value());
        ASSERT_EQ(m->value, "a" + std::to_string(i));
    }

    // Partition 1: appends continue after the preloaded messages; the start only ever moved forward.
    ASSERT_EQ(p1_offsets.size(), static_cast<std::size_t>(ops_per_thread));
    for (std::size_t i = 0; i < p1_offsets.size(); ++i)
        ASSERT_EQ(p1_offsets[i], preloaded + static_cast<std::int64_t>(i));
    EXPECT_TRUE(non_decreasing(low_watermarks));
    EXPECT_TRUE(non_decreasing(observed_starts));
    for (const auto status : delete_statuses) {
        EXPECT_TRUE(status == delete_records_status::success ||
                    status == delete_records_status::offset_out_of_range);
    }
    const auto p1 = store.cluster(project, id)->partition("orders", 1);
    EXPECT_EQ(p1.end_offset, preloaded + ops_per_thread);
    EXPECT_EQ(p1.start_offset, *std::max_element(low_watermarks.begin(), low_watermarks.end()));
    EXPECT_LE(p1.start_offset, p1.end_offset);
    for (std::int64_t offset = 0; offset < p1.end_offset; ++offset) {
        const auto m = store.cluster(project, id)->message_at("orders", 1, offset);
        if (offset < p1.start_offset) {
            ASSERT_FALSE(m.has_value()) << offset;
        } else {
            ASSERT_TRUE(m.has_value()) << offset;
            ASSERT_EQ(m->offset, offset);
            ASSERT_EQ(m->value, offset < preloaded ? "pre" : "c" + std::to_string(offset - preloaded));
        }
    }
}

// Batches naming the same two partitions in opposite orders, run concurrently with producers on both:
// the store locks partitions in a fixed order, so this finishes, and each partition's start only rises.
TEST_F(kafka_concurrency_test, opposite_order_batches_do_not_deadlock) {
    std::latch start_line(4);
    std::vector<std::int64_t> starts_seen_by_up[2], starts_seen_by_down[2];

    auto deleter = [&](bool ascending) {
        auto& seen = ascending ? starts_seen_by_up : starts_seen_by_down;
        start_line.arrive_and_wait();
        for (int i = 0; i < ops_per_thread; ++i) {
            const std::int64_t target = i / 2;
            const std::vector<delete_records_entry> entries =
                ascending ? std::vector<delete_records_entry>{{0, target}, {1, target}}
                          : std::vector<delete_records_entry>{{1, target}, {0, target}};
            for (const auto& r : store.running_cluster(project, id)->delete_records("orders", entries)) {
                seen[r.partition].push_back(r.low_watermark);
            }
        }
    };
    auto producer = [&](std::int32_t partition) {
        start_line.arrive_and_wait();
        for (int i = 0; i < ops_per_thread; ++i) produce_to(partition, "v");
    };
    std::thread up(deleter, true);
    std::thread down(deleter, false);
    std::thread p0(producer, 0);
    std::thread p1(producer, 1);
    up.join();
    down.join();
    p0.join();
    p1.join();

    for (std::int32_t p = 0; p < 2; ++p) {
        SCOPED_TRACE("partition " + std::to_string(p));
        EXPECT_EQ(starts_seen_by_up[p].size(), static_cast<std::size_t>(ops_per_thread));
        EXPECT_EQ(starts_seen_by_down[p].size(), static_cast<std::size_t>(ops_per_thread));
        EXPECT_TRUE(non_decreasing(starts_seen_by_up[p]));
        EXPECT_TRUE(non_decreasing(starts_seen_by_down[p]));
        const auto state = store.cluster(project, id)->partition("orders", p);
        EXPECT_EQ(state.end_offset, ops_per_thread);
        EXPECT_LE(state.start_offset, state.end_offset);
        EXPECT_EQ(state.start_offset, std::max(starts_seen_by_up[p].back(), starts_seen_by_down[p].back()));
    }
}

}  // namespace
