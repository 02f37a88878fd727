#include "routes/control/health.hpp"

namespace emu::routes::control {

response emulator_ready(const request_context&, state::state&, control_plane&) {
    return response::json(200, R"({"status":"ready"})");
}

}  // namespace emu::routes::control
