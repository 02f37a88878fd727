#include "routes/dms/configs.hpp"

#include <algorithm>
#include <array>
#include <optional>
#include <set>
#include <string_view>
#include <utility>
#include <vector>

#include "routes/http/validation.hpp"
#include "state/ids.hpp"

namespace emu::routes::dms {

namespace {

// What a setting is to ShowInstanceConfigs, and where its value lives. Integer settings take decimal
// digits in [min, max]; the enum one takes "true" or "false".
struct instance_config {
    std::string_view name;
    std::string_view valid_values;
    std::string_view default_value;
    std::string_view config_type;  // as DMS classes it; the emulator applies both kinds at once
    std::string_view value_type;
    std::int64_t min = 0;
    std::int64_t max = 0;
    std::int32_t state::broker_configs::*number = nullptr;  // nullptr: auto.create.topics.enable
};

// Sorted by name.
constexpr std::array configs{
    instance_config{"auto.create.topics.enable", "true,false", "false", "static", "enum", 0, 1, nullptr},
    instance_config{"default.replication.factor", "1~3", "3", "static", "integer", 1, 3,
                    &state::broker_configs::default_replication_factor},
    instance_config{"log.retention.hours", "1~168", "72", "static", "integer", 1, 168,
                    &state::broker_configs::log_retention_hours},
    instance_config{"num.partitions", "1~200", "3", "static", "integer", 1, 200,
                    &state::broker_configs::num_partitions},
};

const instance_config* find(std::string_view name) {
    const auto it =
        std::find_if(configs.begin(), configs.end(), [&](const auto& c) { return c.name == name; });
    return it == configs.end() ? nullptr : &*it;
}

std::string value_of(const instance_config& config, bool enable_auto_topic,
                     const state::broker_configs& values) {
    if (config.number == nullptr) return enable_auto_topic ? "true" : "false";
    return std::to_string(values.*config.number);
}

api_error invalid_config(std::string_view name) {
    return dms_error(400, "DMS.00400063", "Invalid configuration parameter " + std::string(name) + ".");
}

// One change, checked: the setting and its new value (0 or 1 for the enum).
struct config_change {
    const instance_config* config = nullptr;
    std::int64_t value = 0;
};

std::vector<config_change> parse_changes(const rapidjson::Value& items, const std::string& path) {
    if (!items.IsArray()) throw dms_invalid_parameter(path);
    std::vector<config_change> out;
    std::set<std::string_view> named;
    for (rapidjson::SizeType i = 0; i < items.Size(); ++i) {
        const std::string item_path = path + "[" + std::to_string(i) + "]";
        if (!items[i].IsObject()) throw dms_invalid_parameter(item_path);
        const json_fields fields(items[i], service::dms, item_path);
        const auto name = fields.req_string("name");
        const auto value = fields.req_string("value");
        const auto* config = find(name);
        if (config == nullptr || !named.insert(config->name).second) throw invalid_config(name);
        std::optional<std::int64_t> parsed;
        if (config->number == nullptr) {
            if (value == "true") parsed = 1;
            if (value == "false") parsed = 0;
        } else {
            parsed = parse_int64(value);
            if (parsed && (*parsed < config->min || *parsed > config->max)) parsed.reset();
        }
        if (!parsed) throw invalid_config(name);
        out.push_back({config, *parsed});
    }
    return out;
}

void apply(const std::vector<config_change>& changes, bool& enable_auto_topic,
           state::broker_configs& values) {
    for (const auto& change : changes) {
        if (change.config->number == nullptr) {
            enable_auto_topic = change.value != 0;
        } else {
            values.*change.config->number = static_cast<std::int32_t>(change.value);
        }
    }
}

}  // namespace

void apply_instance_configs(const rapidjson::Value& items, const std::string& path,
                            state::instance_spec& spec) {
    apply(parse_changes(items, path), spec.enable_auto_topic, spec.configs);
}

void write_fixture_configs(json_object& o, const state::instance_spec& spec) {
    std::vector<const instance_config*> numbers;
    for (const auto& config : configs) {
        if (config.number != nullptr) numbers.push_back(&config);
    }
    o.array("kafka_configs", numbers, [&](json_object& c, const instance_config* config) {
        c.field("name", config->name).field("value", value_of(*config, spec.enable_auto_topic, spec.configs));
    });
}

response show_instance_configs(const request_context& ctx, state::state& st) {
    require_dms_instance(ctx);
    const auto spec = st.kafka.get_instance(ctx.param("project_id"), ctx.param("instance_id")).spec;
    return json_response(200, [&](json_object& o) {
        o.array("kafka_configs", configs, [&](json_object& c, const instance_config& config) {
            c.field("name", config.name)
                .field("valid_values", config.valid_values)
                .field("default_value", config.default_value)
                .field("config_type", config.config_type)
                .field("value", value_of(config, spec.enable_auto_topic, spec.configs))
                .field("value_type", config.value_type);
        });
    });
}

// All or nothing, on a RUNNING instance. Every setting takes effect at once (DMS restarts the instance for
// a static one); the answer counts the settings of each kind the request named.
response modify_instance_configs(const request_context& ctx, state::state& st) {
    require_dms_instance(ctx);
    const auto document = parse_json_object(ctx.body, service::dms);
    const json_fields fields(document, service::dms);
    const auto* items = fields.opt_array("kafka_configs");
    if (items == nullptr) throw dms_invalid_parameter("kafka_configs");
    const auto changes = parse_changes(*items, "kafka_configs");
    const auto& project = ctx.param("project_id");
    const auto& instance_id = ctx.param("instance_id");
    st.kafka.running_cluster(project, instance_id);
    st.kafka.update_configs(project, instance_id,
                            [&](bool& enable_auto_topic, state::broker_configs& values) {
                                apply(changes, enable_auto_topic, values);
                            });
    const auto dynamic = std::count_if(changes.begin(), changes.end(), [](const config_change& c) {
        return c.config->config_type == "dynamic";
    });
    const auto total = static_cast<std::int64_t>(changes.size());
    std::string job_id = state::new_uuid();
    job_id.erase(std::remove(job_id.begin(), job_id.end(), '-'), job_id.end());
    return json_response(200, [&](json_object& o) {
        o.field("job_id", job_id)
            .field("dynamic_config", static_cast<std::int64_t>(dynamic))
            .field("static_config", total - static_cast<std::int64_t>(dynamic));
    });
}

}  // namespace emu::routes::dms
