#include "routes/dis_records.hpp"

#include "routes/json.hpp"
#include "routes/validation.hpp"

namespace emu::routes {

state::record_input parse_record_input(const rapidjson::Value& item, const std::string& path) {
    if (!item.IsObject()) throw dis_invalid_request(path + ": must be an object");
    const json_fields fields(item, service::dis, path);
    state::record_input record;
    record.data = fields.req_string("data");
    if (!is_base64(record.data)) throw fields.invalid("data", "must be base64");
    if (auto id = fields.opt_string("partition_id")) {
        const auto index = parse_dis_partition_id(*id);
        if (!index) throw dis_error("DIS.4201", {*id});
        record.partition = *index;
    }
    if (auto hash = fields.opt_string("explicit_hash_key")) {
        const auto value = parse_int64(*hash);
        if (!value || *value < 0) throw fields.invalid("explicit_hash_key", "must be a decimal from 0 to 2^63-1");
        record.explicit_hash_key = *value;
    }
    record.partition_key = fields.opt_string("partition_key");
    return record;
}

// Every record is validated before any is stored; the answer has one result per record, in input order.
response dis_send_records(const request_context& ctx, state::state& st) {
    require_dis_project(ctx);
    const auto document = parse_json_object(ctx.body, service::dis);
    const json_fields fields(document, service::dis);
    const auto stream_name = fields.req_string("stream_name");
    const auto* items = fields.opt_array("records");
    if (items == nullptr || items->Empty()) throw fields.invalid("records", "at least one record is required");
    std::vector<state::record_input> records;
    records.reserve(items->Size());
    for (rapidjson::SizeType i = 0; i < items->Size(); ++i) {
        records.push_back(parse_record_input((*items)[i], "records[" + std::to_string(i) + "]"));
    }
    const auto results = st.dis.put_records(ctx.param("project_id"), stream_name, records);

    rapidjson::StringBuffer buffer;
    json_writer writer(buffer);
    writer.StartObject();
    writer.Key("failed_record_count");
    writer.Int(0);
    writer.Key("records");
    writer.StartArray();
    for (const auto& result : results) {
        writer.StartObject();
        writer.Key("partition_id");
        writer.String(dis_shard_id(result.partition));
        writer.Key("sequence_number");
        writer.String(std::to_string(result.sequence_number));
        writer.EndObject();
    }
    writer.EndArray();
    writer.EndObject();
    return response::json(200, to_string(buffer));
}

}  // namespace emu::routes
