#pragma once

#include <cstdint>
#include <functional>

namespace emu::state {

// Milliseconds since the Unix epoch. Stores take a clock so that tests never depend on the wall clock.
using clock_fn = std::function<std::int64_t()>;

std::int64_t system_now_ms();

}  // namespace emu::state
