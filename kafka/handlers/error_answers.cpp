#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kafka/handlers.hpp"
#include "kafka/protocol/error_codes.hpp"

// The answers a fault rule's Kafka error gives (docs/kafka.md "Fault injection"): each reads its request
// exactly as the API's handler does (a body that does not decode still closes the connection), stores and
// changes nothing, and answers every topic, partition or resource the request names with the error, plus
// the top-level error field where the response has one. Offsets, watermarks and timestamps are -1, as
// Kafka answers them beside an error.
namespace emu::kafka::error_answers {

namespace {

constexpr std::string_view injected_message = "Injected by a fault rule of the emulator.";

struct topic_partitions {
    std::string_view name;
    std::vector<std::int32_t> partitions;
};

}  // namespace

handler_result api_versions(const request& req, protocol::reader& body, protocol::writer& out,
                            error_code error) {
    if (req.version() >= 3) {
        body.compact_string();  // client_software_name
        body.compact_string();  // client_software_version
        body.skip_tagged_fields();
    }
    // The table stays in the answer: a client that retries needs it as much as Kafka's own error answer
    // (UNSUPPORTED_VERSION) gives it.
    out.error(error);
    const auto apis = api_table();
    out.array_length(apis.size(), req.flexible);
    for (const auto& api : apis) {
        out.int16(static_cast<std::int16_t>(api.key));
        out.int16(api.min_version);
        out.int16(api.max_version);
        out.tagged_fields(req.flexible);
    }
    if (req.version() >= 1) out.int32(0);  // throttle_time_ms
    out.tagged_fields(req.flexible);
    return {};
}

// The brokers stay (a client needs them to go on); every topic asked for, or every topic of the cluster
// when all are asked for, answers the error with no partitions.
handler_result metadata(const request& req, protocol::reader& body, protocol::writer& out, error_code error) {
    std::optional<std::vector<std::string>> wanted;
    const std::int32_t count = body.int32();
    if (count >= 0) {
        if (static_cast<std::size_t>(count) > body.remaining() / 2)
            throw protocol::decode_error("topic count");
        wanted.emplace();
        for (std::int32_t i = 0; i < count; ++i) wanted->emplace_back(body.string());
    } else if (count != -1 || req.version() == 0) {
        throw protocol::decode_error("topic count");
    }
    if (req.version() == 0 && wanted && wanted->empty()) wanted.reset();
    if (req.version() >= 4) body.boolean();  // allow_auto_topic_creation

    const auto instance = req.instance();
    if (!wanted) {
        wanted.emplace();
        for (const auto& t : req.cluster()->list_topics()) wanted->push_back(t.name);
    }
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
    out.array_length(wanted->size());
    for (const auto& name : *wanted) {
        out.error(error);
        out.string(name);
        if (req.version() >= 1) out.boolean(false);  // is_internal
        out.array_length(0);
    }
    return {};
}

// acks 0 has no answer: the connection closes, as Kafka closes it on a failed acks-0 Produce.
handler_result produce(const request& req, protocol::reader& body, protocol::writer& out, error_code error) {
    if (req.version() >= 3) body.nullable_string();  // transactional_id
    const std::int16_t acks = body.int16();
    body.int32();  // timeout_ms
    std::vector<topic_partitions> topics;
    const auto topic_count = body.array_length(false, 6);
    for (std::int32_t t = 0; t < topic_count; ++t) {
        auto& topic = topics.emplace_back();
        topic.name = body.string();
        const auto partition_count = body.array_length(false, 8);
        for (std::int32_t p = 0; p < partition_count; ++p) {
            topic.partitions.push_back(body.int32());
            body.nullable_bytes();  // records: not stored
        }
    }
    if (acks == 0) return handler_result{false, true, std::nullopt};
    out.array_length(topics.size());
    for (const auto& topic : topics) {
        out.string(topic.name);
        out.array_length(topic.partitions.size());
        for (const auto index : topic.partitions) {
            out.int32(index);
            out.error(error);
            out.int64(-1);                          // base_offset
            if (req.version() >= 2) out.int64(-1);  // log_append_time_ms
            if (req.version() >= 5) out.int64(-1);  // log_start_offset
        }
    }
    if (req.version() >= 1) out.int32(0);  // throttle_time_ms
    return {};
}

// At once, without the long-poll; the top-level error (v7+) and every partition's.
handler_result fetch(const request& req, protocol::reader& body, protocol::writer& out, error_code error) {
    body.int32();  // replica_id
    body.int32();  // max_wait_ms
    body.int32();  // min_bytes
    body.int32();  // max_bytes
    body.int8();   // isolation_level
    if (req.version() >= 7) {
        body.int32();  // session_id
        body.int32();  // session_epoch
    }
    std::vector<topic_partitions> topics;
    const auto topic_count = body.array_length(false, 6);
    for (std::int32_t t = 0; t < topic_count; ++t) {
        auto& topic = topics.emplace_back();
        topic.name = body.string();
        const auto partition_count = body.array_length(false, 16);
        for (std::int32_t p = 0; p < partition_count; ++p) {
            topic.partitions.push_back(body.int32());
            if (req.version() >= 9) body.int32();  // current_leader_epoch
            body.int64();                          // fetch_offset
            if (req.version() >= 5) body.int64();  // log_start_offset
            body.int32();                          // partition_max_bytes
        }
    }
    if (req.version() >= 7) {
        const auto forgotten = body.array_length(false, 6);
        for (std::int32_t i = 0; i < forgotten; ++i) {
            body.string();
            const auto n = body.array_length(false, 4);
            for (std::int32_t k = 0; k < n; ++k) body.int32();
        }
    }
    if (req.version() >= 11) body.string();  // rack_id

    out.int32(0);  // throttle_time_ms
    if (req.version() >= 7) {
        out.error(error);
        out.int32(0);  // session_id
    }
    out.array_length(topics.size());
    for (const auto& topic : topics) {
        out.string(topic.name);
        out.array_length(topic.partitions.size());
        for (const auto index : topic.partitions) {
            out.int32(index);
            out.error(error);
            out.int64(-1);                           // high_watermark
            out.int64(-1);                           // last_stable_offset
            if (req.version() >= 5) out.int64(-1);   // log_start_offset
            out.array_length(0);                     // aborted_transactions
            if (req.version() >= 11) out.int32(-1);  // preferred_read_replica
            out.nullable_bytes(std::nullopt);        // records
        }
    }
    return {};
}

handler_result list_offsets(const request& req, protocol::reader& body, protocol::writer& out,
                            error_code error) {
    body.int32();                         // replica_id
    if (req.version() >= 2) body.int8();  // isolation_level
    std::vector<topic_partitions> topics;
    const auto topic_count = body.array_length(false, 6);
    for (std::int32_t t = 0; t < topic_count; ++t) {
        auto& topic = topics.emplace_back();
        topic.name = body.string();
        const auto partition_count = body.array_length(false, 12);
        for (std::int32_t p = 0; p < partition_count; ++p) {
            topic.partitions.push_back(body.int32());
            body.int64();                          // timestamp
            if (req.version() == 0) body.int32();  // max_num_offsets
        }
    }
    if (req.version() >= 2) out.int32(0);  // throttle_time_ms
    out.array_length(topics.size());
    for (const auto& topic : topics) {
        out.string(topic.name);
        out.array_length(topic.partitions.size());
        for (const auto index : topic.partitions) {
            out.int32(index);
            out.error(error);
            if (req.version() == 0) {
                out.array_length(0);  // old_style_offsets
            } else {
                out.int64(-1);  // timestamp
                out.int64(-1);  // offset
            }
        }
    }
    return {};
}

handler_result create_topics(const request& req, protocol::reader& body, protocol::writer& out,
                             error_code error) {
    std::vector<std::string_view> names;
    const auto count = body.array_length(false, 2 + 4 + 2 + 4 + 4);
    for (std::int32_t i = 0; i < count; ++i) {
        names.push_back(body.string());
        body.int32();  // num_partitions
        body.int16();  // replication_factor
        const auto assignments = body.array_length(false, 4 + 4);
        for (std::int32_t a = 0; a < assignments; ++a) {
            body.int32();  // partition_index
            const auto ids = body.array_length(false, 4);
            for (std::int32_t b = 0; b < ids; ++b) body.int32();
        }
        const auto configs = body.array_length(false, 2 + 2);
        for (std::int32_t c = 0; c < configs; ++c) {
            body.string();
            body.nullable_string();
        }
    }
    body.int32();                            // timeout_ms
    if (req.version() >= 1) body.boolean();  // validate_only

    if (req.version() >= 2) out.int32(0);  // throttle_time_ms
    out.array_length(names.size());
    for (const auto name : names) {
        out.string(name);
        out.error(error);
        if (req.version() >= 1) out.nullable_string(injected_message);
    }
    return {};
}

handler_result delete_topics(const request& req, protocol::reader& body, protocol::writer& out,
                             error_code error) {
    std::vector<std::string_view> names;
    const auto count = body.array_length(false, 2);
    for (std::int32_t i = 0; i < count; ++i) names.push_back(body.string());
    body.int32();  // timeout_ms

    if (req.version() >= 1) out.int32(0);  // throttle_time_ms
    out.array_length(names.size());
    for (const auto name : names) {
        out.string(name);
        out.error(error);
    }
    return {};
}

handler_result delete_records(const request&, protocol::reader& body, protocol::writer& out,
                              error_code error) {
    std::vector<topic_partitions> topics;
    const auto topic_count = body.array_length(false, 6);
    for (std::int32_t t = 0; t < topic_count; ++t) {
        auto& topic = topics.emplace_back();
        topic.name = body.string();
        const auto partition_count = body.array_length(false, 12);
        for (std::int32_t p = 0; p < partition_count; ++p) {
            topic.partitions.push_back(body.int32());
            body.int64();  // offset
        }
    }
    body.int32();  // timeout_ms

    out.int32(0);  // throttle_time_ms
    out.array_length(topics.size());
    for (const auto& topic : topics) {
        out.string(topic.name);
        out.array_length(topic.partitions.size());
        for (const auto index : topic.partitions) {
            out.int32(index);
            out.int64(-1);  // low_watermark
            out.error(error);
        }
    }
    return {};
}

handler_result describe_configs(const request& req, protocol::reader& body, protocol::writer& out,
                                error_code error) {
    struct resource {
        std::int8_t type = 0;
        std::string_view name;
    };
    std::vector<resource> resources;
    const auto count = body.array_length(false, 1 + 2 + 4);
    for (std::int32_t i = 0; i < count; ++i) {
        resource r;
        r.type = body.int8();
        r.name = body.string();
        const auto keys = body.int32();  // nullable array
        if (keys < -1 || static_cast<std::size_t>(std::max(keys, 0)) > body.remaining() / 2) {
            throw protocol::decode_error("configuration key count");
        }
        for (std::int32_t k = 0; k < keys; ++k) body.string();
        resources.push_back(r);
    }
    if (req.version() >= 1) body.boolean();  // include_synonyms

    out.int32(0);  // throttle_time_ms
    out.array_length(resources.size());
    for (const auto& r : resources) {
        out.error(error);
        out.nullable_string(injected_message);
        out.int8(r.type);
        out.string(r.name);
        out.array_length(0);  // configs
    }
    return {};
}

handler_result create_partitions(const request&, protocol::reader& body, protocol::writer& out,
                                 error_code error) {
    std::vector<std::string_view> names;
    const auto topic_count = body.array_length(false, 2 + 4 + 4);
    for (std::int32_t i = 0; i < topic_count; ++i) {
        names.push_back(body.string());
        body.int32();                           // count
        const auto assignments = body.int32();  // nullable array
        if (assignments < -1 || static_cast<std::size_t>(std::max(assignments, 0)) > body.remaining() / 4) {
            throw protocol::decode_error("assignment count");
        }
        for (std::int32_t a = 0; a < assignments; ++a) {
            const auto ids = body.array_length(false, 4);
            for (std::int32_t b = 0; b < ids; ++b) body.int32();
        }
    }
    body.int32();    // timeout_ms
    body.boolean();  // validate_only

    out.int32(0);  // throttle_time_ms
    out.array_length(names.size());
    for (const auto name : names) {
        out.string(name);
        out.error(error);
        out.nullable_string(injected_message);
    }
    return {};
}

}  // namespace emu::kafka::error_answers
