#include <set>

#include "routes/control/fixture.hpp"
#include "routes/dis/transfer_tasks.hpp"
#include "routes/dis/validation.hpp"
#include "routes/dms/configs.hpp"
#include "routes/http/json.hpp"
#include "routes/http/validation.hpp"

namespace emu::routes::control {

namespace {

// The fixture document. Every value the loader would otherwise default (ids, times, retention bookkeeping)
// is written out, so loading the document gives back the same state.

void write_message(json_object& o, const state::kafka_message& m) {
    o.field_if("key", m.key).field("value", m.value).field("timestamp", m.timestamp);
    if (!m.headers.empty()) {
        o.array("headers", m.headers, [](json_object& h, const auto& header) {
            h.field("name", header.first).field("value", header.second);
        });
    }
    o.field("appended_at", m.appended_ms);
}

void write_topic(json_object& o, const state::topic_snapshot& topic) {
    const auto& s = topic.spec;
    o.field("id", s.name)
        .field("partition", s.partition_count)
        .field("replication", s.replication)
        .field("retention_time", s.retention_hours)
        .field("sync_replication", s.sync_replication)
        .field("sync_message_flush", s.sync_message_flush)
        .field("topic_desc", s.description)
        .array("topic_other_configs", s.other_configs,
               [](json_object& c, const state::topic_config& config) {
                   c.field("name", config.name).field("value", config.value);
               })
        .field("created_at", s.created_at.value_or(0))
        .array("partitions", topic.partitions, [](json_object& p, const state::partition_snapshot& part) {
            p.field("partition", part.partition)
                .field("log_start_offset", part.log_start_offset)
                .field("last_update_time", part.last_update_ms)
                .array("messages", part.messages, write_message);
        });
}

void write_group(json_object& o, const state::group_snapshot& g) {
    o.field("group_name", g.group_id)
        .field_if("group_desc", g.description)
        .field("created_at", g.created_at)
        .array("offsets", g.offsets, [](json_object& c, const state::committed_offset& offset) {
            c.field("topic", offset.topic)
                .field("partition", offset.partition)
                .field("offset", offset.offset);
        });
}

void write_instance(json_object& o, const state::instance_snapshot& inst) {
    const auto& s = inst.spec;
    o.field("instance_id", s.instance_id)
        .field("name", s.name)
        .field("description", s.description)
        .field("engine", "kafka")
        .field("engine_version", s.engine_version)
        .field("product_id", s.product_id)
        .field("storage_spec_code", s.storage_spec_code)
        .field("broker_num", s.broker_num)
        .field("storage_space", s.storage_space)
        .field("vpc_id", s.vpc_id)
        .field("subnet_id", s.subnet_id)
        .field("security_group_id", s.security_group_id)
        .values("available_zones", s.available_zones)
        .field("ssl_enable", s.ssl_enable)
        .field("enable_auto_topic", s.enable_auto_topic);
    dms::write_fixture_configs(o, s);
    o.field("enterprise_project_id", s.enterprise_project_id)
        .field("status", s.status)
        .field("created_at", s.created_at.value_or(0))
        .field_if("port", s.kafka_port)
        .array("topics", inst.topics, write_topic)
        .array("groups", inst.groups, write_group);
}

void write_tags(json_object& o, std::string_view key, const std::vector<state::dis_tag>& items) {
    o.array(key, items, [](json_object& t, const state::dis_tag& tag) {
        t.field("key", tag.key).field("value", tag.value);
    });
}

void write_partition(json_object& o, const state::dis_partition_snapshot& p) {
    o.field("partition_id", dis::shard_id(p.index))
        .field("status", dis::to_string(p.status))
        .field("first_sequence_number", p.earliest);
    if (p.status != state::dis_partition_status::active) {
        o.field("deleted_at", p.deleted_at).field("hash_partition_count", p.hash_slices);
    }
    o.array("records", p.records, [](json_object& r, const state::dis_record& record) {
        r.field("data", record.data)
            .field_if("partition_key", record.partition_key)
            .field("timestamp", record.timestamp)
            .field("accepted_at", record.accepted_at);
    });
}

void write_stream(json_object& o, const state::stream_snapshot& stream) {
    const auto& s = stream.spec;
    o.field("stream_name", s.stream_name)
        .field("partition_count", s.partition_count)
        .field("stream_type", s.stream_type)
        .field("data_type", s.data_type)
        .field("data_duration", s.data_duration)
        .field("auto_scale_enabled", s.auto_scale_enabled)
        .field("auto_scale_min_partition_count", s.auto_scale_min_partition_count)
        .field("auto_scale_max_partition_count", s.auto_scale_max_partition_count)
        .field_if("data_schema", s.data_schema)
        .field_if("compression_format", s.compression_format);
    if (s.csv_delimiter)
        o.object("csv_properties", [&](json_object& c) { c.field("delimiter", *s.csv_delimiter); });
    write_tags(o, "tags", s.tags);
    write_tags(o, "sys_tags", s.sys_tags);
    o.field("stream_id", s.stream_id)
        .field("create_time", s.create_time.value_or(0))
        .field("last_modified_time", stream.last_modified_time)
        .array("update_partition_counts", stream.changes,
               [](json_object& c, const state::partition_count_change& change) {
                   c.field("create_timestamp", change.create_timestamp)
                       .field("src_partition_count", change.src_partition_count)
                       .field("target_partition_count", change.target_partition_count);
               })
        .array("partitions", stream.partitions, write_partition);
    // Only when there are some, so an export without transfer tasks reads as before they existed.
    if (stream.transfer_tasks.empty()) return;
    o.array("transfer_tasks", stream.transfer_tasks, [](json_object& t, const state::transfer_task& task) {
        t.field("destination_type", task.destination_type);
        t.key(dis::descriptor_request_key(task.destination_type));
        t.writer().RawValue(task.descriptor.data(), task.descriptor.size(), rapidjson::kObjectType);
        t.field("task_id", task.task_id).field("state", task.state).field("create_time", task.create_time);
    });
}

void write_checkpoints(json_object& o, const state::dis_project_snapshot& project) {
    o.array("checkpoints", project.checkpoints, [](json_object& c, const state::checkpoint_entry& entry) {
        c.field("app_name", entry.key.app_name)
            .field("stream_name", entry.key.stream_name)
            .field("partition_id", dis::shard_id(entry.key.partition))
            .field("checkpoint_type", entry.key.checkpoint_type)
            .field("sequence_number", std::to_string(entry.value.sequence_number))
            .field("metadata", entry.value.metadata);
    });
}

// Which part of a DIS project a document holds.
enum class dis_part { all, without_checkpoints, only_checkpoints };

void write_dis(json_object& o, const state::dis_project_snapshot& project, dis_part part) {
    if (part != dis_part::only_checkpoints) {
        o.array("streams", project.streams, write_stream)
            .array("apps", project.apps, [](json_object& a, const state::app_spec& app) {
                a.field("app_name", app.app_name)
                    .field("app_id", app.app_id)
                    .field("create_time", app.create_time.value_or(0));
            });
    }
    if (part != dis_part::without_checkpoints) write_checkpoints(o, project);
}

void write_document(json_writer& writer, const std::vector<state::kafka_project_snapshot>& kafka,
                    const std::vector<state::dis_project_snapshot>& dis, dis_part part = dis_part::all) {
    std::set<std::string> ids;
    for (const auto& p : kafka) ids.insert(p.project_id);
    for (const auto& p : dis) ids.insert(p.project_id);
    json_object(writer).object([&](json_object& doc) {
        doc.array("projects", ids, [&](json_object& project, const std::string& id) {
            project.field("project_id", id);
            for (const auto& p : kafka) {
                if (p.project_id == id) {
                    project.object(
                        "kafka", [&](json_object& k) { k.array("instances", p.instances, write_instance); });
                }
            }
            for (const auto& p : dis) {
                if (p.project_id == id) project.object("dis", [&](json_object& d) { write_dis(d, p, part); });
            }
        });
    });
}

}  // namespace

std::string export_fixture(const state::state& st, const std::optional<std::string>& project_id,
                           bool with_records) {
    const auto kafka = st.kafka.snapshot(project_id, with_records);
    const auto dis = st.dis.snapshot(project_id, with_records);
    rapidjson::StringBuffer buffer;
    json_writer writer(buffer);
    write_document(writer, kafka, dis);
    return to_string(buffer);
}

stored_project export_stored_project(const state::state& st, const std::string& project_id) {
    const auto kafka = st.kafka.snapshot(project_id, false);
    const auto dis = st.dis.snapshot(project_id, false);
    stored_project out;
    if (kafka.empty() && dis.empty()) return out;
    {
        rapidjson::StringBuffer buffer;
        json_writer writer(buffer);
        write_document(writer, kafka, dis, dis_part::without_checkpoints);
        out.main = to_string(buffer);
    }
    if (!dis.empty() && !dis.front().checkpoints.empty()) {
        rapidjson::StringBuffer buffer;
        json_writer writer(buffer);
        write_document(writer, {}, dis, dis_part::only_checkpoints);
        out.checkpoints = to_string(buffer);
    }
    return out;
}

}  // namespace emu::routes::control
