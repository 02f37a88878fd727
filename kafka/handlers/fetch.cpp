#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "kafka/error_mapping.hpp"
#include "kafka/handlers.hpp"
#include "kafka/protocol/error_codes.hpp"
#include "state/errors.hpp"

namespace emu::kafka::handlers {

namespace {

using protocol::error_code;

struct partition_answer {
    std::int32_t index = 0;
    error_code error = error_code::none;
    std::int64_t high_watermark = -1;
    std::int64_t log_start_offset = -1;
    state::stored_bytes records;  // record batches, as the cluster keeps them
};

struct topic_answer {
    std::string name;
    std::vector<partition_answer> partitions;
};

partition_answer read(const state::kafka_cluster& cluster, const std::string& topic, std::int32_t index,
                      std::int64_t offset, std::size_t max_bytes) {
    partition_answer answer{index, error_code::none, -1, -1, {}};
    try {
        auto slice = cluster.read(topic, index, offset, max_bytes);
        const auto& p = slice.state;
        if (offset < p.start_offset || offset > p.end_offset) {
            answer.error = error_code::offset_out_of_range;
            return answer;
        }
        answer.high_watermark = p.end_offset;
        answer.log_start_offset = p.start_offset;
        answer.records = std::move(slice.records);
    } catch (const state::error& e) {
        answer.error = to_kafka_error(e.code());
    }
    return answer;
}

}  // namespace

// Fetch v4-11 (AK FetchRequest/Response.json), sessionless: session id 0 (epoch -1 or 0) is a full fetch
// answered with session id 0; another session id is FETCH_SESSION_ID_NOT_FOUND. Each partition's stored
// record batches from the one holding the fetch offset come as they were produced (the first may begin
// below the fetch offset: clients skip those records), at least one batch even past the limits (KIP-74),
// then up to partition_max_bytes and the request's max_bytes. No transactions: the last stable
// offset is the high watermark, for either isolation level. A fetch offset outside [log start, log end] is
// OFFSET_OUT_OF_RANGE with the offsets -1 (AK Partition.fetchRecords). With less than min_bytes and no
// error, the request waits up to max_wait_ms for an append.
handler_result fetch(const request& req, protocol::reader& body, protocol::writer& out) {
    body.int32();  // replica_id
    const std::int32_t max_wait_ms = body.int32();
    const std::int32_t min_bytes = body.int32();
    std::int32_t max_bytes = body.int32();
    body.int8();  // isolation_level: without transactions both read up to the high watermark
    std::int32_t session_id = 0;
    if (req.version() >= 7) {
        session_id = body.int32();
        body.int32();  // session_epoch
    }
    if (max_bytes <= 0) max_bytes = 0;
    const auto cluster = req.cluster();
    std::vector<topic_answer> topics;
    std::size_t total = 0;
    bool any_error = false;
    const auto topic_count = body.array_length(false, 6);
    for (std::int32_t t = 0; t < topic_count; ++t) {
        topic_answer& topic = topics.emplace_back();
        topic.name = std::string(body.string());
        const auto partition_count = body.array_length(false, 16);
        for (std::int32_t p = 0; p < partition_count; ++p) {
            const std::int32_t index = body.int32();
            if (req.version() >= 9) body.int32();  // current_leader_epoch
            const std::int64_t offset = body.int64();
            if (req.version() >= 5) body.int64();  // log_start_offset (a follower's)
            const std::int32_t partition_max = body.int32();
            std::size_t budget = static_cast<std::size_t>(std::max(partition_max, 0));
            const std::size_t left = total >= static_cast<std::size_t>(max_bytes) ? 0 : max_bytes - total;
            budget = std::min(budget, left);
            // KIP-74: the first partition with data gets one message whatever the limits.
            auto answer = read(*cluster, topic.name, index, offset,
                               total == 0 ? std::max<std::size_t>(budget, 1) : budget);
            if (total > 0 && budget == 0) answer.records.clear();
            if (answer.error != error_code::none) any_error = true;
            total += answer.records.size;
            topic.partitions.push_back(std::move(answer));
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

    const error_code top_error = session_id != 0 ? error_code::fetch_session_id_not_found : error_code::none;
    if (top_error == error_code::none && !any_error && !req.final_attempt && max_wait_ms > 0 &&
        total < static_cast<std::size_t>(std::max(min_bytes, 0))) {
        return handler_result{true, false, std::chrono::milliseconds(max_wait_ms)};
    }
    out.int32(0);  // throttle_time_ms
    if (req.version() >= 7) {
        out.error(top_error);
        out.int32(0);  // session_id: sessionless
    }
    if (top_error != error_code::none) {
        out.array_length(0);
        return {};
    }
    out.array_length(topics.size());
    for (const auto& t : topics) {
        out.string(t.name);
        out.array_length(t.partitions.size());
        for (const auto& p : t.partitions) {
            out.int32(p.index);
            out.error(p.error);
            out.int64(p.high_watermark);
            out.int64(p.high_watermark);  // last_stable_offset
            if (req.version() >= 5) out.int64(p.log_start_offset);
            out.array_length(0);                                   // aborted_transactions
            if (req.version() >= 11) out.int32(-1);                // preferred_read_replica
            out.int32(static_cast<std::int32_t>(p.records.size));  // records (not null)
            for (const auto& piece : p.records.pieces) out.splice(piece.bytes, piece.holder);
        }
    }
    return {};
}

}  // namespace emu::kafka::handlers
