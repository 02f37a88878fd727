#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <utility>

#include "state/clock.hpp"
#include "state/errors.hpp"
#include "state/kafka/instances.hpp"

namespace emu::state {

// gtest prints unknown enums as raw bytes; these make failure messages name the value.
inline void PrintTo(errc code, std::ostream* os) {
    *os << to_string(code);
}

inline void PrintTo(const error_facts& facts, std::ostream* os) {
    const auto number = [os](const char* field, const auto& value) {
        if (value) *os << ", ." << field << " = " << *value;
    };
    *os << "{.name = \"" << facts.name << "\", .project_id = \"" << facts.project_id << "\", .reason = \""
        << facts.reason << "\"";
    number("index", facts.index);
    number("limit", facts.limit);
    number("requested", facts.requested);
    number("low", facts.low);
    number("high", facts.high);
    *os << "}";
}

inline void PrintTo(delete_records_status status, std::ostream* os) {
    switch (status) {
        case delete_records_status::success:
            *os << "success";
            return;
        case delete_records_status::offset_out_of_range:
            *os << "offset_out_of_range";
            return;
        case delete_records_status::unknown_partition:
            *os << "unknown_partition";
            return;
    }
    *os << "delete_records_status(" << static_cast<int>(status) << ")";
}

}  // namespace emu::state

namespace emu::state::testing {

inline constexpr std::int64_t start_ms = 1'700'000'000'000;

// A clock the test moves by hand. Atomic so the concurrency tests can share it between threads.
class fake_clock {
  public:
    clock_fn fn() {
        return [this] { return now_.load(); };
    }
    std::int64_t now() const { return now_.load(); }
    void set(std::int64_t ms) { now_.store(ms); }
    void advance(std::int64_t ms) { now_.fetch_add(ms); }

  private:
    std::atomic<std::int64_t> now_{start_ms};
};

// A message as fixtures describe it: the offset is assigned by the store.
inline kafka_message fixture_message(std::string value, std::int64_t timestamp = 0,
                                     std::optional<std::string> key = std::nullopt) {
    kafka_message m;
    m.key = std::move(key);
    m.value = std::move(value);
    m.timestamp = timestamp;
    return m;
}

// The state error `f` throws, or nullopt when it returns normally. Any other exception propagates and
// fails the test.
template <class F>
std::optional<error> thrown_error(F&& f) {
    try {
        std::forward<F>(f)();
    } catch (const error& e) {
        return e;
    }
    return std::nullopt;
}

// Asserts that `f` throws an emu::state::error with exactly `expected` as its code.
template <class F>
::testing::AssertionResult throws_errc(F&& f, errc expected) {
    try {
        std::forward<F>(f)();
    } catch (const error& e) {
        if (e.code() == expected) return ::testing::AssertionSuccess();
        return ::testing::AssertionFailure()
               << "threw " << to_string(e.code()) << ", expected " << to_string(expected);
    } catch (const std::exception& e) {
        return ::testing::AssertionFailure() << "threw a non-state exception: " << e.what();
    }
    return ::testing::AssertionFailure() << "threw nothing, expected " << to_string(expected);
}

}  // namespace emu::state::testing
