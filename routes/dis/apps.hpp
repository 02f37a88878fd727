#pragma once

#include "routes/http/request.hpp"
#include "state/state.hpp"

namespace emu::routes::dis {

// POST /v2/{project_id}/apps (201, no body)
response create_app(const request_context& ctx, state::state& st);
// GET /v2/{project_id}/apps
response list_app(const request_context& ctx, state::state& st);
// GET /v2/{project_id}/apps/{app_name}
response show_app(const request_context& ctx, state::state& st);
// DELETE /v2/{project_id}/apps/{app_name} (204, no body)
response delete_app(const request_context& ctx, state::state& st);
// GET /v2/{project_id}/apps/{app_name}/streams/{stream_name}
response show_consumer_state(const request_context& ctx, state::state& st);

}  // namespace emu::routes::dis
