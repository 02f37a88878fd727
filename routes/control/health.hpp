#pragma once

#include "routes/control/control_plane.hpp"
#include "routes/http/request.hpp"
#include "state/state.hpp"

namespace emu::routes::control {

// GET /_emulator/ready: 200 {"status":"ready"} once the server answers (state is loaded before listening).
response emulator_ready(const request_context& ctx, state::state& st, control_plane& control);

}  // namespace emu::routes::control
