#pragma once

#include "routes/http/json.hpp"
#include "routes/http/request.hpp"
#include "state/state.hpp"

namespace emu::routes::dis {

// A CreateStreamReq body, validated (shared with the fixture loader).
state::stream_spec parse_stream_spec(const json_fields& fields);
// One Tag object {key, value}: key 1-36 characters, value 0-43 (DIS.4200 otherwise); shared with the tag
// routes.
state::dis_tag parse_tag(const rapidjson::Value& item, const std::string& path);

// POST /v2/{project_id}/streams (201, no body)
response create_stream(const request_context& ctx, state::state& st);
// GET /v2/{project_id}/streams
response list_streams(const request_context& ctx, state::state& st);
// GET /v2/{project_id}/streams/{stream_name}
response show_stream(const request_context& ctx, state::state& st);
// DELETE /v2/{project_id}/streams/{stream_name} (204, no body)
response delete_stream(const request_context& ctx, state::state& st);
// PUT /v2/{project_id}/streams/{stream_name} (200 with the legacy three-field body)
response update_partition_count(const request_context& ctx, state::state& st);

// UpdateStream's validation and change, for every route that updates a stream's configuration (the Java
// SDK's PUT .../streams/{stream_name}/update, the v3 PUT /v3/{project_id}/streams/{stream_name}); returns
// the stream as changed.
state::stream_info update_stream_config(const request_context& ctx, state::state& st);
// PUT /v2/{project_id}/streams/{stream_name}/update (the Java SDK's UpdateStream; 200 with
// {stream_name, target_data_type})
response update_stream_v2(const request_context& ctx, state::state& st);
// PUT /v3/{project_id}/streams/{stream_name} (the v3 SDK's UpdateStream; 204, no body)
response update_stream_v3(const request_context& ctx, state::state& st);
// GET /v2/{project_id}/streams/{stream_name}/policies: {stream_id, rules}; the emulator grants no other
// account anything, so rules is empty.
response list_policies(const request_context& ctx, state::state& st);

}  // namespace emu::routes::dis
