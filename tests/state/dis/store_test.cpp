#include "state/dis/store.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "state/errors.hpp"
#include "state/hashing.hpp"
#include "tests/state/state_test_support.hpp"

namespace {

using namespace emu::state;
using emu::state::testing::fake_clock;
using emu::state::testing::start_ms;
using emu::state::testing::thrown_error;
using emu::state::testing::throws_errc;

const std::string last_read = "LAST_READ";

bool is_alnum_id(const std::string& id, std::size_t length) {
    return id.size() == length &&
           std::all_of(id.begin(), id.end(), [](unsigned char c) { return std::isalnum(c) != 0; });
}

stream_spec spec_of(std::string name, std::int32_t partitions, std::string type) {
    stream_spec spec;
    spec.stream_name = std::move(name);
    spec.partition_count = partitions;
    spec.stream_type = std::move(type);
    return spec;
}

record_input to_partition(std::int32_t partition, std::string data = "ZGF0YQ==") {
    record_input r;
    r.partition = partition;
    r.data = std::move(data);
    return r;
}

record_input with_key(std::string key, std::string data = "ZGF0YQ==") {
    record_input r;
    r.partition_key = std::move(key);
    r.data = std::move(data);
    return r;
}

record_input with_hash(std::int64_t hash) {
    record_input r;
    r.explicit_hash_key = hash;
    r.data = "ZGF0YQ==";
    return r;
}

record_input unrouted(std::string data = "ZGF0YQ==") {
    record_input r;
    r.data = std::move(data);
    return r;
}

std::vector<std::int32_t> partitions_of(const std::vector<record_result>& results) {
    std::vector<std::int32_t> out;
    for (const auto& r : results) out.push_back(r.partition);
    return out;
}

std::vector<std::int64_t> sequences_of(const std::vector<record_result>& results) {
    std::vector<std::int64_t> out;
    for (const auto& r : results) out.push_back(r.sequence_number);
    return out;
}

class dis_store_test : public ::testing::Test {
  protected:
    const std::string project = "0123456789abcdef0123456789abcdef";
    const std::string other_project = "fedcba9876543210fedcba9876543210";

    fake_clock clock;
    dis_store store{clock.fn()};

    stream_info make_stream(const std::string& name, std::int32_t partitions,
                            const std::string& type = "COMMON", const std::string& in_project = "") {
        return store.create_stream(in_project.empty() ? project : in_project,
                                   spec_of(name, partitions, type));
    }

    app_info make_app(const std::string& name, const std::string& in_project = "") {
        app_spec spec;
        spec.app_name = name;
        return store.create_app(in_project.empty() ? project : in_project, spec);
    }

    std::vector<record_result> put(const std::string& stream, const std::vector<record_input>& records) {
        return store.put_records(project, stream, records);
    }

    void fill(const std::string& stream, std::int32_t partition, int count) {
        put(stream, std::vector<record_input>(static_cast<std::size_t>(count), to_partition(partition)));
    }

    void commit(const std::string& app, const std::string& stream, std::int32_t partition,
                std::int64_t sequence, const std::string& metadata = "",
                const std::string& type = last_read) {
        store.commit_checkpoint(project, checkpoint_key{app, stream, partition, type}, sequence, metadata);
    }

    std::optional<checkpoint_value> checkpoint(const std::string& app, const std::string& stream,
                                               std::int32_t partition, const std::string& type = last_read) {
        return store.get_checkpoint(project, checkpoint_key{app, stream, partition, type});
    }

    std::vector<std::string> checkpoint_streams(const std::string& app) {
        return store.get_app(project, app).commit_checkpoint_stream_names;
    }
};

void expect_checkpoint(const std::optional<checkpoint_value>& actual, std::int64_t sequence,
                       const std::string& metadata) {
    ASSERT_TRUE(actual.has_value());
    EXPECT_EQ(actual->sequence_number, sequence);
    EXPECT_EQ(actual->metadata, metadata);
}

// ---------------------------------------------------------------------------------------------------
// Streams

TEST_F(dis_store_test, create_stream_fills_id_times_and_active_partitions) {
    stream_spec spec;
    spec.stream_name = "orders";
    spec.partition_count = 3;
    spec.data_duration = 48;
    const auto info = store.create_stream(project, spec);
    EXPECT_TRUE(is_alnum_id(info.spec.stream_id, 19)) << info.spec.stream_id;
    EXPECT_EQ(info.spec.create_time, std::optional<std::int64_t>{start_ms});
    EXPECT_EQ(info.spec.stream_name, "orders");
    EXPECT_EQ(info.spec.stream_type, "COMMON");
    EXPECT_EQ(info.spec.data_duration, 48);
    EXPECT_EQ(info.status, "RUNNING");
    EXPECT_EQ(info.last_modified_time, start_ms);
    ASSERT_EQ(info.partitions.size(), 3u);
    for (std::int32_t i = 0; i < 3; ++i) {
        const auto& p = info.partitions[static_cast<std::size_t>(i)];
        EXPECT_EQ(p.index, i);
        EXPECT_EQ(p.status, dis_partition_status::active);
        EXPECT_EQ(p.earliest, 0);
        EXPECT_EQ(p.next, 0);
    }
}

TEST_F(dis_store_test, create_stream_keeps_given_id_and_create_time) {
    stream_spec spec;
    spec.stream_name = "orders";
    spec.stream_id = "abcDEF0123456789xyz";
    spec.create_time = 1234;
    const auto info = store.create_stream(project, spec);
    EXPECT_EQ(info.spec.stream_id, "abcDEF0123456789xyz");
    EXPECT_EQ(info.spec.create_time, std::optional<std::int64_t>{1234});
    EXPECT_EQ(info.last_modified_time, start_ms);
}

TEST_F(dis_store_test, get_stream_returns_created_stream) {
    const auto created = make_stream("orders", 2);
    clock.advance(10);
    const auto got = store.get_stream(project, "orders");
    EXPECT_EQ(got.spec.stream_id, created.spec.stream_id);
    EXPECT_EQ(got.spec.create_time, created.spec.create_time);
    EXPECT_EQ(got.partitions.size(), 2u);
}

TEST_F(dis_store_test, duplicate_stream_name_is_stream_exists) {
    make_stream("orders", 2);
    const auto e = thrown_error([&] { make_stream("orders", 1); });
    ASSERT_TRUE(e.has_value());
    EXPECT_EQ(e->code(), errc::stream_exists);
    EXPECT_EQ(e->facts(), (error_facts{.name = "orders"}));
    EXPECT_EQ(store.get_stream(project, "orders").partitions.size(), 2u);
}

TEST_F(dis_store_test, get_missing_stream_is_stream_not_found_with_name_and_project) {
    make_stream("orders", 1);
    const auto e = thrown_error([&] { store.get_stream(project, "missing"); });
    ASSERT_TRUE(e.has_value());
    EXPECT_EQ(e->code(), errc::stream_not_found);
    EXPECT_EQ(e->facts(), (error_facts{.name = "missing", .project_id = project}));
}

TEST_F(dis_store_test, get_stream_in_unknown_project_is_stream_not_found_with_name_and_project) {
    const auto e = thrown_error([&] { store.get_stream("nobody", "orders"); });
    ASSERT_TRUE(e.has_value());
    EXPECT_EQ(e->code(), errc::stream_not_found);
    EXPECT_EQ(e->facts(), (error_facts{.name = "orders", .project_id = "nobody"}));
}

TEST_F(dis_store_test, common_streams_may_use_up_to_fifty_partitions) {
    make_stream("a", 30);
    EXPECT_NO_THROW(make_stream("b", 20));
}

TEST_F(dis_store_test, common_partitions_beyond_fifty_are_quota_exceeded) {
    make_stream("a", 30);
    make_stream("b", 20);
    EXPECT_TRUE(throws_errc([&] { make_stream("c", 1); }, errc::stream_partition_quota_exceeded));
    EXPECT_TRUE(throws_errc([&] { store.get_stream(project, "c"); }, errc::stream_not_found));
}

TEST_F(dis_store_test, single_common_stream_above_fifty_is_quota_exceeded) {
    EXPECT_TRUE(throws_errc([&] { make_stream("big", 51); }, errc::stream_partition_quota_exceeded));
    EXPECT_NO_THROW(make_stream("big", 50));
}

TEST_F(dis_store_test, a_huge_partition_count_cannot_wrap_past_the_quota) {
    make_stream("a", 10);
    EXPECT_TRUE(throws_errc([&] { make_stream("huge", INT32_MAX); }, errc::stream_partition_quota_exceeded));
}

TEST_F(dis_store_test, advanced_streams_have_their_own_quota_of_ten) {
    make_stream("common", 50);
    make_stream("adv-a", 6, "ADVANCED");
    EXPECT_NO_THROW(make_stream("adv-b", 4, "ADVANCED"));
    EXPECT_TRUE(
        throws_errc([&] { make_stream("adv-c", 1, "ADVANCED"); }, errc::stream_partition_quota_exceeded));
    EXPECT_TRUE(throws_errc([&] { make_stream("common-2", 1); }, errc::stream_partition_quota_exceeded));
}

TEST_F(dis_store_test, single_advanced_stream_above_ten_is_quota_exceeded) {
    EXPECT_TRUE(
        throws_errc([&] { make_stream("adv", 11, "ADVANCED"); }, errc::stream_partition_quota_exceeded));
}

TEST_F(dis_store_test, quota_comes_from_configured_limits) {
    dis_store limited{clock.fn(), dis_limits{.common_partitions = 3, .advanced_partitions = 1}};
    EXPECT_NO_THROW(limited.create_stream(project, spec_of("a", 3, "COMMON")));
    EXPECT_TRUE(throws_errc([&] { limited.create_stream(project, spec_of("b", 1, "COMMON")); },
                            errc::stream_partition_quota_exceeded));
    EXPECT_NO_THROW(limited.create_stream(project, spec_of("c", 1, "ADVANCED")));
    EXPECT_TRUE(throws_errc([&] { limited.create_stream(project, spec_of("d", 1, "ADVANCED")); },
                            errc::stream_partition_quota_exceeded));
}

TEST_F(dis_store_test, quota_is_per_project) {
    make_stream("a", 50);
    EXPECT_NO_THROW(make_stream("a", 50, "COMMON", other_project));
}

// ---------------------------------------------------------------------------------------------------
// put_records

TEST_F(dis_store_test, explicit_partition_routes_there) {
    make_stream("orders", 3);
    const auto results = put("orders", {to_partition(2), to_partition(0), to_partition(2)});
    EXPECT_EQ(partitions_of(results), (std::vector<std::int32_t>{2, 0, 2}));
    EXPECT_EQ(sequences_of(results), (std::vector<std::int64_t>{0, 0, 1}));
}

TEST_F(dis_store_test, partition_key_routes_by_md5_hash) {
    make_stream("two", 2);
    make_stream("three", 3);
    make_stream("four", 4);
    EXPECT_EQ(put("two", {with_key("user-42")})[0].partition, 1);
    EXPECT_EQ(put("three", {with_key("user-42")})[0].partition, 2);
    EXPECT_EQ(put("four", {with_key("user-42")})[0].partition, 3);
    EXPECT_EQ(put("two", {with_key("k1")})[0].partition, 0);
    EXPECT_EQ(put("three", {with_key("k1")})[0].partition, 1);
}

TEST_F(dis_store_test, same_partition_key_always_lands_on_same_partition) {
    make_stream("orders", 4);
    const auto results = put("orders", std::vector<record_input>(5, with_key("user-42")));
    EXPECT_EQ(partitions_of(results), (std::vector<std::int32_t>{3, 3, 3, 3, 3}));
    EXPECT_EQ(sequences_of(results), (std::vector<std::int64_t>{0, 1, 2, 3, 4}));
}

TEST_F(dis_store_test, explicit_hash_key_routes_by_hash_range) {
    make_stream("two", 2);
    const auto results = put("two", {with_hash(0), with_hash(4611686018427387903),
                                     with_hash(4611686018427387904), with_hash(INT64_MAX)});
    EXPECT_EQ(partitions_of(results), (std::vector<std::int32_t>{0, 0, 1, 1}));
}

TEST_F(dis_store_test, explicit_hash_key_wins_over_partition_key) {
    make_stream("two", 2);
    record_input r = with_key("user-42");  // alone it would go to partition 1
    r.explicit_hash_key = 0;
    EXPECT_EQ(put("two", {r})[0].partition, 0);
}

TEST_F(dis_store_test, explicit_partition_wins_over_hash_key_and_partition_key) {
    make_stream("two", 2);
    record_input r = with_key("user-42");
    r.explicit_hash_key = INT64_MAX;
    r.partition = 0;
    EXPECT_EQ(put("two", {r})[0].partition, 0);
}

TEST_F(dis_store_test, records_without_routing_round_robin) {
    make_stream("orders", 3);
    const auto first = put("orders", {unrouted(), unrouted(), unrouted(), unrouted()});
    EXPECT_EQ(partitions_of(first), (std::vector<std::int32_t>{0, 1, 2, 0}));
    const auto second = put("orders", {unrouted(), unrouted()});
    EXPECT_EQ(partitions_of(second), (std::vector<std::int32_t>{1, 2}));
    EXPECT_EQ(sequences_of(second), (std::vector<std::int64_t>{1, 1}));
}

TEST_F(dis_store_test, sequence_numbers_are_consecutive_per_partition_and_results_in_input_order) {
    make_stream("orders", 2);
    const auto first =
        put("orders", {to_partition(1), to_partition(0), to_partition(1), to_partition(1), to_partition(0)});
    EXPECT_EQ(partitions_of(first), (std::vector<std::int32_t>{1, 0, 1, 1, 0}));
    EXPECT_EQ(sequences_of(first), (std::vector<std::int64_t>{0, 0, 1, 2, 1}));
    const auto second = put("orders", {to_partition(0), to_partition(1)});
    EXPECT_EQ(sequences_of(second), (std::vector<std::int64_t>{2, 3}));
    const auto info = store.get_stream(project, "orders");
    EXPECT_EQ(info.partitions[0].earliest, 0);
    EXPECT_EQ(info.partitions[0].next, 3);
    EXPECT_EQ(info.partitions[1].earliest, 0);
    EXPECT_EQ(info.partitions[1].next, 4);
}

TEST_F(dis_store_test, records_keep_data_key_and_acceptance_time) {
    make_stream("orders", 1);
    clock.set(start_ms + 77);
    record_input stamped = to_partition(0, "c3RhbXBlZA==");
    stamped.timestamp = 1111;
    put("orders", {with_key("k1", "Zmlyc3Q="), stamped});
    const auto stored = store.records(project, "orders", 0);
    ASSERT_EQ(stored.size(), 2u);
    EXPECT_EQ(stored[0].sequence_number, 0);
    EXPECT_EQ(stored[0].partition_key, std::optional<std::string>{"k1"});
    EXPECT_EQ(stored[0].data, "Zmlyc3Q=");
    EXPECT_EQ(stored[0].timestamp, start_ms + 77);
    EXPECT_EQ(stored[1].sequence_number, 1);
    EXPECT_EQ(stored[1].partition_key, std::nullopt);
    EXPECT_EQ(stored[1].data, "c3RhbXBlZA==");
    EXPECT_EQ(stored[1].timestamp, 1111);
}

TEST_F(dis_store_test, batch_with_missing_partition_fails_whole_and_appends_nothing) {
    make_stream("orders", 2);
    const auto e = thrown_error([&] { put("orders", {to_partition(0), to_partition(5), to_partition(1)}); });
    ASSERT_TRUE(e.has_value());
    EXPECT_EQ(e->code(), errc::partition_not_found);
    EXPECT_EQ(e->facts(), (error_facts{.index = 5}));
    const auto info = store.get_stream(project, "orders");
    EXPECT_EQ(info.partitions[0].next, 0);
    EXPECT_EQ(info.partitions[1].next, 0);
    EXPECT_TRUE(store.records(project, "orders", 0).empty());
    EXPECT_TRUE(store.records(project, "orders", 1).empty());
}

TEST_F(dis_store_test, negative_partition_is_partition_not_found) {
    make_stream("orders", 2);
    EXPECT_TRUE(throws_errc([&] { put("orders", {to_partition(-1)}); }, errc::partition_not_found));
}

TEST_F(dis_store_test, put_records_to_missing_stream_is_stream_not_found) {
    make_stream("orders", 1);
    const auto e = thrown_error([&] { put("missing", {to_partition(0)}); });
    ASSERT_TRUE(e.has_value());
    EXPECT_EQ(e->code(), errc::stream_not_found);
    EXPECT_EQ(e->facts(), (error_facts{.name = "missing", .project_id = project}));
    EXPECT_TRUE(throws_errc([&] { store.put_records("nobody", "orders", {to_partition(0)}); },
                            errc::stream_not_found));
}

TEST_F(dis_store_test, reading_missing_partition_is_partition_not_found) {
    make_stream("orders", 2);
    EXPECT_TRUE(throws_errc([&] { store.records(project, "orders", 2); }, errc::partition_not_found));
}

// ---------------------------------------------------------------------------------------------------
// Apps

TEST_F(dis_store_test, create_app_fills_id_and_create_time) {
    clock.set(start_ms + 9);
    const auto app = make_app("billing");
    EXPECT_EQ(app.app_name, "billing");
    EXPECT_TRUE(is_alnum_id(app.app_id, 19)) << app.app_id;
    EXPECT_EQ(app.create_time, start_ms + 9);
    EXPECT_TRUE(app.commit_checkpoint_stream_names.empty());
}

TEST_F(dis_store_test, create_app_keeps_given_id_and_create_time) {
    const auto app = store.create_app(project, app_spec{"billing", "App0123456789abcdef", 55});
    EXPECT_EQ(app.app_id, "App0123456789abcdef");
    EXPECT_EQ(app.create_time, 55);
}

TEST_F(dis_store_test, get_app_returns_created_app) {
    const auto created = make_app("billing");
    const auto got = store.get_app(project, "billing");
    EXPECT_EQ(got.app_name, "billing");
    EXPECT_EQ(got.app_id, created.app_id);
    EXPECT_EQ(got.create_time, created.create_time);
}

TEST_F(dis_store_test, duplicate_app_is_app_exists) {
    const auto first = make_app("billing");
    const auto e = thrown_error([&] { make_app("billing"); });
    ASSERT_TRUE(e.has_value());
    EXPECT_EQ(e->code(), errc::app_exists);
    EXPECT_EQ(e->facts(), (error_facts{.name = "billing"}));
    EXPECT_EQ(store.get_app(project, "billing").app_id, first.app_id);
}

TEST_F(dis_store_test, get_missing_app_is_app_not_found) {
    make_app("billing");
    const auto e = thrown_error([&] { store.get_app(project, "missing"); });
    ASSERT_TRUE(e.has_value());
    EXPECT_EQ(e->code(), errc::app_not_found);
    EXPECT_EQ(e->facts(), (error_facts{.name = "missing"}));
    EXPECT_TRUE(throws_errc([&] { store.get_app("nobody", "billing"); }, errc::app_not_found));
}

// ---------------------------------------------------------------------------------------------------
// Checkpoints (dis-api.md §7, §10)

// Stream "orders" with 3 partitions holding 3, 1 and 0 records; app "billing".
class dis_checkpoint_test : public dis_store_test {
  protected:
    void SetUp() override {
        make_stream("orders", 3);
        fill("orders", 0, 3);
        fill("orders", 1, 1);
        make_app("billing");
    }
};

TEST_F(dis_checkpoint_test, commit_then_get_returns_value) {
    commit("billing", "orders", 0, 2, "worker-1");
    expect_checkpoint(checkpoint("billing", "orders", 0), 2, "worker-1");
}

TEST_F(dis_checkpoint_test, commit_overwrites_previous_value) {
    commit("billing", "orders", 0, 1, "first");
    commit("billing", "orders", 0, 3, "second");
    expect_checkpoint(checkpoint("billing", "orders", 0), 3, "second");
    commit("billing", "orders", 0, 0, "");
    expect_checkpoint(checkpoint("billing", "orders", 0), 0, "");
}

TEST_F(dis_checkpoint_test, get_without_commit_is_nullopt) {
    EXPECT_EQ(checkpoint("billing", "orders", 0), std::nullopt);
    commit("billing", "orders", 0, 1);
    EXPECT_EQ(checkpoint("billing", "orders", 1), std::nullopt);
    EXPECT_EQ(checkpoint("billing", "orders", 0, "OTHER_TYPE"), std::nullopt);
}

TEST_F(dis_checkpoint_test, commit_accepts_earliest_and_next_inclusive) {
    EXPECT_NO_THROW(commit("billing", "orders", 0, 0));
    expect_checkpoint(checkpoint("billing", "orders", 0), 0, "");
    EXPECT_NO_THROW(commit("billing", "orders", 0, 3));
    expect_checkpoint(checkpoint("billing", "orders", 0), 3, "");
    EXPECT_NO_THROW(commit("billing", "orders", 2, 0));  // empty partition: [0 : 0]
}

TEST_F(dis_checkpoint_test, commit_above_next_is_out_of_range_with_bounds) {
    commit("billing", "orders", 0, 2, "kept");
    const auto e = thrown_error([&] { commit("billing", "orders", 0, 4, "new"); });
    ASSERT_TRUE(e.has_value());
    EXPECT_EQ(e->code(), errc::sequence_number_out_of_range);
    EXPECT_EQ(e->facts(), (error_facts{.requested = 4, .low = 0, .high = 3}));
    expect_checkpoint(checkpoint("billing", "orders", 0), 2, "kept");
}

TEST_F(dis_checkpoint_test, commit_below_earliest_is_out_of_range_with_bounds) {
    const auto e = thrown_error([&] { commit("billing", "orders", 1, -1); });
    ASSERT_TRUE(e.has_value());
    EXPECT_EQ(e->code(), errc::sequence_number_out_of_range);
    EXPECT_EQ(e->facts(), (error_facts{.requested = -1, .low = 0, .high = 1}));
    EXPECT_EQ(checkpoint("billing", "orders", 1), std::nullopt);
}

TEST_F(dis_checkpoint_test, commit_on_empty_partition_above_zero_is_out_of_range) {
    const auto e = thrown_error([&] { commit("billing", "orders", 2, 1); });
    ASSERT_TRUE(e.has_value());
    EXPECT_EQ(e->code(), errc::sequence_number_out_of_range);
    EXPECT_EQ(e->facts(), (error_facts{.requested = 1, .low = 0, .high = 0}));
}

TEST_F(dis_checkpoint_test, missing_stream_and_missing_app_is_stream_not_found) {
    const checkpoint_key key{"ghost-app", "ghost-stream", 0, last_read};
    const auto e = thrown_error([&] { store.commit_checkpoint(project, key, 0, ""); });
    ASSERT_TRUE(e.has_value());
    EXPECT_EQ(e->code(), errc::stream_not_found);
    EXPECT_EQ(e->facts(), (error_facts{.name = "ghost-stream", .project_id = project}));
    EXPECT_TRUE(throws_errc([&] { store.get_checkpoint(project, key); }, errc::stream_not_found));
    EXPECT_TRUE(
        throws_errc([&] { store.delete_checkpoints(project, "ghost-app", "ghost-stream", 0, last_read); },
                    errc::stream_not_found));
    EXPECT_TRUE(throws_errc(
        [&] { store.delete_checkpoints(project, "ghost-app", "ghost-stream", std::nullopt, last_read); },
        errc::stream_not_found));
}

TEST_F(dis_checkpoint_test, missing_stream_with_existing_app_is_stream_not_found) {
    const checkpoint_key key{"billing", "ghost-stream", 0, last_read};
    EXPECT_TRUE(throws_errc([&] { store.commit_checkpoint(project, key, 0, ""); }, errc::stream_not_found));
    EXPECT_TRUE(throws_errc([&] { store.get_checkpoint(project, key); }, errc::stream_not_found));
    EXPECT_TRUE(
        throws_errc([&] { store.delete_checkpoints(project, "billing", "ghost-stream", 0, last_read); },
                    errc::stream_not_found));
}

TEST_F(dis_checkpoint_test, unknown_project_is_stream_not_found) {
    const checkpoint_key key{"billing", "orders", 0, last_read};
    const auto e = thrown_error([&] { store.commit_checkpoint("nobody", key, 0, ""); });
    ASSERT_TRUE(e.has_value());
    EXPECT_EQ(e->code(), errc::stream_not_found);
    EXPECT_EQ(e->facts(), (error_facts{.name = "orders", .project_id = "nobody"}));
    EXPECT_TRUE(throws_errc([&] { store.get_checkpoint("nobody", key); }, errc::stream_not_found));
    EXPECT_TRUE(throws_errc([&] { store.delete_checkpoints("nobody", "billing", "orders", 0, last_read); },
                            errc::stream_not_found));
}

TEST_F(dis_checkpoint_test, existing_stream_missing_app_and_bad_partition_is_app_not_found) {
    const checkpoint_key key{"ghost-app", "orders", 99, last_read};
    const auto e = thrown_error([&] { store.commit_checkpoint(project, key, 0, ""); });
    ASSERT_TRUE(e.has_value());
    EXPECT_EQ(e->code(), errc::app_not_found);
    EXPECT_EQ(e->facts(), (error_facts{.name = "ghost-app"}));
    EXPECT_TRUE(throws_errc([&] { store.get_checkpoint(project, key); }, errc::app_not_found));
    EXPECT_TRUE(throws_errc([&] { store.delete_checkpoints(project, "ghost-app", "orders", 99, last_read); },
                            errc::app_not_found));
    EXPECT_TRUE(throws_errc(
        [&] { store.delete_checkpoints(project, "ghost-app", "orders", std::nullopt, last_read); },
        errc::app_not_found));
}

TEST_F(dis_checkpoint_test, existing_stream_and_app_with_bad_partition_is_partition_not_found) {
    const checkpoint_key key{"billing", "orders", 3, last_read};
    const auto e = thrown_error([&] { store.commit_checkpoint(project, key, 0, ""); });
    ASSERT_TRUE(e.has_value());
    EXPECT_EQ(e->code(), errc::partition_not_found);
    EXPECT_EQ(e->facts(), (error_facts{.index = 3}));
    EXPECT_TRUE(throws_errc([&] { store.get_checkpoint(project, key); }, errc::partition_not_found));
    EXPECT_TRUE(throws_errc([&] { store.delete_checkpoints(project, "billing", "orders", 3, last_read); },
                            errc::partition_not_found));
    EXPECT_TRUE(throws_errc([&] { store.delete_checkpoints(project, "billing", "orders", -1, last_read); },
                            errc::partition_not_found));
}

TEST_F(dis_checkpoint_test, bad_partition_is_checked_before_sequence_range) {
    EXPECT_TRUE(throws_errc([&] { commit("billing", "orders", 7, 1000); }, errc::partition_not_found));
}

TEST_F(dis_checkpoint_test, delete_with_partition_removes_only_that_checkpoint) {
    make_app("audit");
    commit("billing", "orders", 0, 1);
    commit("billing", "orders", 1, 1);
    commit("audit", "orders", 0, 2);
    store.delete_checkpoints(project, "billing", "orders", 0, last_read);
    EXPECT_EQ(checkpoint("billing", "orders", 0), std::nullopt);
    expect_checkpoint(checkpoint("billing", "orders", 1), 1, "");
    expect_checkpoint(checkpoint("audit", "orders", 0), 2, "");
}

TEST_F(dis_checkpoint_test, delete_without_partition_removes_app_type_checkpoints_on_every_partition) {
    make_app("audit");
    make_stream("payments", 2);
    fill("payments", 0, 1);
    commit("billing", "orders", 0, 1);
    commit("billing", "orders", 1, 1);
    commit("billing", "orders", 2, 0);
    commit("billing", "orders", 0, 2, "other", "OTHER_TYPE");
    commit("billing", "payments", 0, 1);
    commit("audit", "orders", 0, 3);
    commit("audit", "orders", 1, 0);

    store.delete_checkpoints(project, "billing", "orders", std::nullopt, last_read);

    EXPECT_EQ(checkpoint("billing", "orders", 0), std::nullopt);
    EXPECT_EQ(checkpoint("billing", "orders", 1), std::nullopt);
    EXPECT_EQ(checkpoint("billing", "orders", 2), std::nullopt);
    expect_checkpoint(checkpoint("billing", "orders", 0, "OTHER_TYPE"), 2, "other");
    expect_checkpoint(checkpoint("billing", "payments", 0), 1, "");
    expect_checkpoint(checkpoint("audit", "orders", 0), 3, "");
    expect_checkpoint(checkpoint("audit", "orders", 1), 0, "");
}

TEST_F(dis_checkpoint_test, deleting_nothing_is_not_an_error) {
    EXPECT_NO_THROW(store.delete_checkpoints(project, "billing", "orders", 0, last_read));
    EXPECT_NO_THROW(store.delete_checkpoints(project, "billing", "orders", std::nullopt, last_read));
    commit("billing", "orders", 1, 1);
    store.delete_checkpoints(project, "billing", "orders", 1, last_read);
    EXPECT_NO_THROW(store.delete_checkpoints(project, "billing", "orders", 1, last_read));
}

TEST_F(dis_checkpoint_test, commit_checkpoint_stream_names_are_sorted_and_unique) {
    make_stream("zeta", 1);
    make_stream("alpha", 2);
    commit("billing", "zeta", 0, 0);
    commit("billing", "orders", 0, 1);
    commit("billing", "orders", 1, 1);
    commit("billing", "alpha", 0, 0);
    commit("billing", "alpha", 1, 0);
    EXPECT_EQ(checkpoint_streams("billing"), (std::vector<std::string>{"alpha", "orders", "zeta"}));
}

TEST_F(dis_checkpoint_test, commit_checkpoint_stream_names_only_lists_own_checkpoints) {
    make_app("audit");
    make_stream("payments", 1);
    commit("audit", "payments", 0, 0);
    commit("billing", "orders", 0, 0);
    EXPECT_EQ(checkpoint_streams("billing"), std::vector<std::string>{"orders"});
    EXPECT_EQ(checkpoint_streams("audit"), std::vector<std::string>{"payments"});
}

TEST_F(dis_checkpoint_test,
       stream_leaves_commit_checkpoint_stream_names_after_all_its_checkpoints_are_deleted) {
    make_stream("payments", 1);
    commit("billing", "orders", 0, 1);
    commit("billing", "orders", 2, 0);
    commit("billing", "payments", 0, 0);
    store.delete_checkpoints(project, "billing", "orders", 0, last_read);
    EXPECT_EQ(checkpoint_streams("billing"), (std::vector<std::string>{"orders", "payments"}));
    store.delete_checkpoints(project, "billing", "orders", std::nullopt, last_read);
    EXPECT_EQ(checkpoint_streams("billing"), std::vector<std::string>{"payments"});
    store.delete_checkpoints(project, "billing", "payments", 0, last_read);
    EXPECT_TRUE(checkpoint_streams("billing").empty());
}

// ---------------------------------------------------------------------------------------------------
// Projects and reset

TEST_F(dis_store_test, projects_are_isolated) {
    make_stream("orders", 2);
    make_stream("orders", 2, "COMMON", other_project);
    make_app("billing");
    make_app("billing", other_project);

    put("orders", {to_partition(0), to_partition(0)});
    EXPECT_EQ(store.get_stream(other_project, "orders").partitions[0].next, 0);
    EXPECT_EQ(store.put_records(other_project, "orders", {to_partition(0)})[0].sequence_number, 0);

    store.commit_checkpoint(project, checkpoint_key{"billing", "orders", 0, last_read}, 2, "mine");
    EXPECT_EQ(store.get_checkpoint(other_project, checkpoint_key{"billing", "orders", 0, last_read}),
              std::nullopt);
    EXPECT_TRUE(store.get_app(other_project, "billing").commit_checkpoint_stream_names.empty());
    EXPECT_TRUE(throws_errc(
        [&] {
            store.commit_checkpoint(other_project, checkpoint_key{"billing", "orders", 0, last_read}, 2, "");
        },
        errc::sequence_number_out_of_range));  // other project's partition 0 only holds [0 : 1]

    store.delete_checkpoints(other_project, "billing", "orders", std::nullopt, last_read);
    expect_checkpoint(store.get_checkpoint(project, checkpoint_key{"billing", "orders", 0, last_read}), 2,
                      "mine");
}

TEST_F(dis_store_test, app_in_one_project_is_unknown_in_another) {
    make_app("billing");
    make_stream("orders", 1, "COMMON", other_project);
    EXPECT_TRUE(throws_errc([&] { store.get_app(other_project, "billing"); }, errc::app_not_found));
    EXPECT_TRUE(throws_errc(
        [&] {
            store.commit_checkpoint(other_project, checkpoint_key{"billing", "orders", 0, last_read}, 0, "");
        },
        errc::app_not_found));
}

TEST_F(dis_store_test, reset_empties_everything) {
    make_stream("orders", 50);
    make_stream("orders", 1, "COMMON", other_project);
    put("orders", {to_partition(0)});
    make_app("billing");
    store.commit_checkpoint(project, checkpoint_key{"billing", "orders", 0, last_read}, 1, "");

    store.reset();

    EXPECT_TRUE(throws_errc([&] { store.get_stream(project, "orders"); }, errc::stream_not_found));
    EXPECT_TRUE(throws_errc([&] { store.get_stream(other_project, "orders"); }, errc::stream_not_found));
    EXPECT_TRUE(throws_errc([&] { store.get_app(project, "billing"); }, errc::app_not_found));
    EXPECT_NO_THROW(make_stream("orders", 50));  // quota freed too
    EXPECT_NO_THROW(make_app("billing"));
    EXPECT_EQ(put("orders", {to_partition(0)})[0].sequence_number, 0);
    EXPECT_EQ(store.get_checkpoint(project, checkpoint_key{"billing", "orders", 0, last_read}), std::nullopt);
    EXPECT_TRUE(checkpoint_streams("billing").empty());
}

}  // namespace
