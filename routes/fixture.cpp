#include "routes/fixture.hpp"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include <fstream>
#include <initializer_list>
#include <sstream>

#include "routes/api_error.hpp"
#include "routes/dis_records.hpp"
#include "routes/dis_streams.hpp"
#include "routes/dms_groups.hpp"
#include "routes/dms_instances.hpp"
#include "routes/dms_topics.hpp"
#include "routes/error_mapping.hpp"
#include "routes/json.hpp"
#include "routes/validation.hpp"

namespace emu::routes {

namespace {

using rapidjson::Value;

// Instance fields a fixture may leave out; the API requires them, but they change no behaviour here.
constexpr std::pair<const char*, const char*> instance_defaults[] = {
    {"engine", "kafka"},
    {"engine_version", "3.x"},
    {"product_id", "c6.2u4g.cluster"},
    {"storage_spec_code", "dms.physical.storage.ultra.v2"},
    {"vpc_id", "vpc-emulator"},
    {"subnet_id", "subnet-emulator"},
    {"security_group_id", "sg-emulator"},
};

class loader {
public:
    loader(std::string_view source, state::state& st) : source_(source), st_(st) {}

    void load(const Value& root) {
        expect_object(root, "$", {"projects"});
        const Value* projects = array_member(root, "projects", "$");
        if (projects == nullptr) return;
        for (rapidjson::SizeType i = 0; i < projects->Size(); ++i) {
            load_project((*projects)[i], "$.projects[" + std::to_string(i) + "]");
        }
    }

private:
    [[noreturn]] void fail(const std::string& path, const std::string& problem) const {
        throw fixture_error(std::string(source_) + ": " + path + ": " + problem);
    }

    // Runs one step that may be refused the way the API would refuse it, and says where.
    template <typename Step>
    void at(const std::string& path, Step&& step) const {
        try {
            step();
        } catch (const api_error& error) {
            fail(path, error.message() + " (" + error.code() + ")");
        } catch (const state::error& error) {
            const auto mapped = to_api_error(error);
            fail(path, mapped.message() + " (" + mapped.code() + ")");
        }
    }

    void expect_object(const Value& value, const std::string& path, std::initializer_list<const char*> keys) const {
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
        rapidjson::Document merged;
        merged.CopyFrom(item, merged.GetAllocator());
        for (const auto& [name, value] : instance_defaults) {
            if (!merged.HasMember(name)) merged.AddMember(Value(name, merged.GetAllocator()), Value(value, merged.GetAllocator()), merged.GetAllocator());
        }
        if (!merged.HasMember("broker_num")) merged.AddMember("broker_num", 3, merged.GetAllocator());
        if (!merged.HasMember("storage_space")) merged.AddMember("storage_space", 300, merged.GetAllocator());
        if (!merged.HasMember("available_zones")) {
            Value zones(rapidjson::kArrayType);
            zones.PushBack("az-1", merged.GetAllocator());
            merged.AddMember("available_zones", zones, merged.GetAllocator());
        }

        const json_fields fields(merged, service::dms);
        std::string instance_id;
        at(path, [&] {
            auto spec = parse_instance_spec(fields);
            spec.instance_id = fields.opt_string("instance_id").value_or("");
            if (!spec.instance_id.empty() && !is_uuid(spec.instance_id)) throw dms_error("DMS.00400030");
            spec.status = fields.opt_string("status").value_or("RUNNING");
            if (const auto created = fields.opt_int("created_at", 0, INT64_MAX)) spec.created_at = *created;
            instance_id = st_.kafka.create_instance(project_id, std::move(spec)).spec.instance_id;
        });
        each(item, "topics", path, [&](const Value& v, const std::string& p) { load_topic(project_id, instance_id, v, p); });
        // After the topics, which the groups' committed offsets name.
        each(item, "groups", path, [&](const Value& v, const std::string& p) { load_group(project_id, instance_id, v, p); });
    }

    void load_group(const std::string& project_id, const std::string& instance_id, const Value& item,
                    const std::string& path) {
        std::string group;
        at(path, [&] {
            auto request = parse_group_request(json_fields(item, service::dms));
            group = request.name;
            st_.kafka.create_group(project_id, instance_id, request.name, std::move(request.description));
        });
        each(item, "offsets", path, [&](const Value& v, const std::string& p) {
            at(p, [&] {
                const json_fields fields(v, service::dms);
                const auto topic = fields.req_string("topic");
                const auto partition = static_cast<std::int32_t>(fields.req_int("partition", 0, INT32_MAX));
                st_.kafka.commit_offset(project_id, instance_id, group, topic, partition,
                                        fields.req_int("offset", 0, INT64_MAX));
            });
        });
    }

    void load_topic(const std::string& project_id, const std::string& instance_id, const Value& item,
                    const std::string& path) {
        std::string topic;
        at(path, [&] {
            topic = st_.kafka.create_topic(project_id, instance_id, parse_topic_spec(json_fields(item, service::dms))).name;
        });
        each(item, "partitions", path, [&](const Value& v, const std::string& p) {
            state::partition_content content;
            at(p, [&] {
                const json_fields fields(v, service::dms);
                content.partition = static_cast<std::int32_t>(fields.req_int("partition", 0, INT32_MAX));
                content.log_start_offset = fields.opt_int("log_start_offset", 0, INT64_MAX / 2).value_or(0);
            });
            each(v, "messages", p, [&](const Value& m, const std::string& mp) {
                at(mp, [&] { content.messages.push_back(parse_message(m)); });
            });
            at(p, [&] { st_.kafka.load_partition(project_id, instance_id, topic, std::move(content)); });
        });
    }

    static state::kafka_message parse_message(const Value& item) {
        const json_fields fields(item, service::dms);
        state::kafka_message message;
        message.key = fields.opt_string("key");
        message.value = fields.req_string("value");
        message.timestamp = fields.opt_int("timestamp", 0, INT64_MAX).value_or(0);
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
        std::string stream_name;
        at(path, [&] {
            const json_fields fields(item, service::dis);
            auto spec = parse_stream_spec(fields);
            spec.stream_id = fields.opt_string("stream_id").value_or("");
            if (const auto created = fields.opt_int("create_time", 0, INT64_MAX)) spec.create_time = *created;
            stream_name = st_.dis.create_stream(project_id, std::move(spec)).spec.stream_name;
        });
        each(item, "records", path, [&](const Value& v, const std::string& p) {
            at(p, [&] {
                auto record = parse_record_input(v, "record");
                record.timestamp = json_fields(v, service::dis).opt_int("timestamp", 0, INT64_MAX).value_or(0);
                st_.dis.put_records(project_id, stream_name, {record});
            });
        });
    }

    void load_app(const std::string& project_id, const Value& item, const std::string& path) {
        at(path, [&] {
            const json_fields fields(item, service::dis);
            state::app_spec spec;
            spec.app_name = fields.req_string("app_name");
            if (!is_dis_name(spec.app_name, dis_app_name_max)) throw fields.invalid("app_name", "invalid name");
            spec.app_id = fields.opt_string("app_id").value_or("");
            if (const auto created = fields.opt_int("create_time", 0, INT64_MAX)) spec.create_time = *created;
            st_.dis.create_app(project_id, std::move(spec));
        });
    }

    void load_checkpoint(const std::string& project_id, const Value& item, const std::string& path) {
        at(path, [&] {
            const json_fields fields(item, service::dis);
            state::checkpoint_key key;
            key.app_name = fields.req_string("app_name");
            key.stream_name = fields.req_string("stream_name");
            key.checkpoint_type = fields.opt_string("checkpoint_type").value_or("LAST_READ");
            if (key.checkpoint_type != "LAST_READ") throw fields.invalid("checkpoint_type", "must be LAST_READ");
            const auto partition_id = fields.req_string("partition_id");
            const auto partition = parse_dis_partition_id(partition_id);
            if (!partition) throw dis_error("DIS.4201", {partition_id});
            key.partition = *partition;
            const auto sequence_text = fields.req_string("sequence_number");
            const auto sequence = parse_int64(sequence_text);
            if (!sequence) throw dis_error("DIS.4216", {sequence_text});
            st_.dis.commit_checkpoint(project_id, key, *sequence, fields.opt_string("metadata").value_or(""));
        });
    }

    std::string_view source_;
    state::state& st_;
};

}  // namespace

void load_fixture_text(std::string_view text, std::string_view source, state::state& st) {
    rapidjson::Document document;
    document.Parse<rapidjson::kParseValidateEncodingFlag | rapidjson::kParseIterativeFlag>(text.data(), text.size());
    if (document.HasParseError()) {
        throw fixture_error(std::string(source) + ": $: not valid JSON at byte " +
                            std::to_string(document.GetErrorOffset()) + ": " +
                            rapidjson::GetParseError_En(document.GetParseError()));
    }
    loader(source, st).load(document);
}

void load_fixture_file(const std::string& path, state::state& st) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw fixture_error(path + ": cannot be read");
    std::ostringstream text;
    text << in.rdbuf();
    load_fixture_text(text.str(), path, st);
}

}  // namespace emu::routes
