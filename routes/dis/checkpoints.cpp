#include "routes/dis/checkpoints.hpp"

#include <algorithm>

#include "routes/dis/common.hpp"
#include "routes/http/json.hpp"
#include "routes/http/validation.hpp"

namespace emu::routes::dis {

// Checkpoint calls check syntax first (DIS.4200/4201/4216), then stream, app and partition in the store.
namespace {

constexpr std::size_t max_metadata = 1000;
constexpr std::string_view no_checkpoint = "-1";

void check_type(const std::string& type) {
    if (type != last_read) throw dis_invalid_request("checkpoint_type: must be LAST_READ");
}

std::int32_t checked_partition(const std::string* value) {
    if (value == nullptr) throw dis_invalid_request("partition_id: is required");
    return required_partition(*value);
}

}  // namespace

response commit_checkpoint(const request_context& ctx, state::state& st) {
    require_dis_project(ctx);
    const auto document = parse_json_object(ctx.body, service::dis);
    const json_fields fields(document, service::dis);
    const auto app_name = fields.opt_string("app_name");
    const auto type = fields.opt_string("checkpoint_type");
    const auto stream_name = fields.opt_string("stream_name");
    const auto partition_id = fields.opt_string("partition_id");
    const auto sequence_text = fields.opt_string("sequence_number");
    auto metadata = fields.opt_string("metadata").value_or("");

    state::checkpoint_key key;
    key.app_name = checked_name(app_name ? &*app_name : nullptr, "app_name", checkpoint_app_name_max);
    if (!type) throw dis_invalid_request("checkpoint_type: is required");
    check_type(*type);
    key.checkpoint_type = *type;
    key.stream_name = checked_name(stream_name ? &*stream_name : nullptr, "stream_name", stream_name_max);
    key.partition = checked_partition(partition_id ? &*partition_id : nullptr);
    if (!sequence_text) throw dis_invalid_request("sequence_number: is required");
    const auto sequence = parse_int64(*sequence_text);
    if (!sequence) throw dis_error("DIS.4216", {*sequence_text});
    if (utf8_length(metadata) > max_metadata)
        throw dis_invalid_request("metadata: must be at most 1000 characters");
    // The Kafka adapter's commits under subscribe() say which member makes them; an empty client_id (what a
    // client that fills every field sends) claims nothing.
    std::optional<state::group_member_claim> member;
    const auto generation = fields.opt_int("generation_id", INT64_MIN, INT64_MAX);
    if (auto client_id = fields.opt_string("client_id"); client_id && !client_id->empty()) {
        member = state::group_member_claim{std::move(*client_id), generation};
    }

    st.dis.commit_checkpoint(ctx.param("project_id"), key, *sequence, std::move(metadata), member);
    return response::empty(201);
}

// With nothing committed the answer is 200 {"sequence_number":"-1","metadata":""} (reference §10 Q5).
response show_checkpoint(const request_context& ctx, state::state& st) {
    require_dis_project(ctx);
    state::checkpoint_key key;
    key.stream_name = checked_name(ctx.query_param("stream_name"), "stream_name", stream_name_max);
    key.partition = checked_partition(ctx.query_param("partition_id"));
    key.app_name = checked_name(ctx.query_param("app_name"), "app_name", checkpoint_app_name_max);
    const std::string* type = ctx.query_param("checkpoint_type");
    if (type == nullptr) throw dis_invalid_request("checkpoint_type: is required");
    check_type(*type);
    key.checkpoint_type = *type;

    const auto checkpoint = st.dis.get_checkpoint(ctx.param("project_id"), key);
    return json_response(200, [&](json_object& o) {
        if (checkpoint) {
            o.field("sequence_number", std::to_string(checkpoint->sequence_number))
                .field("metadata", checkpoint->metadata);
        } else {
            o.field("sequence_number", no_checkpoint).field("metadata", "");
        }
    });
}

// Without partition_id, removes the app's checkpoints on every partition of the stream; a missing
// checkpoint_type means LAST_READ; deleting what was never committed is still 204 (reference §7.3, §10).
response delete_checkpoint(const request_context& ctx, state::state& st) {
    require_dis_project(ctx);
    const auto stream_name = checked_name(ctx.query_param("stream_name"), "stream_name", stream_name_max);
    const auto app_name = checked_name(ctx.query_param("app_name"), "app_name", checkpoint_app_name_max);
    const std::string* type = ctx.query_param("checkpoint_type");
    const std::string checkpoint_type = type != nullptr ? *type : std::string(last_read);
    check_type(checkpoint_type);
    std::optional<std::int32_t> partition;
    if (const std::string* id = ctx.query_param("partition_id")) partition = checked_partition(id);

    st.dis.delete_checkpoints(ctx.param("project_id"), app_name, stream_name, partition, checkpoint_type);
    return response::empty(204);
}

}  // namespace emu::routes::dis
