#include <algorithm>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kafka/error_mapping.hpp"
#include "kafka/handlers.hpp"
#include "kafka/handlers/topics.hpp"
#include "kafka/protocol/error_codes.hpp"

namespace emu::kafka {

namespace {

using protocol::error_code;

struct metadata_request {
    std::optional<std::vector<std::string_view>> topics;  // none: every topic
    bool allow_auto_create = true;
};

metadata_request read_metadata(const request& req, protocol::reader& body) {
    metadata_request r;
    const std::int32_t count = body.int32();
    if (count >= 0) {
        if (static_cast<std::size_t>(count) > body.remaining() / 2)
            throw protocol::decode_error("topic count");
        r.topics.emplace();
        for (std::int32_t i = 0; i < count; ++i) r.topics->push_back(body.string());
    } else if (count != -1 || req.version() == 0) {
        throw protocol::decode_error("topic count");
    }
    // v0: an empty list asks for every topic; from v1 on null does, and an empty list asks for none.
    if (req.version() == 0 && r.topics && r.topics->empty()) r.topics.reset();
    if (req.version() >= 4) r.allow_auto_create = body.boolean();
    return r;
}

struct topic_answer {
    error_code error = error_code::none;
    std::string name;
    std::int32_t partitions = 0;
    std::int32_t replication = 0;
};

// The instance's brokers, then the topics with their partitions.
void write_metadata(const request& req, protocol::writer& out, const state::instance_info& instance,
                    const std::vector<topic_answer>& topics) {
    const std::int32_t brokers = instance.spec.broker_num;
    if (req.version() >= 3) out.int32(0);  // throttle_time_ms
    out.array_length(static_cast<std::size_t>(std::max(brokers, 0)));
    for (std::int32_t node = 0; node < brokers; ++node) {
        out.int32(node);
        out.string(instance.address.host);
        out.int32(instance.address.port_of(node));
        if (req.version() >= 1) out.nullable_string(std::nullopt);  // rack
    }
    if (req.version() >= 2) out.nullable_string(instance.spec.instance_id);  // cluster_id
    if (req.version() >= 1) out.int32(0);                                    // controller_id
    out.array_length(topics.size());
    for (const auto& t : topics) {
        out.error(t.error);
        out.string(t.name);
        if (req.version() >= 1) out.boolean(false);  // is_internal
        out.array_length(static_cast<std::size_t>(t.partitions));
        for (std::int32_t p = 0; p < t.partitions; ++p) {
            auto replicas = state::replica_brokers(p, t.replication, brokers);
            if (replicas.empty()) replicas.push_back(p % std::max(brokers, 1));
            out.error(error_code::none);
            out.int32(p);
            out.int32(replicas.front());
            out.array_length(replicas.size());
            for (const auto r : replicas) out.int32(r);
            out.array_length(replicas.size());  // in sync: one log holds every replica's bytes
            for (const auto r : replicas) out.int32(r);
            if (req.version() >= 5) out.array_length(0);  // offline_replicas
        }
    }
}

}  // namespace

namespace handlers {

// Metadata v0-6 (AK MetadataRequest/Response.json). The instance's brokers are `broker_num` nodes, ids
// 0..n-1, all at the address the listener advertises (one log serves them all); a partition's leader and
// replicas are the ones the REST topic views give, so node ids match across both fronts. Unknown topics are
// created when the instance has auto topic creation on (and the request allows it, v4+), else answer
// UNKNOWN_TOPIC_OR_PARTITION.
handler_result metadata(const request& req, protocol::reader& body, protocol::writer& out) {
    const auto r = read_metadata(req, body);
    const auto instance = req.instance();
    const auto cluster = req.cluster();
    std::vector<topic_answer> topics;
    if (!r.topics) {
        for (const auto& t : cluster->list_topics())
            topics.push_back({error_code::none, t.name, t.partition_count, t.replication});
    } else {
        for (const auto asked : *r.topics) {
            const std::string name(asked);
            topic_answer answer{error_code::none, name, 0, 0};
            try {
                const auto t = cluster->get_topic(name);
                answer.partitions = t.partition_count;
                answer.replication = t.replication;
            } catch (const state::error& e) {
                answer.error = to_kafka_error(e.code());
                if (e.code() == state::errc::topic_not_found && r.allow_auto_create &&
                    instance.spec.enable_auto_topic) {
                    const auto created = auto_create_topic(*cluster, name, instance.spec);
                    answer.error = created.error;
                    answer.partitions = created.partitions;
                    answer.replication = created.replication;
                }
            }
            topics.push_back(std::move(answer));
        }
    }
    write_metadata(req, out, instance, topics);
    return {};
}

}  // namespace handlers

namespace error_answers {

// The brokers stay (a client needs them to go on); every topic asked for, or every topic of the cluster
// when all are asked for, answers the error with no partitions.
handler_result metadata(const request& req, protocol::reader& body, protocol::writer& out, error_code error) {
    const auto r = read_metadata(req, body);
    const auto instance = req.instance();
    std::vector<topic_answer> topics;
    if (r.topics) {
        for (const auto name : *r.topics) topics.push_back({error, std::string(name), 0, 0});
    } else {
        for (const auto& t : req.cluster()->list_topics()) topics.push_back({error, t.name, 0, 0});
    }
    write_metadata(req, out, instance, topics);
    return {};
}

}  // namespace error_answers

}  // namespace emu::kafka
