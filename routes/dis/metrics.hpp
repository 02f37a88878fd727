#pragma once

#include "routes/http/request.hpp"
#include "state/state.hpp"

// Stream and partition monitoring data (the v3 SDK's ShowStreamMetrics and ShowPartitionMetrics), counted
// from what the emulator really accepted and served: one data point per minute that saw traffic.
namespace emu::routes::dis {

// GET /v2/{project_id}/streams/{stream_name}/metrics?label|label_list&start_time&end_time
response show_stream_metrics(const request_context& ctx, state::state& st);
// GET /v2/{project_id}/streams/{stream_name}/partitions/{partition_id}/metrics?...
response show_partition_metrics(const request_context& ctx, state::state& st);

}  // namespace emu::routes::dis
