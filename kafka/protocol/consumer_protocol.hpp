#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

// The consumer protocol's assignment, the bytes a group leader hands each member in SyncGroup when the
// group's protocol type is "consumer" (AK ConsumerProtocolAssignment.json): version (INT16), then
// assigned_partitions as [topic STRING, partitions [INT32]], then user_data (NULLABLE BYTES, ignored).
// The coordinator keeps the bytes as they came; the management views decode them.
namespace emu::kafka::protocol {

struct topic_assignment {
    std::string topic;
    std::vector<std::int32_t> partitions;
};

// None when the bytes are not a consumer assignment (another protocol type, or cut short); empty bytes
// are an empty assignment.
std::optional<std::vector<topic_assignment>> decode_consumer_assignment(std::string_view bytes);

}  // namespace emu::kafka::protocol
