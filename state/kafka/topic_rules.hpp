#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

#include "state/kafka/types.hpp"

// What a DMS topic may be, for both fronts that create and change topics (the REST topic routes and the
// Kafka CreateTopics / CreatePartitions / DescribeConfigs handlers): the limits of one topic, and the
// topic-level configurations the emulator knows, with their defaults and what they accept.
namespace emu::state::topic_rules {

inline constexpr std::int32_t max_partitions = 200;  // of one topic (ListInstanceTopics topic_max_partitions)
inline constexpr std::int32_t max_replication = 3;
inline constexpr std::int32_t max_retention_hours = 720;
inline constexpr std::int32_t default_partitions = 3;
inline constexpr std::int32_t default_retention_hours = 72;

struct known_config {
    std::string_view name;
    std::string_view default_value;
    std::string_view valid_values;
    std::string_view value_type;
    bool (*valid)(std::string_view);
};

// Settable through topic_other_configs (REST) and CreateTopics configs (Kafka).
extern const std::array<known_config, 2> known_configs;

const known_config* find_config(std::string_view name);

// The value a topic has for a known config: its own, else the default.
std::string_view config_value(const topic_spec& topic, const known_config& config);

}  // namespace emu::state::topic_rules
