#pragma once

#include "routes/request.hpp"
#include "state/state.hpp"

namespace emu::routes {

// POST /v2/{project_id}/checkpoints (201, no body)
response dis_commit_checkpoint(const request_context& ctx, state::state& st);
// GET /v2/{project_id}/checkpoints
response dis_show_checkpoint(const request_context& ctx, state::state& st);
// DELETE /v2/{project_id}/checkpoints (204, no body)
response dis_delete_checkpoint(const request_context& ctx, state::state& st);

}  // namespace emu::routes
