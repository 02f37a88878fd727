#pragma once

#include <cstdint>

// Kafka's protocol error codes (the numbers of org.apache.kafka.common.protocol.Errors), shared by every
// front that reports them: the REST DeleteRecords results today, a wire-protocol listener tomorrow.
namespace emu::kafka::protocol {

enum class error_code : std::int16_t {
    none = 0,
    offset_out_of_range = 1,
    unknown_topic_or_partition = 3,
};

constexpr std::int16_t number(error_code code) { return static_cast<std::int16_t>(code); }

}  // namespace emu::kafka::protocol
