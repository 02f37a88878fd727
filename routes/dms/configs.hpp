#pragma once

#include "routes/http/json.hpp"
#include "routes/http/request.hpp"
#include "state/state.hpp"

// The broker settings of a DMS instance that the emulator honours (ShowInstanceConfigs,
// ModifyInstanceConfigs): auto.create.topics.enable (the switch of UpdateInstanceAutoCreateTopic), and
// num.partitions, default.replication.factor and log.retention.hours, which topics created on first use get.
namespace emu::routes::dms {

// Applies a `[{name, value}]` list to `spec`, all or nothing: an unknown name, a value the setting does not
// take or a setting named twice is DMS.00400063 naming it. Shared with the fixture loader.
void apply_instance_configs(const rapidjson::Value& items, const std::string& path,
                            state::instance_spec& spec);
// The broker settings as a fixture keeps them: `kafka_configs` with each integer setting's name and value.
void write_fixture_configs(json_object& o, const state::instance_spec& spec);

// GET /v2/{project_id}/instances/{instance_id}/configs
response show_instance_configs(const request_context& ctx, state::state& st);
// PUT /v2/{project_id}/instances/{instance_id}/configs: {"kafka_configs": [{"name", "value"}]}
response modify_instance_configs(const request_context& ctx, state::state& st);

}  // namespace emu::routes::dms
