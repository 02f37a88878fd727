#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "state/dis/store.hpp"

// DIS's own syntax rules, shared by the DIS handlers, the fixture loader and exporter, and the error mapper
// (which names partitions in DIS's words).
namespace emu::routes::dis {

inline constexpr std::size_t stream_name_max = 64;
inline constexpr std::size_t app_name_max = 200;
inline constexpr std::size_t checkpoint_app_name_max = 50;

bool is_name(std::string_view text, std::size_t max_length);  // [A-Za-z0-9_-]{1,max}

// Partition ids: "7" or "shardId-0000000007" in, always "shardId-0000000007" out.
std::optional<std::int32_t> parse_partition_id(std::string_view text);
std::string shard_id(std::int32_t index);
const char* to_string(state::dis_partition_status status);

}  // namespace emu::routes::dis
