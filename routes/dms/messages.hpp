#pragma once

#include "routes/http/request.hpp"
#include "state/state.hpp"

namespace emu::routes::dms {

// POST .../topics/{topic}/messages/delete and its legacy twin DELETE .../topics/{topic}/messages.
response delete_kafka_topic_messages(const request_context& ctx, state::state& st);
// delete_kafka_message: the same operation on its other path.
inline constexpr auto* delete_kafka_message = &delete_kafka_topic_messages;
// POST /v2/{project_id}/instances/{instance_id}/messages/action?action_id=send
response send_kafka_message(const request_context& ctx, state::state& st);
// GET /v2/{project_id}/instances/{instance_id}/messages?topic=...
response show_instance_messages(const request_context& ctx, state::state& st);
// GET /v2/{project_id}/instances/{instance_id}/management/topics/{topic}/messages
response show_messages(const request_context& ctx, state::state& st);
// GET .../management/topics/{topic}/partitions/{partition}/{beginning-message,end-message,message}
response show_partition_beginning_message(const request_context& ctx, state::state& st);
response show_partition_end_message(const request_context& ctx, state::state& st);
response show_partition_message(const request_context& ctx, state::state& st);

}  // namespace emu::routes::dms
