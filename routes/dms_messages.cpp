#include "routes/dms_messages.hpp"

#include "routes/json.hpp"
#include "routes/validation.hpp"

namespace emu::routes {

namespace {

// DeleteRecords results carry Kafka protocol error codes (reference §9 Q1-Q3).
constexpr int kafka_none = 0;
constexpr int kafka_offset_out_of_range = 1;
constexpr int kafka_unknown_topic_or_partition = 3;

std::vector<state::delete_records_entry> parse_delete_entries(std::string_view body) {
    const auto document = parse_json_object(body, service::dms);
    const json_fields fields(document, service::dms);
    std::vector<state::delete_records_entry> entries;
    const auto* partitions = fields.opt_array("partitions");
    if (partitions == nullptr) return entries;
    entries.reserve(partitions->Size());
    for (rapidjson::SizeType i = 0; i < partitions->Size(); ++i) {
        const std::string path = "partitions[" + std::to_string(i) + "]";
        const auto& item = (*partitions)[i];
        if (!item.IsObject()) throw dms_invalid_parameter(path);
        const json_fields entry(item, service::dms, path);
        const auto partition = entry.req_int("partition", INT32_MIN, INT32_MAX);
        const auto offset = entry.req_int("offset", INT64_MIN, INT64_MAX);
        entries.push_back({static_cast<std::int32_t>(partition), offset});
    }
    return entries;
}

void write_delete_result(json_writer& writer, const state::delete_records_result& result) {
    writer.StartObject();
    writer.Key("partition");
    writer.Int(result.partition);
    const bool ok = result.status == state::delete_records_status::success;
    writer.Key("result");
    writer.String(ok ? "success" : "failed");
    writer.Key("error_code");
    switch (result.status) {
        case state::delete_records_status::success: writer.Int(kafka_none); break;
        case state::delete_records_status::offset_out_of_range: writer.Int(kafka_offset_out_of_range); break;
        case state::delete_records_status::unknown_partition: writer.Int(kafka_unknown_topic_or_partition); break;
    }
    writer.EndObject();
}

std::int32_t path_partition(const request_context& ctx) {
    const auto partition = parse_int64(ctx.param("partition"));
    if (!partition || *partition < 0 || *partition > INT32_MAX) throw dms_invalid_parameter("partition");
    return static_cast<std::int32_t>(*partition);
}

response position_answer(const request_context& ctx, std::int32_t partition, std::int64_t offset,
                         std::int64_t timestamp) {
    rapidjson::StringBuffer buffer;
    json_writer writer(buffer);
    writer.StartObject();
    writer.Key("topic");
    writer.String(ctx.param("topic"));
    writer.Key("partition");
    writer.Int(partition);
    writer.Key("offset");
    writer.Int64(offset);
    writer.Key("timestamp");
    writer.Int64(timestamp);
    writer.EndObject();
    return response::json(200, to_string(buffer));
}

}  // namespace

response dms_delete_topic_messages(const request_context& ctx, state::state& st) {
    require_dms_instance(ctx);
    const auto entries = parse_delete_entries(ctx.body);
    const auto results =
        st.kafka.delete_records(ctx.param("project_id"), ctx.param("instance_id"), ctx.param("topic"), entries);

    rapidjson::StringBuffer buffer;
    json_writer writer(buffer);
    writer.StartObject();
    writer.Key("partitions");
    writer.StartArray();
    for (const auto& result : results) write_delete_result(writer, result);
    writer.EndArray();
    writer.EndObject();
    return response::json(200, to_string(buffer));
}

response dms_send_message(const request_context& ctx, state::state& st) {
    require_dms_instance(ctx);
    const std::string* action = ctx.query_param("action_id");
    if (action == nullptr || *action != "send") throw dms_invalid_parameter("action_id");

    const auto document = parse_json_object(ctx.body, service::dms);
    const json_fields fields(document, service::dms);
    state::produce_request request;
    request.topic = fields.req_string("topic");
    request.value = fields.req_string("body");
    if (const auto* properties = fields.opt_array("property_list")) {
        for (rapidjson::SizeType i = 0; i < properties->Size(); ++i) {
            const std::string path = "property_list[" + std::to_string(i) + "]";
            if (!(*properties)[i].IsObject()) throw dms_invalid_parameter(path);
            const json_fields property((*properties)[i], service::dms, path);
            const auto name = property.req_string("name");
            auto value = property.req_string("value");
            if (name == "KEY") {
                request.key = std::move(value);
            } else if (name == "PARTITION") {
                const auto partition = parse_int64(value);
                if (!partition || *partition < 0 || *partition > INT32_MAX) throw dms_invalid_parameter("PARTITION");
                request.partition = static_cast<std::int32_t>(*partition);
            } else {
                request.headers.emplace_back(name, std::move(value));
            }
        }
    }
    st.kafka.produce(ctx.param("project_id"), ctx.param("instance_id"), request);

    rapidjson::StringBuffer buffer;
    json_writer writer(buffer);
    writer.StartObject();
    writer.Key("topic");
    writer.String(request.topic);
    writer.Key("body");
    writer.String(request.value);
    writer.Key("property_list");
    writer.StartArray();
    writer.EndArray();
    writer.EndObject();
    return response::json(200, to_string(buffer));
}

response dms_partition_beginning_message(const request_context& ctx, state::state& st) {
    require_dms_instance(ctx);
    const auto partition = path_partition(ctx);
    const auto log = st.kafka.partition(ctx.param("project_id"), ctx.param("instance_id"), ctx.param("topic"), partition);
    return position_answer(ctx, partition, log.start_offset, log.first_timestamp);
}

// The offset of the last stored message (LEO - 1); an empty log answers its start offset with timestamp 0
// (reference §9 Q6).
response dms_partition_end_message(const request_context& ctx, state::state& st) {
    require_dms_instance(ctx);
    const auto partition = path_partition(ctx);
    const auto log = st.kafka.partition(ctx.param("project_id"), ctx.param("instance_id"), ctx.param("topic"), partition);
    if (log.start_offset == log.end_offset) return position_answer(ctx, partition, log.start_offset, 0);
    return position_answer(ctx, partition, log.end_offset - 1, log.last_timestamp);
}

// A message that was deleted or never written answers an empty "message" array.
response dms_partition_message(const request_context& ctx, state::state& st) {
    require_dms_instance(ctx);
    const auto partition = path_partition(ctx);
    const std::string* offset_text = ctx.query_param("message_offset");
    const auto offset = offset_text ? parse_int64(*offset_text) : std::nullopt;
    if (!offset) throw dms_invalid_parameter("message_offset");
    const auto message = st.kafka.message_at(ctx.param("project_id"), ctx.param("instance_id"),
                                             ctx.param("topic"), partition, *offset);

    rapidjson::StringBuffer buffer;
    json_writer writer(buffer);
    writer.StartObject();
    writer.Key("message");
    writer.StartArray();
    if (message) {
        writer.StartObject();
        writer.Key("key");
        if (message->key) {
            writer.String(*message->key);
        } else {
            writer.Null();
        }
        writer.Key("value");
        writer.String(message->value);
        writer.Key("topic");
        writer.String(ctx.param("topic"));
        writer.Key("partition");
        writer.Int(partition);
        writer.Key("message_offset");
        writer.Int64(message->offset);
        writer.Key("size");
        writer.Int64(static_cast<std::int64_t>(message->value.size() + message->key.value_or("").size()));
        writer.Key("timestamp");
        writer.Int64(message->timestamp);
        writer.EndObject();
    }
    writer.EndArray();
    writer.EndObject();
    return response::json(200, to_string(buffer));
}

}  // namespace emu::routes
