#pragma once

#include <string>

namespace emu::server {

// spdlog to standard error at the given level name.
void setup_logging(const std::string& level);

}  // namespace emu::server
