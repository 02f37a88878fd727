#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace emu::routes {

struct route;

using string_pairs = std::vector<std::pair<std::string, std::string>>;

// One HTTP request as the handlers see it: transport-neutral, path and query already decoded. Once a route
// matched through its optional trailing '/', `segments` no longer has that last, empty segment.
struct request_context {
    std::string request_id;
    std::string method;                 // upper case, as received
    std::string target;                 // raw request target
    std::string raw_path;               // target before '?', still percent-encoded
    std::string raw_query;              // target after '?', still percent-encoded
    std::vector<std::string> segments;  // raw_path split on '/', each segment percent-decoded
    string_pairs query;                 // decoded name/value pairs in arrival order
    string_pairs headers;               // names as received
    std::string body;
    string_pairs params;             // path parameters, filled by the router
    const route* matched = nullptr;  // the route the router chose, or nullptr for an unknown path

    // First value of a query parameter, or nullptr.
    const std::string* query_param(std::string_view name) const;
    // Header value by case-insensitive name, or nullptr.
    const std::string* header(std::string_view name) const;
    // A path parameter captured by the route template; empty when the template has none of that name.
    const std::string& param(std::string_view name) const;
};

// Fills raw_path, raw_query, segments and query from `target`.
void parse_target(request_context& ctx, std::string_view target);
std::string percent_decode(std::string_view text);
// `target` for logs: the values of query parameters whose names look like credentials (token, secret,
// password, signature, authorization, sk) replaced by REDACTED. Headers are never logged at all.
std::string redacted_target(std::string_view target);
// True for a header or query parameter name that looks like it carries a credential (any case).
bool is_secret_name(std::string_view name);
// A raw query (still encoded) with the values of secret-looking parameters replaced; pairs keep their order.
std::string redact_query(std::string_view query, std::string_view replacement);

inline constexpr std::string_view json_content_type = "application/json;charset=UTF-8";

struct response {
    unsigned status = 200;
    std::string body;
    std::string content_type;  // empty: no Content-Type header (empty 201/204 answers)
    // Set by an injected fault (routes/faults.hpp); the transport carries them out.
    std::chrono::milliseconds delay{0};  // wait this long before sending the answer
    bool drop = false;                   // close the connection without answering
    std::uint64_t fault_id = 0;          // the fault rule that fired, 0 when none

    static response json(unsigned status, std::string body) {
        return response{status, std::move(body), std::string(json_content_type), {}, false, 0};
    }
    static response empty(unsigned status) { return response{status, {}, {}, {}, false, 0}; }
    static response text(unsigned status, std::string body) {
        return response{status, std::move(body), "text/plain;charset=UTF-8", {}, false, 0};
    }
};

}  // namespace emu::routes
