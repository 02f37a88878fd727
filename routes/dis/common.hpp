#pragma once

// Query-parameter rules and JSON pieces the DIS handlers share. Header-only: the DIS route files are its
// only users.

#include <cstdint>
#include <string>
#include <string_view>

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
    if (!is_dis_name(*value, max_length)) {
        throw dis_invalid_request(std::string(name) + ": must be 1 to " + std::to_string(max_length) +
                                  " letters, digits, _ or -");
    }
    return *value;
}

// An exclusive start partition for paging: empty or absent means "from the first" (the Kafka adapter sends
// ""); a malformed id is DIS.4201. 64-bit: the successor of "2147483647" overflows int32.
inline std::int64_t first_partition_after(const std::string* start) {
    if (start == nullptr || start->empty()) return 0;
    const auto index = parse_dis_partition_id(*start);
    if (!index) throw dis_error("DIS.4201", {*start});
    return std::int64_t{*index} + 1;
}

inline void write_app(json_writer& writer, const state::app_info& app) {
    writer.StartObject();
    writer.Key("app_name");
    writer.String(app.app_name);
    writer.Key("app_id");
    writer.String(app.app_id);
    writer.Key("create_time");
    writer.Int64(app.create_time);
    writer.Key("commit_checkpoint_stream_names");
    writer.StartArray();
    for (const auto& name : app.commit_checkpoint_stream_names) writer.String(name);
    writer.EndArray();
    writer.EndObject();
}

}  // namespace emu::routes::dis
