// What librdkafka does shows in the DMS cluster operations, and what they change shows to librdkafka:
// ListTopicProducers names the producing connection, ShowKafkaTopicPartitionDiskusage counts its bytes,
// ShowCluster's brokers are the ones a client bootstraps from, and ModifyInstanceConfigs decides what a
// topic created on first use gets.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <string>
#include <vector>

#include "tests/clients/kafka/rdkafka.hpp"
#include "tests/support/dms_client.hpp"
#include "tests/support/test_server.hpp"

namespace emu::test {
namespace {

rapidjson::Document get_json(const test_server& server, const std::string& target) {
    const auto reply = server.request("GET", target);
    EXPECT_EQ(reply.status, 200U) << target << ": " << reply.body;
    rapidjson::Document doc;
    doc.Parse(reply.body.c_str());
    return doc;
}

class RdkafkaDmsOps : public ::testing::Test {
  protected:
    void SetUp() override {
        server_.clock().now_ms = t0 + 7;
        instance_ = create_instance(server_);
        bootstrap_ = kafka_bootstrap(server_, instance_);
    }

    void produce(const std::string& topic, std::int32_t partition, int count, const std::string& client_id) {
        rdkafka::producer p(bootstrap_, {{"client.id", client_id}});
        ASSERT_TRUE(p.ok()) << p.error();
        for (int i = 0; i < count; ++i) {
            ASSERT_EQ(p.produce(topic, partition, std::nullopt, std::string(100, 'x')),
                      RD_KAFKA_RESP_ERR_NO_ERROR);
        }
        rdkafka::expect_delivered(p, static_cast<std::size_t>(count));
    }

    test_server server_;
    std::string instance_;
    std::string bootstrap_;
};

TEST_F(RdkafkaDmsOps, ListTopicProducersNamesTheConnectionThatProduced) {
    create_topic(server_, instance_, "orders", 3);
    produce("orders", 1, 4, "emu-orders-app");

    const auto listed = get_json(server_, dms + "/kafka/instances/" + instance_ + "/topics/orders/producers");
    ASSERT_EQ(listed["total"].GetInt(), 1) << to_json(listed);
    const auto& row = listed["producers"][0];
    const std::string producer = row["producer_address"].GetString();
    EXPECT_EQ(producer.rfind("127.0.0.1:", 0), 0U) << producer;
    EXPECT_EQ(row["join_time"].GetInt64(), t0 + 7);
    // Partition 1's leader is broker 1: the client produced through that broker's port.
    const auto address = server_.state().kafka.get_instance(project_id, instance_).address;
    EXPECT_EQ(std::string(row["broker_address"].GetString()),
              address.host + ":" + std::to_string(address.port_of(1)));
    // The registry keeps the request header's client id and the partition.
    const auto seen = server_.state().kafka.producers(project_id, instance_)->of_topic("orders", t0 + 7);
    ASSERT_EQ(seen.size(), 1U);
    EXPECT_EQ(seen[0].seen.client_id, "emu-orders-app");
    EXPECT_EQ(seen[0].seen.partition, 1);
    EXPECT_EQ(seen[0].seen.address, producer);
    // Nobody produced to another topic; the REST SendKafkaMessage is no Kafka producer.
    create_topic(server_, instance_, "quiet", 1);
    send(server_, instance_, "quiet", "by rest");
    EXPECT_EQ(get_json(server_, dms + "/kafka/instances/" + instance_ + "/topics/quiet/producers")["total"]
                  .GetInt(),
              0);

    // The produced bytes are on the partition's replicas: brokers 1, 2 and 0 each hold them.
    const auto usage = get_json(server_, instance_path(instance_) + "/topics/diskusage?top=1");
    for (const auto& broker : usage["broker_list"].GetArray()) {
        ASSERT_EQ(broker["topic_list"].Size(), 1U) << to_json(usage);
        EXPECT_STREQ(broker["topic_list"][0]["topic_name"].GetString(), "orders");
        EXPECT_STREQ(broker["topic_list"][0]["topic_partition"].GetString(), "1");
        EXPECT_NE(std::string(broker["topic_list"][0]["size"].GetString()), "0B");
    }
}

TEST_F(RdkafkaDmsOps, ShowClusterListsTheBrokersMetadataAdvertises) {
    create_topic(server_, instance_, "orders", 3);
    const auto cluster = get_json(server_, instance_path(instance_) + "/management/cluster");
    std::string listed;
    for (const auto& b : cluster["cluster"]["brokers"].GetArray()) {
        listed += (listed.empty() ? "" : ",") + std::string(b["host"].GetString()) + ":" +
                  std::to_string(b["port"].GetInt());
    }
    EXPECT_EQ(listed, bootstrap_);
    // librdkafka's metadata names the same brokers.
    rdkafka::producer p(listed);
    ASSERT_TRUE(p.ok()) << p.error();
    const rd_kafka_metadata_t* metadata = nullptr;
    ASSERT_EQ(rd_kafka_metadata(p.get(), 1, nullptr, &metadata, 10000), RD_KAFKA_RESP_ERR_NO_ERROR);
    ASSERT_EQ(metadata->broker_cnt, 3);
    for (int i = 0; i < metadata->broker_cnt; ++i) {
        const auto& b = metadata->brokers[i];
        const auto& shown = cluster["cluster"]["brokers"][static_cast<rapidjson::SizeType>(b.id)];
        EXPECT_EQ(std::string(shown["broker_id"].GetString()), std::to_string(b.id));
        EXPECT_EQ(shown["port"].GetInt(), b.port);
    }
    rd_kafka_metadata_destroy(metadata);
}

TEST_F(RdkafkaDmsOps, ModifyInstanceConfigsDecidesWhatATopicCreatedOnFirstUseGets) {
    // Off (the instance's default): producing to an unknown topic creates nothing.
    {
        rdkafka::producer p(bootstrap_, {{"message.timeout.ms", "1500"}});
        ASSERT_TRUE(p.ok()) << p.error();
        p.produce("not-created", RD_KAFKA_PARTITION_UA, std::nullopt, "x");
        const auto reports = p.flush(5000);
        ASSERT_EQ(reports.size(), 1U);
        EXPECT_NE(reports[0].error, RD_KAFKA_RESP_ERR_NO_ERROR);
    }
    EXPECT_EQ(server_.request("GET", topics_path(instance_)).body.find("not-created"), std::string::npos);

    const auto modified = server_.request("PUT", instance_path(instance_) + "/configs", R"({"kafka_configs":[
        {"name":"auto.create.topics.enable","value":"true"},{"name":"num.partitions","value":"5"},
        {"name":"default.replication.factor","value":"2"},{"name":"log.retention.hours","value":"24"}]})");
    ASSERT_EQ(modified.status, 200U) << modified.body;
    produce("fresh", RD_KAFKA_PARTITION_UA, 1, "emu-first-use");

    const auto topics = get_json(server_, topics_path(instance_));
    ASSERT_EQ(topics["total"].GetInt(), 1) << to_json(topics);
    const auto& fresh = topics["topics"][0];
    EXPECT_STREQ(fresh["name"].GetString(), "fresh");
    EXPECT_EQ(fresh["partition"].GetInt(), 5);
    EXPECT_EQ(fresh["replication"].GetInt(), 2);
    EXPECT_EQ(fresh["retention_time"].GetInt(), 24);
    // librdkafka sees the five partitions too.
    rdkafka::producer p(bootstrap_);
    ASSERT_TRUE(p.ok()) << p.error();
    rd_kafka_topic_t* handle = rd_kafka_topic_new(p.get(), "fresh", nullptr);
    const rd_kafka_metadata_t* metadata = nullptr;
    ASSERT_EQ(rd_kafka_metadata(p.get(), 0, handle, &metadata, 10000), RD_KAFKA_RESP_ERR_NO_ERROR);
    ASSERT_EQ(metadata->topic_cnt, 1);
    EXPECT_EQ(metadata->topics[0].partition_cnt, 5);
    EXPECT_EQ(metadata->topics[0].partitions[0].replica_cnt, 2);
    rd_kafka_metadata_destroy(metadata);
    rd_kafka_topic_destroy(handle);
}

}  // namespace
}  // namespace emu::test
