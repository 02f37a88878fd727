#include "routes/dms/topics.hpp"

#include <algorithm>
#include <array>

#include "routes/dms/query.hpp"
#include "routes/http/json.hpp"
#include "routes/http/paging.hpp"
#include "routes/http/validation.hpp"
#include "state/kafka/topic_rules.hpp"

namespace emu::routes::dms {

namespace {

using state::topic_rules::find_config;
using state::topic_rules::known_configs;

constexpr std::int64_t topic_max_partitions = state::topic_rules::max_partitions;
constexpr std::int64_t max_replication = state::topic_rules::max_replication;
constexpr std::int64_t max_retention_hours = state::topic_rules::max_retention_hours;
constexpr std::size_t max_topic_desc = 200;
constexpr std::int64_t default_topic_page = 50;
constexpr std::int64_t max_topic_page = 200;

// A member that must be an integer; out-of-range values get the topic-specific code.
std::optional<std::int64_t> ranged(const json_fields& fields, const char* name, std::int64_t min,
                                   std::int64_t max, std::string_view code) {
    const auto value = fields.opt_int(name, INT64_MIN, INT64_MAX);
    if (value && (*value < min || *value > max)) throw dms_error(code);
    return value;
}

std::vector<state::topic_config> parse_other_configs(const json_fields& fields) {
    std::vector<state::topic_config> out;
    const auto* configs = fields.opt_array("topic_other_configs");
    if (configs == nullptr) return out;
    for (rapidjson::SizeType i = 0; i < configs->Size(); ++i) {
        const std::string path = fields.path_of("topic_other_configs[" + std::to_string(i) + "]");
        if (!(*configs)[i].IsObject()) throw dms_invalid_parameter(path);
        const json_fields config((*configs)[i], service::dms, path);
        auto config_name = config.req_string("name");
        auto value = config.req_string("value");
        const auto* known = find_config(config_name);
        if (known == nullptr || !known->valid(value)) {
            throw dms_error(400, "DMS.00400063", "Invalid configuration parameter " + config_name + ".");
        }
        out.push_back({std::move(config_name), std::move(value)});
    }
    return out;
}

// A required member that is an array of strings.
std::vector<std::string> string_array(const json_fields& fields, const char* name) {
    const auto* items = fields.opt_array(name);
    if (items == nullptr) throw dms_invalid_parameter(name);
    std::vector<std::string> out;
    for (rapidjson::SizeType i = 0; i < items->Size(); ++i) {
        const auto& item = (*items)[i];
        if (!item.IsString()) throw dms_invalid_parameter(std::string(name) + "[" + std::to_string(i) + "]");
        out.emplace_back(item.GetString(), item.GetStringLength());
    }
    return out;
}

state::topic_update parse_topic_update(const json_fields& fields, std::int32_t brokers) {
    state::topic_update update;
    update.name = fields.req_string("id");
    if (auto v = ranged(fields, "retention_time", 0, max_retention_hours, "DMS.00400105")) {
        update.retention_hours = static_cast<std::int32_t>(*v);
    }
    update.sync_replication = fields.opt_bool("sync_replication");
    update.sync_message_flush = fields.opt_bool("sync_message_flush");
    if (auto v = ranged(fields, "new_partition_numbers", 1, topic_max_partitions, "DMS.00400102")) {
        update.partition_count = static_cast<std::int32_t>(*v);
    }
    if (const auto* assigned = fields.opt_array("new_partition_brokers")) {
        for (rapidjson::SizeType i = 0; i < assigned->Size(); ++i) {
            const auto& broker = (*assigned)[i];
            if (!broker.IsInt() || broker.GetInt() < 0 || broker.GetInt() >= brokers) {
                throw dms_invalid_parameter(
                    fields.path_of("new_partition_brokers[" + std::to_string(i) + "]"));
            }
        }
    }
    update.description = fields.opt_string("topic_desc");
    if (update.description && utf8_length(*update.description) > max_topic_desc) {
        throw fields.invalid("topic_desc", "too long");
    }
    update.other_configs = parse_other_configs(fields);
    return update;
}

// One element of ListInstanceTopics: every known config with its value, the default where none is set.
void write_topic(json_object& o, const state::topic_spec& topic) {
    o.field("name", topic.name)
        .field("partition", topic.partition_count)
        .field("replication", topic.replication)
        .field("retention_time", topic.retention_hours)
        .field("sync_replication", topic.sync_replication)
        .field("sync_message_flush", topic.sync_message_flush)
        .field("policiesOnly", false)
        .empty_object("external_configs")
        .field("topic_type", 0)
        .field("topic_desc", topic.description)
        .field("created_at", topic.created_at.value_or(0))
        .array("topic_other_configs", known_configs,
               [&](json_object& c, const state::topic_rules::known_config& config) {
                   c.field("name", config.name)
                       .field("value", state::topic_rules::config_value(topic, config))
                       .field("default_value", config.default_value)
                       .field("valid_values", config.valid_values)
                       .field("config_type", "dynamic")
                       .field("value_type", config.value_type);
               });
}

}  // namespace

state::topic_spec parse_topic_spec(const json_fields& fields, const topic_parse_options& options) {
    state::topic_spec spec;
    const auto name = fields.opt_string("id");
    if (!name || !is_topic_name(*name)) throw dms_error("DMS.00400101");
    spec.name = *name;
    if (auto v = ranged(fields, "partition", 1, topic_max_partitions, "DMS.00400102")) {
        spec.partition_count = static_cast<std::int32_t>(*v);
    }
    if (auto v = ranged(fields, "replication", 1, max_replication, "DMS.00400103")) {
        spec.replication = static_cast<std::int32_t>(*v);
    }
    const std::int64_t min_retention = options.allow_zero_retention ? 0 : 1;
    if (auto v = ranged(fields, "retention_time", min_retention, max_retention_hours, "DMS.00400105")) {
        spec.retention_hours = static_cast<std::int32_t>(*v);
    }
    spec.sync_replication = fields.opt_bool("sync_replication").value_or(false);
    spec.sync_message_flush = fields.opt_bool("sync_message_flush").value_or(false);
    spec.description = fields.opt_string("topic_desc").value_or("");
    if (utf8_length(spec.description) > max_topic_desc) throw fields.invalid("topic_desc", "too long");
    spec.other_configs = parse_other_configs(fields);
    if (const auto created = fields.opt_int("created_at", 0, INT64_MAX)) spec.created_at = *created;
    return spec;
}

response create_instance_topic(const request_context& ctx, state::state& st) {
    require_dms_instance(ctx);
    const auto document = parse_json_object(ctx.body, service::dms);
    auto spec = parse_topic_spec(json_fields(document, service::dms));
    spec.created_at.reset();  // only fixtures may set the creation time
    const auto created =
        st.kafka.cluster(ctx.param("project_id"), ctx.param("instance_id"))->create_topic(std::move(spec));

    return json_response(200, [&](json_object& o) { o.field("name", created.name); });
}

response list_instance_topics(const request_context& ctx, state::state& st) {
    require_dms_instance(ctx);
    const auto offset = query_int(ctx, "offset", 0, 0, INT64_MAX);
    auto limit = query_int(ctx, "limit", default_topic_page, 0, max_topic_page);
    if (limit == 0) limit = default_topic_page;
    const auto instance = st.kafka.get_instance(ctx.param("project_id"), ctx.param("instance_id"));
    const auto topics = st.kafka.cluster(ctx.param("project_id"), ctx.param("instance_id"))->list_topics();

    const auto total = static_cast<std::int64_t>(topics.size());
    const auto window = page_window(total, offset, limit);
    return json_response(200, [&](json_object& o) {
        o.field("total", total)
            .field("size", window.size())
            .field("remain_partitions", instance.max_partitions - instance.used_partitions)
            .field("max_partitions", instance.max_partitions)
            .field("topic_max_partitions", topic_max_partitions)
            .array("topics", window.of(topics), write_topic);
    });
}

// Topics that do not exist (or are named twice) answer success:false; the call itself succeeds.
response batch_delete_instance_topic(const request_context& ctx, state::state& st) {
    require_dms_instance(ctx);
    const auto document = parse_json_object(ctx.body, service::dms);
    const auto names = string_array(json_fields(document, service::dms), "topics");
    const auto results =
        st.kafka.running_cluster(ctx.param("project_id"), ctx.param("instance_id"))->delete_topics(names);

    return json_response(200, [&](json_object& o) {
        o.array("topics", results, [](json_object& t, const auto& result) {
            t.field("id", result.name).field("success", result.deleted);
        });
    });
}

// All or nothing: one bad item refuses the whole request.
response update_instance_topic(const request_context& ctx, state::state& st) {
    require_dms_instance(ctx);
    const auto document = parse_json_object(ctx.body, service::dms);
    const json_fields fields(document, service::dms);
    const auto* items = fields.opt_array("topics");
    if (items == nullptr) throw dms_invalid_parameter("topics");
    const auto instance = st.kafka.get_instance(ctx.param("project_id"), ctx.param("instance_id"));
    std::vector<state::topic_update> updates;
    for (rapidjson::SizeType i = 0; i < items->Size(); ++i) {
        const std::string path = "topics[" + std::to_string(i) + "]";
        if (!(*items)[i].IsObject()) throw dms_invalid_parameter(path);
        updates.push_back(
            parse_topic_update(json_fields((*items)[i], service::dms, path), instance.spec.broker_num));
    }
    st.kafka.running_cluster(ctx.param("project_id"), ctx.param("instance_id"))->update_topics(updates);
    return response::empty(204);
}

// Replicas are always in sync and hold the leader's bytes: the emulator keeps one copy of each log.
response show_instance_topic_detail(const request_context& ctx, state::state& st) {
    require_dms_instance(ctx);
    const auto& project = ctx.param("project_id");
    const auto& instance_id = ctx.param("instance_id");
    const auto& topic_name = ctx.param("topic");
    const auto brokers = st.kafka.get_instance(project, instance_id).spec.broker_num;
    const auto topic = st.kafka.cluster(project, instance_id)->get_topic(topic_name);
    const auto partitions = st.kafka.cluster(project, instance_id)->partitions(topic_name);
    const auto groups = st.kafka.cluster(project, instance_id)->subscribed_groups(topic_name);

    return json_response(200, [&](json_object& o) {
        o.field("topic", topic.name).values("group_subscribed", groups);
        o.array("partitions", partitions, [&](json_object& part, const auto& p) {
            const auto replicas = state::replica_brokers(p.partition, topic.replication, brokers);
            part.field("partition", p.partition)
                .field("leader", replicas.front())
                .field("lso", p.start_offset)
                .field("leo", p.end_offset)
                .field("hw", p.end_offset)
                .field("last_update_timestamp", p.last_update_ms)
                .array("replicas", replicas, [&](json_object& replica, std::int32_t broker) {
                    replica.field("broker", broker)
                        .field("leader", broker == replicas.front())
                        .field("in_sync", true)
                        .field("size", p.retained_bytes)
                        .field("lag", 0);
                });
        });
    });
}

// A top-level JSON array: the SDK model's single `body` attribute takes the whole payload.
response show_kafka_topic_detail(const request_context& ctx, state::state& st) {
    require_dms_instance(ctx);
    const auto& project = ctx.param("project_id");
    const auto& instance_id = ctx.param("instance_id");
    const auto brokers = st.kafka.get_instance(project, instance_id).spec.broker_num;
    const auto topic = st.kafka.cluster(project, instance_id)->get_topic(ctx.param("topic"));

    rapidjson::StringBuffer buffer;
    json_writer writer(buffer);
    writer.StartArray();
    // The partition numbers as a plain vector: clang 14 (the fuzz build) cannot compile libstdc++ 12's
    // iota_view.
    std::vector<std::int32_t> partitions(static_cast<std::size_t>(topic.partition_count));
    for (std::int32_t p = 0; p < topic.partition_count; ++p) partitions[static_cast<std::size_t>(p)] = p;
    json_object(writer).object([&](json_object& o) {
        o.field("topic", topic.name).field("create_time", topic.created_at.value_or(0));
        o.array("partitions", partitions, [&](json_object& part, std::int32_t p) {
            const auto replicas = state::replica_brokers(p, topic.replication, brokers);
            part.field("partition", p).field("leader", replicas.front()).values("replicas", replicas);
        });
    });
    writer.EndArray();
    return response::json(200, to_string(buffer));
}

response list_topic_partitions(const request_context& ctx, state::state& st) {
    require_dms_instance(ctx);
    const auto offset = query_int(ctx, "offset", 0, 0, INT64_MAX);
    const auto limit = query_int(ctx, "limit", INT64_MAX, 1, INT64_MAX);
    const auto partitions =
        st.kafka.cluster(ctx.param("project_id"), ctx.param("instance_id"))->partitions(ctx.param("topic"));

    const auto total = static_cast<std::int64_t>(partitions.size());
    const auto window = page_window(total, offset, limit);
    return json_response(200, [&](json_object& o) {
        o.field("total", total)
            .array("partitions", window.of(partitions), [](json_object& part, const auto& p) {
                part.field("partition", p.partition)
                    .field("start_offset", p.start_offset)
                    .field("last_offset", p.end_offset)
                    .field("message_count", p.end_offset - p.start_offset)
                    .field("last_update_time", p.last_update_ms);
            });
    });
}

// UpdateInstanceTopic's partition growth on its own path: the new total, more than the topic has now (DMS
// says so); the same range (DMS.00400102), quota and RUNNING rule.
response create_partition(const request_context& ctx, state::state& st) {
    require_dms_instance(ctx);
    const auto document = parse_json_object(ctx.body, service::dms);
    const json_fields fields(document, service::dms);
    if (!fields.has("partition")) throw dms_invalid_parameter("partition");
    const auto partition = ranged(fields, "partition", 1, topic_max_partitions, "DMS.00400102");
    const auto& project = ctx.param("project_id");
    const auto& instance_id = ctx.param("instance_id");
    const auto cluster = st.kafka.running_cluster(project, instance_id);
    state::topic_update update;
    update.name = ctx.param("topic");
    if (*partition <= cluster->get_topic(update.name).partition_count) throw dms_error("DMS.00400102");
    update.partition_count = static_cast<std::int32_t>(*partition);
    cluster->update_topics({update});
    return response::empty(204);
}

}  // namespace emu::routes::dms
