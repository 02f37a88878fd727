#pragma once

#include "routes/http/json.hpp"
#include "routes/http/request.hpp"
#include "state/state.hpp"

// What an instance's Kafka cluster looks like from outside: its brokers (the listener's ports), the
// producers its brokers have seen, and the bytes each broker keeps.
namespace emu::routes::dms {

// GET /v2/{project_id}/instances/{instance_id}/management/cluster
response show_cluster(const request_context& ctx, state::state& st);
// GET /v2/{project_id}/instances/{instance_id}/manage/cluster
response show_kafka_cluster(const request_context& ctx, state::state& st);
// GET /v2/{project_id}/kafka/instances/{instance_id}/topics/{topic}/producers?offset&limit
response list_topic_producers(const request_context& ctx, state::state& st);
// GET /v2/{project_id}/instances/{instance_id}/topics/diskusage?minSize&top&percentage
response show_kafka_topic_partition_diskusage(const request_context& ctx, state::state& st);

}  // namespace emu::routes::dms
