// librdkafka against the listener: the negotiation (ApiVersions v3 first) and the metadata it builds its
// view of the cluster from.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "tests/clients/kafka/rdkafka.hpp"
#include "tests/support/dms_client.hpp"
#include "tests/support/test_server.hpp"

namespace emu::test {
namespace {

int kafka_port(const test_server& server, const std::string& instance) {
    rapidjson::Document doc;
    doc.Parse(server.request("GET", instance_path(instance)).body.c_str());
    return doc["port"].GetInt();
}

// Every broker's host:port, as ShowInstance lists them.
std::vector<std::string> broker_addresses(const test_server& server, const std::string& instance) {
    rapidjson::Document doc;
    doc.Parse(server.request("GET", instance_path(instance)).body.c_str());
    std::vector<std::string> out;
    std::stringstream list(doc["kafka_private_connect_address"].GetString());
    for (std::string item; std::getline(list, item, ',');) out.push_back(item);
    return out;
}

TEST(RdkafkaMetadata, SeesTheInstancesBrokersAndTopics) {
    test_server server;
    const auto instance = create_instance(server);
    create_topic(server, instance, "orders", 3);
    create_topic(server, instance, "payments", 1);
    const int port = kafka_port(server, instance);

    std::string error;
    auto producer = rdkafka::make(RD_KAFKA_PRODUCER, "127.0.0.1:" + std::to_string(port), {}, error);
    ASSERT_TRUE(producer) << error;
    const rd_kafka_metadata_t* metadata = nullptr;
    ASSERT_EQ(rd_kafka_metadata(producer.get(), 1, nullptr, &metadata, 10000), RD_KAFKA_RESP_ERR_NO_ERROR);
    // Node ids 0..2 on ports of their own, as ShowInstance lists them; broker 0's is `port`.
    const auto addresses = broker_addresses(server, instance);
    ASSERT_EQ(addresses.size(), 3u);
    EXPECT_EQ(addresses[0], "127.0.0.1:" + std::to_string(port));
    ASSERT_EQ(metadata->broker_cnt, 3);
    for (int i = 0; i < metadata->broker_cnt; ++i) {
        const auto& b = metadata->brokers[i];
        EXPECT_EQ(std::string(b.host) + ":" + std::to_string(b.port),
                  addresses[static_cast<std::size_t>(b.id)]);
    }
    std::set<std::string> topics;
    for (int i = 0; i < metadata->topic_cnt; ++i) {
        const auto& t = metadata->topics[i];
        topics.insert(t.topic);
        EXPECT_EQ(t.err, RD_KAFKA_RESP_ERR_NO_ERROR);
        if (std::string(t.topic) == "orders") {
            ASSERT_EQ(t.partition_cnt, 3);
            for (int p = 0; p < 3; ++p) EXPECT_EQ(t.partitions[p].leader, p % 3);
        }
    }
    EXPECT_EQ(topics, (std::set<std::string>{"orders", "payments"}));
    rd_kafka_metadata_destroy(metadata);
}

TEST(RdkafkaMetadata, TwoInstancesAreTwoClusters) {
    test_server server;
    const auto first = create_instance(server, "kafka-a");
    const auto second = create_instance(server, "kafka-b");
    create_topic(server, first, "only-in-a", 1);
    create_topic(server, second, "only-in-b", 1);
    for (const auto& [instance, expected] : {std::pair{first, "only-in-a"}, std::pair{second, "only-in-b"}}) {
        std::string error;
        auto client = rdkafka::make(RD_KAFKA_PRODUCER,
                                    "127.0.0.1:" + std::to_string(kafka_port(server, instance)), {}, error);
        ASSERT_TRUE(client) << error;
        const rd_kafka_metadata_t* metadata = nullptr;
        ASSERT_EQ(rd_kafka_metadata(client.get(), 1, nullptr, &metadata, 10000), RD_KAFKA_RESP_ERR_NO_ERROR);
        ASSERT_EQ(metadata->topic_cnt, 1);
        EXPECT_STREQ(metadata->topics[0].topic, expected);
        rd_kafka_metadata_destroy(metadata);
    }
}

}  // namespace
}  // namespace emu::test
