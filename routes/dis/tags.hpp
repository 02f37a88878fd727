#pragma once

#include "routes/http/request.hpp"
#include "state/state.hpp"

// Stream tags (the v3 SDK's CreateTag, BatchCreateTags/BatchDeleteTags, DeleteTag, ShowStreamTags, ListTags,
// ListResourcesByTags). A stream's tags are the ones CreateStream took: one list, at most 10 (DIS.4601).
namespace emu::routes::dis {

// POST /v2/{project_id}/stream/{stream_id}/tags {tag} (204)
response create_tag(const request_context& ctx, state::state& st);
// POST /v2/{project_id}/stream/{stream_id}/tags/action {action: create|delete, tags} (204)
response batch_tags(const request_context& ctx, state::state& st);
// DELETE /v2/{project_id}/stream/{stream_id}/tags/{key} (204)
response delete_tag(const request_context& ctx, state::state& st);
// GET /v2/{project_id}/stream/{stream_id}/tags: {tags: [{key, value}]}
response show_stream_tags(const request_context& ctx, state::state& st);
// GET /v2/{project_id}/stream/tags: {tags: [{key, values}]}, every key of the project's streams
response list_tags(const request_context& ctx, state::state& st);
// POST /v2/{project_id}/stream/resource_instances/action {action: filter|count, ...}
response list_resources_by_tags(const request_context& ctx, state::state& st);

}  // namespace emu::routes::dis
