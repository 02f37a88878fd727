#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "routes/auth/authenticate.hpp"
#include "routes/control/control_plane.hpp"
#include "routes/http/api_error.hpp"
#include "routes/http/request.hpp"
#include "routes/http/router.hpp"
#include "state/state.hpp"

namespace emu::routes {

// A cloud-API handler: validate, one state operation, answer.
using handler_fn = response (*)(const request_context&, state::state&);
// A /_emulator/ route's handler: it also reads or changes the emulator's own runtime.
using control_handler_fn = response (*)(const request_context&, state::state&, control::control_plane&);

// Why a transport refuses a request before the pipeline sees it; the pipeline gives the answer.
enum class refusal {
    malformed,             // 400: the bytes are not an HTTP request
    body_too_large,        // 413: over --body-limit
    target_too_large,      // 414: over --url-limit
    headers_too_large,     // 494: over --header-limit
    too_many_connections,  // 429: over --max-connections; `limit` is that number
};

// The chain every request goes through, whichever transport brought it: route match, authentication,
// shape checks, fault rules, the handler, the one catch site, and recording in the journal and metrics.
// Built once (make_pipeline), then shared read-only by every connection; the control plane it owns
// guards itself.
class pipeline {
  public:
    void add(std::string method, std::string path_template, std::string operation, service family,
             handler_fn handler, route_auth auth = route_auth::cloud_credentials);
    // A control-plane route under /_emulator/: no cloud credentials, gateway-style errors; the
    // --control-token guards it unless `auth` is route_auth::none (the readiness and health probes).
    void add_control(std::string method, std::string path_template, std::string operation,
                     control_handler_fn handler, route_auth auth = route_auth::control_token);

    // How cloud credentials are checked; the default is loose mode with no configured keys.
    void set_auth(auth::auth_settings settings) {
        auth_ = std::move(settings);
        limits_ = std::make_shared<auth::limits>(auth_.limits);
    }
    const auth::auth_settings& auth() const { return auth_; }

    // The largest request body the transport reads (--body-limit); a compressed DIS body may not decode to
    // more.
    void set_body_limit(std::size_t bytes) { body_limit_ = bytes; }
    // Every route of `operation`, whenever it was added, also takes application/x-protobuf bodies, which
    // its handler reads and answers (DIS's native SDKs); the other routes refuse them as not JSON.
    void accept_protobuf(std::string operation) { protobuf_operations_.insert(std::move(operation)); }
    // Called after a request other than GET or HEAD was answered 2xx, before the answer goes out: --data-dir
    // keeps what it changed. When it throws, the answer becomes the service's 500 (the change is not
    // acknowledged). Set before the server starts.
    using commit_fn = std::function<void(const request_context&, const route&)>;
    void set_commit(commit_fn commit) { commit_ = std::move(commit); }

    // Matches the request, fills ctx.params and ctx.matched, runs the chain and records the exchange. A
    // cloud-API request that a fault rule catches (after authentication) gets the rule's answer instead of
    // the handler's, or the handler's with the rule's delay; dropping and delaying are left to the
    // transport (response::drop, response::delay). Never throws.
    response handle(request_context& ctx, state::state& st) const;

    // The answer to a request a transport refuses before it is whole; not recorded.
    response refuse(refusal why, std::string_view request_id, std::uint64_t limit = 0) const;

    match_result match(std::string_view method, const std::vector<std::string>& segments) const {
        return router_.match(method, segments);
    }
    const std::vector<route>& routes() const { return router_.routes(); }

    // The runtime the control-plane routes work on (journal, fault rules, metrics). It is not part of the
    // table's constness: every member guards itself.
    control::control_plane& control() const { return *control_; }

  private:
    struct entry {
        handler_fn handler = nullptr;                  // a cloud-API route, or
        control_handler_fn control_handler = nullptr;  // a control-plane one
        std::size_t metrics_slot = 0;                  // the operation's counters in the control plane
    };

    response run(const route& r, request_context& ctx, state::state& st) const;
    void record(const request_context& ctx, const response& answer, std::uint64_t duration_us) const;

    router router_;
    std::vector<entry> entries_;  // by route id
    auth::auth_settings auth_;
    std::size_t body_limit_ = 8 * 1024 * 1024;  // the server's default --body-limit
    std::unordered_set<std::string> protobuf_operations_;
    commit_fn commit_;
    std::shared_ptr<auth::limits> limits_ = std::make_shared<auth::limits>();  // guards itself
    std::shared_ptr<control::control_plane> control_ = std::make_shared<control::control_plane>();
};

// The emulator's whole route table (route_table.cpp).
pipeline make_pipeline();

}  // namespace emu::routes
