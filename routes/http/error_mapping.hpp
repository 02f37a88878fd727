#pragma once

#include "routes/http/api_error.hpp"
#include "state/errors.hpp"

namespace emu::routes {

// The single place where domain failures become service answers. `route_service` is the service of the
// route (or fixture step) that failed: a fact both services report, such as a missing partition or the
// storage limit, is answered in that service's words.
api_error to_api_error(const state::error& error, service route_service);

}  // namespace emu::routes
