#pragma once

#include "routes/http/request.hpp"
#include "state/state.hpp"

// The DIS Kafka adapter's group coordination (its InnerDisClient): camelCase JSON both ways, the outcome in
// the answer's "state" (a missing app is GROUP_NOT_EXIST there, not an HTTP error).
namespace emu::routes::dis {

// POST /v2/{project_id}/apps/{app_name}/consumers
response join_group(const request_context& ctx, state::state& st);
// POST /v2/{project_id}/apps/{app_name}/consumers/{client_id}/heartbeats
response group_heartbeat(const request_context& ctx, state::state& st);
// POST /v2/{project_id}/apps/{app_name}/consumers/{client_id}/partitions
response sync_group(const request_context& ctx, state::state& st);
// DELETE /v2/{project_id}/apps/{app_name}/consumers/{client_id} (204, no body)
response leave_group(const request_context& ctx, state::state& st);

}  // namespace emu::routes::dis
