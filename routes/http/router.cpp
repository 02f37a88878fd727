#include "routes/http/router.hpp"

#include <string_view>

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

// The number of request segments the route's template covers: all of them, or all but an empty last one
// when the route accepts a trailing '/'; 0 when the lengths do not fit.
std::size_t covered(const route& r, const std::vector<std::string>& segments) {
    if (r.segments.size() == segments.size()) return segments.size();
    if (r.trailing_slash && segments.size() == r.segments.size() + 1 && segments.back().empty()) {
        return r.segments.size();
    }
    return 0;
}

bool path_matches(const route& r, const std::vector<std::string>& segments) {
    const std::size_t n = covered(r, segments);
    if (n == 0) return false;
    for (std::size_t i = 0; i < n; ++i) {
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

}  // namespace

// DMS's reference names the gateway code APIG.0101, DIS's (and the auth reference) APIGW.0101: each
// unknown path gets the one of the service it looks like.
api_error unknown_route(const std::vector<std::string>& segments) {
    const auto at = [&](std::size_t i) {
        return i < segments.size() ? std::string_view(segments[i]) : std::string_view{};
    };
    const bool looks_dms = at(1) == "kafka" || at(2) == "kafka" || at(2) == "instances";
    return gateway_error(404, looks_dms ? "APIG.0101" : "APIGW.0101", std::string(unknown_api_message));
}

const route& router::add(std::string method, std::string path_template, std::string operation, service family,
                         route_auth auth, bool trailing_slash) {
    auto segments = split_template(path_template);
    const std::size_t id = routes_.size();
    return routes_.emplace_back(route{std::move(method), std::move(path_template), std::move(operation),
                                      family, auth, id, trailing_slash, std::move(segments)});
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
    result.trailing_slash = best->segments.size() < segments.size();
    for (std::size_t i = 0; i < best->segments.size(); ++i) {
        if (best->segments[i].is_param) result.params.emplace_back(best->segments[i].text, segments[i]);
    }
    return result;
}

response error_response(const api_error& error, std::string_view request_id) {
    return response::json(error.status(), error_body(error, request_id));
}

}  // namespace emu::routes
