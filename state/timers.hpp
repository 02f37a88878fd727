#pragma once

#include <chrono>
#include <cstdint>
#include <functional>

namespace emu::state {

// One-shot timers for what the state must do later on its own: a consumer group's session and rebalance
// timeouts. The state never sleeps on a thread for them; the server gives it timers on its event loop
// (server/net/timers), tests one they advance by hand.
class timer_service {
  public:
    virtual ~timer_service() = default;
    // Calls `fire` once, on some thread, `after` from now, unless cancelled first. The id is never 0.
    virtual std::uint64_t schedule(std::chrono::milliseconds after, std::function<void()> fire) = 0;
    // Forgets a timer that has not fired; an unknown or fired id is ignored.
    virtual void cancel(std::uint64_t id) = 0;
};

}  // namespace emu::state
