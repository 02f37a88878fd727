#pragma once

#include <chrono>
#include <mutex>
#include <string>
#include <vector>

#include "routes/control/faults.hpp"
#include "routes/control/journal.hpp"
#include "routes/control/metrics.hpp"

namespace emu::routes::control {

// The emulator's own runtime beside the cloud state: what the /_emulator/ routes read and change.
// One per router, shared by every connection; each member guards itself.
struct control_plane {
    std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();

    // Resets, state loads and exports run one at a time, so a merge never works from a copy that a reset or
    // another load is about to replace.
    std::mutex state_writes;

    // Recent cloud-API exchanges (GET/DELETE /_emulator/requests); disabled until configured.
    journal requests;
    // Fault-injection rules (/_emulator/faults); clear() empties them, e.g. on reset?faults=true.
    fault_rules faults;
    // Counters behind GET /_emulator/metrics; state-size gauges plug in with metrics.set_state_gauges().
    control::metrics metrics;
    // The Kafka listeners' counters, fed through server/app.cpp's observer of the listeners.
    kafka_metrics kafka;
    // The cloud-API operation names of the route table (what a fault rule's "operation" may name);
    // filled while the table is built.
    std::vector<std::string> cloud_operations;
};

}  // namespace emu::routes::control
