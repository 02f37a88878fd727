#include "routes/control/faults.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <stdexcept>

#include "kafka/protocol/names.hpp"

namespace emu::routes::control {

namespace {

constexpr std::array<std::string_view, 14> rule_fields{
    "operation", "method",   "path", "project_id",  "kafka_api",   "status", "error_code",
    "error_msg", "delay_ms", "drop", "kafka_error", "probability", "seed",   "count"};
constexpr std::array<std::string_view, 7> http_methods{"GET",   "POST", "PUT",    "DELETE",
                                                       "PATCH", "HEAD", "OPTIONS"};

api_error bad_rule(const std::string& message) {
    return gateway_error(400, "EMU.0400", "Invalid fault rule: " + message);
}

std::optional<std::string> text_field(const rapidjson::Value& object, const char* name) {
    const auto it = object.FindMember(name);
    if (it == object.MemberEnd()) return std::nullopt;
    if (!it->value.IsString()) throw bad_rule(std::string(name) + " must be a string");
    std::string text(it->value.GetString(), it->value.GetStringLength());
    if (text.empty()) throw bad_rule(std::string(name) + " must not be empty");
    if (text.size() > max_fault_text) {
        throw bad_rule(std::string(name) + " must be at most " + std::to_string(max_fault_text) +
                       " characters");
    }
    return text;
}

std::optional<std::uint64_t> uint_field(const rapidjson::Value& object, const char* name, std::uint64_t min,
                                        std::uint64_t max) {
    const auto it = object.FindMember(name);
    if (it == object.MemberEnd()) return std::nullopt;
    if (!it->value.IsUint64() || it->value.GetUint64() < min || it->value.GetUint64() > max) {
        throw bad_rule(std::string(name) + " must be an integer from " + std::to_string(min) + " to " +
                       std::to_string(max));
    }
    return it->value.GetUint64();
}

std::vector<std::string> split_path(std::string_view path) {
    std::vector<std::string> out;
    std::size_t start = 1;
    while (start <= path.size()) {
        const auto slash = path.find('/', start);
        const auto end = slash == std::string_view::npos ? path.size() : slash;
        out.emplace_back(path.substr(start, end - start));
        if (slash == std::string_view::npos) break;
        start = slash + 1;
    }
    return out;
}

// A Kafka API key or error code, by its name in `table` or by number (an error code may be one the table
// does not name: clients meet codes newer than they know).
template <std::size_t N>
std::optional<std::int16_t> kafka_number(const rapidjson::Value& object, const char* name,
                                         const std::array<kafka::protocol::named_number, N>& table,
                                         bool any_number, const char* what) {
    const auto it = object.FindMember(name);
    if (it == object.MemberEnd()) return std::nullopt;
    if (it->value.IsString()) {
        const std::string_view text(it->value.GetString(), it->value.GetStringLength());
        if (const auto n = kafka::protocol::number_of(table, text)) return n;
        throw bad_rule(std::string(name) + " \"" + std::string(text.substr(0, 64)) + "\" is not a " + what +
                       " name");
    }
    if (it->value.IsInt()) {
        const int n = it->value.GetInt();
        const bool fits = n >= -1 && n <= INT16_MAX;
        if (fits && (any_number || kafka::protocol::name_of(table, static_cast<std::int16_t>(n)))) {
            return static_cast<std::int16_t>(n);
        }
        throw bad_rule(std::string(name) + " " + std::to_string(n) + " is not a " + what);
    }
    throw bad_rule(std::string(name) + " must be a " + what + " name or number");
}

bool is_placeholder(std::string_view segment) {
    return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

bool path_matches(const std::vector<std::string>& pattern, const std::vector<std::string>& segments) {
    if (pattern.size() != segments.size()) return false;
    for (std::size_t i = 0; i < pattern.size(); ++i) {
        if (is_placeholder(pattern[i]) ? segments[i].empty() : pattern[i] != segments[i]) return false;
    }
    return true;
}

// The service's own answer for the rule's status, code and message; what is absent comes from the code's
// entry in the service's table when it has one, else from the service's internal error (500).
api_error resolve_answer(const fault_rule& rule, service family) {
    const bool dms = family == service::dms;
    unsigned status = 500;
    std::string code = dms ? "DMS.00500000" : "DIS.5000";
    std::string message = dms ? "Internal service error." : "System error.";
    if (rule.error_code) {
        code = *rule.error_code;
        try {
            const auto known = dms ? dms_error(code) : dis_error(code);
            status = known.status();
            message = known.message();
        } catch (const std::logic_error&) {
            // A code the emulator's table does not list keeps the internal-error defaults.
        }
    }
    if (rule.status) status = *rule.status;
    if (rule.error_msg) message = *rule.error_msg;
    return api_error(family, status, std::move(code), std::move(message));
}

// splitmix64: a tiny generator with a fixed, platform-independent sequence.
std::uint64_t next_random(std::uint64_t& state) {
    std::uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

// A draw in [0, 1) from the top 53 bits.
double next_unit(std::uint64_t& state) {
    return static_cast<double>(next_random(state) >> 11) * 0x1.0p-53;
}

}  // namespace

std::size_t fault_rule::bytes() const {
    std::size_t total = sizeof(fault_rule);
    for (const auto* text : {&operation, &method, &path, &project_id, &error_code, &error_msg}) {
        if (*text) total += (*text)->size();
    }
    for (const auto& segment : path_segments) total += sizeof(std::string) + segment.size();
    for (const auto* answer : {&dms_answer, &dis_answer}) {
        if (*answer)
            total += (*answer)->code().size() + (*answer)->message().size() +
                     std::string_view((*answer)->what()).size();
    }
    return total;
}

fault_rule parse_fault_rule(const rapidjson::Value& value, const std::vector<std::string>& known_operations) {
    if (!value.IsObject()) throw bad_rule("a rule must be a JSON object");
    for (auto it = value.MemberBegin(); it != value.MemberEnd(); ++it) {
        const std::string_view name(it->name.GetString(), it->name.GetStringLength());
        if (std::find(rule_fields.begin(), rule_fields.end(), name) == rule_fields.end()) {
            throw bad_rule("unknown field \"" + std::string(name) +
                           "\" (fields: operation, method, path, project_id, kafka_api, status, error_code, "
                           "error_msg, delay_ms, drop, kafka_error, probability, seed, count)");
        }
        if (it->value.IsNull()) throw bad_rule(std::string(name) + " must not be null");
    }
    fault_rule rule;
    rule.operation = text_field(value, "operation");
    if (rule.operation && !known_operations.empty() &&
        std::find(known_operations.begin(), known_operations.end(), *rule.operation) ==
            known_operations.end()) {
        throw bad_rule("operation \"" + *rule.operation + "\" is not a cloud API operation of the emulator");
    }
    rule.method = text_field(value, "method");
    if (rule.method) {
        std::transform(rule.method->begin(), rule.method->end(), rule.method->begin(),
                       [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
        if (std::find(http_methods.begin(), http_methods.end(), *rule.method) == http_methods.end()) {
            throw bad_rule("method must be one of GET, POST, PUT, DELETE, PATCH, HEAD, OPTIONS");
        }
    }
    rule.path = text_field(value, "path");
    if (rule.path) {
        if (!rule.path->starts_with('/') || rule.path->find_first_of("?# ") != std::string::npos) {
            throw bad_rule("path must be a route template or path starting with '/', without a query");
        }
        rule.path_segments = split_path(*rule.path);
    }
    rule.project_id = text_field(value, "project_id");
    rule.kafka_api = kafka_number(value, "kafka_api", kafka::protocol::api_names, false, "Kafka API");

    if (const auto status = uint_field(value, "status", 400, 599))
        rule.status = static_cast<unsigned>(*status);
    rule.error_code = text_field(value, "error_code");
    rule.error_msg = text_field(value, "error_msg");
    rule.delay_ms = uint_field(value, "delay_ms", 0, max_fault_delay_ms);
    if (const auto it = value.FindMember("drop"); it != value.MemberEnd()) {
        if (!it->value.IsBool()) throw bad_rule("drop must be true or false");
        rule.drop = it->value.GetBool();
    }
    rule.kafka_error =
        kafka_number(value, "kafka_error", kafka::protocol::error_names, true, "Kafka error code");
    if (rule.kafka_error == 0) throw bad_rule("kafka_error 0 is NONE, not an error");
    if (rule.kafka_api) {
        if (rule.operation || rule.method || rule.path) {
            throw bad_rule("kafka_api matches Kafka requests; operation, method and path match HTTP ones");
        }
        if (rule.has_error()) {
            throw bad_rule("a Kafka rule answers kafka_error, not status, error_code or error_msg");
        }
    } else if (rule.kafka_error) {
        throw bad_rule("kafka_error needs kafka_api (the Kafka API whose requests it answers)");
    }
    if (rule.drop && (rule.has_error() || rule.has_kafka_error())) {
        throw bad_rule(
            "drop cannot be combined with status, error_code, error_msg or kafka_error (a dropped "
            "connection has no answer)");
    }
    if (!rule.drop && !rule.has_error() && !rule.has_kafka_error() && !rule.delay_ms) {
        throw bad_rule(
            "a rule needs an action: status/error_code/error_msg (kafka_error with kafka_api), delay_ms, or "
            "drop");
    }

    if (const auto it = value.FindMember("probability"); it != value.MemberEnd()) {
        if (!it->value.IsNumber() || it->value.GetDouble() < 0.0 || it->value.GetDouble() > 1.0) {
            throw bad_rule("probability must be a number from 0 to 1");
        }
        rule.probability = it->value.GetDouble();
    }
    rule.seed = uint_field(value, "seed", 0, UINT64_MAX);
    rule.count = uint_field(value, "count", 1, 1'000'000'000);

    if (rule.has_error()) {
        rule.dms_answer = resolve_answer(rule, service::dms);
        rule.dis_answer = resolve_answer(rule, service::dis);
    }
    return rule;
}

fault_rule fault_rules::add(fault_rule rule) {
    std::lock_guard lock(mutex_);
    if (rules_.size() >= max_fault_rules) {
        throw gateway_error(409, "EMU.0409",
                            "There are already " + std::to_string(max_fault_rules) +
                                " fault rules; delete some before adding more.");
    }
    rule.id = next_id_++;
    if (!rule.seed) rule.seed = rule.id;
    rule.engine = *rule.seed;
    rule.hits = 0;
    rules_.push_back(rule);
    count_.store(rules_.size(), std::memory_order_relaxed);
    return rule;
}

std::optional<fault_action> fault_rules::match(std::string_view operation, std::string_view method,
                                               const std::vector<std::string>& segments,
                                               std::string_view project_id, service family) {
    return fire(
        [&](const fault_rule& rule) {
            if (rule.kafka_api) return false;
            if (rule.operation && *rule.operation != operation) return false;
            if (rule.method && *rule.method != method) return false;
            if (rule.project_id && *rule.project_id != project_id) return false;
            return !rule.path || path_matches(rule.path_segments, segments);
        },
        family);
}

std::optional<fault_action> fault_rules::match_kafka(std::int16_t api_key, std::string_view project_id) {
    return fire(
        [&](const fault_rule& rule) {
            return rule.kafka_api == api_key && (!rule.project_id || *rule.project_id == project_id);
        },
        service::dms);
}

std::optional<fault_action> fault_rules::fire(const std::function<bool(const fault_rule&)>& matches,
                                              service family) {
    std::lock_guard lock(mutex_);
    for (auto it = rules_.begin(); it != rules_.end(); ++it) {
        auto& rule = *it;
        if (!matches(rule)) continue;
        if (rule.probability < 1.0 && !(next_unit(rule.engine) < rule.probability)) continue;
        ++rule.hits;
        fault_action action;
        action.id = rule.id;
        if (rule.has_error()) action.error = family == service::dms ? rule.dms_answer : rule.dis_answer;
        action.kafka_error = rule.kafka_error;
        action.delay = std::chrono::milliseconds(rule.delay_ms.value_or(0));
        action.drop = rule.drop;
        if (action.error || action.kafka_error) fired_error_.fetch_add(1, std::memory_order_relaxed);
        if (action.delay.count() > 0) fired_delay_.fetch_add(1, std::memory_order_relaxed);
        if (action.drop) fired_drop_.fetch_add(1, std::memory_order_relaxed);
        if (rule.count && rule.hits >= *rule.count) {
            rules_.erase(it);
            count_.store(rules_.size(), std::memory_order_relaxed);
        }
        return action;
    }
    return std::nullopt;
}

std::vector<fault_rule> fault_rules::list() const {
    std::lock_guard lock(mutex_);
    return {rules_.begin(), rules_.end()};
}

bool fault_rules::remove(std::uint64_t id) {
    std::list<fault_rule> removed;  // freed outside the lock
    std::lock_guard lock(mutex_);
    const auto it =
        std::find_if(rules_.begin(), rules_.end(), [id](const fault_rule& r) { return r.id == id; });
    if (it == rules_.end()) return false;
    removed.splice(removed.begin(), rules_, it);
    count_.store(rules_.size(), std::memory_order_relaxed);
    return true;
}

void fault_rules::clear() {
    std::list<fault_rule> removed;
    std::lock_guard lock(mutex_);
    removed.swap(rules_);
    count_.store(0, std::memory_order_relaxed);
}

std::size_t fault_rules::bytes() const {
    std::lock_guard lock(mutex_);
    std::size_t total = 0;
    for (const auto& rule : rules_) total += rule.bytes();
    return total;
}

std::uint64_t fault_rules::fired(std::string_view action) const {
    if (action == "error") return fired_error_.load(std::memory_order_relaxed);
    if (action == "delay") return fired_delay_.load(std::memory_order_relaxed);
    if (action == "drop") return fired_drop_.load(std::memory_order_relaxed);
    return 0;
}

void write_fault_rule(json_writer& w, const fault_rule& rule) {
    w.StartObject();
    w.Key("id");
    w.Uint64(rule.id);
    const auto text = [&w](const char* name, const std::optional<std::string>& value) {
        if (!value) return;
        w.Key(name);
        write_string(w, *value);
    };
    text("operation", rule.operation);
    text("method", rule.method);
    text("path", rule.path);
    text("project_id", rule.project_id);
    if (rule.kafka_api) {
        w.Key("kafka_api");
        write_string(w, std::string(kafka::protocol::api_name(*rule.kafka_api).value_or("")));
    }
    if (rule.status) {
        w.Key("status");
        w.Uint(*rule.status);
    }
    text("error_code", rule.error_code);
    text("error_msg", rule.error_msg);
    if (rule.delay_ms) {
        w.Key("delay_ms");
        w.Uint64(*rule.delay_ms);
    }
    if (rule.drop) {
        w.Key("drop");
        w.Bool(true);
    }
    if (rule.kafka_error) {
        w.Key("kafka_error");
        w.Int(*rule.kafka_error);
    }
    w.Key("probability");
    w.Double(rule.probability);
    w.Key("seed");
    w.Uint64(rule.seed.value_or(rule.id));
    if (rule.count) {
        w.Key("count");
        w.Uint64(*rule.count);
        w.Key("remaining");
        w.Uint64(*rule.count - rule.hits);
    }
    w.Key("hits");
    w.Uint64(rule.hits);
    w.EndObject();
}

}  // namespace emu::routes::control
