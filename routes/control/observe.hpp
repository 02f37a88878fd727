#pragma once

#include <string_view>

#include "routes/control/control_plane.hpp"
#include "routes/http/request.hpp"
#include "state/state.hpp"

namespace emu::routes::control {

// GET /_emulator/requests?operation=&method=&path_prefix=&status=&project_id=&since=&limit=
//   -> 200 {"requests":[...]} oldest first (newest last)
response list_requests(const request_context& ctx, state::state& st, control_plane& control);
// DELETE /_emulator/requests -> 204
response clear_requests(const request_context& ctx, state::state& st, control_plane& control);

// POST /_emulator/faults (one rule) -> 201 the rule with "id" and "hits"
response add_fault(const request_context& ctx, state::state& st, control_plane& control);
// GET /_emulator/faults -> 200 {"faults":[...]}
response list_faults(const request_context& ctx, state::state& st, control_plane& control);
// DELETE /_emulator/faults -> 204
response clear_faults(const request_context& ctx, state::state& st, control_plane& control);
// DELETE /_emulator/faults/{id} -> 204, 404 EMU.0404 for an unknown id
response delete_fault(const request_context& ctx, state::state& st, control_plane& control);

// GET /_emulator/metrics -> 200 Prometheus text exposition (version 0.0.4)
response emulator_metrics(const request_context& ctx, state::state& st, control_plane& control);
inline constexpr std::string_view prometheus_content_type = "text/plain; version=0.0.4; charset=utf-8";

// GET /_emulator/openapi.json -> 200 the control plane's OpenAPI 3 document
response emulator_open_api(const request_context& ctx, state::state& st, control_plane& control);
// docs/control-plane.openapi.json, embedded at build time (generated openapi_document.cpp).
std::string_view openapi_document();

}  // namespace emu::routes::control
