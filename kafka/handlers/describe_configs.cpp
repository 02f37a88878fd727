#include <algorithm>
#include <charconv>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kafka/error_mapping.hpp"
#include "kafka/handlers.hpp"
#include "kafka/protocol/error_codes.hpp"
#include "state/errors.hpp"
#include "state/kafka/topic_rules.hpp"

namespace emu::kafka {

namespace {

using protocol::error_code;
namespace rules = state::topic_rules;

// AK common/config/ConfigResource.java Type, and DescribeConfigsResponse.ConfigSource.
constexpr std::int8_t topic_resource = 2;
constexpr std::int8_t broker_resource = 4;
constexpr std::int8_t dynamic_topic_config = 1;
constexpr std::int8_t static_broker_config = 4;
constexpr std::int8_t default_config = 5;

struct config_entry {
    std::string name;
    std::string value;
    bool read_only = false;
    std::int8_t source = default_config;
};

struct resource_request {
    std::int8_t type = 0;
    std::string_view name;
    std::optional<std::vector<std::string_view>> keys;  // none: every config
};

struct describe_configs_request {
    std::vector<resource_request> resources;
    bool synonyms = false;
};

describe_configs_request read_describe_configs(const request& req, protocol::reader& body) {
    describe_configs_request r;
    const auto count = body.array_length(false, 1 + 2 + 4);
    for (std::int32_t i = 0; i < count; ++i) {
        auto& resource = r.resources.emplace_back();
        resource.type = body.int8();
        resource.name = body.string();
        const auto keys = body.int32();  // nullable array
        if (keys < -1 || static_cast<std::size_t>(std::max(keys, 0)) > body.remaining() / 2) {
            throw protocol::decode_error("configuration key count");
        }
        if (keys >= 0) {
            resource.keys.emplace();
            for (std::int32_t k = 0; k < keys; ++k) resource.keys->push_back(body.string());
        }
    }
    r.synonyms = req.version() >= 1 && body.boolean();  // include_synonyms
    return r;
}

struct resource_answer {
    error_code error = error_code::none;
    std::optional<std::string> message;  // set with an error
    std::int8_t type = 0;
    std::string name;
    std::vector<config_entry> configs;
};

void write_describe_configs(const request& req, protocol::writer& out,
                            const std::vector<resource_answer>& answers, bool synonyms) {
    out.int32(0);  // throttle_time_ms
    out.array_length(answers.size());
    for (const auto& answer : answers) {
        out.error(answer.error);
        out.nullable_string(answer.message);
        out.int8(answer.type);
        out.string(answer.name);
        out.array_length(answer.configs.size());
        for (const auto& c : answer.configs) {
            out.string(c.name);
            out.nullable_string(c.value);
            out.boolean(c.read_only);
            if (req.version() == 0) out.boolean(c.source == default_config);  // is_default
            if (req.version() >= 1) out.int8(c.source);
            out.boolean(false);  // is_sensitive
            if (req.version() >= 1) {
                out.array_length(synonyms ? 1 : 0);
                if (synonyms) {
                    out.string(c.name);
                    out.nullable_string(c.value);
                    out.int8(c.source);
                }
            }
        }
    }
}

// A topic's configurations: what DMS lets a topic set (retention_time as retention.ms, the known
// topic_other_configs) and cleanup.policy, which is always delete (no compaction).
std::vector<config_entry> topic_configs(const state::topic_spec& topic) {
    std::vector<config_entry> out;
    out.push_back({"cleanup.policy", "delete", false, default_config});
    for (const auto& config : rules::known_configs) {
        const bool set = std::any_of(topic.other_configs.begin(), topic.other_configs.end(),
                                     [&](const state::topic_config& c) { return c.name == config.name; });
        out.push_back({std::string(config.name), std::string(rules::config_value(topic, config)), false,
                       set ? dynamic_topic_config : default_config});
    }
    out.push_back(
        {"retention.ms", std::to_string(std::int64_t{topic.retention_hours} * 3'600'000), false,
         topic.retention_hours == rules::default_retention_hours ? default_config : dynamic_topic_config});
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
    return out;
}

// A broker's: what a topic created on first use takes (the instance's settings, ModifyInstanceConfigs) and
// the instance's auto-creation switch. Read-only over the wire: there is no AlterConfigs.
std::vector<config_entry> broker_configs(const state::instance_info& instance,
                                         std::optional<std::int32_t> id) {
    const auto brokers = instance.spec.broker_num;
    std::vector<config_entry> out{
        {"auto.create.topics.enable", instance.spec.enable_auto_topic ? "true" : "false", true,
         static_broker_config},
        {"default.replication.factor",
         std::to_string(std::min(instance.spec.configs.default_replication_factor, std::max(brokers, 1))),
         true, static_broker_config},
        {"log.cleanup.policy", "delete", true, static_broker_config},
        {"log.retention.hours", std::to_string(instance.spec.configs.log_retention_hours), true,
         static_broker_config},
        {"message.max.bytes", "10485760", true, static_broker_config},
        {"num.partitions", std::to_string(instance.spec.configs.num_partitions), true, static_broker_config},
    };
    if (id)
        out.insert(out.begin(), config_entry{"broker.id", std::to_string(*id), true, static_broker_config});
    return out;
}

std::optional<std::int32_t> broker_id(std::string_view name) {
    std::int32_t id = 0;
    const auto [end, ec] = std::from_chars(name.data(), name.data() + name.size(), id);
    if (name.empty() || ec != std::errc{} || end != name.data() + name.size()) return std::nullopt;
    return id;
}

resource_answer describe(const request& req, std::int8_t type, std::string name) {
    resource_answer answer{error_code::none, {}, type, std::move(name), {}};
    if (type == topic_resource) {
        try {
            answer.configs = topic_configs(req.cluster()->get_topic(answer.name));
        } catch (const state::error& e) {
            answer.error = to_kafka_error(e.code());
            answer.message = "Topic " + answer.name + " does not exist.";
        }
    } else if (type == broker_resource) {
        const auto instance = req.instance();
        if (answer.name.empty()) {
            answer.configs = broker_configs(instance, std::nullopt);
        } else if (const auto id = broker_id(answer.name); id && *id >= 0 && *id < instance.spec.broker_num) {
            answer.configs = broker_configs(instance, id);
        } else {
            answer.error = error_code::invalid_request;
            answer.message = "Unknown broker id " + answer.name + ": the instance's brokers are 0 to " +
                             std::to_string(instance.spec.broker_num - 1) + ".";
        }
    } else {
        answer.error = error_code::invalid_request;
        answer.message = "Unsupported resource type " + std::to_string(type) + ".";
    }
    return answer;
}

}  // namespace

namespace handlers {

// DescribeConfigs v0-2 (AK DescribeConfigsRequest/Response.json) for topics and brokers; other resource
// types answer INVALID_REQUEST. Named keys pick configs (unknown ones are left out, as Kafka does);
// v1+ synonyms, when asked for, list the config itself with its source.
handler_result describe_configs(const request& req, protocol::reader& body, protocol::writer& out) {
    const auto r = read_describe_configs(req, body);
    std::vector<resource_answer> answers;
    for (const auto& resource : r.resources) {
        auto answer = describe(req, resource.type, std::string(resource.name));
        if (const auto& keys = resource.keys) {
            std::erase_if(answer.configs, [&](const config_entry& c) {
                return std::find(keys->begin(), keys->end(), c.name) == keys->end();
            });
        }
        answers.push_back(std::move(answer));
    }
    write_describe_configs(req, out, answers, r.synonyms);
    return {};
}

}  // namespace handlers

namespace error_answers {

handler_result describe_configs(const request& req, protocol::reader& body, protocol::writer& out,
                                error_code error) {
    const auto r = read_describe_configs(req, body);
    std::vector<resource_answer> answers;
    for (const auto& resource : r.resources)
        answers.push_back(
            {error, std::string(req.error_message), resource.type, std::string(resource.name), {}});
    write_describe_configs(req, out, answers, r.synonyms);
    return {};
}

}  // namespace error_answers

}  // namespace emu::kafka
