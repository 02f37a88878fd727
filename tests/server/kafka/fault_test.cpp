// Fault rules on the Kafka listener (kafka_api / kafka_error / delay_ms / drop) and its counters in
// /_emulator/metrics, over raw frames: the error answer's shape per API, the count running out, delays on
// a timer (the connection's later requests wait behind, other connections do not), drops, and that an
// injected error stores nothing.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <chrono>
#include <cstdint>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "kafka/protocol/codec.hpp"
#include "kafka/protocol/record_batch.hpp"
#include "tests/support/dms_client.hpp"
#include "tests/support/kafka_connection.hpp"
#include "tests/support/test_server.hpp"

namespace emu::test {
namespace {

using kafka::protocol::reader;
using kafka::protocol::writer;
using clock_type = std::chrono::steady_clock;

std::uint16_t kafka_port(const test_server& server, const std::string& instance) {
    const auto reply = server.request("GET", instance_path(instance));
    EXPECT_EQ(reply.status, 200u) << reply.body;
    return static_cast<std::uint16_t>(reply.json()["port"].GetInt());
}

http_reply add_rule(const test_server& server, const std::string& rule) {
    return http_request(server.port(), "POST", "/_emulator/faults", rule,
                        {{"Content-Type", "application/json"}});
}

double sample(const test_server& server, const std::string& series) {
    const auto text = http_request(server.port(), "GET", "/_emulator/metrics").body;
    std::istringstream lines(text);
    std::string line;
    while (std::getline(lines, line)) {
        if (line.starts_with(series + " ")) return std::stod(line.substr(series.size() + 1));
    }
    return -1;
}

// Produce v`version` of one record to each of `partitions` of "orders".
std::string produce_request(std::int16_t version, std::int32_t correlation_id, std::int16_t acks,
                            const std::vector<std::int32_t>& partitions) {
    kafka::protocol::record record;
    record.key = "k";
    record.value = "v";
    std::string request = kafka_request_header(0, version, correlation_id);
    writer w(request);
    w.nullable_string(std::nullopt);  // transactional_id
    w.int16(acks);
    w.int32(1000);  // timeout_ms
    w.array_length(1);
    w.string("orders");
    w.array_length(partitions.size());
    for (const auto p : partitions) {
        w.int32(p);
        w.nullable_bytes(kafka::protocol::encode_batch({}, {record}));
    }
    return request;
}

struct produce_partition {
    std::int32_t index = 0;
    std::int16_t error = 0;
    std::int64_t base_offset = 0;
};

// A Produce v7 answer: its correlation id and the partitions of its one topic.
std::vector<produce_partition> read_produce_v7(const std::string& response, std::int32_t correlation_id) {
    reader r(response);
    EXPECT_EQ(r.int32(), correlation_id);
    EXPECT_EQ(r.array_length(false), 1);
    EXPECT_EQ(r.string(), "orders");
    std::vector<produce_partition> out;
    const auto n = r.array_length(false);
    for (std::int32_t i = 0; i < n; ++i) {
        produce_partition p;
        p.index = r.int32();
        p.error = r.int16();
        p.base_offset = r.int64();
        EXPECT_EQ(r.int64(), -1);  // log_append_time
        r.int64();                 // log_start_offset
        out.push_back(p);
    }
    EXPECT_EQ(r.int32(), 0);  // throttle_time_ms
    EXPECT_TRUE(r.at_end());
    return out;
}

std::string fetch_request(std::int32_t correlation_id, std::int32_t max_wait_ms, std::int32_t min_bytes) {
    std::string request = kafka_request_header(1, 11, correlation_id);
    writer w(request);
    w.int32(-1);  // replica_id
    w.int32(max_wait_ms);
    w.int32(min_bytes);
    w.int32(1 << 20);  // max_bytes
    w.int8(0);         // isolation_level
    w.int32(0);        // session_id
    w.int32(-1);       // session_epoch
    w.array_length(1);
    w.string("orders");
    w.array_length(2);
    for (const std::int32_t p : {0, 1}) {
        w.int32(p);
        w.int32(-1);  // current_leader_epoch
        w.int64(0);   // fetch_offset
        w.int64(-1);  // log_start_offset
        w.int32(1 << 20);
    }
    w.array_length(0);  // forgotten_topics_data
    w.string("");       // rack_id
    return request;
}

std::string api_versions_request(std::int32_t correlation_id) {
    return kafka_request_header(18, 0, correlation_id);
}

std::int64_t end_offset(test_server& server, const std::string& instance, std::int32_t partition) {
    return server.state().kafka.cluster(project_id, instance)->partition("orders", partition).end_offset;
}

TEST(KafkaFaults, AnErrorRuleAnswersEveryPartitionForItsCountAndStoresNothing) {
    test_server server;
    const auto instance = create_instance(server);
    create_topic(server, instance, "orders", 2);
    const auto added =
        add_rule(server, R"({"kafka_api":"Produce","kafka_error":"NOT_ENOUGH_REPLICAS","count":2})");
    ASSERT_EQ(added.status, 201u) << added.body;
    EXPECT_EQ(
        added.body,
        R"({"id":1,"kafka_api":"Produce","kafka_error":19,"probability":1.0,"seed":1,"count":2,"remaining":2,"hits":0})");

    kafka_connection kafka(kafka_port(server, instance));
    for (std::int32_t id = 1; id <= 2; ++id) {
        ASSERT_TRUE(kafka.send_request(produce_request(7, id, -1, {0, 1})));
        const auto response = kafka.read_response();
        ASSERT_TRUE(response);
        const auto partitions = read_produce_v7(*response, id);
        ASSERT_EQ(partitions.size(), 2u);
        for (std::size_t i = 0; i < partitions.size(); ++i) {
            EXPECT_EQ(partitions[i].index, static_cast<std::int32_t>(i));
            EXPECT_EQ(partitions[i].error, 19);
            EXPECT_EQ(partitions[i].base_offset, -1);
        }
    }
    EXPECT_EQ(end_offset(server, instance, 0), 0);
    EXPECT_EQ(end_offset(server, instance, 1), 0);
    EXPECT_EQ(http_request(server.port(), "GET", "/_emulator/faults").body, R"({"faults":[]})");

    // The count is used up: the third Produce is stored.
    ASSERT_TRUE(kafka.send_request(produce_request(7, 3, -1, {0, 1})));
    const auto response = kafka.read_response();
    ASSERT_TRUE(response);
    for (const auto& p : read_produce_v7(*response, 3)) {
        EXPECT_EQ(p.error, 0);
        EXPECT_EQ(p.base_offset, 0);
    }
    EXPECT_EQ(end_offset(server, instance, 0), 1);

    EXPECT_EQ(sample(server, R"(stream_emulator_kafka_requests_total{api="Produce"})"), 3);
    EXPECT_EQ(
        sample(server, R"(stream_emulator_kafka_errors_total{api="Produce",error="NOT_ENOUGH_REPLICAS"})"),
        4);
    EXPECT_EQ(sample(server, R"(stream_emulator_faults_fired_total{action="error"})"), 2);
    EXPECT_EQ(sample(server, "stream_emulator_kafka_connections"), 1);
}

TEST(KafkaFaults, AFetchErrorIsAtTopLevelAndInEveryPartitionAtOnce) {
    test_server server;
    const auto instance = create_instance(server);
    create_topic(server, instance, "orders", 2);
    ASSERT_EQ(add_rule(server, R"({"kafka_api":1,"kafka_error":6,"count":1})").status, 201u);
    kafka_connection kafka(kafka_port(server, instance));
    const auto start = clock_type::now();
    // min_bytes 1 on empty partitions would wait 5 s; the error answers at once.
    ASSERT_TRUE(kafka.send_request(fetch_request(9, 5000, 1)));
    const auto response = kafka.read_response();
    ASSERT_TRUE(response);
    EXPECT_LT(clock_type::now() - start, std::chrono::seconds(3));
    reader r(*response);
    EXPECT_EQ(r.int32(), 9);
    EXPECT_EQ(r.int32(), 0);  // throttle_time_ms
    EXPECT_EQ(r.int16(), 6);  // error_code
    EXPECT_EQ(r.int32(), 0);  // session_id
    EXPECT_EQ(r.array_length(false), 1);
    EXPECT_EQ(r.string(), "orders");
    ASSERT_EQ(r.array_length(false), 2);
    for (const std::int32_t p : {0, 1}) {
        EXPECT_EQ(r.int32(), p);
        EXPECT_EQ(r.int16(), 6);
        EXPECT_EQ(r.int64(), -1);  // high_watermark
        EXPECT_EQ(r.int64(), -1);  // last_stable_offset
        EXPECT_EQ(r.int64(), -1);  // log_start_offset
        EXPECT_EQ(r.array_length(false), 0);
        EXPECT_EQ(r.int32(), -1);  // preferred_read_replica
        EXPECT_FALSE(r.nullable_bytes());
    }
    EXPECT_TRUE(r.at_end());
    EXPECT_EQ(
        sample(server, R"(stream_emulator_kafka_errors_total{api="Fetch",error="NOT_LEADER_OR_FOLLOWER"})"),
        3);
}

TEST(KafkaFaults, MetadataAndAdminErrorsKeepTheBrokersAndNameEveryTopic) {
    test_server server;
    const auto instance = create_instance(server);
    create_topic(server, instance, "orders", 2);
    ASSERT_EQ(
        add_rule(server, R"({"kafka_api":"Metadata","kafka_error":"LEADER_NOT_AVAILABLE","count":1})").status,
        201u);
    ASSERT_EQ(add_rule(server, R"({"kafka_api":"DeleteTopics","kafka_error":"REQUEST_TIMED_OUT","count":1})")
                  .status,
              201u);
    kafka_connection kafka(kafka_port(server, instance));

    std::string metadata = kafka_request_header(3, 1, 4);
    writer(metadata).int32(-1);  // v1: every topic
    ASSERT_TRUE(kafka.send_request(metadata));
    auto response = kafka.read_response();
    ASSERT_TRUE(response);
    reader r(*response);
    EXPECT_EQ(r.int32(), 4);
    EXPECT_EQ(r.array_length(false), 3);  // the instance's three brokers
    for (int node = 0; node < 3; ++node) {
        EXPECT_EQ(r.int32(), node);
        EXPECT_EQ(r.string(), "127.0.0.1");
        EXPECT_GT(r.int32(), 0);
        EXPECT_FALSE(r.nullable_string());
    }
    EXPECT_EQ(r.int32(), 0);  // controller_id
    ASSERT_EQ(r.array_length(false), 1);
    EXPECT_EQ(r.int16(), 5);
    EXPECT_EQ(r.string(), "orders");
    EXPECT_FALSE(r.boolean());
    EXPECT_EQ(r.array_length(false), 0);
    EXPECT_TRUE(r.at_end());

    std::string deletion = kafka_request_header(20, 1, 5);
    writer w(deletion);
    w.array_length(1);
    w.string("orders");
    w.int32(1000);
    ASSERT_TRUE(kafka.send_request(deletion));
    response = kafka.read_response();
    ASSERT_TRUE(response);
    reader d(*response);
    EXPECT_EQ(d.int32(), 5);
    EXPECT_EQ(d.int32(), 0);  // throttle_time_ms
    ASSERT_EQ(d.array_length(false), 1);
    EXPECT_EQ(d.string(), "orders");
    EXPECT_EQ(d.int16(), 7);
    EXPECT_TRUE(d.at_end());
    // Not deleted.
    EXPECT_EQ(server.request("GET", partitions_path(instance, "orders")).status, 200u);
}

TEST(KafkaFaults, ADelayHoldsTheAnswerOnATimerNotTheThread) {
    // One worker thread: a delay that blocked it would stall the second connection (and the REST calls).
    test_server server([](server::config& c) { c.threads = 1; });
    const auto instance = create_instance(server);
    create_topic(server, instance, "orders", 2);
    ASSERT_EQ(add_rule(server, R"({"kafka_api":"Produce","delay_ms":600,"count":1})").status, 201u);
    const auto port = kafka_port(server, instance);
    kafka_connection slow(port);
    kafka_connection other(port);

    const auto start = clock_type::now();
    std::string both;
    writer w(both);
    for (const auto& body : {produce_request(7, 1, 1, {0}), api_versions_request(2)}) {
        w.int32(static_cast<std::int32_t>(body.size()));
        w.raw(body);
    }
    ASSERT_TRUE(slow.send_raw(both));
    // The delayed connection's neighbour is served meanwhile.
    ASSERT_TRUE(other.send_request(api_versions_request(7)));
    ASSERT_TRUE(other.read_response());
    EXPECT_LT(clock_type::now() - start, std::chrono::milliseconds(500));
    // The Produce was handled at once; its answer comes after the delay, and the pipelined request after it.
    EXPECT_EQ(end_offset(server, instance, 0), 1);
    const auto produced = slow.read_response();
    ASSERT_TRUE(produced);
    EXPECT_GE(clock_type::now() - start, std::chrono::milliseconds(600));
    EXPECT_EQ(read_produce_v7(*produced, 1).at(0).error, 0);
    const auto versions = slow.read_response();
    ASSERT_TRUE(versions);
    EXPECT_EQ(reader(*versions).int32(), 2);
    EXPECT_EQ(sample(server, R"(stream_emulator_faults_fired_total{action="delay"})"), 1);
}

TEST(KafkaFaults, ADelayedFetchLongPollStillWakesOnAnAppendAndCountsOnce) {
    test_server server;
    const auto instance = create_instance(server);
    create_topic(server, instance, "orders", 2);
    ASSERT_EQ(add_rule(server, R"({"kafka_api":"Fetch","delay_ms":300})").status, 201u);
    kafka_connection kafka(kafka_port(server, instance));
    const auto start = clock_type::now();
    ASSERT_TRUE(kafka.send_request(fetch_request(3, 5000, 1)));
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    send(server, instance, "orders", "hello", 0);
    const auto response = kafka.read_response();
    ASSERT_TRUE(response);
    const auto took = clock_type::now() - start;
    EXPECT_GE(took, std::chrono::milliseconds(300));
    EXPECT_LT(took, std::chrono::seconds(3));
    // One request, one firing: the long-poll's second attempt at the frame is not asked again.
    const auto listed = http_request(server.port(), "GET", "/_emulator/faults").json();
    EXPECT_EQ(listed["faults"][0]["hits"].GetUint64(), 1u);
}

TEST(KafkaFaults, DropClosesWithoutHandlingAndAcksZeroErrorsClose) {
    test_server server;
    const auto instance = create_instance(server);
    create_topic(server, instance, "orders", 2);
    const auto port = kafka_port(server, instance);
    ASSERT_EQ(add_rule(server, R"({"kafka_api":"Produce","drop":true,"count":1})").status, 201u);
    {
        kafka_connection kafka(port);
        ASSERT_TRUE(kafka.send_request(produce_request(7, 1, 1, {0})));
        EXPECT_TRUE(kafka.closed_by_server());
    }
    EXPECT_EQ(end_offset(server, instance, 0), 0);
    // acks 0 has no answer to carry the error: the connection closes, as Kafka does on a failed acks-0 write.
    ASSERT_EQ(add_rule(server, R"({"kafka_api":"Produce","kafka_error":-1,"count":1})").status, 201u);
    {
        kafka_connection kafka(port);
        ASSERT_TRUE(kafka.send_request(produce_request(7, 2, 0, {0})));
        EXPECT_TRUE(kafka.closed_by_server());
    }
    EXPECT_EQ(end_offset(server, instance, 0), 0);
    EXPECT_EQ(sample(server, R"(stream_emulator_faults_fired_total{action="drop"})"), 1);
    // Both connections are gone (closed on their strands just after).
    for (int i = 0; i < 100 && sample(server, "stream_emulator_kafka_connections") != 0; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    EXPECT_EQ(sample(server, "stream_emulator_kafka_connections"), 0);
    EXPECT_EQ(sample(server, "stream_emulator_kafka_connections_total"), 2);
}

TEST(KafkaFaults, RulesMatchTheirProjectAndHttpRulesNeverMatchKafka) {
    test_server server;
    const auto instance = create_instance(server);
    create_topic(server, instance, "orders", 2);
    const auto port = kafka_port(server, instance);
    ASSERT_EQ(add_rule(server, R"({"kafka_api":"ApiVersions","kafka_error":7,"project_id":")" +
                                   other_project_id + R"("})")
                  .status,
              201u);
    ASSERT_EQ(add_rule(server, R"({"status":500})").status, 201u);  // every cloud-API request
    kafka_connection kafka(port);
    ASSERT_TRUE(kafka.send_request(api_versions_request(1)));
    const auto response = kafka.read_response();
    ASSERT_TRUE(response);
    reader r(*response);
    EXPECT_EQ(r.int32(), 1);
    EXPECT_EQ(r.int16(), 0);
    const auto listed = http_request(server.port(), "GET", "/_emulator/faults").json();
    EXPECT_EQ(listed["faults"][0]["hits"].GetUint64(), 0u);
    EXPECT_EQ(listed["faults"][1]["hits"].GetUint64(), 0u);
}

// A request the error answer cannot decode closes the connection as the handler's would.
TEST(KafkaFaults, AnErrorAnswerToABodyThatDoesNotDecodeCloses) {
    test_server server;
    const auto instance = create_instance(server);
    ASSERT_EQ(add_rule(server, R"({"kafka_api":"ListOffsets","kafka_error":7})").status, 201u);
    kafka_connection kafka(kafka_port(server, instance));
    std::string request = kafka_request_header(2, 1, 1);
    writer w(request);
    w.int32(-1);
    w.int32(5);  // five topics, none there
    ASSERT_TRUE(kafka.send_request(request));
    EXPECT_TRUE(kafka.closed_by_server());
}

}  // namespace
}  // namespace emu::test
