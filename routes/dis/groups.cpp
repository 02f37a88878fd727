#include "routes/dis/groups.hpp"

#include <algorithm>
#include <climits>

#include "routes/dis/common.hpp"
#include "routes/http/json.hpp"
#include "routes/http/validation.hpp"

namespace emu::routes::dis {

// The bodies are the adapter's request classes as Jackson writes them (no @JsonProperty, NON_NULL):
// JoinGroupRequest {groupId, clientId, interestedStream, interestedStreamIdList, streamPattern,
// accelerateAssignEnabled, rebalanceTimeoutMs}, HeartbeatRequest and SyncGroupRequest {clientId, groupId,
// generation}. A groupId or clientId in the body must be the one of the path (DIS.4200).
namespace {

constexpr std::size_t client_id_max = 255;
constexpr std::int64_t max_rebalance_timeout_ms = INT32_MAX;

std::string app_of(const request_context& ctx) {
    return checked_name(&ctx.param("app_name"), "app_name", app_name_max);
}

// A client id: 1 to 255 characters, none of them a control character.
std::string checked_client_id(const std::string& value, std::string_view name) {
    const bool control = std::any_of(
        value.begin(), value.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; });
    if (value.empty() || control || utf8_length(value) > client_id_max) {
        throw dis_invalid_request(std::string(name) + ": must be 1 to 255 characters, no control characters");
    }
    return value;
}

void require_same(const json_fields& fields, const char* name, const std::string& path_value,
                  std::string_view path_name) {
    if (const auto value = fields.opt_string(name); value && *value != path_value) {
        throw fields.invalid(name, "must be the " + std::string(path_name) + " of the path");
    }
}

std::vector<std::string> string_list(const json_fields& fields, const char* name) {
    std::vector<std::string> out;
    const auto* items = fields.opt_array(name);
    if (items == nullptr) return out;
    for (rapidjson::SizeType i = 0; i < items->Size(); ++i) {
        const auto& item = (*items)[i];
        if (!item.IsString())
            throw fields.invalid(std::string(name) + "[" + std::to_string(i) + "]", "must be a string");
        out.emplace_back(item.GetString(), item.GetStringLength());
    }
    return out;
}

// The member a heartbeat or sync names: the path's, which the body may repeat.
struct member_call {
    std::string app_name;
    std::string client_id;
    std::int64_t generation = state::no_generation;
};

member_call parse_member_call(const request_context& ctx) {
    member_call out;
    out.app_name = app_of(ctx);
    out.client_id = checked_client_id(ctx.param("client_id"), "client_id");
    const auto document = parse_json_object(ctx.body, service::dis);
    const json_fields fields(document, service::dis);
    require_same(fields, "groupId", out.app_name, "app_name");
    require_same(fields, "clientId", out.client_id, "client_id");
    out.generation =
        fields.opt_int("generation", state::no_generation, INT64_MAX).value_or(state::no_generation);
    return out;
}

const char* to_string(state::heartbeat_state s) {
    switch (s) {
        case state::heartbeat_state::joining:
            return "JOINING";
        case state::heartbeat_state::syncing:
            return "SYNCING";
        case state::heartbeat_state::stable:
            return "STABLE";
        case state::heartbeat_state::group_not_exist:
            return "GROUP_NOT_EXIST";
    }
    return "GROUP_NOT_EXIST";
}

const char* to_string(state::join_state s) {
    switch (s) {
        case state::join_state::ok:
            return "OK";
        case state::join_state::err_subscription:
            return "ERR_SUBSCRIPTION";
        case state::join_state::group_not_exist:
            return "GROUP_NOT_EXIST";
    }
    return "GROUP_NOT_EXIST";
}

const char* to_string(state::sync_state s) {
    switch (s) {
        case state::sync_state::ok:
            return "OK";
        case state::sync_state::waiting:
            return "WAITING";
        case state::sync_state::rejoin:
            return "REJOIN";
        case state::sync_state::group_not_exist:
            return "GROUP_NOT_EXIST";
    }
    return "GROUP_NOT_EXIST";
}

}  // namespace

response join_group(const request_context& ctx, state::state& st) {
    require_dis_project(ctx);
    const auto app_name = app_of(ctx);
    const auto document = parse_json_object(ctx.body, service::dis);
    const json_fields fields(document, service::dis);
    require_same(fields, "groupId", app_name, "app_name");
    state::group_join_request request;
    request.client_id = checked_client_id(fields.req_string("clientId"), "clientId");
    request.stream_names = string_list(fields, "interestedStream");
    request.stream_ids = string_list(fields, "interestedStreamIdList");
    request.stream_pattern = fields.opt_string("streamPattern");
    fields.opt_bool("accelerateAssignEnabled");  // the emulator assigns as soon as every member has joined
    request.rebalance_timeout_ms = fields.opt_int("rebalanceTimeoutMs", 1, max_rebalance_timeout_ms)
                                       .value_or(state::default_rebalance_timeout_ms);

    const auto joined = st.dis.join_group(ctx.param("project_id"), app_name, request);
    return json_response(200, [&](json_object& o) {
        o.field("state", to_string(joined.state))
            .values("subscription", joined.subscription)
            .field("syncDelayedTimeMs", joined.sync_delay_ms);
    });
}

response group_heartbeat(const request_context& ctx, state::state& st) {
    require_dis_project(ctx);
    const auto call = parse_member_call(ctx);
    const auto answer =
        st.dis.group_heartbeat(ctx.param("project_id"), call.app_name, call.client_id, call.generation);
    return json_response(200, [&](json_object& o) { o.field("state", to_string(answer)); });
}

// The sync's generation is the member's previous one (-1 before its first assignment): it is not checked.
response sync_group(const request_context& ctx, state::state& st) {
    require_dis_project(ctx);
    const auto call = parse_member_call(ctx);
    const auto synced = st.dis.sync_group(ctx.param("project_id"), call.app_name, call.client_id);
    return json_response(200, [&](json_object& o) {
        o.field("state", to_string(synced.state)).field("generation", synced.generation);
        if (synced.state == state::sync_state::ok) {
            o.object("assignment", [&](json_object& a) {
                for (const auto& [stream, partitions] : synced.assignment) a.values(stream, partitions);
            });
        }
    });
}

response leave_group(const request_context& ctx, state::state& st) {
    require_dis_project(ctx);
    const auto app_name = app_of(ctx);
    const auto client_id = checked_client_id(ctx.param("client_id"), "client_id");
    st.dis.leave_group(ctx.param("project_id"), app_name, client_id);
    return response::empty(204);
}

}  // namespace emu::routes::dis
