#pragma once

#include <rapidjson/document.h>

#include <string>

#include "routes/request.hpp"
#include "state/state.hpp"

namespace emu::routes {

// One PutRecordsRequestEntry, validated (shared with the fixture loader). `path` names it in errors.
state::record_input parse_record_input(const rapidjson::Value& item, const std::string& path);

// POST /v2/{project_id}/records
response dis_send_records(const request_context& ctx, state::state& st);

}  // namespace emu::routes
