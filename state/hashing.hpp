#pragma once

#include <cstdint>
#include <string_view>

namespace emu::state {

// Kafka's default partitioner for keyed records: murmur2 of the key bytes, made positive, modulo the
// partition count (what a Java producer behind the DMS REST send would do).
std::int32_t kafka_key_partition(std::string_view key, std::int32_t partition_count);

// DIS hash ranges split [0, 2^63-1] into `partition_count` slices of (2^63-1)/N (the last one takes the
// rest). `dis_partition_for_hash` is the matching lookup; `dis_partition_key_hash` is the first 8 bytes
// of MD5(key) read big-endian and masked to 63 bits.
constexpr std::int64_t dis_max_hash = INT64_MAX;
std::int64_t dis_partition_key_hash(std::string_view key);
std::int32_t dis_partition_for_hash(std::int64_t hash, std::int32_t partition_count);
std::int64_t dis_hash_range_start(std::int32_t index, std::int32_t partition_count);
std::int64_t dis_hash_range_end(std::int32_t index, std::int32_t partition_count);

}  // namespace emu::state
