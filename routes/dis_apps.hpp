#pragma once

#include "routes/request.hpp"
#include "state/state.hpp"

namespace emu::routes {

// POST /v2/{project_id}/apps (201, no body)
response dis_create_app(const request_context& ctx, state::state& st);
// GET /v2/{project_id}/apps
response dis_list_apps(const request_context& ctx, state::state& st);
// GET /v2/{project_id}/apps/{app_name}
response dis_show_app(const request_context& ctx, state::state& st);
// DELETE /v2/{project_id}/apps/{app_name} (204, no body)
response dis_delete_app(const request_context& ctx, state::state& st);
// GET /v2/{project_id}/apps/{app_name}/streams/{stream_name}
response dis_show_consumer_state(const request_context& ctx, state::state& st);

}  // namespace emu::routes
