#include "routes/dis/apps.hpp"

#include <algorithm>

#include "routes/dis/common.hpp"
#include "routes/http/json.hpp"
#include "routes/http/validation.hpp"

namespace emu::routes::dis {

namespace {

constexpr std::int64_t default_app_page = 10;
constexpr std::int64_t max_app_page = 100;
constexpr std::int64_t default_partition_page = 100;
constexpr std::int64_t max_partition_page = 1000;
constexpr std::string_view no_checkpoint = "-1";

// No app can have a name outside the create rule, so such a path is a bad request, not a missing app.
std::string app_name_of(const request_context& ctx) {
    return checked_name(&ctx.param("app_name"), "app_name", dis_app_name_max);
}

}  // namespace

response create_app(const request_context& ctx, state::state& st) {
    require_dis_project(ctx);
    const auto document = parse_json_object(ctx.body, service::dis);
    const json_fields fields(document, service::dis);
    state::app_spec spec;
    spec.app_name = fields.req_string("app_name");
    if (!is_dis_name(spec.app_name, dis_app_name_max)) {
        throw fields.invalid("app_name", "must be 1 to 200 letters, digits, _ or -");
    }
    st.dis.create_app(ctx.param("project_id"), std::move(spec));
    return response::empty(201);
}

response list_app(const request_context& ctx, state::state& st) {
    require_dis_project(ctx);
    const auto limit = query_int(ctx, "limit", 1, max_app_page, default_app_page);
    const std::string* start = ctx.query_param("start_app_name");
    std::optional<std::string> stream_name;
    if (const std::string* name = ctx.query_param("stream_name")) stream_name = *name;
    const auto page = st.dis.list_apps(ctx.param("project_id"), start != nullptr ? *start : std::string(),
                                       static_cast<std::size_t>(limit), stream_name);

    rapidjson::StringBuffer buffer;
    json_writer writer(buffer);
    writer.StartObject();
    writer.Key("total_number");
    writer.Uint64(page.total);
    writer.Key("has_more_app");
    writer.Bool(page.has_more);
    writer.Key("apps");
    writer.StartArray();
    for (const auto& app : page.apps) write_app(writer, app);
    writer.EndArray();
    writer.EndObject();
    return response::json(200, to_string(buffer));
}

response show_app(const request_context& ctx, state::state& st) {
    require_dis_project(ctx);
    const auto app = st.dis.get_app(ctx.param("project_id"), app_name_of(ctx));
    rapidjson::StringBuffer buffer;
    json_writer writer(buffer);
    write_app(writer, app);
    return response::json(200, to_string(buffer));
}

// DIS.4331 ("app is using") is never raised: the emulator has no live consumers (reference §10 Q14).
response delete_app(const request_context& ctx, state::state& st) {
    require_dis_project(ctx);
    st.dis.delete_app(ctx.param("project_id"), app_name_of(ctx));
    return response::empty(204);
}

// Partitions with nothing committed answer "-1" rather than DIS.4375 (reference §10 Q5); the offsets are
// the two ends of sequence_number_range.
response show_consumer_state(const request_context& ctx, state::state& st) {
    require_dis_project(ctx);
    const auto app_name = app_name_of(ctx);
    const auto stream_name = checked_name(&ctx.param("stream_name"), "stream_name", dis_stream_name_max);
    const std::string* type = ctx.query_param("checkpoint_type");
    if (type == nullptr) throw dis_invalid_request("checkpoint_type: is required");
    if (*type != last_read) throw dis_invalid_request("checkpoint_type: must be LAST_READ");
    const auto limit = query_int(ctx, "limit", 1, max_partition_page, default_partition_page);
    const std::int64_t first = first_partition_after(ctx.query_param("start_partition_id"));
    const auto states = st.dis.consumer_state(ctx.param("project_id"), app_name, stream_name, *type);

    const auto count = static_cast<std::int64_t>(states.size());
    const std::int64_t end = std::min(count, first + limit);
    rapidjson::StringBuffer buffer;
    json_writer writer(buffer);
    writer.StartObject();
    writer.Key("has_more");
    writer.Bool(end < count);
    writer.Key("stream_name");
    writer.String(stream_name);
    writer.Key("app_name");
    writer.String(app_name);
    writer.Key("partition_consuming_states");
    writer.StartArray();
    for (std::int64_t i = first; i < end; ++i) {
        const auto& state = states[static_cast<std::size_t>(i)];
        writer.StartObject();
        writer.Key("partition_id");
        writer.String(dis_shard_id(state.partition.index));
        writer.Key("sequence_number");
        if (state.checkpoint) {
            writer.String(std::to_string(state.checkpoint->sequence_number));
        } else {
            write_string(writer, no_checkpoint);
        }
        writer.Key("latest_offset");
        writer.Int64(state.partition.next);
        writer.Key("earliest_offset");
        writer.Int64(state.partition.earliest);
        writer.Key("checkpoint_type");
        writer.String(*type);
        writer.Key("status");
        writer.String(to_string(state.partition.status));
        writer.EndObject();
    }
    writer.EndArray();
    writer.EndObject();
    return response::json(200, to_string(buffer));
}

}  // namespace emu::routes::dis
