#include "routes/control/observe.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <charconv>

#include "routes/http/json.hpp"

namespace emu::routes::control {

namespace {

constexpr std::size_t max_rule_body = 64 * 1024;

api_error bad_input(std::string message) {
    return gateway_error(400, "EMU.0400", std::move(message));
}

template <typename T>
std::optional<T> parse_number(std::string_view text) {
    T value{};
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || end != text.data() + text.size() || text.empty()) return std::nullopt;
    return value;
}

journal_filter parse_filter(const request_context& ctx) {
    static constexpr std::array<std::string_view, 7> names{"operation",  "method", "path_prefix", "status",
                                                           "project_id", "since",  "limit"};
    journal_filter filter;
    for (const auto& [name, value] : ctx.query) {
        if (std::find(names.begin(), names.end(), name) == names.end()) {
            throw bad_input(
                "Unknown query parameter \"" + name +
                "\" (filters: operation, method, path_prefix, status, project_id, since, limit).");
        }
    }
    const auto text = [&ctx](const char* name) -> std::optional<std::string> {
        const auto* value = ctx.query_param(name);
        if (value == nullptr) return std::nullopt;
        if (value->empty()) throw bad_input(std::string(name) + " must not be empty.");
        return *value;
    };
    filter.operation = text("operation");
    filter.method = text("method");
    filter.path_prefix = text("path_prefix");
    filter.project_id = text("project_id");
    if (const auto status = text("status")) {
        const auto number = parse_number<unsigned>(*status);
        if (!number || (*number != 0 && (*number < 100 || *number > 599))) {
            throw bad_input("status must be an HTTP status from 100 to 599, or 0 for dropped connections.");
        }
        filter.status = *number;
    }
    if (const auto since = text("since")) {
        const auto number = parse_number<std::int64_t>(*since);
        if (!number || *number < 0)
            throw bad_input("since must be a time in milliseconds since the Unix epoch.");
        filter.since_ms = *number;
    }
    if (const auto limit = text("limit")) {
        const auto number = parse_number<std::size_t>(*limit);
        if (!number || *number < 1 || *number > 1'000'000)
            throw bad_input("limit must be an integer from 1 to 1000000.");
        filter.limit = *number;
    }
    return filter;
}

void no_query(const request_context& ctx) {
    if (!ctx.query.empty()) throw bad_input("Unknown query parameter \"" + ctx.query.front().first + "\".");
}

void help_and_type(std::string& out, std::string_view name, std::string_view type, std::string_view help) {
    out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, help, name, type);
}

}  // namespace

response list_requests(const request_context& ctx, state::state&, control_plane& control) {
    const auto filter = parse_filter(ctx);
    const auto entries = control.requests.query(filter);
    return json_response(200, [&](json_object& o) {
        o.elements("requests", entries,
                   [](json_writer& w, const auto& entry) { write_journal_entry(w, *entry); });
    });
}

response clear_requests(const request_context& ctx, state::state&, control_plane& control) {
    no_query(ctx);
    control.requests.clear();
    return response::empty(204);
}

response add_fault(const request_context& ctx, state::state&, control_plane& control) {
    no_query(ctx);
    if (ctx.body.size() > max_rule_body) {
        throw gateway_error(413, "EMU.0413",
                            "A fault rule must be at most " + std::to_string(max_rule_body) + " bytes.");
    }
    rapidjson::Document document;
    document.Parse<rapidjson::kParseValidateEncodingFlag>(ctx.body.data(), ctx.body.size());
    if (document.HasParseError()) throw bad_input("The request body is not valid JSON.");
    const auto rule = control.faults.add(parse_fault_rule(document, control.cloud_operations));
    return response::json(201, json_text([&](json_writer& w) { write_fault_rule(w, rule); }));
}

response list_faults(const request_context& ctx, state::state&, control_plane& control) {
    no_query(ctx);
    return json_response(200, [&](json_object& o) {
        o.elements("faults", control.faults.list(),
                   [](json_writer& w, const auto& rule) { write_fault_rule(w, rule); });
    });
}

response clear_faults(const request_context& ctx, state::state&, control_plane& control) {
    no_query(ctx);
    control.faults.clear();
    return response::empty(204);
}

response delete_fault(const request_context& ctx, state::state&, control_plane& control) {
    no_query(ctx);
    const auto& text = ctx.param("id");
    const auto id = parse_number<std::uint64_t>(text);
    if (!id || !control.faults.remove(*id))
        throw gateway_error(404, "EMU.0404", "No fault rule with id \"" + text + "\".");
    return response::empty(204);
}

response emulator_metrics(const request_context& ctx, state::state& st, control_plane& control) {
    no_query(ctx);
    std::string out;
    out.reserve(16 * 1024);
    control.metrics.render(out);
    control.kafka.render(out);

    help_and_type(out, "stream_emulator_journal_entries", "gauge", "Requests held in the journal.");
    out += fmt::format("stream_emulator_journal_entries {}\n", control.requests.size());
    help_and_type(out, "stream_emulator_journal_capacity", "gauge",
                  "Most requests the journal holds (--journal-size).");
    out += fmt::format("stream_emulator_journal_capacity {}\n", control.requests.capacity());
    help_and_type(out, "stream_emulator_journal_bytes", "gauge",
                  "Bytes of paths, queries, headers and bodies held by the journal.");
    out += fmt::format("stream_emulator_journal_bytes {}\n", control.requests.bytes());
    help_and_type(out, "stream_emulator_journal_recorded_total", "counter",
                  "Requests ever recorded in the journal.");
    out += fmt::format("stream_emulator_journal_recorded_total {}\n", control.requests.recorded_total());

    help_and_type(out, "stream_emulator_fault_rules", "gauge", "Fault rules in force.");
    out += fmt::format("stream_emulator_fault_rules {}\n", control.faults.size());
    help_and_type(out, "stream_emulator_faults_fired_total", "counter",
                  "Fault rules fired, by action (a rule with a delay and an error counts under both).");
    for (const auto* action : {"error", "delay", "drop"}) {
        out += fmt::format("stream_emulator_faults_fired_total{{action=\"{}\"}} {}\n", action,
                           control.faults.fired(action));
    }

    if (const auto& source = control.metrics.state_gauges()) {
        help_and_type(out, "stream_emulator_state_objects", "gauge",
                      "Objects held in the emulated state, by kind.");
        for (const auto& [kind, value] : source(st)) {
            out += "stream_emulator_state_objects{kind=\"";
            append_label_value(out, kind);
            out += fmt::format("\"}} {}\n", value);
        }
    }

    const auto kafka = st.kafka.counts();
    help_and_type(out, "stream_emulator_kafka_group_members", "gauge",
                  "Members of the instances' consumer groups (Kafka clients in a group).");
    out += fmt::format("stream_emulator_kafka_group_members {}\n", kafka.group_members);
    help_and_type(out, "stream_emulator_kafka_rebalances_total", "counter",
                  "Rebalances the group coordinators of the instances now held completed.");
    out += fmt::format("stream_emulator_kafka_rebalances_total {}\n", kafka.rebalances);

    help_and_type(out, "stream_emulator_uptime_seconds", "gauge", "Seconds since the emulator started.");
    const auto uptime =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - control.started).count();
    out += fmt::format("stream_emulator_uptime_seconds {:.3f}\n", uptime);
    return response{200, std::move(out), std::string(prometheus_content_type), {}, false, 0};
}

response emulator_open_api(const request_context& ctx, state::state&, control_plane&) {
    no_query(ctx);
    return response::json(200, std::string(openapi_document()));
}

}  // namespace emu::routes::control
