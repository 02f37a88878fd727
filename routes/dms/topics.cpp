#include "routes/dms/topics.hpp"

#include <algorithm>
#include <array>

#include "routes/http/validation.hpp"

namespace emu::routes::dms {

namespace {

constexpr std::int64_t topic_max_partitions = 200;
constexpr std::int64_t max_replication = 3;
constexpr std::int64_t max_retention_hours = 720;
constexpr std::size_t max_topic_desc = 200;
constexpr std::int64_t default_topic_page = 50;
constexpr std::int64_t max_topic_page = 200;

struct known_config {
    std::string_view name;
    std::string_view default_value;
    std::string_view valid_values;
    std::string_view value_type;
    bool (*valid)(std::string_view);
};

constexpr std::array known_configs{
    known_config{"message.timestamp.type", "CreateTime", "[CreateTime, LogAppendTime]", "string",
                 [](std::string_view v) { return v == "CreateTime" || v == "LogAppendTime"; }},
    known_config{"max.message.bytes", "10485760", "0...10485760", "int",
                 [](std::string_view v) {
                     const auto n = parse_int64(v);
                     return n && *n >= 0 && *n <= 10485760;
                 }},
};

const known_config* find_config(std::string_view name) {
    for (const auto& config : known_configs) {
        if (config.name == name) return &config;
    }
    return nullptr;
}

// A member that must be an integer; out-of-range values get the topic-specific code.
std::optional<std::int64_t> ranged(const json_fields& fields, const char* name, std::int64_t min, std::int64_t max,
                                   std::string_view code) {
    const auto value = fields.opt_int(name, INT64_MIN, INT64_MAX);
    if (value && (*value < min || *value > max)) throw dms_error(code);
    return value;
}

std::int64_t query_int(const request_context& ctx, const char* name, std::int64_t fallback, std::int64_t min,
                       std::int64_t max) {
    const std::string* text = ctx.query_param(name);
    if (text == nullptr || text->empty()) return fallback;
    const auto value = parse_int64(*text);
    if (!value || *value < min || *value > max) throw dms_invalid_parameter(name);
    return *value;
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

// The brokers holding a partition: the leader first, then the followers, spread round the brokers as
// Kafka's default assignment does.
std::vector<std::int32_t> replica_brokers(std::int32_t partition, std::int32_t replication, std::int32_t brokers) {
    std::vector<std::int32_t> out;
    for (std::int32_t i = 0; i < std::min(replication, brokers); ++i) out.push_back((partition + i) % brokers);
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
                throw dms_invalid_parameter(fields.path_of("new_partition_brokers[" + std::to_string(i) + "]"));
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

void write_topic(json_writer& writer, const state::topic_spec& topic) {
    writer.StartObject();
    writer.Key("name");
    writer.String(topic.name);
    writer.Key("partition");
    writer.Int(topic.partition_count);
    writer.Key("replication");
    writer.Int(topic.replication);
    writer.Key("retention_time");
    writer.Int(topic.retention_hours);
    writer.Key("sync_replication");
    writer.Bool(topic.sync_replication);
    writer.Key("sync_message_flush");
    writer.Bool(topic.sync_message_flush);
    writer.Key("policiesOnly");
    writer.Bool(false);
    writer.Key("external_configs");
    writer.StartObject();
    writer.EndObject();
    writer.Key("topic_type");
    writer.Int(0);
    writer.Key("topic_desc");
    writer.String(topic.description);
    writer.Key("created_at");
    writer.Int64(topic.created_at.value_or(0));
    writer.Key("topic_other_configs");
    writer.StartArray();
    for (const auto& config : known_configs) {
        std::string_view value = config.default_value;
        for (const auto& set : topic.other_configs) {
            if (set.name == config.name) value = set.value;
        }
        writer.StartObject();
        writer.Key("name");
        write_string(writer, config.name);
        writer.Key("value");
        write_string(writer, value);
        writer.Key("default_value");
        write_string(writer, config.default_value);
        writer.Key("valid_values");
        write_string(writer, config.valid_values);
        writer.Key("config_type");
        writer.String("dynamic");
        writer.Key("value_type");
        write_string(writer, config.value_type);
        writer.EndObject();
    }
    writer.EndArray();
    writer.EndObject();
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
    const auto created = st.kafka.create_topic(ctx.param("project_id"), ctx.param("instance_id"), std::move(spec));

    rapidjson::StringBuffer buffer;
    json_writer writer(buffer);
    writer.StartObject();
    writer.Key("name");
    writer.String(created.name);
    writer.EndObject();
    return response::json(200, to_string(buffer));
}

response list_instance_topics(const request_context& ctx, state::state& st) {
    require_dms_instance(ctx);
    const auto offset = query_int(ctx, "offset", 0, 0, INT64_MAX);
    auto limit = query_int(ctx, "limit", default_topic_page, 0, max_topic_page);
    if (limit == 0) limit = default_topic_page;
    const auto instance = st.kafka.get_instance(ctx.param("project_id"), ctx.param("instance_id"));
    const auto topics = st.kafka.list_topics(ctx.param("project_id"), ctx.param("instance_id"));

    const auto total = static_cast<std::int64_t>(topics.size());
    const auto first = std::min(offset, total);
    const auto last = std::min(total, first + limit);
    rapidjson::StringBuffer buffer;
    json_writer writer(buffer);
    writer.StartObject();
    writer.Key("total");
    writer.Int64(total);
    writer.Key("size");
    writer.Int64(last - first);
    writer.Key("remain_partitions");
    writer.Int(instance.max_partitions - instance.used_partitions);
    writer.Key("max_partitions");
    writer.Int(instance.max_partitions);
    writer.Key("topic_max_partitions");
    writer.Int64(topic_max_partitions);
    writer.Key("topics");
    writer.StartArray();
    for (auto i = first; i < last; ++i) write_topic(writer, topics[static_cast<std::size_t>(i)]);
    writer.EndArray();
    writer.EndObject();
    return response::json(200, to_string(buffer));
}

// Topics that do not exist (or are named twice) answer success:false; the call itself succeeds.
response batch_delete_instance_topic(const request_context& ctx, state::state& st) {
    require_dms_instance(ctx);
    const auto document = parse_json_object(ctx.body, service::dms);
    const auto names = string_array(json_fields(document, service::dms), "topics");
    const auto results = st.kafka.delete_topics(ctx.param("project_id"), ctx.param("instance_id"), names);

    rapidjson::StringBuffer buffer;
    json_writer writer(buffer);
    writer.StartObject();
    writer.Key("topics");
    writer.StartArray();
    for (const auto& result : results) {
        writer.StartObject();
        writer.Key("id");
        writer.String(result.name);
        writer.Key("success");
        writer.Bool(result.deleted);
        writer.EndObject();
    }
    writer.EndArray();
    writer.EndObject();
    return response::json(200, to_string(buffer));
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
        updates.push_back(parse_topic_update(json_fields((*items)[i], service::dms, path), instance.spec.broker_num));
    }
    st.kafka.update_topics(ctx.param("project_id"), ctx.param("instance_id"), updates);
    return response::empty(204);
}

// Replicas are always in sync and hold the leader's bytes: the emulator keeps one copy of each log.
response show_instance_topic_detail(const request_context& ctx, state::state& st) {
    require_dms_instance(ctx);
    const auto& project = ctx.param("project_id");
    const auto& instance_id = ctx.param("instance_id");
    const auto& topic_name = ctx.param("topic");
    const auto brokers = st.kafka.get_instance(project, instance_id).spec.broker_num;
    const auto topic = st.kafka.get_topic(project, instance_id, topic_name);
    const auto partitions = st.kafka.partitions(project, instance_id, topic_name);
    const auto groups = st.kafka.subscribed_groups(project, instance_id, topic_name);

    rapidjson::StringBuffer buffer;
    json_writer writer(buffer);
    writer.StartObject();
    writer.Key("topic");
    writer.String(topic.name);
    writer.Key("group_subscribed");
    writer.StartArray();
    for (const auto& group : groups) writer.String(group);
    writer.EndArray();
    writer.Key("partitions");
    writer.StartArray();
    for (const auto& p : partitions) {
        const auto replicas = replica_brokers(p.partition, topic.replication, brokers);
        writer.StartObject();
        writer.Key("partition");
        writer.Int(p.partition);
        writer.Key("leader");
        writer.Int(replicas.front());
        writer.Key("lso");
        writer.Int64(p.start_offset);
        writer.Key("leo");
        writer.Int64(p.end_offset);
        writer.Key("hw");
        writer.Int64(p.end_offset);
        writer.Key("last_update_timestamp");
        writer.Int64(p.last_update_ms);
        writer.Key("replicas");
        writer.StartArray();
        for (const auto broker : replicas) {
            writer.StartObject();
            writer.Key("broker");
            writer.Int(broker);
            writer.Key("leader");
            writer.Bool(broker == replicas.front());
            writer.Key("in_sync");
            writer.Bool(true);
            writer.Key("size");
            writer.Int64(p.retained_bytes);
            writer.Key("lag");
            writer.Int(0);
            writer.EndObject();
        }
        writer.EndArray();
        writer.EndObject();
    }
    writer.EndArray();
    writer.EndObject();
    return response::json(200, to_string(buffer));
}

// A top-level JSON array: the SDK model's single `body` attribute takes the whole payload.
response show_kafka_topic_detail(const request_context& ctx, state::state& st) {
    require_dms_instance(ctx);
    const auto& project = ctx.param("project_id");
    const auto& instance_id = ctx.param("instance_id");
    const auto brokers = st.kafka.get_instance(project, instance_id).spec.broker_num;
    const auto topic = st.kafka.get_topic(project, instance_id, ctx.param("topic"));

    rapidjson::StringBuffer buffer;
    json_writer writer(buffer);
    writer.StartArray();
    writer.StartObject();
    writer.Key("topic");
    writer.String(topic.name);
    writer.Key("create_time");
    writer.Int64(topic.created_at.value_or(0));
    writer.Key("partitions");
    writer.StartArray();
    for (std::int32_t p = 0; p < topic.partition_count; ++p) {
        const auto replicas = replica_brokers(p, topic.replication, brokers);
        writer.StartObject();
        writer.Key("partition");
        writer.Int(p);
        writer.Key("leader");
        writer.Int(replicas.front());
        writer.Key("replicas");
        writer.StartArray();
        for (const auto broker : replicas) writer.Int(broker);
        writer.EndArray();
        writer.EndObject();
    }
    writer.EndArray();
    writer.EndObject();
    writer.EndArray();
    return response::json(200, to_string(buffer));
}

response list_topic_partitions(const request_context& ctx, state::state& st) {
    require_dms_instance(ctx);
    const auto offset = query_int(ctx, "offset", 0, 0, INT64_MAX);
    const auto limit = query_int(ctx, "limit", INT64_MAX, 1, INT64_MAX);
    const auto partitions = st.kafka.partitions(ctx.param("project_id"), ctx.param("instance_id"), ctx.param("topic"));

    const auto total = static_cast<std::int64_t>(partitions.size());
    const auto first = std::min(offset, total);
    const auto last = total - first < limit ? total : first + limit;
    rapidjson::StringBuffer buffer;
    json_writer writer(buffer);
    writer.StartObject();
    writer.Key("total");
    writer.Int64(total);
    writer.Key("partitions");
    writer.StartArray();
    for (auto i = first; i < last; ++i) {
        const auto& p = partitions[static_cast<std::size_t>(i)];
        writer.StartObject();
        writer.Key("partition");
        writer.Int(p.partition);
        writer.Key("start_offset");
        writer.Int64(p.start_offset);
        writer.Key("last_offset");
        writer.Int64(p.end_offset);
        writer.Key("message_count");
        writer.Int64(p.end_offset - p.start_offset);
        writer.Key("last_update_time");
        writer.Int64(p.last_update_ms);
        writer.EndObject();
    }
    writer.EndArray();
    writer.EndObject();
    return response::json(200, to_string(buffer));
}

}  // namespace emu::routes::dms
