#pragma once

#include "routes/json.hpp"
#include "routes/request.hpp"
#include "state/state.hpp"

namespace emu::routes {

// A CreateInstanceTopicReq body, validated (shared with the fixture loader).
state::topic_spec parse_topic_spec(const json_fields& fields);

// POST /v2/{project_id}/instances/{instance_id}/topics
response dms_create_topic(const request_context& ctx, state::state& st);
// GET /v2/{project_id}/instances/{instance_id}/topics
response dms_list_topics(const request_context& ctx, state::state& st);
// POST /v2/{project_id}/instances/{instance_id}/topics/delete
response dms_batch_delete_topics(const request_context& ctx, state::state& st);
// PUT /v2/{project_id}/instances/{instance_id}/topics
response dms_update_topics(const request_context& ctx, state::state& st);
// GET /v2/{project_id}/instances/{instance_id}/management/topics/{topic}
response dms_show_topic_management(const request_context& ctx, state::state& st);
// GET /v2/kafka/{project_id}/instances/{instance_id}/topics-detail/{topic}
response dms_show_topic_detail(const request_context& ctx, state::state& st);
// GET /v2/{project_id}/kafka/instances/{instance_id}/topics/{topic}/partitions
response dms_list_topic_partitions(const request_context& ctx, state::state& st);

}  // namespace emu::routes
