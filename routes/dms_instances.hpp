#pragma once

#include "routes/json.hpp"
#include "routes/request.hpp"
#include "state/state.hpp"

namespace emu::routes {

// A CreateInstanceByEngineReq body, validated (shared with the fixture loader).
state::instance_spec parse_instance_spec(const json_fields& fields);

// POST /v2/{project_id}/kafka/instances and POST /v2/{engine}/{project_id}/instances
response dms_create_instance(const request_context& ctx, state::state& st);
// GET /v2/{project_id}/instances?engine=kafka
response dms_list_instances(const request_context& ctx, state::state& st);
// GET /v2/{project_id}/instances/{instance_id}
response dms_show_instance(const request_context& ctx, state::state& st);
// DELETE /v2/{project_id}/instances/{instance_id}
response dms_delete_instance(const request_context& ctx, state::state& st);

}  // namespace emu::routes
