#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kafka/error_mapping.hpp"
#include "kafka/handlers.hpp"
#include "kafka/handlers/per_topic.hpp"
#include "kafka/protocol/error_codes.hpp"
#include "state/errors.hpp"

namespace emu::kafka {

namespace {

using protocol::error_code;

struct partition_request {
    std::int32_t index = 0;
    std::int64_t offset = 0;
    std::int32_t max_bytes = 0;
};

struct fetch_request {
    std::int32_t max_wait_ms = 0;
    std::int32_t min_bytes = 0;
    std::int32_t max_bytes = 0;
    std::int32_t session_id = 0;
    topics_of<partition_request> topics;
};

fetch_request read_fetch(const request& req, protocol::reader& body) {
    fetch_request r;
    body.int32();  // replica_id
    r.max_wait_ms = body.int32();
    r.min_bytes = body.int32();
    r.max_bytes = body.int32();
    body.int8();  // isolation_level: without transactions both read up to the high watermark
    if (req.version() >= 7) {
        r.session_id = body.int32();
        body.int32();  // session_epoch
    }
    r.topics = read_topics<partition_request>(body, 16, [&](protocol::reader& b) {
        partition_request p;
        p.index = b.int32();
        if (req.version() >= 9) b.int32();  // current_leader_epoch
        p.offset = b.int64();
        if (req.version() >= 5) b.int64();  // log_start_offset (a follower's)
        p.max_bytes = b.int32();
        return p;
    });
    if (req.version() >= 7) {
        const auto forgotten = body.array_length(false, 6);
        for (std::int32_t i = 0; i < forgotten; ++i) {
            body.string();
            const auto n = body.array_length(false, 4);
            for (std::int32_t k = 0; k < n; ++k) body.int32();
        }
    }
    if (req.version() >= 11) body.string();  // rack_id
    return r;
}

struct partition_answer {
    std::int32_t index = 0;
    error_code error = error_code::none;
    std::int64_t high_watermark = -1;
    std::int64_t log_start_offset = -1;
    state::stored_bytes records;  // record batches, as the cluster keeps them
    bool null_records = false;    // records null (an injected error's answer), not empty
};

void write_fetch(const request& req, protocol::writer& out, error_code top_error,
                 const topics_of<partition_answer>& topics) {
    out.int32(0);  // throttle_time_ms
    if (req.version() >= 7) {
        out.error(top_error);
        out.int32(0);  // session_id: sessionless
    }
    write_topics(out, topics, [&](const partition_answer& p) {
        out.int32(p.index);
        out.error(p.error);
        out.int64(p.high_watermark);
        out.int64(p.high_watermark);  // last_stable_offset
        if (req.version() >= 5) out.int64(p.log_start_offset);
        out.array_length(0);                     // aborted_transactions
        if (req.version() >= 11) out.int32(-1);  // preferred_read_replica
        if (p.null_records) {
            out.nullable_bytes(std::nullopt);
            return;
        }
        out.int32(static_cast<std::int32_t>(p.records.size));  // records (not null)
        for (const auto& piece : p.records.pieces) out.splice(piece.bytes, piece.holder);
    });
}

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

namespace handlers {

// Fetch v4-11 (AK FetchRequest/Response.json), sessionless: session id 0 (epoch -1 or 0) is a full fetch
// answered with session id 0; another session id is FETCH_SESSION_ID_NOT_FOUND. Each partition's stored
// record batches from the one holding the fetch offset come as they were produced (the first may begin
// below the fetch offset: clients skip those records), at least one batch even past the limits (KIP-74),
// then up to partition_max_bytes and the request's max_bytes. No transactions: the last stable
// offset is the high watermark, for either isolation level. A fetch offset outside [log start, log end] is
// OFFSET_OUT_OF_RANGE with the offsets -1 (AK Partition.fetchRecords). With less than min_bytes and no
// error, the request waits up to max_wait_ms for an append.
handler_result fetch(const request& req, protocol::reader& body, protocol::writer& out) {
    const auto r = read_fetch(req, body);
    const auto cluster = req.cluster();
    if (r.session_id != 0) {
        write_fetch(req, out, error_code::fetch_session_id_not_found, {});
        return {};
    }
    const std::size_t max_bytes = static_cast<std::size_t>(std::max(r.max_bytes, 0));
    std::size_t total = 0;
    bool any_error = false;
    // In the request's order: each partition's budget is what the ones before it left.
    const auto answers = answer_each<partition_answer>(
        r.topics, [&](const std::string& topic, const partition_request& asked) {
            std::size_t budget = static_cast<std::size_t>(std::max(asked.max_bytes, 0));
            const std::size_t left = total >= max_bytes ? 0 : max_bytes - total;
            budget = std::min(budget, left);
            // KIP-74: the first partition with data gets one message whatever the limits.
            auto answer = read(*cluster, topic, asked.index, asked.offset,
                               total == 0 ? std::max<std::size_t>(budget, 1) : budget);
            if (total > 0 && budget == 0) answer.records.clear();
            if (answer.error != error_code::none) any_error = true;
            total += answer.records.size;
            return answer;
        });
    if (!any_error && !req.final_attempt && r.max_wait_ms > 0 &&
        total < static_cast<std::size_t>(std::max(r.min_bytes, 0))) {
        return handler_result{true, false, std::chrono::milliseconds(r.max_wait_ms)};
    }
    write_fetch(req, out, error_code::none, answers);
    return {};
}

}  // namespace handlers

namespace error_answers {

// At once, without the long-poll; the top-level error (v7+) and every partition's.
handler_result fetch(const request& req, protocol::reader& body, protocol::writer& out, error_code error) {
    const auto r = read_fetch(req, body);
    write_fetch(req, out, error,
                answer_each<partition_answer>(r.topics, [&](const std::string&, const partition_request& p) {
                    return partition_answer{p.index, error, -1, -1, {}, true};
                }));
    return {};
}

}  // namespace error_answers

}  // namespace emu::kafka
