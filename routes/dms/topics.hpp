#pragma once

#include "routes/http/json.hpp"
#include "routes/http/request.hpp"
#include "state/state.hpp"

namespace emu::routes::dms {

// What parse_topic_spec accepts beyond a CreateInstanceTopicReq body.
struct topic_parse_options {
    // UpdateInstanceTopic may set retention_time 0, which CreateInstanceTopic refuses; a fixture may hold
    // what either call can make.
    bool allow_zero_retention = false;
};

// A CreateInstanceTopicReq body, validated (shared with the fixture loader).
state::topic_spec parse_topic_spec(const json_fields& fields, const topic_parse_options& options = {});

// POST /v2/{project_id}/instances/{instance_id}/topics
response create_instance_topic(const request_context& ctx, state::state& st);
// GET /v2/{project_id}/instances/{instance_id}/topics
response list_instance_topics(const request_context& ctx, state::state& st);
// POST /v2/{project_id}/instances/{instance_id}/topics/delete
response batch_delete_instance_topic(const request_context& ctx, state::state& st);
// PUT /v2/{project_id}/instances/{instance_id}/topics
response update_instance_topic(const request_context& ctx, state::state& st);
// GET /v2/{project_id}/instances/{instance_id}/management/topics/{topic}
response show_instance_topic_detail(const request_context& ctx, state::state& st);
// GET /v2/kafka/{project_id}/instances/{instance_id}/topics-detail/{topic}
response show_kafka_topic_detail(const request_context& ctx, state::state& st);
// GET /v2/{project_id}/kafka/instances/{instance_id}/topics/{topic}/partitions
response list_topic_partitions(const request_context& ctx, state::state& st);
// POST /v2/{project_id}/instances/{instance_id}/management/topics/{topic}/partitions-reassignment:
// {"partition": the new total}, 204
response create_partition(const request_context& ctx, state::state& st);

}  // namespace emu::routes::dms
