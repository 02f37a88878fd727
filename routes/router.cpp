#include "routes/router.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>
#include <string_view>
#include <unordered_set>

#include "routes/error_mapping.hpp"
#include "routes/validation.hpp"

namespace emu::routes {

namespace {

std::vector<route::segment> split_template(std::string_view path_template) {
    std::vector<route::segment> out;
    std::size_t start = 1;
    while (start <= path_template.size()) {
        const auto slash = path_template.find('/', start);
        const auto end = slash == std::string_view::npos ? path_template.size() : slash;
        const std::string_view text = path_template.substr(start, end - start);
        const bool is_param = text.size() > 2 && text.front() == '{' && text.back() == '}';
        out.push_back({std::string(is_param ? text.substr(1, text.size() - 2) : text), is_param});
        if (slash == std::string_view::npos) break;
        start = slash + 1;
    }
    return out;
}

bool path_matches(const route& r, const std::vector<std::string>& segments) {
    if (r.segments.size() != segments.size()) return false;
    for (std::size_t i = 0; i < segments.size(); ++i) {
        if (r.segments[i].is_param ? segments[i].empty() : r.segments[i].text != segments[i]) return false;
    }
    return true;
}

// True when `a` is more specific than `b` (both match the same path).
bool more_specific(const route& a, const route& b) {
    for (std::size_t i = 0; i < a.segments.size(); ++i) {
        if (a.segments[i].is_param != b.segments[i].is_param) return !a.segments[i].is_param;
    }
    return false;
}

constexpr std::string_view unknown_api_message =
    "The API does not exist or has not been published in the environment.";

// DMS's reference names the gateway code APIG.0101, DIS's (and the auth reference) APIGW.0101: each
// unknown path gets the one of the service it looks like.
api_error unknown_route(const std::vector<std::string>& segments) {
    const auto at = [&](std::size_t i) { return i < segments.size() ? std::string_view(segments[i]) : std::string_view{}; };
    const bool looks_dms = at(1) == "kafka" || at(2) == "kafka" || at(2) == "instances";
    return gateway_error(404, looks_dms ? "APIG.0101" : "APIGW.0101", std::string(unknown_api_message));
}

api_error internal_error(service family) {
    switch (family) {
        case service::dms: return dms_error("DMS.00500000");
        case service::dis: return dis_error("DIS.5000");
        case service::gateway: break;
    }
    return gateway_error(500, "APIGW.0103", "The backend service is unavailable.");
}

// application/json, with parameters (charset) or not, and any +json type; any case.
bool is_json_media_type(std::string_view value) {
    std::string type(value.substr(0, value.find(';')));
    std::transform(type.begin(), type.end(), type.begin(), ascii_lower);
    while (!type.empty() && (type.back() == ' ' || type.back() == '\t')) type.pop_back();
    while (!type.empty() && (type.front() == ' ' || type.front() == '\t')) type.erase(type.begin());
    return type == "application/json" || (type.starts_with("application/") && type.ends_with("+json"));
}

// Input no handler should have to think about, refused before any runs, in the route's service's words:
// path parameters and query text that are not UTF-8 once percent-decoded (they would be echoed back into
// JSON), a query parameter given twice (which one would count is a guess), and a body declared as
// something other than JSON. A body without Content-Type is read as JSON; a body on GET is ignored.
void check_request_shape(const request_context& ctx, service family) {
    if (family == service::gateway) return;
    const auto refuse = [family](const std::string& name, const std::string& reason) {
        return family == service::dms ? dms_invalid_parameter(name) : dis_invalid_request(name + " " + reason);
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
        if (type != nullptr && !is_json_media_type(*type)) {
            throw family == service::dms ? dms_error("DMS.00400005") : dis_error("DIS.4300");
        }
    }
}

}  // namespace

void router::add(std::string method, std::string path_template, std::string operation, service family,
                 handler_fn handler, route_auth auth) {
    auto segments = split_template(path_template);
    const auto slot = control_->metrics.register_operation(operation);
    control_->cloud_operations.push_back(operation);
    routes_.push_back(route{std::move(method), std::move(path_template), std::move(operation), family, handler, nullptr,
                            auth, slot, std::move(segments)});
}

void router::add_control(std::string method, std::string path_template, std::string operation,
                         control_handler_fn handler) {
    auto segments = split_template(path_template);
    routes_.push_back(route{std::move(method), std::move(path_template), std::move(operation), service::gateway, nullptr,
                            handler, route_auth::none, metrics::unknown_slot, std::move(segments)});
}

match_result router::match(std::string_view method, const std::vector<std::string>& segments) const {
    const route* best = nullptr;
    for (const auto& r : routes_) {
        if (r.method != method || !path_matches(r, segments)) continue;
        if (best == nullptr || more_specific(r, *best)) best = &r;
    }
    match_result result;
    if (best == nullptr) return result;
    result.found = best;
    for (std::size_t i = 0; i < segments.size(); ++i) {
        if (best->segments[i].is_param) result.params.emplace_back(best->segments[i].text, segments[i]);
    }
    return result;
}

response error_response(const api_error& error, std::string_view request_id) {
    return response::json(error.status(), error_body(error, request_id));
}

response router::dispatch(request_context& ctx, state::state& st, std::string* operation) const {
    auto matched = match(ctx.method, ctx.segments);
    if (matched.found == nullptr) return error_response(unknown_route(ctx.segments), ctx.request_id);
    const route& r = *matched.found;
    ctx.params = std::move(matched.params);
    ctx.matched = &r;
    if (operation != nullptr) *operation = r.operation;
    return run(r, ctx, st);
}

response router::run(const route& r, request_context& ctx, state::state& st) const {
    std::optional<fault_action> fault;
    response answer;
    try {
        if (r.auth == route_auth::cloud_credentials) authenticate(auth_, ctx, r.family);
        if (r.control_handler != nullptr) return r.control_handler(ctx, st, *control_);
        check_request_shape(ctx, r.family);
        if (ctx.method == "GET" || ctx.method == "HEAD") ctx.body.clear();
        // One relaxed load when there are no rules: the common case pays nothing more.
        if (control_->faults.active()) {
            fault = control_->faults.match(r.operation, ctx.method, ctx.segments, ctx.param("project_id"), r.family);
        }
        if (fault && fault->error) {
            answer = error_response(*fault->error, ctx.request_id);
        } else if (fault && fault->drop) {
            answer = response::empty(0);
        } else {
            answer = r.handler(ctx, st);
        }
    } catch (const api_error& error) {
        answer = error_response(error, ctx.request_id);
    } catch (const state::error& error) {
        answer = error_response(to_api_error(error), ctx.request_id);
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

void record_exchange(const router& r, const request_context& ctx, const response& answer, std::uint64_t duration_us) {
    if (ctx.matched != nullptr && ctx.matched->control_handler != nullptr) return;
    if (!ctx.segments.empty() && ctx.segments.front() == "_emulator") return;  // a mistyped control route
    auto& control = r.control();
    const std::size_t slot = ctx.matched != nullptr ? ctx.matched->metrics_slot : metrics::unknown_slot;
    control.metrics.observe(slot, answer.drop ? 0 : answer.status, duration_us);
    if (control.requests.enabled()) {
        control.requests.record(ctx, ctx.matched != nullptr ? std::string_view(ctx.matched->operation) : std::string_view{},
                                answer, duration_us);
    }
}

}  // namespace emu::routes
