#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include <fstream>
#include <initializer_list>
#include <set>
#include <sstream>

#include "routes/control/fixture.hpp"
#include "routes/dis/records.hpp"
#include "routes/dis/streams.hpp"
#include "routes/dis/transfer_tasks.hpp"
#include "routes/dis/validation.hpp"
#include "routes/dms/configs.hpp"
#include "routes/dms/groups.hpp"
#include "routes/dms/instances.hpp"
#include "routes/dms/topics.hpp"
#include "routes/http/api_error.hpp"
#include "routes/http/error_mapping.hpp"
#include "routes/http/json.hpp"
#include "routes/http/validation.hpp"

namespace emu::routes::control {

namespace {

using rapidjson::Value;

// Instance fields a fixture may leave out; the API requires them, but they change no behaviour here.
const dms::instance_defaults instance_defaults{
    .engine = "kafka",
    .engine_version = "3.x",
    .product_id = "c6.2u4g.cluster",
    .storage_spec_code = "dms.physical.storage.ultra.v2",
    .vpc_id = "vpc-emulator",
    .subnet_id = "subnet-emulator",
    .security_group_id = "sg-emulator",
    .broker_num = 3,
    .storage_space = 300,
    .available_zones = {"az-1"},
};

class loader {
  public:
    loader(std::string_view source, state::state& st, load_mode mode, fixture_faults* faults)
        : source_(source), st_(st), mode_(mode), faults_(faults) {}

    void load(const Value& root) {
        expect_object(root, "$", {"projects", "faults"});
        if (const Value* rules = array_member(root, "faults", "$")) load_faults(*rules);
        const Value* projects = array_member(root, "projects", "$");
        if (projects == nullptr) return;
        for (rapidjson::SizeType i = 0; i < projects->Size(); ++i) {
            load_project((*projects)[i], "$.projects[" + std::to_string(i) + "]");
        }
    }

  private:
    void load_faults(const Value& rules) {
        if (faults_ == nullptr) fail("$.faults", "fault rules cannot be loaded here");
        if (rules.Size() > max_fault_rules) {
            fail("$.faults", "at most " + std::to_string(max_fault_rules) + " fault rules");
        }
        for (rapidjson::SizeType i = 0; i < rules.Size(); ++i) {
            at("$.faults[" + std::to_string(i) + "]", service::gateway,
               [&] { faults_->rules.push_back(parse_fault_rule(rules[i], faults_->known_operations)); });
        }
    }

    [[noreturn]] void fail(const std::string& path, const std::string& problem) const {
        throw fixture_error(std::string(source_) + ": " + path + ": " + problem);
    }

    // Runs one step that may be refused the way the API of `step_service` would refuse it (a DMS or DIS
    // entry, or the gateway's for a fault rule), and says where.
    template <typename Step>
    void at(const std::string& path, service step_service, Step&& step) const {
        try {
            step();
        } catch (const api_error& error) {
            fail(path, error.message() + " (" + error.code() + ")");
        } catch (const state::error& error) {
            const auto mapped = to_api_error(error, step_service);
            fail(path, mapped.message() + " (" + mapped.code() + ")");
        }
    }

    void expect_object(const Value& value, const std::string& path,
                       std::initializer_list<const char*> keys) const {
        if (!value.IsObject()) fail(path, "must be an object");
        for (const auto& member : value.GetObject()) {
            const std::string_view name(member.name.GetString(), member.name.GetStringLength());
            bool known = false;
            for (const char* key : keys) known = known || name == key;
            if (!known) fail(path + "." + std::string(name), "unknown key");
        }
    }

    const Value* array_member(const Value& object, const char* name, const std::string& path) const {
        const auto it = object.FindMember(name);
        if (it == object.MemberEnd()) return nullptr;
        if (!it->value.IsArray()) fail(path + "." + name, "must be an array");
        return &it->value;
    }

    template <typename Each>
    void each(const Value& object, const char* name, const std::string& path, Each&& fn) const {
        const Value* items = array_member(object, name, path);
        if (items == nullptr) return;
        for (rapidjson::SizeType i = 0; i < items->Size(); ++i) {
            const std::string item_path = path + "." + name + "[" + std::to_string(i) + "]";
            if (!(*items)[i].IsObject()) fail(item_path, "must be an object");
            fn((*items)[i], item_path);
        }
    }

    void load_project(const Value& project, const std::string& path) {
        expect_object(project, path, {"project_id", "kafka", "dis"});
        const auto it = project.FindMember("project_id");
        if (it == project.MemberEnd() || !it->value.IsString() || !is_project_id(it->value.GetString())) {
            fail(path + ".project_id", "must be 32 hexadecimal characters");
        }
        const std::string project_id = it->value.GetString();
        if (const auto kafka = project.FindMember("kafka"); kafka != project.MemberEnd()) {
            expect_object(kafka->value, path + ".kafka", {"instances"});
            each(kafka->value, "instances", path + ".kafka",
                 [&](const Value& v, const std::string& p) { load_instance(project_id, v, p); });
        }
        if (const auto dis = project.FindMember("dis"); dis != project.MemberEnd()) {
            expect_object(dis->value, path + ".dis", {"streams", "apps", "checkpoints"});
            each(dis->value, "streams", path + ".dis",
                 [&](const Value& v, const std::string& p) { load_stream(project_id, v, p); });
            each(dis->value, "apps", path + ".dis",
                 [&](const Value& v, const std::string& p) { load_app(project_id, v, p); });
            each(dis->value, "checkpoints", path + ".dis",
                 [&](const Value& v, const std::string& p) { load_checkpoint(project_id, v, p); });
        }
    }

    void load_instance(const std::string& project_id, const Value& item, const std::string& path) {
        const json_fields fields(item, service::dms);
        std::string instance_id;
        at(path, service::dms, [&] {
            auto spec = dms::parse_instance_spec(fields, instance_defaults);
            if (fields.has("kafka_configs")) {
                const auto* configs = fields.opt_array("kafka_configs");
                if (configs == nullptr) throw dms_invalid_parameter("kafka_configs");
                dms::apply_instance_configs(*configs, "kafka_configs", spec);
            }
            spec.instance_id = fields.opt_string("instance_id").value_or("");
            if (!spec.instance_id.empty() && !is_uuid(spec.instance_id)) throw dms_error("DMS.00400030");
            spec.status = fields.opt_string("status").value_or("RUNNING");
            if (const auto created = fields.opt_int("created_at", 0, INT64_MAX)) spec.created_at = *created;
            // A pinned Kafka port: broker n listens on port + n, all of them below 65536.
            if (const auto port = fields.opt_int("port", 1, 65536 - std::int64_t{spec.broker_num})) {
                spec.kafka_port = static_cast<std::int32_t>(*port);
            }
            if (merging()) replace_instance(project_id, spec);
            instance_id = st_.kafka.create_instance(project_id, std::move(spec)).spec.instance_id;
            if (merging()) first_mention(project_id, "instance", instance_id);
        });
        each(item, "topics", path,
             [&](const Value& v, const std::string& p) { load_topic(project_id, instance_id, v, p); });
        // After the topics, which the groups' committed offsets name.
        each(item, "groups", path,
             [&](const Value& v, const std::string& p) { load_group(project_id, instance_id, v, p); });
    }

    // Merge mode: the stored instance this one replaces goes first, with everything under it. Without an
    // instance_id the name identifies it; an instance named twice in the document is not replaced twice.
    void replace_instance(const std::string& project_id, const state::instance_spec& spec) {
        std::string stored = spec.instance_id;
        if (stored.empty()) {
            for (const auto& info : st_.kafka.list_instances(project_id)) {
                if (info.spec.name == spec.name) stored = info.spec.instance_id;
            }
        }
        if (!stored.empty() && first_mention(project_id, "instance", stored)) {
            st_.kafka.erase_instance(project_id, stored);
        }
    }

    void load_group(const std::string& project_id, const std::string& instance_id, const Value& item,
                    const std::string& path) {
        state::group_snapshot group;
        at(path, service::dms, [&] {
            const json_fields fields(item, service::dms);
            auto request = dms::parse_group_request(fields);
            group.group_id = std::move(request.name);
            group.description = std::move(request.description);
            group.created_at = fields.opt_int("created_at", 0, INT64_MAX).value_or(st_.now_ms());
        });
        each(item, "offsets", path, [&](const Value& v, const std::string& p) {
            at(p, service::dms, [&] {
                const json_fields fields(v, service::dms);
                auto topic = fields.req_string("topic");
                const auto partition = static_cast<std::int32_t>(fields.req_int("partition", 0, INT32_MAX));
                const auto offset = fields.req_int("offset", 0, INT64_MAX);
                st_.kafka.cluster(project_id, instance_id)
                    ->partition(topic, partition);  // refused here, at its path
                group.offsets.push_back({std::move(topic), partition, offset});
            });
        });
        at(path, service::dms, [&] { st_.kafka.memory(project_id, instance_id).restore_group(group); });
    }

    void load_topic(const std::string& project_id, const std::string& instance_id, const Value& item,
                    const std::string& path) {
        std::string topic;
        at(path, service::dms, [&] {
            auto spec =
                dms::parse_topic_spec(json_fields(item, service::dms), {.allow_zero_retention = true});
            topic = st_.kafka.cluster(project_id, instance_id)->create_topic(std::move(spec)).name;
        });
        each(item, "partitions", path, [&](const Value& v, const std::string& p) {
            state::partition_content content;
            at(p, service::dms, [&] {
                const json_fields fields(v, service::dms);
                content.partition = static_cast<std::int32_t>(fields.req_int("partition", 0, INT32_MAX));
                content.log_start_offset = fields.opt_int("log_start_offset", 0, INT64_MAX / 2).value_or(0);
                content.last_update_ms = fields.opt_int("last_update_time", 0, INT64_MAX);
            });
            each(v, "messages", p, [&](const Value& m, const std::string& mp) {
                at(mp, service::dms, [&] { content.messages.push_back(parse_message(m)); });
            });
            at(p, service::dms,
               [&] { st_.kafka.memory(project_id, instance_id).load_partition(topic, std::move(content)); });
        });
    }

    static state::kafka_message parse_message(const Value& item) {
        const json_fields fields(item, service::dms);
        state::kafka_message message;
        message.key = fields.opt_string("key");
        message.value = fields.req_string("value");
        message.timestamp = fields.opt_int("timestamp", 0, INT64_MAX).value_or(0);
        message.appended_ms = fields.opt_int("appended_at", 0, INT64_MAX).value_or(0);
        if (const auto* headers = fields.opt_array("headers")) {
            for (rapidjson::SizeType i = 0; i < headers->Size(); ++i) {
                const std::string hp = "headers[" + std::to_string(i) + "]";
                if (!(*headers)[i].IsObject()) throw dms_invalid_parameter(hp);
                const json_fields header((*headers)[i], service::dms, hp);
                message.headers.emplace_back(header.req_string("name"), header.req_string("value"));
            }
        }
        return message;
    }

    void load_stream(const std::string& project_id, const Value& item, const std::string& path) {
        if (item.HasMember("records") && item.HasMember("partitions")) {
            fail(path, "give records either by stream (records) or by partition (partitions), not both");
        }
        state::stream_snapshot stream;
        at(path, service::dis, [&] {
            const json_fields fields(item, service::dis);
            stream.spec = dis::parse_stream_spec(fields);
            stream.spec.stream_id = fields.opt_string("stream_id").value_or("");
            if (const auto created = fields.opt_int("create_time", 0, INT64_MAX)) {
                stream.spec.create_time = *created;
            }
            stream.last_modified_time = fields.opt_int("last_modified_time", 0, INT64_MAX).value_or(0);
        });
        each(item, "update_partition_counts", path, [&](const Value& v, const std::string& p) {
            at(p, service::dis, [&] {
                const json_fields fields(v, service::dis);
                stream.changes.push_back(state::partition_count_change{
                    fields.req_int("create_timestamp", 0, INT64_MAX),
                    static_cast<std::int32_t>(fields.req_int("src_partition_count", 0, INT32_MAX)),
                    static_cast<std::int32_t>(fields.req_int("target_partition_count", 0, INT32_MAX))});
            });
        });
        each(item, "partitions", path, [&](const Value& v, const std::string& p) {
            stream.partitions.push_back(parse_stream_partition(v, p, stream.spec.partition_count));
        });
        each(item, "transfer_tasks", path, [&](const Value& v, const std::string& p) {
            stream.transfer_tasks.push_back(parse_transfer_task(v, p, stream.spec));
        });
        check_partition_layout(stream, path);
        const std::string& stream_name = stream.spec.stream_name;
        at(path, service::dis, [&] {
            if (merging() && first_mention(project_id, "stream", stream_name)) {
                forget([&] { st_.dis.delete_stream(project_id, stream_name); },
                       state::errc::stream_not_found);
            }
            st_.dis.restore_stream(project_id, stream);
        });
        each(item, "records", path, [&](const Value& v, const std::string& p) {
            at(p, service::dis, [&] {
                auto record = dis::parse_record_input(v, "record");
                record.timestamp =
                    json_fields(v, service::dis).opt_int("timestamp", 0, INT64_MAX).value_or(0);
                st_.dis.put_records(project_id, stream_name, {record}, false);
            });
        });
    }

    // One entry of a stream's "transfer_tasks": the CreateTransferTask body plus task_id, state (RUNNING or
    // PAUSED) and create_time.
    state::transfer_task parse_transfer_task(const Value& item, const std::string& path,
                                             const state::stream_spec& spec) {
        state::transfer_task task;
        at(path, service::dis, [&] {
            const json_fields fields(item, service::dis);
            state::stream_info stream;
            stream.spec = spec;
            task = dis::parse_transfer_task(fields, stream);
            task.task_id = fields.opt_string("task_id").value_or("");
            task.state = fields.opt_string("state").value_or("RUNNING");
            if (task.state != "RUNNING" && task.state != "PAUSED")
                throw fields.invalid("state", "must be RUNNING or PAUSED");
            task.create_time = fields.opt_int("create_time", 0, INT64_MAX).value_or(0);
        });
        return task;
    }

    // One entry of a stream's "partitions": its records are stored as listed, numbered from
    // first_sequence_number.
    state::dis_partition_snapshot parse_stream_partition(const Value& item, const std::string& path,
                                                         std::int32_t writable) const {
        state::dis_partition_snapshot out;
        at(path, service::dis, [&] {
            const json_fields fields(item, service::dis);
            const auto id = fields.req_string("partition_id");
            const auto index = dis::parse_partition_id(id);
            if (!index) throw dis_error("DIS.4201", {id});
            out.index = *index;
            const auto status =
                fields.opt_string("status").value_or(*index < writable ? "ACTIVE" : "DELETED");
            if (status == "ACTIVE") {
                out.status = state::dis_partition_status::active;
            } else if (status == "DELETED") {
                out.status = state::dis_partition_status::deleted;
            } else if (status == "EXPIRED") {
                out.status = state::dis_partition_status::expired;
            } else {
                throw fields.invalid("status", "must be ACTIVE, DELETED or EXPIRED");
            }
            out.earliest = fields.opt_int("first_sequence_number", 0, INT64_MAX / 2).value_or(0);
            const bool cut = out.status != state::dis_partition_status::active;
            if (!cut && (fields.has("deleted_at") || fields.has("hash_partition_count"))) {
                throw fields.invalid(fields.has("deleted_at") ? "deleted_at" : "hash_partition_count",
                                     "only a DELETED or EXPIRED partition has it");
            }
            out.deleted_at = fields.opt_int("deleted_at", 0, INT64_MAX).value_or(cut ? st_.now_ms() : 0);
            out.hash_slices =
                static_cast<std::int32_t>(fields.opt_int("hash_partition_count", 1, INT32_MAX).value_or(0));
        });
        each(item, "records", path, [&](const Value& v, const std::string& p) {
            at(p, service::dis, [&] {
                auto input = dis::parse_record_input(v, "record");
                if (input.partition || input.explicit_hash_key) {
                    throw dis_invalid_request(
                        "record: partition_id and explicit_hash_key belong to the partition");
                }
                const json_fields fields(v, service::dis);
                out.records.push_back(
                    state::dis_record{0, std::move(input.partition_key), std::move(input.data),
                                      fields.opt_int("timestamp", 0, INT64_MAX).value_or(0),
                                      fields.opt_int("accepted_at", 0, INT64_MAX).value_or(0)});
            });
        });
        if (out.status == state::dis_partition_status::expired && !out.records.empty()) {
            fail(path + ".records", "an EXPIRED partition has no records");
        }
        return out;
    }

    // Partitions below partition_count are ACTIVE; any listed beyond it are cut off, and then every one
    // between is listed too. A cut partition's hash range defaults to the stream's whole partition list.
    void check_partition_layout(state::stream_snapshot& stream, const std::string& path) const {
        const std::int32_t writable = stream.spec.partition_count;
        std::int32_t total = writable;
        std::set<std::int32_t> seen;
        for (std::size_t i = 0; i < stream.partitions.size(); ++i) {
            const auto& part = stream.partitions[i];
            const std::string part_path = path + ".partitions[" + std::to_string(i) + "]";
            if (!seen.insert(part.index).second) fail(part_path, "partition listed twice");
            const bool active = part.status == state::dis_partition_status::active;
            if (part.index < writable && !active) {
                fail(part_path + ".status", "a partition below partition_count is ACTIVE");
            }
            if (part.index >= writable && active) {
                fail(part_path + ".status", "a partition from partition_count on is DELETED or EXPIRED");
            }
            total = std::max(total, part.index + 1);
        }
        for (std::int32_t index = writable; index < total; ++index) {
            if (!seen.contains(index)) {
                fail(path + ".partitions", "partition " + dis::shard_id(index) + " is missing");
            }
        }
        for (auto& part : stream.partitions) {
            if (part.status != state::dis_partition_status::active && part.hash_slices == 0) {
                part.hash_slices = total;
            }
        }
    }

    // Runs a removal for merge mode; `absent` (nothing to remove) is fine.
    template <typename Step>
    static void forget(Step&& step, state::errc absent) {
        try {
            step();
        } catch (const state::error& error) {
            if (error.code() != absent) throw;
        }
    }

    void load_app(const std::string& project_id, const Value& item, const std::string& path) {
        at(path, service::dis, [&] {
            const json_fields fields(item, service::dis);
            state::app_spec spec;
            spec.app_name = fields.req_string("app_name");
            if (!dis::is_name(spec.app_name, dis::app_name_max)) {
                throw fields.invalid("app_name", "invalid name");
            }
            spec.app_id = fields.opt_string("app_id").value_or("");
            if (const auto created = fields.opt_int("create_time", 0, INT64_MAX)) spec.create_time = *created;
            if (merging() && first_mention(project_id, "app", spec.app_name)) {
                forget([&] { st_.dis.delete_app(project_id, spec.app_name); }, state::errc::app_not_found);
            }
            st_.dis.create_app(project_id, std::move(spec));
        });
    }

    void load_checkpoint(const std::string& project_id, const Value& item, const std::string& path) {
        at(path, service::dis, [&] {
            const json_fields fields(item, service::dis);
            state::checkpoint_key key;
            key.app_name = fields.req_string("app_name");
            key.stream_name = fields.req_string("stream_name");
            key.checkpoint_type = fields.opt_string("checkpoint_type").value_or("LAST_READ");
            if (key.checkpoint_type != "LAST_READ") {
                throw fields.invalid("checkpoint_type", "must be LAST_READ");
            }
            const auto partition_id = fields.req_string("partition_id");
            const auto partition = dis::parse_partition_id(partition_id);
            if (!partition) throw dis_error("DIS.4201", {partition_id});
            key.partition = *partition;
            const auto sequence_text = fields.req_string("sequence_number");
            const auto sequence = parse_int64(sequence_text);
            if (!sequence) throw dis_error("DIS.4216", {sequence_text});
            st_.dis.restore_checkpoint(project_id, key,
                                       {*sequence, fields.opt_string("metadata").value_or("")});
        });
    }

    bool merging() const { return mode_ == load_mode::merge; }

    // Merge mode: true the first time this document names an entity, so a stored one may be replaced; a
    // second entry of the same identity is then refused like a duplicate create.
    bool first_mention(const std::string& project_id, const std::string& kind, const std::string& name) {
        return mentioned_.insert(project_id + "/" + kind + "/" + name).second;
    }

    std::string_view source_;
    state::state& st_;
    load_mode mode_;
    fixture_faults* faults_;
    std::set<std::string> mentioned_;
};

}  // namespace

void load_fixture_text(std::string_view text, std::string_view source, state::state& st, load_mode mode,
                       fixture_faults* faults) {
    rapidjson::Document document;
    constexpr unsigned flags = rapidjson::kParseValidateEncodingFlag | rapidjson::kParseIterativeFlag;
    document.Parse<flags>(text.data(), text.size());
    if (document.HasParseError()) {
        throw fixture_error(std::string(source) + ": $: not valid JSON at byte " +
                            std::to_string(document.GetErrorOffset()) + ": " +
                            rapidjson::GetParseError_En(document.GetParseError()));
    }
    loader(source, st, mode, faults).load(document);
}

void load_fixture_file(const std::string& path, state::state& st, fixture_faults* faults) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw fixture_error(path + ": cannot be read");
    std::ostringstream text;
    text << in.rdbuf();
    load_fixture_text(text.str(), path, st, load_mode::add, faults);
}

}  // namespace emu::routes::control
