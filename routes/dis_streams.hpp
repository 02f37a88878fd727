#pragma once

#include "routes/json.hpp"
#include "routes/request.hpp"
#include "state/state.hpp"

namespace emu::routes {

// A CreateStreamReq body, validated (shared with the fixture loader).
state::stream_spec parse_stream_spec(const json_fields& fields);

// POST /v2/{project_id}/streams (201, no body)
response dis_create_stream(const request_context& ctx, state::state& st);
// GET /v2/{project_id}/streams
response dis_list_streams(const request_context& ctx, state::state& st);
// GET /v2/{project_id}/streams/{stream_name}
response dis_show_stream(const request_context& ctx, state::state& st);
// DELETE /v2/{project_id}/streams/{stream_name} (204, no body)
response dis_delete_stream(const request_context& ctx, state::state& st);
// PUT /v2/{project_id}/streams/{stream_name} (200 with the legacy three-field body)
response dis_update_partition_count(const request_context& ctx, state::state& st);

}  // namespace emu::routes
