#include "routes/control/state_routes.hpp"

#include <algorithm>
#include <chrono>
#include <initializer_list>
#include <mutex>
#include <optional>
#include <string>

#include "routes/control/fixture.hpp"
#include "routes/http/api_error.hpp"
#include "routes/http/json.hpp"
#include "routes/http/validation.hpp"

#ifndef EMU_VERSION
#error "EMU_VERSION comes from CMake's project version"
#endif

namespace emu::routes::control {

namespace {

constexpr std::string_view body_source = "request body";

api_error bad_input(std::string message) {
    return gateway_error(400, "EMU.0400", std::move(message));
}

// A typo in a parameter name must not widen what a reset or export touches, so unknown ones are refused.
void allow_only(const request_context& ctx, std::initializer_list<std::string_view> names) {
    for (const auto& [name, value] : ctx.query) {
        bool known = false;
        for (const auto allowed : names) known = known || name == allowed;
        if (!known) throw bad_input("Unknown query parameter '" + name + "'.");
    }
}

std::optional<std::string> project_param(const request_context& ctx) {
    const std::string* project_id = ctx.query_param("project_id");
    if (project_id == nullptr) return std::nullopt;
    if (!is_project_id(*project_id)) throw bad_input("project_id must be 32 hexadecimal characters.");
    return *project_id;
}

void write_counts(json_object& o, const state::state_counts& counts) {
    o.object("counts", [&](json_object& c) {
        c.field("projects", counts.projects)
            .field("instances", counts.kafka.instances)
            .field("topics", counts.kafka.topics)
            .field("messages", counts.kafka.messages)
            .field("streams", counts.dis.streams)
            .field("records", counts.dis.records)
            .field("apps", counts.dis.apps)
            .field("checkpoints", counts.dis.checkpoints);
    });
}

response counts_answer(const state::state& st) {
    return json_response(200, [&](json_object& o) { write_counts(o, st.counts()); });
}

// A fresh state on the live state's clock, for loading a document where a failure changes nothing. It
// charges the live state's storage budget, so a document cannot bring in more than --max-stored-bytes.
state::state scratch_for(const state::state& st) {
    return state::state(st.now_ms, st.budget);
}

// Loads `text` into `target`, turning a refused document into the control plane's 400. The document's fault
// rules are parsed into `faults`, for the caller to add once the state has taken its place.
void load_or_refuse(std::string_view text, state::state& target, load_mode mode, fixture_faults& faults) {
    try {
        load_fixture_text(text, body_source, target, mode, &faults);
    } catch (const fixture_error& error) {
        throw bad_input(error.what());
    }
}

// Adds a loaded document's fault rules; all of them or, when they would pass the cap, none.
void add_rules(control_plane& control, fixture_faults& faults) {
    if (control.faults.size() + faults.rules.size() > max_fault_rules) {
        throw api_error(service::gateway, 409, "EMU.0409",
                        "The document's fault rules would pass the limit of " +
                            std::to_string(max_fault_rules) + " rules.");
    }
    for (auto& rule : faults.rules) control.faults.add(std::move(rule));
}

}  // namespace

response emulator_health(const request_context& ctx, state::state& st, control_plane& control) {
    allow_only(ctx, {});
    const auto uptime = std::chrono::steady_clock::now() - control.started;
    const auto uptime_ms = std::chrono::duration_cast<std::chrono::milliseconds>(uptime).count();
    return json_response(200, [&](json_object& o) {
        o.field("status", "ok")
            .field("version", EMU_VERSION)
            .field("uptime_seconds", static_cast<double>(uptime_ms) / 1000.0);
        write_counts(o, st.counts());
    });
}

response emulator_reset(const request_context& ctx, state::state& st, control_plane& control) {
    allow_only(ctx, {"project_id", "faults"});
    const auto project_id = project_param(ctx);
    bool faults_cleared = false;
    if (const std::string* faults = ctx.query_param("faults"); faults != nullptr) {
        const auto wanted = parse_bool(*faults);
        if (!wanted) throw bad_input("faults must be true or false.");
        faults_cleared = *wanted;
    }
    if (faults_cleared) control.faults.clear();
    {
        std::lock_guard lock(control.state_writes);
        if (project_id) {
            st.reset_project(*project_id);
        } else {
            st.reset();
        }
    }
    return json_response(200, [&](json_object& o) {
        o.field("reset", project_id ? "project" : "all")
            .field("project_id", project_id)
            .field("faults_cleared", faults_cleared);
    });
}

response export_state(const request_context& ctx, state::state& st, control_plane& control) {
    allow_only(ctx, {"project_id"});
    const auto project_id = project_param(ctx);
    std::lock_guard lock(control.state_writes);
    return response::json(200, export_fixture(st, project_id));
}

// Swaps the loaded `scratch` in. The Kafka listeners follow the new instances as it happens; when one of
// them cannot open (a port the document pins is taken), the old state is swapped back, its listeners
// reopen, and the request is refused naming the instance and the port.
void swap_in(state::state& st, state::state& scratch) {
    const auto before = st.kafka.listen_errors();
    st.swap_contents(scratch);
    auto failed = st.kafka.listen_errors();
    std::erase_if(failed, [&](const std::string& e) {
        return std::find(before.begin(), before.end(), e) != before.end();
    });
    if (failed.empty()) return;
    st.swap_contents(scratch);
    throw bad_input("the document cannot be loaded: " + failed.front());
}

// The document is loaded into a scratch state; only a document that loads completely replaces the live
// state, in one swap per store.
response replace_state(const request_context& ctx, state::state& st, control_plane& control) {
    allow_only(ctx, {});
    auto scratch = scratch_for(st);
    fixture_faults faults{control.cloud_operations, {}};
    load_or_refuse(ctx.body, scratch, load_mode::add, faults);
    {
        std::lock_guard lock(control.state_writes);
        swap_in(st, scratch);
        add_rules(control, faults);
    }
    return counts_answer(st);  // the old state goes with `scratch`, outside the lock
}

// The live state is copied into a scratch state (through its own export, which reproduces it exactly), the
// document merged into the copy, and the copy swapped in: a refused document changes nothing.
response merge_state(const request_context& ctx, state::state& st, control_plane& control) {
    allow_only(ctx, {});
    auto scratch = scratch_for(st);
    fixture_faults faults{control.cloud_operations, {}};
    {
        std::lock_guard lock(control.state_writes);
        load_fixture_text(export_fixture(st), "current state", scratch, load_mode::add);
        load_or_refuse(ctx.body, scratch, load_mode::merge, faults);
        swap_in(st, scratch);
        add_rules(control, faults);
    }
    return counts_answer(st);
}

}  // namespace emu::routes::control
