#include "kafka/error_mapping.hpp"

#include <gtest/gtest.h>

namespace {

using emu::kafka::to_kafka_error;
using emu::kafka::protocol::error_code;
using emu::state::errc;

// The failures a Kafka request can meet, with Kafka's code for each; the rest are not Kafka's and answer
// UNKNOWN_SERVER_ERROR (-1).
TEST(KafkaErrorMapping, EveryStateFailureHasAKafkaCode) {
    EXPECT_EQ(to_kafka_error(errc::topic_not_found), error_code::unknown_topic_or_partition);
    EXPECT_EQ(to_kafka_error(errc::partition_not_found), error_code::unknown_topic_or_partition);
    EXPECT_EQ(to_kafka_error(errc::topic_exists), error_code::topic_already_exists);
    EXPECT_EQ(to_kafka_error(errc::partition_quota_exceeded), error_code::invalid_partitions);
    EXPECT_EQ(to_kafka_error(errc::partition_count_decrease), error_code::invalid_partitions);
    EXPECT_EQ(to_kafka_error(errc::replication_exceeds_brokers), error_code::invalid_replication_factor);
    EXPECT_EQ(to_kafka_error(errc::storage_full), error_code::kafka_storage_error);
    EXPECT_EQ(to_kafka_error(errc::instance_not_running), error_code::leader_not_available);
    for (const auto code : {errc::instance_not_found, errc::group_not_found, errc::stream_not_found,
                            errc::app_not_found, errc::not_supported, errc::consumer_quota_exceeded}) {
        EXPECT_EQ(to_kafka_error(code), error_code::unknown_server_error);
    }
}

}  // namespace
