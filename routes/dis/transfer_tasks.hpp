#pragma once

#include "routes/http/json.hpp"
#include "routes/http/request.hpp"
#include "state/state.hpp"

// Transfer (dump) tasks, kept as configuration with their states: the emulator validates and stores what
// the SDKs send, starts and stops tasks on request, and delivers no data to OBS, MRS, DLI, DWS or
// CloudTable (last_transfer_timestamp stays 0).
namespace emu::routes::dis {

// A CreateTransferTaskReq body: destination_type and its <type>_destination_descriptor, validated against
// the stream (shared with the fixture loader). The task's name is the descriptor's task_name.
state::transfer_task parse_transfer_task(const json_fields& fields, const state::stream_info& stream);

// POST /v2/{project_id}/streams/{stream_name}/transfer-tasks (201), also the Python SDK's singular
// /v2/{project_id}/stream/{stream_name}/transfer-tasks
response create_transfer_task(const request_context& ctx, state::state& st);
// GET .../transfer-tasks: {total_number, quota, tasks}
response list_transfer_tasks(const request_context& ctx, state::state& st);
// PUT .../transfer-tasks (the Java SDK's UpdateTransferTask; the body of a creation naming a task; 200)
response update_transfer_task(const request_context& ctx, state::state& st);
// GET .../transfer-tasks/{task_name}
response show_transfer_task(const request_context& ctx, state::state& st);
// DELETE .../transfer-tasks/{task_name} (204)
response delete_transfer_task(const request_context& ctx, state::state& st);
// POST .../transfer-tasks/action {action: start|stop, tasks: [{id}]} (200)
response batch_transfer_task(const request_context& ctx, state::state& st);

// The member of ShowTransferTask's answer that carries a task's descriptor (the SDK model's spelling,
// typos included: dws_destination_descripton, cloudtable_destination_descripton).
const char* descriptor_answer_key(const std::string& destination_type);
// The member of a creation's body that carries it (obs_destination_descriptor, ...).
const char* descriptor_request_key(const std::string& destination_type);

}  // namespace emu::routes::dis
