#include "routes/dms/cluster.hpp"

#include <algorithm>
#include <map>
#include <string_view>
#include <tuple>
#include <vector>

#include "routes/dms/query.hpp"
#include "routes/http/paging.hpp"
#include "routes/http/validation.hpp"
#include "state/errors.hpp"

namespace emu::routes::dms {

namespace {

constexpr std::int32_t controller = 0;  // broker 0 is the controller, as the wire Metadata says
constexpr std::int64_t default_producer_page = 10;
constexpr std::int64_t max_producer_page = 50;
constexpr std::int64_t kib = 1024;
constexpr std::int64_t gib = kib * kib * kib;

std::vector<std::int32_t> broker_ids(const state::instance_info& info) {
    std::vector<std::int32_t> out;
    for (std::int32_t node = 0; node < std::max(info.spec.broker_num, 1); ++node) out.push_back(node);
    return out;
}

// Bytes in the largest unit that keeps at least 1 of it, rounded down: 512B, 12K, 53M, 100G.
std::string human_size(std::int64_t bytes) {
    constexpr std::string_view units = "BKMGT";
    std::size_t unit = 0;
    while (unit + 1 < units.size() && bytes >= kib) {
        bytes /= kib;
        ++unit;
    }
    return std::to_string(bytes) + units[unit];
}

// minSize: 1-10000 followed by K, M or G.
std::optional<std::int64_t> query_size(const request_context& ctx, const char* name) {
    const std::string* text = query_text(ctx, name);
    if (text == nullptr) return std::nullopt;
    const char unit = text->back();
    const std::int64_t scale = unit == 'K' ? kib : unit == 'M' ? kib * kib : unit == 'G' ? gib : 0;
    const auto digits = std::string_view(*text).substr(0, text->size() - 1);
    const auto count =
        digits.empty() || digits.front() == '-' || digits.front() == '0' ? std::nullopt : parse_int64(digits);
    if (scale == 0 || !count || *count < 1 || *count > 10000) throw dms_invalid_parameter(name);
    return *count * scale;
}

}  // namespace

response show_cluster(const request_context& ctx, state::state& st) {
    require_dms_instance(ctx);
    const auto& project = ctx.param("project_id");
    const auto& instance_id = ctx.param("instance_id");
    const auto info = st.kafka.get_instance(project, instance_id);
    const auto cluster = st.kafka.cluster(project, instance_id);
    const auto topics = cluster->list_topics();
    const auto groups = cluster->list_groups();
    std::int64_t partitions = 0;
    std::int64_t replicas = 0;
    for (const auto& topic : topics) {
        partitions += topic.partition_count;
        replicas += static_cast<std::int64_t>(topic.partition_count) *
                    std::min(topic.replication, std::max(info.spec.broker_num, 1));
    }
    return json_response(200, [&](json_object& o) {
        o.object("cluster", [&](json_object& c) {
            c.field("controller", std::to_string(controller))
                .array("brokers", broker_ids(info),
                       [&](json_object& b, std::int32_t node) {
                           b.field("host", info.address.host)
                               .field("port", info.address.port_of(node))
                               .field("broker_id", std::to_string(node))
                               .field("is_controller", node == controller)
                               .field("version", info.spec.engine_version)
                               .field("register_time", info.spec.created_at.value_or(0))
                               .field("is_health", true);
                       })
                .field("topics_count", static_cast<std::int64_t>(topics.size()))
                .field("partitions_count", partitions)
                .field("online_partitions_count", partitions)
                .field("replicas_count", replicas)
                .field("isr_replicas_count", replicas)
                .field("consumers_count", static_cast<std::int64_t>(groups.size()));
        });
    });
}

response show_kafka_cluster(const request_context& ctx, state::state& st) {
    require_dms_instance(ctx);
    const auto info = st.kafka.get_instance(ctx.param("project_id"), ctx.param("instance_id"));
    return json_response(200, [&](json_object& o) {
        o.object("cluster", [&](json_object& c) {
            c.array("brokers", broker_ids(info), [&](json_object& b, std::int32_t node) {
                b.field("health", true)
                    .field("host", info.address.host)
                    .field("port", info.address.port_of(node))
                    .field("broker_id", std::to_string(node));
            });
        });
    });
}

// One row per client connection that produced to the topic within the registry's window, oldest first.
response list_topic_producers(const request_context& ctx, state::state& st) {
    require_dms_instance(ctx);
    const auto offset = query_int(ctx, "offset", 0, 0, INT64_MAX);
    const auto limit = query_int(ctx, "limit", default_producer_page, 1, max_producer_page);
    const auto& project = ctx.param("project_id");
    const auto& instance_id = ctx.param("instance_id");
    const auto& topic = ctx.param("topic");
    const auto info = st.kafka.get_instance(project, instance_id);
    st.kafka.cluster(project, instance_id)->get_topic(topic);
    const auto entries = st.kafka.producers(project, instance_id)->of_topic(topic, st.kafka.now_ms());

    struct producer_row {
        std::string address;
        std::int32_t broker_port = 0;
        std::int64_t join_time = 0;
    };
    std::vector<producer_row> rows;
    for (const auto& entry : entries) {
        const auto same = std::find_if(
            rows.begin(), rows.end(), [&](const producer_row& r) { return r.address == entry.seen.address; });
        if (same == rows.end()) {
            rows.push_back({entry.seen.address, entry.seen.broker_port, entry.first_ms});
        } else {
            same->join_time = std::min(same->join_time, entry.first_ms);
        }
    }
    std::sort(rows.begin(), rows.end(), [](const producer_row& a, const producer_row& b) {
        return std::tie(a.join_time, a.address) < std::tie(b.join_time, b.address);
    });
    const auto total = static_cast<std::int64_t>(rows.size());
    const auto window = page_window(total, offset, limit);
    return json_response(200, [&](json_object& o) {
        o.field("total", total)
            .array("producers", window.of(rows), [&](json_object& p, const producer_row& r) {
                p.field("producer_address", r.address)
                    .field("broker_address", info.address.host + ":" + std::to_string(r.broker_port))
                    .field("join_time", r.join_time);
            });
    });
}

// Each broker's disk is the instance's storage space shared evenly; each replica on it holds the
// partition's retained bytes. Without any filter, minSize is 1G, as on DMS.
response show_kafka_topic_partition_diskusage(const request_context& ctx, state::state& st) {
    require_dms_instance(ctx);
    auto min_size = query_size(ctx, "minSize");
    const auto top = query_int(ctx, "top", 1, 1000);
    const auto percentage = query_int(ctx, "percentage", 1, 100);
    if (!min_size && !top && !percentage) min_size = gib;
    const auto& project = ctx.param("project_id");
    const auto& instance_id = ctx.param("instance_id");
    const auto info = st.kafka.get_instance(project, instance_id);
    const auto cluster = st.kafka.cluster(project, instance_id);
    const auto brokers = std::max(info.spec.broker_num, 1);
    const std::int64_t disk = static_cast<std::int64_t>(info.spec.storage_space) * gib / brokers;

    struct replica_use {
        std::string topic;
        std::int32_t partition = 0;
        std::int64_t bytes = 0;
    };
    std::vector<std::vector<replica_use>> on_broker(static_cast<std::size_t>(brokers));
    for (const auto& topic : cluster->list_topics()) {
        std::vector<state::partition_state> partitions;
        try {
            partitions = cluster->partitions(topic.name);
        } catch (const state::error&) {
            continue;  // deleted meanwhile
        }
        for (const auto& p : partitions) {
            for (const auto broker : state::replica_brokers(p.partition, topic.replication, brokers)) {
                on_broker[static_cast<std::size_t>(broker)].push_back(
                    {topic.name, p.partition, p.retained_bytes});
            }
        }
    }
    const auto percent_of_disk = [&](std::int64_t bytes) {
        return disk == 0 ? 0.0 : static_cast<double>(bytes) * 100.0 / static_cast<double>(disk);
    };
    return json_response(200, [&](json_object& o) {
        o.array("broker_list", broker_ids(info), [&](json_object& entry, std::int32_t node) {
            auto replicas = on_broker[static_cast<std::size_t>(node)];
            std::int64_t used = 0;
            for (const auto& r : replicas) used += r.bytes;
            std::erase_if(replicas, [&](const replica_use& r) {
                return (min_size && r.bytes < *min_size) ||
                       (percentage && percent_of_disk(r.bytes) <= static_cast<double>(*percentage));
            });
            std::sort(replicas.begin(), replicas.end(), [](const replica_use& a, const replica_use& b) {
                return std::tie(b.bytes, a.topic, a.partition) < std::tie(a.bytes, b.topic, b.partition);
            });
            if (top && static_cast<std::int64_t>(replicas.size()) > *top)
                replicas.resize(static_cast<std::size_t>(*top));
            entry.field("broker_name", "broker-" + std::to_string(node))
                .field("data_disk_size", human_size(disk))
                .field("data_disk_use", human_size(used))
                .field("data_disk_free", human_size(std::max<std::int64_t>(disk - used, 0)))
                .field("data_disk_use_percentage",
                       std::to_string(static_cast<std::int64_t>(percent_of_disk(used))))
                .field("status", "Success get info")
                .array("topic_list", replicas, [&](json_object& t, const replica_use& r) {
                    t.field("size", human_size(r.bytes))
                        .field("topic_name", r.topic)
                        .field("topic_partition", std::to_string(r.partition))
                        .field("percentage", percent_of_disk(r.bytes));
                });
        });
    });
}

}  // namespace emu::routes::dms
