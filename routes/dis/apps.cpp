#include "routes/dis/apps.hpp"

#include <algorithm>

#include "routes/dis/common.hpp"
#include "routes/http/json.hpp"
#include "routes/http/paging.hpp"
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
    return checked_name(&ctx.param("app_name"), "app_name", app_name_max);
}

}  // namespace

response create_app(const request_context& ctx, state::state& st) {
    require_dis_project(ctx);
    const auto document = parse_json_object(ctx.body, service::dis);
    const json_fields fields(document, service::dis);
    state::app_spec spec;
    spec.app_name = fields.req_string("app_name");
    if (!is_name(spec.app_name, app_name_max)) {
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

    return json_response(200, [&](json_object& o) {
        o.field("total_number", page.total)
            .field("has_more_app", page.has_more)
            .array("apps", page.apps, write_app);
    });
}

response show_app(const request_context& ctx, state::state& st) {
    require_dis_project(ctx);
    const auto app = st.dis.get_app(ctx.param("project_id"), app_name_of(ctx));
    return json_response(200, [&](json_object& o) { write_app(o, app); });
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
    const auto stream_name = checked_name(&ctx.param("stream_name"), "stream_name", stream_name_max);
    const std::string* type = ctx.query_param("checkpoint_type");
    if (type == nullptr) throw dis_invalid_request("checkpoint_type: is required");
    if (*type != last_read) throw dis_invalid_request("checkpoint_type: must be LAST_READ");
    const auto limit = query_int(ctx, "limit", 1, max_partition_page, default_partition_page);
    const std::int64_t first = first_partition_after(ctx.query_param("start_partition_id"));
    const auto states = st.dis.consumer_state(ctx.param("project_id"), app_name, stream_name, *type);

    const auto count = static_cast<std::int64_t>(states.size());
    const auto window = page_window(count, first, limit);
    return json_response(200, [&](json_object& o) {
        o.field("has_more", window.last < count)
            .field("stream_name", stream_name)
            .field("app_name", app_name);
        o.array("partition_consuming_states", window.of(states), [&](json_object& entry, const auto& state) {
            entry.field("partition_id", shard_id(state.partition.index));
            if (state.checkpoint) {
                entry.field("sequence_number", std::to_string(state.checkpoint->sequence_number));
            } else {
                entry.field("sequence_number", no_checkpoint);
            }
            entry.field("latest_offset", state.partition.next)
                .field("earliest_offset", state.partition.earliest)
                .field("checkpoint_type", *type)
                .field("status", to_string(state.partition.status));
        });
    });
}

}  // namespace emu::routes::dis
