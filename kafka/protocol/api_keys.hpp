#pragma once

#include <cstdint>

// The API keys of the requests the listener knows (AK clients/src/main/resources/common/message/*Request.json
// "apiKey").
namespace emu::kafka::protocol {

enum class api_key : std::int16_t {
    produce = 0,
    fetch = 1,
    list_offsets = 2,
    metadata = 3,
    offset_commit = 8,
    offset_fetch = 9,
    find_coordinator = 10,
    join_group = 11,
    heartbeat = 12,
    leave_group = 13,
    sync_group = 14,
    describe_groups = 15,
    list_groups = 16,
    api_versions = 18,
    create_topics = 19,
    delete_topics = 20,
    delete_records = 21,
    init_producer_id = 22,
    describe_configs = 32,
    create_partitions = 37,
    delete_groups = 42,
};

}  // namespace emu::kafka::protocol
