#pragma once

#include <cstdint>
#include <string>

namespace emu::server {

// The image's HEALTHCHECK: asks a running emulator for GET /_emulator/ready on `host` (a wildcard address
// means this machine) and `port`. Returns the process exit code: 0 when it answered 200, 1 otherwise.
int run_healthcheck(const std::string& host, std::uint16_t port);

}  // namespace emu::server
