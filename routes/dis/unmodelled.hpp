#pragma once

#include "routes/http/request.hpp"
#include "state/state.hpp"

// Routes DIS's own SDKs call whose behaviour the emulator does not model. Each answers, once the project id
// is checked, 400 DIS.4200 "Invalid request. [<operation> is not emulated: ...]", naming the route's
// operation: a 4xx, so no SDK retries it, and nothing changes.
namespace emu::routes::dis {

// GET /v2/{project_id}/files/{deliver_data_id}/state (the Java SDK's file-upload state)
response file_state_not_emulated(const request_context& ctx, state::state& st);

}  // namespace emu::routes::dis
