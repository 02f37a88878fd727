#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "state/state.hpp"

namespace emu::routes::control {

// A named number about the state, e.g. {"topics", 3}; rendered as stream_emulator_state_objects{kind=...}.
using state_gauge = std::pair<std::string, std::uint64_t>;
using state_gauge_source = std::function<std::vector<state_gauge>(state::state&)>;

// Request counters and latency histograms per SDK operation, updated with relaxed atomics only.
class metrics {
  public:
    static constexpr std::size_t max_operations = 256;  // slot 0 counts requests to unknown paths
    static constexpr std::size_t status_slots = 16;     // distinct statuses tracked per operation
    // Upper bounds of the latency buckets, in microseconds.
    static constexpr std::array<std::uint64_t, 14> bucket_bounds_us{
        100, 250, 500, 1000, 2500, 5000, 10000, 25000, 50000, 100000, 250000, 500000, 1000000, 2500000};

    metrics();

    // Gives `operation` its slot (the same name always gets the same one). Call while building the route
    // table, before requests arrive.
    std::size_t register_operation(const std::string& operation);
    static constexpr std::size_t unknown_slot = 0;

    void observe(std::size_t slot, unsigned status, std::uint64_t duration_us);

    // The state-size gauges' source; without one the state_objects family is left out. Set before
    // requests arrive.
    void set_state_gauges(state_gauge_source source) { state_gauges_ = std::move(source); }
    const state_gauge_source& state_gauges() const { return state_gauges_; }

    // Appends the request families in Prometheus text format.
    void render(std::string& out) const;

  private:
    struct status_count {
        std::atomic<unsigned> status{0};  // 0: free slot
        std::atomic<std::uint64_t> count{0};
    };
    struct operation_slot {
        std::array<status_count, status_slots> statuses;
        std::atomic<std::uint64_t> other_status{0};  // beyond status_slots distinct statuses
        std::array<std::atomic<std::uint64_t>, bucket_bounds_us.size()> buckets{};  // not cumulative
        std::atomic<std::uint64_t> slower{0};                                       // above the last bound
        std::atomic<std::uint64_t> sum_us{0};
        std::atomic<std::uint64_t> count{0};
    };

    std::vector<std::string> names_;  // by slot; fixed once requests arrive
    std::unique_ptr<operation_slot[]> slots_;
    state_gauge_source state_gauges_;
};

// The Kafka listeners' counters: requests served per API key, the error codes their answers carry per API
// key (one per error field: a Produce of three partitions that all fail counts three), and connections.
// Relaxed atomics only, like the request counters.
class kafka_metrics {
  public:
    static constexpr std::size_t api_slots = 64;    // API keys 0-63; the others share one slot
    static constexpr std::size_t error_slots = 16;  // distinct error codes tracked per API key

    void connection_opened();
    void connection_closed();
    void observe(std::int16_t api_key, std::span<const std::int16_t> errors);
    // Appends the Kafka families in Prometheus text format.
    void render(std::string& out) const;

  private:
    static constexpr std::int32_t free_code = INT32_MIN;  // an error slot not claimed yet
    struct error_count {
        std::atomic<std::int32_t> code{free_code};
        std::atomic<std::uint64_t> count{0};
    };
    struct api_slot {
        std::atomic<std::uint64_t> requests{0};
        std::array<error_count, error_slots> errors;
        std::atomic<std::uint64_t> other_errors{0};  // beyond error_slots distinct codes
    };

    std::array<api_slot, api_slots + 1> apis_;  // by API key; the last: keys from api_slots on
    std::atomic<std::int64_t> open_{0};
    std::atomic<std::uint64_t> opened_{0};
};

// Appends `name{labels} value` lines' label value with Prometheus escaping.
void append_label_value(std::string& out, std::string_view value);

}  // namespace emu::routes::control
