#include <algorithm>
#include <charconv>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kafka/error_mapping.hpp"
#include "kafka/handlers.hpp"
#include "kafka/handlers/topics.hpp"
#include "kafka/protocol/error_codes.hpp"
#include "state/errors.hpp"
#include "state/kafka/topic_rules.hpp"

// CreateTopics, DeleteTopics and CreatePartitions: the REST topic operations (state create_topic,
// delete_topics, update_topics) with the same limits (state/kafka/topic_rules.hpp) and the same partition
// quota, answered per topic in Kafka's words.
namespace emu::kafka {

namespace {

using protocol::error_code;
namespace rules = state::topic_rules;

constexpr std::int64_t ms_per_hour = 3'600'000;

struct failure {
    error_code code = error_code::none;
    std::string message;
};

// A state refusal as Kafka words it.
failure from_state(const state::error& e) {
    const auto& f = e.facts();
    const std::string limit = f.limit ? std::to_string(*f.limit) : "";
    switch (e.code()) {
        case state::errc::topic_exists:
            return {error_code::topic_already_exists, "Topic '" + f.name + "' already exists."};
        case state::errc::topic_not_found:
            return {error_code::unknown_topic_or_partition,
                    "This server does not host this topic-partition."};
        case state::errc::replication_exceeds_brokers:
            return {error_code::invalid_replication_factor,
                    "Replication factor is larger than the " + limit + " available brokers."};
        case state::errc::partition_quota_exceeded:
            return {error_code::invalid_partitions,
                    "The instance's partition quota (" + limit + " partitions) would be exceeded."};
        case state::errc::partition_count_decrease:
            return {error_code::invalid_partitions, "The number of partitions can only grow."};
        default:
            return {to_kafka_error(e.code()), e.what()};
    }
}

std::optional<std::int64_t> parse_int(std::string_view v) {
    if (v.empty() || v.front() == '+') return std::nullopt;
    std::int64_t n = 0;
    const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
    if (ec != std::errc{} || end != v.data() + v.size()) return std::nullopt;
    return n;
}

// Applies one CreateTopics config to the spec; a failure when the emulator cannot take it.
std::optional<failure> apply_config(state::topic_spec& spec, std::string_view name,
                                    const std::optional<std::string_view>& value) {
    if (!value) {
        return failure{error_code::invalid_request,
                       "Null value not supported for topic configs: " + std::string(name)};
    }
    if (name == "retention.ms") {
        const auto ms = parse_int(*value);
        if (!ms || *ms <= 0 || *ms % ms_per_hour != 0 || *ms / ms_per_hour > rules::max_retention_hours) {
            return failure{error_code::invalid_config,
                           "retention.ms must be whole hours from 1 to " +
                               std::to_string(rules::max_retention_hours) +
                               " (DMS's retention_time), in milliseconds: " + std::string(*value)};
        }
        spec.retention_hours = static_cast<std::int32_t>(*ms / ms_per_hour);
        return std::nullopt;
    }
    if (name == "cleanup.policy") {
        if (*value == "delete") return std::nullopt;
        if (*value == "compact" || *value == "compact,delete" || *value == "delete,compact") {
            return failure{error_code::policy_violation, "cleanup.policy " + std::string(*value) +
                                                             " is not supported: topics are deleted by "
                                                             "retention only."};
        }
        return failure{error_code::invalid_config,
                       "Invalid value " + std::string(*value) + " for cleanup.policy"};
    }
    const auto* known = rules::find_config(name);
    if (known == nullptr) {
        return failure{error_code::invalid_config, "Unknown topic config name: " + std::string(name)};
    }
    if (!known->valid(*value)) {
        return failure{error_code::invalid_config,
                       "Invalid value " + std::string(*value) + " for configuration " + std::string(name) +
                           ": valid values are " + std::string(known->valid_values)};
    }
    for (auto& set : spec.other_configs) {
        if (set.name == name) {
            set.value = std::string(*value);
            return std::nullopt;
        }
    }
    spec.other_configs.push_back({std::string(name), std::string(*value)});
    return std::nullopt;
}

// ---- CreateTopics v0-4 ----

struct create_topic_request {
    std::string_view name;
    std::int32_t partitions = 0;
    std::int16_t replication = 0;
    std::int32_t assignments = 0;
    std::vector<std::pair<std::string_view, std::optional<std::string_view>>> configs;
};

struct create_topics_request {
    std::vector<create_topic_request> topics;
    bool validate_only = false;
};

create_topics_request read_create_topics(const request& req, protocol::reader& body) {
    create_topics_request r;
    const auto count = body.array_length(false, 2 + 4 + 2 + 4 + 4);
    for (std::int32_t i = 0; i < count; ++i) {
        auto& t = r.topics.emplace_back();
        t.name = body.string();
        t.partitions = body.int32();
        t.replication = body.int16();
        t.assignments = body.array_length(false, 4 + 4);
        for (std::int32_t a = 0; a < t.assignments; ++a) {
            body.int32();  // partition_index
            const auto ids = body.array_length(false, 4);
            for (std::int32_t b = 0; b < ids; ++b) body.int32();
        }
        const auto configs = body.array_length(false, 2 + 2);
        for (std::int32_t c = 0; c < configs; ++c) {
            const auto name = body.string();
            t.configs.emplace_back(name, body.nullable_string());
        }
    }
    body.int32();  // timeout_ms
    r.validate_only = req.version() >= 1 && body.boolean();
    return r;
}

// ---- DeleteTopics v0-3 ----

std::vector<std::string_view> read_delete_topics(protocol::reader& body) {
    std::vector<std::string_view> names;
    const auto count = body.array_length(false, 2);
    for (std::int32_t i = 0; i < count; ++i) names.push_back(body.string());
    body.int32();  // timeout_ms
    return names;
}

// ---- CreatePartitions v0-1 ----

struct create_partitions_topic {
    std::string_view name;
    std::int32_t count = 0;
    bool assigned = false;
};

struct create_partitions_request {
    std::vector<create_partitions_topic> topics;
    bool validate_only = false;
};

create_partitions_request read_create_partitions(protocol::reader& body) {
    create_partitions_request r;
    const auto topic_count = body.array_length(false, 2 + 4 + 4);
    for (std::int32_t i = 0; i < topic_count; ++i) {
        auto& t = r.topics.emplace_back();
        t.name = body.string();
        t.count = body.int32();
        const auto assignments = body.int32();  // nullable array
        if (assignments < -1 || static_cast<std::size_t>(std::max(assignments, 0)) > body.remaining() / 4) {
            throw protocol::decode_error("assignment count");
        }
        t.assigned = assignments >= 0;
        for (std::int32_t a = 0; a < assignments; ++a) {
            const auto ids = body.array_length(false, 4);
            for (std::int32_t b = 0; b < ids; ++b) body.int32();
        }
    }
    body.int32();  // timeout_ms
    r.validate_only = body.boolean();
    return r;
}

// ---- The three answers: per topic its name, error and (where the version has one) message ----

struct topic_result {
    std::string name;
    failure result;
};

void write_topic_results(protocol::writer& out, const std::vector<topic_result>& results, bool throttle,
                         bool with_message) {
    if (throttle) out.int32(0);  // throttle_time_ms
    out.array_length(results.size());
    for (const auto& [name, result] : results) {
        out.string(name);
        out.error(result.code);
        if (with_message) {
            if (result.code == error_code::none) {
                out.nullable_string(std::nullopt);
            } else {
                out.nullable_string(result.message);
            }
        }
    }
}

// Every topic the request names, as it names them, answered `error`.
template <typename Topic, typename Name>
std::vector<topic_result> injected_results(const std::vector<Topic>& topics, Name name_of, error_code error,
                                           std::string_view message) {
    std::vector<topic_result> out;
    for (const auto& t : topics) out.push_back({std::string(name_of(t)), {error, std::string(message)}});
    return out;
}

// Names that come more than once in a request: Kafka refuses each of them whole (INVALID_REQUEST).
template <typename T, typename Name>
std::map<std::string, int> name_counts(const std::vector<T>& items, Name name_of) {
    std::map<std::string, int> counts;
    for (const auto& item : items) ++counts[std::string(name_of(item))];
    return counts;
}

const std::string duplicate_message = "Duplicate topic name.";

failure create_one(state::kafka_cluster& cluster, const create_topic_request& t, std::int32_t brokers,
                   bool validate_only) {
    if (!handlers::legal_topic_name(t.name)) {
        return {error_code::invalid_topic_exception,
                "Topic name \"" + std::string(t.name) +
                    "\" is illegal: 1 to 249 of ASCII alphanumerics, '.', '_' and '-', "
                    "not '.' or '..'."};
    }
    if (t.assignments > 0) {
        if (t.partitions != -1 || t.replication != -1) {
            return {
                error_code::invalid_request,
                "Both numPartitions or replicationFactor and replicasAssignments were set. Both cannot be "
                "used at the same time."};
        }
        return {error_code::policy_violation,
                "Manual replica assignment is not supported: the emulator places replicas as DMS does."};
    }
    state::topic_spec spec;
    spec.name = t.name;
    spec.partition_count = t.partitions == -1 ? rules::default_partitions : t.partitions;
    if (spec.partition_count < 1) {
        return {error_code::invalid_partitions,
                "Number of partitions must be larger than 0, or -1 to use the default value."};
    }
    if (spec.partition_count > rules::max_partitions) {
        return {error_code::invalid_partitions, "Number of partitions must be at most " +
                                                    std::to_string(rules::max_partitions) + " per topic."};
    }
    spec.replication = t.replication == -1 ? std::min(rules::max_replication, std::max(brokers, 1))
                                           : std::int32_t{t.replication};
    if (spec.replication < 1) {
        return {error_code::invalid_replication_factor,
                "Replication factor must be larger than 0, or -1 to use the default value."};
    }
    if (spec.replication > rules::max_replication) {
        return {error_code::invalid_replication_factor,
                "Replication factor must be at most " + std::to_string(rules::max_replication) + "."};
    }
    spec.retention_hours = rules::default_retention_hours;
    for (const auto& [name, value] : t.configs) {
        if (auto refused = apply_config(spec, name, value)) return *refused;
    }
    try {
        if (validate_only) {
            cluster.check_create_topic(spec);
        } else {
            cluster.create_topic(std::move(spec));
        }
    } catch (const state::error& e) {
        return from_state(e);
    }
    return {};
}

}  // namespace

namespace handlers {

// CreateTopics v0-4 (AK CreateTopicsRequest/Response.json). -1 partitions or replication take the defaults
// of a topic created through REST (3 partitions, replication min(3, brokers)); v1+ validate_only runs every
// check, the partition quota included, and creates nothing; v1+ error_message is set on every error.
handler_result create_topics(const request& req, protocol::reader& body, protocol::writer& out) {
    const auto r = read_create_topics(req, body);
    const auto instance = req.instance();
    const auto cluster = req.cluster();
    const auto counts = name_counts(r.topics, [](const create_topic_request& t) { return t.name; });
    std::vector<topic_result> answers;
    std::map<std::string, bool> answered;
    for (const auto& t : r.topics) {
        const std::string name(t.name);
        if (answered[name]) continue;  // a duplicate answers once
        answered[name] = true;
        if (counts.at(name) > 1) {
            answers.push_back({name, {error_code::invalid_request, duplicate_message}});
        } else {
            answers.push_back({name, create_one(*cluster, t, instance.spec.broker_num, r.validate_only)});
        }
    }
    write_topic_results(out, answers, req.version() >= 2, req.version() >= 1);
    return {};
}

// DeleteTopics v0-3 (AK DeleteTopicsRequest/Response.json): the REST batch deletion, which takes the
// topics' logs and every group's offsets on them. An unknown topic is UNKNOWN_TOPIC_OR_PARTITION; a name
// given twice is INVALID_REQUEST and is not deleted.
handler_result delete_topics(const request& req, protocol::reader& body, protocol::writer& out) {
    const auto names = read_delete_topics(body);
    const auto counts = name_counts(names, [](std::string_view n) { return n; });
    std::vector<std::string> unique;
    for (const auto& [name, n] : counts) {
        if (n == 1) unique.push_back(name);
    }
    std::map<std::string, error_code> results;
    for (const auto& [name, n] : counts) {
        if (n > 1) results[name] = error_code::invalid_request;
    }
    for (const auto& deletion : req.cluster()->delete_topics(unique)) {
        results[deletion.name] = deletion.deleted ? error_code::none : error_code::unknown_topic_or_partition;
    }

    std::vector<topic_result> answers;
    std::map<std::string, bool> answered;
    for (const auto asked : names) {
        const std::string name(asked);
        if (answered[name]) continue;
        answered[name] = true;
        answers.push_back({name, {results.at(name), {}}});
    }
    write_topic_results(out, answers, req.version() >= 1, false);
    return {};
}

// CreatePartitions v0-1 (AK CreatePartitionsRequest/Response.json): count is the topic's new total, which
// must be above its current one and at most the per-topic limit; the new partitions count against the
// instance's partition quota as a REST UpdateInstanceTopic's do. Each topic is applied on its own.
handler_result create_partitions(const request& req, protocol::reader& body, protocol::writer& out) {
    const auto r = read_create_partitions(body);
    const auto cluster = req.cluster();
    const auto counts = name_counts(r.topics, [](const create_partitions_topic& t) { return t.name; });
    std::vector<topic_result> answers;
    std::map<std::string, bool> answered;
    for (const auto& t : r.topics) {
        const std::string name(t.name);
        if (answered[name]) continue;
        answered[name] = true;
        if (counts.at(name) > 1) {
            answers.push_back({name, {error_code::invalid_request, duplicate_message}});
            continue;
        }
        failure result;
        try {
            const auto current = cluster->get_topic(name);
            if (t.assigned) {
                result = {error_code::policy_violation,
                          "Manual replica assignment is not supported: the emulator places replicas as DMS "
                          "does."};
            } else if (t.count == current.partition_count) {
                result = {error_code::invalid_partitions,
                          "Topic already has " + std::to_string(current.partition_count) + " partitions."};
            } else if (t.count < current.partition_count) {
                result = {error_code::invalid_partitions,
                          "Topic currently has " + std::to_string(current.partition_count) +
                              " partitions, which is higher than the requested " + std::to_string(t.count) +
                              "."};
            } else if (t.count > rules::max_partitions) {
                result = {error_code::invalid_partitions, "Number of partitions must be at most " +
                                                              std::to_string(rules::max_partitions) +
                                                              " per topic."};
            } else {
                state::topic_update update;
                update.name = name;
                update.partition_count = t.count;
                if (r.validate_only) {
                    cluster->check_update_topics({update});
                } else {
                    cluster->update_topics({update});
                }
            }
        } catch (const state::error& e) {
            result = from_state(e);
        }
        answers.push_back({name, result});
    }
    write_topic_results(out, answers, true, true);
    return {};
}

}  // namespace handlers

namespace error_answers {

handler_result create_topics(const request& req, protocol::reader& body, protocol::writer& out,
                             error_code error) {
    const auto r = read_create_topics(req, body);
    write_topic_results(out,
                        injected_results(
                            r.topics, [](const auto& t) { return t.name; }, error, req.error_message),
                        req.version() >= 2, req.version() >= 1);
    return {};
}

handler_result delete_topics(const request& req, protocol::reader& body, protocol::writer& out,
                             error_code error) {
    const auto names = read_delete_topics(body);
    write_topic_results(out,
                        injected_results(
                            names, [](std::string_view n) { return n; }, error, req.error_message),
                        req.version() >= 1, false);
    return {};
}

handler_result create_partitions(const request& req, protocol::reader& body, protocol::writer& out,
                                 error_code error) {
    const auto r = read_create_partitions(body);
    write_topic_results(out,
                        injected_results(
                            r.topics, [](const auto& t) { return t.name; }, error, req.error_message),
                        true, true);
    return {};
}

}  // namespace error_answers

}  // namespace emu::kafka
