#include "routes/dis/transfer_tasks.hpp"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <array>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "routes/dis/common.hpp"
#include "routes/http/validation.hpp"

namespace emu::routes::dis {

namespace {

constexpr std::size_t task_name_max = 64;
constexpr std::size_t prefix_max = 50;
constexpr std::int64_t min_deliver_interval = 30;
constexpr std::int64_t max_deliver_interval = 900;
constexpr std::int64_t max_retry_duration = 7200;

// One destination type as the SDK models it: where its descriptor travels, and the string fields its
// *DestinationDescriptorRequest declares, required ones first.
struct destination {
    std::string_view type;
    const char* request_key;
    const char* answer_key;
    std::vector<const char*> required;
    std::vector<const char*> optional;
};

const std::array<destination, 5>& destinations() {
    static const std::array<destination, 5> table{
        destination{"OBS",
                    "obs_destination_descriptor",
                    "obs_destination_description",
                    {"obs_bucket_path"},
                    {"file_prefix", "partition_format", "destination_file_type", "record_delimiter"}},
        destination{"MRS",
                    "mrs_destination_descriptor",
                    "mrs_destination_description",
                    {"mrs_cluster_name", "mrs_cluster_id", "mrs_hdfs_path", "obs_bucket_path"},
                    {"file_prefix", "hdfs_prefix_folder"}},
        destination{"DLI",
                    "dli_destination_descriptor",
                    "dli_destination_description",
                    {"dli_database_name", "dli_table_name", "obs_bucket_path"},
                    {"file_prefix"}},
        destination{"CLOUDTABLE",
                    "cloudtable_destination_descriptor",
                    "cloudtable_destination_descripton",
                    {"cloudtable_cluster_name", "cloudtable_cluster_id"},
                    {"cloudtable_table_name", "cloudtable_row_key_delimiter", "obs_backup_bucket_path",
                     "backup_file_prefix"}},
        destination{"DWS",
                    "dws_destination_descriptor",
                    "dws_destination_descripton",
                    {"dws_cluster_name", "dws_cluster_id", "dws_database_name", "dws_schema",
                     "dws_table_name", "dws_delimiter", "user_name", "user_password", "kms_user_key_name",
                     "kms_user_key_id", "obs_bucket_path"},
                    {"file_prefix", "dws_table_columns"}},
    };
    return table;
}

const destination* find_destination(std::string_view type) {
    for (const auto& d : destinations()) {
        if (d.type == type) return &d;
    }
    return nullptr;
}

void one_of(const json_fields& fields, const char* name, std::initializer_list<std::string_view> allowed) {
    const auto value = fields.opt_string(name);
    if (value && std::find(allowed.begin(), allowed.end(), *value) == allowed.end()) {
        throw fields.invalid(name, "unsupported value " + *value);
    }
}

// retry_duration is a string in the SDK models and a number of seconds in the API reference: both read.
void check_retry_duration(const rapidjson::Value& descriptor, const json_fields& fields) {
    const auto it = descriptor.FindMember("retry_duration");
    if (it == descriptor.MemberEnd() || it->value.IsNull()) return;
    std::optional<std::int64_t> seconds;
    if (it->value.IsString())
        seconds = parse_int64(std::string_view(it->value.GetString(), it->value.GetStringLength()));
    if (it->value.IsInt64()) seconds = it->value.GetInt64();
    if (!seconds || *seconds < 0 || *seconds > max_retry_duration)
        throw fields.invalid("retry_duration", "must be from 0 to 7200 seconds");
}

void check_prefix(const json_fields& fields, const char* name) {
    const auto value = fields.opt_string(name);
    if (value && (utf8_length(*value) > prefix_max || value->starts_with('/')))
        throw fields.invalid(name, "must be at most 50 characters and not start with /");
}

// The fields every destination shares (CommonDestinationDescriptor), then the type's own.
void check_descriptor(const rapidjson::Value& descriptor, const json_fields& fields, const destination& d,
                      const state::stream_info& stream) {
    const auto task_name = fields.req_string("task_name");
    if (!is_name(task_name, task_name_max))
        throw fields.invalid("task_name", "must be 1 to 64 letters, digits, _ or -");
    fields.opt_string("agency_name");
    fields.opt_int("deliver_time_interval", min_deliver_interval, max_deliver_interval);
    one_of(fields, "consumer_strategy", {"LATEST", "TRIM_HORIZON"});
    check_retry_duration(descriptor, fields);
    for (const char* name : d.required) {
        if (fields.req_string(name).empty()) throw fields.invalid(name, "must not be empty");
    }
    for (const char* name : d.optional) fields.opt_string(name);
    check_prefix(fields, "file_prefix");
    check_prefix(fields, "backup_file_prefix");
    check_prefix(fields, "hdfs_prefix_folder");

    if (d.type == "OBS") {
        one_of(fields, "partition_format",
               {"", "N/A", "yyyy", "yyyy/MM", "yyyy/MM/dd", "yyyy/MM/dd/HH", "yyyy/MM/dd/HH/mm"});
        one_of(fields, "destination_file_type", {"text", "parquet", "carbon"});
        const auto file_type = fields.opt_string("destination_file_type");
        if (file_type && *file_type != "text" && stream.spec.data_type != "JSON")
            throw fields.invalid("destination_file_type", *file_type + " needs a stream of JSON data");
        one_of(fields, "record_delimiter", {",", ";", "|", "\n"});
        if (const auto* schema = fields.opt_object("processing_schema")) {
            const json_fields ps(*schema, service::dis, fields.path_of("processing_schema"));
            ps.req_string("timestamp_name");
            const auto type = ps.req_string("timestamp_type");
            if (type != "String" && type != "Timestamp")
                throw ps.invalid("timestamp_type", "must be String or Timestamp");
            const auto format = ps.opt_string("timestamp_format");
            if (type == "String" && !format) throw ps.invalid("timestamp_format", "is required for String");
        }
    } else if (d.type == "DWS") {
        one_of(fields, "dws_delimiter", {",", ";", "|"});
        fields.opt_object("options");
    } else if (d.type == "CLOUDTABLE") {
        const bool hbase = fields.opt_object("cloudtable_schema") != nullptr;
        const bool opentsdb = fields.opt_array("opentsdb_schema") != nullptr;
        if (hbase == opentsdb)
            throw fields.invalid("cloudtable_schema", "give it or opentsdb_schema, one of them");
        if (hbase && !fields.opt_string("cloudtable_table_name"))
            throw fields.invalid("cloudtable_table_name", "is required with cloudtable_schema");
        one_of(fields, "cloudtable_row_key_delimiter", {",", ".", "|", ";", "\\", "-", "_", "~"});
    }
}

std::string to_json_text(const rapidjson::Value& value) {
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
    value.Accept(writer);
    return std::string(buffer.GetString(), buffer.GetSize());
}

std::string range_of(const state::dis_partition_state& p) {
    return "[" + std::to_string(p.earliest) + " : " + std::to_string(p.next) + "]";
}

// ListTransferTasks' TransferTask, with the task_id the API reference's example shows (BatchTransferTask
// names tasks by it).
void write_summary(json_object& o, const state::transfer_task& task) {
    o.field("task_name", task.task_name)
        .field("task_id", task.task_id)
        .field("state", task.state)
        .field("destination_type", task.destination_type)
        .field("create_time", task.create_time)
        .field("last_transfer_timestamp", task.last_transfer_timestamp);
}

state::transfer_task parse_body(const request_context& ctx, state::state& st) {
    const auto document = parse_json_object(ctx.body, service::dis);
    const auto stream = st.dis.get_stream(ctx.param("project_id"), ctx.param("stream_name"));
    return parse_transfer_task(json_fields(document, service::dis), stream);
}

}  // namespace

const char* descriptor_answer_key(const std::string& destination_type) {
    const auto* d = find_destination(destination_type);
    return d != nullptr ? d->answer_key : "destination_description";
}

const char* descriptor_request_key(const std::string& destination_type) {
    const auto* d = find_destination(destination_type);
    return d != nullptr ? d->request_key : "destination_descriptor";
}

state::transfer_task parse_transfer_task(const json_fields& fields, const state::stream_info& stream) {
    const auto type = fields.req_string("destination_type");
    const auto* d = find_destination(type);
    if (d == nullptr) throw fields.invalid("destination_type", "must be OBS, MRS, DLI, CLOUDTABLE or DWS");
    const auto* descriptor = fields.opt_object(d->request_key);
    if (descriptor == nullptr) throw fields.invalid(d->request_key, "is required");
    const json_fields described(*descriptor, service::dis, fields.path_of(d->request_key));
    check_descriptor(*descriptor, described, *d, stream);
    state::transfer_task task;
    task.task_name = described.req_string("task_name");
    task.destination_type = type;
    task.descriptor = to_json_text(*descriptor);
    return task;
}

// The API reference answers 201 with no body (Adding OBS Dump Tasks).
response create_transfer_task(const request_context& ctx, state::state& st) {
    require_dis_project(ctx);
    st.dis.create_transfer_task(ctx.param("project_id"), ctx.param("stream_name"), parse_body(ctx, st));
    return response::empty(201);
}

// quota is what can still be created on the stream (the SDK: "可创建的转储任务配额").
response list_transfer_tasks(const request_context& ctx, state::state& st) {
    require_dis_project(ctx);
    const auto tasks = st.dis.transfer_tasks(ctx.param("project_id"), ctx.param("stream_name"));
    const auto quota =
        static_cast<std::int64_t>(st.dis.limits().transfer_tasks) - static_cast<std::int64_t>(tasks.size());
    return json_response(200, [&](json_object& o) {
        o.field("total_number", tasks.size())
            .field("quota", std::max<std::int64_t>(quota, 0))
            .array("tasks", tasks, write_summary);
    });
}

response update_transfer_task(const request_context& ctx, state::state& st) {
    require_dis_project(ctx);
    st.dis.update_transfer_task(ctx.param("project_id"), ctx.param("stream_name"), parse_body(ctx, st));
    return response::empty(200);
}

// ShowTransferTaskResponse, the descriptor under its type's member as stored, without the DWS password;
// partitions are the stream's readable ones.
response show_transfer_task(const request_context& ctx, state::state& st) {
    require_dis_project(ctx);
    const auto& project = ctx.param("project_id");
    const auto task = st.dis.get_transfer_task(project, ctx.param("stream_name"), ctx.param("task_name"));
    const auto stream = st.dis.get_stream(project, ctx.param("stream_name"));
    std::vector<state::dis_partition_state> partitions;
    for (const auto& p : stream.partitions) {
        if (p.status != state::dis_partition_status::expired) partitions.push_back(p);
    }
    rapidjson::Document descriptor;
    descriptor.Parse(task.descriptor.c_str(), task.descriptor.size());
    if (descriptor.IsObject()) descriptor.RemoveMember("user_password");
    return json_response(200, [&](json_object& o) {
        o.field("stream_name", stream.spec.stream_name);
        write_summary(o, task);
        o.array("partitions", partitions, [&](json_object& entry, const state::dis_partition_state& p) {
            entry.field("partition_id", shard_id(p.index))
                .field("status", to_string(p.status))
                .field("sequence_number_range", range_of(p));
        });
        o.key(descriptor_answer_key(task.destination_type));
        descriptor.Accept(o.writer());
    });
}

response delete_transfer_task(const request_context& ctx, state::state& st) {
    require_dis_project(ctx);
    st.dis.delete_transfer_task(ctx.param("project_id"), ctx.param("stream_name"), ctx.param("task_name"));
    return response::empty(204);
}

// start makes the tasks RUNNING, stop PAUSED (TransferTask.state); tasks are named by task_id, or by name.
response batch_transfer_task(const request_context& ctx, state::state& st) {
    require_dis_project(ctx);
    const auto document = parse_json_object(ctx.body, service::dis);
    const json_fields fields(document, service::dis);
    const auto action = fields.req_string("action");
    if (action != "start" && action != "stop") throw fields.invalid("action", "must be start or stop");
    const auto* tasks = fields.opt_array("tasks");
    if (tasks == nullptr || tasks->Empty()) throw fields.invalid("tasks", "is required");
    std::vector<std::string> ids;
    for (rapidjson::SizeType i = 0; i < tasks->Size(); ++i) {
        const std::string path = "tasks[" + std::to_string(i) + "]";
        if (!(*tasks)[i].IsObject()) throw dis_invalid_request(path + ": must be an object");
        ids.push_back(json_fields((*tasks)[i], service::dis, path).req_string("id"));
    }
    st.dis.set_transfer_task_state(ctx.param("project_id"), ctx.param("stream_name"), ids,
                                   action == "start" ? "RUNNING" : "PAUSED");
    return response::empty(200);
}

}  // namespace emu::routes::dis
