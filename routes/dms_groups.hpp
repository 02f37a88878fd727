#pragma once

#include <optional>
#include <string>

#include "routes/json.hpp"
#include "routes/request.hpp"
#include "state/state.hpp"

namespace emu::routes {

// A CreateGroupReq body, validated (shared with the fixture loader).
struct group_request {
    std::string name;
    std::optional<std::string> description;
};
group_request parse_group_request(const json_fields& fields);

// Consumer groups (reference §7). The emulator has no Kafka wire protocol, so groups never have members:
// every group is EMPTY, and its committed offsets change only by resets (or fixtures).

// GET /v2/{project_id}/instances/{instance_id}/groups
response dms_list_groups(const request_context& ctx, state::state& st);
// GET /v2/{project_id}/instances/{instance_id}/groups/{group}
response dms_show_group(const request_context& ctx, state::state& st);
// GET /v2/{engine}/{project_id}/instances/{instance_id}/groups/{group}: an unknown group is DEAD, not an
// error
response dms_show_group_by_engine(const request_context& ctx, state::state& st);
// GET /v2/{project_id}/instances/{instance_id}/management/groups/{group}
response dms_show_group_management(const request_context& ctx, state::state& st);
// POST /v2/{project_id}/kafka/instances/{instance_id}/group
response dms_create_group(const request_context& ctx, state::state& st);
// PUT /v2/{engine}/{project_id}/instances/{instance_id}/groups/{group}
response dms_update_group(const request_context& ctx, state::state& st);
// DELETE /v2/{project_id}/instances/{instance_id}/groups/{group} (204)
response dms_delete_group(const request_context& ctx, state::state& st);
// DELETE /v2/{engine}/{project_id}/instances/{instance_id}/groups/{group} (200)
response dms_delete_group_by_engine(const request_context& ctx, state::state& st);
// POST /v2/{project_id}/instances/{instance_id}/groups/batch-delete
response dms_batch_delete_groups(const request_context& ctx, state::state& st);
// POST .../management/groups/{group}/reset-message-offset and PUT
// /v2/kafka/.../groups/{group}/reset-message-offset
response dms_reset_group_offsets(const request_context& ctx, state::state& st);
// GET /v2/{engine}/{project_id}/instances/{instance_id}/groups/{group}/message-offset
response dms_group_message_offsets(const request_context& ctx, state::state& st);
// GET /v2/{engine}/{project_id}/instances/{instance_id}/groups/{group}/topics
response dms_group_topics(const request_context& ctx, state::state& st);
// GET /v2/{engine}/{project_id}/instances/{instance_id}/groups/{group}/members
response dms_group_members(const request_context& ctx, state::state& st);

}  // namespace emu::routes
