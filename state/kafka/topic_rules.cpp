#include "state/kafka/topic_rules.hpp"

#include <charconv>

namespace emu::state::topic_rules {

namespace {

bool valid_max_message_bytes(std::string_view v) {
    if (v.empty() || v.front() == '+') return false;
    std::int64_t n = 0;
    const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
    return ec == std::errc{} && end == v.data() + v.size() && n >= 0 && n <= 10485760;
}

}  // namespace

const std::array<known_config, 2> known_configs{
    known_config{"message.timestamp.type", "CreateTime", "[CreateTime, LogAppendTime]", "string",
                 [](std::string_view v) { return v == "CreateTime" || v == "LogAppendTime"; }},
    known_config{"max.message.bytes", "10485760", "0...10485760", "int", valid_max_message_bytes},
};

const known_config* find_config(std::string_view name) {
    for (const auto& config : known_configs) {
        if (config.name == name) return &config;
    }
    return nullptr;
}

std::string_view config_value(const topic_spec& topic, const known_config& config) {
    std::string_view value = config.default_value;
    for (const auto& set : topic.other_configs) {
        if (set.name == config.name) value = set.value;
    }
    return value;
}

}  // namespace emu::state::topic_rules
