// librdkafka producing and consuming on the logs the REST API administers: every codec and acks setting,
// the REST deletion seen by a Kafka consumer (the headline), REST-sent messages read over the wire, and
// offsets by time.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "tests/clients/kafka/rdkafka.hpp"
#include "tests/support/dms_client.hpp"
#include "tests/support/test_server.hpp"

namespace emu::test {
namespace {

rapidjson::Document partitions(const test_server& server, const std::string& instance,
                               const std::string& topic) {
    rapidjson::Document doc;
    doc.Parse(server.request("GET", partitions_path(instance, topic)).body.c_str());
    return doc;
}

class RdkafkaProduceFetch : public ::testing::Test {
  protected:
    void SetUp() override {
        instance_ = create_instance(server_);
        create_topic(server_, instance_, "orders", 3);
        bootstrap_ = kafka_bootstrap(server_, instance_);
    }

    // Produces `count` messages "m0".. to one partition and checks every delivery report.
    void produce(std::int32_t partition, int count, const rdkafka::settings& extra = {}) {
        rdkafka::producer p(bootstrap_, extra);
        ASSERT_TRUE(p.ok()) << p.error();
        for (int i = 0; i < count; ++i) {
            ASSERT_EQ(p.produce("orders", partition, "k" + std::to_string(i), "m" + std::to_string(i),
                                {{"trace", "t" + std::to_string(i)}}),
                      RD_KAFKA_RESP_ERR_NO_ERROR);
        }
        rdkafka::expect_delivered(p, static_cast<std::size_t>(count));
    }

    test_server server_;
    std::string instance_;
    std::string bootstrap_;
};

TEST_F(RdkafkaProduceFetch, EveryCodecAndAcksSettingStoresWhatTheRestApiAndAConsumerRead) {
    int produced = 0;
    for (const std::string codec : {"none", "gzip", "snappy", "lz4", "zstd"}) {
        for (const std::string acks : {"1", "all"}) {
            produce(0, 3, {{"compression.codec", codec}, {"acks", acks}});
            produced += 3;
        }
    }
    EXPECT_EQ(partitions(server_, instance_, "orders")["partitions"][0]["last_offset"].GetInt64(), produced);
    const auto got = rdkafka::consume(bootstrap_, "orders", 0, RD_KAFKA_OFFSET_BEGINNING, produced);
    ASSERT_EQ(got.size(), static_cast<std::size_t>(produced));
    for (int i = 0; i < produced; ++i) {
        EXPECT_EQ(got[i].error, RD_KAFKA_RESP_ERR_NO_ERROR);
        EXPECT_EQ(got[i].offset, i);
        EXPECT_EQ(got[i].key, "k" + std::to_string(i % 3));
        EXPECT_EQ(got[i].value, "m" + std::to_string(i % 3));
        ASSERT_EQ(got[i].headers.size(), 1u);
        EXPECT_EQ(got[i].headers[0],
                  (std::pair<std::string, std::string>{"trace", "t" + std::to_string(i % 3)}));
    }
    // The REST message view decodes the same records.
    const auto shown =
        server_.request("GET", partition_path(instance_, "orders", "0") + "/message?message_offset=4");
    EXPECT_NE(shown.body.find(R"("key":"k1","value":"m1")"), std::string::npos) << shown.body;
}

TEST_F(RdkafkaProduceFetch, AcksZeroIsStoredWithoutAnAnswer) {
    produce(1, 5, {{"acks", "0"}});
    const auto got = rdkafka::consume(bootstrap_, "orders", 1, RD_KAFKA_OFFSET_BEGINNING, 5);
    ASSERT_EQ(got.size(), 5u);
    EXPECT_EQ(got.back().value, "m4");
}

// The headline: produce with a Kafka client, delete through REST (both forms), read with a Kafka client
// from the new log start.
TEST_F(RdkafkaProduceFetch, AConsumerSeesTheLogStartARestDeletionMoved) {
    produce(0, 10);
    auto reply = server_.request("POST", post_delete_path(instance_, "orders"),
                                 R"({"partitions":[{"partition":0,"offset":4}]})");
    ASSERT_EQ(reply.status, 200u) << reply.body;
    auto got = rdkafka::consume(bootstrap_, "orders", 0, RD_KAFKA_OFFSET_BEGINNING, 6);
    ASSERT_EQ(got.size(), 6u);
    EXPECT_EQ(got.front().offset, 4);
    EXPECT_EQ(got.front().value, "m4");

    reply = server_.request("DELETE", legacy_delete_path(instance_, "orders"),
                            R"({"partitions":[{"partition":0,"offset":7}]})");
    ASSERT_EQ(reply.status, 200u) << reply.body;
    rd_kafka_t* handle = nullptr;
    rdkafka::producer watermarks(bootstrap_);
    handle = watermarks.get();
    std::int64_t low = -1;
    std::int64_t high = -1;
    ASSERT_EQ(rd_kafka_query_watermark_offsets(handle, "orders", 0, &low, &high, 10000),
              RD_KAFKA_RESP_ERR_NO_ERROR);
    EXPECT_EQ(low, 7);
    EXPECT_EQ(high, 10);

    // A stored position below the start is out of range: auto.offset.reset decides where reading resumes.
    got = rdkafka::consume(bootstrap_, "orders", 0, 2, 3, {{"auto.offset.reset", "earliest"}});
    ASSERT_EQ(got.size(), 3u);
    EXPECT_EQ(got.front().offset, 7);
    got = rdkafka::consume(bootstrap_, "orders", 0, 2, 1, {{"auto.offset.reset", "error"}});
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(got.front().error, RD_KAFKA_RESP_ERR__AUTO_OFFSET_RESET);
}

TEST_F(RdkafkaProduceFetch, ARestSentMessageIsARecordEveryKafkaClientReads) {
    send(server_, instance_, "orders", "hello", 2, std::string("user-7"));
    const auto got = rdkafka::consume(bootstrap_, "orders", 2, RD_KAFKA_OFFSET_BEGINNING, 1);
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(got[0].error, RD_KAFKA_RESP_ERR_NO_ERROR);
    EXPECT_EQ(got[0].key, "user-7");
    EXPECT_EQ(got[0].value, "hello");
    EXPECT_EQ(got[0].timestamp, t0);  // the server's clock when REST took it
}

// A consumer waiting at the end gets a message produced through REST meanwhile (Fetch long-poll woken by
// the append, not by its timeout).
TEST_F(RdkafkaProduceFetch, AWaitingFetchIsWokenByAnAppend) {
    std::chrono::steady_clock::time_point sent;
    std::thread sender([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(1500));
        sent = std::chrono::steady_clock::now();
        send(server_, instance_, "orders", "late", 1);
    });
    // Offset 0 of the empty partition is its end: each fetch waits there, up to 5 s.
    const auto got = rdkafka::consume(bootstrap_, "orders", 1, 0, 1, {{"fetch.wait.max.ms", "5000"}});
    const auto received = std::chrono::steady_clock::now();
    sender.join();
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(got[0].value, "late");
    EXPECT_LT(received - sent, std::chrono::seconds(2));
}

TEST_F(RdkafkaProduceFetch, OffsetsForTimes) {
    rdkafka::producer p(bootstrap_);
    ASSERT_TRUE(p.ok());
    for (int i = 0; i < 3; ++i) {
        rd_kafka_producev(p.get(), RD_KAFKA_V_TOPIC("orders"), RD_KAFKA_V_PARTITION(0),
                          RD_KAFKA_V_VALUE(const_cast<char*>("v"), 1), RD_KAFKA_V_TIMESTAMP(1000 * (i + 1)),
                          RD_KAFKA_V_END);
    }
    ASSERT_EQ(p.flush().size(), 3u);
    rd_kafka_topic_partition_list_t* query = rd_kafka_topic_partition_list_new(3);
    rd_kafka_topic_partition_list_add(query, "orders", 0)->offset = 1500;  // a time
    ASSERT_EQ(rd_kafka_offsets_for_times(p.get(), query, 10000), RD_KAFKA_RESP_ERR_NO_ERROR);
    EXPECT_EQ(query->elems[0].offset, 1);
    EXPECT_EQ(query->elems[0].err, RD_KAFKA_RESP_ERR_NO_ERROR);
    query->elems[0].offset = 9999;  // after every message: none
    ASSERT_EQ(rd_kafka_offsets_for_times(p.get(), query, 10000), RD_KAFKA_RESP_ERR_NO_ERROR);
    EXPECT_EQ(query->elems[0].offset, -1);
    rd_kafka_topic_partition_list_destroy(query);
}

TEST_F(RdkafkaProduceFetch, AnUnknownTopicIsRefusedWithoutAutoCreation) {
    rdkafka::producer p(bootstrap_, {{"message.timeout.ms", "2000"}});
    ASSERT_TRUE(p.ok());
    p.produce("nowhere", 0, std::nullopt, "x");
    const auto reports = p.flush(5000);
    ASSERT_EQ(reports.size(), 1u);
    EXPECT_NE(reports[0].error, RD_KAFKA_RESP_ERR_NO_ERROR);
    EXPECT_EQ(server_.request("GET", topics_path(instance_)).body.find("nowhere"), std::string::npos);
}

}  // namespace
}  // namespace emu::test
