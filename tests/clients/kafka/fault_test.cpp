// librdkafka's retry paths driven by Kafka fault rules: a producer that meets a retriable Produce error
// retries until the rule's count is used up and stores each message once; a non-retriable one fails the
// delivery; a consumer's Fetch errors are retried; /_emulator/metrics shows what was answered.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <sstream>
#include <string>

#include "tests/clients/kafka/rdkafka.hpp"
#include "tests/support/dms_client.hpp"
#include "tests/support/test_server.hpp"

namespace emu::test {
namespace {

http_reply add_rule(const test_server& server, const std::string& rule) {
    return http_request(server.port(), "POST", "/_emulator/faults", rule,
                        {{"Content-Type", "application/json"}});
}

double sample(const test_server& server, const std::string& series) {
    std::istringstream lines(http_request(server.port(), "GET", "/_emulator/metrics").body);
    std::string line;
    while (std::getline(lines, line)) {
        if (line.starts_with(series + " ")) return std::stod(line.substr(series.size() + 1));
    }
    return -1;
}

std::int64_t end_offset(test_server& server, const std::string& instance, std::int32_t partition) {
    return server.state().kafka.cluster(project_id, instance)->partition("orders", partition).end_offset;
}

class RdkafkaFaults : public ::testing::Test {
  protected:
    void SetUp() override {
        instance_ = create_instance(server_);
        create_topic(server_, instance_, "orders", 1);
        bootstrap_ = kafka_bootstrap(server_, instance_);
    }

    test_server server_;
    std::string instance_;
    std::string bootstrap_;
};

TEST_F(RdkafkaFaults, AProducerRetriesARetriableErrorUntilTheCountIsUsedUp) {
    ASSERT_EQ(
        add_rule(server_, R"({"kafka_api":"Produce","kafka_error":"NOT_ENOUGH_REPLICAS","count":3})").status,
        201u);
    rdkafka::producer p(bootstrap_, {{"retry.backoff.ms", "10"}, {"linger.ms", "0"}});
    ASSERT_TRUE(p.ok()) << p.error();
    ASSERT_EQ(p.produce("orders", 0, "k", "retried"), RD_KAFKA_RESP_ERR_NO_ERROR);
    const auto reports = p.flush(15000);
    ASSERT_EQ(reports.size(), 1u);
    EXPECT_EQ(reports[0].error, RD_KAFKA_RESP_ERR_NO_ERROR) << rd_kafka_err2str(reports[0].error);
    EXPECT_EQ(reports[0].offset, 0);
    EXPECT_EQ(end_offset(server_, instance_, 0), 1);  // stored once, by the fourth attempt

    EXPECT_EQ(
        sample(server_, R"(stream_emulator_kafka_errors_total{api="Produce",error="NOT_ENOUGH_REPLICAS"})"),
        3);
    EXPECT_EQ(sample(server_, R"(stream_emulator_kafka_requests_total{api="Produce"})"), 4);
    EXPECT_GE(sample(server_, R"(stream_emulator_kafka_requests_total{api="ApiVersions"})"), 1);
    EXPECT_GE(sample(server_, R"(stream_emulator_kafka_requests_total{api="Metadata"})"), 1);
    EXPECT_EQ(sample(server_, R"(stream_emulator_faults_fired_total{action="error"})"), 3);
    EXPECT_GE(sample(server_, "stream_emulator_kafka_connections"), 1);
}

TEST_F(RdkafkaFaults, ANonRetriableErrorFailsTheDelivery) {
    ASSERT_EQ(
        add_rule(server_, R"({"kafka_api":"Produce","kafka_error":"TOPIC_AUTHORIZATION_FAILED","count":1})")
            .status,
        201u);
    rdkafka::producer p(bootstrap_, {{"message.timeout.ms", "5000"}});
    ASSERT_TRUE(p.ok()) << p.error();
    ASSERT_EQ(p.produce("orders", 0, "k", "refused"), RD_KAFKA_RESP_ERR_NO_ERROR);
    const auto reports = p.flush(10000);
    ASSERT_EQ(reports.size(), 1u);
    EXPECT_EQ(reports[0].error, RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED)
        << rd_kafka_err2str(reports[0].error);
    EXPECT_EQ(end_offset(server_, instance_, 0), 0);
}

TEST_F(RdkafkaFaults, AConsumerRetriesFetchErrorsAndADelayedProduceStillDelivers) {
    ASSERT_EQ(add_rule(server_, R"({"kafka_api":"Produce","delay_ms":300,"count":1})").status, 201u);
    {
        rdkafka::producer p(bootstrap_);
        ASSERT_TRUE(p.ok()) << p.error();
        ASSERT_EQ(p.produce("orders", 0, "k", "late"), RD_KAFKA_RESP_ERR_NO_ERROR);
        rdkafka::expect_delivered(p, 1);
    }
    ASSERT_EQ(
        add_rule(server_, R"({"kafka_api":"Fetch","kafka_error":"NOT_LEADER_OR_FOLLOWER","count":2})").status,
        201u);
    const auto got = rdkafka::consume(bootstrap_, "orders", 0, RD_KAFKA_OFFSET_BEGINNING, 1);
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(got[0].error, RD_KAFKA_RESP_ERR_NO_ERROR) << rd_kafka_err2str(got[0].error);
    EXPECT_EQ(got[0].value, "late");
    EXPECT_GE(
        sample(server_, R"(stream_emulator_kafka_errors_total{api="Fetch",error="NOT_LEADER_OR_FOLLOWER"})"),
        2);
    EXPECT_EQ(http_request(server_.port(), "GET", "/_emulator/faults").body, R"({"faults":[]})");
}

}  // namespace
}  // namespace emu::test
