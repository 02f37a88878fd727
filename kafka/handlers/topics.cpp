#include "kafka/handlers/topics.hpp"

#include <algorithm>

#include "kafka/error_mapping.hpp"
#include "state/errors.hpp"

namespace emu::kafka::handlers {

bool legal_topic_name(std::string_view name) {
    if (name.empty() || name.size() > 249 || name == "." || name == "..") return false;
    return std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
               c == '_' || c == '-';
    });
}

created_topic auto_create_topic(state::kafka_cluster& cluster, const std::string& name,
                                const state::instance_spec& instance) {
    if (!legal_topic_name(name)) return {protocol::error_code::invalid_topic_exception, 0, 0};
    state::topic_spec spec;
    spec.name = name;
    spec.partition_count = instance.configs.num_partitions;
    spec.replication =
        std::min(instance.configs.default_replication_factor, std::max(instance.broker_num, 1));
    spec.retention_hours = instance.configs.log_retention_hours;
    try {
        const auto made = cluster.create_topic(spec);
        return {protocol::error_code::none, made.partition_count, made.replication};
    } catch (const state::error& e) {
        if (e.code() != state::errc::topic_exists) return {to_kafka_error(e.code()), 0, 0};
    }
    try {
        const auto existing = cluster.get_topic(name);
        return {protocol::error_code::none, existing.partition_count, existing.replication};
    } catch (const state::error& e) {
        return {to_kafka_error(e.code()), 0, 0};
    }
}

}  // namespace emu::kafka::handlers
