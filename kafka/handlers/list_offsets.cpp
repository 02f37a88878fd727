#include <cstdint>
#include <string>
#include <vector>

#include "kafka/error_mapping.hpp"
#include "kafka/handlers.hpp"
#include "kafka/protocol/error_codes.hpp"
#include "state/errors.hpp"

namespace emu::kafka::handlers {

namespace {

using protocol::error_code;

constexpr std::int64_t latest = -1;
constexpr std::int64_t earliest = -2;

struct partition_answer {
    std::int32_t index = 0;
    error_code error = error_code::none;
    std::int64_t timestamp = -1;
    std::int64_t offset = -1;
};

partition_answer look_up(const state::kafka_cluster& cluster, const std::string& topic, std::int32_t index,
                         std::int64_t timestamp) {
    partition_answer answer{index, error_code::none, -1, -1};
    try {
        const auto p = cluster.partition(topic, index);
        if (timestamp == latest) {
            answer.offset = p.end_offset;
        } else if (timestamp == earliest) {
            answer.offset = p.start_offset;
        } else if (timestamp < 0) {
            answer.error = error_code::invalid_request;  // -3 and below need versions the table lacks
        } else {
            const auto offset = cluster.offset_for_time(topic, index, timestamp);
            if (offset < p.end_offset) {
                answer.offset = offset;
                if (const auto m = cluster.message_at(topic, index, offset)) answer.timestamp = m->timestamp;
            }
        }
    } catch (const state::error& e) {
        answer.error = to_kafka_error(e.code());
    }
    return answer;
}

}  // namespace

// ListOffsets v0-3 (AK ListOffsetsRequest/Response.json): -1 is the log end (the high watermark, which is
// also the last stable offset: no transactions), -2 the log start, a time the first retained message at or
// after it (offset and timestamp -1 when there is none). v0 answers the old offsets array of one offset.
handler_result list_offsets(const request& req, protocol::reader& body, protocol::writer& out) {
    body.int32();                         // replica_id
    if (req.version() >= 2) body.int8();  // isolation_level
    const auto cluster = req.cluster();
    const auto topic_count = body.array_length(false, 6);
    if (req.version() >= 2) out.int32(0);  // throttle_time_ms
    out.array_length(static_cast<std::size_t>(topic_count));
    for (std::int32_t t = 0; t < topic_count; ++t) {
        const std::string topic(body.string());
        const auto partition_count = body.array_length(false, 12);
        std::vector<partition_answer> answers;
        for (std::int32_t p = 0; p < partition_count; ++p) {
            const std::int32_t index = body.int32();
            const std::int64_t timestamp = body.int64();
            if (req.version() == 0) body.int32();  // max_num_offsets
            answers.push_back(look_up(*cluster, topic, index, timestamp));
        }
        out.string(topic);
        out.array_length(answers.size());
        for (const auto& a : answers) {
            out.int32(a.index);
            out.error(a.error);
            if (req.version() == 0) {
                if (a.error == error_code::none && a.offset >= 0) {
                    out.array_length(1);
                    out.int64(a.offset);
                } else {
                    out.array_length(0);
                }
            } else {
                out.int64(a.timestamp);
                out.int64(a.offset);
            }
        }
    }
    return {};
}

}  // namespace emu::kafka::handlers
