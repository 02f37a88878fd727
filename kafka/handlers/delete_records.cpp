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

error_code status_error(state::delete_records_status status) {
    switch (status) {
        case state::delete_records_status::success:
            return error_code::none;
        case state::delete_records_status::offset_out_of_range:
            return error_code::offset_out_of_range;
        case state::delete_records_status::unknown_partition:
            return error_code::unknown_topic_or_partition;
    }
    return error_code::unknown_server_error;
}

// Read whole before anything is deleted: a request that does not decode closes the connection, and
// must delete nothing.
topics_of<state::delete_records_entry> read_delete_records(protocol::reader& body) {
    auto topics = read_topics<state::delete_records_entry>(body, 12, [](protocol::reader& b) {
        const std::int32_t index = b.int32();
        return state::delete_records_entry{index, b.int64()};
    });
    body.int32();  // timeout_ms
    return topics;
}

struct partition_answer {
    std::int32_t index = 0;
    std::int64_t low_watermark = -1;
    error_code error = error_code::none;
};

void write_delete_records(protocol::writer& out, const topics_of<partition_answer>& topics) {
    out.int32(0);  // throttle_time_ms
    write_topics(out, topics, [&](const partition_answer& p) {
        out.int32(p.index);
        out.int64(p.low_watermark);
        out.error(p.error);
    });
}

}  // namespace

namespace handlers {

// DeleteRecords v0-1 (AK DeleteRecordsRequest/Response.json; v1 only changes throttling): the REST
// deletion's operation, state::kafka_cluster::delete_records, per topic. -1 deletes to the high watermark;
// another negative offset or one past the high watermark is OFFSET_OUT_OF_RANGE; an offset at or below the
// log start changes nothing and answers the start. Every error answers low_watermark -1, as Kafka does
// (the cluster reports the unchanged start, which the REST front does not show). timeout_ms is read and
// not waited on: one copy of each log means the deletion is complete when the call returns.
handler_result delete_records(const request& req, protocol::reader& body, protocol::writer& out) {
    const auto topics = read_delete_records(body);
    const auto cluster = req.cluster();
    topics_of<partition_answer> answers;
    for (const auto& topic : topics) {
        auto& answer = answers.emplace_back();
        answer.name = topic.name;
        try {
            for (const auto& r : cluster->delete_records(std::string(topic.name), topic.partitions)) {
                const auto error = status_error(r.status);
                answer.partitions.push_back(
                    {r.partition, error == error_code::none ? r.low_watermark : -1, error});
            }
        } catch (const state::error& e) {
            // The topic is unknown (or went away): every partition of it answers the same.
            const auto error = to_kafka_error(e.code());
            for (const auto& entry : topic.partitions)
                answer.partitions.push_back({entry.partition, -1, error});
        }
    }
    write_delete_records(out, answers);
    return {};
}

}  // namespace handlers

namespace error_answers {

handler_result delete_records(const request&, protocol::reader& body, protocol::writer& out,
                              error_code error) {
    const auto topics = read_delete_records(body);
    write_delete_records(out, answer_each<partition_answer>(
                                  topics, [&](const std::string&, const state::delete_records_entry& p) {
                                      return partition_answer{p.partition, -1, error};
                                  }));
    return {};
}

}  // namespace error_answers

}  // namespace emu::kafka
