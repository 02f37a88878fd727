#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "routes/http/api_error.hpp"
#include "routes/http/request.hpp"

namespace emu::routes {

// What a route demands before its handler runs; routes are data, so the policy is part of the table row.
enum class route_auth {
    cloud_credentials,  // every cloud API: a token or an AK/SK signature
    control_token,      // the emulator's own routes: the --control-token, when one is set
    none,               // the readiness and health probes: always open
};

// One row of the route table as matching sees it; what runs for it is its owner's business (`id`).
struct route {
    std::string method;
    std::string path_template;  // e.g. /v2/{project_id}/checkpoints
    std::string operation;      // the SDK operation name, e.g. DeleteCheckpoint
    service family;             // whose error format the route answers in
    route_auth auth;            // what the request must prove before the handler runs
    std::size_t id;             // the row's index in the table
    // The path also matches with one trailing '/' (an empty last segment), as DIS's own SDKs write every
    // path; the route, its operation name and its parameters stay the same.
    bool trailing_slash = false;

    struct segment {
        std::string text;
        bool is_param;
    };
    std::vector<segment> segments;
};

struct match_result {
    const route* found = nullptr;
    string_pairs params;
    bool trailing_slash = false;  // matched through the route's optional trailing '/'
};

// Path templates and nothing else: which row a method and a decoded path name.
class router {
  public:
    // Adds a row; its id is its index. `trailing_slash`: the path may also end with one '/'.
    const route& add(std::string method, std::string path_template, std::string operation, service family,
                     route_auth auth, bool trailing_slash = false);

    // The most specific route for the decoded path: templates of the same length are compared segment by
    // segment, a literal beating a parameter at the first place they differ. A path ending in '/' matches
    // only the routes that accept a trailing slash, as the path without it (no template ends in '/', and
    // no parameter matches an empty segment, so the two forms never compete).
    match_result match(std::string_view method, const std::vector<std::string>& segments) const;

    const std::vector<route>& routes() const { return routes_; }

  private:
    std::vector<route> routes_;
};

// The gateway's answer to a path no route matches, in the format of the service the path looks like.
api_error unknown_route(const std::vector<std::string>& segments);

response error_response(const api_error& error, std::string_view request_id);

}  // namespace emu::routes
