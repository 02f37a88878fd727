#pragma once

#include "routes/control/control_plane.hpp"
#include "routes/http/request.hpp"
#include "state/state.hpp"

namespace emu::routes::control {

// GET /_emulator/health: status, version, uptime and counts of what the state holds.
response emulator_health(const request_context& ctx, state::state& st, control_plane& control);
// POST /_emulator/reset[?project_id=P][&faults=true|false]: forgets everything, or one project's state.
response emulator_reset(const request_context& ctx, state::state& st, control_plane& control);
// GET /_emulator/state[?project_id=P]: the state as a fixture document.
response export_state(const request_context& ctx, state::state& st, control_plane& control);
// PUT /_emulator/state: the state becomes the fixture document of the body.
response replace_state(const request_context& ctx, state::state& st, control_plane& control);
// POST /_emulator/state: the fixture document of the body is merged into the state.
response merge_state(const request_context& ctx, state::state& st, control_plane& control);

}  // namespace emu::routes::control
