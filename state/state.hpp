#pragma once

#include <algorithm>
#include <string>

#include "state/clock.hpp"
#include "state/dis/store.hpp"
#include "state/kafka/instances.hpp"

namespace emu::state {

struct state_counts {
    std::int64_t projects = 0;  // distinct ids with an instance, a stream or an app
    kafka_counts kafka;
    dis_counts dis;
};

// Everything the emulator remembers, for both services.
struct state {
    // `max_stored_bytes`: the cap on message and record bytes over both services (0: none).
    explicit state(clock_fn clock = system_now_ms, std::uint64_t max_stored_bytes = storage_budget::unlimited)
        : now_ms(std::move(clock)),
          budget(std::make_shared<storage_budget>(max_stored_bytes)),
          kafka(now_ms, budget),
          dis(now_ms, {}, budget) {}

    // A state charging its data to an existing budget (a scratch state loaded to replace another).
    state(clock_fn clock, std::shared_ptr<storage_budget> shared_budget)
        : now_ms(std::move(clock)),
          budget(std::move(shared_budget)),
          kafka(now_ms, budget),
          dis(now_ms, {}, budget) {}

    // The one clock of both stores (ms since the epoch); declared first: the stores copy it.
    clock_fn now_ms;
    std::shared_ptr<storage_budget> budget;  // declared before the stores: they hold it
    kafka_store kafka;
    dis_store dis;

    void reset() {
        kafka.reset();
        dis.reset();
    }

    // Forgets everything of one project, in both services.
    void reset_project(const std::string& project_id) {
        kafka.reset_project(project_id);
        dis.reset_project(project_id);
    }

    // Exchanges everything with `other`, one store after the other.
    void swap_contents(state& other) {
        kafka.swap_contents(other.kafka);
        dis.swap_contents(other.dis);
    }

    state_counts counts() const {
        auto ids = kafka.project_ids();
        const auto dis_ids = dis.project_ids();
        ids.insert(ids.end(), dis_ids.begin(), dis_ids.end());
        std::sort(ids.begin(), ids.end());
        const auto distinct = std::unique(ids.begin(), ids.end()) - ids.begin();
        return state_counts{distinct, kafka.counts(), dis.counts()};
    }
};

}  // namespace emu::state
