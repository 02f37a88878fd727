#include "state/record_log.hpp"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "state/reclaimer.hpp"

namespace {

using emu::state::log_entry;
using emu::state::record_log;

constexpr auto per_chunk = static_cast<std::int64_t>(record_log::chunk_records);

// A log of `count` records numbered from 0: value "v<n>", key "k<n>" on even numbers, timestamp 1000 + n,
// appended at 10 * n.
record_log filled(std::int64_t count) {
    record_log log;
    for (std::int64_t n = 0; n < count; ++n) {
        const std::string key = "k" + std::to_string(n);
        const std::string value = "v" + std::to_string(n);
        log.append(1000 + n, 10 * n, n % 2 == 0 ? std::optional<std::string_view>(key) : std::nullopt, value,
                   n == 3 ? "extra" : "");
    }
    return log;
}

std::int64_t payload_of(std::int64_t from, std::int64_t to) {
    std::int64_t bytes = 0;
    for (std::int64_t n = from; n < to; ++n) {
        const auto digits = static_cast<std::int64_t>(std::to_string(n).size());
        bytes += 1 + digits + (n % 2 == 0 ? 1 + digits : 0);
    }
    return bytes;
}

TEST(record_log_test, appended_records_read_back_with_key_value_and_extra) {
    const auto log = filled(5);
    EXPECT_EQ(log.start(), 0);
    EXPECT_EQ(log.end(), 5);
    const log_entry even = log.at(2);
    EXPECT_EQ(even.number, 2);
    ASSERT_TRUE(even.key.has_value());
    EXPECT_EQ(*even.key, "k2");
    EXPECT_EQ(even.value, "v2");
    EXPECT_EQ(even.timestamp, 1002);
    EXPECT_EQ(even.appended_ms, 20);
    const log_entry odd = log.at(3);
    EXPECT_FALSE(odd.key.has_value());
    EXPECT_EQ(odd.value, "v3");
    EXPECT_EQ(odd.extra, "extra");
    EXPECT_EQ(log.payload_bytes(), payload_of(0, 5));
}

TEST(record_log_test, an_empty_key_is_kept_apart_from_no_key) {
    record_log log;
    log.append(1, 1, std::string_view{}, "value");
    ASSERT_TRUE(log.front().key.has_value());
    EXPECT_EQ(*log.front().key, "");
}

TEST(record_log_test, records_across_chunk_boundaries_keep_their_numbers) {
    const std::int64_t count = 3 * per_chunk + 7;
    const auto log = filled(count);
    for (const std::int64_t n : {std::int64_t{0}, per_chunk - 1, per_chunk, 2 * per_chunk + 1, count - 1}) {
        EXPECT_EQ(log.at(n).number, n);
        EXPECT_EQ(log.at(n).value, "v" + std::to_string(n));
    }
    EXPECT_EQ(log.payload_bytes(), payload_of(0, count));
}

TEST(record_log_test, a_record_larger_than_a_chunk_gets_one_of_its_own) {
    record_log log;
    log.append(1, 1, std::nullopt, "small");
    const std::string big(record_log::chunk_bytes + 10, 'x');
    log.append(2, 2, std::nullopt, big);
    log.append(3, 3, std::nullopt, "after");
    EXPECT_EQ(log.at(1).value.size(), big.size());
    EXPECT_EQ(log.at(2).value, "after");
}

TEST(record_log_test, trim_inside_a_chunk_moves_the_start_and_keeps_the_rest) {
    auto log = filled(10);
    const auto released = log.trim(4);
    EXPECT_TRUE(released.empty());  // the chunk still holds live records
    EXPECT_EQ(log.start(), 4);
    EXPECT_EQ(log.front().value, "v4");
    EXPECT_EQ(log.payload_bytes(), payload_of(4, 10));
    const auto again = log.trim(7);
    EXPECT_EQ(log.payload_bytes(), payload_of(7, 10));
}

TEST(record_log_test, trim_across_chunks_releases_whole_chunks) {
    const std::int64_t count = 3 * per_chunk + 5;
    auto log = filled(count);
    const auto partial = log.trim(10);
    const auto released = log.trim(2 * per_chunk + 3);
    EXPECT_EQ(released.size(), 2U);
    EXPECT_EQ(log.start(), 2 * per_chunk + 3);
    EXPECT_EQ(log.front().number, 2 * per_chunk + 3);
    EXPECT_EQ(log.payload_bytes(), payload_of(2 * per_chunk + 3, count));
    log.append(1, 1, std::nullopt, "next");
    EXPECT_EQ(log.back().number, count);
}

TEST(record_log_test, trim_is_clamped_to_the_log) {
    auto log = filled(5);
    const auto backwards = log.trim(-3);
    EXPECT_EQ(log.start(), 0);
    const auto everything = log.trim(99);
    EXPECT_EQ(log.start(), 5);
    EXPECT_TRUE(log.empty());
    EXPECT_EQ(log.payload_bytes(), 0);
    log.append(1, 1, std::nullopt, "v");
    EXPECT_EQ(log.front().number, 5);
}

TEST(record_log_test, clear_restarts_numbering_where_asked) {
    auto log = filled(5);
    const auto released = log.clear(40);
    EXPECT_TRUE(log.empty());
    EXPECT_EQ(log.start(), 40);
    EXPECT_EQ(log.end(), 40);
    log.append(1, 1, std::nullopt, "v");
    EXPECT_EQ(log.front().number, 40);
    EXPECT_EQ(log.payload_bytes(), 1);
}

TEST(record_log_test, scan_starts_at_the_given_record_and_stops_when_told) {
    const auto log = filled(per_chunk + 10);
    std::vector<std::int64_t> seen;
    log.scan(per_chunk - 2, [&](const log_entry& e) {
        seen.push_back(e.number);
        return seen.size() < 4;
    });
    EXPECT_EQ(seen, (std::vector<std::int64_t>{per_chunk - 2, per_chunk - 1, per_chunk, per_chunk + 1}));
    seen.clear();
    log.scan(per_chunk + 10, [&](const log_entry& e) {
        seen.push_back(e.number);
        return true;
    });
    EXPECT_TRUE(seen.empty());
}

TEST(record_log_test, time_lookups_find_the_first_match_in_log_order) {
    record_log log;
    for (const std::int64_t ts : {50, 10, 70, 30, 90}) log.append(ts, ts, std::nullopt, "v");
    EXPECT_EQ(log.first_at_time(60), 2);
    EXPECT_EQ(log.first_at_time(0), 0);
    EXPECT_EQ(log.first_at_time(91), 5);
    EXPECT_EQ(log.first_appended_since(40), 0);
    EXPECT_EQ(log.first_appended_since(80), 4);
    const auto released = log.trim(3);
    EXPECT_EQ(log.first_at_time(0), 3);  // trimmed records are not found
    EXPECT_EQ(log.first_appended_since(0), 3);
}

TEST(record_log_test, time_lookups_skip_to_later_chunks) {
    const auto log = filled(3 * per_chunk);
    EXPECT_EQ(log.first_at_time(1000 + 2 * per_chunk + 5), 2 * per_chunk + 5);
    EXPECT_EQ(log.first_appended_since(10 * (per_chunk + 1)), per_chunk + 1);
    EXPECT_EQ(log.first_appended_since(10 * 3 * per_chunk), 3 * per_chunk);
}

}  // namespace

namespace {

TEST(reclaimer_test, takes_chunks_from_many_threads_and_frees_them_all_before_it_is_destroyed) {
    emu::state::reclaimer reclaimer;
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&] {
            for (int round = 0; round < 3; ++round) {
                auto log = filled(2 * per_chunk + 1);
                auto released = log.trim(log.end());
                EXPECT_EQ(released.size(), 3U);
                reclaimer.discard(std::move(released));
                reclaimer.discard(emu::state::record_log::released{});  // nothing to free is fine
            }
        });
    }
    for (auto& thread : threads) thread.join();
    // The destructor joins the reclaimer's thread after the queue is empty; ASan and TSan builds check
    // that nothing leaks or races.
}

}  // namespace
