#include "routes/dis/streams.hpp"

#include <algorithm>

#include "routes/dis/common.hpp"
#include "routes/http/json.hpp"
#include "routes/http/paging.hpp"
#include "routes/http/validation.hpp"
#include "state/hashing.hpp"

namespace emu::routes::dis {

namespace {

constexpr std::int64_t min_data_duration = 24;
constexpr std::int64_t max_data_duration = 72;
constexpr std::size_t max_tags = 10;
constexpr std::size_t max_tag_key = 36;
constexpr std::size_t max_tag_value = 43;
constexpr std::int64_t default_partition_page = 100;
constexpr std::int64_t max_partition_page = 1000;
constexpr std::int64_t default_stream_page = 10;
constexpr std::int64_t max_stream_page = 100;
// UpdatePartitionCount.result_code / result_msg: both typed int by the SDK and the docs (reference §9.3).
constexpr int scaling_succeeded = 0;

std::optional<std::string> one_of(const json_fields& fields, const char* name,
                                  std::initializer_list<std::string_view> allowed) {
    auto value = fields.opt_string(name);
    if (value && std::find(allowed.begin(), allowed.end(), *value) == allowed.end()) {
        throw fields.invalid(name, "unsupported value " + *value);
    }
    return value;
}

// An optional integer in [min, max] where 0, the Go SDK's unset int (its models have no omitempty), means
// "not given".
std::optional<std::int64_t> opt_int_unset_zero(const json_fields& fields, const char* name, std::int64_t min,
                                               std::int64_t max) {
    const auto value = fields.opt_int(name, INT64_MIN, INT64_MAX);
    if (!value || *value == 0) return std::nullopt;
    if (*value < min || *value > max) {
        throw fields.invalid(name, "must be from " + std::to_string(min) + " to " + std::to_string(max));
    }
    return value;
}

// data_schema: the text of a JSON object (DIS.4360 otherwise); "", the Go SDK's unset string, is not given.
std::optional<std::string> opt_data_schema(const json_fields& fields) {
    auto schema = fields.opt_string("data_schema");
    if (!schema || schema->empty()) return std::nullopt;
    rapidjson::Document parsed;
    parsed.Parse<rapidjson::kParseIterativeFlag>(schema->c_str(), schema->size());
    if (parsed.HasParseError() || !parsed.IsObject()) throw dis_error("DIS.4360");
    return schema;
}

std::int32_t to_int32(std::int64_t value) {
    return static_cast<std::int32_t>(value);
}

std::vector<state::dis_tag> parse_tags(const json_fields& fields, const char* name) {
    std::vector<state::dis_tag> tags;
    const auto* array = fields.opt_array(name);
    if (array == nullptr) return tags;
    if (array->Size() > max_tags) throw dis_error("DIS.4601");
    for (rapidjson::SizeType i = 0; i < array->Size(); ++i) {
        tags.push_back(
            parse_tag((*array)[i], fields.path_of(std::string(name) + "[" + std::to_string(i) + "]")));
    }
    return tags;
}

std::string sequence_range(const state::dis_partition_state& p) {
    return "[" + std::to_string(p.earliest) + " : " + std::to_string(p.next) + "]";
}

std::string hash_range(const state::dis_partition_state& p) {
    return "[" + std::to_string(state::dis_hash_range_start(p.index, p.hash_slices)) + " : " +
           std::to_string(state::dis_hash_range_end(p.index, p.hash_slices)) + "]";
}

// The pieces ListStreams' StreamInfo and DescribeStream share. The two answers order their fields
// differently, so each piece is a run of fields both write in the same order.
void write_stream_identity(json_object& o, const state::stream_info& info) {
    o.field("stream_name", info.spec.stream_name)
        .field("stream_id", info.spec.stream_id)
        .field("create_time", info.spec.create_time.value_or(0));
}

void write_stream_kind(json_object& o, const state::stream_info& info) {
    o.field("retention_period", info.spec.data_duration)
        .field("status", info.status)
        .field("stream_type", info.spec.stream_type)
        .field("data_type", info.spec.data_type);
}

void write_auto_scale(json_object& o, const state::stream_spec& spec) {
    o.field("auto_scale_enabled", spec.auto_scale_enabled)
        .field("auto_scale_min_partition_count", spec.auto_scale_min_partition_count)
        .field("auto_scale_max_partition_count", spec.auto_scale_max_partition_count);
}

void write_tags(json_object& o, const state::stream_spec& spec) {
    const auto tag = [](json_object& t, const state::dis_tag& item) {
        t.field("key", item.key).field("value", item.value);
    };
    o.array("tags", spec.tags, tag).array("sys_tags", spec.sys_tags, tag);
}

// ListStreams' StreamInfo. stream_id is not in the SDK model but is in the docs example.
void write_stream_summary(json_object& o, const state::stream_info& info) {
    write_stream_identity(o, info);
    write_stream_kind(o, info);
    o.field("partition_count", info.spec.partition_count);
    write_auto_scale(o, info.spec);
    write_tags(o, info.spec);
}

}  // namespace

state::dis_tag parse_tag(const rapidjson::Value& item, const std::string& path) {
    if (!item.IsObject()) throw dis_invalid_request(path + ": must be an object");
    const json_fields tag(item, service::dis, path);
    auto key = tag.req_string("key");
    auto value = tag.opt_string("value").value_or("");
    if (key.empty() || utf8_length(key) > max_tag_key) throw tag.invalid("key", "must be 1 to 36 characters");
    if (utf8_length(value) > max_tag_value) throw tag.invalid("value", "must be at most 43 characters");
    return {std::move(key), std::move(value)};
}

state::stream_spec parse_stream_spec(const json_fields& fields) {
    state::stream_spec spec;
    spec.stream_name = fields.req_string("stream_name");
    if (!is_name(spec.stream_name, stream_name_max)) {
        throw fields.invalid("stream_name", "must be 1 to 64 letters, digits, _ or -");
    }
    spec.partition_count = static_cast<std::int32_t>(fields.req_int("partition_count", 1, INT32_MAX));
    spec.stream_type = one_of(fields, "stream_type", {"COMMON", "ADVANCED"}).value_or("COMMON");
    spec.data_type = one_of(fields, "data_type", {"BLOB", "JSON", "CSV"}).value_or("BLOB");
    spec.data_duration =
        to_int32(opt_int_unset_zero(fields, "data_duration", min_data_duration, max_data_duration)
                     .value_or(min_data_duration));
    spec.auto_scale_enabled = fields.opt_bool("auto_scale_enabled").value_or(false);
    spec.auto_scale_min_partition_count =
        static_cast<std::int32_t>(fields.opt_int("auto_scale_min_partition_count", 0, INT32_MAX).value_or(0));
    spec.auto_scale_max_partition_count =
        static_cast<std::int32_t>(fields.opt_int("auto_scale_max_partition_count", 0, INT32_MAX).value_or(0));
    spec.data_schema = opt_data_schema(fields);
    if (const auto* csv = fields.opt_object("csv_properties")) {
        spec.csv_delimiter =
            json_fields(*csv, service::dis, fields.path_of("csv_properties")).opt_string("delimiter");
    }
    spec.compression_format = one_of(fields, "compression_format", {"snappy", "gzip", "zip"});
    spec.tags = parse_tags(fields, "tags");
    spec.sys_tags = parse_tags(fields, "sys_tags");
    return spec;
}

response create_stream(const request_context& ctx, state::state& st) {
    require_dis_project(ctx);
    const auto document = parse_json_object(ctx.body, service::dis);
    st.dis.create_stream(ctx.param("project_id"), parse_stream_spec(json_fields(document, service::dis)));
    return response::empty(201);
}

// The SDKs' extras are read leniently: `limit_partitions=0` (an unset Go int) is the default page,
// `stream_name` and `stream_id` in the query (the Java SDK serialises its whole DescribeStreamRequest) are
// ignored, the path names the stream.
response show_stream(const request_context& ctx, state::state& st) {
    require_dis_project(ctx);
    const std::int64_t first = first_partition_after(ctx.query_param("start_partitionId"));
    std::int64_t limit = default_partition_page;
    if (const std::string* text = ctx.query_param("limit_partitions")) {
        const auto value = parse_int64(*text);
        if (!value || *value < 0 || *value > max_partition_page) {
            throw dis_invalid_request("limit_partitions: must be from 1 to 1000");
        }
        if (*value != 0) limit = *value;
    }
    const auto info = st.dis.get_stream(ctx.param("project_id"), ctx.param("stream_name"));
    const auto& spec = info.spec;
    const auto count = static_cast<std::int32_t>(info.partitions.size());

    std::int32_t writable = 0;
    std::int32_t readable = 0;
    for (const auto& p : info.partitions) {
        if (p.status == state::dis_partition_status::active) ++writable;
        if (p.status != state::dis_partition_status::expired) ++readable;
    }

    const auto window = page_window(count, first, limit);
    return json_response(200, [&](json_object& o) {
        write_stream_identity(o, info);
        o.field("last_modified_time", info.last_modified_time);
        write_stream_kind(o, info);
        o.field("writable_partition_count", writable).field("readable_partition_count", readable);
        o.array("update_partition_counts", info.update_partition_counts,
                [](json_object& entry, const auto& change) {
                    entry.field("create_timestamp", change.create_timestamp)
                        .field("src_partition_count", change.src_partition_count)
                        .field("target_partition_count", change.target_partition_count)
                        .field("result_code", scaling_succeeded)
                        .field("result_msg", scaling_succeeded)
                        .field("auto_scale", false);
                });
        write_tags(o, spec);
        write_auto_scale(o, spec);
        o.field_if("data_schema", spec.data_schema).field_if("compression_format", spec.compression_format);
        if (spec.csv_delimiter) {
            o.object("csv_properties",
                     [&](json_object& csv) { csv.field("delimiter", *spec.csv_delimiter); });
        }
        o.array("partitions", window.of(info.partitions), [](json_object& entry, const auto& p) {
            entry.field("partition_id", shard_id(p.index))
                .field("status", to_string(p.status))
                .field("hash_range", hash_range(p));
            // Clients read a null range as "this partition has expired" (reference §4.3).
            if (p.status == state::dis_partition_status::expired) {
                entry.null_field("sequence_number_range");
            } else {
                entry.field("sequence_number_range", sequence_range(p));
            }
        });
        o.field("has_more_partitions", window.last < count);
    });
}

response list_streams(const request_context& ctx, state::state& st) {
    require_dis_project(ctx);
    const auto limit = query_int(ctx, "limit", 1, max_stream_page, default_stream_page);
    const std::string* start = ctx.query_param("start_stream_name");
    const auto page = st.dis.list_streams(ctx.param("project_id"), start != nullptr ? *start : std::string(),
                                          static_cast<std::size_t>(limit));

    return json_response(200, [&](json_object& o) {
        o.field("total_number", page.total);
        o.values("stream_names", page.streams,
                 [](const state::stream_info& info) -> const std::string& { return info.spec.stream_name; });
        o.field("has_more_streams", page.has_more)
            .array("stream_info_list", page.streams, write_stream_summary);
    });
}

response delete_stream(const request_context& ctx, state::state& st) {
    require_dis_project(ctx);
    st.dis.delete_stream(ctx.param("project_id"), ctx.param("stream_name"));
    return response::empty(204);
}

// The current docs show no body; the older docs and the legacy SDKs parse {stream_name,
// current_partition_count, target_partition_count}, with current being the count before the change
// (reference §4.5, §10 Q12).
response update_partition_count(const request_context& ctx, state::state& st) {
    require_dis_project(ctx);
    const auto document = parse_json_object(ctx.body, service::dis);
    const json_fields fields(document, service::dis);
    const auto stream_name = fields.req_string("stream_name");
    if (stream_name != ctx.param("stream_name"))
        throw fields.invalid("stream_name", "must be the stream of the path");
    const auto target = static_cast<std::int32_t>(fields.req_int("target_partition_count", 1, INT32_MAX));
    const auto change = st.dis.update_partition_count(ctx.param("project_id"), stream_name, target);

    return json_response(200, [&](json_object& o) {
        o.field("stream_name", stream_name)
            .field("current_partition_count", change.src_partition_count)
            .field("target_partition_count", change.target_partition_count);
    });
}

// The body of UpdateStreamReq (v3 SDK) or of the Java SDK's UpdateStreamRequest: stream_name, which must be
// the path's, then any of data_duration, data_type, data_schema and the auto_scale_* fields. Java adds
// update_type (DATA_TYPE or AUTO_SCALE), checked but not needed: every field present is applied.
state::stream_info update_stream_config(const request_context& ctx, state::state& st) {
    require_dis_project(ctx);
    const auto document = parse_json_object(ctx.body, service::dis);
    const json_fields fields(document, service::dis);
    const auto stream_name = fields.req_string("stream_name");
    if (stream_name != ctx.param("stream_name"))
        throw fields.invalid("stream_name", "must be the stream of the path");
    one_of(fields, "update_type", {"DATA_TYPE", "AUTO_SCALE"});
    state::stream_update update;
    if (const auto hours = opt_int_unset_zero(fields, "data_duration", min_data_duration, max_data_duration))
        update.data_duration = to_int32(*hours);
    update.data_type = one_of(fields, "data_type", {"BLOB", "JSON", "CSV"});
    update.data_schema = opt_data_schema(fields);
    update.auto_scale_enabled = fields.opt_bool("auto_scale_enabled");
    if (const auto n = fields.opt_int("auto_scale_min_partition_count", 0, INT32_MAX))
        update.auto_scale_min_partition_count = to_int32(*n);
    if (const auto n = fields.opt_int("auto_scale_max_partition_count", 0, INT32_MAX))
        update.auto_scale_max_partition_count = to_int32(*n);
    return st.dis.update_stream(ctx.param("project_id"), stream_name, update);
}

// The Java SDK's UpdateStream reads UpdateStreamResult {stream_name, target_data_type}
// (huaweicloud-sdk-java-dis-iface .../stream/response/UpdateStreamResult.java).
response update_stream_v2(const request_context& ctx, state::state& st) {
    const auto info = update_stream_config(ctx, st);
    return json_response(200, [&](json_object& o) {
        o.field("stream_name", info.spec.stream_name).field("target_data_type", info.spec.data_type);
    });
}

// UpdateStreamResponse is empty; the API reference answers 204 (Updating Stream Information).
response update_stream_v3(const request_context& ctx, state::state& st) {
    update_stream_config(ctx, st);
    return response::empty(204);
}

// ListPoliciesResponse {stream_id, rules: [PrincipalRule]}. Policies grant other accounts putRecords or
// getRecords; the emulator has one tenant per project and no other principals, so there are none.
response list_policies(const request_context& ctx, state::state& st) {
    require_dis_project(ctx);
    const auto info = st.dis.get_stream(ctx.param("project_id"), ctx.param("stream_name"));
    return json_response(
        200, [&](json_object& o) { o.field("stream_id", info.spec.stream_id).empty_array("rules"); });
}

}  // namespace emu::routes::dis
