#pragma once

#include "routes/request.hpp"
#include "state/state.hpp"

namespace emu::routes {

// POST /v2/{project_id}/apps (201, no body)
response dis_create_app(const request_context& ctx, state::state& st);

}  // namespace emu::routes
