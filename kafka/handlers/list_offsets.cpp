#include <cstdint>
#include <string>
#include <vector>

#include "kafka/error_mapping.hpp"
#include "kafka/handlers.hpp"
#include "kafka/handlers/per_topic.hpp"
#include "kafka/protocol/error_codes.hpp"
#include "state/errors.hpp"

namespace emu::kafka {

namespace {

using protocol::error_code;

constexpr std::int64_t latest = -1;
constexpr std::int64_t earliest = -2;

struct partition_request {
    std::int32_t index = 0;
    std::int64_t timestamp = 0;
};

topics_of<partition_request> read_list_offsets(const request& req, protocol::reader& body) {
    body.int32();                         // replica_id
    if (req.version() >= 2) body.int8();  // isolation_level
    return read_topics<partition_request>(body, 12, [&](protocol::reader& b) {
        partition_request p;
        p.index = b.int32();
        p.timestamp = b.int64();
        if (req.version() == 0) b.int32();  // max_num_offsets
        return p;
    });
}

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

void write_list_offsets(const request& req, protocol::writer& out,
                        const topics_of<partition_answer>& topics) {
    if (req.version() >= 2) out.int32(0);  // throttle_time_ms
    write_topics(out, topics, [&](const partition_answer& a) {
        out.int32(a.index);
        out.error(a.error);
        if (req.version() == 0) {
            if (a.error == error_code::none && a.offset >= 0) {
                out.array_length(1);
                out.int64(a.offset);
            } else {
                out.array_length(0);  // old_style_offsets
            }
        } else {
            out.int64(a.timestamp);
            out.int64(a.offset);
        }
    });
}

}  // namespace

namespace handlers {

// ListOffsets v0-3 (AK ListOffsetsRequest/Response.json): -1 is the log end (the high watermark, which is
// also the last stable offset: no transactions), -2 the log start, a time the first retained message at or
// after it (offset and timestamp -1 when there is none). v0 answers the old offsets array of one offset.
handler_result list_offsets(const request& req, protocol::reader& body, protocol::writer& out) {
    const auto topics = read_list_offsets(req, body);
    const auto cluster = req.cluster();
    const auto answers =
        answer_each<partition_answer>(topics, [&](const std::string& topic, const partition_request& p) {
            return look_up(*cluster, topic, p.index, p.timestamp);
        });
    write_list_offsets(req, out, answers);
    return {};
}

}  // namespace handlers

namespace error_answers {

handler_result list_offsets(const request& req, protocol::reader& body, protocol::writer& out,
                            error_code error) {
    const auto topics = read_list_offsets(req, body);
    write_list_offsets(
        req, out, answer_each<partition_answer>(topics, [&](const std::string&, const partition_request& p) {
            return partition_answer{p.index, error, -1, -1};
        }));
    return {};
}

}  // namespace error_answers

}  // namespace emu::kafka
