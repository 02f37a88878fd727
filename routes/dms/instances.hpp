#pragma once

#include "routes/http/json.hpp"
#include "routes/http/request.hpp"
#include "state/state.hpp"

namespace emu::routes::dms {

// A CreateInstanceByEngineReq body, validated (shared with the fixture loader).
state::instance_spec parse_instance_spec(const json_fields& fields);

// POST /v2/{project_id}/kafka/instances and POST /v2/{engine}/{project_id}/instances
response create_post_paid_kafka_instance(const request_context& ctx, state::state& st);
// create_instance_by_engine: the same operation on its other path.
inline constexpr auto* create_instance_by_engine = &create_post_paid_kafka_instance;
// GET /v2/{project_id}/instances?engine=kafka
response list_instances(const request_context& ctx, state::state& st);
// GET /v2/{project_id}/instances/{instance_id}
response show_instance(const request_context& ctx, state::state& st);
// DELETE /v2/{project_id}/instances/{instance_id}
response delete_instance(const request_context& ctx, state::state& st);

}  // namespace emu::routes::dms
