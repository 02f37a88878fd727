#pragma once

#include "state/clock.hpp"
#include "state/dis.hpp"
#include "state/kafka.hpp"

namespace emu::state {

// Everything the emulator remembers, for both services.
struct state {
    explicit state(clock_fn clock = system_now_ms) : kafka(clock), dis(clock) {}

    kafka_store kafka;
    dis_store dis;

    void reset() {
        kafka.reset();
        dis.reset();
    }
};

}  // namespace emu::state
