#pragma once

#include <rapidjson/document.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "routes/http/request.hpp"
#include "state/state.hpp"

namespace emu::routes::dis {

// One PutRecordsRequestEntry, validated (shared with the fixture loader). `path` names it in errors.
state::record_input parse_record_input(const rapidjson::Value& item, const std::string& path);

// POST /v2/{project_id}/records
response send_records(const request_context& ctx, state::state& st);
// GET /v2/{project_id}/cursors
response show_cursor(const request_context& ctx, state::state& st);
// GET /v2/{project_id}/records
response consume_records(const request_context& ctx, state::state& st);

// A partition cursor's content. On the wire: URL-safe base64 (no padding) of a small JSON object, as real
// DIS cursors are.
struct partition_cursor {
    std::string stream_name;
    std::string stream_id;
    std::int32_t partition = 0;
    std::int64_t position = 0;      // sequence number of the next record to read
    std::int64_t generated_at = 0;  // ms, store clock
};
std::string encode_cursor(const partition_cursor& cursor);
// nullopt when the text is not a cursor this emulator issued.
std::optional<partition_cursor> decode_cursor(std::string_view text);

// A cursor lives 5 minutes (reference §5.2).
inline constexpr std::int64_t cursor_lifetime_ms = 5 * 60 * 1000;

}  // namespace emu::routes::dis
