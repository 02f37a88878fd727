#pragma once

#include "routes/http/request.hpp"
#include "state/state.hpp"

namespace emu::routes::dis {

// POST /v2/{project_id}/checkpoints (201, no body)
response commit_checkpoint(const request_context& ctx, state::state& st);
// GET /v2/{project_id}/checkpoints
response show_checkpoint(const request_context& ctx, state::state& st);
// DELETE /v2/{project_id}/checkpoints (204, no body)
response delete_checkpoint(const request_context& ctx, state::state& st);

}  // namespace emu::routes::dis
