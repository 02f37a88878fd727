#pragma once

#include "routes/request.hpp"
#include "state/state.hpp"

namespace emu::routes {

// POST .../topics/{topic}/messages/delete and its legacy twin DELETE .../topics/{topic}/messages.
response dms_delete_topic_messages(const request_context& ctx, state::state& st);
// POST /v2/{project_id}/instances/{instance_id}/messages/action?action_id=send
response dms_send_message(const request_context& ctx, state::state& st);
// GET /v2/{project_id}/instances/{instance_id}/messages?topic=...
response dms_show_instance_messages(const request_context& ctx, state::state& st);
// GET /v2/{project_id}/instances/{instance_id}/management/topics/{topic}/messages
response dms_show_messages(const request_context& ctx, state::state& st);
// GET .../management/topics/{topic}/partitions/{partition}/{beginning-message,end-message,message}
response dms_partition_beginning_message(const request_context& ctx, state::state& st);
response dms_partition_end_message(const request_context& ctx, state::state& st);
response dms_partition_message(const request_context& ctx, state::state& st);

}  // namespace emu::routes
