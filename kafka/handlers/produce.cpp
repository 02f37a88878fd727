#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kafka/error_mapping.hpp"
#include "kafka/handlers.hpp"
#include "kafka/handlers/per_topic.hpp"
#include "kafka/handlers/topics.hpp"
#include "kafka/protocol/error_codes.hpp"
#include "kafka/protocol/record_batch.hpp"
#include "state/errors.hpp"
#include "state/kafka/topic_rules.hpp"

namespace emu::kafka {

namespace {

using protocol::batch_error;
using protocol::error_code;

// The request, read whole before anything is stored: a request that does not decode closes the
// connection, and must leave nothing behind. The records are views into the frame.
struct partition_data {
    std::int32_t index = 0;
    std::optional<std::string_view> records;
};

struct produce_request {
    std::int16_t acks = 0;
    topics_of<partition_data> topics;
};

produce_request read_produce(const request& req, protocol::reader& body) {
    produce_request r;
    if (req.version() >= 3) body.nullable_string();  // transactional_id
    r.acks = body.int16();
    body.int32();  // timeout_ms: a single node answers at once
    r.topics = read_topics<partition_data>(body, 8, [](protocol::reader& b) {
        const std::int32_t index = b.int32();
        return partition_data{index, b.nullable_bytes()};
    });
    return r;
}

struct partition_answer {
    std::int32_t index = 0;
    error_code error = error_code::none;
    std::int64_t base_offset = -1;
    std::int64_t log_append_time = -1;
    std::int64_t log_start_offset = -1;
};

void write_produce(const request& req, protocol::writer& out, const topics_of<partition_answer>& topics) {
    write_topics(out, topics, [&](const partition_answer& p) {
        out.int32(p.index);
        out.error(p.error);
        out.int64(p.base_offset);
        if (req.version() >= 2) out.int64(p.log_append_time);
        if (req.version() >= 5) out.int64(p.log_start_offset);
    });
    if (req.version() >= 1) out.int32(0);  // throttle_time_ms
}

error_code batch_error_code(const batch_error& e) {
    switch (e.error_kind()) {
        case batch_error::kind::invalid_record:
            return error_code::invalid_record;
        case batch_error::kind::corrupt_message:
        case batch_error::kind::unsupported_magic:
        case batch_error::kind::decompressed_too_large:
            return error_code::corrupt_message;
    }
    return error_code::corrupt_message;
}

// A known topic config's value (topic_rules: the topic's own, else DMS's default, as REST shows it).
std::string topic_config(const state::topic_spec& spec, std::string_view name) {
    return std::string(state::topic_rules::config_value(spec, *state::topic_rules::find_config(name)));
}

std::int64_t max_message_bytes(const state::topic_spec& spec) {
    const auto& config = *state::topic_rules::find_config("max.message.bytes");
    try {
        return std::stoll(std::string(state::topic_rules::config_value(spec, config)));
    } catch (const std::exception&) {
        return std::stoll(std::string(config.default_value));
    }
}

// Appends one partition's records field: exactly one batch v2 (Kafka's rule from Produce v3 on), each record
// checked and decompressed before anything is stored, so a bad batch stores nothing. The batch is stored
// as it came (compressed or not); the cluster assigns its offsets.
partition_answer append(state::kafka_cluster& cluster, const state::topic_spec& topic, std::int32_t index,
                        const std::optional<std::string_view>& records, std::size_t max_decompressed) {
    partition_answer answer{index, error_code::none, -1, -1, -1};
    if (index < 0 || index >= topic.partition_count) {
        answer.error = error_code::unknown_topic_or_partition;
        return answer;
    }
    if (!records || records->empty()) {
        answer.error = error_code::invalid_record;
        return answer;
    }
    if (static_cast<std::int64_t>(records->size()) > max_message_bytes(topic)) {
        answer.error = error_code::message_too_large;
        return answer;
    }
    state::producer_batch checked;
    try {
        const auto split = protocol::split_batches(*records);
        if (!split.partial.empty())
            throw batch_error(batch_error::kind::corrupt_message, "a batch cut short");
        if (split.batches.size() != 1)
            throw batch_error(batch_error::kind::invalid_record, "not exactly one batch");
        const auto& batch = split.batches.front();
        protocol::check_producer_batch(batch.header);
        const auto summary = protocol::check_records(batch, max_decompressed);
        checked = state::producer_batch{batch.bytes, summary.first_timestamp, summary.last_timestamp};
    } catch (const batch_error& e) {
        answer.error = batch_error_code(e);
        return answer;
    } catch (const protocol::decode_error&) {
        answer.error = error_code::corrupt_message;
        return answer;
    }
    try {
        const bool log_append_time = topic_config(topic, "message.timestamp.type") == "LogAppendTime";
        const auto result = cluster.append(topic.name, index, checked, log_append_time);
        answer.base_offset = result.base_offset;
        answer.log_start_offset = result.log_start_offset;
        answer.log_append_time = log_append_time ? result.log_append_time : -1;
    } catch (const state::error& e) {
        answer.error = to_kafka_error(e.code());
    }
    return answer;
}

}  // namespace

namespace handlers {

// Produce v3-7 (AK ProduceRequest/Response.json): each partition's batch is validated whole and appended
// with contiguous offsets, or refused with its error code and nothing stored; other partitions are not
// affected. v0-2 (message format v0/v1) answer UNSUPPORTED_VERSION per partition, as Kafka 4.0 does.
// acks 0 gets no answer, and a failed partition then closes the connection (AK KafkaApis); acks other
// than -1, 0 and 1 are INVALID_REQUIRED_ACKS. Unknown topics are created first when the instance has auto
// topic creation on.
handler_result produce(const request& req, protocol::reader& body, protocol::writer& out) {
    const auto r = read_produce(req, body);
    topics_of<partition_answer> topics;
    const auto instance = req.instance();
    const auto cluster = req.cluster();
    for (const auto& data : r.topics) {
        auto& topic = topics.emplace_back();
        topic.name = data.name;
        const std::string name(data.name);
        std::optional<state::topic_spec> spec;
        error_code topic_error = error_code::none;
        if (req.version() < 3) {
            topic_error = error_code::unsupported_version;
        } else if (r.acks != -1 && r.acks != 0 && r.acks != 1) {
            topic_error = error_code::invalid_required_acks;
        } else {
            try {
                spec = cluster->get_topic(name);
            } catch (const state::error& e) {
                topic_error = to_kafka_error(e.code());
                if (e.code() == state::errc::topic_not_found && instance.spec.enable_auto_topic) {
                    const auto created = handlers::auto_create_topic(*cluster, name, instance.spec);
                    topic_error = created.error;
                    if (created.error == error_code::none) spec = cluster->get_topic(name);
                }
            }
        }
        for (const auto& [index, records] : data.partitions) {
            if (topic_error != error_code::none) {
                topic.partitions.push_back({index, topic_error, -1, -1, -1});
            } else {
                topic.partitions.push_back(
                    append(*cluster, *spec, index, records, req.connection.max_decompressed));
                if (topic.partitions.back().error == error_code::none) req.record_producer(name, index);
            }
        }
    }
    if (r.acks == 0) {
        const bool failed =
            std::any_of(topics.begin(), topics.end(), [](const per_topic<partition_answer>& t) {
                return std::any_of(t.partitions.begin(), t.partitions.end(),
                                   [](const partition_answer& p) { return p.error != error_code::none; });
            });
        return handler_result{false, failed, std::nullopt};
    }
    write_produce(req, out, topics);
    return {};
}

}  // namespace handlers

namespace error_answers {

// acks 0 has no answer: the connection closes, as Kafka closes it on a failed acks-0 Produce.
handler_result produce(const request& req, protocol::reader& body, protocol::writer& out, error_code error) {
    const auto r = read_produce(req, body);
    if (r.acks == 0) return handler_result{false, true, std::nullopt};
    write_produce(req, out,
                  answer_each<partition_answer>(r.topics, [&](const std::string&, const partition_data& p) {
                      return partition_answer{p.index, error, -1, -1, -1};
                  }));
    return {};
}

}  // namespace error_answers

}  // namespace emu::kafka
