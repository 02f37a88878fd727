#pragma once

#include <rapidjson/document.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "routes/request.hpp"
#include "state/state.hpp"

namespace emu::routes {

// One PutRecordsRequestEntry, validated (shared with the fixture loader). `path` names it in errors.
state::record_input parse_record_input(const rapidjson::Value& item, const std::string& path);

// POST /v2/{project_id}/records
response dis_send_records(const request_context& ctx, state::state& st);
// GET /v2/{project_id}/cursors
response dis_show_cursor(const request_context& ctx, state::state& st);
// GET /v2/{project_id}/records
response dis_consume_records(const request_context& ctx, state::state& st);

// A partition cursor's content. On the wire: URL-safe base64 (no padding) of a small JSON object, as real
// DIS cursors are.
struct dis_cursor {
    std::string stream_name;
    std::string stream_id;
    std::int32_t partition = 0;
    std::int64_t position = 0;      // sequence number of the next record to read
    std::int64_t generated_at = 0;  // ms, store clock
};
std::string encode_dis_cursor(const dis_cursor& cursor);
// nullopt when the text is not a cursor this emulator issued.
std::optional<dis_cursor> decode_dis_cursor(std::string_view text);

// A cursor lives 5 minutes (reference §5.2).
inline constexpr std::int64_t dis_cursor_lifetime_ms = 5 * 60 * 1000;

}  // namespace emu::routes
