#include "routes/emulator_routes.hpp"

namespace emu::routes {

response emulator_ready(const request_context&, state::state&, control_plane&) { return response::json(200, R"({"status":"ready"})"); }

}  // namespace emu::routes
