// dis_store: stream listing, deletion and scaling, cursors, reads, retention, app listing and deletion,
// consumer state. Time comes only from the fake clock.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <thread>
#include <vector>

#include "state/dis/store.hpp"
#include "state/errors.hpp"
#include "tests/state/state_test_support.hpp"

namespace {

using namespace emu::state;
using emu::state::testing::fake_clock;
using emu::state::testing::start_ms;
using emu::state::testing::thrown_error;
using emu::state::testing::throws_errc;

const std::string project = "0123456789abcdef0123456789abcdef";
const std::string last_read = "LAST_READ";
constexpr std::int64_t day_ms = 24 * ms_per_hour;

record_input to_partition(std::int32_t partition, std::string data = "ZGF0YQ==") {
    record_input r;
    r.partition = partition;
    r.data = std::move(data);
    return r;
}

std::vector<std::int64_t> sequences(const read_result& result) {
    std::vector<std::int64_t> out;
    for (const auto& r : result.records) out.push_back(r.sequence_number);
    return out;
}

class dis_consumer_test : public ::testing::Test {
  protected:
    fake_clock clock;
    dis_store store{clock.fn()};

    void make_stream(const std::string& name, std::int32_t partitions, std::int32_t hours = 24,
                     const std::string& type = "COMMON") {
        stream_spec spec;
        spec.stream_name = name;
        spec.partition_count = partitions;
        spec.data_duration = hours;
        spec.stream_type = type;
        store.create_stream(project, spec);
    }

    void make_app(const std::string& name) {
        app_spec spec;
        spec.app_name = name;
        store.create_app(project, spec);
    }

    void fill(const std::string& stream, std::int32_t partition, int count, std::string data = "ZGF0YQ==") {
        store.put_records(
            project, stream,
            std::vector<record_input>(static_cast<std::size_t>(count), to_partition(partition, data)));
    }

    void commit(const std::string& app, const std::string& stream, std::int32_t partition,
                std::int64_t sequence) {
        store.commit_checkpoint(project, checkpoint_key{app, stream, partition, last_read}, sequence, "");
    }

    read_result read(const std::string& stream, std::int32_t partition, std::int64_t position,
                     std::size_t limit = 1000, std::optional<std::int64_t> max_bytes = std::nullopt) {
        read_request request;
        request.stream_name = stream;
        request.partition = partition;
        request.position = position;
        request.limit = limit;
        request.max_bytes = max_bytes;
        return store.read_records(project, request);
    }

    std::int64_t cursor(const std::string& stream, std::int32_t partition, cursor_type type,
                        std::int64_t value = 0) {
        return store.start_cursor(project, stream, partition, type, value).position;
    }

    std::vector<std::string> stream_names(const stream_page& page) {
        std::vector<std::string> out;
        for (const auto& s : page.streams) out.push_back(s.spec.stream_name);
        return out;
    }
};

// --- list / delete streams --------------------------------------------------------------------------------

TEST_F(dis_consumer_test, list_streams_sorts_by_name_and_pages_with_an_exclusive_start) {
    for (const char* name : {"c", "a", "d", "b"}) make_stream(name, 1);
    auto page = store.list_streams(project, "", 2);
    EXPECT_EQ(page.total, 4U);
    EXPECT_EQ(stream_names(page), (std::vector<std::string>{"a", "b"}));
    EXPECT_TRUE(page.has_more);
    page = store.list_streams(project, "b", 2);
    EXPECT_EQ(stream_names(page), (std::vector<std::string>{"c", "d"}));
    EXPECT_FALSE(page.has_more);
    EXPECT_EQ(page.total, 4U);
    page = store.list_streams(project, "bb", 10);
    EXPECT_EQ(stream_names(page), (std::vector<std::string>{"c", "d"}));
    EXPECT_TRUE(store.list_streams(project, "d", 10).streams.empty());
}

TEST_F(dis_consumer_test, list_streams_of_an_unknown_project_is_empty) {
    const auto page = store.list_streams("fedcba9876543210fedcba9876543210", "", 10);
    EXPECT_EQ(page.total, 0U);
    EXPECT_TRUE(page.streams.empty());
    EXPECT_FALSE(page.has_more);
}

TEST_F(dis_consumer_test, delete_stream_removes_records_and_checkpoints_but_keeps_apps) {
    make_stream("orders", 2);
    make_stream("payments", 1);
    make_app("billing");
    fill("orders", 0, 3);
    fill("payments", 0, 1);
    commit("billing", "orders", 0, 2);
    commit("billing", "payments", 0, 1);
    store.delete_stream(project, "orders");
    EXPECT_TRUE(throws_errc([&] { store.get_stream(project, "orders"); }, errc::stream_not_found));
    EXPECT_EQ(store.get_app(project, "billing").commit_checkpoint_stream_names,
              std::vector<std::string>{"payments"});
    // A new stream of the same name starts empty, with no checkpoint.
    make_stream("orders", 2);
    EXPECT_TRUE(store.records(project, "orders", 0).empty());
    EXPECT_FALSE(store.get_checkpoint(project, checkpoint_key{"billing", "orders", 0, last_read}));
    EXPECT_TRUE(throws_errc([&] { store.delete_stream(project, "missing"); }, errc::stream_not_found));
}

// --- update partition count ------------------------------------------------------------------------------

TEST_F(dis_consumer_test, scale_up_adds_active_partitions_and_records_the_change) {
    make_stream("orders", 1);
    clock.advance(1000);
    const auto change = store.update_partition_count(project, "orders", 3);
    EXPECT_EQ(change.src_partition_count, 1);
    EXPECT_EQ(change.target_partition_count, 3);
    const auto info = store.get_stream(project, "orders");
    EXPECT_EQ(info.spec.partition_count, 3);
    ASSERT_EQ(info.partitions.size(), 3U);
    for (const auto& p : info.partitions) {
        EXPECT_EQ(p.status, dis_partition_status::active);
        EXPECT_EQ(p.hash_slices, 3);
    }
    ASSERT_EQ(info.update_partition_counts.size(), 1U);
    EXPECT_EQ(info.update_partition_counts[0].create_timestamp, start_ms + 1000);
    EXPECT_EQ(info.last_modified_time, start_ms + 1000);
    fill("orders", 2, 1);
}

TEST_F(dis_consumer_test, scale_down_marks_partitions_deleted_readable_not_writable) {
    make_stream("orders", 3);
    fill("orders", 2, 2);
    store.update_partition_count(project, "orders", 1);
    const auto info = store.get_stream(project, "orders");
    EXPECT_EQ(info.spec.partition_count, 1);
    EXPECT_EQ(info.partitions[0].status, dis_partition_status::active);
    EXPECT_EQ(info.partitions[0].hash_slices, 1);
    EXPECT_EQ(info.partitions[1].status, dis_partition_status::deleted);
    EXPECT_EQ(info.partitions[2].status, dis_partition_status::deleted);
    EXPECT_EQ(info.partitions[2].hash_slices, 3);
    EXPECT_EQ(sequences(read("orders", 2, 0)), (std::vector<std::int64_t>{0, 1}));
    EXPECT_TRUE(throws_errc([&] { fill("orders", 2, 1); }, errc::dis_partition_expired));
    // Unrouted and keyed records only go to the remaining partition.
    std::vector<record_input> batch(5);
    for (auto& r : batch) r.data = "ZGF0YQ==";
    batch[0].partition_key = "user-42";
    for (const auto& result : store.put_records(project, "orders", batch)) EXPECT_EQ(result.partition, 0);
}

TEST_F(dis_consumer_test, deleted_partitions_expire_when_retention_has_passed) {
    make_stream("orders", 2);
    fill("orders", 1, 2);
    make_app("billing");
    commit("billing", "orders", 1, 1);
    store.update_partition_count(project, "orders", 1);
    clock.advance(day_ms - 1);
    EXPECT_EQ(store.get_stream(project, "orders").partitions[1].status, dis_partition_status::deleted);
    clock.advance(1);
    EXPECT_EQ(store.get_stream(project, "orders").partitions[1].status, dis_partition_status::expired);
    EXPECT_TRUE(throws_errc([&] { read("orders", 1, 2); }, errc::dis_partition_expired));
    EXPECT_TRUE(
        throws_errc([&] { cursor("orders", 1, cursor_type::trim_horizon); }, errc::dis_partition_expired));
    EXPECT_TRUE(throws_errc([&] { commit("billing", "orders", 1, 2); }, errc::dis_partition_expired));
}

TEST_F(dis_consumer_test, scaling_back_up_reactivates_cut_partitions_and_continues_their_numbers) {
    make_stream("orders", 2);
    fill("orders", 1, 2);
    store.update_partition_count(project, "orders", 1);
    store.update_partition_count(project, "orders", 2);
    const auto info = store.get_stream(project, "orders");
    EXPECT_EQ(info.partitions.size(), 2U);
    EXPECT_EQ(info.partitions[1].status, dis_partition_status::active);
    EXPECT_EQ(info.update_partition_counts.size(), 2U);
    EXPECT_EQ(store.put_records(project, "orders", {to_partition(1)})[0].sequence_number, 2);
}

TEST_F(dis_consumer_test, same_count_changes_nothing_and_scale_up_respects_the_quota) {
    make_stream("orders", 2);
    const auto same = store.update_partition_count(project, "orders", 2);
    EXPECT_EQ(same.src_partition_count, 2);
    EXPECT_TRUE(store.get_stream(project, "orders").update_partition_counts.empty());
    make_stream("other", 40);
    EXPECT_TRUE(throws_errc([&] { store.update_partition_count(project, "orders", 11); },
                            errc::stream_partition_quota_exceeded));
    EXPECT_EQ(store.get_stream(project, "orders").spec.partition_count, 2);
    store.update_partition_count(project, "orders", 10);
    EXPECT_TRUE(
        throws_errc([&] { store.update_partition_count(project, "missing", 1); }, errc::stream_not_found));
}

// --- cursors and reads
// --------------------------------------------------------------------------------------

TEST_F(dis_consumer_test, cursor_types_resolve_to_positions) {
    make_stream("orders", 1);
    fill("orders", 0, 3);  // timestamps start_ms
    clock.advance(100);
    fill("orders", 0, 2);  // timestamps start_ms + 100, sequence 3 and 4
    EXPECT_EQ(cursor("orders", 0, cursor_type::at_sequence_number, 2), 2);
    EXPECT_EQ(cursor("orders", 0, cursor_type::after_sequence_number, 2), 3);
    EXPECT_EQ(cursor("orders", 0, cursor_type::trim_horizon), 0);
    EXPECT_EQ(cursor("orders", 0, cursor_type::latest), 5);
    EXPECT_EQ(cursor("orders", 0, cursor_type::at_timestamp, start_ms + 1), 3);
    EXPECT_EQ(cursor("orders", 0, cursor_type::at_timestamp, start_ms), 0);
    EXPECT_EQ(cursor("orders", 0, cursor_type::at_timestamp, start_ms + 101), 5);
    EXPECT_EQ(cursor("orders", 0, cursor_type::at_sequence_number, 5), 5);
    EXPECT_EQ(store.start_cursor(project, "orders", 0, cursor_type::latest, 0).stream_id,
              store.get_stream(project, "orders").spec.stream_id);
}

TEST_F(dis_consumer_test, sequence_numbers_outside_the_range_are_out_of_range_with_bounds) {
    make_stream("orders", 1);
    fill("orders", 0, 3);
    for (const auto type : {cursor_type::at_sequence_number, cursor_type::after_sequence_number}) {
        const auto high = thrown_error([&] { cursor("orders", 0, type, 4); });
        ASSERT_TRUE(high);
        EXPECT_EQ(high->code(), errc::sequence_number_out_of_range);
        EXPECT_EQ(high->facts(), (error_facts{.requested = 4, .low = 0, .high = 3}));
        EXPECT_TRUE(throws_errc([&] { cursor("orders", 0, type, -1); }, errc::sequence_number_out_of_range));
    }
    EXPECT_EQ(cursor("orders", 0, cursor_type::latest), 3);
    EXPECT_TRUE(throws_errc([&] { cursor("orders", 1, cursor_type::latest); }, errc::partition_not_found));
    EXPECT_TRUE(throws_errc([&] { cursor("missing", 0, cursor_type::latest); }, errc::stream_not_found));
}

TEST_F(dis_consumer_test, reads_return_records_in_order_up_to_the_limit) {
    make_stream("orders", 1);
    fill("orders", 0, 5);
    auto result = read("orders", 0, 1, 3);
    EXPECT_EQ(sequences(result), (std::vector<std::int64_t>{1, 2, 3}));
    EXPECT_EQ(result.next_position, 4);
    result = read("orders", 0, 4);
    EXPECT_EQ(sequences(result), (std::vector<std::int64_t>{4}));
    EXPECT_EQ(result.next_position, 5);
    result = read("orders", 0, 5);
    EXPECT_TRUE(result.records.empty());
    EXPECT_EQ(result.next_position, 5);
    // One past the head (AFTER_SEQUENCE_NUMBER at the head) waits for that record.
    result = read("orders", 0, 6);
    EXPECT_TRUE(result.records.empty());
    EXPECT_EQ(result.next_position, 6);
}

TEST_F(dis_consumer_test, max_bytes_counts_decoded_payload_and_never_splits_a_record) {
    make_stream("orders", 1);
    fill("orders", 0, 3, "aGVsbG8=");  // "hello", 5 bytes
    EXPECT_EQ(base64_payload_size("aGVsbG8="), 5);
    EXPECT_EQ(base64_payload_size("ZGF0YQ=="), 4);
    EXPECT_EQ(base64_payload_size(""), 0);
    EXPECT_EQ(sequences(read("orders", 0, 0, 1000, 10)), (std::vector<std::int64_t>{0, 1}));
    EXPECT_EQ(sequences(read("orders", 0, 0, 1000, 14)), (std::vector<std::int64_t>{0, 1}));
    EXPECT_EQ(sequences(read("orders", 0, 0, 1000, 15)), (std::vector<std::int64_t>{0, 1, 2}));
    const auto none = read("orders", 0, 0, 1000, 4);
    EXPECT_TRUE(none.records.empty());
    EXPECT_EQ(none.next_position, 0);
}

TEST_F(dis_consumer_test, a_cursor_of_a_recreated_stream_is_invalid) {
    make_stream("orders", 1);
    const auto start = store.start_cursor(project, "orders", 0, cursor_type::trim_horizon, 0);
    store.delete_stream(project, "orders");
    make_stream("orders", 1);
    read_request request;
    request.stream_name = "orders";
    request.stream_id = start.stream_id;
    EXPECT_TRUE(throws_errc([&] { store.read_records(project, request); }, errc::dis_cursor_invalid));
}

// --- retention --------------------------------------------------------------------------------------------

TEST_F(dis_consumer_test, records_older_than_the_retention_period_disappear) {
    make_stream("orders", 1, 48);
    fill("orders", 0, 2);
    clock.advance(ms_per_hour);
    fill("orders", 0, 1);
    clock.advance(48 * ms_per_hour - ms_per_hour - 1);
    EXPECT_EQ(store.get_stream(project, "orders").partitions[0].earliest, 0);
    clock.advance(1);
    const auto p = store.get_stream(project, "orders").partitions[0];
    EXPECT_EQ(p.earliest, 2);
    EXPECT_EQ(p.next, 3);
    EXPECT_EQ(cursor("orders", 0, cursor_type::trim_horizon), 2);
    EXPECT_EQ(sequences(read("orders", 0, 2)), (std::vector<std::int64_t>{2}));
    const auto gone = thrown_error([&] { read("orders", 0, 1); });
    ASSERT_TRUE(gone);
    EXPECT_EQ(gone->code(), errc::dis_position_expired);
    EXPECT_TRUE(throws_errc([&] { cursor("orders", 0, cursor_type::at_sequence_number, 1); },
                            errc::sequence_number_out_of_range));
    clock.advance(ms_per_hour);
    EXPECT_EQ(store.get_stream(project, "orders").partitions[0].earliest, 3);
    EXPECT_EQ(cursor("orders", 0, cursor_type::trim_horizon), 3);
    EXPECT_EQ(store.put_records(project, "orders", {to_partition(0)})[0].sequence_number, 3);
}

TEST_F(dis_consumer_test, retention_counts_from_acceptance_not_from_a_given_timestamp) {
    make_stream("orders", 1);
    auto old = to_partition(0);
    old.timestamp = 1000;
    store.put_records(project, "orders", {old});
    const auto records = store.records(project, "orders", 0);
    ASSERT_EQ(records.size(), 1U);
    EXPECT_EQ(records[0].timestamp, 1000);
    EXPECT_EQ(records[0].accepted_at, start_ms);
}

// --- apps -------------------------------------------------------------------------------------------------

TEST_F(dis_consumer_test, list_apps_pages_and_filters_by_committed_stream) {
    make_stream("orders", 1);
    for (const char* name : {"d", "b", "a", "c"}) make_app(name);
    commit("b", "orders", 0, 0);
    commit("d", "orders", 0, 0);
    auto page = store.list_apps(project, "", 3, std::nullopt);
    ASSERT_EQ(page.apps.size(), 3U);
    EXPECT_EQ(page.apps[0].app_name, "a");
    EXPECT_EQ(page.apps[2].app_name, "c");
    EXPECT_TRUE(page.has_more);
    EXPECT_EQ(page.total, 4U);
    page = store.list_apps(project, "c", 3, std::nullopt);
    ASSERT_EQ(page.apps.size(), 1U);
    EXPECT_FALSE(page.has_more);
    page = store.list_apps(project, "", 1, std::string("orders"));
    ASSERT_EQ(page.apps.size(), 1U);
    EXPECT_EQ(page.apps[0].app_name, "b");
    EXPECT_TRUE(page.has_more);
    EXPECT_EQ(page.total, 2U);
    page = store.list_apps(project, "b", 1, std::string("orders"));
    ASSERT_EQ(page.apps.size(), 1U);
    EXPECT_EQ(page.apps[0].app_name, "d");
    EXPECT_FALSE(page.has_more);
    EXPECT_EQ(store.list_apps(project, "", 10, std::string("nope")).total, 0U);
}

TEST_F(dis_consumer_test, delete_app_removes_its_checkpoints_only) {
    make_stream("orders", 1);
    fill("orders", 0, 2);
    make_app("billing");
    make_app("audit");
    commit("billing", "orders", 0, 1);
    commit("audit", "orders", 0, 2);
    store.delete_app(project, "billing");
    EXPECT_TRUE(throws_errc([&] { store.get_app(project, "billing"); }, errc::app_not_found));
    EXPECT_TRUE(throws_errc([&] { store.delete_app(project, "billing"); }, errc::app_not_found));
    make_app("billing");
    EXPECT_FALSE(store.get_checkpoint(project, checkpoint_key{"billing", "orders", 0, last_read}));
    EXPECT_EQ(store.get_checkpoint(project, checkpoint_key{"audit", "orders", 0, last_read})->sequence_number,
              2);
}

TEST_F(dis_consumer_test, consumer_state_lists_every_partition_with_its_checkpoint) {
    make_stream("orders", 2);
    fill("orders", 0, 4);
    make_app("billing");
    commit("billing", "orders", 0, 3);
    const auto states = store.consumer_state(project, "billing", "orders", last_read);
    ASSERT_EQ(states.size(), 2U);
    ASSERT_TRUE(states[0].checkpoint);
    EXPECT_EQ(states[0].checkpoint->sequence_number, 3);
    EXPECT_EQ(states[0].partition.next, 4);
    EXPECT_FALSE(states[1].checkpoint);
    EXPECT_TRUE(throws_errc([&] { store.consumer_state(project, "nope", "missing", last_read); },
                            errc::stream_not_found));
    EXPECT_TRUE(throws_errc([&] { store.consumer_state(project, "nope", "orders", last_read); },
                            errc::app_not_found));
}

// --- concurrency ---------------------------------------------------------------------------------------

TEST_F(dis_consumer_test, readers_see_every_record_once_while_producers_append_and_the_stream_scales) {
    make_stream("orders", 2);
    constexpr int producers = 4;
    constexpr int per_producer = 300;
    constexpr std::int64_t total = producers * per_producer;
    std::vector<std::thread> threads;
    for (int i = 0; i < producers; ++i) {
        threads.emplace_back([&] {
            for (int n = 0; n < per_producer; ++n) store.put_records(project, "orders", {to_partition(0)});
        });
    }
    threads.emplace_back([&] {
        for (int n = 0; n < 50; ++n) store.update_partition_count(project, "orders", n % 2 == 0 ? 3 : 2);
    });
    std::vector<std::int64_t> seen;
    std::int64_t position = 0;
    while (position < total) {
        const auto result = read("orders", 0, position, 7);
        for (const auto& r : result.records) seen.push_back(r.sequence_number);
        position = result.next_position;
    }
    for (auto& t : threads) t.join();
    ASSERT_EQ(seen.size(), static_cast<std::size_t>(total));
    for (std::int64_t i = 0; i < total; ++i) ASSERT_EQ(seen[static_cast<std::size_t>(i)], i);
    EXPECT_EQ(store.get_stream(project, "orders").update_partition_counts.size(), 50U);
}

}  // namespace
