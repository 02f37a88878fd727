#include "routes/dms/instances.hpp"

#include <algorithm>
#include <array>

#include "routes/dms/query.hpp"
#include "routes/http/json.hpp"
#include "routes/http/paging.hpp"
#include "routes/http/validation.hpp"

namespace emu::routes::dms {

namespace {

// Every broker's host:port, comma-separated as DMS lists its brokers: a Kafka client's bootstrap list.
std::string private_connect_address(const state::instance_info& info) {
    std::string out;
    for (std::int32_t node = 0; node < std::max(info.spec.broker_num, 1); ++node) {
        if (!out.empty()) out += ",";
        out += info.address.host + ":" + std::to_string(info.address.port_of(node));
    }
    return out;
}

constexpr std::size_t max_description = 1024;
constexpr std::int64_t min_brokers = 3;
constexpr std::int64_t max_brokers = 50;
constexpr std::int64_t min_storage_gb = 300;
constexpr std::int64_t storage_step_gb = 100;
constexpr std::int64_t default_instance_page = 10;
constexpr std::int64_t max_instance_page = 50;
constexpr std::string_view create_failed = "CREATEFAILED";

constexpr std::array storage_spec_codes{
    std::string_view{"dms.physical.storage.high.v2"}, std::string_view{"dms.physical.storage.ultra.v2"},
    std::string_view{"dms.physical.storage.general"}, std::string_view{"dms.physical.storage.extreme"}};

// A required field; with a `fallback`, a body may leave it out (a given value is checked all the same).
std::string required_id(const json_fields& fields, const char* name, std::string_view code,
                        const std::optional<std::string>& fallback) {
    auto value = fields.opt_string(name);
    if (!value && fallback) return *fallback;
    if (!value || value->empty()) throw dms_error(code);
    return *std::move(value);
}

std::string required_string(const json_fields& fields, const char* name,
                            const std::optional<std::string>& fallback) {
    if (!fallback) return fields.req_string(name);
    return fields.opt_string(name).value_or(*fallback);
}

std::int64_t required_int(const json_fields& fields, const char* name, std::int64_t min, std::int64_t max,
                          std::optional<std::int32_t> fallback) {
    if (!fallback) return fields.req_int(name, min, max);
    return fields.opt_int(name, min, max).value_or(*fallback);
}

// ShowInstance's answer, and one element of ListInstances'.
void write_instance(json_object& o, const state::instance_info& info) {
    const auto& s = info.spec;
    o.field("instance_id", s.instance_id)
        .field("name", s.name)
        .field("engine", "kafka")
        .field("engine_version", s.engine_version)
        .field("description", s.description)
        .field("status", s.status)
        .field("type", "cluster")
        .field("specification", s.product_id + " * " + std::to_string(s.broker_num) + " broker")
        .field("product_id", s.product_id)
        .field("resource_spec_code", s.product_id)
        .field("broker_num", s.broker_num)
        .field("storage_space", s.storage_space)
        .field("total_storage_space", s.storage_space)
        .field("used_storage_space", 0)
        .field("storage_spec_code", s.storage_spec_code)
        .field("storage_type", "hec")
        .field("service_type", "advanced")
        .field("partition_num", std::to_string(info.max_partitions))
        .field("port", info.address.port)
        .field("connect_address", info.address.host)
        .field("kafka_private_connect_address", private_connect_address(info))
        .field("created_at", std::to_string(s.created_at.value_or(0)))
        .field("charging_mode", 1)
        .field("enable_auto_topic", s.enable_auto_topic)
        .field("ssl_enable", s.ssl_enable)
        .field("vpc_id", s.vpc_id)
        .field("subnet_id", s.subnet_id)
        .field("security_group_id", s.security_group_id)
        .values("available_zones", s.available_zones)
        .field("enterprise_project_id", s.enterprise_project_id)
        .empty_array("tags");
}

// ListInstances' filters; unset ones match everything.
struct instance_filter {
    std::string engine;
    const std::string* name = nullptr;
    bool exact_name = false;
    const std::string* instance_id = nullptr;
    const std::string* status = nullptr;
    bool include_failure = true;
    const std::string* enterprise_project_id = nullptr;

    bool matches(const state::instance_spec& s) const {
        if (engine != "kafka") return false;  // the emulator hosts Kafka instances only
        if (name && (exact_name ? s.name != *name : s.name.find(*name) == std::string::npos)) return false;
        if (instance_id && s.instance_id != *instance_id) return false;
        if (status && s.status != *status) return false;
        if (!include_failure && s.status == create_failed) return false;
        if (enterprise_project_id && s.enterprise_project_id != *enterprise_project_id) return false;
        return true;
    }
};

}  // namespace

state::instance_spec parse_instance_spec(const json_fields& fields, const instance_defaults& defaults) {
    state::instance_spec spec;
    const auto name = fields.opt_string("name");
    if (!name || !is_instance_name(*name)) throw dms_error("DMS.00400010");
    spec.name = *name;
    spec.description = fields.opt_string("description").value_or("");
    if (spec.description.size() > max_description) throw dms_error("DMS.00400011");
    const auto engine = required_string(fields, "engine", defaults.engine);
    if (engine != "kafka") throw dms_error("DMS.00400022");
    spec.engine_version = required_string(fields, "engine_version", defaults.engine_version);
    spec.broker_num = static_cast<std::int32_t>(
        required_int(fields, "broker_num", min_brokers, max_brokers, defaults.broker_num));
    const auto storage =
        required_int(fields, "storage_space", min_storage_gb, INT32_MAX, defaults.storage_space);
    if (storage % storage_step_gb != 0) throw fields.invalid("storage_space", "must be a multiple of 100");
    spec.storage_space = static_cast<std::int32_t>(storage);
    spec.product_id = required_id(fields, "product_id", "DMS.00400009", defaults.product_id);
    spec.storage_spec_code = required_string(fields, "storage_spec_code", defaults.storage_spec_code);
    if (std::find(storage_spec_codes.begin(), storage_spec_codes.end(), spec.storage_spec_code) ==
        storage_spec_codes.end()) {
        throw fields.invalid("storage_spec_code", "unknown storage class");
    }
    spec.vpc_id = required_id(fields, "vpc_id", "DMS.00400013", defaults.vpc_id);
    spec.subnet_id = required_id(fields, "subnet_id", "DMS.00400016", defaults.subnet_id);
    spec.security_group_id =
        required_id(fields, "security_group_id", "DMS.00400014", defaults.security_group_id);
    const auto* zones = fields.opt_array("available_zones");
    if (zones == nullptr && !defaults.available_zones.empty()) {
        spec.available_zones = defaults.available_zones;
    } else {
        if (zones == nullptr || zones->Empty() || zones->Size() == 2) {
            throw fields.invalid("available_zones", "1 or 3+");
        }
        for (const auto& zone : zones->GetArray()) {
            if (!zone.IsString() || zone.GetStringLength() == 0) {
                throw fields.invalid("available_zones", "strings");
            }
            spec.available_zones.emplace_back(zone.GetString(), zone.GetStringLength());
        }
    }
    spec.ssl_enable = fields.opt_bool("ssl_enable").value_or(false);
    spec.enable_auto_topic = fields.opt_bool("enable_auto_topic").value_or(false);
    spec.enterprise_project_id = fields.opt_string("enterprise_project_id").value_or("0");
    return spec;
}

response create_post_paid_kafka_instance(const request_context& ctx, state::state& st) {
    require_dms_project(ctx);
    const auto document = parse_json_object(ctx.body, service::dms);
    const auto created = st.kafka.create_instance(ctx.param("project_id"),
                                                  parse_instance_spec(json_fields(document, service::dms)));

    return json_response(200, [&](json_object& o) { o.field("instance_id", created.spec.instance_id); });
}

// Newest first. Paging past the end is DMS.40050010, except offset 0 on an empty result (reference §4.3).
response list_instances(const request_context& ctx, state::state& st) {
    require_dms_project(ctx);
    instance_filter filter;
    const std::string* engine = query_text(ctx, "engine");
    if (engine == nullptr) throw dms_invalid_parameter("engine");
    filter.engine = *engine;
    filter.name = query_text(ctx, "name");
    filter.exact_name = query_bool(ctx, "exact_match_name").value_or(false);
    filter.instance_id = query_text(ctx, "instance_id");
    filter.status = query_text(ctx, "status");
    filter.include_failure = query_bool(ctx, "include_failure").value_or(true);
    filter.enterprise_project_id = query_text(ctx, "enterprise_project_id");
    const auto offset = query_int(ctx, "offset", 0, 0, INT64_MAX);
    const auto limit = query_int(ctx, "limit", default_instance_page, 1, max_instance_page);

    std::vector<state::instance_info> found;
    for (auto& info : st.kafka.list_instances(ctx.param("project_id"))) {
        if (filter.matches(info.spec)) found.push_back(std::move(info));
    }
    const auto total = static_cast<std::int64_t>(found.size());
    if (offset >= total && offset != 0) throw dms_error("DMS.40050010");
    const auto window = page_window(total, offset, limit);
    return json_response(200, [&](json_object& o) {
        o.array("instances", window.of(found), write_instance).field("instance_num", total);
    });
}

response delete_instance(const request_context& ctx, state::state& st) {
    require_dms_instance(ctx);
    st.kafka.delete_instance(ctx.param("project_id"), ctx.param("instance_id"));
    return response::empty(204);
}

response show_instance(const request_context& ctx, state::state& st) {
    require_dms_instance(ctx);
    const auto info = st.kafka.get_instance(ctx.param("project_id"), ctx.param("instance_id"));
    return json_response(200, [&](json_object& o) { write_instance(o, info); });
}

// What the Kafka listeners do with a topic nobody created: Metadata and Produce create it (3 partitions)
// when this is on. Refused for an instance that is not RUNNING, as other changes are.
response update_instance_auto_create_topic(const request_context& ctx, state::state& st) {
    require_dms_instance(ctx);
    const auto document = parse_json_object(ctx.body, service::dms);
    const json_fields fields(document, service::dms);
    const auto enabled = fields.opt_bool("enable_auto_topic");
    if (!enabled) throw dms_invalid_parameter("enable_auto_topic");
    const auto& project = ctx.param("project_id");
    const auto& instance_id = ctx.param("instance_id");
    st.kafka.running_cluster(project, instance_id);
    st.kafka.set_auto_create_topic(project, instance_id, *enabled);
    return response::empty(200);
}

}  // namespace emu::routes::dms
