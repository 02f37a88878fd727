#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "routes/http/json.hpp"
#include "routes/http/request.hpp"
#include "state/state.hpp"

namespace emu::routes::dms {

// What parse_instance_spec takes for a required field the body leaves out. The API refuses a body without
// them (every default unset); a fixture may leave out what changes no behaviour here. A given value is
// validated either way.
struct instance_defaults {
    std::optional<std::string> engine;
    std::optional<std::string> engine_version;
    std::optional<std::string> product_id;
    std::optional<std::string> storage_spec_code;
    std::optional<std::string> vpc_id;
    std::optional<std::string> subnet_id;
    std::optional<std::string> security_group_id;
    std::optional<std::int32_t> broker_num;
    std::optional<std::int32_t> storage_space;
    std::vector<std::string> available_zones;  // empty: required
};

// A CreateInstanceByEngineReq body, validated (shared with the fixture loader).
state::instance_spec parse_instance_spec(const json_fields& fields, const instance_defaults& defaults = {});

// POST /v2/{project_id}/kafka/instances and POST /v2/{engine}/{project_id}/instances
response create_post_paid_kafka_instance(const request_context& ctx, state::state& st);
// create_instance_by_engine: the same operation on its other path.
inline constexpr auto* create_instance_by_engine = &create_post_paid_kafka_instance;
// GET /v2/{project_id}/instances?engine=kafka
response list_instances(const request_context& ctx, state::state& st);
// GET /v2/{project_id}/instances/{instance_id}
response show_instance(const request_context& ctx, state::state& st);
// POST /v2/{project_id}/instances/{instance_id}/autotopic: {"enable_auto_topic": bool}, 200 without a body
response update_instance_auto_create_topic(const request_context& ctx, state::state& st);
// DELETE /v2/{project_id}/instances/{instance_id}
response delete_instance(const request_context& ctx, state::state& st);

}  // namespace emu::routes::dms
