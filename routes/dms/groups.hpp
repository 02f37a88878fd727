#pragma once

#include <optional>
#include <string>

#include "routes/http/json.hpp"
#include "routes/http/request.hpp"
#include "state/state.hpp"

namespace emu::routes::dms {

// A CreateGroupReq body, validated (shared with the fixture loader).
struct group_request {
    std::string name;
    std::optional<std::string> description;
};
group_request parse_group_request(const json_fields& fields);

// Consumer groups (DMS API: consumer group management). Groups have no members yet: every group is EMPTY,
// and its committed offsets change only by resets (or fixtures).

// GET /v2/{project_id}/instances/{instance_id}/groups
response list_instance_consumer_groups(const request_context& ctx, state::state& st);
// GET /v2/{project_id}/instances/{instance_id}/groups/{group}
response show_group(const request_context& ctx, state::state& st);
// GET /v2/{engine}/{project_id}/instances/{instance_id}/groups/{group}: an unknown group is DEAD, not an
// error
response list_instance_consumer_group(const request_context& ctx, state::state& st);
// GET /v2/{project_id}/instances/{instance_id}/management/groups/{group}
response show_groups(const request_context& ctx, state::state& st);
// POST /v2/{project_id}/kafka/instances/{instance_id}/group
response create_kafka_consumer_group(const request_context& ctx, state::state& st);
// PUT /v2/{engine}/{project_id}/instances/{instance_id}/groups/{group}
response update_instance_consumer_group(const request_context& ctx, state::state& st);
// DELETE /v2/{project_id}/instances/{instance_id}/groups/{group} (204)
response delete_group(const request_context& ctx, state::state& st);
// DELETE /v2/{engine}/{project_id}/instances/{instance_id}/groups/{group} (200)
response delete_instance_consumer_group(const request_context& ctx, state::state& st);
// POST /v2/{project_id}/instances/{instance_id}/groups/batch-delete
response batch_delete_group(const request_context& ctx, state::state& st);
// POST .../management/groups/{group}/reset-message-offset and PUT
// /v2/kafka/.../groups/{group}/reset-message-offset
response reset_message_offset(const request_context& ctx, state::state& st);
// reset_message_offset_with_engine: the same operation on its other path.
inline constexpr auto* reset_message_offset_with_engine = &reset_message_offset;
// GET /v2/{engine}/{project_id}/instances/{instance_id}/groups/{group}/message-offset
response list_instance_consumer_group_message_offset(const request_context& ctx, state::state& st);
// GET /v2/{engine}/{project_id}/instances/{instance_id}/groups/{group}/topics
response list_instance_consumer_group_topics(const request_context& ctx, state::state& st);
// GET /v2/{engine}/{project_id}/instances/{instance_id}/groups/{group}/members
response list_instance_consumer_group_members(const request_context& ctx, state::state& st);
response show_coordinators(const request_context& ctx, state::state& st);

}  // namespace emu::routes::dms
