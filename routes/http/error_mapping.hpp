#pragma once

#include "routes/http/api_error.hpp"
#include "state/errors.hpp"

namespace emu::routes {

// The single place where domain failures become service answers.
api_error to_api_error(const state::error& error);

}  // namespace emu::routes
