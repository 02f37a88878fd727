#pragma once

#include "state/clock.hpp"
#include "state/dis.hpp"
#include "state/kafka.hpp"

namespace emu::state {

// Everything the emulator remembers, for both services.
struct state {
    // `max_stored_bytes`: the cap on message and record bytes over both services (0: none).
    explicit state(clock_fn clock = system_now_ms, std::uint64_t max_stored_bytes = storage_budget::unlimited)
        : budget(std::make_shared<storage_budget>(max_stored_bytes)), kafka(clock, budget), dis(clock, {}, budget) {}

    std::shared_ptr<storage_budget> budget;  // declared first: the stores hold it
    kafka_store kafka;
    dis_store dis;

    void reset() {
        kafka.reset();
        dis.reset();
    }
};

}  // namespace emu::state
