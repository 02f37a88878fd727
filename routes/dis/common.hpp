#pragma once

// Query-parameter rules and JSON pieces the DIS handlers share. Header-only: the DIS route files are its
// only users.

#include <cstdint>
#include <string>
#include <string_view>

#include "routes/dis/validation.hpp"
#include "routes/http/api_error.hpp"
#include "routes/http/json.hpp"
#include "routes/http/request.hpp"
#include "routes/http/validation.hpp"
#include "state/dis/store.hpp"

namespace emu::routes::dis {

inline constexpr std::string_view last_read = "LAST_READ";

// An optional integer query parameter in [min, max], `fallback` when absent; anything else is DIS.4200.
inline std::int64_t query_int(const request_context& ctx, std::string_view name, std::int64_t min,
                              std::int64_t max, std::int64_t fallback) {
    const std::string* text = ctx.query_param(name);
    if (text == nullptr) return fallback;
    const auto value = parse_int64(*text);
    if (!value || *value < min || *value > max) {
        throw dis_invalid_request(std::string(name) + ": must be an integer from " + std::to_string(min) +
                                  " to " + std::to_string(max));
    }
    return *value;
}

// A name from the path or query: DIS.4200 when missing or not 1..max_length letters, digits, _ or -.
inline std::string checked_name(const std::string* value, std::string_view name, std::size_t max_length) {
    if (value == nullptr) throw dis_invalid_request(std::string(name) + ": is required");
    if (!is_name(*value, max_length)) {
        throw dis_invalid_request(std::string(name) + ": must be 1 to " + std::to_string(max_length) +
                                  " letters, digits, _ or -");
    }
    return *value;
}

// A partition id from a path, query or body: its index, or DIS.4201 naming it.
inline std::int32_t required_partition(const std::string& text) {
    const auto index = parse_partition_id(text);
    if (!index) throw dis_error("DIS.4201", {text});
    return *index;
}

// An exclusive start partition for paging: empty or absent means "from the first" (the Kafka adapter sends
// ""); a malformed id is DIS.4201. 64-bit: the successor of "2147483647" overflows int32.
inline std::int64_t first_partition_after(const std::string* start) {
    if (start == nullptr || start->empty()) return 0;
    return std::int64_t{required_partition(*start)} + 1;
}

// DescribeApp's answer, and one element of ListApp's.
inline void write_app(json_object& o, const state::app_info& app) {
    o.field("app_name", app.app_name)
        .field("app_id", app.app_id)
        .field("create_time", app.create_time)
        .values("commit_checkpoint_stream_names", app.commit_checkpoint_stream_names);
}

}  // namespace emu::routes::dis
