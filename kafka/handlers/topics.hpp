#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "kafka/protocol/error_codes.hpp"
#include "state/kafka/cluster.hpp"

// What several handlers know of topics: names Kafka accepts, replica placement, auto-creation.
namespace emu::kafka::handlers {

// Kafka's legal topic names (AK common/internals/Topic.java): 1-249 of [a-zA-Z0-9._-], not "." or "..".
bool legal_topic_name(std::string_view name);

struct created_topic {
    protocol::error_code error = protocol::error_code::none;
    std::int32_t partitions = 0;
    std::int32_t replication = 0;
};

// Creates a topic on first use (Metadata, Produce) with the instance's broker settings
// (ModifyInstanceConfigs; DMS's defaults: 3 partitions, 72 hours, replication 3): num.partitions partitions,
// log.retention.hours, replication default.replication.factor but at most the brokers. A name Kafka refuses
// answers INVALID_TOPIC_EXCEPTION; a topic created by another request meanwhile is taken as it is.
created_topic auto_create_topic(state::kafka_cluster& cluster, const std::string& name,
                                const state::instance_spec& instance);

}  // namespace emu::kafka::handlers
