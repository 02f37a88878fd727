#include "state/hashing.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace {

using namespace emu::state;

constexpr std::int64_t half = 4611686018427387903;  // (2^63-1) / 2
constexpr std::int32_t int32_max = std::numeric_limits<std::int32_t>::max();

const std::vector<std::int32_t> partition_counts{1, 2, 3, 4, 5, 7, 10, 16, 33, 100, 1000};

// dis-api.md §5.1 test values.
TEST(dis_partition_key_hash_test, user_42_hashes_to_reference_value) {
    EXPECT_EQ(dis_partition_key_hash("user-42"), 8516795111299649485);
}

TEST(dis_partition_key_hash_test, k1_hashes_to_reference_value) {
    EXPECT_EQ(dis_partition_key_hash("k1"), 3906786343346949848);
}

TEST(dis_partition_key_hash_test, hash_is_never_negative) {
    for (const char* key :
         {"", "a", "user-42", "k1", "orders", "\xff\xfe\xfd", "a much longer partition key"}) {
        EXPECT_GE(dis_partition_key_hash(key), 0) << key;
    }
}

TEST(dis_partition_for_hash_test, user_42_routes_to_reference_partitions) {
    const std::int64_t h = dis_partition_key_hash("user-42");
    EXPECT_EQ(dis_partition_for_hash(h, 2), 1);
    EXPECT_EQ(dis_partition_for_hash(h, 3), 2);
    EXPECT_EQ(dis_partition_for_hash(h, 4), 3);
}

TEST(dis_partition_for_hash_test, k1_routes_to_reference_partitions) {
    const std::int64_t h = dis_partition_key_hash("k1");
    EXPECT_EQ(dis_partition_for_hash(h, 2), 0);
    EXPECT_EQ(dis_partition_for_hash(h, 3), 1);
}

TEST(dis_partition_for_hash_test, zero_and_max_hash_route_to_first_and_last_partition) {
    for (const auto n : partition_counts) {
        EXPECT_EQ(dis_partition_for_hash(0, n), 0) << n;
        EXPECT_EQ(dis_partition_for_hash(dis_max_hash, n), n - 1) << n;
    }
}

TEST(dis_hash_range_test, two_partitions_split_at_half) {
    EXPECT_EQ(dis_hash_range_start(0, 2), 0);
    EXPECT_EQ(dis_hash_range_end(0, 2), 4611686018427387903);
    EXPECT_EQ(dis_hash_range_start(1, 2), 4611686018427387904);
    EXPECT_EQ(dis_hash_range_end(1, 2), 9223372036854775807);
}

TEST(dis_hash_range_test, one_partition_covers_everything) {
    EXPECT_EQ(dis_hash_range_start(0, 1), 0);
    EXPECT_EQ(dis_hash_range_end(0, 1), INT64_MAX);
}

TEST(dis_hash_range_test, ranges_tile_the_hash_space_without_gaps_or_overlaps) {
    for (const auto n : partition_counts) {
        SCOPED_TRACE("partition_count=" + std::to_string(n));
        EXPECT_EQ(dis_hash_range_start(0, n), 0);
        EXPECT_EQ(dis_hash_range_end(n - 1, n), dis_max_hash);
        for (std::int32_t i = 0; i < n; ++i) {
            EXPECT_LE(dis_hash_range_start(i, n), dis_hash_range_end(i, n)) << i;
            if (i + 1 < n) {
                EXPECT_EQ(dis_hash_range_start(i + 1, n), dis_hash_range_end(i, n) + 1) << i;
            }
        }
    }
}

TEST(dis_hash_range_test, range_bounds_route_to_their_own_partition) {
    for (const auto n : partition_counts) {
        SCOPED_TRACE("partition_count=" + std::to_string(n));
        for (std::int32_t i = 0; i < n; ++i) {
            EXPECT_EQ(dis_partition_for_hash(dis_hash_range_start(i, n), n), i);
            EXPECT_EQ(dis_partition_for_hash(dis_hash_range_end(i, n), n), i);
        }
    }
}

TEST(dis_hash_range_test, one_below_a_range_start_routes_to_the_previous_partition) {
    for (const auto n : partition_counts) {
        SCOPED_TRACE("partition_count=" + std::to_string(n));
        for (std::int32_t i = 1; i < n; ++i) {
            EXPECT_EQ(dis_partition_for_hash(dis_hash_range_start(i, n) - 1, n), i - 1);
        }
    }
}

TEST(dis_partition_for_hash_test, half_boundary_of_two_partitions) {
    EXPECT_EQ(dis_partition_for_hash(half, 2), 0);
    EXPECT_EQ(dis_partition_for_hash(half + 1, 2), 1);
}

// Reference values of Kafka's own Utils.murmur2 (clients UtilsTest.testMurmur2), made positive with
// & 0x7fffffff. With N = INT32_MAX the modulo leaves them unchanged, exposing the positive hash.
TEST(kafka_key_partition_test, matches_kafka_murmur2_reference_values) {
    EXPECT_EQ(kafka_key_partition("21", int32_max), 1173551340);                         // -973932308
    EXPECT_EQ(kafka_key_partition("foobar", int32_max), 1357151166);                     // -790332482
    EXPECT_EQ(kafka_key_partition("a-little-bit-long-string", int32_max), 1161502112);   // -985981536
    EXPECT_EQ(kafka_key_partition("a-little-bit-longer-string", int32_max), 661178819);  // -1486304829
    EXPECT_EQ(kafka_key_partition("lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8", int32_max),
              2088585677);  // -58897971
    EXPECT_EQ(kafka_key_partition("abc", int32_max), 479470107);
}

TEST(kafka_key_partition_test, is_positive_hash_modulo_partition_count) {
    EXPECT_EQ(kafka_key_partition("21", 3), 1173551340 % 3);
    EXPECT_EQ(kafka_key_partition("foobar", 7), 1357151166 % 7);
    EXPECT_EQ(kafka_key_partition("a-little-bit-longer-string", 10), 661178819 % 10);
    EXPECT_EQ(kafka_key_partition("abc", 4), 479470107 % 4);
}

TEST(kafka_key_partition_test, single_partition_always_gets_zero) {
    for (const char* key : {"", "a", "21", "foobar", "abc"}) EXPECT_EQ(kafka_key_partition(key, 1), 0) << key;
}

TEST(kafka_key_partition_test, result_is_within_partition_count) {
    for (std::int32_t n : {1, 2, 3, 5, 8, 100}) {
        for (int i = 0; i < 200; ++i) {
            const auto p = kafka_key_partition("key-" + std::to_string(i), n);
            EXPECT_GE(p, 0);
            EXPECT_LT(p, n);
        }
    }
}

}  // namespace
