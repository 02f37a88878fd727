#include "routes/pipeline.hpp"

#include <spdlog/spdlog.h>

#include <chrono>
#include <optional>
#include <string_view>
#include <unordered_set>

#include "routes/auth/signing.hpp"
#include "routes/dis/content_encoding.hpp"
#include "routes/http/error_mapping.hpp"
#include "routes/http/media_type.hpp"
#include "routes/http/text.hpp"
#include "routes/http/validation.hpp"

namespace emu::routes {

namespace {

api_error internal_error(service family) {
    switch (family) {
        case service::dms:
            return dms_error("DMS.00500000");
        case service::dis:
            return dis_error("DIS.5000");
        case service::gateway:
            break;
    }
    return gateway_error(500, "APIGW.0103", "The backend service is unavailable.");
}

// Input no handler should have to think about, refused before any runs, in the route's service's words:
// path parameters and query text that are not UTF-8 once percent-decoded (they would be echoed back into
// JSON), a query parameter given twice (which one would count is a guess), and a body declared as
// something other than JSON, or than protobuf on the routes of `protobuf_operations`. A body without
// Content-Type is read as JSON; a body on GET is ignored.
void check_request_shape(const request_context& ctx, const route& r,
                         const std::unordered_set<std::string>& protobuf_operations) {
    const service family = r.family;
    if (family == service::gateway) return;
    const auto refuse = [family](const std::string& name, const std::string& reason) {
        return family == service::dms ? dms_invalid_parameter(name)
                                      : dis_invalid_request(name + " " + reason);
    };
    for (const auto& [name, value] : ctx.params) {
        if (!is_utf8(value)) throw refuse(name, "is not valid UTF-8");
    }
    std::unordered_set<std::string_view> seen;  // linear, however many parameters a long --url-limit admits
    for (const auto& [name, value] : ctx.query) {
        if (!is_utf8(name) || !is_utf8(value)) throw refuse(to_utf8(name), "is not valid UTF-8");
        if (!seen.insert(name).second) throw refuse(name, "is given more than once");
    }
    if (!ctx.body.empty() && ctx.method != "GET" && ctx.method != "HEAD") {
        const std::string* type = ctx.header("Content-Type");
        if (type != nullptr && !is_json_media_type(*type) &&
            !(is_protobuf_media_type(*type) && protobuf_operations.contains(r.operation))) {
            throw family == service::dms ? dms_error("DMS.00400005") : dis_error("DIS.4300");
        }
    }
}

// Credentials and what they sign, given twice, would leave it to chance (or to a proxy in front) which
// copy counts: refused on every route before authentication, in the gateway's words.
void check_single_credentials(const request_context& ctx) {
    // The six names have six different lengths: one length test per header finds the only candidate.
    static constexpr std::string_view once[] = {"Authorization",    "X-Auth-Token",         "X-Sdk-Date",
                                                "X-Security-Token", "X-Sdk-Content-Sha256", "Host"};
    int seen[std::size(once)] = {};
    for (const auto& header : ctx.headers) {
        for (std::size_t i = 0; i < std::size(once); ++i) {
            if (header.first.size() != once[i].size()) continue;
            if (iequals(header.first, once[i]) && ++seen[i] > 1) {
                throw gateway_error(
                    400, "APIGW.0201",
                    "API request error: the request has more than one " + std::string(once[i]) + " header.");
            }
            break;
        }
    }
}

// --control-token: the emulator's own routes, but for the probes, need it as a bearer token.
void check_control_token(const request_context& ctx, const std::string& token, route_auth auth) {
    if (token.empty() || auth == route_auth::none) return;
    const auto* header = ctx.header("Authorization");
    constexpr std::string_view scheme = "Bearer ";
    const std::string_view sent = header == nullptr ? std::string_view{} : trim(*header);
    if (sent.size() > scheme.size() && iequals(sent.substr(0, scheme.size()), scheme) &&
        auth::signing::constant_time_equal(trim(sent.substr(scheme.size())), token)) {
        return;
    }
    throw gateway_error(401, "EMU.0401",
                        "The emulator's control plane needs Authorization: Bearer <the --control-token>.");
}

api_error refusal_error(refusal why, std::uint64_t limit) {
    switch (why) {
        case refusal::malformed:
            return gateway_error(400, "APIGW.0201", "API request error.");
        case refusal::body_too_large:
            return gateway_error(413, "APIGW.0201", "Request entity too large.");
        case refusal::target_too_large:
            return gateway_error(414, "APIGW.0201", "Request URI too large.");
        case refusal::headers_too_large:
            return gateway_error(494, "APIGW.0201", "Request headers too large.");
        case refusal::too_many_connections:
            return gateway_error(429, "APIGW.0308",
                                 "The throttling threshold has been reached: too many connections, limit:" +
                                     std::to_string(limit));
    }
    return gateway_error(400, "APIGW.0201", "API request error.");
}

}  // namespace

void pipeline::add(std::string method, std::string path_template, std::string operation, service family,
                   handler_fn handler, route_auth auth) {
    const auto slot = control_->metrics.register_operation(operation);
    control_->cloud_operations.push_back(operation);
    // DIS's own SDKs (Java, .NET, most Python calls) end every path with '/'; the DMS SDKs never do, so
    // DMS paths keep one spelling (docs/behaviour.md).
    const bool trailing_slash = family == service::dis;
    router_.add(std::move(method), std::move(path_template), std::move(operation), family, auth,
                trailing_slash);
    entries_.push_back(entry{handler, nullptr, slot});
}

void pipeline::add_control(std::string method, std::string path_template, std::string operation,
                           control_handler_fn handler, route_auth auth) {
    router_.add(std::move(method), std::move(path_template), std::move(operation), service::gateway, auth);
    entries_.push_back(entry{nullptr, handler, control::metrics::unknown_slot});
}

response pipeline::handle(request_context& ctx, state::state& st) const {
    const auto started = std::chrono::steady_clock::now();
    auto matched = router_.match(ctx.method, ctx.segments);
    response answer;
    if (matched.found == nullptr) {
        answer = error_response(unknown_route(ctx.segments), ctx.request_id);
    } else {
        ctx.params = std::move(matched.params);
        ctx.matched = matched.found;
        // From here on the path is the route's own spelling: fault rules match it as they match the path
        // without the slash. The journal still shows the path as sent (raw_path).
        if (matched.trailing_slash) ctx.segments.pop_back();
        answer = run(*matched.found, ctx, st);
        if (commit_ && answer.status / 100 == 2 && !answer.drop && ctx.method != "GET" &&
            ctx.method != "HEAD") {
            try {
                commit_(ctx, *matched.found);
            } catch (const std::exception& error) {
                spdlog::error("request {} {} {}: its change could not be kept: {}", ctx.request_id,
                              ctx.method, redacted_target(ctx.target), error.what());
                answer = error_response(internal_error(matched.found->family), ctx.request_id);
            }
        }
    }
    const auto handled =
        std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started);
    record(ctx, answer, static_cast<std::uint64_t>(handled.count()));
    return answer;
}

response pipeline::refuse(refusal why, std::string_view request_id, std::uint64_t limit) const {
    return error_response(refusal_error(why, limit), request_id);
}

response pipeline::run(const route& r, request_context& ctx, state::state& st) const {
    const entry& e = entries_[r.id];
    std::optional<control::fault_action> fault;
    response answer;
    try {
        check_single_credentials(ctx);
        if (e.control_handler != nullptr) {
            check_control_token(ctx, auth_.control_token, r.auth);
            return e.control_handler(ctx, st, *control_);
        }
        if (r.auth == route_auth::cloud_credentials) {
            const auto credential = auth::authenticate(auth_, ctx, r.family, limits_.get());
            limits_->admit(credential, auth_.now_ms());
        }
        check_request_shape(ctx, r, protobuf_operations_);
        if (ctx.method == "GET" || ctx.method == "HEAD") ctx.body.clear();
        // After authentication, which checks the body as sent: the Java SDK signs the compressed bytes.
        if (r.family == service::dis && (ctx.method == "POST" || ctx.method == "PUT")) {
            dis::decode_content_encoding(ctx, body_limit_);
        }
        // One relaxed load when there are no rules: the common case pays nothing more.
        if (control_->faults.active()) {
            fault = control_->faults.match(r.operation, ctx.method, ctx.segments, ctx.param("project_id"),
                                           r.family);
        }
        if (fault && fault->error) {
            answer = error_response(*fault->error, ctx.request_id);
        } else if (fault && fault->drop) {
            answer = response::empty(0);
        } else {
            answer = e.handler(ctx, st);
        }
    } catch (const api_error& error) {
        answer = error_response(error, ctx.request_id);
    } catch (const state::error& error) {
        answer = error_response(to_api_error(error, r.family), ctx.request_id);
    } catch (const std::exception& error) {
        spdlog::error("request {} {} {} failed: {}", ctx.request_id, ctx.method, redacted_target(ctx.target),
                      error.what());
        answer = error_response(internal_error(r.family), ctx.request_id);
    }
    if (fault) {
        answer.fault_id = fault->id;
        answer.delay = fault->delay;
        answer.drop = fault->drop;
    }
    return answer;
}

// Requests to /_emulator/ routes, and mistyped ones, are not recorded.
void pipeline::record(const request_context& ctx, const response& answer, std::uint64_t duration_us) const {
    if (ctx.matched != nullptr && entries_[ctx.matched->id].control_handler != nullptr) return;
    if (!ctx.segments.empty() && ctx.segments.front() == "_emulator") return;
    const std::size_t slot =
        ctx.matched != nullptr ? entries_[ctx.matched->id].metrics_slot : control::metrics::unknown_slot;
    control_->metrics.observe(slot, answer.drop ? 0 : answer.status, duration_us);
    if (control_->requests.enabled()) {
        control_->requests.record(
            ctx, ctx.matched != nullptr ? std::string_view(ctx.matched->operation) : std::string_view{},
            answer, duration_us);
    }
}

}  // namespace emu::routes
