#pragma once

#include <rapidjson/document.h>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <list>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "routes/http/api_error.hpp"
#include "routes/http/json.hpp"
#include "routes/http/request.hpp"

namespace emu::routes::control {

// One fault-injection rule (docs/control-plane.md, "Fault injection"). Match fields that are set must all
// match; the action is an error answer, an added delay, a dropped connection, or a delay with one of the
// others. A rule with `kafka_api` matches the Kafka requests of that API key on the instances' listeners
// (and no HTTP request); its error is `kafka_error`, a Kafka error code.
struct fault_rule {
    std::uint64_t id = 0;
    // match
    std::optional<std::string> operation;  // SDK operation name, e.g. DeleteCheckpoint
    std::optional<std::string> method;     // upper case
    std::optional<std::string> path;       // route template or concrete path; {x} matches any one segment
    std::optional<std::string> project_id;
    std::optional<std::int16_t> kafka_api;  // a Kafka API key (given by name or number)
    // action
    std::optional<unsigned> status;
    std::optional<std::string> error_code;
    std::optional<std::string> error_msg;
    std::optional<std::uint64_t> delay_ms;
    bool drop = false;
    std::optional<std::int16_t> kafka_error;  // a Kafka error code (given by name or number)
    // how often
    double probability = 1.0;
    std::optional<std::uint64_t> seed;   // default: the rule's id, so runs repeat without one
    std::optional<std::uint64_t> count;  // fire this many times, then expire
    // runtime
    std::uint64_t hits = 0;                  // times fired
    std::uint64_t engine = 0;                // splitmix64 state, started from the seed
    std::vector<std::string> path_segments;  // `path` split on '/'
    std::optional<api_error> dms_answer;     // the error answer per service, resolved when parsed
    std::optional<api_error> dis_answer;

    bool has_error() const { return status || error_code || error_msg; }
    bool has_kafka_error() const { return kafka_error.has_value(); }
    // Bytes held by the rule's strings (what the rule set's bound is counted in).
    std::size_t bytes() const;
};

// Limits on a rule's text fields (validated on input), and on the number of rules.
inline constexpr std::size_t max_fault_rules = 1000;
inline constexpr std::size_t max_fault_text = 1024;
inline constexpr std::uint64_t max_fault_delay_ms = 300'000;

// Parses one rule from JSON (the POST body, or an entry of a fixture's "faults"). Unknown member names,
// wrong types and out-of-range values are refused with 400 EMU.0400 naming the field. `known_operations`,
// when not empty, is the set `operation` must belong to.
fault_rule parse_fault_rule(const rapidjson::Value& value,
                            const std::vector<std::string>& known_operations = {});

// What a fired rule asks for.
struct fault_action {
    std::uint64_t id = 0;
    std::optional<api_error> error;
    std::optional<std::int16_t> kafka_error;
    std::chrono::milliseconds delay{0};
    bool drop = false;
};

// The rule set. Each rule draws from its own seeded engine, in the order requests reach it, so the same
// rules and the same requests fire the same way every run. Matching costs one atomic load when no rule
// exists.
class fault_rules {
  public:
    // Stores the rule and gives it the next id; 409 EMU.0409 when max_fault_rules exist.
    fault_rule add(fault_rule rule);
    // The first rule (in creation order) that matches and fires, if any; expired rules are removed.
    std::optional<fault_action> match(std::string_view operation, std::string_view method,
                                      const std::vector<std::string>& segments, std::string_view project_id,
                                      service family);
    // The same for a Kafka request of `api_key` to an instance of `project_id`: only rules with kafka_api.
    std::optional<fault_action> match_kafka(std::int16_t api_key, std::string_view project_id);
    bool active() const { return count_.load(std::memory_order_relaxed) > 0; }
    // Rules in creation order; expired ones are gone.
    std::vector<fault_rule> list() const;
    bool remove(std::uint64_t id);
    void clear();

    std::size_t size() const { return count_.load(std::memory_order_relaxed); }
    std::size_t bytes() const;
    std::uint64_t fired(std::string_view action) const;  // "error", "delay" or "drop"

  private:
    // The first rule that `matches` and draws to fire: counted, and removed once its count is used up.
    std::optional<fault_action> fire(const std::function<bool(const fault_rule&)>& matches, service family);

    mutable std::mutex mutex_;  // guards rules_ and next_id_
    std::list<fault_rule> rules_;
    std::uint64_t next_id_ = 1;
    std::atomic<std::size_t> count_{0};  // rules_.size(), readable without the lock
    std::atomic<std::uint64_t> fired_error_{0};
    std::atomic<std::uint64_t> fired_delay_{0};
    std::atomic<std::uint64_t> fired_drop_{0};
};

// The rule as the API shows it: its fields, "id", "hits", the seed in use and, with a count, "remaining".
void write_fault_rule(json_writer& writer, const fault_rule& rule);

}  // namespace emu::routes::control
