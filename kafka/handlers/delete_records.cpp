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

struct partition_answer {
    std::int32_t index = 0;
    std::int64_t low_watermark = -1;
    error_code error = error_code::none;
};

}  // namespace

// DeleteRecords v0-1 (AK DeleteRecordsRequest/Response.json; v1 only changes throttling): the REST
// deletion's operation, state::kafka_cluster::delete_records, per topic. -1 deletes to the high watermark;
// another negative offset or one past the high watermark is OFFSET_OUT_OF_RANGE; an offset at or below the
// log start changes nothing and answers the start. Every error answers low_watermark -1, as Kafka does
// (the cluster reports the unchanged start, which the REST front does not show). timeout_ms is read and
// not waited on: one copy of each log means the deletion is complete when the call returns.
handler_result delete_records(const request& req, protocol::reader& body, protocol::writer& out) {
    const auto cluster = req.cluster();
    const auto topic_count = body.array_length(false, 6);
    struct topic_answer {
        std::string name;
        std::vector<partition_answer> partitions;
    };
    std::vector<topic_answer> answers;
    for (std::int32_t t = 0; t < topic_count; ++t) {
        topic_answer answer{std::string(body.string()), {}};
        const auto partition_count = body.array_length(false, 12);
        std::vector<state::delete_records_entry> entries;
        for (std::int32_t p = 0; p < partition_count; ++p) {
            const std::int32_t index = body.int32();
            const std::int64_t offset = body.int64();
            entries.push_back({index, offset});
        }
        answers.push_back(std::move(answer));
        auto& partitions = answers.back().partitions;
        try {
            for (const auto& r : cluster->delete_records(answers.back().name, entries)) {
                const auto error = status_error(r.status);
                partitions.push_back({r.partition, error == error_code::none ? r.low_watermark : -1, error});
            }
        } catch (const state::error& e) {
            // The topic is unknown (or went away): every partition of it answers the same.
            const auto error = to_kafka_error(e.code());
            for (const auto& entry : entries) partitions.push_back({entry.partition, -1, error});
        }
    }
    body.int32();  // timeout_ms

    out.int32(0);  // throttle_time_ms
    out.array_length(answers.size());
    for (const auto& topic : answers) {
        out.string(topic.name);
        out.array_length(topic.partitions.size());
        for (const auto& p : topic.partitions) {
            out.int32(p.index);
            out.int64(p.low_watermark);
            out.error(p.error);
        }
    }
    return {};
}

}  // namespace emu::kafka::handlers
