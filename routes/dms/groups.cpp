#include "routes/dms/groups.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <tuple>

#include "routes/dms/query.hpp"
#include "routes/http/error_mapping.hpp"
#include "routes/http/json.hpp"
#include "routes/http/paging.hpp"
#include "routes/http/validation.hpp"
#include "state/errors.hpp"
#include "state/hashing.hpp"

namespace emu::routes::dms {

namespace {

constexpr std::int64_t default_group_page = 10;
constexpr std::int64_t max_group_page = 50;
constexpr std::size_t max_group_name = 249;  // Kafka's own limit (reference §9 Q10)
constexpr std::size_t max_group_desc = 200;
// A group's state in the two spellings the SDK models use (reference §7.1, §7.4): the coordinator's.
std::string upper(state::group_state s) {
    return std::string(state::group_state_upper(s));
}
std::string camel(state::group_state s) {
    return std::string(state::group_state_name(s));
}

bool is_group_name(std::string_view text) {
    return !text.empty() && text.size() <= max_group_name &&
           std::all_of(text.begin(), text.end(), [](char c) {
               return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '.' || c == '_' || c == '-';
           });
}

// DMS's own answer for paging past the end on the group topic and member lists, placeholder unformatted
// (reference §7.10); offset 0 on an empty list is still an empty page.
void require_page_start(std::int64_t offset, std::int64_t total) {
    if (offset >= total && offset != 0)
        throw dms_error(400, "DMS.00400062", "Invalid {0} parameter in the request.");
}

// DescribeGroupsRespGroup (ShowGroup, ListInstanceConsumerGroup).
response group_answer(const state::group_info& g) {
    return json_response(200, [&](json_object& o) {
        o.object("group", [&](json_object& group) {
            group.field("group_id", g.group_id)
                .field("state", upper(g.state))
                .field("coordinator_id", g.coordinator_id)
                .field("createdAt", g.created_at)
                .field("assignment_strategy", g.protocol)
                .field("group_desc", g.description);
        });
    });
}

// The member the group's leader gave the partition, if any.
const state::group_member_info* owner_of(const state::group_info& g, const std::string& topic,
                                         std::int32_t partition) {
    for (const auto& m : g.members) {
        for (const auto& a : m.assignment) {
            if (a.topic == topic &&
                std::find(a.partitions.begin(), a.partitions.end(), partition) != a.partitions.end())
                return &m;
        }
    }
    return nullptr;
}

// The optional group_desc of a create or update body.
std::optional<std::string> parse_description(const json_fields& fields) {
    auto description = fields.opt_string("group_desc");
    if (description && utf8_length(*description) > max_group_desc)
        throw fields.invalid("group_desc", "too long");
    return description;
}

struct topic_row {
    std::string topic;
    std::int64_t partitions = 0;
    std::int64_t lag = 0;
};

}  // namespace

group_request parse_group_request(const json_fields& fields) {
    group_request out;
    out.name = fields.req_string("group_name");
    if (!is_group_name(out.name)) throw fields.invalid("group_name", "invalid name");
    out.description = parse_description(fields);
    return out;
}

response list_instance_consumer_groups(const request_context& ctx, state::state& st) {
    require_dms_instance(ctx);
    const auto offset = query_int(ctx, "offset", 0, 0, INT64_MAX);
    const auto limit = query_int(ctx, "limit", default_group_page, 1, max_group_page);
    const std::string* name = query_text(ctx, "group");
    auto groups = st.kafka.cluster(ctx.param("project_id"), ctx.param("instance_id"))->list_groups();
    if (name != nullptr) {
        std::erase_if(groups, [&](const auto& g) { return g.group_id.find(*name) == std::string::npos; });
    }

    const auto total = static_cast<std::int64_t>(groups.size());
    const auto window = page_window(total, offset, limit);
    return json_response(200, [&](json_object& o) {
        o.array("groups", window.of(groups), [](json_object& group, const auto& g) {
            group.field("group_id", g.group_id)
                .field("state", upper(g.state))
                .field("coordinator_id", g.coordinator_id)
                .field("group_desc", g.description)
                .field("lag", g.lag)
                .field("createdAt", g.created_at);
        });
        o.field("total", total);
    });
}

response show_group(const request_context& ctx, state::state& st) {
    require_dms_instance(ctx);
    return group_answer(
        st.kafka.cluster(ctx.param("project_id"), ctx.param("instance_id"))->get_group(ctx.param("group")));
}

// Terraform's read logic relies on this: a deleted or unknown group is 200 with state DEAD (reference §7.3).
response list_instance_consumer_group(const request_context& ctx, state::state& st) {
    require_dms_instance(ctx);
    const auto& group = ctx.param("group");
    try {
        return group_answer(
            st.kafka.cluster(ctx.param("project_id"), ctx.param("instance_id"))->get_group(group));
    } catch (const state::error& e) {
        if (e.code() != state::errc::group_not_found) throw;
    }
    state::group_info dead;
    dead.group_id = group;
    dead.state = state::group_state::dead;
    dead.coordinator_id =
        st.kafka.cluster(ctx.param("project_id"), ctx.param("instance_id"))->coordinator(group);
    return group_answer(dead);
}

response show_groups(const request_context& ctx, state::state& st) {
    require_dms_instance(ctx);
    const auto& project = ctx.param("project_id");
    const auto& instance_id = ctx.param("instance_id");
    const auto g = st.kafka.cluster(project, instance_id)->get_group(ctx.param("group"));
    const auto offsets = st.kafka.cluster(project, instance_id)->group_offsets(ctx.param("group"));

    return json_response(200, [&](json_object& o) {
        o.object("group", [&](json_object& group) {
            group.field("group_id", g.group_id)
                .field("state", camel(g.state))
                .field("coordinator_id", g.coordinator_id)
                .field("assignment_strategy", g.protocol)
                .array("members", g.members,
                       [](json_object& member, const state::group_member_info& m) {
                           member.field("member_id", m.member_id)
                               .field("client_id", m.client_id)
                               .field("host", m.host)
                               .array("assignment", m.assignment,
                                      [](json_object& entry, const state::assigned_partitions& a) {
                                          entry.field("topic", a.topic).values("partitions", a.partitions);
                                      });
                       })
                .array("group_message_offsets", offsets, [](json_object& entry, const auto& row) {
                    entry.field("topic", row.topic)
                        .field("partition", row.partition)
                        .field("lag", row.lag)
                        .field("message_current_offset", row.committed)
                        .field("message_log_end_offset", row.log_end);
                });
        });
    });
}

// Answers the plain text `success`, not JSON (reference §7.5).
response create_kafka_consumer_group(const request_context& ctx, state::state& st) {
    require_dms_instance(ctx);
    const auto document = parse_json_object(ctx.body, service::dms);
    auto group = parse_group_request(json_fields(document, service::dms));
    st.kafka.running_cluster(ctx.param("project_id"), ctx.param("instance_id"))
        ->create_group(group.name, std::move(group.description));
    return response::text(200, "success");
}

// Kafka cannot rename a group: a group_name in the body must name the group of the path.
response update_instance_consumer_group(const request_context& ctx, state::state& st) {
    require_dms_instance(ctx);
    const auto document = parse_json_object(ctx.body, service::dms);
    const json_fields fields(document, service::dms);
    const auto name = fields.opt_string("group_name");
    if (name && *name != ctx.param("group")) throw dms_invalid_parameter("group_name");
    auto description = parse_description(fields);
    st.kafka.running_cluster(ctx.param("project_id"), ctx.param("instance_id"))
        ->update_group(ctx.param("group"), std::move(description));
    return response::empty(204);
}

response delete_group(const request_context& ctx, state::state& st) {
    require_dms_instance(ctx);
    st.kafka.running_cluster(ctx.param("project_id"), ctx.param("instance_id"))
        ->delete_group(ctx.param("group"));
    return response::empty(204);
}

response delete_instance_consumer_group(const request_context& ctx, state::state& st) {
    require_dms_instance(ctx);
    st.kafka.running_cluster(ctx.param("project_id"), ctx.param("instance_id"))
        ->delete_group(ctx.param("group"));
    return response::empty(200);
}

// Per-group results: an unknown group lands in failed_groups, the others are still deleted.
response batch_delete_group(const request_context& ctx, state::state& st) {
    require_dms_instance(ctx);
    const auto document = parse_json_object(ctx.body, service::dms);
    const json_fields fields(document, service::dms);
    const auto* ids = fields.opt_array("group_ids");
    if (ids == nullptr) throw dms_invalid_parameter("group_ids");
    std::vector<std::string> names;
    for (rapidjson::SizeType i = 0; i < ids->Size(); ++i) {
        if (!(*ids)[i].IsString()) throw dms_invalid_parameter("group_ids[" + std::to_string(i) + "]");
        names.emplace_back((*ids)[i].GetString(), (*ids)[i].GetStringLength());
    }
    // The instance must exist before any per-group result means anything.
    st.kafka.get_instance(ctx.param("project_id"), ctx.param("instance_id"));
    std::vector<std::pair<std::string, std::string>> failed;
    for (const auto& name : names) {
        try {
            st.kafka.running_cluster(ctx.param("project_id"), ctx.param("instance_id"))->delete_group(name);
        } catch (const state::error& e) {
            if (e.code() == state::errc::group_not_found) {
                failed.emplace_back(name, dms_error("DMS.111400864").message());
            } else if (e.code() == state::errc::group_not_empty) {
                failed.emplace_back(name, to_api_error(e, service::dms).message());
            } else {
                throw;
            }
        }
    }

    return json_response(200, [&](json_object& o) {
        o.array("failed_groups", failed, [](json_object& entry, const auto& name_and_message) {
            entry.field("group_id", name_and_message.first).field("error_message", name_and_message.second);
        });
        o.field("total", static_cast<std::int64_t>(failed.size()));
    });
}

// Only a group without members may be reset (Kafka requires it EMPTY): DMS.00400800 otherwise.
response reset_message_offset(const request_context& ctx, state::state& st) {
    require_dms_instance(ctx);
    const auto document = parse_json_object(ctx.body, service::dms);
    const json_fields fields(document, service::dms);
    const auto topic = fields.req_string("topic");
    const auto partition = fields.req_int("partition", state::all_partitions, INT32_MAX);
    state::reset_target target;
    target.offset = fields.opt_int("message_offset", INT64_MIN, INT64_MAX);
    target.timestamp = fields.opt_int("timestamp", INT64_MIN, INT64_MAX);
    if (!target.offset && !target.timestamp) throw dms_invalid_parameter("message_offset");
    if (target.offset && target.timestamp) throw dms_invalid_parameter("timestamp");
    if (target.timestamp && *target.timestamp < 0) throw dms_error("DMS.00400142");
    st.kafka.running_cluster(ctx.param("project_id"), ctx.param("instance_id"))
        ->reset_offsets(ctx.param("group"), topic, static_cast<std::int32_t>(partition), target);
    return response::empty(204);
}

response list_instance_consumer_group_message_offset(const request_context& ctx, state::state& st) {
    require_dms_instance(ctx);
    const std::string* topic = query_text(ctx, "topic");
    if (topic == nullptr) throw dms_invalid_parameter("topic");
    const auto partition = query_int(ctx, "partition", 0, INT32_MAX);
    const auto offset = query_int(ctx, "offset", 0, 0, INT64_MAX);
    const auto limit = query_int(ctx, "limit", default_group_page, 1, max_group_page);
    const auto& project = ctx.param("project_id");
    const auto& instance_id = ctx.param("instance_id");
    const auto cluster = st.kafka.cluster(project, instance_id);
    auto rows = cluster->group_offsets(ctx.param("group"));
    const auto g = cluster->get_group(ctx.param("group"));
    cluster->get_topic(*topic);
    std::erase_if(rows, [&](const auto& row) {
        return row.topic != *topic || (partition && row.partition != *partition);
    });

    const auto total = static_cast<std::int64_t>(rows.size());
    const auto window = page_window(total, offset, limit);
    return json_response(200, [&](json_object& o) {
        o.array("group_message_offsets", window.of(rows), [&](json_object& entry, const auto& row) {
            const auto* owner = owner_of(g, row.topic, row.partition);
            entry.field("topic", row.topic)
                .field("partition", row.partition)
                .field("message_current_offset", row.committed)
                .field("message_log_start_offset", row.log_start)
                .field("message_log_end_offset", row.log_end)
                .field("lag", row.lag)
                // The member the partition is assigned to; empty when none is.
                .field("consumer_id", owner ? owner->member_id : std::string())
                .field("host", owner ? owner->host : std::string())
                .field("client_id", owner ? owner->client_id : std::string());
        });
        o.field("total", total);
    });
}

response list_instance_consumer_group_topics(const request_context& ctx, state::state& st) {
    require_dms_instance(ctx);
    const auto offset = query_int(ctx, "offset", 0, 0, INT64_MAX);
    const auto limit = query_int(ctx, "limit", default_group_page, 1, max_group_page);
    const std::string* sort_key = query_text(ctx, "sort_key");
    if (sort_key && *sort_key != "topic" && *sort_key != "partition" && *sort_key != "messages") {
        throw dms_invalid_parameter("sort_key");
    }
    const std::string* sort_dir = query_text(ctx, "sort_dir");
    if (sort_dir && *sort_dir != "asc" && *sort_dir != "desc") throw dms_invalid_parameter("sort_dir");
    const std::string* filter = query_text(ctx, "topic");
    const auto offsets = st.kafka.cluster(ctx.param("project_id"), ctx.param("instance_id"))
                             ->group_offsets(ctx.param("group"));

    std::map<std::string, topic_row> by_topic;
    for (const auto& row : offsets) {
        if (filter && row.topic.find(*filter) == std::string::npos) continue;
        auto& t = by_topic[row.topic];
        t.topic = row.topic;
        ++t.partitions;
        t.lag += row.lag;
    }
    std::vector<topic_row> rows;
    for (auto& [name, row] : by_topic) rows.push_back(std::move(row));
    const std::string key = sort_key ? *sort_key : "messages";
    const bool ascending = sort_dir && *sort_dir == "asc";
    std::stable_sort(rows.begin(), rows.end(), [&](const topic_row& a, const topic_row& b) {
        const auto ka = key == "topic" ? std::tuple(std::int64_t{0}, a.topic)
                                       : std::tuple(key == "partition" ? a.partitions : a.lag, a.topic);
        const auto kb = key == "topic" ? std::tuple(std::int64_t{0}, b.topic)
                                       : std::tuple(key == "partition" ? b.partitions : b.lag, b.topic);
        return ascending ? ka < kb : kb < ka;
    });

    const auto total = static_cast<std::int64_t>(rows.size());
    require_page_start(offset, total);
    const auto window = page_window(total, offset, limit);
    return json_response(200, [&](json_object& o) {
        o.array("topics", window.of(rows), [](json_object& entry, const topic_row& row) {
            entry.field("topic", row.topic).field("partitions", row.partitions).field("lag", row.lag);
        });
        o.field("total", total);
    });
}

// The group's members, filtered by `host` and `member_id` (substrings), in joining order.
response list_instance_consumer_group_members(const request_context& ctx, state::state& st) {
    require_dms_instance(ctx);
    const auto offset = query_int(ctx, "offset", 0, 0, INT64_MAX);
    const auto limit = query_int(ctx, "limit", default_group_page, 1, max_group_page);
    const std::string* host = query_text(ctx, "host");
    const std::string* member_id = query_text(ctx, "member_id");
    auto members = st.kafka.cluster(ctx.param("project_id"), ctx.param("instance_id"))
                       ->get_group(ctx.param("group"))
                       .members;
    std::erase_if(members, [&](const state::group_member_info& m) {
        return (host && m.host.find(*host) == std::string::npos) ||
               (member_id && m.member_id.find(*member_id) == std::string::npos);
    });
    const auto total = static_cast<std::int64_t>(members.size());
    require_page_start(offset, total);
    const auto window = page_window(total, offset, limit);
    return json_response(200, [&](json_object& o) {
        o.array("members", window.of(members), [](json_object& entry, const state::group_member_info& m) {
            entry.field("member_id", m.member_id).field("client_id", m.client_id);
        });
        o.field("total", total);
    });
}

// Every group's coordinator: the broker FindCoordinator names, at the address its Kafka listener
// advertises; groups sorted by name.
response show_coordinators(const request_context& ctx, state::state& st) {
    require_dms_instance(ctx);
    const auto& project = ctx.param("project_id");
    const auto& instance_id = ctx.param("instance_id");
    const auto instance = st.kafka.get_instance(project, instance_id);
    const auto cluster = st.kafka.cluster(project, instance_id);
    const auto groups = cluster->list_groups();
    return json_response(200, [&](json_object& o) {
        o.array("coordinators", groups, [&](json_object& entry, const state::group_info& g) {
            entry.field("group_id", g.group_id)
                .field("id", g.coordinator_id)
                .field("host", instance.address.host)
                .field("port", instance.address.port_of(g.coordinator_id));
        });
    });
}

}  // namespace emu::routes::dms
