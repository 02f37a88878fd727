#include <set>

#include "routes/control/fixture.hpp"
#include "routes/dis/validation.hpp"
#include "routes/http/json.hpp"
#include "routes/http/validation.hpp"

namespace emu::routes::control {

namespace {

// Writes the fixture document. Every value the loader would otherwise default (ids, times, retention
// bookkeeping) is written out, so loading the document gives back the same state.
class exporter {
  public:
    explicit exporter(json_writer& writer) : w_(writer) {}

    void document(const std::vector<state::kafka_project_snapshot>& kafka,
                  const std::vector<state::dis_project_snapshot>& dis) {
        std::set<std::string> ids;
        for (const auto& p : kafka) ids.insert(p.project_id);
        for (const auto& p : dis) ids.insert(p.project_id);
        w_.StartObject();
        w_.Key("projects");
        w_.StartArray();
        for (const auto& id : ids) {
            w_.StartObject();
            str("project_id", id);
            for (const auto& p : kafka) {
                if (p.project_id == id) kafka_part(p);
            }
            for (const auto& p : dis) {
                if (p.project_id == id) dis_part(p);
            }
            w_.EndObject();
        }
        w_.EndArray();
        w_.EndObject();
    }

  private:
    void str(const char* key, std::string_view value) {
        w_.Key(key);
        write_string(w_, value);
    }
    void integer(const char* key, std::int64_t value) {
        w_.Key(key);
        w_.Int64(value);
    }
    void boolean(const char* key, bool value) {
        w_.Key(key);
        w_.Bool(value);
    }
    template <typename Items, typename Each>
    void array(const char* key, const Items& items, Each&& each) {
        w_.Key(key);
        w_.StartArray();
        for (const auto& item : items) each(item);
        w_.EndArray();
    }

    void kafka_part(const state::kafka_project_snapshot& project) {
        w_.Key("kafka");
        w_.StartObject();
        array("instances", project.instances, [&](const state::instance_snapshot& i) { instance(i); });
        w_.EndObject();
    }

    void instance(const state::instance_snapshot& inst) {
        const auto& s = inst.spec;
        w_.StartObject();
        str("instance_id", s.instance_id);
        str("name", s.name);
        str("description", s.description);
        str("engine", "kafka");
        str("engine_version", s.engine_version);
        str("product_id", s.product_id);
        str("storage_spec_code", s.storage_spec_code);
        integer("broker_num", s.broker_num);
        integer("storage_space", s.storage_space);
        str("vpc_id", s.vpc_id);
        str("subnet_id", s.subnet_id);
        str("security_group_id", s.security_group_id);
        array("available_zones", s.available_zones, [&](const std::string& zone) { write_string(w_, zone); });
        boolean("ssl_enable", s.ssl_enable);
        boolean("enable_auto_topic", s.enable_auto_topic);
        str("enterprise_project_id", s.enterprise_project_id);
        str("status", s.status);
        integer("created_at", s.created_at.value_or(0));
        array("topics", inst.topics, [&](const state::topic_snapshot& t) { topic(t); });
        array("groups", inst.groups, [&](const state::group_snapshot& g) { group(g); });
        w_.EndObject();
    }

    void topic(const state::topic_snapshot& topic) {
        const auto& s = topic.spec;
        w_.StartObject();
        str("id", s.name);
        integer("partition", s.partition_count);
        integer("replication", s.replication);
        integer("retention_time", s.retention_hours);
        boolean("sync_replication", s.sync_replication);
        boolean("sync_message_flush", s.sync_message_flush);
        str("topic_desc", s.description);
        array("topic_other_configs", s.other_configs, [&](const state::topic_config& config) {
            w_.StartObject();
            str("name", config.name);
            str("value", config.value);
            w_.EndObject();
        });
        integer("created_at", s.created_at.value_or(0));
        array("partitions", topic.partitions, [&](const state::partition_snapshot& p) {
            w_.StartObject();
            integer("partition", p.partition);
            integer("log_start_offset", p.log_start_offset);
            integer("last_update_time", p.last_update_ms);
            array("messages", p.messages, [&](const state::kafka_message& m) { message(m); });
            w_.EndObject();
        });
        w_.EndObject();
    }

    void message(const state::kafka_message& m) {
        w_.StartObject();
        if (m.key) str("key", *m.key);
        str("value", m.value);
        integer("timestamp", m.timestamp);
        if (!m.headers.empty()) {
            array("headers", m.headers, [&](const auto& header) {
                w_.StartObject();
                str("name", header.first);
                str("value", header.second);
                w_.EndObject();
            });
        }
        integer("appended_at", m.appended_ms);
        w_.EndObject();
    }

    void group(const state::group_snapshot& g) {
        w_.StartObject();
        str("group_name", g.group_id);
        if (g.description) str("group_desc", *g.description);
        integer("created_at", g.created_at);
        array("offsets", g.offsets, [&](const state::committed_offset& o) {
            w_.StartObject();
            str("topic", o.topic);
            integer("partition", o.partition);
            integer("offset", o.offset);
            w_.EndObject();
        });
        w_.EndObject();
    }

    void dis_part(const state::dis_project_snapshot& project) {
        w_.Key("dis");
        w_.StartObject();
        array("streams", project.streams, [&](const state::stream_snapshot& s) { stream(s); });
        array("apps", project.apps, [&](const state::app_spec& app) {
            w_.StartObject();
            str("app_name", app.app_name);
            str("app_id", app.app_id);
            integer("create_time", app.create_time.value_or(0));
            w_.EndObject();
        });
        array("checkpoints", project.checkpoints, [&](const state::checkpoint_entry& c) {
            w_.StartObject();
            str("app_name", c.key.app_name);
            str("stream_name", c.key.stream_name);
            str("partition_id", dis::shard_id(c.key.partition));
            str("checkpoint_type", c.key.checkpoint_type);
            str("sequence_number", std::to_string(c.value.sequence_number));
            str("metadata", c.value.metadata);
            w_.EndObject();
        });
        w_.EndObject();
    }

    void tags(const char* key, const std::vector<state::dis_tag>& items) {
        array(key, items, [&](const state::dis_tag& tag) {
            w_.StartObject();
            str("key", tag.key);
            str("value", tag.value);
            w_.EndObject();
        });
    }

    void stream(const state::stream_snapshot& stream) {
        const auto& s = stream.spec;
        w_.StartObject();
        str("stream_name", s.stream_name);
        integer("partition_count", s.partition_count);
        str("stream_type", s.stream_type);
        str("data_type", s.data_type);
        integer("data_duration", s.data_duration);
        boolean("auto_scale_enabled", s.auto_scale_enabled);
        integer("auto_scale_min_partition_count", s.auto_scale_min_partition_count);
        integer("auto_scale_max_partition_count", s.auto_scale_max_partition_count);
        if (s.data_schema) str("data_schema", *s.data_schema);
        if (s.compression_format) str("compression_format", *s.compression_format);
        if (s.csv_delimiter) {
            w_.Key("csv_properties");
            w_.StartObject();
            str("delimiter", *s.csv_delimiter);
            w_.EndObject();
        }
        tags("tags", s.tags);
        tags("sys_tags", s.sys_tags);
        str("stream_id", s.stream_id);
        integer("create_time", s.create_time.value_or(0));
        integer("last_modified_time", stream.last_modified_time);
        array("update_partition_counts", stream.changes, [&](const state::partition_count_change& c) {
            w_.StartObject();
            integer("create_timestamp", c.create_timestamp);
            integer("src_partition_count", c.src_partition_count);
            integer("target_partition_count", c.target_partition_count);
            w_.EndObject();
        });
        array("partitions", stream.partitions, [&](const state::dis_partition_snapshot& p) { partition(p); });
        w_.EndObject();
    }

    void partition(const state::dis_partition_snapshot& p) {
        w_.StartObject();
        str("partition_id", dis::shard_id(p.index));
        str("status", dis::to_string(p.status));
        integer("first_sequence_number", p.earliest);
        if (p.status != state::dis_partition_status::active) {
            integer("deleted_at", p.deleted_at);
            integer("hash_partition_count", p.hash_slices);
        }
        array("records", p.records, [&](const state::dis_record& r) {
            w_.StartObject();
            str("data", r.data);
            if (r.partition_key) str("partition_key", *r.partition_key);
            integer("timestamp", r.timestamp);
            integer("accepted_at", r.accepted_at);
            w_.EndObject();
        });
        w_.EndObject();
    }

    json_writer& w_;
};

}  // namespace

std::string export_fixture(const state::state& st, const std::optional<std::string>& project_id) {
    const auto kafka = st.kafka.snapshot(project_id);
    const auto dis = st.dis.snapshot(project_id);
    rapidjson::StringBuffer buffer;
    json_writer writer(buffer);
    exporter(writer).document(kafka, dis);
    return to_string(buffer);
}

}  // namespace emu::routes::control
