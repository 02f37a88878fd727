#pragma once

#include <chrono>

namespace emu::routes {

// The emulator's own runtime beside the cloud state: what the /_emulator/ routes read and change.
// One per router, shared by every connection; each member guards itself.
struct control_plane {
    std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
};

}  // namespace emu::routes
