#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "routes/api_error.hpp"
#include "routes/auth.hpp"
#include "routes/control_plane.hpp"
#include "routes/request.hpp"
#include "state/state.hpp"

namespace emu::routes {

using handler_fn = response (*)(const request_context&, state::state&);
// A /_emulator/ route's handler: it also reads or changes the emulator's own runtime.
using control_handler_fn = response (*)(const request_context&, state::state&, control_plane&);

struct route {
    std::string method;
    std::string path_template;  // e.g. /v2/{project_id}/checkpoints
    std::string operation;      // the SDK operation name, e.g. DeleteCheckpoint
    service family;             // whose error format the route answers in
    handler_fn handler;                   // a cloud-API handler, or
    control_handler_fn control_handler;  // a control-plane one (exactly one is set)
    route_auth auth;                      // what the request must prove before the handler runs
    std::size_t metrics_slot;             // the operation's counters in control_plane::metrics

    struct segment {
        std::string text;
        bool is_param;
    };
    std::vector<segment> segments;
};

struct match_result {
    const route* found = nullptr;
    string_pairs params;
};

// The route table and the only place where a failure becomes an answer.
class router {
public:
    void add(std::string method, std::string path_template, std::string operation, service family,
             handler_fn handler, route_auth auth = route_auth::cloud_credentials);
    // A control-plane route under /_emulator/: no cloud credentials, gateway-style errors.
    void add_control(std::string method, std::string path_template, std::string operation,
                     control_handler_fn handler);

    // How cloud credentials are checked; the default is loose mode with no configured keys.
    void set_auth(auth_settings settings) { auth_ = std::move(settings); }
    const auth_settings& auth() const { return auth_; }

    // The most specific route for the decoded path: templates of the same length are compared segment by
    // segment, a literal beating a parameter at the first place they differ.
    match_result match(std::string_view method, const std::vector<std::string>& segments) const;

    // Routes the request, fills ctx.params and ctx.matched, runs the handler and turns any failure into
    // the service's own error answer. A cloud-API request that a fault rule catches (after authentication)
    // gets the rule's answer instead of the handler's, or the handler's with the rule's delay; dropping
    // and delaying are left to the transport (response::drop, response::delay). Never throws.
    response dispatch(request_context& ctx, state::state& st, std::string* operation = nullptr) const;

    const std::vector<route>& routes() const { return routes_; }

    // The runtime the control-plane routes work on; shared, not part of the route table's constness.
    control_plane& control() const { return *control_; }

private:
    response run(const route& r, request_context& ctx, state::state& st) const;

    std::vector<route> routes_;
    auth_settings auth_;
    std::shared_ptr<control_plane> control_ = std::make_shared<control_plane>();
};

// Every cloud-API route of the emulator (route_table.cpp).
router make_router();

response error_response(const api_error& error, std::string_view request_id);

// Records one answered request in the journal and the metrics of `r`'s control plane; the transport calls
// it once the answer is built. Requests to /_emulator/ routes are not recorded.
void record_exchange(const router& r, const request_context& ctx, const response& answer, std::uint64_t duration_us);

}  // namespace emu::routes
